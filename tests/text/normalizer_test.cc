#include "text/normalizer.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "support/normalizer_suite.h"
#include "text/utf8.h"

namespace madoguchi::text {
namespace {

class NormalizerTest : public support::NormalizerSuite {
 protected:
  static std::string N(std::string_view s) { return normalizer_->Normalize(s); }
};

TEST_F(NormalizerTest, EmptyStaysEmpty) { EXPECT_EQ(N(""), ""); }

// 2. NFKC: full-width ASCII to ASCII.
TEST_F(NormalizerTest, NfkcFoldsFullWidthAscii) {
  EXPECT_EQ(N("ＡＢＣ１２３"), "abc123");
  EXPECT_EQ(N("ＰＷ"), "pw");
  EXPECT_EQ(N("（株）"), "(株)");
  EXPECT_EQ(N("！？"), "!?");
}

TEST_F(NormalizerTest, NfkcFoldsCompatibilityCharacters) {
  EXPECT_EQ(N("①"), "1");
  EXPECT_EQ(N("㈱"), "(株)");
  EXPECT_EQ(N("㍻"), "平成");
}

// 2. NFKC: half-width kana to full-width, with voiced marks merged.
TEST_F(NormalizerTest, HalfWidthKanaBecomeFullWidth) {
  EXPECT_EQ(N("ｺｰﾄﾞ"), "コード");
  EXPECT_EQ(N("ﾊﾟｽﾜｰﾄﾞ"), "パスワード");
  EXPECT_EQ(N("ﾆﾝｼｮｳｺｰﾄﾞ"), "ニンショウコード");
  EXPECT_EQ(N("ｶﾞｷﾞｸﾞｹﾞｺﾞ"), "ガギグゲゴ");
  // The merged form is one code point each, not a base plus a combining mark.
  EXPECT_EQ(CodePointCount(N("ﾊﾟｽﾜｰﾄﾞ")), 5u);
}

// 3. ASCII and Latin case.
TEST_F(NormalizerTest, LowerCasesLatinLetters) {
  EXPECT_EQ(N("PassWord"), "password");
  EXPECT_EQ(N("QUPiO Plus"), "qupio plus");
  EXPECT_EQ(N("ÀÉ"), "àé");
  EXPECT_EQ(N("ログインID"), "ログインid");
}

// 4. Dashes after digits and elsewhere become "-".
TEST_F(NormalizerTest, DashesBetweenDigitsBecomeHyphenMinus) {
  EXPECT_EQ(N("087－832－3794"), "087-832-3794");
  EXPECT_EQ(N("０８７‐８３２‐３７９４"), "087-832-3794");
  EXPECT_EQ(N("0120—818—448"), "0120-818-448");
  EXPECT_EQ(N("東京－大阪"), "東京-大阪");
  EXPECT_EQ(N("－1"), "-1");
}

// Every dash, minus and bar the normalizer knows, after kana and after a digit.
TEST_F(NormalizerTest, EveryDashVariantFolds) {
  const char* const kDashes[] = {
      "-",      "\u2010", "\u2011", "\u2012", "\u2013", "\u2014", "\u2015", "\u2212", "\u2043",
      "\uFE58", "\uFE63", "\uFF0D", "\u2500", "\u2501", "\u30FC", "\uFF70", "\u2E3A", "\u2E3B",
  };
  for (const char* dash : kDashes) {
    EXPECT_EQ(N(std::string("パスワ") + dash + "ド"), "パスワード") << "dash " << dash;
    EXPECT_EQ(N(std::string("1") + dash + "2"), "1-2") << "dash " << dash;
  }
}

TEST_F(NormalizerTest, DashesAfterKanaBecomeLongVowelMark) {
  EXPECT_EQ(N("パスワ―ド"), "パスワード");   // U+2015 horizontal bar
  EXPECT_EQ(N("パスワ－ド"), "パスワード");  // U+FF0D full-width hyphen-minus
  EXPECT_EQ(N("パスワ−ド"), "パスワード");   // U+2212 minus sign
  EXPECT_EQ(N("ぱすわ-ど"), "ぱすわーど");
  EXPECT_EQ(N("ラーメン"), "ラーメン");
}

TEST_F(NormalizerTest, DoubledLongVowelCollapses) {
  EXPECT_EQ(N("パスワ――ド"), "パスワード");
  EXPECT_EQ(N("コーード"), "コード");
}

// 4. Wave dashes.
TEST_F(NormalizerTest, WaveDashesBecomeTilde) {
  EXPECT_EQ(N("9:00〜17:00"), "9:00~17:00");  // U+301C
  EXPECT_EQ(N("9:00～17:00"), "9:00~17:00");  // U+FF5E
  EXPECT_EQ(N("9:00〰17:00"), "9:00~17:00");  // U+3030
  EXPECT_EQ(N("5月~3月"), "5月~3月");
}

// 5. Iteration marks.
TEST_F(NormalizerTest, IterationMarksAreSpelledOut) {
  EXPECT_EQ(N("こゝろ"), "こころ");
  EXPECT_EQ(N("いすゞ"), "いすず");
  EXPECT_EQ(N("バナヽ"), "バナナ");
  EXPECT_EQ(N("ハヾ"), "ハバ");
  EXPECT_EQ(N("時〻"), "時々");
  EXPECT_EQ(N("時々"), "時々");
}

// 6. White space.
TEST_F(NormalizerTest, FullWidthSpaceBecomesOneAsciiSpace) {
  EXPECT_EQ(N("認証　コード"), "認証 コード");
  EXPECT_EQ(N("認証\u3000\u3000コード"), "認証 コード");
}

TEST_F(NormalizerTest, RunsOfWhiteSpaceCollapse) {
  EXPECT_EQ(N("a   b\t\tc\r\nd"), "a b c d");
  EXPECT_EQ(N("ポイント \u3000 交換"), "ポイント 交換");
}

TEST_F(NormalizerTest, WhiteSpaceIsTrimmed) {
  EXPECT_EQ(N("   ポイント   "), "ポイント");
  EXPECT_EQ(N("\u3000ポイント\u3000"), "ポイント");
  EXPECT_EQ(N(" \t\n "), "");
}

// 1. Invisible characters.
TEST_F(NormalizerTest, ZeroWidthCharactersAreRemoved) {
  EXPECT_EQ(N("認\u200B証\u200Cコ\u200Dー\u2060ド"), "認証コード");
  EXPECT_EQ(N("\uFEFFパスワード"), "パスワード");
  EXPECT_EQ(N("パス\uFE0Fワード"), "パスワード");
}

TEST_F(NormalizerTest, ControlCharactersAreRemoved) {
  EXPECT_EQ(N("ポイ\x01ン\x7Fト"), "ポイント");
  EXPECT_EQ(N("a\x1b[31mb"), "a[31mb");
}

TEST_F(NormalizerTest, InvalidUtf8NeverCrashesAndComesOutValid) {
  for (const char* s : {"\xFF",
                        "a\xC0\xAF"
                        "b",
                        "\xED\xA0\x80", "ポイ\xE3\x81", "\x80\x80\x80", "\xF4\x90\x80\x80 ﾊﾟｽ"}) {
    std::string out = N(s);
    EXPECT_TRUE(IsValidUtf8(out)) << "input " << s;
  }
  std::string mixed = N("ﾎﾟｲﾝﾄ\xFF交換");
  EXPECT_EQ(mixed.rfind("ポイント", 0), 0u);
  EXPECT_NE(mixed.find("交換"), std::string::npos);
}

TEST_F(NormalizerTest, LongInput) {
  std::string input;
  for (int i = 0; i < 2500; ++i) input += "ﾎﾟｲﾝ";  // ﾎ ﾟ ｲ ﾝ: four code points
  input += "あああ";
  ASSERT_EQ(CodePointCount(input), 2500u * 4 + 3);
  std::string out = N(input);
  EXPECT_EQ(CodePointCount(out), 2500u * 3 + 3);  // ポイン, with the dakuten merged
  EXPECT_EQ(out.rfind("ポイン", 0), 0u);

  std::string ten_thousand;
  for (int i = 0; i < 10000; ++i) ten_thousand += "あ";
  EXPECT_EQ(N(ten_thousand), ten_thousand);
}

TEST_F(NormalizerTest, EmojiAreKept) {
  EXPECT_EQ(N("ポイント😀"), "ポイント😀");
  EXPECT_EQ(N("👍🎉"), "👍🎉");
}

TEST_F(NormalizerTest, IsIdempotent) {
  for (const char* s : {"ﾊﾟｽﾜｰﾄﾞを忘れた", "087－832－3794", "パスワ―ド", "9:00〜17:00", "いすゞ",
                        "  認証　コード  ", "ＱＵＰｉＯ　Ｐｌｕｓ", "令和３年１２月", "ｺｰﾄﾞ－ｰ"}) {
    std::string once = N(s);
    EXPECT_EQ(N(once), once) << "input " << s;
  }
}

TEST_F(NormalizerTest, CombinesRulesInOneText) {
  EXPECT_EQ(N("  ＱＵＰｉＯ　Ｐｌｕｓの\u200Bﾊﾟｽﾜ－ﾄﾞ　を忘れました！  "),
            "qupio plusのパスワード を忘れました!");
}

}  // namespace
}  // namespace madoguchi::text
