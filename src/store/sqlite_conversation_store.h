// The embedded ConversationStore: one SQLite file in WAL mode. Every write is one statement or
// one transaction, committed before the call returns, so nothing acknowledged is lost on a crash.
//
// Thread safety: one connection behind a mutex; the statements are small and short, so callers
// on many threads queue briefly rather than contend for SQLite's write lock.
#ifndef MADOGUCHI_STORE_SQLITE_CONVERSATION_STORE_H_
#define MADOGUCHI_STORE_SQLITE_CONVERSATION_STORE_H_

#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>

#include "store/conversation_store.h"

namespace madoguchi::db {
class SqliteDb;
class Statement;
}  // namespace madoguchi::db

namespace madoguchi::store {

struct SqliteStoreOptions : ConversationStoreOptions {
  // How long a write waits for SQLite's lock held by another connection. Default: 5 s.
  int busy_timeout_ms = 5000;
};

class SqliteConversationStore final : public ConversationStore {
 public:
  static StatusOr<std::unique_ptr<SqliteConversationStore>> Open(const std::string& path,
                                                                 const SqliteStoreOptions& options);
  ~SqliteConversationStore() override;

  StatusOr<std::optional<ConversationState>> GetState(const ConversationKey& key) override;
  Status PutState(const ConversationKey& key, const ConversationState& state) override;
  Status Forget(const ConversationKey& key) override;
  StatusOr<std::optional<Link>> GetLink(const ConversationKey& key) override;
  Status PutLink(const ConversationKey& key, const Link& link) override;
  Status DeleteLink(const ConversationKey& key) override;
  Status PutLinkToken(const std::string& token_hash, const LinkToken& token) override;
  StatusOr<LinkToken> ConsumeLinkToken(const std::string& token_hash, int64_t now) override;
  StatusOr<LinkToken> PeekLinkToken(const std::string& token_hash, int64_t now) override;
  Status PutLinkNonce(const std::string& nonce_hash, const LinkNonce& nonce) override;
  StatusOr<LinkNonce> ConsumeLinkNonce(const std::string& nonce_hash, int64_t now) override;
  Status AddFeedback(const Feedback& feedback) override;
  StatusOr<std::vector<Feedback>> RecentFeedback(const std::string& program, int limit) override;
  Status AddUnanswered(const Unanswered& question) override;
  StatusOr<std::vector<Unanswered>> RecentUnanswered(const std::string& program,
                                                     int limit) override;
  Status CountOutcome(const std::string& program, const std::string& outcome,
                      int64_t at = 0) override;
  StatusOr<std::vector<DailyOutcomes>> OutcomesByDay(const std::string& program, int days) override;
  // Upserts one heartbeat row in one small transaction; SQLite's reasons read "database or disk
  // is full", "database disk image is malformed", "attempt to write a readonly database".
  Status CheckWritable() override;

 private:
  SqliteConversationStore(std::unique_ptr<db::SqliteDb> db, const SqliteStoreOptions& options);
  StatusOr<LinkToken> ReadToken(const std::string& token_hash, int64_t now, bool consume);
  // Runs one statement that returns no rows, its parameters set by `bind`; any failure is
  // `unavailable`, naming `what`. Requires mu_.
  Status RunLocked(const char* sql, std::string_view what,
                   const std::function<void(db::Statement&)>& bind);

  std::mutex mu_;
  std::unique_ptr<db::SqliteDb> db_;  // guarded by mu_
  SqliteStoreOptions options_;
};

}  // namespace madoguchi::store

#endif  // MADOGUCHI_STORE_SQLITE_CONVERSATION_STORE_H_
