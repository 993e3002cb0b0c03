#include "text/redact.h"

#include <regex>

#include "text/date_parser.h"
#include "text/utf8.h"

namespace madoguchi::text {

namespace {

int KanjiDigit(char32_t c) {
  static constexpr char32_t kDigits[] = U"〇一二三四五六七八九";
  for (int d = 0; d < 10; ++d) {
    if (kDigits[d] == c) return d;
  }
  return c == U'零' ? 0 : -1;
}

// Phone and member numbers read out digit by digit in kanji (〇九〇-一二三四-五六七八): every run
// of kanji digits and hyphens holding at least four digits becomes ASCII digits. Such runs are
// never words; numbers written with 十, 百 or 千 are KanjiNumeralsToDigits' to read.
std::string KanjiDigitRunsToAscii(std::string_view text) {
  std::u32string in = DecodeUtf8(text);
  std::u32string out;
  out.reserve(in.size());
  size_t i = 0;
  while (i < in.size()) {
    if (KanjiDigit(in[i]) < 0) {
      out.push_back(in[i++]);
      continue;
    }
    size_t end = i;
    int digits = 0;
    while (end < in.size() && (KanjiDigit(in[end]) >= 0 || in[end] == U'-')) {
      if (in[end] != U'-') ++digits;
      ++end;
    }
    for (; i < end; ++i) {
      int d = KanjiDigit(in[i]);
      out.push_back(digits >= 4 && d >= 0 ? static_cast<char32_t>(U'0' + d) : in[i]);
    }
  }
  return EncodeUtf8(out);
}

bool MentionsABirth(const std::string& normalized) {
  for (const char* w : {"生まれ", "うまれ", "誕生日", "たんじょうび", "生年月日", "生月日"}) {
    if (normalized.find(w) != std::string::npos) return true;
  }
  return false;
}

}  // namespace

std::string Redact(std::string_view raw, const Normalizer& normalizer) {
  // Normalizing first turns full-width digits and hyphens into ASCII, so one set of patterns
  // catches every way of typing them.
  std::string s = KanjiNumeralsToDigits(KanjiDigitRunsToAscii(normalizer.Normalize(raw)));
  static const std::regex kEmail("[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}");
  // Japanese numbers start with 0 (090-…, 0120-…, 03-…) or +81; multi-byte characters are
  // written (?:…) so that a quantifier applies to the whole character, not its last byte.
  static const std::regex kPhone("(\\+81[- ]?|0)\\d{1,4}[- ]?\\(?\\d{1,4}\\)?[- ]?\\d{3,4}(?!\\d)");
  static const std::regex kEraDate(
      "(令和|平成|昭和|大正|明治|[rhstm])\\s*(元|\\d{1,2})\\s*(年|[./-])\\s*\\d{1,2}\\s*(月|[./"
      "-])\\s*(\\d{1,2}\\s*(?:日)?)?");
  static const std::regex kWesternDate(
      "\\d{4}\\s*(年|[./-])\\s*\\d{1,2}\\s*(月|[./-])\\s*(\\d{1,2}\\s*(?:日)?)?");
  // A day without a year is a birth date when the text speaks of a birth (6月15日生まれ).
  static const std::regex kMonthDay(
      "\\d{1,2}\\s*月\\s*\\d{1,2}\\s*(?:日)?|\\d{1,2}/\\d{1,2}(?![/\\d])");
  static const std::regex kCode("\\b(?=[a-z0-9]*\\d)(?=[a-z0-9]*[a-z])[a-z0-9]{6,}\\b");
  // Auth codes as printed on the postcard (7Q2M-9XDA, DEMO-K1001): letter-and-digit groups
  // joined by hyphens, with a letter and a digit somewhere.
  static const std::regex kHyphenatedCode(
      "\\b(?=[a-z0-9-]*\\d)(?=[a-z0-9-]*[a-z])[a-z0-9]{2,}(?:-[a-z0-9]{2,})+\\b");
  static const std::regex kLongNumber("\\d{4,}");
  s = std::regex_replace(s, kEmail, "[メール]");
  s = std::regex_replace(s, kEraDate, "[日付]");
  s = std::regex_replace(s, kWesternDate, "[日付]");
  if (MentionsABirth(s)) s = std::regex_replace(s, kMonthDay, "[日付]");
  s = std::regex_replace(s, kPhone, "[電話番号]");
  s = std::regex_replace(s, kHyphenatedCode, "[コード]");
  s = std::regex_replace(s, kCode, "[コード]");
  s = std::regex_replace(s, kLongNumber, "[番号]");
  return s;
}

}  // namespace madoguchi::text
