#include "http/link_form.h"

#include "points/validation.h"
#include "text/date_parser.h"
#include "text/utf8.h"

namespace madoguchi::http {

namespace {

constexpr char kReasonInvalidForm[] = "invalid_form";
constexpr size_t kMaxFieldBytes = 64;

Status FormError(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message), kReasonInvalidForm);
}

// Full-width ASCII (Ａ１－) → ASCII, and every space (ASCII, ideographic) dropped: member numbers
// and codes hold no spaces, but phones and IMEs add them. Case is kept.
std::string Compact(std::string_view typed) {
  std::string out;
  for (char32_t c : text::DecodeUtf8(text::RepairUtf8(typed))) {
    if (c >= 0xFF01 && c <= 0xFF5E) c = c - 0xFF01 + 0x21;
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n' || c == 0x3000) continue;
    text::AppendUtf8(c, &out);
  }
  return out;
}

}  // namespace

StatusOr<LinkFormFields> ReadLinkForm(const LinkFormInput& input,
                                      const text::Normalizer& normalizer) {
  LinkFormFields f;
  f.member_id = Compact(input.member_id);
  if (f.member_id.empty()) return FormError("会員番号を入力してください。");
  if (f.member_id.size() > kMaxFieldBytes) {
    return FormError("会員番号が長すぎます。組合員証に記載の番号を入力してください。");
  }
  // A number no member can have (K1001!) is a typo: said here, so it never reaches the core and
  // never counts towards a lockout. The form of a number tells nothing about who has it.
  if (!points::NormalizeMemberId(f.member_id).ok()) {
    return FormError(
        "会員番号は英数字で入力してください。組合員証に記載の番号をお確かめください。");
  }
  std::optional<Date> birth = text::ParseFullDate(normalizer.Normalize(input.birth_date));
  if (!birth) {
    return FormError(
        "生年月日を読み取れませんでした。例のように入力してください"
        "（例：1980-04-01、1980/4/1、昭和55年4月1日、S55.4.1）。");
  }
  f.birth_date = *birth;
  f.auth_code = Compact(input.auth_code);
  if (f.auth_code.empty()) return FormError("認証コードを入力してください。");
  if (f.auth_code.size() > kMaxFieldBytes) {
    return FormError("認証コードが長すぎます。はがきに記載のコードを入力してください。");
  }
  return f;
}

LinkFailure ClassifyLinkFailure(const Status& status) {
  switch (status.code()) {
    case StatusCode::kNotFound:
      return LinkFailure::kTokenGone;
    case StatusCode::kResourceExhausted:
      return LinkFailure::kLocked;
    case StatusCode::kUnavailable:
    case StatusCode::kInternal:
      return LinkFailure::kUnavailable;
    default:
      // Mismatched details, a member of another program, a number the core finds malformed:
      // all read the same, so the page tells nothing about which numbers exist.
      return LinkFailure::kRetry;
  }
}

std::string LinkFailureMessage(LinkFailure failure) {
  switch (failure) {
    case LinkFailure::kRetry:
      return "入力された内容では確認できませんでした。会員番号・生年月日・認証コードをお確かめの"
             "うえ、もう一度入力してください。続けて間違えると、しばらく連携できなくなります。";
    case LinkFailure::kTokenGone:
      return "このリンクは有効期限が切れたか、すでに使われています。お手数ですが、チャットで"
             "「アカウント連携」と送って、新しいリンクを受け取ってください。";
    case LinkFailure::kLocked:
      return "確認に続けて失敗したため、しばらく連携を受け付けできません。1時間ほどおいてから、"
             "チャットで新しいリンクを受け取ってもう一度お試しください。";
    case LinkFailure::kUnavailable:
      return "ただいま確認できません。時間をおいてもう一度お試しください。";
  }
  return "ただいま確認できません。時間をおいてもう一度お試しください。";
}

}  // namespace madoguchi::http
