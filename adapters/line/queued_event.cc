#include "line/queued_event.h"

#include <openssl/sha.h>

#include "line/events.h"

namespace madoguchi::line {

using nlohmann::json;

std::string EncodeQueuedEvent(const std::string& channel, const json& event) {
  json payload = {{"channel", channel}, {"event", event}};
  return payload.dump(-1, ' ', false, json::error_handler_t::replace);
}

StatusOr<QueuedEvent> DecodeQueuedEvent(std::string_view payload) {
  json j = json::parse(payload.begin(), payload.end(), nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded() || !j.is_object()) return InvalidArgument("queued LINE event: not JSON");
  auto channel = j.find("channel");
  auto event = j.find("event");
  if (channel == j.end() || !channel->is_string() || event == j.end() || !event->is_object()) {
    return InvalidArgument("queued LINE event: no channel or event");
  }
  return QueuedEvent{channel->get<std::string>(), std::move(*event)};
}

std::string InboxEventId(const std::string& channel, const json& event, std::string_view raw_body,
                         size_t index) {
  auto id = event.find("webhookEventId");
  if (id != event.end() && id->is_string() && !id->get_ref<const std::string&>().empty()) {
    return channel + "/" + id->get<std::string>();
  }
  unsigned char digest[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(raw_body.data()), raw_body.size(), digest);
  static const char kHex[] = "0123456789abcdef";
  std::string hex;
  for (int i = 0; i < 16; ++i) {
    hex += kHex[digest[i] >> 4];
    hex += kHex[digest[i] & 15];
  }
  return channel + "/body-" + hex + "-" + std::to_string(index);
}

std::string OrderingKey(const std::string& channel, const json& event) {
  Event e = ParseEvent(event);
  const std::string& who =
      e.source_type == SourceType::kUser || e.chat_id.empty() ? e.user_id : e.chat_id;
  return who.empty() ? std::string() : "line:" + channel + ":" + who;
}

}  // namespace madoguchi::line
