#include "store/postgres_conversation_store.h"

#include <algorithm>
#include <charconv>
#include <optional>
#include <string_view>
#include <utility>

#include "base/date.h"

namespace madoguchi::store {

namespace {

// Version 1. Plain CREATE TABLE (no IF NOT EXISTS): db::Migrate runs it once under its lock,
// and a second run would be a bug worth failing on. Tables carry the component's prefix since
// the database may be shared with the inbox and others. Times are Unix seconds, as in the
// SQLite store; a conversation is keyed by (channel, user_id) ("user" is reserved in SQL).
constexpr std::string_view kSchemaV1 = R"sql(
CREATE TABLE conversation_state (
  channel text NOT NULL,
  user_id text NOT NULL,
  program text NOT NULL,
  last_entry_id text NOT NULL,
  flow text NOT NULL,
  flow_step integer NOT NULL,
  flow_failures integer NOT NULL,
  sealed_slots text NOT NULL,
  greeted boolean NOT NULL,
  updated_at bigint NOT NULL,
  PRIMARY KEY (channel, user_id));
CREATE TABLE conversation_link (
  channel text NOT NULL,
  user_id text NOT NULL,
  program text NOT NULL,
  sealed_member_id text NOT NULL,
  linked_at bigint NOT NULL,
  PRIMARY KEY (channel, user_id));
CREATE TABLE conversation_link_token (
  token_hash text PRIMARY KEY,
  channel text NOT NULL,
  user_id text NOT NULL,
  program text NOT NULL,
  account text NOT NULL,
  expires_at bigint NOT NULL);
CREATE INDEX conversation_link_token_expiry ON conversation_link_token (expires_at);
CREATE TABLE conversation_link_nonce (
  nonce_hash text PRIMARY KEY,
  channel text NOT NULL,
  user_id text NOT NULL,
  account text NOT NULL,
  program text NOT NULL,
  sealed_member_id text NOT NULL,
  expires_at bigint NOT NULL);
CREATE INDEX conversation_link_nonce_expiry ON conversation_link_nonce (expires_at);
CREATE INDEX conversation_link_nonce_by_conversation ON conversation_link_nonce (channel, user_id);
CREATE TABLE conversation_feedback (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  channel text NOT NULL,
  user_id text NOT NULL,
  program text NOT NULL,
  entry_id text NOT NULL,
  resolved boolean NOT NULL,
  at bigint NOT NULL);
CREATE INDEX conversation_feedback_by_program ON conversation_feedback (program, at DESC, id DESC);
CREATE TABLE conversation_unanswered (
  id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
  program text NOT NULL,
  channel text NOT NULL,
  redacted_text text NOT NULL,
  nearest_entry_id text NOT NULL,
  confidence double precision NOT NULL,
  at bigint NOT NULL);
CREATE INDEX conversation_unanswered_by_program
  ON conversation_unanswered (program, at DESC, id DESC);
CREATE TABLE conversation_outcome_daily (
  program text NOT NULL,
  day date NOT NULL,
  outcome text NOT NULL CHECK (outcome IN ('answer', 'clarify', 'fallback')),
  n bigint NOT NULL,
  PRIMARY KEY (program, day, outcome));
CREATE TABLE conversation_heartbeat (
  id integer PRIMARY KEY CHECK (id = 1),
  checked_at bigint NOT NULL,
  checks bigint NOT NULL);
)sql";

std::string Num(int64_t v) { return std::to_string(v); }
std::string Bool(bool v) { return v ? "true" : "false"; }

// The shortest text that reads back as the same double, whatever the process's locale.
std::string Real(double v) {
  char buf[32];
  auto [end, ec] = std::to_chars(buf, buf + sizeof buf, v);
  return ec == std::errc() ? std::string(buf, end) : "0";
}

double ParseReal(const std::string& text) {
  double v = 0;
  std::from_chars(text.data(), text.data() + text.size(), v);
  return v;
}

// Runs one statement on a pooled connection and hands back its rows.
StatusOr<db::PgResult> Query(db::PgPool& pool, std::string_view sql, const db::PgParams& params) {
  std::optional<db::PgResult> rows;
  Status s = pool.Run([&](db::PgConnection& conn) -> Status {
    StatusOr<db::PgResult> r = conn.Exec(sql, params);
    if (!r.ok()) return r.status();
    rows.emplace(std::move(r).value());
    return Status::Ok();
  });
  if (!s.ok()) return s;
  return std::move(*rows);
}

Status Write(db::PgPool& pool, std::string_view sql, const db::PgParams& params) {
  return Query(pool, sql, params).status();
}

// Names what failed, keeping the layer's code (Unavailable, AlreadyExists, Internal).
Status Because(const Status& s, const std::string& what) {
  return Status(s.code(), what + ": " + s.message(), s.reason());
}

}  // namespace

