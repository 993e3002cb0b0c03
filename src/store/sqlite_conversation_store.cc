#include "store/sqlite_conversation_store.h"

#include <sqlite3.h>

#include <algorithm>
#include <chrono>

#include "base/date.h"
#include "base/private_files.h"

namespace madoguchi::store {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS conversation_state (
  conversation TEXT PRIMARY KEY,
  program TEXT NOT NULL,
  last_entry_id TEXT NOT NULL,
  flow TEXT NOT NULL,
  flow_step INTEGER NOT NULL,
  flow_failures INTEGER NOT NULL,
  sealed_slots TEXT NOT NULL,
  greeted INTEGER NOT NULL,
  updated_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS account_link (
  conversation TEXT PRIMARY KEY,
  program TEXT NOT NULL,
  sealed_member_id TEXT NOT NULL,
  linked_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS link_token (
  token_hash TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  user TEXT NOT NULL,
  program TEXT NOT NULL,
  expires_at INTEGER NOT NULL,
  account TEXT NOT NULL DEFAULT '');
CREATE TABLE IF NOT EXISTS link_nonce (
  nonce_hash TEXT PRIMARY KEY,
  channel TEXT NOT NULL,
  user TEXT NOT NULL,
  account TEXT NOT NULL,
  program TEXT NOT NULL,
  sealed_member_id TEXT NOT NULL,
  expires_at INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS feedback (
  id INTEGER PRIMARY KEY,
  conversation TEXT NOT NULL,
  program TEXT NOT NULL,
  entry_id TEXT NOT NULL,
  resolved INTEGER NOT NULL,
  at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS feedback_by_program ON feedback(program, at);
CREATE TABLE IF NOT EXISTS unanswered (
  id INTEGER PRIMARY KEY,
  program TEXT NOT NULL,
  channel TEXT NOT NULL,
  redacted_text TEXT NOT NULL,
  nearest_entry_id TEXT NOT NULL,
  confidence REAL NOT NULL,
  at INTEGER NOT NULL);
CREATE INDEX IF NOT EXISTS unanswered_by_program ON unanswered(program, at);
CREATE TABLE IF NOT EXISTS outcome_daily (
  program TEXT NOT NULL,
  day TEXT NOT NULL,
  outcome TEXT NOT NULL CHECK (outcome IN ('answer', 'clarify', 'fallback')),
  count INTEGER NOT NULL,
  PRIMARY KEY (program, day, outcome)) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS store_heartbeat (
  id INTEGER PRIMARY KEY CHECK (id = 1),
  checked_at INTEGER NOT NULL,
  checks INTEGER NOT NULL);
)sql";

Status Error(sqlite3* db, const char* what) {
  return Unavailable(std::string(what) + ": " + sqlite3_errmsg(db));
}

// Files written before link tokens named their account lack the column; CREATE TABLE IF NOT
// EXISTS leaves such a table as it is, so the column is added here. Old tokens read as "".
bool AddLinkTokenAccount(sqlite3* db, char** err) {
  bool has_account = false;
  sqlite3_stmt* info = nullptr;
  if (sqlite3_prepare_v2(db, "PRAGMA table_info(link_token)", -1, &info, nullptr) != SQLITE_OK) {
    return false;
  }
  while (sqlite3_step(info) == SQLITE_ROW) {
    const unsigned char* name = sqlite3_column_text(info, 1);
    if (name != nullptr && std::string(reinterpret_cast<const char*>(name)) == "account") {
      has_account = true;
    }
  }
  sqlite3_finalize(info);
  if (has_account) return true;
  return sqlite3_exec(db, "ALTER TABLE link_token ADD COLUMN account TEXT NOT NULL DEFAULT ''",
                      nullptr, nullptr, err) == SQLITE_OK;
}

// A prepared statement that finalizes itself.
class Stmt {
 public:
  Stmt(sqlite3* db, const char* sql) : db_(db) {
    if (sqlite3_prepare_v2(db, sql, -1, &stmt_, nullptr) != SQLITE_OK) stmt_ = nullptr;
  }
  ~Stmt() { sqlite3_finalize(stmt_); }
  bool ok() const { return stmt_ != nullptr; }
  Stmt& Bind(int i, const std::string& v) {
    sqlite3_bind_text(stmt_, i, v.data(), static_cast<int>(v.size()), SQLITE_TRANSIENT);
    return *this;
  }
  Stmt& Bind(int i, int64_t v) {
    sqlite3_bind_int64(stmt_, i, v);
    return *this;
  }
  Stmt& Bind(int i, double v) {
    sqlite3_bind_double(stmt_, i, v);
    return *this;
  }
  int Step() { return sqlite3_step(stmt_); }
  Status Run(const char* what) {
    if (!ok() || Step() != SQLITE_DONE) return Error(db_, what);
    return Status::Ok();
  }
  std::string Text(int c) {
    const unsigned char* t = sqlite3_column_text(stmt_, c);
    return t ? std::string(reinterpret_cast<const char*>(t),
                           static_cast<size_t>(sqlite3_column_bytes(stmt_, c)))
             : std::string();
  }
  int64_t Int(int c) { return sqlite3_column_int64(stmt_, c); }
  double Real(int c) { return sqlite3_column_double(stmt_, c); }

 private:
  sqlite3* db_;
  sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace

StatusOr<std::unique_ptr<SqliteConversationStore>> SqliteConversationStore::Open(
    const std::string& path, const SqliteStoreOptions& options) {
  // Conversation state and links: the file and its -wal and -shm are the service's only.
  MADOGUCHI_RETURN_IF_ERROR(MakePrivateDatabaseFile(path));
  sqlite3* db = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &db,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_FULLMUTEX, nullptr);
  if (rc != SQLITE_OK) {
    std::string msg = db ? sqlite3_errmsg(db) : "out of memory";
    sqlite3_close(db);
    return Unavailable(path + ": " + msg);
  }
  sqlite3_busy_timeout(db, options.busy_timeout_ms);
  char* err = nullptr;
  std::string setup = std::string("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;") + kSchema;
  if (sqlite3_exec(db, setup.c_str(), nullptr, nullptr, &err) != SQLITE_OK ||
      !AddLinkTokenAccount(db, &err)) {
    std::string msg = err ? err : "schema";
    sqlite3_free(err);
    sqlite3_close(db);
    return Unavailable(path + ": " + msg);
  }
  return std::unique_ptr<SqliteConversationStore>(new SqliteConversationStore(db, options));
}

SqliteConversationStore::~SqliteConversationStore() { sqlite3_close(db_); }

StatusOr<std::optional<ConversationState>> SqliteConversationStore::GetState(
    const ConversationKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "SELECT program, last_entry_id, flow, flow_step, flow_failures, sealed_slots, greeted, "
         "updated_at FROM conversation_state WHERE conversation = ?");
  if (!s.ok()) return Error(db_, "read state");
  s.Bind(1, key.ToString());
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<ConversationState>();
  if (rc != SQLITE_ROW) return Error(db_, "read state");
  ConversationState st{
      s.Text(0), s.Text(1),     s.Text(2), static_cast<int>(s.Int(3)), static_cast<int>(s.Int(4)),
      s.Text(5), s.Int(6) != 0, s.Int(7)};
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

Status SqliteConversationStore::PutState(const ConversationKey& key, const ConversationState& st) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "INSERT INTO conversation_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
         "ON CONFLICT(conversation) DO UPDATE SET program = excluded.program, "
         "last_entry_id = excluded.last_entry_id, flow = excluded.flow, "
         "flow_step = excluded.flow_step, flow_failures = excluded.flow_failures, "
         "sealed_slots = excluded.sealed_slots, greeted = excluded.greeted, "
         "updated_at = excluded.updated_at");
  s.Bind(1, key.ToString()).Bind(2, st.program).Bind(3, st.last_entry_id).Bind(4, st.flow);
  s.Bind(5, static_cast<int64_t>(st.flow_step)).Bind(6, static_cast<int64_t>(st.flow_failures));
  s.Bind(7, st.sealed_slots).Bind(8, static_cast<int64_t>(st.greeted));
  s.Bind(9, st.updated_at ? st.updated_at : UnixSeconds());
  return s.Run("write state");
}

Status SqliteConversationStore::Forget(const ConversationKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt a(db_, "DELETE FROM conversation_state WHERE conversation = ?");
  a.Bind(1, key.ToString());
  MADOGUCHI_RETURN_IF_ERROR(a.Run("forget state"));
  Stmt b(db_, "DELETE FROM account_link WHERE conversation = ?");
  b.Bind(1, key.ToString());
  MADOGUCHI_RETURN_IF_ERROR(b.Run("forget link"));
  // A nonce still pending would bind the conversation again when LINE's event arrives.
  Stmt c(db_, "DELETE FROM link_nonce WHERE channel = ? AND user = ?");
  c.Bind(1, key.channel).Bind(2, key.user);
  return c.Run("forget link nonces");
}

StatusOr<std::optional<Link>> SqliteConversationStore::GetLink(const ConversationKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "SELECT program, sealed_member_id, linked_at FROM account_link WHERE conversation = ?");
  if (!s.ok()) return Error(db_, "read link");
  s.Bind(1, key.ToString());
  int rc = s.Step();
  if (rc == SQLITE_DONE) return std::optional<Link>();
  if (rc != SQLITE_ROW) return Error(db_, "read link");
  return std::optional<Link>(Link{s.Text(0), s.Text(1), s.Int(2)});
}

Status SqliteConversationStore::PutLink(const ConversationKey& key, const Link& link) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_, "INSERT OR REPLACE INTO account_link VALUES (?, ?, ?, ?)");
  s.Bind(1, key.ToString()).Bind(2, link.program).Bind(3, link.sealed_member_id);
  s.Bind(4, link.linked_at);
  return s.Run("write link");
}

