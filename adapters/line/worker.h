// LineWorker: drains the LINE events of the inbox on a small pool of threads and answers them.
//
//   text message (1:1 chat)   → handle(Message{{"line", userId}, program, text}) → reply; every
//                               Message names the LINE channel in `account`, so a link asked
//                               for here finishes on this channel (LINE's account-link flow)
//   postback                  → handle(Message{…, postback = data}) (choices, feedback)
//   follow                    → handle(Message{…, follow = true}) (the welcome)
//   unfollow                  → forget({"line", userId}); nothing is sent (the user blocked us)
//   accountLink               → on_account_link(channel, userId, result, nonce) → its Turn is sent
//   image, sticker, … (1:1)   → the polite "text only" notice
//   mode "standby"            → nothing sent (another module owns the chat); unfollow still forgets
//   group / room chats, join, leave, member*, beacon, unsend, videoPlayComplete, messageEdited,
//   unknown types             → completed without a word: answers may hold a member's data, so
//                               they are given in 1:1 chats only
//
// Sending: the reply API while the token is young (`reply_token_life` since the webhook
// received the event), else — or when LINE calls the token invalid — the push API, with a
// retry key derived from the event. Reply is preferred while it may work because replies are
// free and pushes count against the quota.
//
// Exactly once across crashes: before anything is sent, the rendered messages, the way they are
// being sent (reply or push) and the push's retry key are checkpointed in the inbox (and again
// before a reply falls back to a push). A retry (a crash, a kill -9, a lost answer) re-sends the
// same answer without running the conversation again, the recorded way:
//   - a recorded push is pushed again with the recorded X-Line-Retry-Key; LINE takes a key
//     once and answers a repeat 409, which counts as sent;
//   - a recorded reply is tried again with the token while it is young: LINE's tokens work
//     once, so the earlier reply either did not get through (this one does) or did (LINE
//     refuses the used token, and the event is done: no push). The reply API takes no retry
//     key. Only once the token is old is the answer pushed, which doubles it in the one case
//     that cannot be told apart: an earlier reply that got through and a restart that took
//     longer than `reply_token_life`.
//
// Failures: a conversation that is unavailable, or LINE still failing after the client's own
// retries (5xx, 429, unreachable, token refused), return the event to the inbox with an
// exponential delay; on the inbox's last attempt a conversation failure sends `error_notice`
// instead. Requests LINE rejects as malformed are dropped (reported, not retried).
//
// The threads, and when they claim, are an outbound::InboxPool's (outbound/inbox_pool.h), shared
// with the Slack worker; this class is what one LINE event becomes.
//
// Thread safety: Notify() and Stop() may be called from any thread; RunOnce() may run on many
// threads at once (and alongside the pool). Borrows the inbox, which must outlive the worker;
// the hooks must be thread-safe (they run on the pool's threads) and outlive it too. Owns its
// pool and one LineClient per channel.
#ifndef MADOGUCHI_ADAPTERS_LINE_WORKER_H_
#define MADOGUCHI_ADAPTERS_LINE_WORKER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "dialogue/message.h"
#include "line/channel.h"
#include "line/client.h"
#include "line/events.h"
#include "line/render.h"
#include "outbound/inbox_pool.h"
#include "store/inbox.h"

