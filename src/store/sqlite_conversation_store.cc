#include "store/sqlite_conversation_store.h"

#include <algorithm>
#include <chrono>
#include <functional>
#include <string_view>
#include <utility>

#include "base/date.h"
#include "db/sqlite_db.h"
#include "store/sqlite_status.h"

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

// Files written before link tokens named their account lack the column; CREATE TABLE IF NOT
// EXISTS leaves such a table as it is, so the column is added here. Old tokens read as "".
Status AddLinkTokenAccount(db::SqliteDb& db) {
  bool has_account = false;
  {
    StatusOr<db::Statement> info = db.Prepare("PRAGMA table_info(link_token)");
    if (!info.ok()) return info.status();
    for (;;) {
      StatusOr<bool> row = info->Step();
      if (!row.ok()) return row.status();
      if (!*row) break;
      if (info->Text(1) == "account") has_account = true;
    }
  }
  if (has_account) return Status::Ok();
  return db.Exec("ALTER TABLE link_token ADD COLUMN account TEXT NOT NULL DEFAULT ''");
}

// Steps a statement that returns at most one row; true when it did, after `read` has read the
// row. The statement is then stepped to its end, so that a DELETE ... RETURNING has finished
// (and its autocommit transaction committed) before the call returns.
template <typename Read>
StatusOr<bool> StepOne(db::Statement& s, Read read) {
  StatusOr<bool> row = s.Step();
  if (!row.ok() || !*row) return row;
  read(s);
  MADOGUCHI_RETURN_IF_ERROR(s.Run());
  return true;
}

}  // namespace

StatusOr<std::unique_ptr<SqliteConversationStore>> SqliteConversationStore::Open(
    const std::string& path, const SqliteStoreOptions& options) {
  db::SqliteOptions sqlite;
  sqlite.busy_timeout_ms = options.busy_timeout_ms;
  sqlite.synchronous_full = true;  // a link or a state written is a link or a state kept
  // SqliteDb makes the file and its -wal and -shm the service's only: conversation state and
  // links are members' data.
  StatusOr<std::unique_ptr<db::SqliteDb>> db = db::SqliteDb::Open(path, sqlite);
  if (!db.ok()) return Checked(path, db.status());
  MADOGUCHI_RETURN_IF_ERROR(Checked(path, (*db)->Exec(kSchema)));
  MADOGUCHI_RETURN_IF_ERROR(Checked(path, AddLinkTokenAccount(**db)));
  return std::unique_ptr<SqliteConversationStore>(
      new SqliteConversationStore(std::move(db).value(), options));
}

SqliteConversationStore::SqliteConversationStore(std::unique_ptr<db::SqliteDb> db,
                                                 const SqliteStoreOptions& options)
    : db_(std::move(db)), options_(options) {}

SqliteConversationStore::~SqliteConversationStore() = default;

StatusOr<std::optional<ConversationState>> SqliteConversationStore::GetState(
    const ConversationKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  StatusOr<db::Statement> s = db_->Prepare(
      "SELECT program, last_entry_id, flow, flow_step, flow_failures, sealed_slots, greeted, "
      "updated_at FROM conversation_state WHERE conversation = ?");
  if (!s.ok()) return Checked("read state", s.status());
  s->Bind(1, key.ToString());
  ConversationState st;
  StatusOr<bool> found = StepOne(*s, [&](const db::Statement& r) {
    st = ConversationState{
        r.Text(0), r.Text(1),     r.Text(2), static_cast<int>(r.Int(3)), static_cast<int>(r.Int(4)),
        r.Text(5), r.Int(6) != 0, r.Int(7)};
  });
  if (!found.ok()) return Checked("read state", found.status());
  if (!*found) return std::optional<ConversationState>();
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
  StatusOr<db::Statement> s = db_->Prepare(
      "INSERT INTO conversation_state VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?) "
      "ON CONFLICT(conversation) DO UPDATE SET program = excluded.program, "
      "last_entry_id = excluded.last_entry_id, flow = excluded.flow, "
      "flow_step = excluded.flow_step, flow_failures = excluded.flow_failures, "
      "sealed_slots = excluded.sealed_slots, greeted = excluded.greeted, "
      "updated_at = excluded.updated_at");
  if (!s.ok()) return Checked("write state", s.status());
  s->Bind(1, key.ToString()).Bind(2, st.program).Bind(3, st.last_entry_id).Bind(4, st.flow);
  s->Bind(5, static_cast<int64_t>(st.flow_step)).Bind(6, static_cast<int64_t>(st.flow_failures));
  s->Bind(7, st.sealed_slots).Bind(8, static_cast<int64_t>(st.greeted));
  s->Bind(9, st.updated_at ? st.updated_at : UnixSeconds());
  return Checked("write state", s->Run());
}

