#include "slack/queued_event.h"

#include <nlohmann/json.hpp>

namespace madoguchi::slack {

using nlohmann::json;

std::string EncodeQueuedEvent(const Inbound& in) {
  json j = {{"kind", InboundKindName(in.kind)},
            {"event_id", in.event_id},
            {"team", in.team_id},
            {"user", in.user_id},
            {"channel", in.channel_id},
            {"channel_type", in.channel_type},
            {"text", in.text},
            {"postback", in.postback},
            {"thread_ts", in.reply_thread_ts}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

StatusOr<Inbound> DecodeQueuedEvent(std::string_view payload) {
  json j = json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument("queued Slack event: not JSON");
  auto str = [&j](const char* key, std::string* out) {
    auto it = j.find(key);
    if (it == j.end() || !it->is_string()) return false;
    *out = it->get<std::string>();
    return true;
  };
  Inbound in;
  std::string kind;
  if (!str("kind", &kind) || !ParseInboundKind(kind, &in.kind) || !str("team", &in.team_id) ||
      !str("user", &in.user_id) || !str("channel", &in.channel_id) || in.user_id.empty() ||
      in.channel_id.empty()) {
    return InvalidArgument("queued Slack event: no kind, team, user or channel");
  }
  str("event_id", &in.event_id);
  str("channel_type", &in.channel_type);
  str("text", &in.text);
  str("postback", &in.postback);
  str("thread_ts", &in.reply_thread_ts);
  return in;
}

std::string InboxEventId(const Inbound& in) { return in.team_id + "/" + in.event_id; }

std::string OrderingKey(const Inbound& in) { return "slack:" + in.team_id + ":" + in.user_id; }

}  // namespace madoguchi::slack
