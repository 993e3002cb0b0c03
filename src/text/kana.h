// Kana classification and conversion. Pure functions; thread-safe.
#ifndef MADOGUCHI_TEXT_KANA_H_
#define MADOGUCHI_TEXT_KANA_H_

#include <string>
#include <string_view>

namespace madoguchi::text {

bool IsHiragana(char32_t c);  // ぁ–ゖ, ゝゞ
bool IsKatakana(char32_t c);  // ァ–ヺ, ヽヾ, and the long-vowel mark ー
bool IsKanji(char32_t c);     // CJK ideographs and 々
inline bool IsKana(char32_t c) { return IsHiragana(c) || IsKatakana(c); }

// ひらがな → カタカナ; other characters unchanged.
std::string HiraganaToKatakana(std::string_view s);
// カタカナ → ひらがな (ー kept); other characters unchanged.
std::string KatakanaToHiragana(std::string_view s);
// True when every code point is hiragana, katakana or ー.
bool IsAllKana(std::string_view s);
bool HasKanji(std::string_view s);

}  // namespace madoguchi::text

#endif  // MADOGUCHI_TEXT_KANA_H_
