#include "slack/handler.h"

#include <algorithm>
#include <cctype>
#include <nlohmann/json.hpp>
#include <utility>
#include <vector>

#include "base/date.h"
#include "slack/events.h"
#include "slack/queued_event.h"

namespace madoguchi::slack {

namespace {

SlackResponse Error(int status, std::string reason) {
  SlackResponse r;
  r.http_status = status;
  r.body = "{\"error\":\"" + reason + "\"}";
  r.error = std::move(reason);
  return r;
}

bool IsForm(std::string_view content_type, std::string_view body) {
  std::string ct(content_type);
  std::transform(ct.begin(), ct.end(), ct.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  if (ct.find("application/x-www-form-urlencoded") != std::string::npos) return true;
  if (!ct.empty()) return false;
  // No content type: JSON bodies open with "{"; forms with a field name.
  size_t first = body.find_first_not_of(" \t\r\n");
  return first != std::string_view::npos && body[first] != '{';
}

}  // namespace

SlackEventsHandler::SlackEventsHandler(store::Inbox* inbox, SlackApp app,
                                       SlackEventsOptions options)
    : inbox_(inbox), app_(std::move(app)), options_(std::move(options)) {
  if (!options_.now_ms) options_.now_ms = UnixMillis;
}

SlackResponse SlackEventsHandler::Handle(std::string_view raw_body,
                                         const SlackRequestHeaders& headers) const {
  if (raw_body.size() > options_.max_body_bytes) return Error(413, "body_too_large");
  const int64_t now = options_.now_ms();
  Status verified = VerifyRequest(app_.signing_secret, headers.timestamp, headers.signature,
                                  raw_body, now, options_.max_request_skew);
  if (!verified.ok()) return Error(401, verified.reason());

  // Authenticated from here on: only Slack's bytes reach the parsers.
  const bool form = IsForm(headers.content_type, raw_body);
  auto parsed = form ? ParseInteractionBody(raw_body) : ParseEventsBody(raw_body);
  if (!parsed.ok()) return Error(400, "invalid_body");

  SlackResponse ok;
  ok.retry = !headers.retry_num.empty();
  ok.event_type = parsed->event_type;
  ok.ignored = parsed->ignored;
  // Slack wants an empty 200 for interactions (a body would be read as a response action).
  ok.body = form ? "" : "{}";
  if (form) ok.content_type = "text/plain";
  if (parsed->type == BodyType::kUrlVerification) {
    nlohmann::json answer = {{"challenge", parsed->challenge}};
    ok.body = answer.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    return ok;
  }

  std::vector<store::NewInboxEvent> events;
  for (const Inbound& in : parsed->inbound) {
    if (app_.FindWorkspace(in.team_id) == nullptr) {
      ok.ignored = "unknown_team";
      continue;
    }
    events.push_back(
        {kInboxChannel, InboxEventId(in), OrderingKey(in), EncodeQueuedEvent(in), now});
  }
  if (events.empty()) return ok;
  if (options_.admit && !options_.admit()) return Error(503, "inbox_full");
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

}  // namespace madoguchi::slack
