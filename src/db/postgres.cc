#include "db/postgres.h"

#include <libpq-fe.h>

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <thread>

namespace madoguchi::db {

namespace {

constexpr int kTransactionAttempts = 5;
// Status::reason of a serialization failure or deadlock: the whole transaction may run again.
constexpr char kSerializationFailure[] = "serialization_failure";

// SQLSTATE classes and codes that mean "the server is not there for us right now".
bool IsConnectionLoss(std::string_view state) {
  return state.rfind("08", 0) == 0 ||  // connection exception
         state == "57P01" ||           // admin_shutdown
         state == "57P02" ||           // crash_shutdown
         state == "57P03" ||           // cannot_connect_now (starting up, shutting down)
         state == "57014";             // query_canceled (statement_timeout)
}

bool IsRetryable(std::string_view state) { return state == "40001" || state == "40P01"; }

// libpq's messages end with a newline and may span lines; logs want one line.
std::string OneLine(const char* message) {
  std::string s;
  for (const char* p = message ? message : ""; *p; ++p) {
    const bool space = *p == '\n' || *p == '\t' || *p == '\r' || *p == ' ';
    // Continuation lines start with a tab; any run of blanks becomes one space.
    if (space) {
      if (!s.empty() && s.back() != ' ') s.push_back(' ');
    } else {
      s.push_back(*p);
    }
  }
  while (!s.empty() && s.back() == ' ') s.pop_back();
  return s;
}

// Whether `url` carries a password (postgresql://user:secret@host/db or password=...):
// refused, because secrets come from the environment, never from a config file.
bool UrlHasPassword(const std::string& url) {
  PQconninfoOption* options = PQconninfoParse(url.c_str(), nullptr);
  if (options == nullptr) return false;
  bool has = false;
  for (PQconninfoOption* o = options; o->keyword != nullptr; ++o) {
    if (std::strcmp(o->keyword, "password") == 0 && o->val != nullptr && *o->val) has = true;
  }
  PQconninfoFree(options);
  return has;
}

// Whether the url parses at all, and why not.
std::string UrlProblem(const std::string& url) {
  char* error = nullptr;
  PQconninfoOption* options = PQconninfoParse(url.c_str(), &error);
  if (options != nullptr) {
    PQconninfoFree(options);
    return "";
  }
  std::string why = error ? OneLine(error) : "cannot be parsed";
  PQfreemem(error);
  return why;
}

}  // namespace

// --- PgResult ---------------------------------------------------------------------------

PgResult& PgResult::operator=(PgResult&& other) noexcept {
  if (this != &other) {
    PQclear(result_);
    result_ = other.result_;
    other.result_ = nullptr;
  }
  return *this;
}

PgResult::~PgResult() { PQclear(result_); }

int PgResult::rows() const { return result_ ? PQntuples(result_) : 0; }

int64_t PgResult::affected() const {
  if (!result_) return 0;
  const char* n = PQcmdTuples(result_);
  return (n && *n) ? std::strtoll(n, nullptr, 10) : 0;
}

bool PgResult::IsNull(int row, int column) const { return PQgetisnull(result_, row, column) == 1; }

std::string PgResult::Text(int row, int column) const {
  if (IsNull(row, column)) return "";
  return std::string(PQgetvalue(result_, row, column),
                     static_cast<size_t>(PQgetlength(result_, row, column)));
}

int64_t PgResult::Int(int row, int column) const {
  if (IsNull(row, column)) return 0;
  return std::strtoll(PQgetvalue(result_, row, column), nullptr, 10);
}

bool PgResult::Bool(int row, int column) const {
  return !IsNull(row, column) && PQgetvalue(result_, row, column)[0] == 't';
}

// --- PgConnection -----------------------------------------------------------------------

PgConnection::~PgConnection() { PQfinish(conn_); }

Status PgConnection::Error(pg_result* result, std::string_view what) {
  const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = OneLine(result ? PQresultErrorMessage(result) : PQerrorMessage(conn_));
  if (message.empty()) message = OneLine(PQerrorMessage(conn_));
  std::string sqlstate = state ? state : "";
  std::string text = std::string(what) + ": " + message;
  if (!sqlstate.empty()) text += " (" + sqlstate + ")";
  if (PQstatus(conn_) != CONNECTION_OK || IsConnectionLoss(sqlstate)) {
    // A cancelled statement leaves the connection usable, but a connection whose server went
    // away does not; dropping both costs one reconnect and is never wrong.
    broken_ = true;
    return Status(StatusCode::kUnavailable, "postgresql: " + text);
  }
  if (sqlstate == "23505") return Status(StatusCode::kAlreadyExists, "postgresql: " + text);
  if (IsRetryable(sqlstate)) {
    return Status(StatusCode::kUnavailable, "postgresql: " + text, kSerializationFailure);
  }
  return Status(StatusCode::kInternal, "postgresql: " + text);
}

StatusOr<PgResult> PgConnection::Exec(std::string_view sql, const PgParams& params) {
  std::string statement(sql);
  std::vector<const char*> values;
  values.reserve(params.size());
  for (const auto& p : params) values.push_back(p ? p->c_str() : nullptr);
  pg_result* result = PQexecParams(conn_, statement.c_str(), static_cast<int>(values.size()),
                                   nullptr, values.data(), nullptr, nullptr, /*resultFormat=*/0);
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    Status error = Error(result, "statement");
    PQclear(result);
    return error;
  }
  ++succeeded_;
  return PgResult(result);
}

