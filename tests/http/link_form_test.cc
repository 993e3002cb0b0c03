#include "http/link_form.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

#include "http/api_error.h"

namespace madoguchi::http {
namespace {

Date D(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

class LinkFormTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto n = text::Normalizer::Create();
    ASSERT_TRUE(n.ok());
    normalizer_ = std::move(n).value().release();
  }
  static void TearDownTestSuite() { delete normalizer_; }
  static StatusOr<LinkFormFields> Read(const std::string& member, const std::string& birth,
                                       const std::string& code) {
    return ReadLinkForm({member, birth, code}, *normalizer_);
  }
  static text::Normalizer* normalizer_;
};
text::Normalizer* LinkFormTest::normalizer_ = nullptr;

TEST_F(LinkFormTest, AcceptsTheChatsBirthDateForms) {
  for (const char* birth : {"1980-04-01", "1980/4/1", "昭和55年4月1日", "S55.4.1", "s55.4.1",
                            "19800401", "１９８０年４月１日", " 1980-04-01 "}) {
    auto f = Read("K1001", birth, "DEMO-K1001");
    ASSERT_TRUE(f.ok()) << birth << ": " << f.status().message();
    EXPECT_EQ(f->birth_date, D(1980, 4, 1)) << birth;
  }
}

TEST_F(LinkFormTest, KeepsCaseFoldsWidthDropsSpaces) {
  auto f = Read(" Ｋ１００１ ", "1980-04-01", "ＤＥＭＯ-K 1001\u3000");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->member_id, "K1001");
  EXPECT_EQ(f->auth_code, "DEMO-K1001");
  f = Read("k1001", "1980-04-01", "demo-k1001");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->member_id, "k1001");  // the core decides whether this is K1001
}

TEST_F(LinkFormTest, NamesTheFieldThatIsMissingOrUnreadable) {
  auto f = Read("", "1980-04-01", "c0de");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("会員番号"), std::string::npos);
  f = Read("K1001", "来週の火曜日", "c0de");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("生年月日"), std::string::npos);
  f = Read("K1001", "4月1日", "c0de");  // no year: not a birth date
  ASSERT_FALSE(f.ok());
  f = Read("K1001", "1980-04-01", "   ");
  ASSERT_FALSE(f.ok());
  EXPECT_NE(f.status().message().find("認証コード"), std::string::npos);
  f = Read(std::string(65, '1'), "1980-04-01", "c0de");
  ASSERT_FALSE(f.ok());
  EXPECT_EQ(HttpStatusFor(f.status()), 400);
}

// A number no member can have is a form error, so it never reaches the points core and never
// counts towards a lockout; a number of the right form is left to the core, in any case.
TEST_F(LinkFormTest, MalformedMemberNumbersAreFormErrors) {
  const std::vector<std::string> bad_numbers = {"K1001!", "ｋ１００１？", "会員K1001",
                                                std::string(33, '1')};
  for (const std::string& bad : bad_numbers) {
    auto f = Read(bad, "1980-04-01", "DEMO-K1001");
    ASSERT_FALSE(f.ok()) << bad;
    EXPECT_EQ(f.status().reason(), "invalid_form") << bad;
    EXPECT_NE(f.status().message().find("会員番号"), std::string::npos) << bad;
  }
  auto f = Read("ｋ１００１", "1980-04-01", "DEMO-K1001");
  ASSERT_TRUE(f.ok());
  EXPECT_EQ(f->member_id, "k1001");
}

TEST(LinkFailure, ClassifiesCompletesErrors) {
  EXPECT_EQ(ClassifyLinkFailure(Status(StatusCode::kPermissionDenied, "x", "not_verified")),
            LinkFailure::kRetry);
  EXPECT_EQ(ClassifyLinkFailure(Status(StatusCode::kPermissionDenied, "x", "wrong_program")),
            LinkFailure::kRetry);
  EXPECT_EQ(ClassifyLinkFailure(InvalidArgument("bad member id")), LinkFailure::kRetry);
  EXPECT_EQ(ClassifyLinkFailure(NotFound("token")), LinkFailure::kTokenGone);
  EXPECT_EQ(ClassifyLinkFailure(Status(StatusCode::kResourceExhausted, "x", "locked")),
            LinkFailure::kLocked);
  EXPECT_EQ(ClassifyLinkFailure(Unavailable("down")), LinkFailure::kUnavailable);
}

TEST(LinkFailure, MessagesSayWhatToDoAndNothingMore) {
  const std::string retry = LinkFailureMessage(LinkFailure::kRetry);
  EXPECT_EQ(retry.find("あと"), std::string::npos);  // no tries-left count
  EXPECT_NE(LinkFailureMessage(LinkFailure::kLocked).find("1時間"), std::string::npos);
  EXPECT_NE(LinkFailureMessage(LinkFailure::kTokenGone).find("新しいリンク"), std::string::npos);
  EXPECT_NE(LinkFailureMessage(LinkFailure::kUnavailable).find("確認できません"),
            std::string::npos);
}

}  // namespace
}  // namespace madoguchi::http
