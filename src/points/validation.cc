#include "points/validation.h"

#include <string>

#include "points/errors.h"
#include "text/utf8.h"

namespace madoguchi::points {

namespace {
bool IsPrintableAscii(std::string_view s) {
  for (char c : s) {
    if (c < 0x21 || c > 0x7e) return false;
  }
  return true;
}
}  // namespace

bool IsValidUtf8(std::string_view s) {
  size_t i = 0;
  while (i < s.size()) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    size_t n = 0;  // continuation bytes
    uint32_t cp = 0;
    if (c < 0x80) {
      ++i;
      continue;
    } else if ((c & 0xe0) == 0xc0) {
      n = 1;
      cp = c & 0x1f;
    } else if ((c & 0xf0) == 0xe0) {
      n = 2;
      cp = c & 0x0f;
    } else if ((c & 0xf8) == 0xf0) {
      n = 3;
      cp = c & 0x07;
    } else {
      return false;
    }
    if (s.size() - i <= n) return false;  // truncated sequence
    for (size_t k = 1; k <= n; ++k) {
      unsigned char cc = static_cast<unsigned char>(s[i + k]);
      if ((cc & 0xc0) != 0x80) return false;
      cp = (cp << 6) | (cc & 0x3f);
    }
    // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8.
    static constexpr uint32_t kMin[] = {0, 0x80, 0x800, 0x10000};
    if (cp < kMin[n] || cp > 0x10ffff || (cp >= 0xd800 && cp <= 0xdfff)) return false;
    i += n + 1;
  }
  return true;
}

Status ValidateMemberId(std::string_view id) {
  bool ok = !id.empty() && id.size() <= kMaxMemberIdLength;
  for (char c : id) {
    ok = ok && ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                c == '_' || c == '-');
  }
  if (ok) return Status::Ok();
  return BadArgument(
      "会員番号は半角英数字・ハイフン・アンダースコアの32文字以内で指定してください。");
}

StatusOr<std::string> NormalizeMemberId(std::string_view typed) {
  std::u32string chars =
      text::DecodeUtf8(text::RepairUtf8(typed.substr(0, kMaxMemberIdLength * 8)));
  auto is_space = [](char32_t c) { return c == ' ' || c == '\t' || c == 0x3000; };
  while (!chars.empty() && is_space(chars.back())) chars.pop_back();
  size_t first = 0;
  while (first < chars.size() && is_space(chars[first])) ++first;
  std::string out;
  for (size_t i = first; i < chars.size(); ++i) {
    char32_t c = chars[i];
    if (c >= 0xFF01 && c <= 0xFF5E) c = c - 0xFF01 + 0x21;  // full-width ASCII
    text::AppendUtf8(c, &out);
  }
  MADOGUCHI_RETURN_IF_ERROR(ValidateMemberId(out));
  return out;
}

std::string MemberIdKey(std::string_view normalized) {
  std::string key(normalized);
  for (char& c : key) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return key;
}

Status ValidateLedgerDate(std::string_view field, const Date& d) {
  using std::chrono::sys_days;
  if (d.ok() && sys_days(d) >= sys_days(kFirstLedgerDate) &&
      sys_days(d) <= sys_days(kLastLedgerDate)) {
    return Status::Ok();
  }
  return BadArgument(std::string(field) + "は" + FormatIsoDate(kFirstLedgerDate) + "〜" +
                     FormatIsoDate(kLastLedgerDate) + "の日付で指定してください。");
}

Status ValidateBirthDate(const Date& d, const Date& today) {
  using std::chrono::sys_days;
  if (d.ok() && sys_days(d) >= sys_days(kFirstBirthDate) && sys_days(d) <= sys_days(today)) {
    return Status::Ok();
  }
  return BadArgument("生年月日は" + FormatIsoDate(kFirstBirthDate) +
                     "から今日までの日付で指定してください。");
}

Status ValidateLabel(std::string_view field, std::string_view text) {
  if (text.empty() || text.size() > kMaxLabelBytes || !IsValidUtf8(text)) {
    return BadArgument(std::string(field) + "は1〜" + std::to_string(kMaxLabelBytes) +
                       "バイトの文字列で指定してください。");
  }
  return Status::Ok();
}

Status ValidatePoints(int64_t points) {
  if (points < 1 || points > kMaxPointsPerCall) {
    return BadArgument("ポイント数は1以上" + std::to_string(kMaxPointsPerCall) +
                       "以下で指定してください。");
  }
  return Status::Ok();
}

Status ValidateIdempotencyKey(std::string_view key) {
  if (key.empty() || key.size() > kMaxIdempotencyKeyLength || !IsPrintableAscii(key)) {
    return BadArgument("Idempotency-Key は1〜128文字の半角英数記号で指定してください。");
  }
  return Status::Ok();
}

Status ValidateAuthCode(std::string_view code) {
  if (code.size() < kMinAuthCodeLength || code.size() > kMaxAuthCodeLength ||
      !IsPrintableAscii(code)) {
    return BadArgument("認証コードは4〜64文字の半角英数記号で指定してください。");
  }
  return Status::Ok();
}

Status ValidateRequesters(const std::vector<std::string>& requesters) {
  bool ok = requesters.size() <= kMaxRequesters;
  for (const std::string& r : requesters) {
    ok = ok && !r.empty() && r.size() <= kMaxIdempotencyKeyLength && IsPrintableAscii(r);
  }
  if (ok) return Status::Ok();
  return BadArgument("requesters は4件以内、各1〜128文字の半角英数記号で指定してください。");
}

}  // namespace madoguchi::points