StatusOr<std::unique_ptr<PostgresConversationStore>> PostgresConversationStore::Open(
    std::shared_ptr<db::PgPool> pool, const ConversationStoreOptions& options) {
  if (pool == nullptr) return InvalidArgument("conversation store: no PostgreSQL pool");
  MADOGUCHI_RETURN_IF_ERROR(db::Migrate(*pool, "conversation_store", {kSchemaV1}));
  return std::unique_ptr<PostgresConversationStore>(
      new PostgresConversationStore(std::move(pool), options));
}

StatusOr<std::unique_ptr<PostgresConversationStore>> PostgresConversationStore::Open(
    const db::PostgresOptions& postgres, const ConversationStoreOptions& options) {
  StatusOr<std::unique_ptr<db::PgPool>> pool = db::PgPool::Open(postgres);
  if (!pool.ok()) return pool.status();
  return Open(std::shared_ptr<db::PgPool>(std::move(pool).value()), options);
}

PostgresConversationStore::~PostgresConversationStore() = default;

StatusOr<std::optional<ConversationState>> PostgresConversationStore::GetState(
    const ConversationKey& key) {
  auto r = Query(*pool_,
                 "SELECT program, last_entry_id, flow, flow_step, flow_failures, sealed_slots, "
                 "greeted, updated_at FROM conversation_state WHERE channel = $1 AND user_id = $2",
                 {key.channel, key.user});
  if (!r.ok()) return Because(r.status(), "read state");
  if (r->rows() == 0) return std::optional<ConversationState>();
  ConversationState st{r->Text(0, 0),
                       r->Text(0, 1),
                       r->Text(0, 2),
                       static_cast<int>(r->Int(0, 3)),
                       static_cast<int>(r->Int(0, 4)),
                       r->Text(0, 5),
                       r->Bool(0, 6),
                       r->Int(0, 7)};
  if (UnixSeconds() - st.updated_at > options_.state_ttl_seconds) {
    // Expired: the topic and any flow are forgotten, but a returning member is not welcomed
    // as new.
    ConversationState fresh;
    fresh.program = st.program;
    fresh.greeted = st.greeted;
    return std::optional<ConversationState>(fresh);
  }
  return std::optional<ConversationState>(st);
}

Status PostgresConversationStore::PutState(const ConversationKey& key,
                                           const ConversationState& st) {
  Status s = Write(
      *pool_,
      "INSERT INTO conversation_state (channel, user_id, program, last_entry_id, flow, flow_step, "
      "flow_failures, sealed_slots, greeted, updated_at) "
      "VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) "
      "ON CONFLICT (channel, user_id) DO UPDATE SET program = EXCLUDED.program, "
      "last_entry_id = EXCLUDED.last_entry_id, flow = EXCLUDED.flow, "
      "flow_step = EXCLUDED.flow_step, flow_failures = EXCLUDED.flow_failures, "
      "sealed_slots = EXCLUDED.sealed_slots, greeted = EXCLUDED.greeted, "
      "updated_at = EXCLUDED.updated_at",
      {key.channel, key.user, st.program, st.last_entry_id, st.flow, Num(st.flow_step),
       Num(st.flow_failures), st.sealed_slots, Bool(st.greeted),
       Num(st.updated_at ? st.updated_at : UnixSeconds())});
  return s.ok() ? s : Because(s, "write state");
}

