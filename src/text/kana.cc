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
  std::u32string u = DecodeUtf8(s);
  for (char32_t& c : u) {
    if ((c >= 0x3041 && c <= 0x3096) || c == 0x309D || c == 0x309E) c += 0x60;
  }
  return EncodeUtf8(u);
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
