// The inbox in a SQLite file (store::Inbox), the embedded default: one process owns the file.
//
//   Enqueue     committed to disk (WAL, synchronous=FULL) before it returns; concurrent callers
//               share one commit (group commit), so a slow fsync is paid once per batch, not
//               once per webhook.
//   Claim, Checkpoint, Complete and Fail are committed with synchronous=NORMAL: they survive a
//               process crash, and a power loss can at worst hand an event out once more.
//
// One process owns an inbox file: opening it releases every claim left in the file (their
// worker is gone with the previous process), dead-lettering those that were on their last
// attempt, so an event that crashes the process cannot loop.
//
// Thread safety: every method may be called from many threads at once (one mutex serializes
// the file's two connections).
#ifndef MADOGUCHI_STORE_SQLITE_INBOX_H_
#define MADOGUCHI_STORE_SQLITE_INBOX_H_

#include <condition_variable>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/inbox.h"

namespace madoguchi::store {

class SqliteInbox final : public Inbox {
 public:
  // Opens (creating if needed) the inbox in the SQLite file at `path`; it may share the file
  // with other stores. `now_ms` returns unix milliseconds (default: the system clock); tests
  // inject one to run leases and retries without sleeping. Releases claims left in the file.
  static StatusOr<std::unique_ptr<SqliteInbox>> Open(const std::string& path,
                                                     const InboxOptions& options = {},
                                                     std::function<int64_t()> now_ms = {});
  ~SqliteInbox() override;

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
  // Unavailable with SQLite's reason (a full disk, a damaged file).
  Status CheckWritable() override;
  Status Purge() override;
  const InboxOptions& options() const override { return options_; }

 private:
  struct Connections;
  struct Batch;
  SqliteInbox(std::unique_ptr<Connections> db, const InboxOptions& options,
              std::function<int64_t()> now_ms);
  void CommitBatch(const std::vector<Batch*>& batches);
  Status PurgeLocked(int64_t now);
  // Runs a count(*) query on the fast connection, binding `channel` when it is not empty.
  // Requires db_mu_.
  StatusOr<int64_t> CountLocked(const char* sql, std::string_view channel, std::string_view what);

  std::unique_ptr<Connections> db_;  // guarded by db_mu_
  std::mutex db_mu_;
  InboxOptions options_;
  std::function<int64_t()> now_ms_;
  int64_t last_purge_ms_ = 0;  // guarded by db_mu_

  // Group commit: callers queue their batches; one of them commits everything queued.
  std::mutex queue_mu_;
  std::condition_variable queue_cv_;
  std::deque<Batch*> queue_;  // guarded by queue_mu_
  bool committing_ = false;   // guarded by queue_mu_
};

}  // namespace madoguchi::store

#endif  // MADOGUCHI_STORE_SQLITE_INBOX_H_
