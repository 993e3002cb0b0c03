#include "line/worker.h"

#include <algorithm>
#include <utility>

#include "base/date.h"
#include "line/queued_event.h"

namespace madoguchi::line {

namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// Worth trying again later: LINE or the conversation may recover, an operator may fix a
// revoked access token.
bool Transient(const Status& s) {
  return s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kResourceExhausted ||
         s.code() == StatusCode::kPermissionDenied;
}

std::string EncodeCheckpoint(const std::vector<json>& messages) {
  return json(messages).dump(-1, ' ', false, json::error_handler_t::replace);
}

// The messages an earlier attempt rendered; empty if the checkpoint is unreadable.
std::vector<json> DecodeCheckpoint(const std::string& checkpoint) {
  json j = json::parse(checkpoint, nullptr, /*allow_exceptions=*/false);
  std::vector<json> out;
  if (!j.is_array()) return out;
  for (json& m : j) {
    if (!m.is_object()) return {};
    out.push_back(std::move(m));
  }
  return out;
}

}  // namespace

LineWorker::LineWorker(store::Inbox* inbox, const std::vector<LineChannel>& channels,
                       LineWorkerHooks hooks, LineWorkerOptions options)
    : inbox_(inbox), hooks_(std::move(hooks)), options_(std::move(options)) {
  if (!options_.now_ms) options_.now_ms = UnixMillis;
  if (options_.threads < 1) options_.threads = 1;
  for (const LineChannel& c : channels) {
    LineClientOptions client = options_.client;
    client.api_base_url = c.api_base_url;
    client.access_token = c.access_token;
    client.sleep = [this](milliseconds d) { return SleepUnlessStopping(d); };
    channels_.emplace(c.name, ChannelState{c, std::make_unique<LineClient>(std::move(client))});
  }
}

LineWorker::~LineWorker() { Stop(); }

void LineWorker::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { Loop(); });
}

void LineWorker::Notify() {
  std::lock_guard<std::mutex> lock(mu_);
  // More wakeups than threads would only spin idle threads through empty claims.
  if (wakeups_ < options_.threads) ++wakeups_;
  idle_cv_.notify_one();
}

void LineWorker::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    idle_cv_.notify_all();
    stop_cv_.notify_all();
  }
  for (std::thread& t : threads_) {
    if (t.joinable()) t.join();
  }
  threads_.clear();
}

bool LineWorker::SleepUnlessStopping(milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !stop_cv_.wait_for(lock, d, [this] { return stopping_; });
}

void LineWorker::Loop() {
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    if (RunOnce(1) > 0) continue;
    std::unique_lock<std::mutex> lock(mu_);
    idle_cv_.wait_for(lock, options_.idle_poll, [this] { return stopping_ || wakeups_ > 0; });
    if (wakeups_ > 0) --wakeups_;
  }
}

size_t LineWorker::RunOnce(size_t max) {
  auto claimed = inbox_->Claim(max, kInboxChannel);
  if (!claimed.ok()) return 0;  // the next poll tries again
  for (const store::InboxEvent& item : *claimed) Process(item);
  return claimed->size();
}

LineClient* LineWorker::ClientFor(std::string_view channel) const {
  auto it = channels_.find(channel);
  return it == channels_.end() ? nullptr : it->second.client.get();
}

milliseconds LineWorker::RetryDelay(int attempt) const {
  milliseconds d = options_.retry_initial;
  for (int i = 1; i < attempt && d < options_.retry_max; ++i) d *= 2;
  return std::min(d, options_.retry_max);
}

void LineWorker::Finish(LineWorkerReport& report, const char* outcome, Status status) {
  report.outcome = outcome;
  if (!status.ok()) report.status = std::move(status);
  if (options_.on_report) options_.on_report(report);
}

void LineWorker::Retry(const store::InboxEvent& item, const Status& why, LineWorkerReport& report) {
  auto outcome = inbox_->Fail(item, RetryDelay(item.attempt), why.ToString());
  if (!outcome.ok()) return Finish(report, "retry", outcome.status());  // the lease runs out
  switch (*outcome) {
    case store::FailOutcome::kRetryScheduled:
      return Finish(report, "retry", why);
    case store::FailOutcome::kDeadLettered:
      return Finish(report, "dead_letter", why);
    case store::FailOutcome::kStale:
      return Finish(report, "stale", why);
  }
}

