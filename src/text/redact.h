// Redacts personal data from text before it is logged or kept for staff: member numbers,
// birth dates and other dates, phone numbers, auth codes and e-mail addresses, whether typed
// with ASCII, full-width or kanji digits (〇九〇-一二三四-五六七八) or in 令和/S55.4.1 form. Auth
// codes are caught in the postcard's format (7Q2M-9XDA) too, and a day without a year (6月15日)
// when the text speaks of a birth (生まれ, 誕生日, 生年月日). Pure; thread-safe.
#ifndef MADOGUCHI_TEXT_REDACT_H_
#define MADOGUCHI_TEXT_REDACT_H_

#include <string>
#include <string_view>

#include "text/normalizer.h"

namespace madoguchi::text {

// The normalized text with each sensitive span replaced by a label: [日付], [電話番号],
// [番号], [コード], [メール]. Short numbers that are not identifiers (3人, 10月) stay.
std::string Redact(std::string_view text, const Normalizer& normalizer);

}  // namespace madoguchi::text

#endif  // MADOGUCHI_TEXT_REDACT_H_
