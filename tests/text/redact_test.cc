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

TEST_F(RedactTest, AuthCodesInTheDocumentedFormat) {
  // Postcard codes are printed like 7Q2M-9XDA: groups joined by a hyphen, in any case or width.
  EXPECT_EQ(R("認証コード7q2m-9xdaが使えません"), "認証コード[コード]が使えません");
  EXPECT_EQ(R("コードは 7Q2M-9XDA です"), "コードは [コード] です");
  EXPECT_EQ(R("７Ｑ２Ｍ－９ＸＤＡ"), "[コード]");
  EXPECT_EQ(R("demo-k1001を入れた"), "[コード]を入れた");
}

TEST_F(RedactTest, PhoneNumbersInKanjiDigits) {
  EXPECT_EQ(R("電話は〇九〇-一二三四-五六七八です"), "電話は[電話番号]です");
  EXPECT_EQ(R("〇九〇一二三四五六七八に電話して"), "[電話番号]に電話して");
  EXPECT_EQ(R("〇三ー一二三四ー五六七八"), "[電話番号]");
}

TEST_F(RedactTest, BirthDaysWithoutAYear) {
  EXPECT_EQ(R("6月15日生まれです"), "[日付]生まれです");
  EXPECT_EQ(R("誕生日は６月１５日"), "誕生日は[日付]");
  EXPECT_EQ(R("六月十五日生まれの者です"), "[日付]生まれの者です");
  EXPECT_EQ(R("生年月日は6/15です"), "生年月日は[日付]です");
  // Without a birth, a day of the year is what the question is about, and stays.
  EXPECT_EQ(R("4月1日から交換できますか"), "4月1日から交換できますか");
}

TEST_F(RedactTest, OrdinaryNumbersStay) {
  EXPECT_EQ(R("対象者200人、受診者180人"), "対象者200人、受診者180人");
  EXPECT_EQ(R("10月に交換したい"), "10月に交換したい");
}

}  // namespace
}  // namespace madoguchi::text
