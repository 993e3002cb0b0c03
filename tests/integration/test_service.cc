#include "test_service.h"

#include <cstdlib>

#include "kb/knowledge_base.h"
#include "points/demo_seed.h"
#include "rules/placeholders.h"
#include "service/engine.h"
#include "support/postgres_server.h"

namespace madoguchi::testing {

namespace {

constexpr char kPointsToken[] = "integration-points-token-0123456789";
constexpr char kPointsTokenEnv[] = "MADOGUCHI_TEST_POINTS_TOKEN";
// PBKDF2 at its production cost makes every verification take a good part of a second; the
// tests check behaviour, not the cost.
constexpr int kTestPbkdf2Iterations = 1000;

StatusOr<std::vector<kb::Program>> BundledPrograms() {
  kb::LoadOptions lo;
  lo.known_placeholders = rules::KnownPlaceholders();
  StatusOr<kb::KnowledgeBase> kb = kb::LoadKnowledgeBase(service::DefaultDataPath("faq"), lo);
  if (!kb.ok()) return kb.status();
  std::vector<kb::Program> programs;
  for (const auto& [id, p] : kb->programs) programs.push_back(p.program);
  return programs;
}

}  // namespace

const char* PointsModeName(PointsMode mode) {
  return mode == PointsMode::kEmbedded ? "Embedded" : "Remote";
}

const char* StoreModeName(StoreMode mode) {
  return mode == StoreMode::kSqlite ? "Sqlite" : "Postgres";
}

StatusOr<std::unique_ptr<TestService>> TestService::Start(const TestServiceOptions& options) {
  std::unique_ptr<TestService> t(new TestService());
  cli::ServiceOptions so;
  so.config = cli::DefaultServeConfig();
  so.config.listen = "127.0.0.1:0";
  so.config.data_dir = t->dir_.File("data");
  so.today = options.today;
  so.api_token = options.api_token;
  so.pbkdf2_iterations = kTestPbkdf2Iterations;
  so.config.rate_limit.burst = 100000;

  if (options.points == PointsMode::kRemote) {
    StatusOr<std::vector<kb::Program>> programs = BundledPrograms();
    if (!programs.ok()) return programs.status();
    points::SqlitePointsCoreOptions lo;
    lo.db_path = t->dir_.File("remote-points.db");
    lo.programs = *programs;
    lo.max_connections = 8;
    lo.pbkdf2_iterations = kTestPbkdf2Iterations;
    StatusOr<std::unique_ptr<points::SqlitePointsCore>> ledger =
        points::SqlitePointsCore::Open(std::move(lo));
    if (!ledger.ok()) return ledger.status();
    t->remote_ledger_ = std::move(ledger).value();
    StatusOr<std::vector<points::DemoMember>> seeded =
        points::SeedDemo(*t->remote_ledger_, *programs, options.today);
    if (!seeded.ok()) return seeded.status();
    t->remote_clock_ = std::make_unique<FixedClock>(options.today);
    points_http::PointsHttpServerOptions po;
    po.token = kPointsToken;
    po.clock = t->remote_clock_.get();
    // Stop() waits this long for clients that keep a connection open.
    po.keep_alive_timeout = std::chrono::seconds(1);
    t->points_server_ = std::make_unique<points_http::PointsHttpServer>(*t->remote_ledger_, po);
    MADOGUCHI_RETURN_IF_ERROR(t->points_server_->Start());
    setenv(kPointsTokenEnv, kPointsToken, /*overwrite=*/1);
    so.config.points = cli::PointsConfig{};
    so.config.points.mode = cli::PointsConfig::Mode::kHttp;
    so.config.points.url = "http://127.0.0.1:" + std::to_string(t->points_server_->port());
    so.config.points.token_env = kPointsTokenEnv;
  }
  if (options.store == StoreMode::kPostgres) {
    std::string url = FreshPostgresDatabase("service");
    if (url.empty()) return Unavailable("no PostgreSQL for this test");
    so.config.store.postgres_url = url;
    so.config.store.pool_size = 4;
    // Replicas share one sealing key, which must then come from the environment.
    setenv("MADOGUCHI_STATE_KEY",
           "8f1c2a3b4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8", /*overwrite=*/1);
  }
  if (options.configure) options.configure(so);
  StatusOr<std::unique_ptr<cli::Service>> service = cli::Service::Start(so);
  if (!service.ok()) return service.status();
  t->service_ = std::move(service).value();
  return t;
}

TestService::~TestService() {
  // The service first: its points client holds keep-alive connections the points server's
  // Stop() would otherwise wait out.
  service_.reset();
  if (points_server_) points_server_->Stop();
}

void TestService::StopPointsServer() {
  if (points_server_) points_server_->Stop();
}

}  // namespace madoguchi::testing