namespace madoguchi::line {

struct LineWorkerHooks {
  // The conversation. Required. Unavailable means "try again later" (nothing was changed);
  // any other error is final for the event and the member gets `error_notice`.
  std::function<StatusOr<dialogue::Turn>(const dialogue::Message&)> handle;
  // Forgets a conversation's state and link (unfollow). Optional. Unavailable retries.
  std::function<Status(const store::ConversationKey&)> forget;
  // Finishes LINE's account-link flow: `result` is "ok" or "failed" (anything else counts as
  // failed); `nonce` is the one the service put in the account-link URL, which must have been
  // issued for this user on this channel (dialogue::AccountLinker::FinishChannelLink). Optional
  // (unset: the event is skipped). The returned Turn (may be empty) is sent to the member;
  // Unavailable retries.
  std::function<StatusOr<dialogue::Turn>(const LineChannel& channel, const std::string& user_id,
                                         const std::string& result, const std::string& nonce)>
      on_account_link;
};

// What became of one event: one per processed event, for logs and metrics. Holds no message
// text.
struct LineWorkerReport {
  std::string channel;   // the LINE channel's name ("" when the payload was unreadable)
  std::string event_id;  // the inbox event id
  EventKind kind = EventKind::kUnknown;
  // "replied", "pushed", "silent" (nothing to send: standby, unfollow, an empty turn),
  // "skipped" (not ours to answer), "retry", "dead_letter", "dropped" (a final error),
  // "stale" (the lease passed to another worker meanwhile, which finishes the event)
  std::string outcome;
  Status status;  // the error behind retry, dead_letter and dropped
  int attempt = 0;
  int64_t age_ms = 0;  // since the webhook received the event
};

struct LineWorkerOptions {
  int threads = 2;
  // An idle thread looks at the inbox this often even without Notify(), to pick up retries
  // that came due and events left by a previous run. Default: 500 ms.
  std::chrono::milliseconds idle_poll{500};
  // How long after receipt the reply token is still tried. LINE's tokens last about a minute
  // from the webhook; a margin is kept. Default: 50 s.
  std::chrono::milliseconds reply_token_life{50'000};
  // Delay before a failed event is handed out again: doubled per attempt up to retry_max.
  std::chrono::milliseconds retry_initial{2000};
  std::chrono::milliseconds retry_max{300'000};
  std::string text_only_notice =
      "申し訳ありません。画像やスタンプにはお答えできません。テキストでご質問ください。";
  std::string error_notice =
      "申し訳ありません。ただいまお答えできません。しばらくしてからもう一度お試しください。";
  RenderOptions render;
  // Timeouts and retries of the API calls; each channel's base URL and access token replace
  // api_base_url and access_token. The worker interrupts the client's waits when stopping.
  LineClientOptions client;
  // Unix milliseconds; default: the system clock.
  std::function<int64_t()> now_ms;
  // Called once per processed event, on the worker's thread. Must be thread-safe.
  std::function<void(const LineWorkerReport&)> on_report;
};

class LineWorker {
 public:
  LineWorker(store::Inbox* inbox, const std::vector<LineChannel>& channels, LineWorkerHooks hooks,
             LineWorkerOptions options = {});
  // Stops (see Stop) if still running.
  ~LineWorker();
  LineWorker(const LineWorker&) = delete;
  LineWorker& operator=(const LineWorker&) = delete;

  // Starts the pool. Calling it twice, or after Stop(), does nothing.
  void Start();
  // Wakes an idle thread now (the webhook handler's on_enqueued).
  void Notify();
  // Stops claiming, lets every thread finish the event in hand and joins them. Waits inside
  // the client's retries are cut short: such an event goes back to the inbox for the next run.
  // Events never claimed stay in the inbox. Idempotent.
  void Stop();

  // Claims and processes up to `max` events on the calling thread; returns how many it
  // processed. For tests and tools.
  size_t RunOnce(size_t max = 16);

  // The API client of a channel (e.g. for IssueLinkToken in the account-link flow), sharing the
  // worker's connections and its stop-aware retries; null for an unknown channel. Valid while
  // the worker lives.
  LineClient* ClientFor(std::string_view channel) const;

 private:
  struct ChannelState {
    LineChannel config;
    std::unique_ptr<LineClient> client;
  };
  void Process(const store::InboxEvent& item);
  struct SendRecord;
  static std::string EncodeRecord(const SendRecord& record);
  static SendRecord DecodeRecord(const std::string& checkpoint, const std::string& default_key);
  bool ReplyTokenYoung(const store::InboxEvent& item, const Event& event) const;
  // Sends the recorded messages the recorded way; `resumed`: an earlier attempt recorded them
  // and may have sent them.
  void Deliver(const store::InboxEvent& item, const Event& event, LineClient& client,
               SendRecord record, bool resumed, LineWorkerReport& report);
  void Retry(const store::InboxEvent& item, const Status& why, LineWorkerReport& report);
  void Finish(LineWorkerReport& report, const char* outcome, Status status = {});

  store::Inbox* inbox_;
  LineWorkerHooks hooks_;
  LineWorkerOptions options_;
  std::map<std::string, ChannelState, std::less<>> channels_;

  // Declared last: destroyed first, so no thread of it outlives the members it uses (the
  // destructor stops it before that anyway). Its SleepUnlessStopping is the clients' sleep.
  outbound::InboxPool pool_;
};

}  // namespace madoguchi::line

#endif  // MADOGUCHI_ADAPTERS_LINE_WORKER_H_