void LineWorker::Process(const store::InboxEvent& item) {
  LineWorkerReport report;
  report.event_id = item.event_id;
  report.attempt = item.attempt;
  report.age_ms = options_.now_ms() - item.received_at_ms;
  auto complete = [&](const char* outcome, Status status = {}) {
    Status done = inbox_->Complete(item);
    Finish(report, outcome, status.ok() ? done : status);
  };

  auto queued = DecodeQueuedEvent(item.payload);
  if (!queued.ok()) return complete("dropped", queued.status());
  report.channel = queued->channel;
  auto channel = channels_.find(queued->channel);
  if (channel == channels_.end()) {
    return complete("dropped", NotFound("no LINE channel named " + queued->channel));
  }
  const LineChannel& config = channel->second.config;
  LineClient& client = *channel->second.client;
  const Event event = ParseEvent(queued->event);
  report.kind = event.kind;

  // An earlier attempt already decided what to say: say exactly that.
  if (!item.checkpoint.empty()) {
    std::vector<json> messages = DecodeCheckpoint(item.checkpoint);
    if (messages.empty()) return complete("dropped", Internal("unreadable checkpoint"));
    return Deliver(item, event, client, messages, report);
  }

  if (!hooks_.handle) return complete("dropped", Internal("LineWorkerHooks::handle is not set"));
  const bool one_to_one = event.source_type == SourceType::kUser && !event.user_id.empty();
  const store::ConversationKey key{"line", event.user_id};

  if (event.kind == EventKind::kUnfollow) {
    // Not a reply, so standby does not matter: a member who blocked us is forgotten.
    if (!one_to_one || !hooks_.forget) return complete("silent");
    Status forgot = hooks_.forget(key);
    if (forgot.code() == StatusCode::kUnavailable) return Retry(item, forgot, report);
    return complete(forgot.ok() ? "silent" : "dropped", forgot);
  }
  if (event.standby) return complete("silent");
  if (!one_to_one) return complete("skipped");

  StatusOr<dialogue::Turn> turn = dialogue::Turn{};
  std::vector<json> messages;
  switch (event.kind) {
    case EventKind::kTextMessage:
      turn =
          hooks_.handle(dialogue::Message{key, config.program, event.text, "", false, config.name});
      break;
    case EventKind::kPostback:
      if (event.postback_data.empty()) return complete("skipped");
      turn = hooks_.handle(
          dialogue::Message{key, config.program, "", event.postback_data, false, config.name});
      break;
    case EventKind::kFollow:
      turn = hooks_.handle(dialogue::Message{key, config.program, "", "", true, config.name});
      break;
    case EventKind::kAccountLink:
      if (!hooks_.on_account_link) return complete("skipped");
      turn = hooks_.on_account_link(config, event.user_id, event.link_result, event.link_nonce);
      break;
    case EventKind::kOtherMessage:
      messages = RenderText(options_.text_only_notice, options_.render);
      break;
    default:
      return complete("skipped");
  }

  Status handling;
  if (!turn.ok()) {
    handling = turn.status();
    bool last = item.attempt >= inbox_->options().max_attempts;
    if (handling.code() == StatusCode::kUnavailable && !last) {
      return Retry(item, handling, report);
    }
    // Final: the member hears that we cannot answer rather than nothing.
    messages = RenderText(options_.error_notice, options_.render);
  } else if (messages.empty()) {
    messages = RenderTurn(*turn, options_.render);
  }
  if (messages.empty()) return complete("silent");

  Status saved = inbox_->Checkpoint(item, EncodeCheckpoint(messages));
  if (saved.code() == StatusCode::kFailedPrecondition) return Finish(report, "stale", saved);
  // Another failure to checkpoint only costs a re-run of the conversation on a retry.
  report.status = handling;
  Deliver(item, event, client, messages, report);
}

void LineWorker::Deliver(const store::InboxEvent& item, const Event& event, LineClient& client,
                         const std::vector<json>& messages, LineWorkerReport& report) {
  const int64_t age = options_.now_ms() - item.received_at_ms;
  const char* outcome = "replied";
  Status sent(StatusCode::kFailedPrecondition, "reply token too old or missing",
              "reply_token_invalid");
  if (!event.reply_token.empty() && age < options_.reply_token_life.count()) {
    sent = client.Reply(event.reply_token, messages);
  }
  if (sent.reason() == "reply_token_invalid") {
    outcome = "pushed";
    if (event.user_id.empty()) {
      sent = Status(StatusCode::kFailedPrecondition, "no user to push to", "no_recipient");
    } else {
      sent = client.Push(event.user_id, messages,
                         LineClient::RetryKeyFor(item.channel + "/" + item.event_id));
    }
  }
  if (sent.ok()) {
    Status done = inbox_->Complete(item);
    return Finish(report, outcome, done);
  }
  if (Transient(sent)) return Retry(item, sent, report);
  Status done = inbox_->Complete(item);
  Finish(report, "dropped", sent);
}

}  // namespace madoguchi::line
