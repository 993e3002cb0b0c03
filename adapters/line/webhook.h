// The LINE webhook endpoint's logic, free of any HTTP server: the route hands over the channel
// name from the path, the raw body and the X-Line-Signature header, and sends back the status
// and body this returns.
//
//   unknown channel 404 · body over the limit 413 · signature missing or wrong 401 (checked
//   before any parsing) · signed but not a JSON object with an "events" array 400 ·
//   the inbox full (LineWebhookOptions::admit) 503 "inbox_full", nothing enqueued · inbox write
//   failed 503 "inbox_unavailable" (LINE counts either as a failure and redelivers when the
//   channel has redelivery on) · otherwise 200.
//
// A 200 means every event of the body is on disk in the inbox (or was already: a redelivery
// is recognised by its webhookEventId and stored once). Nothing is processed here, so the
// answer stays well inside LINE's 2-second budget; a LineWorker does the work.
//
// Thread safety: Handle() may run on many threads at once. Borrows the inbox, which must
// outlive the handler.
#ifndef MADOGUCHI_ADAPTERS_LINE_WEBHOOK_H_
#define MADOGUCHI_ADAPTERS_LINE_WEBHOOK_H_

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "line/channel.h"
#include "store/inbox.h"

namespace madoguchi::line {

struct LineWebhookOptions {
  // Larger bodies get 413 before the signature is computed. LINE's bodies are a few KB.
  // Default: 1 MiB.
  size_t max_body_bytes = 1 << 20;
  // Called after events were enqueued (e.g. LineWorker::Notify, so the work starts at once
  // rather than at the next poll). Must be cheap and thread-safe.
  std::function<void()> on_enqueued;
  // Backpressure (store::InboxAdmission::Admit): asked before the events of a signed body are
  // enqueued; false answers 503 "inbox_full" and enqueues nothing. Must be cheap and
  // thread-safe. Unset: always admits.
  std::function<bool()> admit;
  // Unix milliseconds, recorded as the events' receipt time (the reply token's clock starts
  // then). Default: the system clock.
  std::function<int64_t()> now_ms;
};

struct WebhookResponse {
  int http_status = 200;
  std::string body;  // JSON: {} on success, {"error": "<reason>"} otherwise
  std::string content_type = "application/json";
  // For logs and metrics: a short reason when http_status is not 200 ("invalid_signature"),
  // and what happened to the body's events.
  std::string error;
  int enqueued = 0;
  int duplicates = 0;
  int skipped = 0;  // entries of "events" that were not objects
};

class LineWebhookHandler {
 public:
  // Channels are looked up by name; names must be unique (a later duplicate is ignored).
  LineWebhookHandler(store::Inbox* inbox, const std::vector<LineChannel>& channels,
                     LineWebhookOptions options = {});

  WebhookResponse Handle(std::string_view channel_name, std::string_view raw_body,
                         std::string_view signature_header) const;

  bool HasChannel(std::string_view channel_name) const;

 private:
  store::Inbox* inbox_;
  std::map<std::string, LineChannel, std::less<>> channels_;
  LineWebhookOptions options_;
};

}  // namespace madoguchi::line

#endif  // MADOGUCHI_ADAPTERS_LINE_WEBHOOK_H_
