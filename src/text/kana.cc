#include "text/kana.h"

#include "text/utf8.h"

namespace madoguchi::text {

bool IsHiragana(char32_t c) { return (c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E; }
bool IsKatakana(char32_t c) {
  return (c >= 0x30A1 && c <= 0x30FA) || c == 0x30FC || c == 0x30FD || c == 0x30FE;
}
bool IsKanji(char32_t c) {
  return (c >= 0x4E00 && c <= 0x9FFF) || (c >= 0x3400 && c <= 0x4DBF) ||
         (c >= 0xF900 && c <= 0xFAFF) || (c >= 0x20000 && c <= 0x2FFFF) || c == 0x3005;
}

std::string HiraganaToKatakana(std::string_view s) {
  // In place on the bytes: every reading of every token passes here, and kana are all
  // three-byte sequences led by E3, so nothing needs decoding into a wider string.
  std::string out(s);
  for (size_t i = 0; i + 2 < out.size(); ++i) {
    if (static_cast<unsigned char>(out[i]) != 0xE3) continue;
    const auto b1 = static_cast<unsigned char>(out[i + 1]);
    const auto b2 = static_cast<unsigned char>(out[i + 2]);
    if ((b1 & 0xC0) != 0x80 || (b2 & 0xC0) != 0x80) continue;
    char32_t c = 0x3000 | ((b1 & 0x3F) << 6) | (b2 & 0x3F);
    if ((c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E) {
      c += 0x60;
      out[i + 1] = static_cast<char>(0x80 | ((c >> 6) & 0x3F));
      out[i + 2] = static_cast<char>(0x80 | (c & 0x3F));
    }
    i += 2;
  }
  return out;
}

std::string KatakanaToHiragana(std::string_view s) {
  std::u32string u = DecodeUtf8(s);
  for (char32_t& c : u) {
    if ((c >= 0x30A1 && c <= 0x30F6) || c == 0x30FD || c == 0x30FE) c -= 0x60;
  }
  return EncodeUtf8(u);
}

bool IsAllKana(std::string_view s) {
  if (s.empty()) return false;
  for (char32_t c : DecodeUtf8(s)) {
    if (!IsKana(c)) return false;
  }
  return true;
}

bool HasKanji(std::string_view s) {
  for (char32_t c : DecodeUtf8(s)) {
    if (IsKanji(c)) return true;
  }
  return false;
}

}  // namespace madoguchi::text
