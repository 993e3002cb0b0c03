#include "line/events.h"

#include <algorithm>
#include <string>
#include <string_view>
#include <utility>

namespace madoguchi::line {

namespace {

using nlohmann::json;

const json* Field(const json& j, const char* key) {
  if (!j.is_object()) return nullptr;
  auto it = j.find(key);
  return it == j.end() ? nullptr : &*it;
}

std::string String(const json& j, const char* key) {
  const json* f = Field(j, key);
  return f != nullptr && f->is_string() ? f->get<std::string>() : std::string();
}

const json& Object(const json& j, const char* key) {
  static const json kEmpty = json::object();
  const json* f = Field(j, key);
  return f != nullptr && f->is_object() ? *f : kEmpty;
}

// The deepest nesting of arrays and objects in JSON text, strings skipped; counting stops once
// past `limit`. Malformed text is the parser's to refuse.
size_t NestingDepth(std::string_view text, size_t limit) {
  size_t depth = 0;
  size_t deepest = 0;
  bool in_string = false;
  bool escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) {
        escaped = false;
      } else if (c == '\\') {
        escaped = true;
      } else if (c == '"') {
        in_string = false;
      }
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      deepest = std::max(deepest, ++depth);
      if (deepest > limit) break;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return deepest;
}

int64_t Millis(const json& j, const char* key) {
  const json* f = Field(j, key);
  if (f == nullptr) return 0;
  if (f->is_number_integer()) return f->get<int64_t>();
  if (f->is_number_float()) return static_cast<int64_t>(f->get<double>());
  return 0;
}

EventKind KindOf(std::string_view type, std::string_view message_type) {
  if (type == "message") {
    return message_type == "text" ? EventKind::kTextMessage : EventKind::kOtherMessage;
  }
  static const std::pair<std::string_view, EventKind> kKinds[] = {
      {"postback", EventKind::kPostback},
      {"follow", EventKind::kFollow},
      {"unfollow", EventKind::kUnfollow},
      {"accountLink", EventKind::kAccountLink},
      {"join", EventKind::kJoin},
      {"leave", EventKind::kLeave},
      {"memberJoined", EventKind::kMemberJoined},
      {"memberLeft", EventKind::kMemberLeft},
      {"beacon", EventKind::kBeacon},
      {"unsend", EventKind::kUnsend},
      {"videoPlayComplete", EventKind::kVideoPlayComplete},
      {"messageEdited", EventKind::kMessageEdited},
  };
  for (const auto& [name, kind] : kKinds) {
    if (type == name) return kind;
  }
  return EventKind::kUnknown;
}

}  // namespace

const char* EventKindName(EventKind kind) {
  switch (kind) {
    case EventKind::kTextMessage:
      return "text_message";
    case EventKind::kOtherMessage:
      return "other_message";
    case EventKind::kPostback:
      return "postback";
    case EventKind::kFollow:
      return "follow";
    case EventKind::kUnfollow:
      return "unfollow";
    case EventKind::kAccountLink:
      return "account_link";
    case EventKind::kJoin:
      return "join";
    case EventKind::kLeave:
      return "leave";
    case EventKind::kMemberJoined:
      return "member_joined";
    case EventKind::kMemberLeft:
      return "member_left";
    case EventKind::kBeacon:
      return "beacon";
    case EventKind::kUnsend:
      return "unsend";
    case EventKind::kVideoPlayComplete:
      return "video_play_complete";
    case EventKind::kMessageEdited:
      return "message_edited";
    case EventKind::kUnknown:
      return "unknown";
  }
  return "unknown";
}

Event ParseEvent(const json& j) {
  Event e;
  if (!j.is_object()) return e;
  e.type = String(j, "type");
  const json& message = Object(j, "message");
  e.message_type = String(message, "type");
  e.kind = KindOf(e.type, e.message_type);
  e.webhook_event_id = String(j, "webhookEventId");
  const json* redelivery = Field(Object(j, "deliveryContext"), "isRedelivery");
  e.redelivery = redelivery != nullptr && redelivery->is_boolean() && redelivery->get<bool>();
  // Absent mode reads as active: senders that omit it predate standby.
  e.standby = String(j, "mode") == "standby";
  e.timestamp_ms = Millis(j, "timestamp");

  const json& source = Object(j, "source");
  std::string source_type = String(source, "type");
  if (source_type == "user") {
    e.source_type = SourceType::kUser;
  } else if (source_type == "group") {
    e.source_type = SourceType::kGroup;
    e.chat_id = String(source, "groupId");
  } else if (source_type == "room") {
    e.source_type = SourceType::kRoom;
    e.chat_id = String(source, "roomId");
  }
  e.user_id = String(source, "userId");
  e.reply_token = String(j, "replyToken");

  if (e.kind == EventKind::kTextMessage || e.kind == EventKind::kMessageEdited) {
    e.text = String(message, "text");
  }
  if (e.kind == EventKind::kPostback) e.postback_data = String(Object(j, "postback"), "data");
  if (e.kind == EventKind::kAccountLink) {
    const json& link = Object(j, "link");
    e.link_result = String(link, "result");
    e.link_nonce = String(link, "nonce");
  }
  return e;
}

StatusOr<WebhookBody> ParseWebhookBody(std::string_view body) {
  if (NestingDepth(body, kMaxWebhookJsonDepth) > kMaxWebhookJsonDepth) {
    return InvalidArgument("the body nests deeper than " + std::to_string(kMaxWebhookJsonDepth) +
                           " levels");
  }
  json j = json::parse(body.begin(), body.end(), /*cb=*/nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("the body is not JSON");
  if (!j.is_object()) return InvalidArgument("the body is not a JSON object");
  auto events = j.find("events");
  if (events == j.end() || !events->is_array()) {
    return InvalidArgument("the body has no \"events\" array");
  }
  WebhookBody out;
  out.destination = String(j, "destination");
  out.events.reserve(events->size());
  for (json& e : *events) {
    if (e.is_object()) {
      out.events.push_back(std::move(e));
    } else {
      ++out.skipped;
    }
  }
  return out;
}

}  // namespace madoguchi::line