Status SqliteConversationStore::DeleteLink(const ConversationKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_, "DELETE FROM account_link WHERE conversation = ?");
  s.Bind(1, key.ToString());
  return s.Run("delete link");
}

Status SqliteConversationStore::PutLinkToken(const std::string& hash, const LinkToken& t) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "INSERT INTO link_token (token_hash, channel, user, program, expires_at, account) "
         "VALUES (?, ?, ?, ?, ?, ?)");
  s.Bind(1, hash).Bind(2, t.key.channel).Bind(3, t.key.user).Bind(4, t.program);
  s.Bind(5, t.expires_at).Bind(6, t.account);
  return s.Run("write link token");
}

StatusOr<LinkToken> SqliteConversationStore::ReadToken(const std::string& hash, int64_t now,
                                                       bool consume) {
  std::lock_guard<std::mutex> lock(mu_);
  {
    Stmt purge(db_, "DELETE FROM link_token WHERE expires_at < ?");
    purge.Bind(1, now);
    MADOGUCHI_RETURN_IF_ERROR(purge.Run("expire link tokens"));
  }
  // DELETE … RETURNING reads and uses up the token in one statement: two concurrent uses
  // cannot both succeed.
  Stmt s(db_, consume ? "DELETE FROM link_token WHERE token_hash = ? "
                        "RETURNING channel, user, program, expires_at, account"
                      : "SELECT channel, user, program, expires_at, account FROM link_token "
                        "WHERE token_hash = ?");
  if (!s.ok()) return Error(db_, "read link token");
  s.Bind(1, hash);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return Status(StatusCode::kNotFound, "unknown, used or expired link");
  if (rc != SQLITE_ROW) return Error(db_, "read link token");
  LinkToken t{{s.Text(0), s.Text(1)}, s.Text(2), s.Int(3), s.Text(4)};
  while (s.Step() == SQLITE_ROW) {
  }
  return t;
}

