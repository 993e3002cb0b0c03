// The inbox in PostgreSQL (store::Inbox), shared by every replica of the service: any replica's
// webhook enqueues, any replica's workers drain.
//
//   Enqueue     one transaction, committed with synchronous_commit on (whatever the server's
//               default) before it returns: an acknowledged event is on the server's disk.
//               Deduplicated by a unique key on (channel, event_id). Concurrent enqueues share
//               the server's WAL flushes; there is no group commit of our own.
//   Claim       one statement picks ready events with FOR UPDATE SKIP LOCKED and leases them,
//               so replicas claiming at once never take the same event and never wait for each
//               other. Events of one ordering key are handed out one at a time across replicas:
//               only a key's oldest unfinished event can be claimed, and enqueues of one key
//               take a per-key advisory lock, so a key's ids rise in commit order and a
//               claimer that sees an event also sees every older event of its key.
//   Complete    the payload is overwritten in the row; the old row version stays in the table's
//               pages until autovacuum reclaims them (PostgreSQL's MVCC), unlike the SQLite
//               file, which zeroes it at once.
//
// Unlike SqliteInbox, opening releases no claims: the other replicas holding them are alive.
// A crashed replica's claims are handed out again when their lease runs out (then dead-lettered
// if that was the last attempt).
//
// Lease and retry times come from `now_ms` of the replica that writes them, not from the
// server's clock (so tests can run leases without sleeping): the replicas' clocks must agree
// to well within a lease (NTP). A clock ahead by d takes over others' leases d early.
//
// Tables: inbox_events and inbox_heartbeat, created and upgraded by db::Migrate under the
// component "inbox".
//
// Thread safety: every method may be called from many threads at once; each call borrows one
// pooled connection at a time and gives it back before taking another or returning, so the pool
// may be shared with the conversation store and the rate limiters (one pool per process)
// without a webhook or a worker waiting on itself, whatever the pool's size.
// Ownership: shares its pool (std::shared_ptr) with whoever else the caller handed it to.
#ifndef MADOGUCHI_STORE_POSTGRES_INBOX_H_
#define MADOGUCHI_STORE_POSTGRES_INBOX_H_

#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "db/postgres.h"
#include "store/inbox.h"

namespace madoguchi::store {

class PostgresInbox final : public Inbox {
 public:
  // Brings the schema up to date on `pool` and keeps the pool, which the process may share with
  // its conversation store and rate limiters. `now_ms` returns unix milliseconds (default: the
  // system clock). Unavailable when the server cannot be reached; FailedPrecondition when the
  // schema is newer than this binary; InvalidArgument for a null pool.
  // `options.busy_timeout_ms` is SQLite's; here the pool's statement_timeout bounds each call.
  static StatusOr<std::unique_ptr<PostgresInbox>> Open(std::shared_ptr<db::PgPool> pool,
                                                       const InboxOptions& options = {},
                                                       std::function<int64_t()> now_ms = {});
  // The same on a pool of its own (postgres.pool_size connections), for a process that needs
  // nothing else there.
  static StatusOr<std::unique_ptr<PostgresInbox>> Open(const db::PostgresOptions& postgres,
                                                       const InboxOptions& options = {},
                                                       std::function<int64_t()> now_ms = {});
  ~PostgresInbox() override;

  StatusOr<EnqueueResult> Enqueue(const NewInboxEvent& event) override;
  StatusOr<std::vector<EnqueueResult>> EnqueueAll(
      const std::vector<NewInboxEvent>& events) override;
  StatusOr<std::vector<InboxEvent>> Claim(size_t max, std::string_view channel = {}) override;
  Status Checkpoint(const InboxEvent& event, std::string_view checkpoint) override;
  Status Complete(const InboxEvent& event) override;
  StatusOr<FailOutcome> Fail(const InboxEvent& event, std::chrono::milliseconds retry_after,
                             std::string_view error = {}) override;
  StatusOr<int64_t> Depth(std::string_view channel = {}) override;
  StatusOr<int64_t> DeadLettered(std::string_view channel = {}) override;
  // Updates the one heartbeat row all replicas share. Unavailable with PostgreSQL's reason (the
  // server unreachable, read-only after a failover, out of disk).
  Status CheckWritable() override;
  Status Purge() override;
  const InboxOptions& options() const override { return options_; }

 private:
  PostgresInbox(std::shared_ptr<db::PgPool> pool, const InboxOptions& options,
                std::function<int64_t()> now_ms);
  Status PurgeAt(int64_t now);

  const std::shared_ptr<db::PgPool> pool_;
  const InboxOptions options_;
  const std::function<int64_t()> now_ms_;
  std::atomic<int64_t> last_purge_ms_{0};
};

}  // namespace madoguchi::store

#endif  // MADOGUCHI_STORE_POSTGRES_INBOX_H_