Status PostgresConversationStore::Forget(const ConversationKey& key) {
  // One transaction: a member who asked to be forgotten is forgotten whole or not at all.
  Status s = pool_->Transaction(db::Isolation::kReadCommitted, [&](db::PgConnection& conn) {
    const db::PgParams params = {key.channel, key.user};
    for (std::string_view sql : {
             "DELETE FROM conversation_state WHERE channel = $1 AND user_id = $2",
             "DELETE FROM conversation_link WHERE channel = $1 AND user_id = $2",
             // A nonce still pending would bind the conversation again when LINE's event
             // arrives.
             "DELETE FROM conversation_link_nonce WHERE channel = $1 AND user_id = $2",
         }) {
      if (auto r = conn.Exec(sql, params); !r.ok()) return r.status();
    }
    return Status::Ok();
  });
  return s.ok() ? s : Because(s, "forget conversation");
}

StatusOr<std::optional<Link>> PostgresConversationStore::GetLink(const ConversationKey& key) {
  auto r = Query(*pool_,
                 "SELECT program, sealed_member_id, linked_at FROM conversation_link "
                 "WHERE channel = $1 AND user_id = $2",
                 {key.channel, key.user});
  if (!r.ok()) return Because(r.status(), "read link");
  if (r->rows() == 0) return std::optional<Link>();
  return std::optional<Link>(Link{r->Text(0, 0), r->Text(0, 1), r->Int(0, 2)});
}

Status PostgresConversationStore::PutLink(const ConversationKey& key, const Link& link) {
  Status s =
      Write(*pool_,
            "INSERT INTO conversation_link (channel, user_id, program, sealed_member_id, "
            "linked_at) VALUES ($1, $2, $3, $4, $5) "
            "ON CONFLICT (channel, user_id) DO UPDATE SET program = EXCLUDED.program, "
            "sealed_member_id = EXCLUDED.sealed_member_id, linked_at = EXCLUDED.linked_at",
            {key.channel, key.user, link.program, link.sealed_member_id, Num(link.linked_at)});
  return s.ok() ? s : Because(s, "write link");
}

Status PostgresConversationStore::DeleteLink(const ConversationKey& key) {
  Status s = Write(*pool_, "DELETE FROM conversation_link WHERE channel = $1 AND user_id = $2",
                   {key.channel, key.user});
  return s.ok() ? s : Because(s, "delete link");
}

Status PostgresConversationStore::PutLinkToken(const std::string& hash, const LinkToken& t) {
  Status s = Write(*pool_,
                   "INSERT INTO conversation_link_token (token_hash, channel, user_id, program, "
                   "account, expires_at) VALUES ($1, $2, $3, $4, $5, $6)",
                   {hash, t.key.channel, t.key.user, t.program, t.account, Num(t.expires_at)});
  return s.ok() ? s : Because(s, "write link token");
}

StatusOr<LinkToken> PostgresConversationStore::ReadToken(const std::string& hash, int64_t now,
                                                         bool consume) {
  // One statement purges expired tokens and reads (or reads and deletes) this one; the two
  // touch disjoint rows. DELETE … RETURNING uses the token up as it reads it: when two replicas
  // race, the second waits on the row lock, then finds it gone.
  auto r = Query(*pool_,
                 consume ? "WITH expired AS (DELETE FROM conversation_link_token "
                           "WHERE expires_at < $2) "
                           "DELETE FROM conversation_link_token "
                           "WHERE token_hash = $1 AND expires_at >= $2 "
                           "RETURNING channel, user_id, program, expires_at, account"
                         : "WITH expired AS (DELETE FROM conversation_link_token "
                           "WHERE expires_at < $2) "
                           "SELECT channel, user_id, program, expires_at, account "
                           "FROM conversation_link_token "
                           "WHERE token_hash = $1 AND expires_at >= $2",
                 {hash, Num(now)});
  if (!r.ok()) return Because(r.status(), "read link token");
  if (r->rows() == 0) return Status(StatusCode::kNotFound, "unknown, used or expired link");
  return LinkToken{{r->Text(0, 0), r->Text(0, 1)}, r->Text(0, 2), r->Int(0, 3), r->Text(0, 4)};
}

