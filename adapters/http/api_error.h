// The one place where statuses become HTTP: the HTTP status of a Status (HttpStatusFor), and the
// JSON error every API route answers with, {"error": code, "message": Japanese}.
//
// A Status with a reason carries a message meant for people (Japanese): it is shown. Without a
// reason, and for unavailable and internal errors, the message is operator detail (English) that
// does not belong on the wire: a fixed Japanese message per code is shown instead.
// Pure; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_HTTP_API_ERROR_H_
#define MADOGUCHI_ADAPTERS_HTTP_API_ERROR_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>

#include "base/status.h"

namespace madoguchi::http {

// Error codes only the HTTP layer produces (the Status reasons of the constructors below).
inline constexpr char kErrorUnauthorized[] = "unauthorized";
inline constexpr char kErrorMalformedJson[] = "malformed_json";
inline constexpr char kErrorInvalidUtf8[] = "invalid_utf8";
inline constexpr char kErrorPayloadTooLarge[] = "payload_too_large";
inline constexpr char kErrorNoRoute[] = "no_route";
inline constexpr char kErrorBadRequest[] = "bad_request";

Status UnauthorizedError();
Status MalformedJsonError();
Status InvalidUtf8Error();
Status PayloadTooLargeError();
Status NoRouteError();
// A request the HTTP front refused as malformed (a broken request line, bad framing).
Status BadRequestError();

// The HTTP status of `status`. Every response status of the service comes from here.
int HttpStatusFor(const Status& status);

// The error code: the reason, or the code's name when there is none ("unavailable").
std::string ErrorCode(const Status& status);
// The Japanese message fit to show (see the rule above).
std::string ErrorMessage(const Status& status);
// {"error": ErrorCode, "message": ErrorMessage}
nlohmann::ordered_json ErrorJson(const Status& status);

// Serializes for the wire. Never throws: invalid UTF-8 (which should not get this far) is
// replaced rather than failing the response.
std::string Dump(const nlohmann::ordered_json& j);
std::string Dump(const nlohmann::json& j);

}  // namespace madoguchi::http

#endif  // MADOGUCHI_ADAPTERS_HTTP_API_ERROR_H_
