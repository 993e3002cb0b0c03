#include "text/redact.h"

#include <gtest/gtest.h>

namespace madoguchi::text {
namespace {

class RedactTest : public ::testing::Test {
 protected:
  void SetUp() override { normalizer_ = std::move(Normalizer::Create()).value(); }
  std::string R(const std::string& s) { return Redact(s, *normalizer_); }
  std::unique_ptr<Normalizer> normalizer_;
};

TEST_F(RedactTest, MemberNumbersInAnyWidth) {
  EXPECT_EQ(R("会員番号は12345678です"), "会員番号は[番号]です");
  EXPECT_EQ(R("会員番号は１２３４５６７８です"), "会員番号は[番号]です");
}

TEST_F(RedactTest, BirthDatesInEveryForm) {
  for (const char* s :
       {"昭和55年4月1日", "S55.4.1", "s55.4.1", "1980/4/1", "1980年4月1日", "１９８０年４月１日"}) {
    std::string out = R(std::string("生年月日は") + s);
    EXPECT_EQ(out, "生年月日は[日付]") << s;
  }
  EXPECT_EQ(R("19800401"), "[番号]");
}

TEST_F(RedactTest, PhoneNumbersEmailsAndCodes) {
  EXPECT_EQ(R("電話は090-1234-5678"), "電話は[電話番号]");
  EXPECT_EQ(R("０９０－１２３４－５６７８"), "[電話番号]");
  EXPECT_EQ(R("mail: taro@example.jp"), "mail: [メール]");
  EXPECT_EQ(R("認証コードはab12cd34です"), "認証コードは[コード]です");
}

TEST_F(RedactTest, OrdinaryNumbersStay) {
  EXPECT_EQ(R("対象者200人、受診者180人"), "対象者200人、受診者180人");
  EXPECT_EQ(R("10月に交換したい"), "10月に交換したい");
}

}  // namespace
}  // namespace madoguchi::text