Status SqliteConversationStore::RunLocked(const char* sql, std::string_view what,
                                          const std::function<void(db::Statement&)>& bind) {
  StatusOr<db::Statement> s = db_->Prepare(sql);
  if (!s.ok()) return Checked(what, s.status());
  bind(*s);
  return Checked(what, s->Run());
}

Status SqliteConversationStore::Forget(const ConversationKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  const std::string conversation = key.ToString();
  MADOGUCHI_RETURN_IF_ERROR(RunLocked("DELETE FROM conversation_state WHERE conversation = ?",
                                      "forget state",
                                      [&](db::Statement& s) { s.Bind(1, conversation); }));
  MADOGUCHI_RETURN_IF_ERROR(RunLocked("DELETE FROM account_link WHERE conversation = ?",
                                      "forget link",
                                      [&](db::Statement& s) { s.Bind(1, conversation); }));
  // A nonce still pending would bind the conversation again when LINE's event arrives.
  return RunLocked("DELETE FROM link_nonce WHERE channel = ? AND user = ?", "forget link nonces",
                   [&](db::Statement& s) { s.Bind(1, key.channel).Bind(2, key.user); });
}

StatusOr<std::optional<Link>> SqliteConversationStore::GetLink(const ConversationKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  StatusOr<db::Statement> s = db_->Prepare(
      "SELECT program, sealed_member_id, linked_at FROM account_link WHERE conversation = ?");
  if (!s.ok()) return Checked("read link", s.status());
  s->Bind(1, key.ToString());
  Link link;
  StatusOr<bool> found = StepOne(*s, [&](const db::Statement& r) {
    link = Link{r.Text(0), r.Text(1), r.Int(2)};
  });
  if (!found.ok()) return Checked("read link", found.status());
  if (!*found) return std::optional<Link>();
  return std::optional<Link>(std::move(link));
}

Status SqliteConversationStore::PutLink(const ConversationKey& key, const Link& link) {
  std::lock_guard<std::mutex> lock(mu_);
  return RunLocked("INSERT OR REPLACE INTO account_link VALUES (?, ?, ?, ?)", "write link",
                   [&](db::Statement& s) {
                     s.Bind(1, key.ToString()).Bind(2, link.program).Bind(3, link.sealed_member_id);
                     s.Bind(4, link.linked_at);
                   });
}

Status SqliteConversationStore::DeleteLink(const ConversationKey& key) {
  std::lock_guard<std::mutex> lock(mu_);
  return RunLocked("DELETE FROM account_link WHERE conversation = ?", "delete link",
                   [&](db::Statement& s) { s.Bind(1, key.ToString()); });
}

Status SqliteConversationStore::PutLinkToken(const std::string& hash, const LinkToken& t) {
  std::lock_guard<std::mutex> lock(mu_);
  return RunLocked(
      "INSERT INTO link_token (token_hash, channel, user, program, expires_at, account) "
      "VALUES (?, ?, ?, ?, ?, ?)",
      "write link token", [&](db::Statement& s) {
        s.Bind(1, hash).Bind(2, t.key.channel).Bind(3, t.key.user).Bind(4, t.program);
        s.Bind(5, t.expires_at).Bind(6, t.account);
      });
}

