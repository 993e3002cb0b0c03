#include "slack/worker.h"

#include <algorithm>
#include <nlohmann/json.hpp>
#include <utility>

#include "base/date.h"
#include "slack/queued_event.h"

namespace madoguchi::slack {

namespace {

using nlohmann::json;
using std::chrono::milliseconds;

// Worth trying again later: Slack or the conversation may recover, an operator may fix a
// revoked bot token.
bool Transient(const Status& s) {
  return s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kResourceExhausted ||
         s.code() == StatusCode::kPermissionDenied;
}

std::string EncodeCheckpoint(const std::vector<SlackMessage>& messages, size_t sent) {
  json list = json::array();
  for (const SlackMessage& m : messages) list.push_back({{"text", m.text}, {"blocks", m.blocks}});
  json j = {{"messages", std::move(list)}, {"sent", sent}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The messages an earlier attempt rendered and how many of them were posted; false if the
// checkpoint is unreadable.
bool DecodeCheckpoint(const std::string& checkpoint, std::vector<SlackMessage>* messages,
                      size_t* sent) {
  json j = json::parse(checkpoint, nullptr, /*allow_exceptions=*/false);
  if (!j.is_object() || !j.contains("messages") || !j["messages"].is_array() ||
      !j.contains("sent") || !j["sent"].is_number_unsigned()) {
    return false;
  }
  for (json& m : j["messages"]) {
    if (!m.is_object() || !m.contains("text") || !m["text"].is_string() || !m.contains("blocks") ||
        !m["blocks"].is_array()) {
      return false;
    }
    messages->push_back({m["text"].get<std::string>(), std::move(m["blocks"])});
  }
  *sent = j["sent"].get<size_t>();
  return !messages->empty() && *sent <= messages->size();
}

}  // namespace

SlackWorker::SlackWorker(store::Inbox* inbox, const SlackApp& app, SlackHandleFn handle,
                         SlackWorkerOptions options)
    : inbox_(inbox), app_(app), handle_(std::move(handle)), options_(std::move(options)) {
  if (!options_.now_ms) options_.now_ms = UnixMillis;
  if (options_.threads < 1) options_.threads = 1;
  for (const SlackWorkspace& w : app_.workspaces) {
    if (clients_.count(w.team_id) > 0) continue;  // FindWorkspace uses the first one too
    SlackClientOptions client = options_.client;
    client.api_base_url = app_.api_base_url;
    client.bot_token = w.bot_token;
    client.sleep = [this](milliseconds d) { return SleepUnlessStopping(d); };
    clients_.emplace(w.team_id, std::make_unique<SlackClient>(std::move(client)));
  }
}

SlackWorker::~SlackWorker() { Stop(); }

void SlackWorker::Start() {
  std::lock_guard<std::mutex> lock(mu_);
  if (started_ || stopping_) return;
  started_ = true;
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { Loop(); });
}

void SlackWorker::Notify() {
  std::lock_guard<std::mutex> lock(mu_);
  // More wakeups than threads would only spin idle threads through empty claims.
  if (wakeups_ < options_.threads) ++wakeups_;
  idle_cv_.notify_one();
}

void SlackWorker::Stop() {
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

bool SlackWorker::SleepUnlessStopping(milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !stop_cv_.wait_for(lock, d, [this] { return stopping_; });
}

void SlackWorker::Loop() {
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

size_t SlackWorker::RunOnce(size_t max) {
  auto claimed = inbox_->Claim(max, kInboxChannel);
  if (!claimed.ok()) return 0;  // the next poll tries again
  for (const store::InboxEvent& item : *claimed) Process(item);
  return claimed->size();
}

milliseconds SlackWorker::RetryDelay(int attempt) const {
  milliseconds d = options_.retry_initial;
  for (int i = 1; i < attempt && d < options_.retry_max; ++i) d *= 2;
  return std::min(d, options_.retry_max);
}

void SlackWorker::Finish(SlackWorkerReport& report, const char* outcome, Status status) {
  report.outcome = outcome;
  if (!status.ok()) report.status = std::move(status);
  if (options_.on_report) options_.on_report(report);
}

void SlackWorker::Retry(const store::InboxEvent& item, const Status& why,
                        SlackWorkerReport& report) {
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

void SlackWorker::Process(const store::InboxEvent& item) {
  SlackWorkerReport report;
  report.event_id = item.event_id;
  report.attempt = item.attempt;
  report.age_ms = options_.now_ms() - item.received_at_ms;
  auto complete = [&](const char* outcome, Status status = {}) {
    Status done = inbox_->Complete(item);
    Finish(report, outcome, status.ok() ? done : status);
  };

  auto inbound = DecodeQueuedEvent(item.payload);
  if (!inbound.ok()) return complete("dropped", inbound.status());
  report.team = inbound->team_id;
  report.kind = InboundKindName(inbound->kind);
  const SlackWorkspace* workspace = app_.FindWorkspace(inbound->team_id);
  if (workspace == nullptr) {
    return complete("dropped", NotFound("no Slack workspace " + inbound->team_id));
  }
  SlackClient& client = *clients_.at(workspace->team_id);

  // An earlier attempt already decided what to say: post what is left of exactly that.
  if (!item.checkpoint.empty()) {
    std::vector<SlackMessage> messages;
    size_t sent = 0;
    if (!DecodeCheckpoint(item.checkpoint, &messages, &sent)) {
      return complete("dropped", Internal("unreadable checkpoint"));
    }
    return Deliver(item, *inbound, client, messages, sent, report);
  }

  const std::string program = app_.ProgramFor(inbound->team_id, inbound->channel_id);
  if (program.empty()) return complete("skipped");
  if (!handle_) return complete("dropped", Internal("SlackWorker: no handle function"));
  const store::ConversationKey key{"slack", inbound->team_id + ":" + inbound->user_id};

  StatusOr<dialogue::Turn> turn = dialogue::Turn{};
  std::vector<SlackMessage> messages;
  switch (inbound->kind) {
    case InboundKind::kMessage:
    case InboundKind::kMention:
      turn = handle_(dialogue::Message{key, program, inbound->text, "", false});
      break;
    case InboundKind::kButton:
      turn = handle_(dialogue::Message{key, program, "", inbound->postback, false});
      break;
    case InboundKind::kGreeting:
      turn = handle_(dialogue::Message{key, program, "", "", true});
      break;
    case InboundKind::kOtherMessage:
      messages = RenderText(options_.text_only_notice, options_.render);
      break;
  }

  if (!turn.ok()) {
    const Status& failure = turn.status();
    bool last = item.attempt >= inbox_->options().max_attempts;
    if (failure.code() == StatusCode::kUnavailable && !last) return Retry(item, failure, report);
    // Final: the member hears that we cannot answer rather than nothing.
    report.status = failure;
    messages = RenderText(options_.error_notice, options_.render);
  } else if (messages.empty()) {
    messages = RenderTurn(*turn, options_.render);
  }
  if (messages.empty()) return complete("silent");

  Status saved = inbox_->Checkpoint(item, EncodeCheckpoint(messages, 0));
  if (saved.code() == StatusCode::kFailedPrecondition) return Finish(report, "stale", saved);
  // Another failure to checkpoint only costs a re-run of the conversation on a retry.
  Deliver(item, *inbound, client, messages, 0, report);
}

void SlackWorker::Deliver(const store::InboxEvent& item, const Inbound& inbound,
                          SlackClient& client, const std::vector<SlackMessage>& messages,
                          size_t sent, SlackWorkerReport& report) {
  for (size_t i = sent; i < messages.size(); ++i) {
    PostMessageRequest request{inbound.channel_id, messages[i].text, messages[i].blocks,
                               inbound.reply_thread_ts};
    auto posted = client.PostMessage(request);
    if (!posted.ok()) {
      if (Transient(posted.status())) return Retry(item, posted.status(), report);
      inbox_->Complete(item);  // a failure here leaves the event to the lease; nothing to add
      return Finish(report, "dropped", posted.status());
    }
    ++report.posted;
    if (i + 1 < messages.size()) {
      // Progress, so a retry does not post this message again.
      Status saved = inbox_->Checkpoint(item, EncodeCheckpoint(messages, i + 1));
      if (saved.code() == StatusCode::kFailedPrecondition) return Finish(report, "stale", saved);
    }
  }
  Status done = inbox_->Complete(item);
  // An error_notice sent after a final conversation failure is still reported as that failure.
  Finish(report, "posted", report.status.ok() ? done : report.status);
}

}  // namespace madoguchi::slack
