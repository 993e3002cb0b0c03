// The Slack request URL's logic (Events API and Interactivity may share it), free of any HTTP
// server: the route hands over the raw body and four headers and sends back the status,
// content type and body this returns.
//
//   body over the limit 413 · timestamp missing, malformed or more than 5 minutes off, or
//   signature missing or wrong 401 (checked before any parsing) · signed but not what Slack
//   sends 400 · url_verification 200 {"challenge": …} · the inbox full (SlackEventsOptions::
//   admit) 503 "inbox_full", nothing enqueued · inbox write failed 503 "inbox_unavailable"
//   (Slack counts either as a failure and retries) · otherwise 200, whether or not anything was
//   enqueued.
//
// A 200 for an event means it is on disk in the inbox (or already was: Slack's retries,
// marked by X-Slack-Retry-Num, carry the same event_id and are stored once). Nothing is
// processed here, so the answer stays well inside Slack's 3-second budget; a SlackWorker does
// the work. Events from workspaces the app is not configured for are acknowledged and dropped.
//
// Thread safety: Handle() may run on many threads at once. Borrows the inbox, which must
// outlive the handler.
#ifndef MADOGUCHI_ADAPTERS_SLACK_HANDLER_H_
#define MADOGUCHI_ADAPTERS_SLACK_HANDLER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <string>
#include <string_view>

#include "slack/app.h"
#include "slack/signature.h"
#include "store/inbox.h"

namespace madoguchi::slack {

struct SlackEventsOptions {
  // Larger bodies get 413 before the signature is computed. Slack's bodies are a few KB.
  // Default: 1 MiB.
  size_t max_body_bytes = 1 << 20;
  std::chrono::seconds max_request_skew = kMaxRequestSkew;
  // Called after events were enqueued (e.g. SlackWorker::Notify, so the work starts at once
  // rather than at the next poll). Must be cheap and thread-safe.
  std::function<void()> on_enqueued;
  // Backpressure (store::InboxAdmission::Admit): asked before the events of a signed body are
  // enqueued; false answers 503 "inbox_full" and enqueues nothing. Must be cheap and
  // thread-safe. Unset: always admits.
  std::function<bool()> admit;
  // Unix milliseconds: checks the request timestamp and is recorded as the events' receipt
  // time. Default: the system clock.
  std::function<int64_t()> now_ms;
};

// The request headers the handler reads; absent headers are empty. Owned copies, so a route
// may fill them from temporaries.
struct SlackRequestHeaders {
  std::string signature;  // X-Slack-Signature
  std::string timestamp;  // X-Slack-Request-Timestamp
  std::string retry_num;  // X-Slack-Retry-Num: set on Slack's redeliveries
  // Content-Type: tells an interaction (application/x-www-form-urlencoded) from an event
  // (application/json). Empty: told from the body's first byte.
  std::string content_type;
};

struct SlackResponse {
  int http_status = 200;
  std::string content_type = "application/json";
  std::string body;  // {} or {"challenge": …} on success, {"error": "<reason>"} otherwise
  // For logs and metrics; never holds message text.
  std::string error;       // a short reason when http_status is not 200: "invalid_signature"
  std::string event_type;  // "message", "app_mention", "block_actions", "url_verification" …
  std::string ignored;     // why nothing was enqueued ("bot", "unknown_team" …); see events.h
  bool retry = false;      // X-Slack-Retry-Num was set
  int enqueued = 0;
  int duplicates = 0;
};

class SlackEventsHandler {
 public:
  SlackEventsHandler(store::Inbox* inbox, SlackApp app, SlackEventsOptions options = {});

  SlackResponse Handle(std::string_view raw_body, const SlackRequestHeaders& headers) const;

 private:
  store::Inbox* inbox_;
  SlackApp app_;
  SlackEventsOptions options_;
};

}  // namespace madoguchi::slack

#endif  // MADOGUCHI_ADAPTERS_SLACK_HANDLER_H_
