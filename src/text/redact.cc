#include "text/redact.h"

#include <regex>

#include "text/date_parser.h"

namespace madoguchi::text {

std::string Redact(std::string_view raw, const Normalizer& normalizer) {
  // Normalizing first turns full-width digits and hyphens into ASCII, so one set of patterns
  // catches every way of typing them.
  std::string s = KanjiNumeralsToDigits(normalizer.Normalize(raw));
  static const std::regex kEmail("[a-z0-9._%+-]+@[a-z0-9.-]+\\.[a-z]{2,}");
  // Japanese numbers start with 0 (090-…, 0120-…, 03-…) or +81; multi-byte characters are
  // written (?:…) so that a quantifier applies to the whole character, not its last byte.
  static const std::regex kPhone("(\\+81[- ]?|0)\\d{1,4}[- ]?\\(?\\d{1,4}\\)?[- ]?\\d{3,4}(?!\\d)");
  static const std::regex kEraDate(
      "(令和|平成|昭和|大正|明治|[rhstm])\\s*(元|\\d{1,2})\\s*(年|[./-])\\s*\\d{1,2}\\s*(月|[./"
      "-])\\s*(\\d{1,2}\\s*(?:日)?)?");
  static const std::regex kWesternDate(
      "\\d{4}\\s*(年|[./-])\\s*\\d{1,2}\\s*(月|[./-])\\s*(\\d{1,2}\\s*(?:日)?)?");
  static const std::regex kCode("\\b(?=[a-z0-9]*\\d)(?=[a-z0-9]*[a-z])[a-z0-9]{6,}\\b");
  static const std::regex kLongNumber("\\d{4,}");
  s = std::regex_replace(s, kEmail, "[メール]");
  s = std::regex_replace(s, kEraDate, "[日付]");
  s = std::regex_replace(s, kWesternDate, "[日付]");
  s = std::regex_replace(s, kPhone, "[電話番号]");
  s = std::regex_replace(s, kCode, "[コード]");
  s = std::regex_replace(s, kLongNumber, "[番号]");
  return s;
}

}  // namespace madoguchi::text
