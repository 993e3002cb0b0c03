#include "points/validation.h"

#include <string>

#include "points/errors.h"

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

}  // namespace madoguchi::points
