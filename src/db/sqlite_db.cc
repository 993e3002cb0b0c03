#include "db/sqlite_db.h"

#include <sqlite3.h>

#include "base/private_files.h"

namespace madoguchi::db {

namespace {
// Busy, locked and I/O problems pass (the disk fills, another process holds the lock too long):
// `unavailable` tells the caller to try later. Anything else is a bug here.
// `what` is usually the SQL text: its start is enough to tell which statement failed, and keeps
// a schema script out of a log line.
Status StatusFromSqlite(sqlite3* db, int rc, std::string_view what) {
  constexpr size_t kMaxWhat = 80;
  int code = rc & 0xff;
  std::string detail = std::string(what.substr(0, kMaxWhat)) +
                       (what.size() > kMaxWhat ? "..." : "") + ": " + sqlite3_errmsg(db);
  if (code == SQLITE_BUSY || code == SQLITE_LOCKED || code == SQLITE_IOERR || code == SQLITE_FULL ||
      code == SQLITE_CANTOPEN || code == SQLITE_READONLY) {
    return Status(StatusCode::kUnavailable, "SQLite database busy or unreachable (" + detail + ")",
                  "unavailable");
  }
  return Status(StatusCode::kInternal, detail, "internal");
}
}  // namespace

Statement::~Statement() {
  if (stmt_ != nullptr) {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
  }
}

Statement& Statement::Bind(int index, int64_t value) {
  sqlite3_bind_int64(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, std::string_view text) {
  // An empty view may have no data pointer, which SQLite would store as NULL.
  sqlite3_bind_text(stmt_, index, text.empty() ? "" : text.data(), static_cast<int>(text.size()),
                    SQLITE_TRANSIENT);
  return *this;
}

Statement& Statement::BindReal(int index, double value) {
  sqlite3_bind_double(stmt_, index, value);
  return *this;
}

Statement& Statement::Bind(int index, const Date& date) { return Bind(index, FormatIsoDate(date)); }

Statement& Statement::Bind(int index, const std::optional<Date>& date) {
  return date ? Bind(index, *date) : BindNull(index);
}

Statement& Statement::BindNull(int index) {
  sqlite3_bind_null(stmt_, index);
  return *this;
}

StatusOr<bool> Statement::Step() {
  int rc = sqlite3_step(stmt_);
  if (rc == SQLITE_ROW) return true;
  if (rc == SQLITE_DONE) return false;
  return StatusFromSqlite(sqlite3_db_handle(stmt_), rc, sqlite3_sql(stmt_));
}

Status Statement::Run() {
  for (;;) {
    StatusOr<bool> row = Step();
    if (!row.ok()) return row.status();
    if (!*row) return Status::Ok();
  }
}

bool Statement::IsNull(int column) const {
  return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::Int(int column) const { return sqlite3_column_int64(stmt_, column); }

double Statement::Real(int column) const { return sqlite3_column_double(stmt_, column); }

std::string Statement::Text(int column) const {
  const unsigned char* p = sqlite3_column_text(stmt_, column);
  if (p == nullptr) return {};
  return std::string(reinterpret_cast<const char*>(p),
                     static_cast<size_t>(sqlite3_column_bytes(stmt_, column)));
}

std::optional<Date> Statement::DateOrNull(int column) const {
  if (IsNull(column)) return std::nullopt;
  return ParseIsoDate(Text(column));
}

Date Statement::DateAt(int column) const { return DateOrNull(column).value_or(Date{}); }

StatusOr<std::unique_ptr<SqliteDb>> SqliteDb::Open(const std::string& path,
                                                   const SqliteOptions& options) {
  // Members' birth dates, ledgers, conversations: the file and its -wal and -shm are the
  // service's only.
  MADOGUCHI_RETURN_IF_ERROR(MakePrivateDatabaseFile(path));
  sqlite3* raw = nullptr;
  int rc =
      sqlite3_open_v2(path.c_str(), &raw,
                      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX, nullptr);
  std::unique_ptr<SqliteDb> db(new SqliteDb(raw));  // closes `raw` even when opening failed
  if (rc != SQLITE_OK) {
    return Status(StatusCode::kUnavailable,
                  "cannot open SQLite database " + path + ": " +
                      (raw ? sqlite3_errmsg(raw) : sqlite3_errstr(rc)),
                  "unavailable");
  }
  sqlite3_extended_result_codes(raw, 1);
  sqlite3_busy_timeout(raw, options.busy_timeout_ms);
  // journal_mode answers with the mode it ended in; a file on a filesystem without shared memory
  // stays in another mode, and concurrent readers would then block writers.
  StatusOr<Statement> wal = db->Prepare("PRAGMA journal_mode=WAL");
  if (!wal.ok()) return wal.status();
  StatusOr<bool> row = wal->Step();
  if (!row.ok()) return row.status();
  if (!*row || wal->Text(0) != "wal") {
    return Status(StatusCode::kUnavailable, "SQLite database " + path + " cannot use WAL mode",
                  "unavailable");
  }
  MADOGUCHI_RETURN_IF_ERROR(
      db->Exec(options.synchronous_full ? "PRAGMA synchronous=FULL" : "PRAGMA synchronous=NORMAL"));
  MADOGUCHI_RETURN_IF_ERROR(db->Exec("PRAGMA foreign_keys=ON"));
  if (options.secure_delete) MADOGUCHI_RETURN_IF_ERROR(db->Exec("PRAGMA secure_delete=ON"));
  return db;
}

SqliteDb::~SqliteDb() {
  for (auto& [sql, stmt] : cache_) sqlite3_finalize(stmt);
  sqlite3_close_v2(db_);
}

Status SqliteDb::Exec(const char* sql) {
  char* err = nullptr;
  int rc = sqlite3_exec(db_, sql, nullptr, nullptr, &err);
  if (err != nullptr) sqlite3_free(err);
  if (rc != SQLITE_OK) return Error(rc, sql);
  return Status::Ok();
}

StatusOr<Statement> SqliteDb::Prepare(const char* sql) {
  auto it = cache_.find(std::string_view(sql));
  if (it != cache_.end()) return Statement(it->second);
  sqlite3_stmt* stmt = nullptr;
  int rc = sqlite3_prepare_v3(db_, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, nullptr);
  if (rc != SQLITE_OK) return Error(rc, sql);
  cache_.emplace(sql, stmt);
  return Statement(stmt);
}

int64_t SqliteDb::LastInsertRowId() const { return sqlite3_last_insert_rowid(db_); }

int SqliteDb::Changes() const { return sqlite3_changes(db_); }

Status SqliteDb::CheckpointAndTruncateWal() {
  int rc = sqlite3_wal_checkpoint_v2(db_, nullptr, SQLITE_CHECKPOINT_TRUNCATE, nullptr, nullptr);
  if (rc != SQLITE_OK) return Error(rc, "wal_checkpoint(TRUNCATE)");
  return Status::Ok();
}

Status SqliteDb::Error(int rc, std::string_view what) const {
  return StatusFromSqlite(db_, rc, what);
}

Transaction::~Transaction() {
  if (open_) db_.Exec("ROLLBACK");
}

Status Transaction::Begin(Kind kind) {
  MADOGUCHI_RETURN_IF_ERROR(db_.Exec(kind == Kind::kWrite ? "BEGIN IMMEDIATE" : "BEGIN"));
  open_ = true;
  return Status::Ok();
}

Status Transaction::Commit() {
  Status s = db_.Exec("COMMIT");
  if (s.ok()) open_ = false;
  return s;
}

}  // namespace madoguchi::db
