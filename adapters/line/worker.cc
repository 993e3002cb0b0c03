#include "line/worker.h"

#include <utility>

#include "base/date.h"
#include "line/queued_event.h"

namespace madoguchi::line {

namespace {

using nlohmann::json;
using std::chrono::milliseconds;

constexpr char kViaReply[] = "reply";
constexpr char kViaPush[] = "push";

}  // namespace

// What is saved with the claim before anything is sent (the inbox's checkpoint): the messages,
// so a retry re-sends the same answer without running the conversation again, and how they are
// being sent, so an attempt after a crash knows the reply token may already be used.
struct LineWorker::SendRecord {
  std::vector<json> messages;
  std::string via;        // kViaReply or kViaPush
  std::string retry_key;  // the push's X-Line-Retry-Key, the same on every attempt
};

std::string LineWorker::EncodeRecord(const SendRecord& record) {
  json j = {{"messages", record.messages}, {"via", record.via}, {"retry_key", record.retry_key}};
  return j.dump(-1, ' ', false, json::error_handler_t::replace);
}

// The record an earlier attempt saved; no messages if the checkpoint is unreadable. Checkpoints
// of earlier versions are the bare array of messages, saved before a reply was tried.
LineWorker::SendRecord LineWorker::DecodeRecord(const std::string& checkpoint,
                                                const std::string& default_key) {
  json j = json::parse(checkpoint, nullptr, /*allow_exceptions=*/false);
  SendRecord record{{}, kViaReply, default_key};
  json messages = j;
  if (j.is_object()) {
    messages = j.contains("messages") ? j["messages"] : json();
    if (j.contains("via") && j["via"] == kViaPush) record.via = kViaPush;
    if (j.contains("retry_key") && j["retry_key"].is_string() &&
        !j["retry_key"].get<std::string>().empty()) {
      record.retry_key = j["retry_key"].get<std::string>();
    }
  }
  if (!messages.is_array()) return record;
  for (json& m : messages) {
    if (!m.is_object()) {
      record.messages.clear();
      return record;
    }
    record.messages.push_back(std::move(m));
  }
  return record;
}

LineWorker::LineWorker(store::Inbox* inbox, const std::vector<LineChannel>& channels,
                       LineWorkerHooks hooks, LineWorkerOptions options)
    : inbox_(inbox),
      hooks_(std::move(hooks)),
      options_(std::move(options)),
      pool_(inbox, kInboxChannel, {options_.threads, options_.idle_poll},
            [this](const store::InboxEvent& item) { Process(item); }) {
  if (!options_.now_ms) options_.now_ms = UnixMillis;
  for (const LineChannel& c : channels) {
    LineClientOptions client = options_.client;
    client.api_base_url = c.api_base_url;
    client.access_token = c.access_token;
    client.sleep = [this](milliseconds d) { return pool_.SleepUnlessStopping(d); };
    channels_.emplace(c.name, ChannelState{c, std::make_unique<LineClient>(std::move(client))});
  }
}

LineWorker::~LineWorker() { Stop(); }

void LineWorker::Start() { pool_.Start(); }

void LineWorker::Notify() { pool_.Notify(); }

void LineWorker::Stop() { pool_.Stop(); }

size_t LineWorker::RunOnce(size_t max) { return pool_.RunOnce(max); }

LineClient* LineWorker::ClientFor(std::string_view channel) const {
  auto it = channels_.find(channel);
  return it == channels_.end() ? nullptr : it->second.client.get();
}

void LineWorker::Finish(LineWorkerReport& report, const char* outcome, Status status) {
  report.outcome = outcome;
  if (!status.ok()) report.status = std::move(status);
  if (options_.on_report) options_.on_report(report);
}

void LineWorker::Retry(const store::InboxEvent& item, const Status& why, LineWorkerReport& report) {
  outbound::RetryOutcome retry =
      outbound::RetryLater(*inbox_, item, why, options_.retry_initial, options_.retry_max);
  Finish(report, retry.outcome, std::move(retry.status));
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

  const std::string retry_key = LineClient::RetryKeyFor(item.channel + "/" + item.event_id);
  // An earlier attempt already decided what to say, and may have sent it: say exactly that,
  // the way it was being sent.
  if (!item.checkpoint.empty()) {
    SendRecord record = DecodeRecord(item.checkpoint, retry_key);
    if (record.messages.empty()) return complete("dropped", Internal("unreadable checkpoint"));
    return Deliver(item, event, client, std::move(record), /*resumed=*/true, report);
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

  SendRecord record{std::move(messages), ReplyTokenYoung(item, event) ? kViaReply : kViaPush,
                    retry_key};
  // Recorded before anything is sent. Unrecorded, a send cut short by a crash would be sent
  // again, answered anew, on the next attempt: a second answer when the first got through.
  Status saved = inbox_->Checkpoint(item, EncodeRecord(record));
  if (saved.code() == StatusCode::kFailedPrecondition) return Finish(report, "stale", saved);
  if (!saved.ok()) return Retry(item, saved, report);
  report.status = handling;
  Deliver(item, event, client, std::move(record), /*resumed=*/false, report);
}

bool LineWorker::ReplyTokenYoung(const store::InboxEvent& item, const Event& event) const {
  return !event.reply_token.empty() &&
         options_.now_ms() - item.received_at_ms < options_.reply_token_life.count();
}

void LineWorker::Deliver(const store::InboxEvent& item, const Event& event, LineClient& client,
                         SendRecord record, bool resumed, LineWorkerReport& report) {
  const char* outcome = "replied";
  Status sent(StatusCode::kFailedPrecondition, "reply token too old or missing",
              "reply_token_invalid");
  if (record.via == kViaReply && ReplyTokenYoung(item, event)) {
    sent = client.Reply(event.reply_token, record.messages);
    if (sent.reason() == "reply_token_used" ||
        (resumed && sent.reason() == "reply_token_invalid")) {
      // A young token is refused only once used, and only this service holds it: an earlier
      // try of this call, or an earlier attempt, got through before its answer could be seen
      // (a lost answer, a crash). The member has the reply; a push now would be a second one.
      Status done = inbox_->Complete(item);
      return Finish(report, outcome, done);
    }
  }
  if (record.via == kViaPush || sent.reason() == "reply_token_invalid") {
    outcome = "pushed";
    if (event.user_id.empty()) {
      sent = Status(StatusCode::kFailedPrecondition, "no user to push to", "no_recipient");
    } else {
      if (record.via != kViaPush) {
        // Recorded before the push: after a crash the next attempt repeats the push with the
        // same key, which LINE recognises, instead of trying the token, which it refuses.
        record.via = kViaPush;
        Status saved = inbox_->Checkpoint(item, EncodeRecord(record));
        if (saved.code() == StatusCode::kFailedPrecondition) {
          return Finish(report, "stale", saved);
        }
        if (!saved.ok()) return Retry(item, saved, report);
      }
      // A retry key LINE already accepted is answered 409, which Push counts as sent.
      sent = client.Push(event.user_id, record.messages, record.retry_key);
    }
  }
  if (sent.ok()) {
    Status done = inbox_->Complete(item);
    return Finish(report, outcome, done);
  }
  if (outbound::IsTransient(sent)) return Retry(item, sent, report);
  Status done = inbox_->Complete(item);
  Finish(report, "dropped", sent);
}

}  // namespace madoguchi::line