Status PgConnection::ExecScript(std::string_view sql) {
  std::string script(sql);
  pg_result* result = PQexec(conn_, script.c_str());
  ExecStatusType status = result ? PQresultStatus(result) : PGRES_FATAL_ERROR;
  Status out = Status::Ok();
  if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
    out = Error(result, "script");
  } else {
    ++succeeded_;
  }
  PQclear(result);
  return out;
}

// --- PgPool -----------------------------------------------------------------------------

StatusOr<std::unique_ptr<PgPool>> PgPool::Open(const PostgresOptions& options) {
  if (options.url.empty()) {
    return Status(StatusCode::kInvalidArgument, "postgresql: no URL given");
  }
  if (std::string why = UrlProblem(options.url); !why.empty()) {
    return Status(StatusCode::kInvalidArgument, "postgresql URL: " + why);
  }
  if (UrlHasPassword(options.url)) {
    return Status(StatusCode::kInvalidArgument,
                  "postgresql URL carries a password; give it in the environment variable " +
                      (options.password_env.empty() ? std::string("named by password_env")
                                                    : options.password_env) +
                      " instead");
  }
  std::string password;
  if (!options.password_env.empty()) {
    if (const char* v = std::getenv(options.password_env.c_str())) password = v;
  }
  std::unique_ptr<PgPool> pool(new PgPool(options, std::move(password)));
  // Connect once now, so a wrong URL, password or an absent server is reported at start.
  auto conn = pool->Connect();
  if (!conn.ok()) return conn.status();
  std::lock_guard<std::mutex> lock(pool->mu_);
  ++pool->open_;
  pool->idle_.push_back(std::move(*conn));
  return pool;
}

PgPool::PgPool(PostgresOptions options, std::string password)
    : options_(std::move(options)), password_(std::move(password)) {}

PgPool::~PgPool() = default;

StatusOr<std::unique_ptr<PgConnection>> PgPool::Connect() {
  const std::string connect_timeout =
      std::to_string(std::max<int64_t>(1, (options_.connect_timeout.count() + 999) / 1000));
  // Every connection states the session settings the stores rely on.
  const std::string session_options =
      "-c statement_timeout=" + std::to_string(options_.statement_timeout.count()) +
      " -c TimeZone=UTC -c client_encoding=UTF8 -c client_min_messages=warning";
  std::vector<const char*> keys = {"dbname", "connect_timeout", "options", "application_name"};
  std::vector<const char*> values = {options_.url.c_str(), connect_timeout.c_str(),
                                     session_options.c_str(), "madoguchi"};
  if (!password_.empty()) {
    keys.push_back("password");
    values.push_back(password_.c_str());
  }
  keys.push_back(nullptr);
  values.push_back(nullptr);
  // expand_dbname=1: the URL in "dbname" is expanded, and the keywords after it override it.
  pg_conn* conn = PQconnectdbParams(keys.data(), values.data(), /*expand_dbname=*/1);
  if (conn == nullptr) return Status(StatusCode::kUnavailable, "postgresql: out of memory");
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = OneLine(PQerrorMessage(conn));
    PQfinish(conn);
    return Status(StatusCode::kUnavailable, "postgresql: cannot connect: " + why);
  }
  return std::unique_ptr<PgConnection>(new PgConnection(conn));
}

StatusOr<std::unique_ptr<PgConnection>> PgPool::Acquire() {
  {
    std::unique_lock<std::mutex> lock(mu_);
    bool got = returned_.wait_for(lock, options_.acquire_timeout, [&] {
      return !idle_.empty() || open_ < std::max(1, options_.pool_size);
    });
    if (!got) {
      return Status(StatusCode::kUnavailable,
                    "postgresql: all " + std::to_string(options_.pool_size) + " connections busy");
    }
    if (!idle_.empty()) {
      std::unique_ptr<PgConnection> conn = std::move(idle_.back());
      idle_.pop_back();
      return conn;
    }
    ++open_;  // reserve the slot before connecting outside the lock
  }
  auto conn = Connect();
  if (!conn.ok()) {
    std::lock_guard<std::mutex> lock(mu_);
    --open_;
    returned_.notify_one();
  }
  return conn;
}

