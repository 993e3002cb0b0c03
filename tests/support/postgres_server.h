// A throwaway PostgreSQL server for tests (include as "support/postgres_server.h"): a copy of one
// initdb per machine in a fresh directory (in memory where /dev/shm is), a free loopback port, torn
// down with the object (and, should the test process die, by the kernel: the server gets SIGQUIT
// when its parent exits). Run as root, the server runs as the `postgres` user, since PostgreSQL
// refuses to run as root.
//
// Loopback connections are trusted, except for the role `madoguchi_pw` (password "pw-secret"),
// which must give its password, so tests can check that the password is taken from the
// environment.
//
// Thread safety: one thread drives a server; SharedPostgresServer() is safe to call from many.
#ifndef MADOGUCHI_TESTS_SUPPORT_POSTGRES_SERVER_H_
#define MADOGUCHI_TESTS_SUPPORT_POSTGRES_SERVER_H_

#include <sys/types.h>

#include <memory>
#include <string>

#include "base/status.h"

namespace madoguchi::testing {

class PostgresServer {
 public:
  // NotFound when PostgreSQL's binaries are not installed; Internal when initdb or the server
  // fails (with its log).
  static StatusOr<std::unique_ptr<PostgresServer>> Start();
  ~PostgresServer();
  PostgresServer(const PostgresServer&) = delete;
  PostgresServer& operator=(const PostgresServer&) = delete;

  // Creates an empty database and returns its URL ("postgresql://postgres@127.0.0.1:P/NAME").
  // Names are made unique by the caller (letters, digits and '_').
  StatusOr<std::string> CreateDatabase(const std::string& name);
  // The URL of `database` as `user` (default: the superuser).
  std::string Url(const std::string& database, const std::string& user = "postgres") const;
  int port() const { return port_; }

  // Stops the server (fast shutdown: clients are disconnected) and starts it again on the same
  // port and data; for tests of what survives a PostgreSQL restart.
  Status Stop();
  Status Restart();
  bool running() const { return pid_ > 0; }

 private:
  PostgresServer() = default;
  Status Launch();
  // The initdb'd cluster every server starts as a copy of; made once per machine.
  StatusOr<std::string> Template();

  std::string bin_dir_;
  std::string dir_;  // holds data/ and the socket
  int port_ = 0;
  pid_t pid_ = -1;
  uid_t uid_ = 0;
  gid_t gid_ = 0;
};

// One server for the whole test binary, started on first use and stopped at exit; nullptr when
// PostgreSQL is not installed (why is in *why).
PostgresServer* SharedPostgresServer(std::string* why = nullptr);

// A fresh database on the shared server for one test: its URL, or "" after GTEST_SKIP or a
// failure. Skips only when PostgreSQL is absent and MADOGUCHI_REQUIRE_POSTGRES is unset; CI
// sets it, so there a missing PostgreSQL fails the test instead.
// Callers stop when it returns "": `if (url.empty()) return;` (in SetUp, GTEST_SKIP already
// keeps the test body from running).
std::string FreshPostgresDatabase(const std::string& prefix);

// A server of the test's own, for a test that stops or restarts it, holding one new database
// `database` whose URL goes to *url. nullptr after GTEST_SKIP or a failure: it skips where
// PostgreSQL is not installed and may be absent, as FreshPostgresDatabase does, and fails on any
// other problem. `if (server == nullptr) return;`.
std::unique_ptr<PostgresServer> OwnPostgresServer(const std::string& database, std::string* url);

}  // namespace madoguchi::testing

#endif  // MADOGUCHI_TESTS_SUPPORT_POSTGRES_SERVER_H_
