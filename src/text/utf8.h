// UTF-8 helpers for text that comes from outside: validation, repair, code-point walking.
// Pure functions; thread-safe.
#ifndef MADOGUCHI_TEXT_UTF8_H_
#define MADOGUCHI_TEXT_UTF8_H_

#include <string>
#include <string_view>
#include <vector>

namespace madoguchi::text {

bool IsValidUtf8(std::string_view s);
// Replaces every invalid sequence with U+FFFD, so that downstream code sees valid UTF-8 and
// nothing the sender wrote is silently dropped.
std::string RepairUtf8(std::string_view s);
// Decodes valid UTF-8 (call RepairUtf8 first on untrusted input).
std::u32string DecodeUtf8(std::string_view s);
std::string EncodeUtf8(std::u32string_view s);
void AppendUtf8(char32_t c, std::string* out);
// Number of code points.
size_t CodePointCount(std::string_view s);
// The first `max_code_points` code points of s.
std::string TruncateCodePoints(std::string_view s, size_t max_code_points);

}  // namespace madoguchi::text

#endif  // MADOGUCHI_TEXT_UTF8_H_
