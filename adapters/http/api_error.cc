#include "http/api_error.h"

namespace madoguchi::http {

namespace {

// Shown when a status carries no message for people.
const char* FixedMessage(StatusCode code) {
  switch (code) {
    case StatusCode::kOk:
      return "";
    case StatusCode::kInvalidArgument:
      return "リクエストの内容が正しくありません。";
    case StatusCode::kNotFound:
      return "お探しのものが見つかりませんでした。";
    case StatusCode::kAlreadyExists:
      return "すでに登録されています。";
    case StatusCode::kFailedPrecondition:
      return "現在この操作はできません。";
    case StatusCode::kPermissionDenied:
      return "この操作は許可されていません。";
    case StatusCode::kResourceExhausted:
      return "リクエストが多すぎます。しばらくしてからもう一度お試しください。";
    case StatusCode::kUnavailable:
      return "ただいまサービスを利用できません。しばらくしてからもう一度お試しください。";
    case StatusCode::kInternal:
      return "内部エラーが発生しました。時間をおいてもう一度お試しください。";
  }
  return "内部エラーが発生しました。時間をおいてもう一度お試しください。";
}

}  // namespace

Status UnauthorizedError() {
  return Status(StatusCode::kPermissionDenied, "認証トークンがないか、正しくありません。",
                kErrorUnauthorized);
}
Status MalformedJsonError() {
  return Status(StatusCode::kInvalidArgument, "リクエストの本文が正しいJSONではありません。",
                kErrorMalformedJson);
}
Status InvalidUtf8Error() {
  return Status(StatusCode::kInvalidArgument,
                "リクエストの本文に UTF-8 として正しくない文字が含まれています。",
                kErrorInvalidUtf8);
}
Status PayloadTooLargeError() {
  return Status(StatusCode::kInvalidArgument, "リクエストの本文が大きすぎます。",
                kErrorPayloadTooLarge);
}
Status NoRouteError() {
  return Status(StatusCode::kNotFound, "そのURLのAPIはありません。", kErrorNoRoute);
}
Status BadRequestError() {
  return Status(StatusCode::kInvalidArgument,
                "リクエストを読み取れませんでした。本文のないPOSTにも Content-Length: 0 "
                "を付けてください。",
                kErrorBadRequest);
}

int HttpStatusFor(const Status& status) {
  // Reasons whose HTTP status says more than their code's.
  if (status.reason() == kErrorUnauthorized) return 401;
  if (status.reason() == kErrorPayloadTooLarge) return 413;
  switch (status.code()) {
    case StatusCode::kOk:
      return 200;
    case StatusCode::kInvalidArgument:
      return 400;
    case StatusCode::kNotFound:
      return 404;
    case StatusCode::kAlreadyExists:
    case StatusCode::kFailedPrecondition:
      return 409;
    case StatusCode::kPermissionDenied:
      return 403;
    case StatusCode::kResourceExhausted:
      return 429;
    case StatusCode::kUnavailable:
      return 503;
    case StatusCode::kInternal:
      return 500;
  }
  return 500;
}

std::string ErrorCode(const Status& status) {
  return status.reason().empty() ? StatusCodeName(status.code()) : status.reason();
}

std::string ErrorMessage(const Status& status) {
  const bool operator_detail = status.reason().empty() ||
                               status.code() == StatusCode::kUnavailable ||
                               status.code() == StatusCode::kInternal;
  if (operator_detail || status.message().empty()) return FixedMessage(status.code());
  return status.message();
}

nlohmann::ordered_json ErrorJson(const Status& status) {
  nlohmann::ordered_json j;
  j["error"] = ErrorCode(status);
  j["message"] = ErrorMessage(status);
  return j;
}

std::string Dump(const nlohmann::ordered_json& j) {
  return j.dump(-1, ' ', false, nlohmann::ordered_json::error_handler_t::replace);
}

std::string Dump(const nlohmann::json& j) {
  return j.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

}  // namespace madoguchi::http
