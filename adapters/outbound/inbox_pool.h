// InboxPool: the threads that drain one channel's events ("line", "slack") from the durable
// inbox (store/inbox.h). The LINE and Slack workers each own one and supply what to do with an
// event; the pool only decides when to claim.
//
// Each thread claims one event at a time and hands it to `process`, which must finish it
// (Complete, Fail, or leave it to the lease). With nothing ready a thread waits for Notify()
// or, at the latest, `idle_poll`: the poll is what picks up retries that came due and events
// left by a previous run, which nobody announces. One event at a time per thread, so a slow
// answer holds back no more than its own thread, and Stop() never waits for a batch.
//
// SleepUnlessStopping() is the wait the channel clients' retries use (their `sleep` option):
// Stop() cuts it short, so shutdown is not held up by a Retry-After; the interrupted event goes
// back to the inbox for the next run.
//
// Thread safety: Notify(), Stop() and SleepUnlessStopping() may be called from any thread;
// RunOnce() may run on many threads at once (and alongside the pool). `process` runs on the
// pool's threads and RunOnce's callers concurrently, so it must be thread-safe.
// Ownership: borrows the inbox, which must outlive the pool; owns the threads and `process`
// (whatever `process` borrows must outlive the pool, or at least its Stop()).
#ifndef MADOGUCHI_ADAPTERS_OUTBOUND_INBOX_POOL_H_
#define MADOGUCHI_ADAPTERS_OUTBOUND_INBOX_POOL_H_

#include <chrono>
#include <condition_variable>
#include <cstddef>
#include <functional>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

#include "base/status.h"
#include "store/inbox.h"

namespace madoguchi::outbound {

struct InboxPoolOptions {
  int threads = 2;  // at least 1
  // An idle thread looks at the inbox this often even without Notify(), to pick up retries
  // that came due and events left by a previous run. Default: 500 ms.
  std::chrono::milliseconds idle_poll{500};
};

class InboxPool {
 public:
  using ProcessFn = std::function<void(const store::InboxEvent&)>;

  // Drains the events of `channel` in `inbox` with `process`. Starts no thread yet.
  InboxPool(store::Inbox* inbox, std::string channel, InboxPoolOptions options, ProcessFn process);
  // Stops (see Stop) if still running.
  ~InboxPool();
  InboxPool(const InboxPool&) = delete;
  InboxPool& operator=(const InboxPool&) = delete;

  // Starts the threads. Calling it twice, or after Stop(), does nothing: a stopped pool stays
  // stopped, so a late Start() during shutdown cannot revive it.
  void Start();
  // Wakes an idle thread now (the webhook handler's on_enqueued). Wakeups are counted up to the
  // number of threads: more would only spin idle threads through empty claims.
  void Notify();
  // Stops claiming, lets every thread finish the event in hand and joins them; cuts
  // SleepUnlessStopping() short. Events never claimed stay in the inbox. Idempotent.
  void Stop();

  // Claims and processes up to `max` events on the calling thread; returns how many it
  // processed. 0 also when the claim failed: the next poll tries again. For tests and tools.
  size_t RunOnce(size_t max = 16);

  // Waits `d`; returns whether the wait ran to its end (false: stopping, at once if already
  // stopped).
  bool SleepUnlessStopping(std::chrono::milliseconds d);

 private:
  void Loop();

  store::Inbox* const inbox_;
  const std::string channel_;
  const InboxPoolOptions options_;
  const ProcessFn process_;

  std::mutex mu_;
  std::condition_variable idle_cv_;  // Notify() and Stop() wake idle threads
  std::condition_variable stop_cv_;  // Stop() cuts SleepUnlessStopping() short
  bool started_ = false;             // guarded by mu_
  bool stopping_ = false;            // guarded by mu_
  int wakeups_ = 0;                  // guarded by mu_; at most options_.threads
  // Held while threads are started or joined (never by the threads themselves), so Start()
  // and Stop() may race, and a second Stop() returns only once the threads are joined.
  std::mutex threads_mu_;
  std::vector<std::thread> threads_;  // guarded by threads_mu_
};

// Whether an event that failed with `s` is worth handing out again later rather than dropping:
// the outside API or the conversation may recover (Unavailable, ResourceExhausted), an operator
// may fix a revoked token (PermissionDenied). Anything else would fail the same way again.
bool IsTransient(const Status& s);

// What became of an event handed back to the inbox for a later try, named for the workers'
// reports.
struct RetryOutcome {
  // "retry" (scheduled; also when the inbox could not record the failure: the lease then runs
  // out and the event is handed out again), "dead_letter" (that was its last attempt), "stale"
  // (the lease had passed to another worker, which finishes the event).
  const char* outcome;
  Status status;  // `why`, or the inbox's error when it could not record the failure
};

// Returns `event` to `inbox` with the reason `why`, ready again after
// BackoffDelay(event.attempt, initial, max) (retry.h).
RetryOutcome RetryLater(store::Inbox& inbox, const store::InboxEvent& event, const Status& why,
                        std::chrono::milliseconds initial, std::chrono::milliseconds max);

}  // namespace madoguchi::outbound

#endif  // MADOGUCHI_ADAPTERS_OUTBOUND_INBOX_POOL_H_
