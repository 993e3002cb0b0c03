#include "text/kana.h"

#include <gtest/gtest.h>

#include "text/utf8.h"

namespace madoguchi::text {
namespace {

TEST(KanaClassTest, Hiragana) {
  EXPECT_TRUE(IsHiragana(U'ぁ'));
  EXPECT_TRUE(IsHiragana(U'あ'));
  EXPECT_TRUE(IsHiragana(U'ん'));
  EXPECT_TRUE(IsHiragana(U'ゖ'));
  EXPECT_TRUE(IsHiragana(U'ゝ'));
  EXPECT_TRUE(IsHiragana(U'ゞ'));
  EXPECT_FALSE(IsHiragana(U'ア'));
  EXPECT_FALSE(IsHiragana(U'ー'));
  EXPECT_FALSE(IsHiragana(U'a'));
  EXPECT_FALSE(IsHiragana(U'漢'));
}

TEST(KanaClassTest, Katakana) {
  EXPECT_TRUE(IsKatakana(U'ァ'));
  EXPECT_TRUE(IsKatakana(U'ア'));
  EXPECT_TRUE(IsKatakana(U'ヴ'));
  EXPECT_TRUE(IsKatakana(U'ヺ'));
  EXPECT_TRUE(IsKatakana(U'ー'));
  EXPECT_TRUE(IsKatakana(U'ヽ'));
  EXPECT_TRUE(IsKatakana(U'ヾ'));
  EXPECT_FALSE(IsKatakana(U'・'));  // the middle dot is punctuation
  EXPECT_FALSE(IsKatakana(U'あ'));
  EXPECT_FALSE(IsKatakana(U'ｱ'));  // half-width forms are normalized away before this
  EXPECT_TRUE(IsKana(U'あ'));
  EXPECT_TRUE(IsKana(U'ア'));
  EXPECT_FALSE(IsKana(U'-'));
}

TEST(KanaClassTest, Kanji) {
  EXPECT_TRUE(IsKanji(U'認'));
  EXPECT_TRUE(IsKanji(U'証'));
  EXPECT_TRUE(IsKanji(U'々'));
  EXPECT_TRUE(IsKanji(U'㐂'));          // extension A
  EXPECT_TRUE(IsKanji(U'\U00020B9F'));  // 𠮟, extension B
  EXPECT_FALSE(IsKanji(U'あ'));
  EXPECT_FALSE(IsKanji(U'ア'));
  EXPECT_FALSE(IsKanji(U'1'));
  EXPECT_FALSE(IsKanji(U'〻'));  // normalized to 々 first
}

TEST(KanaConversionTest, HiraganaToKatakana) {
  EXPECT_EQ(HiraganaToKatakana("ぱすわーど"), "パスワード");
  EXPECT_EQ(HiraganaToKatakana("にんしょうこーど"), "ニンショウコード");
  EXPECT_EQ(HiraganaToKatakana("ゔぁ"), "ヴァ");
  EXPECT_EQ(HiraganaToKatakana("ゝゞ"), "ヽヾ");
  // Kanji, katakana, ASCII and emoji pass through.
  EXPECT_EQ(HiraganaToKatakana("認証コードabc😀"), "認証コードabc😀");
  EXPECT_EQ(HiraganaToKatakana(""), "");
}

TEST(KanaConversionTest, HiraganaToKatakanaMovesExactlyTheHiraganaOfTheBlock) {
  // The conversion works on UTF-8 bytes; across the whole kana block it must agree with
  // moving each hiragana code point to its katakana, and leave everything else alone.
  for (char32_t c = 0x3000; c <= 0x30FF; ++c) {
    const bool hiragana = (c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E;
    const std::u32string in = {U'a', c, U'漢', c};
    const char32_t to = hiragana ? c + 0x60 : c;
    EXPECT_EQ(HiraganaToKatakana(EncodeUtf8(in)), EncodeUtf8(std::u32string{U'a', to, U'漢', to}))
        << static_cast<unsigned>(c);
  }
}

TEST(KanaConversionTest, KatakanaToHiragana) {
  EXPECT_EQ(KatakanaToHiragana("パスワード"), "ぱすわーど");
  EXPECT_EQ(KatakanaToHiragana("ヴァ"), "ゔぁ");
  EXPECT_EQ(KatakanaToHiragana("ヽヾ"), "ゝゞ");
  EXPECT_EQ(KatakanaToHiragana("ヷ"), "ヷ");  // no hiragana counterpart
  EXPECT_EQ(KatakanaToHiragana("QUPiO Plus"), "QUPiO Plus");
}

TEST(KanaConversionTest, RoundTrip) {
  const char* text = "あいうえおかきくけこがぎぐげごぱぴぷぺぽゃゅょっゎゐゑをん";
  EXPECT_EQ(KatakanaToHiragana(HiraganaToKatakana(text)), text);
}

TEST(KanaPredicateTest, IsAllKana) {
  EXPECT_TRUE(IsAllKana("ぱすわーど"));
  EXPECT_TRUE(IsAllKana("パスワード"));
  EXPECT_TRUE(IsAllKana("ぽいんとポイント"));
  EXPECT_FALSE(IsAllKana(""));
  EXPECT_FALSE(IsAllKana("認証コード"));
  EXPECT_FALSE(IsAllKana("pw"));
  EXPECT_FALSE(IsAllKana("ぱすわーど "));
}

TEST(KanaPredicateTest, HasKanji) {
  EXPECT_TRUE(HasKanji("認証コード"));
  EXPECT_TRUE(HasKanji("時々"));
  EXPECT_FALSE(HasKanji("パスワード"));
  EXPECT_FALSE(HasKanji(""));
  EXPECT_FALSE(HasKanji("abc123"));
}

}  // namespace
}  // namespace madoguchi::text
