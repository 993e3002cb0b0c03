// How a LINE event sits in the inbox between the webhook and the worker: the inbox's channel
// "line", an event id scoped to the LINE channel, an ordering key per chat (a member's messages
// are answered in order), and a JSON payload naming the LINE channel beside the event as
// received. Pure functions; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_LINE_QUEUED_EVENT_H_
#define MADOGUCHI_ADAPTERS_LINE_QUEUED_EVENT_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "base/status.h"

namespace madoguchi::line {

// The inbox channel every LINE channel's events are queued under.
inline constexpr const char* kInboxChannel = "line";

struct QueuedEvent {
  std::string channel;   // the LineChannel's name
  nlohmann::json event;  // the event object as LINE sent it
};

std::string EncodeQueuedEvent(const std::string& channel, const nlohmann::json& event);
// InvalidArgument for a payload this module did not write.
StatusOr<QueuedEvent> DecodeQueuedEvent(std::string_view payload);

// "<channel>/<webhookEventId>", or, for senders that omit the id, an id derived from the body's
// SHA-256 and the event's index, stable across a resend of the same bytes.
std::string InboxEventId(const std::string& channel, const nlohmann::json& event,
                         std::string_view raw_body, size_t index);
// "line:<channel>:<user, group or room id>"; empty when the event names no source.
std::string OrderingKey(const std::string& channel, const nlohmann::json& event);

}  // namespace madoguchi::line

#endif  // MADOGUCHI_ADAPTERS_LINE_QUEUED_EVENT_H_