StatusOr<LinkToken> SqliteConversationStore::ConsumeLinkToken(const std::string& hash,
                                                              int64_t now) {
  return ReadToken(hash, now, /*consume=*/true);
}

StatusOr<LinkToken> SqliteConversationStore::PeekLinkToken(const std::string& hash, int64_t now) {
  return ReadToken(hash, now, /*consume=*/false);
}

Status SqliteConversationStore::PutLinkNonce(const std::string& hash, const LinkNonce& n) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "INSERT INTO link_nonce (nonce_hash, channel, user, account, program, sealed_member_id, "
         "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)");
  s.Bind(1, hash).Bind(2, n.key.channel).Bind(3, n.key.user).Bind(4, n.account);
  s.Bind(5, n.program).Bind(6, n.sealed_member_id).Bind(7, n.expires_at);
  return s.Run("write link nonce");
}

StatusOr<LinkNonce> SqliteConversationStore::ConsumeLinkNonce(const std::string& hash,
                                                              int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  {
    // Expired nonces hold a sealed member number: they go as soon as anyone looks.
    Stmt purge(db_, "DELETE FROM link_nonce WHERE expires_at < ?");
    purge.Bind(1, now);
    MADOGUCHI_RETURN_IF_ERROR(purge.Run("expire link nonces"));
  }
  // One statement reads and deletes: a nonce replayed concurrently succeeds once at most.
  Stmt s(db_,
         "DELETE FROM link_nonce WHERE nonce_hash = ? "
         "RETURNING channel, user, account, program, sealed_member_id, expires_at");
  if (!s.ok()) return Error(db_, "read link nonce");
  s.Bind(1, hash);
  int rc = s.Step();
  if (rc == SQLITE_DONE) return Status(StatusCode::kNotFound, "unknown, used or expired nonce");
  if (rc != SQLITE_ROW) return Error(db_, "read link nonce");
  LinkNonce n{{s.Text(0), s.Text(1)}, s.Text(2), s.Text(3), s.Text(4), s.Int(5)};
  while (s.Step() == SQLITE_ROW) {
  }
  return n;
}

Status SqliteConversationStore::AddFeedback(const Feedback& f) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "INSERT INTO feedback (conversation, program, entry_id, resolved, at) "
         "VALUES (?, ?, ?, ?, ?)");
  s.Bind(1, f.key.ToString()).Bind(2, f.program).Bind(3, f.entry_id);
  s.Bind(4, static_cast<int64_t>(f.resolved)).Bind(5, f.at ? f.at : UnixSeconds());
  return s.Run("write feedback");
}

