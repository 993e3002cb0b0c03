#include "text/utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace madoguchi::text {
namespace {

const std::string kReplacement = "\xEF\xBF\xBD";  // U+FFFD

TEST(IsValidUtf8Test, AcceptsWellFormedText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("ascii only"));
  EXPECT_TRUE(IsValidUtf8("認証コードが届きません"));
  EXPECT_TRUE(IsValidUtf8("caf\xC3\xA9"));       // é, two bytes
  EXPECT_TRUE(IsValidUtf8("\xF0\x9F\x98\x80"));  // 😀, four bytes
  EXPECT_TRUE(IsValidUtf8("\xF4\x8F\xBF\xBF"));  // U+10FFFF, the last code point
  EXPECT_TRUE(IsValidUtf8("\xED\x9F\xBF"));      // U+D7FF, just below the surrogates
  EXPECT_TRUE(IsValidUtf8("\xEE\x80\x80"));      // U+E000, just above them
}

TEST(IsValidUtf8Test, RejectsBrokenSequences) {
  EXPECT_FALSE(IsValidUtf8("\x80"));              // lone continuation byte
  EXPECT_FALSE(IsValidUtf8("\xE3\x81"));          // truncated あ
  EXPECT_FALSE(IsValidUtf8("\xE3\x81\x82\xE3"));  // あ then a truncated start
  EXPECT_FALSE(IsValidUtf8("\xFF"));
  EXPECT_FALSE(IsValidUtf8("\xFE"));
  EXPECT_FALSE(IsValidUtf8("\xF8\x88\x80\x80\x80"));  // five-byte form
  EXPECT_FALSE(
      IsValidUtf8("a\xC3"
                  "b"));  // start byte followed by ASCII
}

TEST(IsValidUtf8Test, RejectsOverlongForms) {
  EXPECT_FALSE(IsValidUtf8("\xC0\xAF"));  // '/' in two bytes
  EXPECT_FALSE(IsValidUtf8("\xC1\xBF"));
  EXPECT_FALSE(IsValidUtf8("\xE0\x80\xAF"));      // '/' in three bytes
  EXPECT_FALSE(IsValidUtf8("\xE0\x9F\xBF"));      // U+07FF in three bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x80\x80\xAF"));  // '/' in four bytes
  EXPECT_FALSE(IsValidUtf8("\xF0\x8F\xBF\xBF"));  // U+FFFF in four bytes
  EXPECT_FALSE(IsValidUtf8("\xC0\x80"));          // modified-UTF-8 NUL
}

TEST(IsValidUtf8Test, RejectsSurrogatesAndValuesPastTheLastCodePoint) {
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\x80"));              // U+D800
  EXPECT_FALSE(IsValidUtf8("\xED\xBF\xBF"));              // U+DFFF
  EXPECT_FALSE(IsValidUtf8("\xED\xA0\xBD\xED\xB8\x80"));  // CESU-8 pair for 😀
  EXPECT_FALSE(IsValidUtf8("\xF4\x90\x80\x80"));          // U+110000
  EXPECT_FALSE(IsValidUtf8("\xF7\xBF\xBF\xBF"));
}

TEST(RepairUtf8Test, LeavesValidTextAlone) {
  for (const char* s : {"", "ポイント交換", "QUPiO Plus 😀", "caf\xC3\xA9"}) {
    EXPECT_EQ(RepairUtf8(s), s);
  }
}

TEST(RepairUtf8Test, ReplacesInvalidBytesWithReplacementCharacter) {
  EXPECT_EQ(RepairUtf8("a\xFF"
                       "b"),
            "a" + kReplacement + "b");
  EXPECT_EQ(RepairUtf8("\x80"), kReplacement);
  std::string repaired = RepairUtf8("認証\xE3\x81");
  EXPECT_TRUE(IsValidUtf8(repaired));
  EXPECT_EQ(repaired.rfind("認証", 0), 0u) << "the valid prefix is kept";
  EXPECT_NE(repaired.find(kReplacement), std::string::npos);
}

