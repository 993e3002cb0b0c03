// The one place where statuses become HTTP errors and back: {"error": code, "message": Japanese}
// with a fitting HTTP status (docs/points-api.md lists them). Pure; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_POINTS_HTTP_HTTP_ERRORS_H_
#define MADOGUCHI_ADAPTERS_POINTS_HTTP_HTTP_ERRORS_H_

#include <string>

#include "base/status.h"

namespace madoguchi::points_http {

// Codes only the HTTP layer produces.
inline constexpr char kErrorUnauthorized[] = "unauthorized";
inline constexpr char kErrorMalformedJson[] = "malformed_json";
inline constexpr char kErrorPayloadTooLarge[] = "payload_too_large";
inline constexpr char kErrorNoRoute[] = "no_route";
// A request the HTTP parser refused (e.g. a POST without Content-Length).
inline constexpr char kErrorBadRequest[] = "bad_request";

struct HttpError {
  int http_status = 500;
  std::string code;          // "exchange_closed"
  std::string message;       // Japanese, for people
  std::string Body() const;  // the JSON document
};

// A domain status → its HTTP error. The reason (or, without one, the code's name) is the error
// code. Messages of internal and unavailable errors are replaced by fixed Japanese ones: theirs
// are operator detail that does not belong on the wire.
HttpError HttpErrorFor(const Status& status);

// An error of the HTTP layer itself (the codes above), with its fixed status and message.
HttpError TransportError(const char* code);

// A response of the points API that is not 2xx → the Status the core behind it returned (same
// code and reason), so HttpPointsCore fails exactly as SqlitePointsCore does.
Status StatusFromHttp(int http_status, const std::string& body);

}  // namespace madoguchi::points_http

#endif  // MADOGUCHI_ADAPTERS_POINTS_HTTP_HTTP_ERRORS_H_
