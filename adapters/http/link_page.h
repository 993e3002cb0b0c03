// The link page's HTML: plain, accessible Japanese pages (lang="ja", a label for every field, the
// hints tied to their fields, errors announced to screen readers) that need no JavaScript. They
// show no member data: only the program's name, fixed messages and the hidden one-time token.
// Every string put in a page is escaped here. Pure; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_HTTP_LINK_PAGE_H_
#define MADOGUCHI_ADAPTERS_HTTP_LINK_PAGE_H_

#include <string>

namespace madoguchi::http {

// The form. `error`, when not empty, is shown above it (a message of ReadLinkForm or
// LinkFailureMessage). `member_id`: the member number as typed, refilled after a mistake so only
// the rest is typed again (the birth date and auth code never are: they are the secrets).
std::string RenderLinkForm(const std::string& program_name, const std::string& token,
                           const std::string& error, const std::string& member_id = "");
// The page after a successful link.
std::string RenderLinkDone(const std::string& program_name);
// A page with a message and no form: the link is used up or the member is locked out.
std::string RenderLinkMessage(const std::string& message);
// The body of the redirect to LINE's account-link dialog (for a browser that does not follow
// it): says where the member goes next and links there. `url` must be an http(s) URL.
std::string RenderLinkRedirect(const std::string& url);

}  // namespace madoguchi::http

#endif  // MADOGUCHI_ADAPTERS_HTTP_LINK_PAGE_H_