TEST(RepairUtf8Test, OverlongAndSurrogateFormsNeverDecodeToTheirValues) {
  // An overlong '/' must not turn into a real '/', or path and syntax checks could be fooled.
  std::string overlong = RepairUtf8(
      "a\xC0\xAF"
      "b");
  EXPECT_TRUE(IsValidUtf8(overlong));
  EXPECT_EQ(overlong.find('/'), std::string::npos);
  EXPECT_NE(overlong.find(kReplacement), std::string::npos);

  std::string surrogate = RepairUtf8("x\xED\xA0\x80y");
  EXPECT_TRUE(IsValidUtf8(surrogate));
  EXPECT_NE(surrogate.find(kReplacement), std::string::npos);
  EXPECT_EQ(surrogate.front(), 'x');
  EXPECT_EQ(surrogate.back(), 'y');
}

TEST(RepairUtf8Test, AlwaysProducesValidUtf8) {
  // Every single byte value and every pair of byte values.
  for (int a = 0; a < 256; ++a) {
    std::string one(1, static_cast<char>(a));
    ASSERT_TRUE(IsValidUtf8(RepairUtf8(one))) << "byte " << a;
    for (int b = 0x80; b < 256; b += 7) {
      std::string two = one + static_cast<char>(b);
      ASSERT_TRUE(IsValidUtf8(RepairUtf8(two))) << "bytes " << a << " " << b;
    }
  }
}

TEST(DecodeEncodeTest, RoundTripsEveryLength) {
  const std::u32string code_points = {U'a', 0xE9, 0x3042, 0x1F600, 0x10FFFF};
  std::string encoded = EncodeUtf8(code_points);
  EXPECT_EQ(encoded, "a\xC3\xA9\xE3\x81\x82\xF0\x9F\x98\x80\xF4\x8F\xBF\xBF");
  EXPECT_EQ(DecodeUtf8(encoded), code_points);
}

TEST(DecodeUtf8Test, InvalidBytesBecomeReplacementCharacters) {
  std::u32string decoded = DecodeUtf8(
      "a\xFF"
      "b");
  EXPECT_EQ(decoded, (std::u32string{U'a', 0xFFFD, U'b'}));
}

TEST(AppendUtf8Test, UsesTheShortestFormAtEachBoundary) {
  struct Case {
    char32_t c;
    size_t bytes;
  };
  for (const Case& k : {Case{0x00, 1}, Case{0x7F, 1}, Case{0x80, 2}, Case{0x7FF, 2}, Case{0x800, 3},
                        Case{0xFFFF, 3}, Case{0x10000, 4}, Case{0x10FFFF, 4}}) {
    std::string out;
    AppendUtf8(k.c, &out);
    EXPECT_EQ(out.size(), k.bytes) << std::hex << static_cast<unsigned>(k.c);
    EXPECT_TRUE(IsValidUtf8(out)) << std::hex << static_cast<unsigned>(k.c);
    EXPECT_EQ(DecodeUtf8(out), std::u32string(1, k.c));
  }
}

TEST(CodePointCountTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(CodePointCount(""), 0u);
  EXPECT_EQ(CodePointCount("abc"), 3u);
  EXPECT_EQ(CodePointCount("あい😀a"), 4u);
  // A family emoji is five code points joined by zero-width joiners.
  EXPECT_EQ(
      CodePointCount("\xF0\x9F\x91\xA8\xE2\x80\x8D\xF0\x9F\x91\xA9\xE2\x80\x8D\xF0\x9F\x91\xA7"),
      5u);
}

TEST(TruncateCodePointsTest, CutsAtCodePointBoundaries) {
  const std::string text = "あい😀a";
  EXPECT_EQ(TruncateCodePoints(text, 0), "");
  EXPECT_EQ(TruncateCodePoints(text, 1), "あ");
  EXPECT_EQ(TruncateCodePoints(text, 3), "あい😀");
  EXPECT_EQ(TruncateCodePoints(text, 4), text);
  EXPECT_EQ(TruncateCodePoints(text, 100), text);
  for (size_t n = 0; n <= 5; ++n) {
    std::string cut = TruncateCodePoints(text, n);
    EXPECT_TRUE(IsValidUtf8(cut)) << n;
    EXPECT_EQ(CodePointCount(cut), std::min<size_t>(n, 4)) << n;
  }
}

TEST(TruncateCodePointsTest, NeverSplitsAnEmoji) {
  std::string emoji_run;
  for (int i = 0; i < 10; ++i) emoji_run += "\xF0\x9F\x98\x80";
  std::string cut = TruncateCodePoints(emoji_run, 7);
  EXPECT_EQ(cut.size(), 7u * 4);
  EXPECT_TRUE(IsValidUtf8(cut));
}

}  // namespace
}  // namespace madoguchi::text
