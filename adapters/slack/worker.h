// SlackWorker: drains the Slack events of the inbox on a small pool of threads and answers them.
//
//   message (DM), mention  → handle(Message{{"slack", "<team>:<user>"}, program, text})
//   button                 → handle(Message{…, postback = the button's value})
//   bare mention           → handle(Message{…, follow = true}): the welcome, what the bot does
//   file without text      → the polite "text only" notice
// then chat.postMessage to the event's channel, in the thread events.h chose. The program is
// the workspace's channel mapping (SlackApp::ProgramFor); a chat that maps to no program is
// completed without a word.
//
// The rendered messages are checkpointed in the inbox before sending, and the count already
// posted after each one, so a retry re-sends exactly the messages not yet posted, without
// running the conversation again (Slack has no idempotency key to make a repeat harmless).
//
// Failures: a conversation that is unavailable, or Slack still failing after the client's own
// retries (5xx, 429, unreachable, token refused), return the event to the inbox with an
// exponential delay; on the inbox's last attempt a conversation failure sends `error_notice`
// instead. Posts Slack refuses for good (channel_not_found, not_in_channel, invalid_blocks …)
// are dropped: reported, not retried.
//
// The threads, and when they claim, are an outbound::InboxPool's (outbound/inbox_pool.h), shared
// with the LINE worker; this class is what one Slack event becomes.
//
// Thread safety: Notify() and Stop() may be called from any thread; RunOnce() may run on many
// threads at once (and alongside the pool). Borrows the inbox, which must outlive the worker;
// `handle` and `on_report` must be thread-safe (they run on the pool's threads) and outlive
// it too. Owns its pool and one SlackClient per workspace.
#ifndef MADOGUCHI_ADAPTERS_SLACK_WORKER_H_
#define MADOGUCHI_ADAPTERS_SLACK_WORKER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "dialogue/message.h"
#include "outbound/inbox_pool.h"
#include "slack/app.h"
#include "slack/client.h"
#include "slack/events.h"
#include "slack/render.h"
#include "store/inbox.h"

namespace madoguchi::slack {

// The conversation. Unavailable means "try again later" (nothing was changed); any other error
// is final for the event and the member gets `error_notice`.
using SlackHandleFn = std::function<StatusOr<dialogue::Turn>(const dialogue::Message&)>;

// What became of one event: one per processed event, for logs and metrics. Holds no message
// text.
struct SlackWorkerReport {
  std::string team;      // the workspace ("" when the payload was unreadable)
  std::string event_id;  // the inbox event id
  std::string kind;      // InboundKindName, "" when unreadable
  // "posted", "silent" (nothing to say), "skipped" (no program for the chat), "retry",
  // "dead_letter", "dropped" (a final error), "stale" (the lease passed to another worker
  // meanwhile, which finishes the event)
  std::string outcome;
  Status status;  // the error behind retry, dead_letter and dropped
  int attempt = 0;
  int posted = 0;      // messages posted by this attempt
  int64_t age_ms = 0;  // since the handler received the event
};

struct SlackWorkerOptions {
  int threads = 2;
  // An idle thread looks at the inbox this often even without Notify(), to pick up retries
  // that came due and events left by a previous run. Default: 500 ms.
  std::chrono::milliseconds idle_poll{500};
  // Delay before a failed event is handed out again: doubled per attempt up to retry_max.
  std::chrono::milliseconds retry_initial{2000};
  std::chrono::milliseconds retry_max{300'000};
  std::string text_only_notice =
      "申し訳ありません。ファイルや画像にはお答えできません。テキストでご質問ください。";
  std::string error_notice =
      "申し訳ありません。ただいまお答えできません。しばらくしてからもう一度お試しください。";
  SlackRenderOptions render;
  // Timeouts and retries of the API calls; the app's base URL and each workspace's bot token
  // replace api_base_url and bot_token. The worker interrupts the client's waits when stopping.
  SlackClientOptions client;
  // Unix milliseconds; default: the system clock.
  std::function<int64_t()> now_ms;
  // Called once per processed event, on the worker's thread. Must be thread-safe.
  std::function<void(const SlackWorkerReport&)> on_report;
};

class SlackWorker {
 public:
  // `app` is copied. `handle` is required (events are dropped without it).
  SlackWorker(store::Inbox* inbox, const SlackApp& app, SlackHandleFn handle,
              SlackWorkerOptions options = {});
  // Stops (see Stop) if still running.
  ~SlackWorker();
  SlackWorker(const SlackWorker&) = delete;
  SlackWorker& operator=(const SlackWorker&) = delete;

  // Starts the pool. Calling it twice, or after Stop(), does nothing.
  void Start();
  // Wakes an idle thread now (the handler's on_enqueued).
  void Notify();
  // Stops claiming, lets every thread finish the event in hand and joins them. Waits inside
  // the client's retries are cut short: such an event goes back to the inbox for the next run.
  // Events never claimed stay in the inbox. Idempotent.
  void Stop();

  // Claims and processes up to `max` events on the calling thread; returns how many it
  // processed. For tests and tools.
  size_t RunOnce(size_t max = 16);

 private:
  void Process(const store::InboxEvent& item);
  void Deliver(const store::InboxEvent& item, const Inbound& inbound, SlackClient& client,
               const std::vector<SlackMessage>& messages, size_t sent, SlackWorkerReport& report);
  void Retry(const store::InboxEvent& item, const Status& why, SlackWorkerReport& report);
  void Finish(SlackWorkerReport& report, const char* outcome, Status status = {});

  store::Inbox* inbox_;
  const SlackApp app_;
  const SlackHandleFn handle_;
  SlackWorkerOptions options_;
  // One client per workspace (its own bot token), by team id ("" for the wildcard). Built in
  // the constructor, read-only afterwards.
  std::map<std::string, std::unique_ptr<SlackClient>, std::less<>> clients_;

  // Declared last: destroyed first, so no thread of it outlives the members it uses (the
  // destructor stops it before that anyway). Its SleepUnlessStopping is the clients' sleep.
  outbound::InboxPool pool_;
};

}  // namespace madoguchi::slack

#endif  // MADOGUCHI_ADAPTERS_SLACK_WORKER_H_
