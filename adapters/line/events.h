// LINE webhook bodies and events, parsed into what the worker needs. Lenient by design: older
// senders omit fields the spec marks required (webhookEventId, deliveryContext, mode), and new
// event and message types appear without notice, so anything unknown or malformed inside an
// event reads as empty or kUnknown rather than failing. Pure functions; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_LINE_EVENTS_H_
#define MADOGUCHI_ADAPTERS_LINE_EVENTS_H_

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace madoguchi::line {

enum class EventKind {
  kTextMessage,   // message, message.type "text"
  kOtherMessage,  // message of any other type: image, sticker, video, audio, file, location …
  kPostback,
  kFollow,
  kUnfollow,
  kAccountLink,
  kJoin,
  kLeave,
  kMemberJoined,
  kMemberLeft,
  kBeacon,
  kUnsend,
  kVideoPlayComplete,
  kMessageEdited,
  kUnknown,  // any other type (membership, module, activated, …, or one LINE adds later)
};
// "text_message", "postback", …: stable names for logs and metrics.
const char* EventKindName(EventKind kind);

enum class SourceType { kUser, kGroup, kRoom, kUnknown };

struct Event {
  EventKind kind = EventKind::kUnknown;
  std::string type;              // the raw "type", for logs: "message", "greatNewFeature"
  std::string message_type;      // message events: "text", "image", "sticker" …
  std::string webhook_event_id;  // empty when the sender omitted it
  bool redelivery = false;       // deliveryContext.isRedelivery
  bool standby = false;          // mode "standby": another module owns the chat; never answer
  int64_t timestamp_ms = 0;
  SourceType source_type = SourceType::kUnknown;
  std::string user_id;      // source.userId; may be empty in groups and rooms
  std::string chat_id;      // source.groupId or source.roomId
  std::string reply_token;  // empty for events that cannot be replied to
  std::string text;         // text messages
  std::string postback_data;
  std::string link_result;  // accountLink: "ok" or "failed"
  std::string link_nonce;   // accountLink
};

// Reads one event object. Never fails: a non-object or odd fields give kUnknown / empty fields.
Event ParseEvent(const nlohmann::json& event);

struct WebhookBody {
  std::string destination;             // the bot's user id
  std::vector<nlohmann::json> events;  // the event objects, as received
  size_t skipped = 0;                  // entries of "events" that were not objects
};

// How deep arrays and objects may nest in a webhook body. LINE's own bodies nest about six
// levels; copying or writing out JSON recurses once per level, so a body nested a hundred
// thousand levels deep would exhaust a thread's stack when its events are queued.
inline constexpr size_t kMaxWebhookJsonDepth = 64;

// Parses a (verified) request body. InvalidArgument when it is not JSON, nests deeper than
// kMaxWebhookJsonDepth, or has no "events" array; `{"events":[]}` (LINE's URL check) is valid
// and empty.
StatusOr<WebhookBody> ParseWebhookBody(std::string_view body);

}  // namespace madoguchi::line

#endif  // MADOGUCHI_ADAPTERS_LINE_EVENTS_H_
