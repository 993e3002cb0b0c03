// The link page's form as the member filled it in: what was typed → what the points core is
// asked to verify, and the outcome of AccountLinker::Complete → what the page says.
// Pure; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_HTTP_LINK_FORM_H_
#define MADOGUCHI_ADAPTERS_HTTP_LINK_FORM_H_

#include <string>

#include "base/date.h"
#include "base/status.h"
#include "text/normalizer.h"

namespace madoguchi::http {

// The form's fields as posted (already valid UTF-8).
struct LinkFormInput {
  std::string member_id;
  std::string birth_date;
  std::string auth_code;
};

struct LinkFormFields {
  std::string member_id;
  Date birth_date;
  std::string auth_code;
};

// Accepts what a member would type on a phone: full-width letters and digits, spaces around or
// inside the number and code, and the birth date in any form the chat accepts (1980-04-01,
// 1980/4/1, 昭和55年4月1日, S55.4.1, 19800401). Letter case is kept: the points core compares
// member numbers case-insensitively (k1005 is K1005) and codes exactly. InvalidArgument (reason
// "invalid_form") with a Japanese message naming the field when one is missing, unreadable or,
// for the member number, not of a member number's form; such a mistake is not sent to the core,
// so it does not count towards a lockout.
StatusOr<LinkFormFields> ReadLinkForm(const LinkFormInput& input,
                                      const text::Normalizer& normalizer);

// What the page tells the member when linking failed, by AccountLinker::Complete's status.
// Wrong details never say how many tries are left, nor which field was wrong.
enum class LinkFailure {
  kRetry,       // show the form again with the message: details did not match, or a typo
  kTokenGone,   // the link is unknown, used or expired: ask the bot for a new one
  kLocked,      // too many failures: wait an hour
  kUnavailable  // the points core cannot be reached: try again later
};
LinkFailure ClassifyLinkFailure(const Status& status);
std::string LinkFailureMessage(LinkFailure failure);

}  // namespace madoguchi::http

#endif  // MADOGUCHI_ADAPTERS_HTTP_LINK_FORM_H_