StatusOr<std::vector<Feedback>> SqliteConversationStore::RecentFeedback(const std::string& program,
                                                                        int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "SELECT conversation, entry_id, resolved, at FROM feedback WHERE program = ? "
         "ORDER BY at DESC, id DESC LIMIT ?");
  if (!s.ok()) return Error(db_, "read feedback");
  s.Bind(1, program).Bind(2, static_cast<int64_t>(limit));
  std::vector<Feedback> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    std::string conv = s.Text(0);
    size_t colon = conv.find(':');
    out.push_back(
        {{conv.substr(0, colon), colon == std::string::npos ? "" : conv.substr(colon + 1)},
         program,
         s.Text(1),
         s.Int(2) != 0,
         s.Int(3)});
  }
  if (rc != SQLITE_DONE) return Error(db_, "read feedback");
  return out;
}

Status SqliteConversationStore::AddUnanswered(const Unanswered& u) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "INSERT INTO unanswered (program, channel, redacted_text, nearest_entry_id, "
         "confidence, at) VALUES (?, ?, ?, ?, ?, ?)");
  s.Bind(1, u.program).Bind(2, u.channel).Bind(3, u.redacted_text).Bind(4, u.nearest_entry_id);
  s.Bind(5, static_cast<double>(u.confidence)).Bind(6, u.at ? u.at : UnixSeconds());
  return s.Run("write unanswered");
}

StatusOr<std::vector<Unanswered>> SqliteConversationStore::RecentUnanswered(
    const std::string& program, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "SELECT channel, redacted_text, nearest_entry_id, confidence, at FROM unanswered "
         "WHERE program = ? ORDER BY at DESC, id DESC LIMIT ?");
  if (!s.ok()) return Error(db_, "read unanswered");
  s.Bind(1, program).Bind(2, static_cast<int64_t>(limit));
  std::vector<Unanswered> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    out.push_back(
        {program, s.Text(0), s.Text(1), s.Text(2), static_cast<float>(s.Real(3)), s.Int(4)});
  }
  if (rc != SQLITE_DONE) return Error(db_, "read unanswered");
  return out;
}

Status SqliteConversationStore::CountOutcome(const std::string& program, const std::string& outcome,
                                             int64_t at) {
  if (outcome != "answer" && outcome != "clarify" && outcome != "fallback") {
    return InvalidArgument("unknown outcome \"" + outcome + "\"");
  }
  const std::string day = FormatIsoDate(TokyoDate(at ? at : UnixSeconds()));
  std::lock_guard<std::mutex> lock(mu_);
  // One row per (program, day, outcome), counted up in place: a reply costs one upsert and the
  // table grows by at most three rows a day per program.
  Stmt s(db_,
         "INSERT INTO outcome_daily (program, day, outcome, count) VALUES (?, ?, ?, 1) "
         "ON CONFLICT(program, day, outcome) DO UPDATE SET count = count + 1");
  s.Bind(1, program).Bind(2, day).Bind(3, outcome);
  return s.Run("count outcome");
}

StatusOr<std::vector<DailyOutcomes>> SqliteConversationStore::OutcomesByDay(
    const std::string& program, int days) {
  std::lock_guard<std::mutex> lock(mu_);
  Stmt s(db_,
         "SELECT day, outcome, count FROM outcome_daily WHERE program = ?1 AND day IN "
         "(SELECT DISTINCT day FROM outcome_daily WHERE program = ?1 ORDER BY day DESC LIMIT ?2) "
         "ORDER BY day");
  if (!s.ok()) return Error(db_, "read outcomes");
  s.Bind(1, program).Bind(2, static_cast<int64_t>(std::max(days, 1)));
  std::vector<DailyOutcomes> out;
  int rc;
  while ((rc = s.Step()) == SQLITE_ROW) {
    std::string day = s.Text(0);
    if (out.empty() || out.back().day != day) out.push_back({std::move(day)});
    const std::string outcome = s.Text(1);
    DailyOutcomes& d = out.back();
    (outcome == "answer" ? d.answer : outcome == "clarify" ? d.clarify : d.fallback) = s.Int(2);
  }
  if (rc != SQLITE_DONE) return Error(db_, "read outcomes");
  return out;
}

Status SqliteConversationStore::CheckWritable() {
  std::lock_guard<std::mutex> lock(mu_);
  // A real write, committed like a member's: taking the write lock alone succeeds on a full
  // disk or a damaged file. The count changes the row every time, since SQLite skips writing a
  // page whose bytes would not change.
  Stmt s(db_,
         "INSERT INTO store_heartbeat (id, checked_at, checks) VALUES (1, ?, 1) "
         "ON CONFLICT(id) DO UPDATE SET checked_at = excluded.checked_at, checks = checks + 1");
  s.Bind(1, UnixMillis());
  return s.Run("write heartbeat");
}

}  // namespace madoguchi::store
