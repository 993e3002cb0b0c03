#include "http/json_body.h"

#include "http/api_error.h"
#include "text/utf8.h"

namespace madoguchi::http {

StatusOr<nlohmann::json> ParseJsonObject(std::string_view body) {
  if (!text::IsValidUtf8(body)) return InvalidUtf8Error();
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return MalformedJsonError();
  return j;
}

}  // namespace madoguchi::http
