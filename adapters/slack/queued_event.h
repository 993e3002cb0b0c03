// How a Slack event sits in the inbox between the handler and the worker: the inbox's channel
// "slack", an event id scoped to the workspace, an ordering key per member (one member's
// messages are answered in order), and the parsed Inbound as a JSON payload. The payload is the
// parsed form rather than Slack's body: the handler has already decided it is a member's
// message worth answering, and only what the worker needs is stored. Pure functions;
// thread-safe.
#ifndef MADOGUCHI_ADAPTERS_SLACK_QUEUED_EVENT_H_
#define MADOGUCHI_ADAPTERS_SLACK_QUEUED_EVENT_H_

#include <string>
#include <string_view>

#include "base/status.h"
#include "slack/events.h"

namespace madoguchi::slack {

// The inbox channel every Slack workspace's events are queued under.
inline constexpr const char* kInboxChannel = "slack";

std::string EncodeQueuedEvent(const Inbound& inbound);
// InvalidArgument for a payload this module did not write.
StatusOr<Inbound> DecodeQueuedEvent(std::string_view payload);

// "<team>/<event id>": Slack's event ids are unique per workspace, and a retried delivery
// carries the same one, so the inbox stores it once.
std::string InboxEventId(const Inbound& inbound);
// "slack:<team>:<user>": the conversation's key, so one member is answered in order.
std::string OrderingKey(const Inbound& inbound);

}  // namespace madoguchi::slack

#endif  // MADOGUCHI_ADAPTERS_SLACK_QUEUED_EVENT_H_