StatusOr<LinkToken> SqliteConversationStore::ReadToken(const std::string& hash, int64_t now,
                                                       bool consume) {
  std::lock_guard<std::mutex> lock(mu_);
  MADOGUCHI_RETURN_IF_ERROR(RunLocked("DELETE FROM link_token WHERE expires_at < ?",
                                      "expire link tokens",
                                      [&](db::Statement& s) { s.Bind(1, now); }));
  // DELETE … RETURNING reads and uses up the token in one statement: two concurrent uses
  // cannot both succeed.
  StatusOr<db::Statement> s =
      db_->Prepare(consume ? "DELETE FROM link_token WHERE token_hash = ? "
                             "RETURNING channel, user, program, expires_at, account"
                           : "SELECT channel, user, program, expires_at, account FROM link_token "
                             "WHERE token_hash = ?");
  if (!s.ok()) return Checked("read link token", s.status());
  s->Bind(1, hash);
  LinkToken t;
  StatusOr<bool> found = StepOne(*s, [&](const db::Statement& r) {
    t = LinkToken{{r.Text(0), r.Text(1)}, r.Text(2), r.Int(3), r.Text(4)};
  });
  if (!found.ok()) return Checked("read link token", found.status());
  if (!*found) return Status(StatusCode::kNotFound, "unknown, used or expired link");
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
  return RunLocked(
      "INSERT INTO link_nonce (nonce_hash, channel, user, account, program, sealed_member_id, "
      "expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)",
      "write link nonce", [&](db::Statement& s) {
        s.Bind(1, hash).Bind(2, n.key.channel).Bind(3, n.key.user).Bind(4, n.account);
        s.Bind(5, n.program).Bind(6, n.sealed_member_id).Bind(7, n.expires_at);
      });
}

StatusOr<LinkNonce> SqliteConversationStore::ConsumeLinkNonce(const std::string& hash,
                                                              int64_t now) {
  std::lock_guard<std::mutex> lock(mu_);
  // Expired nonces hold a sealed member number: they go as soon as anyone looks.
  MADOGUCHI_RETURN_IF_ERROR(RunLocked("DELETE FROM link_nonce WHERE expires_at < ?",
                                      "expire link nonces",
                                      [&](db::Statement& s) { s.Bind(1, now); }));
  // One statement reads and deletes: a nonce replayed concurrently succeeds once at most.
  StatusOr<db::Statement> s = db_->Prepare(
      "DELETE FROM link_nonce WHERE nonce_hash = ? "
      "RETURNING channel, user, account, program, sealed_member_id, expires_at");
  if (!s.ok()) return Checked("read link nonce", s.status());
  s->Bind(1, hash);
  LinkNonce n;
  StatusOr<bool> found = StepOne(*s, [&](const db::Statement& r) {
    n = LinkNonce{{r.Text(0), r.Text(1)}, r.Text(2), r.Text(3), r.Text(4), r.Int(5)};
  });
  if (!found.ok()) return Checked("read link nonce", found.status());
  if (!*found) return Status(StatusCode::kNotFound, "unknown, used or expired nonce");
  return n;
}

Status SqliteConversationStore::AddFeedback(const Feedback& f) {
  std::lock_guard<std::mutex> lock(mu_);
  return RunLocked(
      "INSERT INTO feedback (conversation, program, entry_id, resolved, at) "
      "VALUES (?, ?, ?, ?, ?)",
      "write feedback", [&](db::Statement& s) {
        s.Bind(1, f.key.ToString()).Bind(2, f.program).Bind(3, f.entry_id);
        s.Bind(4, static_cast<int64_t>(f.resolved)).Bind(5, f.at ? f.at : UnixSeconds());
      });
}

StatusOr<std::vector<Feedback>> SqliteConversationStore::RecentFeedback(const std::string& program,
                                                                        int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  StatusOr<db::Statement> s = db_->Prepare(
      "SELECT conversation, entry_id, resolved, at FROM feedback WHERE program = ? "
      "ORDER BY at DESC, id DESC LIMIT ?");
  if (!s.ok()) return Checked("read feedback", s.status());
  s->Bind(1, program).Bind(2, static_cast<int64_t>(limit));
  std::vector<Feedback> out;
  for (;;) {
    StatusOr<bool> row = s->Step();
    if (!row.ok()) return Checked("read feedback", row.status());
    if (!*row) break;
    std::string conv = s->Text(0);
    size_t colon = conv.find(':');
    out.push_back(
        {{conv.substr(0, colon), colon == std::string::npos ? "" : conv.substr(colon + 1)},
         program,
         s->Text(1),
         s->Int(2) != 0,
         s->Int(3)});
  }
  return out;
}

