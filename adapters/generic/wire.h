// The generic JSON channel's wire format, for web widgets and other chat systems (no HTTP here:
// adapters/http carries it). Requests:
//   POST /api/v1/messages  {"channel_user": "widget-123", "program": "kagawa",
//                           "text": "…"} or {…, "postback": "entry:kagawa-18"}
//   POST /api/v1/ask       {"program": "kagawa", "text": "…"}
// Answer of /messages: {"messages": [{"text", "choices": [{"label", "payload"}],
//                                      "links": [{"label", "url"}], "outcome", "id"?, "action"?}]}
// A widget renders text, choices as buttons (tapping one sends its payload as "postback") and
// links; outcome, id and action are there for widgets that style a handoff or log topics.
// Pure; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_GENERIC_WIRE_H_
#define MADOGUCHI_ADAPTERS_GENERIC_WIRE_H_

#include <cstddef>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

#include "base/status.h"
#include "dialogue/message.h"

namespace madoguchi::generic {

// The channel name conversations of this adapter are keyed by: "api:<channel_user>".
inline constexpr char kChannel[] = "api";
// Reason of every request this format refuses.
inline constexpr char kReasonInvalidRequest[] = "invalid_request";
inline constexpr char kReasonTextTooLong[] = "text_too_long";

struct Limits {
  // Longest text accepted, in characters (code points); longer is refused, not cut, so the
  // sender knows. Default: 2,000.
  size_t max_text_code_points = 2000;
  // Longest channel_user and postback, in bytes. Defaults: 128 and 256.
  size_t max_user_bytes = 128;
  size_t max_postback_bytes = 256;
};

struct AskRequest {
  std::string program;
  std::string text;
};

// `body` is a JSON object (see adapters/http/json_body.h). InvalidArgument with reason
// invalid_request or text_too_long and a Japanese message naming the field. The program is not
// checked here (the knowledge base knows which exist).
StatusOr<dialogue::Message> MessageFromJson(const nlohmann::json& body, const Limits& limits);
StatusOr<AskRequest> AskFromJson(const nlohmann::json& body, const Limits& limits);

nlohmann::ordered_json TurnToJson(const dialogue::Turn& turn);

}  // namespace madoguchi::generic

#endif  // MADOGUCHI_ADAPTERS_GENERIC_WIRE_H_