StatusOr<LinkToken> PostgresConversationStore::ConsumeLinkToken(const std::string& hash,
                                                                int64_t now) {
  return ReadToken(hash, now, /*consume=*/true);
}

StatusOr<LinkToken> PostgresConversationStore::PeekLinkToken(const std::string& hash, int64_t now) {
  return ReadToken(hash, now, /*consume=*/false);
}

Status PostgresConversationStore::PutLinkNonce(const std::string& hash, const LinkNonce& n) {
  Status s = Write(*pool_,
                   "INSERT INTO conversation_link_nonce (nonce_hash, channel, user_id, account, "
                   "program, sealed_member_id, expires_at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
                   {hash, n.key.channel, n.key.user, n.account, n.program, n.sealed_member_id,
                    Num(n.expires_at)});
  return s.ok() ? s : Because(s, "write link nonce");
}

StatusOr<LinkNonce> PostgresConversationStore::ConsumeLinkNonce(const std::string& hash,
                                                                int64_t now) {
  // Expired nonces hold a sealed member number: they go as soon as anyone looks. A nonce
  // replayed concurrently, on this replica or another, succeeds once at most.
  auto r = Query(*pool_,
                 "WITH expired AS (DELETE FROM conversation_link_nonce WHERE expires_at < $2) "
                 "DELETE FROM conversation_link_nonce WHERE nonce_hash = $1 AND expires_at >= $2 "
                 "RETURNING channel, user_id, account, program, sealed_member_id, expires_at",
                 {hash, Num(now)});
  if (!r.ok()) return Because(r.status(), "read link nonce");
  if (r->rows() == 0) return Status(StatusCode::kNotFound, "unknown, used or expired nonce");
  return LinkNonce{
      {r->Text(0, 0), r->Text(0, 1)}, r->Text(0, 2), r->Text(0, 3), r->Text(0, 4), r->Int(0, 5)};
}

Status PostgresConversationStore::AddFeedback(const Feedback& f) {
  Status s = Write(*pool_,
                   "INSERT INTO conversation_feedback (channel, user_id, program, entry_id, "
                   "resolved, at) VALUES ($1, $2, $3, $4, $5, $6)",
                   {f.key.channel, f.key.user, f.program, f.entry_id, Bool(f.resolved),
                    Num(f.at ? f.at : UnixSeconds())});
  return s.ok() ? s : Because(s, "write feedback");
}

StatusOr<std::vector<Feedback>> PostgresConversationStore::RecentFeedback(
    const std::string& program, int limit) {
  auto r = Query(*pool_,
                 "SELECT channel, user_id, entry_id, resolved, at FROM conversation_feedback "
                 "WHERE program = $1 ORDER BY at DESC, id DESC LIMIT $2",
                 {program, Num(std::max(limit, 0))});
  if (!r.ok()) return Because(r.status(), "read feedback");
  std::vector<Feedback> out;
  out.reserve(static_cast<size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back(
        {{r->Text(i, 0), r->Text(i, 1)}, program, r->Text(i, 2), r->Bool(i, 3), r->Int(i, 4)});
  }
  return out;
}

Status PostgresConversationStore::AddUnanswered(const Unanswered& u) {
  Status s = Write(*pool_,
                   "INSERT INTO conversation_unanswered (program, channel, redacted_text, "
                   "nearest_entry_id, confidence, at) VALUES ($1, $2, $3, $4, $5, $6)",
                   {u.program, u.channel, u.redacted_text, u.nearest_entry_id,
                    Real(static_cast<double>(u.confidence)), Num(u.at ? u.at : UnixSeconds())});
  return s.ok() ? s : Because(s, "write unanswered");
}

