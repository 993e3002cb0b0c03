// HTML escaping for pages built from strings. Pure; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_HTTP_HTML_H_
#define MADOGUCHI_ADAPTERS_HTTP_HTML_H_

#include <string>
#include <string_view>

namespace madoguchi::http {

// Escapes & < > " ' so the result is safe in element content and in quoted attribute values.
// Invalid UTF-8 is repaired (U+FFFD) so a browser never guesses another encoding.
std::string HtmlEscape(std::string_view text);

}  // namespace madoguchi::http

#endif  // MADOGUCHI_ADAPTERS_HTTP_HTML_H_