Status SqliteConversationStore::AddUnanswered(const Unanswered& u) {
  std::lock_guard<std::mutex> lock(mu_);
  return RunLocked(
      "INSERT INTO unanswered (program, channel, redacted_text, nearest_entry_id, "
      "confidence, at) VALUES (?, ?, ?, ?, ?, ?)",
      "write unanswered", [&](db::Statement& s) {
        s.Bind(1, u.program).Bind(2, u.channel).Bind(3, u.redacted_text);
        s.Bind(4, u.nearest_entry_id).BindReal(5, static_cast<double>(u.confidence));
        s.Bind(6, u.at ? u.at : UnixSeconds());
      });
}

StatusOr<std::vector<Unanswered>> SqliteConversationStore::RecentUnanswered(
    const std::string& program, int limit) {
  std::lock_guard<std::mutex> lock(mu_);
  StatusOr<db::Statement> s = db_->Prepare(
      "SELECT channel, redacted_text, nearest_entry_id, confidence, at FROM unanswered "
      "WHERE program = ? ORDER BY at DESC, id DESC LIMIT ?");
  if (!s.ok()) return Checked("read unanswered", s.status());
  s->Bind(1, program).Bind(2, static_cast<int64_t>(limit));
  std::vector<Unanswered> out;
  for (;;) {
    StatusOr<bool> row = s->Step();
    if (!row.ok()) return Checked("read unanswered", row.status());
    if (!*row) break;
    out.push_back(
        {program, s->Text(0), s->Text(1), s->Text(2), static_cast<float>(s->Real(3)), s->Int(4)});
  }
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
  return RunLocked(
      "INSERT INTO outcome_daily (program, day, outcome, count) VALUES (?, ?, ?, 1) "
      "ON CONFLICT(program, day, outcome) DO UPDATE SET count = count + 1",
      "count outcome", [&](db::Statement& s) { s.Bind(1, program).Bind(2, day).Bind(3, outcome); });
}

StatusOr<std::vector<DailyOutcomes>> SqliteConversationStore::OutcomesByDay(
    const std::string& program, int days) {
  std::lock_guard<std::mutex> lock(mu_);
  StatusOr<db::Statement> s = db_->Prepare(
      "SELECT day, outcome, count FROM outcome_daily WHERE program = ?1 AND day IN "
      "(SELECT DISTINCT day FROM outcome_daily WHERE program = ?1 ORDER BY day DESC LIMIT ?2) "
      "ORDER BY day");
  if (!s.ok()) return Checked("read outcomes", s.status());
  s->Bind(1, program).Bind(2, static_cast<int64_t>(std::max(days, 1)));
  std::vector<DailyOutcomes> out;
  for (;;) {
    StatusOr<bool> row = s->Step();
    if (!row.ok()) return Checked("read outcomes", row.status());
    if (!*row) break;
    std::string day = s->Text(0);
    if (out.empty() || out.back().day != day) out.push_back({std::move(day)});
    const std::string outcome = s->Text(1);
    DailyOutcomes& d = out.back();
    (outcome == "answer" ? d.answer : outcome == "clarify" ? d.clarify : d.fallback) = s->Int(2);
  }
  return out;
}

Status SqliteConversationStore::CheckWritable() {
  std::lock_guard<std::mutex> lock(mu_);
  // A real write, committed like a member's: taking the write lock alone succeeds on a full
  // disk or a damaged file. The count changes the row every time, since SQLite skips writing a
  // page whose bytes would not change.
  return RunLocked(
      "INSERT INTO store_heartbeat (id, checked_at, checks) VALUES (1, ?, 1) "
      "ON CONFLICT(id) DO UPDATE SET checked_at = excluded.checked_at, checks = checks + 1",
      "write heartbeat", [&](db::Statement& s) { s.Bind(1, UnixMillis()); });
}

}  // namespace madoguchi::store