StatusOr<std::vector<Unanswered>> PostgresConversationStore::RecentUnanswered(
    const std::string& program, int limit) {
  auto r = Query(*pool_,
                 "SELECT channel, redacted_text, nearest_entry_id, confidence, at "
                 "FROM conversation_unanswered WHERE program = $1 "
                 "ORDER BY at DESC, id DESC LIMIT $2",
                 {program, Num(std::max(limit, 0))});
  if (!r.ok()) return Because(r.status(), "read unanswered");
  std::vector<Unanswered> out;
  out.reserve(static_cast<size_t>(r->rows()));
  for (int i = 0; i < r->rows(); ++i) {
    out.push_back({program, r->Text(i, 0), r->Text(i, 1), r->Text(i, 2),
                   static_cast<float>(ParseReal(r->Text(i, 3))), r->Int(i, 4)});
  }
  return out;
}

Status PostgresConversationStore::CountOutcome(const std::string& program,
                                               const std::string& outcome, int64_t at) {
  if (outcome != "answer" && outcome != "clarify" && outcome != "fallback") {
    return InvalidArgument("unknown outcome \"" + outcome + "\"");
  }
  // The day is the Asia/Tokyo day the SQLite store uses, computed here rather than by the
  // server, so both stores put a reply at 23:59 JST on the same day.
  const std::string day = FormatIsoDate(TokyoDate(at ? at : UnixSeconds()));
  // Counted up in place: replicas replying at once each add their one, the row lock ordering
  // them, and the table grows by at most three rows a day per program.
  Status s = Write(*pool_,
                   "INSERT INTO conversation_outcome_daily (program, day, outcome, n) "
                   "VALUES ($1, $2, $3, 1) ON CONFLICT (program, day, outcome) "
                   "DO UPDATE SET n = conversation_outcome_daily.n + 1",
                   {program, day, outcome});
  return s.ok() ? s : Because(s, "count outcome");
}

StatusOr<std::vector<DailyOutcomes>> PostgresConversationStore::OutcomesByDay(
    const std::string& program, int days) {
  auto r = Query(*pool_,
                 "SELECT to_char(day, 'YYYY-MM-DD'), outcome, n FROM conversation_outcome_daily "
                 "WHERE program = $1 AND day IN (SELECT DISTINCT day "
                 "FROM conversation_outcome_daily WHERE program = $1 ORDER BY day DESC LIMIT $2) "
                 "ORDER BY day",
                 {program, Num(std::max(days, 1))});
  if (!r.ok()) return Because(r.status(), "read outcomes");
  std::vector<DailyOutcomes> out;
  for (int i = 0; i < r->rows(); ++i) {
    std::string day = r->Text(i, 0);
    if (out.empty() || out.back().day != day) out.push_back({std::move(day)});
    const std::string outcome = r->Text(i, 1);
    DailyOutcomes& d = out.back();
    (outcome == "answer" ? d.answer : outcome == "clarify" ? d.clarify : d.fallback) = r->Int(i, 2);
  }
  return out;
}

Status PostgresConversationStore::CheckWritable() {
  // A real write, committed like a member's: a server that answers SELECT 1 may still refuse
  // writes (a read-only standby after a failover, a full disk).
  Status s = Write(*pool_,
                   "INSERT INTO conversation_heartbeat (id, checked_at, checks) VALUES (1, $1, 1) "
                   "ON CONFLICT (id) DO UPDATE SET checked_at = EXCLUDED.checked_at, "
                   "checks = conversation_heartbeat.checks + 1",
                   {Num(UnixMillis())});
  if (s.ok()) return s;
  return Unavailable("write heartbeat: " + s.message());
}

}  // namespace madoguchi::store