void PgPool::Release(std::unique_ptr<PgConnection> conn) {
  std::lock_guard<std::mutex> lock(mu_);
  if (conn->broken_ || PQstatus(conn->conn_) != CONNECTION_OK) {
    // The server went away, most likely for all of them (a restart, a failover): the idle
    // ones are dropped too, so the retry and the next borrowers connect afresh.
    open_ -= 1 + static_cast<int>(idle_.size());
    idle_.clear();
  } else if (PQtransactionStatus(conn->conn_) != PQTRANS_IDLE) {
    --open_;  // left inside a transaction: dropped, so nobody inherits it
  } else {
    idle_.push_back(std::move(conn));
  }
  returned_.notify_one();
}

Status PgPool::RunOnce(const std::function<Status(PgConnection&)>& work, bool* retry_fresh) {
  *retry_fresh = false;
  auto conn = Acquire();
  if (!conn.ok()) return conn.status();
  (*conn)->succeeded_ = 0;
  Status status = work(**conn);
  // A pooled connection whose server restarted fails on its first statement: nothing ran, so
  // the work can run again on a fresh connection.
  *retry_fresh = (*conn)->broken_ && (*conn)->succeeded_ == 0;
  Release(std::move(*conn));
  return status;
}

Status PgPool::Run(const std::function<Status(PgConnection&)>& work) {
  bool retry_fresh = false;
  Status status = RunOnce(work, &retry_fresh);
  if (retry_fresh) status = RunOnce(work, &retry_fresh);
  return status;
}

Status PgPool::Transaction(Isolation isolation, const std::function<Status(PgConnection&)>& work) {
  const char* begin = isolation == Isolation::kSerializable ? "BEGIN ISOLATION LEVEL SERIALIZABLE"
                      : isolation == Isolation::kRepeatableRead
                          ? "BEGIN ISOLATION LEVEL REPEATABLE READ"
                          : "BEGIN";
  Status status = Status::Ok();
  for (int attempt = 1; attempt <= kTransactionAttempts; ++attempt) {
    bool serialization_failure = false;
    status = Run([&](PgConnection& conn) -> Status {
      if (Status s = conn.ExecScript(begin); !s.ok()) return s;
      Status s = work(conn);
      if (s.ok()) s = conn.ExecScript("COMMIT");
      if (!s.ok()) {
        serialization_failure = s.reason() == kSerializationFailure;
        if (!conn.broken_) (void)conn.ExecScript("ROLLBACK");
      }
      return s;
    });
    if (!serialization_failure) break;
    // Back off a little, longer each time, so the transactions that collided spread out.
    std::this_thread::sleep_for(std::chrono::milliseconds(2 * attempt * attempt));
  }
  return status;
}

Status PgPool::Ping() {
  return Run([](PgConnection& conn) { return conn.Exec("SELECT 1").status(); });
}

// --- Migrate ----------------------------------------------------------------------------

Status Migrate(PgPool& pool, std::string_view component,
               const std::vector<std::string_view>& migrations) {
  const std::string name(component);
  const int64_t target = static_cast<int64_t>(migrations.size());
  // One transaction holds an advisory lock for the component (released at its end), so a
  // second replica starting at the same moment waits, then finds the work done.
  return pool.Transaction(Isolation::kReadCommitted, [&](PgConnection& conn) -> Status {
    if (auto r = conn.Exec("SELECT pg_advisory_xact_lock(hashtext('madoguchi_migrate'))");
        !r.ok()) {
      return r.status();
    }
    if (Status s = conn.ExecScript("CREATE TABLE IF NOT EXISTS madoguchi_schema_versions ("
                                   " component text PRIMARY KEY, version bigint NOT NULL,"
                                   " applied_at timestamptz NOT NULL DEFAULT now())");
        !s.ok()) {
      return s;
    }
    auto current =
        conn.Exec("SELECT version FROM madoguchi_schema_versions WHERE component = $1", {name});
    if (!current.ok()) return current.status();
    int64_t version = current->rows() ? current->Int(0, 0) : 0;
    if (version > target) {
      return Status(StatusCode::kFailedPrecondition,
                    "postgresql: " + name + " schema is at version " + std::to_string(version) +
                        ", newer than this binary's " + std::to_string(target) +
                        "; run a newer madoguchi");
    }
    for (int64_t v = version + 1; v <= target; ++v) {
      if (Status s = conn.ExecScript(migrations[static_cast<size_t>(v - 1)]); !s.ok()) {
        return Status(s.code(), name + " migration " + std::to_string(v) + ": " + s.message());
      }
    }
    if (target == version) return Status::Ok();
    auto r = conn.Exec(
        "INSERT INTO madoguchi_schema_versions (component, version) VALUES ($1, $2) "
        "ON CONFLICT (component) DO UPDATE SET version = EXCLUDED.version, applied_at = now()",
        {name, std::to_string(target)});
    return r.status();
  });
}

}  // namespace madoguchi::db
