#include "points_http/http_errors.h"

#include <cstring>
#include <nlohmann/json.hpp>

#include "points/errors.h"
#include "points/points_core.h"
#include "points_http/wire.h"

namespace madoguchi::points_http {

namespace {

constexpr char kUnavailableMessage[] =
    "ただいまポイント情報を確認できません。しばらくしてからもう一度お試しください。";
constexpr char kInternalMessage[] =
    "ポイント情報の処理中に問題が発生しました。時間をおいてもう一度お試しください。";

int HttpStatusFor(const Status& s) {
  switch (s.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
      return 409;
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kPermissionDenied:
      return 401;
    // 423 Locked says what happened; other exhaustion is plain rate limiting.
    case StatusCode::kResourceExhausted:
      return s.reason() == points::kReasonLocked ? 423 : 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

}  // namespace

std::string HttpError::Body() const {
  return Dump(nlohmann::json{{"error", code}, {"message", message}});
}

HttpError HttpErrorFor(const Status& status) {
  HttpError e;
  e.http_status = HttpStatusFor(status);
  e.code = status.reason().empty() ? StatusCodeName(status.code()) : status.reason();
  if (status.code() == StatusCode::kUnavailable) {
    e.message = kUnavailableMessage;
  } else if (status.code() == StatusCode::kInternal || status.message().empty()) {
    e.message = kInternalMessage;
  } else {
    e.message = status.message();
  }
  return e;
}

HttpError TransportError(const char* code) {
  if (std::strcmp(code, kErrorUnauthorized) == 0) {
    return {401, code, "認証トークンがないか、正しくありません。"};
  }
  if (std::strcmp(code, kErrorMalformedJson) == 0) {
    return {400, code, "リクエストの本文が正しいJSONではありません。"};
  }
  if (std::strcmp(code, kErrorPayloadTooLarge) == 0) {
    return {413, code, "リクエストの本文が大きすぎます。"};
  }
  if (std::strcmp(code, kErrorBadRequest) == 0) {
    return {400, code,
            "リクエストを読み取れませんでした。本文のないPOSTにも Content-Length: 0 "
            "を付けてください。"};
  }
  if (std::strcmp(code, kErrorNoRoute) == 0) {
    return {404, code, "そのURLのAPIはありません。"};
  }
  return {500, points::kReasonInternal, kInternalMessage};
}

Status StatusFromHttp(int http_status, const std::string& body) {
  nlohmann::json j = nlohmann::json::parse(body, nullptr, /*allow_exceptions=*/false);
  std::string code, message;
  if (j.is_object()) {
    if (auto it = j.find("error"); it != j.end() && it->is_string()) code = it->get<std::string>();
    if (auto it = j.find("message"); it != j.end() && it->is_string()) {
      message = it->get<std::string>();
    }
  }
  StatusCode sc = points::CodeForReason(code);
  if (sc == StatusCode::kInternal) {
    // Not a reason of the core: decide by the HTTP status.
    if (http_status == 401 || http_status == 403) {
      sc = StatusCode::kPermissionDenied;
    } else if (http_status == 404) {
      sc = StatusCode::kNotFound;
    } else if (http_status == 429 || http_status == 423) {
      sc = StatusCode::kResourceExhausted;
    } else if (http_status == 502 || http_status == 503 || http_status == 504) {
      sc = StatusCode::kUnavailable;
      code = points::kReasonUnavailable;
    } else if (http_status >= 400 && http_status < 500) {
      sc = StatusCode::kInvalidArgument;
    }
    if (code.empty()) code = StatusCodeName(sc);
  }
  if (message.empty()) message = "points core answered HTTP " + std::to_string(http_status);
  return Status(sc, std::move(message), std::move(code));
}

}  // namespace madoguchi::points_http
