// Reading a JSON request body safely: what every JSON route does before looking at fields.
// Pure; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_HTTP_JSON_BODY_H_
#define MADOGUCHI_ADAPTERS_HTTP_JSON_BODY_H_

#include <nlohmann/json.hpp>
#include <string_view>

#include "base/status.h"

namespace madoguchi::http {

// The body as a JSON object. Invalid UTF-8 is refused (invalid_utf8) rather than repaired: an API
// client that sends it has a bug worth hearing about, and a repaired text would be answered as
// something the member never wrote. Errors: invalid_utf8, malformed_json (not JSON, or not an
// object). Never throws, whatever the input (depth included: the parser is iterative).
StatusOr<nlohmann::json> ParseJsonObject(std::string_view body);

}  // namespace madoguchi::http

#endif  // MADOGUCHI_ADAPTERS_HTTP_JSON_BODY_H_
