// A durable inbox for channel events (LINE, Slack): a webhook writes what it received here and
// only then answers 200, so an acknowledged event survives a crash; workers drain it afterwards.
// Two implementations: SqliteInbox (sqlite_inbox.h, one process owns a file, the embedded
// default) and PostgresInbox (postgres_inbox.h, shared by several replicas).
//
//   Enqueue     committed durably before it returns. Deduplicated on (channel, event_id): a
//               redelivered event is reported as a duplicate and stored once.
//   Claim       hands out ready events under a lease. An event whose lease runs out (a stuck or
//               crashed worker) is handed out again. Events that share an ordering key (one
//               conversation) are handed out one at a time, in the order they were enqueued.
//   Complete    done: the payload is dropped (it may hold what a member wrote) but the id is
//               kept for `retention`, so redeliveries within that window are still recognised.
//   Fail        back to the queue after a delay, until `max_attempts` hand-outs; then the event
//               is dead-lettered (kept with its payload for an operator, until `retention`).
//
// Only Enqueue carries the "nothing acknowledged is lost" promise. The workers' bookkeeping
// (Claim, Checkpoint, Complete, Fail) may, after a crash of the machine, at worst hand an event
// out once more; a worker therefore checkpoints what it must not redo.
//
// Thread safety: every method of every implementation may be called from many threads at once.
// Channel-agnostic: the payload is opaque text (JSON by convention).
#ifndef MADOGUCHI_STORE_INBOX_H_
#define MADOGUCHI_STORE_INBOX_H_

#include <chrono>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace madoguchi::store {

struct InboxOptions {
  // How long a claimed event belongs to its worker before it is handed out again. Default: 60 s.
  std::chrono::milliseconds lease{60'000};
  // Hand-outs of one event (crashed leases included) before it is dead-lettered. Default: 5.
  int max_attempts = 5;
  // How long finished (done or dead) events are kept, so their ids still deduplicate.
  // LINE redelivers for about a day at most; default: 7 days.
  std::chrono::hours retention{24 * 7};
  // SQLite only: how long a write waits for another writer of the file. Default: 5 s.
  int busy_timeout_ms = 5000;
};

struct NewInboxEvent {
  std::string channel;   // which kind of worker drains it: "line", "slack"
  std::string event_id;  // the channel's id for the event (LINE webhookEventId); the dedupe key
  // Events with the same non-empty key are handed out one at a time, in enqueue order (one
  // conversation: "line:main:U4af…"). Empty: no ordering.
  std::string ordering_key;
  std::string payload;         // opaque
  int64_t received_at_ms = 0;  // unix milliseconds; 0 means now
};

enum class EnqueueResult { kEnqueued, kDuplicate };

// An event handed out by Claim. `attempt` fences the lease: Checkpoint and Fail from a worker
// whose lease has since passed to another are refused.
struct InboxEvent {
  int64_t id = 0;
  std::string channel;
  std::string event_id;
  std::string ordering_key;
  std::string payload;
  std::string checkpoint;  // what an earlier attempt saved with Checkpoint; empty if none
  int64_t received_at_ms = 0;
  int attempt = 0;  // 1 on the first hand-out
};

enum class FailOutcome {
  kRetryScheduled,  // handed out again after the delay
  kDeadLettered,    // max_attempts reached: never handed out again
  kStale,           // the lease had passed to another worker, or the event is finished: ignored
};

class Inbox {
 public:
  virtual ~Inbox() = default;

  // Stores the event durably. Unavailable when the write fails (nothing stored: the webhook
  // should answer 5xx so the sender retries). InvalidArgument for an empty channel or event id.
  virtual StatusOr<EnqueueResult> Enqueue(const NewInboxEvent& event) = 0;
  // Stores all in one transaction: all or none. One result per event, in order; an id repeated
  // within `events` is a duplicate from its second occurrence on.
  virtual StatusOr<std::vector<EnqueueResult>> EnqueueAll(
      const std::vector<NewInboxEvent>& events) = 0;

  // Up to `max` ready events of `channel` (empty: any channel), oldest first, each leased to
  // the caller until now + lease. Also dead-letters events whose lease ran out on their last
  // attempt, and now and then purges finished events past retention.
  virtual StatusOr<std::vector<InboxEvent>> Claim(size_t max, std::string_view channel = {}) = 0;
  // Saves progress with the claim (e.g. the rendered reply, so a retry re-sends it rather than
  // running the conversation again). FailedPrecondition when the lease is stale.
  virtual Status Checkpoint(const InboxEvent& event, std::string_view checkpoint) = 0;
  // Marks the event done, even if its lease has passed to another worker (the work was done).
  // OK when it already was.
  virtual Status Complete(const InboxEvent& event) = 0;
  // Returns the event to the queue, ready again after `retry_after`; `error` is kept for
  // operators. See FailOutcome.
  virtual StatusOr<FailOutcome> Fail(const InboxEvent& event, std::chrono::milliseconds retry_after,
                                     std::string_view error = {}) = 0;

  // Events not yet finished (ready, waiting for a retry, or claimed), for metrics.
  virtual StatusOr<int64_t> Depth(std::string_view channel = {}) = 0;
  // Dead-lettered events still kept, for metrics and alerts.
  virtual StatusOr<int64_t> DeadLettered(std::string_view channel = {}) = 0;
  // Whether the inbox takes a write now, for readiness checks: updates one heartbeat row in its
  // own small transaction. Unavailable with the storage's reason (a full disk, a damaged file,
  // an unreachable server).
  virtual Status CheckWritable() = 0;
  // Deletes finished events older than retention (Claim also does this hourly).
  virtual Status Purge() = 0;

  virtual const InboxOptions& options() const = 0;

 protected:
  Inbox() = default;
  Inbox(const Inbox&) = delete;
  Inbox& operator=(const Inbox&) = delete;
};

}  // namespace madoguchi::store

#endif  // MADOGUCHI_STORE_INBOX_H_
