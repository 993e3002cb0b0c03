#include "outbound/inbox_pool.h"

#include <utility>

#include "outbound/retry.h"

namespace madoguchi::outbound {

namespace {

InboxPoolOptions Normalized(InboxPoolOptions options) {
  if (options.threads < 1) options.threads = 1;
  return options;
}

}  // namespace

InboxPool::InboxPool(store::Inbox* inbox, std::string channel, InboxPoolOptions options,
                     ProcessFn process)
    : inbox_(inbox),
      channel_(std::move(channel)),
      options_(Normalized(options)),
      process_(std::move(process)) {}

InboxPool::~InboxPool() { Stop(); }

void InboxPool::Start() {
  std::lock_guard<std::mutex> threads_lock(threads_mu_);
  {
    std::lock_guard<std::mutex> lock(mu_);
    if (started_ || stopping_) return;
    started_ = true;
  }
  for (int i = 0; i < options_.threads; ++i) threads_.emplace_back([this] { Loop(); });
}

void InboxPool::Notify() {
  std::lock_guard<std::mutex> lock(mu_);
  if (wakeups_ < options_.threads) ++wakeups_;
  idle_cv_.notify_one();
}

void InboxPool::Stop() {
  {
    std::lock_guard<std::mutex> lock(mu_);
    stopping_ = true;
    idle_cv_.notify_all();
    stop_cv_.notify_all();
  }
  std::lock_guard<std::mutex> threads_lock(threads_mu_);
  for (std::thread& t : threads_) t.join();
  threads_.clear();
}

size_t InboxPool::RunOnce(size_t max) {
  auto claimed = inbox_->Claim(max, channel_);
  if (!claimed.ok()) return 0;  // the next poll tries again
  for (const store::InboxEvent& item : *claimed) process_(item);
  return claimed->size();
}

bool InboxPool::SleepUnlessStopping(std::chrono::milliseconds d) {
  std::unique_lock<std::mutex> lock(mu_);
  return !stop_cv_.wait_for(lock, d, [this] { return stopping_; });
}

void InboxPool::Loop() {
  while (true) {
    {
      std::lock_guard<std::mutex> lock(mu_);
      if (stopping_) return;
    }
    if (RunOnce(1) > 0) continue;
    std::unique_lock<std::mutex> lock(mu_);
    // A Notify() that came while this thread was claiming left a wakeup: no wait then.
    idle_cv_.wait_for(lock, options_.idle_poll, [this] { return stopping_ || wakeups_ > 0; });
    if (wakeups_ > 0) --wakeups_;
  }
}

bool IsTransient(const Status& s) {
  return s.code() == StatusCode::kUnavailable || s.code() == StatusCode::kResourceExhausted ||
         s.code() == StatusCode::kPermissionDenied;
}

RetryOutcome RetryLater(store::Inbox& inbox, const store::InboxEvent& event, const Status& why,
                        std::chrono::milliseconds initial, std::chrono::milliseconds max) {
  auto failed = inbox.Fail(event, BackoffDelay(event.attempt, initial, max), why.ToString());
  if (!failed.ok()) return {"retry", failed.status()};  // the lease runs out instead
  switch (*failed) {
    case store::FailOutcome::kRetryScheduled:
      return {"retry", why};
    case store::FailOutcome::kDeadLettered:
      return {"dead_letter", why};
    case store::FailOutcome::kStale:
      return {"stale", why};
  }
  return {"retry", why};  // not reached: every FailOutcome is handled above
}

}  // namespace madoguchi::outbound
