#include "slack/worker.h"

#include <nlohmann/json.hpp>
#include <utility>

#include "base/date.h"
#include "slack/queued_event.h"

namespace madoguchi::slack {

namespace {

using nlohmann::json;
using std::chrono::milliseconds;

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
    : inbox_(inbox),
      app_(app),
      handle_(std::move(handle)),
      options_(std::move(options)),
      pool_(inbox, kInboxChannel, {options_.threads, options_.idle_poll},
            [this](const store::InboxEvent& item) { Process(item); }) {
  if (!options_.now_ms) options_.now_ms = UnixMillis;
  for (const SlackWorkspace& w : app_.workspaces) {
    if (clients_.count(w.team_id) > 0) continue;  // FindWorkspace uses the first one too
    SlackClientOptions client = options_.client;
    client.api_base_url = app_.api_base_url;
    client.bot_token = w.bot_token;
    client.sleep = [this](milliseconds d) { return pool_.SleepUnlessStopping(d); };
    clients_.emplace(w.team_id, std::make_unique<SlackClient>(std::move(client)));
  }
}

SlackWorker::~SlackWorker() { Stop(); }

void SlackWorker::Start() { pool_.Start(); }

void SlackWorker::Notify() { pool_.Notify(); }

void SlackWorker::Stop() { pool_.Stop(); }

size_t SlackWorker::RunOnce(size_t max) { return pool_.RunOnce(max); }

void SlackWorker::Finish(SlackWorkerReport& report, const char* outcome, Status status) {
  report.outcome = outcome;
  if (!status.ok()) report.status = std::move(status);
  if (options_.on_report) options_.on_report(report);
}

void SlackWorker::Retry(const store::InboxEvent& item, const Status& why,
                        SlackWorkerReport& report) {
  outbound::RetryOutcome retry =
      outbound::RetryLater(*inbox_, item, why, options_.retry_initial, options_.retry_max);
  Finish(report, retry.outcome, std::move(retry.status));
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
      if (outbound::IsTransient(posted.status())) return Retry(item, posted.status(), report);
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
