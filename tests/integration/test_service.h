// The service under test, started in-process on 127.0.0.1 with a random port, exactly as
// `madoguchi serve` wires it (cli::Service), over a temp data directory, with a fixed "today"
// and the demo members. The points core is embedded (SQLite under the data directory) or
// remote: a `points serve` (PointsHttpServer over its own seeded SQLite file) on loopback,
// reached through the http mode of the config.
#ifndef MADOGUCHI_TESTS_INTEGRATION_TEST_SERVICE_H_
#define MADOGUCHI_TESTS_INTEGRATION_TEST_SERVICE_H_

#include <functional>
#include <memory>
#include <string>

#include "base/date.h"
#include "base/status.h"
#include "cli/service.h"
#include "points/sqlite_points_core.h"
#include "points/test_programs.h"
#include "points_http/server.h"

namespace madoguchi::testing {

enum class PointsMode { kEmbedded, kRemote };
const char* PointsModeName(PointsMode mode);

// Where conversations, the inbox and the message limits live: the embedded SQLite files in the
// data directory, or a fresh PostgreSQL database (tests/support), as several replicas run.
enum class StoreMode { kSqlite, kPostgres };
const char* StoreModeName(StoreMode mode);

struct TestServiceOptions {
  Date today;
  PointsMode points = PointsMode::kEmbedded;
  std::string api_token;  // empty: open on loopback
  // Adjusts the options last (channels, staff token, limits, worker delays). By default the
  // per-user message limit is raised so conversation scripts are never limited.
  std::function<void(cli::ServiceOptions&)> configure;
  // kPostgres: Start skips the test (GTEST_SKIP) where PostgreSQL is absent and allowed to be;
  // check IsSkipped() after a failed Start.
  StoreMode store = StoreMode::kSqlite;
};

class TestService {
 public:
  static StatusOr<std::unique_ptr<TestService>> Start(const TestServiceOptions& options);
  ~TestService();

  cli::Service& service() { return *service_; }
  service::Helpdesk& helpdesk() { return service_->helpdesk(); }
  std::string base_url() const { return service_->base_url(); }
  int port() const { return service_->port(); }
  // Stops the remote points core (kRemote only), as when it goes down.
  void StopPointsServer();

 private:
  TestService() = default;

  points::testing::TempDir dir_;
  std::unique_ptr<points::SqlitePointsCore> remote_ledger_;
  std::unique_ptr<FixedClock> remote_clock_;
  std::unique_ptr<points_http::PointsHttpServer> points_server_;
  std::unique_ptr<cli::Service> service_;
};

}  // namespace madoguchi::testing

#endif  // MADOGUCHI_TESTS_INTEGRATION_TEST_SERVICE_H_
