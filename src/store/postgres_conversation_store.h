// The shared ConversationStore: PostgreSQL, for several replicas serving the same members. Same
// contract as the embedded SQLite store, and safe across processes as well as threads: a link
// token or nonce is read and deleted by one statement (DELETE … RETURNING), so when two
// replicas race for it exactly one gets it; outcome counts are added in place by an upsert, so
// counts from every replica add up; the schema is brought up to date at Open under an advisory
// lock (db::Migrate), so replicas starting together apply each migration once.
//
// Every write commits before the call returns. When PostgreSQL cannot be reached a call returns
// Unavailable and the pool reconnects on a later call (see db/postgres.h); nothing is buffered.
//
// Thread safety: safe to call from many threads at once; each call borrows one pooled
// connection for its statements and gives it back before returning, never asking for a second
// while it holds one, so the pool may be shared with the inbox and the rate limiters (one pool
// per process) without a request waiting on itself, whatever the pool's size.
// Ownership: shares its pool (std::shared_ptr) with whoever else the caller handed it to.
#ifndef MADOGUCHI_STORE_POSTGRES_CONVERSATION_STORE_H_
#define MADOGUCHI_STORE_POSTGRES_CONVERSATION_STORE_H_

#include <memory>
#include <string>

#include "db/postgres.h"
#include "store/conversation_store.h"

namespace madoguchi::store {

class PostgresConversationStore final : public ConversationStore {
 public:
  // Brings the schema up to date on `pool` (FailedPrecondition when the database was written by
  // a newer madoguchi; Unavailable when the server cannot be reached) and keeps the pool, which
  // the process may share with its inbox and rate limiters. InvalidArgument for a null pool.
  static StatusOr<std::unique_ptr<PostgresConversationStore>> Open(
      std::shared_ptr<db::PgPool> pool, const ConversationStoreOptions& options);
  // The same on a pool of its own (db::PgPool::Open: Unavailable when the server cannot be
  // reached, InvalidArgument for a bad URL), for a process that needs nothing else there.
  static StatusOr<std::unique_ptr<PostgresConversationStore>> Open(
      const db::PostgresOptions& postgres, const ConversationStoreOptions& options);
  ~PostgresConversationStore() override;

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
  // Upserts one heartbeat row (shared by the replicas; each check bumps its count). Any failure,
  // a read-only server included, is Unavailable with PostgreSQL's reason.
  Status CheckWritable() override;

 private:
  PostgresConversationStore(std::shared_ptr<db::PgPool> pool,
                            const ConversationStoreOptions& options)
      : pool_(std::move(pool)), options_(options) {}
  StatusOr<LinkToken> ReadToken(const std::string& token_hash, int64_t now, bool consume);

  const std::shared_ptr<db::PgPool> pool_;
  const ConversationStoreOptions options_;
};

}  // namespace madoguchi::store

#endif  // MADOGUCHI_STORE_POSTGRES_CONVERSATION_STORE_H_
