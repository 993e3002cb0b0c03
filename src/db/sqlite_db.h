// A thin layer over the SQLite C API, the one the embedded stores (store/ and points/) share:
// one connection, cached prepared statements, and RAII transactions, with SQLite's result codes
// turned into Status.
//
// Thread safety: a SqliteDb is used by one thread at a time (it is opened with
// SQLITE_OPEN_NOMUTEX); SqlitePool hands connections to threads one at a time.
#ifndef MADOGUCHI_DB_SQLITE_DB_H_
#define MADOGUCHI_DB_SQLITE_DB_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "base/date.h"
#include "base/status.h"

struct sqlite3;
struct sqlite3_stmt;

namespace madoguchi::db {

struct SqliteOptions {
  // How long a statement waits for another connection's write lock before giving up with
  // `unavailable`. Default: 5000 ms.
  int busy_timeout_ms = 5000;
  // synchronous=FULL: a committed change survives power loss, which a ledger owes its members
  // (NORMAL in WAL mode may lose the last commits, though never to a process crash).
  // Default: true.
  bool synchronous_full = true;
  // secure_delete=ON: a deleted or overwritten value is zeroed in its page rather than left in
  // the page's free space, for tables whose rows hold what members wrote. Costs writing those
  // bytes. false leaves SQLite's build default (Debian builds it on; upstream's is off).
  // Default: false.
  bool secure_delete = false;
};

// A prepared statement borrowed from its connection's cache. Resets itself and clears its
// bindings when it goes out of scope, so the next borrower starts clean.
class Statement {
 public:
  explicit Statement(sqlite3_stmt* stmt) : stmt_(stmt) {}
  Statement(Statement&& other) noexcept : stmt_(other.stmt_) { other.stmt_ = nullptr; }
  Statement(const Statement&) = delete;
  Statement& operator=(const Statement&) = delete;
  Statement& operator=(Statement&&) = delete;
  ~Statement();

  // Parameters are 1-based, as in SQLite. Text is copied, so it need not outlive the call; an
  // empty view is bound as '' (never NULL, whatever its data pointer).
  Statement& Bind(int index, int64_t value);
  Statement& Bind(int index, std::string_view text);
  // Named apart from Bind: an int or size_t argument would otherwise be ambiguous between the
  // integer and the floating-point overload.
  Statement& BindReal(int index, double value);
  Statement& Bind(int index, const Date& date);                 // as YYYY-MM-DD text
  Statement& Bind(int index, const std::optional<Date>& date);  // NULL when unset
  Statement& BindNull(int index);

  // Advances: true when a row is ready, false when done.
  StatusOr<bool> Step();
  // Steps to the end, for statements that return no rows.
  Status Run();

  // Columns are 0-based, as in SQLite.
  bool IsNull(int column) const;
  int64_t Int(int column) const;
  double Real(int column) const;
  std::string Text(int column) const;  // "" for NULL
  // A YYYY-MM-DD column; nullopt for NULL (and for text that is not a date, which the schema's
  // writers never store).
  std::optional<Date> DateOrNull(int column) const;
  Date DateAt(int column) const;  // a NOT NULL date column

 private:
  sqlite3_stmt* stmt_;
};

class SqliteDb {
 public:
  // Opens (creating if needed) the database file in WAL mode with a busy timeout and foreign
  // keys on. The file and its -wal and -shm companions are made readable by the service only
  // (base/private_files.h), whatever the umask. `unavailable` when the file cannot be opened or
  // cannot use WAL mode.
  static StatusOr<std::unique_ptr<SqliteDb>> Open(const std::string& path,
                                                  const SqliteOptions& options);
  ~SqliteDb();
  SqliteDb(const SqliteDb&) = delete;
  SqliteDb& operator=(const SqliteDb&) = delete;

  // Runs one or more statements that return no rows (a schema script, BEGIN, a PRAGMA).
  Status Exec(const char* sql);
  // A statement from the cache, keyed by the SQL text, prepared on first use.
  StatusOr<Statement> Prepare(const char* sql);
  int64_t LastInsertRowId() const;
  // Rows changed by the last INSERT, UPDATE or DELETE.
  int Changes() const;
  // Copies every page of the write-ahead log into the database file and truncates the log to
  // zero bytes (wal_checkpoint(TRUNCATE)), so what the log held is gone from the disk. Waits up
  // to the busy timeout for other connections' readers and writer; `unavailable` when they keep
  // it from finishing (the log then stays as it was, still valid). Must not be called with a
  // Statement of this connection mid-step or inside a transaction: its read lock would stop the
  // truncation.
  Status CheckpointAndTruncateWal();

 private:
  // Maps SQLite result `rc` to a Status: busy/locked/I/O problems are `unavailable` (try again
  // later), the rest `internal`. `what` says which operation failed.
  Status Error(int rc, std::string_view what) const;

  // Looks statements up by the caller's SQL without copying it into a std::string each call.
  struct SqlHash {
    using is_transparent = void;
    size_t operator()(std::string_view sql) const { return std::hash<std::string_view>{}(sql); }
  };

  explicit SqliteDb(sqlite3* db) : db_(db) {}
  sqlite3* db_;
  std::unordered_map<std::string, sqlite3_stmt*, SqlHash, std::equal_to<>> cache_;
};

// Scope of one transaction: rolled back on destruction unless committed, so an early error return
// leaves nothing half-written.
class Transaction {
 public:
  enum class Kind {
    kRead,   // BEGIN: a consistent snapshot for several reads
    kWrite,  // BEGIN IMMEDIATE: takes the write lock before the first read, so what a change
             // reads (a balance) cannot be changed by another writer before it commits
  };
  explicit Transaction(SqliteDb& db) : db_(db) {}
  ~Transaction();
  Transaction(const Transaction&) = delete;
  Transaction& operator=(const Transaction&) = delete;

  Status Begin(Kind kind);
  Status Commit();

 private:
  SqliteDb& db_;
  bool open_ = false;
};

}  // namespace madoguchi::db

#endif  // MADOGUCHI_DB_SQLITE_DB_H_
