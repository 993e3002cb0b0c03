#include "line/webhook.h"

#include <chrono>
#include <utility>

#include "base/date.h"
#include "line/events.h"
#include "line/queued_event.h"
#include "line/signature.h"

namespace madoguchi::line {

namespace {

WebhookResponse Error(int status, std::string reason) {
  WebhookResponse r;
  r.http_status = status;
  r.body = "{\"error\":\"" + reason + "\"}";
  r.error = std::move(reason);
  return r;
}

}  // namespace

LineWebhookHandler::LineWebhookHandler(store::Inbox* inbox,
                                       const std::vector<LineChannel>& channels,
                                       LineWebhookOptions options)
    : inbox_(inbox), options_(std::move(options)) {
  for (const LineChannel& c : channels) channels_.emplace(c.name, c);
  if (!options_.now_ms) options_.now_ms = UnixMillis;
}

bool LineWebhookHandler::HasChannel(std::string_view channel_name) const {
  return channels_.find(channel_name) != channels_.end();
}

WebhookResponse LineWebhookHandler::Handle(std::string_view channel_name, std::string_view raw_body,
                                           std::string_view signature_header) const {
  auto channel = channels_.find(channel_name);
  if (channel == channels_.end()) return Error(404, "unknown_channel");
  if (raw_body.size() > options_.max_body_bytes) return Error(413, "body_too_large");
  if (signature_header.empty()) return Error(401, "missing_signature");
  if (!VerifySignature(channel->second.channel_secret, raw_body, signature_header)) {
    return Error(401, "invalid_signature");
  }
  // Authenticated from here on: only LINE's bytes reach the parser.
  auto body = ParseWebhookBody(raw_body);
  if (!body.ok()) return Error(400, "invalid_body");

  WebhookResponse ok;
  ok.body = "{}";
  ok.skipped = static_cast<int>(body->skipped);
  if (body->events.empty()) return ok;  // LINE's URL check, or nothing usable
  // Refused whole and before any write: a redelivery brings every event of the body back.
  if (options_.admit && !options_.admit()) return Error(503, "inbox_full");

  const std::string& name = channel->second.name;
  int64_t now = options_.now_ms();
  std::vector<store::NewInboxEvent> events;
  events.reserve(body->events.size());
  for (size_t i = 0; i < body->events.size(); ++i) {
    const nlohmann::json& e = body->events[i];
    events.push_back({kInboxChannel, InboxEventId(name, e, raw_body, i), OrderingKey(name, e),
                      EncodeQueuedEvent(name, e), now});
  }
  auto results = inbox_->EnqueueAll(events);
  if (!results.ok()) return Error(503, "inbox_unavailable");
  for (store::EnqueueResult r : *results) {
    if (r == store::EnqueueResult::kEnqueued) {
      ++ok.enqueued;
    } else {
      ++ok.duplicates;
    }
  }
  if (ok.enqueued > 0 && options_.on_enqueued) options_.on_enqueued();
  return ok;
}

}  // namespace madoguchi::line
