// `madoguchi points serve --database postgresql://…` as operators run it: the built binary, two
// processes on one PostgreSQL database (from the test harness), members redeeming through both
// over HTTP at once. Also what the command refuses: a password inside the URL, a wrong one in
// the environment. And its /readyz while its PostgreSQL stops and starts again.
#include <gtest/gtest.h>
#include <httplib.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "db/postgres.h"
#include "points/points_core.h"
#include "points/test_programs.h"
#include "points_http/client.h"
#include "support/child_process.h"
#include "support/postgres_server.h"

extern char** environ;

namespace madoguchi::points {
namespace {

using points_http::HttpPointsCore;
using points_http::HttpPointsCoreOptions;
using testing::D;
using testing::TempDir;

constexpr char kToken[] = "serve-test-token-0123456789abcdef";
// The harness's role that must give a password ("pw-secret") and owns the fresh databases.
constexpr char kPasswordRole[] = "madoguchi_pw";
constexpr char kPassword[] = "pw-secret";

// "postgresql://postgres@127.0.0.1:P/NAME" → the same database as `user`.
std::string AsUser(const std::string& url, const std::string& user) {
  const std::string from = "//postgres@";
  std::string out = url;
  size_t at = out.find(from);
  if (at != std::string::npos) out.replace(at, from.size(), "//" + user + "@");
  return out;
}

// One `madoguchi points …` process, its output kept in DIR/NAME.log.
class PointsProcess : public madoguchi::testing::ChildProcess {
 public:
  PointsProcess(const TempDir& dir, const std::string& name, std::vector<std::string> args)
      : ChildProcess(WithBinary(std::move(args)), dir.File(name + ".log")) {}

 private:
  static std::vector<std::string> WithBinary(std::vector<std::string> args) {
    args.insert(args.begin(), {MADOGUCHI_BINARY, "points"});
    return args;
  }
};

// Waits for /healthz on `port` while the process runs.
::testing::AssertionResult Healthy(PointsProcess& process, int port) {
  httplib::Client c("127.0.0.1", port);
  c.set_connection_timeout(std::chrono::milliseconds(200));
  for (int i = 0; i < 200 && process.Running(); ++i) {
    auto r = c.Get("/healthz");
    if (r && r->status == 200) return ::testing::AssertionSuccess();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return ::testing::AssertionFailure() << "points serve did not come up: " << process.Log();
}

std::unique_ptr<HttpPointsCore> ClientOf(int port) {
  HttpPointsCoreOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(port);
  o.token = kToken;
  o.read_timeout = std::chrono::seconds(15);  // many redemptions queue on one member's row
  return std::make_unique<HttpPointsCore>(o);
}

// The first value of `sql`, run on the database as its superuser (an auditor's view).
int64_t Query(const std::string& url, const std::string& sql) {
  db::PostgresOptions o;
  o.url = url;
  auto pool = db::PgPool::Open(o);
  EXPECT_TRUE(pool.ok()) << pool.status().ToString();
  if (!pool.ok()) return -1;
  int64_t n = -1;
  Status s = (*pool)->Run([&](db::PgConnection& conn) -> Status {
    auto r = conn.Exec(sql);
    if (!r.ok()) return r.status();
    if (r->rows() > 0) n = r->Int(0, 0);
    return Status::Ok();
  });
  EXPECT_TRUE(s.ok()) << s.ToString();
  return n;
}

class PointsServeTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = madoguchi::testing::FreshPostgresDatabase("points_serve");
    if (url_.empty()) return;
    setenv("MADOGUCHI_POINTS_TOKEN", kToken, 1);
  }
  void TearDown() override {
    unsetenv("MADOGUCHI_POINTS_DATABASE_PASSWORD");
    unsetenv("MADOGUCHI_SERVE_TEST_DB_PASSWORD");
  }

  TempDir dir_;
  std::string url_;  // as the superuser
};

TEST_F(PointsServeTest, RefusesAPasswordInTheUrlAndAWrongOneInTheEnvironment) {
  const int port = madoguchi::testing::FreeLoopbackPort();
  std::string with_password = AsUser(url_, std::string(kPasswordRole) + ":" + kPassword);
  PointsProcess inline_secret(
      dir_, "inline",
      {"serve", "--database", with_password, "--listen", "127.0.0.1:" + std::to_string(port)});
  EXPECT_EQ(inline_secret.Wait(), 1);
  EXPECT_NE(inline_secret.Log().find("password"), std::string::npos) << inline_secret.Log();
  EXPECT_EQ(inline_secret.Log().find(kPassword), std::string::npos) << inline_secret.Log();

  setenv("MADOGUCHI_POINTS_DATABASE_PASSWORD", "not-the-password", 1);
  PointsProcess wrong(dir_, "wrong",
                      {"serve", "--database", AsUser(url_, kPasswordRole), "--listen",
                       "127.0.0.1:" + std::to_string(port)});
  EXPECT_EQ(wrong.Wait(), 1);
  EXPECT_NE(wrong.Log().find("password authentication failed"), std::string::npos) << wrong.Log();
  EXPECT_EQ(wrong.Log().find("not-the-password"), std::string::npos) << wrong.Log();

  // --database-password-env names another variable; the default one is then not read.
  setenv("MADOGUCHI_SERVE_TEST_DB_PASSWORD", kPassword, 1);
  PointsProcess named(
      dir_, "named",
      {"serve", "--database", AsUser(url_, kPasswordRole), "--database-password-env",
       "MADOGUCHI_SERVE_TEST_DB_PASSWORD", "--listen", "127.0.0.1:" + std::to_string(port)});
  EXPECT_TRUE(Healthy(named, port));
}

TEST_F(PointsServeTest, TwoProcessesOnOneDatabaseNeverOverspend) {
  setenv("MADOGUCHI_POINTS_DATABASE_PASSWORD", kPassword, 1);
  const std::string url = AsUser(url_, kPasswordRole);
  // Both start at once on the empty database: one creates the tables, the other waits for it.
  const int port_a = madoguchi::testing::FreeLoopbackPort();
  const int port_b = madoguchi::testing::FreeLoopbackPort();
  PointsProcess a(dir_, "a",
                  {"serve", "--database", url, "--listen", "127.0.0.1:" + std::to_string(port_a),
                   "--today", "2026-05-01"});
  PointsProcess b(dir_, "b",
                  {"serve", "--database", url, "--listen", "127.0.0.1:" + std::to_string(port_b),
                   "--today", "2026-05-01"});
  ASSERT_TRUE(Healthy(a, port_a));
  ASSERT_TRUE(Healthy(b, port_b));
  std::unique_ptr<HttpPointsCore> via_a = ClientOf(port_a);
  std::unique_ptr<HttpPointsCore> via_b = ClientOf(port_b);

  NewMember m;
  m.member_id = "K8001";
  m.program = "kagawa";
  m.birth_date = D(1980, 6, 15);
  m.auth_code = "CODE-K8001";
  ASSERT_TRUE(via_a->CreateMember(m).ok());
  EXPECT_EQ(via_b->CreateMember(m).status().reason(), kReasonAlreadyExists);
  constexpr int64_t kGranted = 300 + 450 + 251;
  ASSERT_TRUE(via_a->Grant("K8001", GrantRequest{"健診の受診", 300, D(2025, 6, 1)}).ok());
  ASSERT_TRUE(via_b->Grant("K8001", GrantRequest{"歯科健診", 450, D(2025, 9, 1)}).ok());
  ASSERT_TRUE(via_a->Grant("K8001", GrantRequest{"ウォーキング", 251, D(2026, 4, 1)}).ok());

  PointsCore* clients[] = {via_a.get(), via_b.get()};
  constexpr int64_t kAmounts[] = {9, 20, 41};
  std::atomic<int64_t> spent{0};
  std::atomic<int> other{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 12; ++t) {
    threads.emplace_back([&, t] {
      PointsCore& core = *clients[t % 2];
      // Until the smallest amount is refused: the balance then stays below it.
      for (int i = t;; ++i) {
        const int64_t amount = kAmounts[i % 3];
        StatusOr<Redemption> r =
            core.Redeem("K8001", RedeemRequest{"QUOカード", amount, D(2026, 5, 1)});
        if (r.ok()) {
          spent += amount;
        } else if (r.status().reason() != kReasonInsufficientPoints) {
          ++other;
          ADD_FAILURE() << r.status().ToString();
          return;
        } else if (amount == kAmounts[0]) {
          return;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(other.load(), 0);
  EXPECT_LE(spent.load(), kGranted);
  StatusOr<PointBalance> left_a = via_a->Balance("K8001", D(2026, 5, 1));
  StatusOr<PointBalance> left_b = via_b->Balance("K8001", D(2026, 5, 1));
  ASSERT_TRUE(left_a.ok() && left_b.ok());
  EXPECT_EQ(left_a->balance, kGranted - spent.load());
  EXPECT_EQ(left_b->balance, left_a->balance);
  EXPECT_LT(left_a->balance, kAmounts[0]);
  EXPECT_EQ(Query(url_, "SELECT COALESCE(SUM(points), 0) FROM points_redemptions"), spent.load());
  EXPECT_EQ(Query(url_, "SELECT COALESCE(SUM(points), 0) FROM points_lot_debits"), spent.load());
  EXPECT_EQ(Query(url_, "SELECT COUNT(*) FROM points_lots WHERE remaining < 0"), 0);

  // A reissue retried through the other process gets the first answer.
  std::vector<StatusOr<ReissueRequest>> answers(8, Status(StatusCode::kInternal, "not run"));
  threads.clear();
  for (int t = 0; t < 8; ++t) {
    threads.emplace_back(
        [&, t] { answers[t] = clients[t % 2]->RequestReissue("K8001", "tap-1", D(2026, 5, 1)); });
  }
  for (auto& t : threads) t.join();
  for (const StatusOr<ReissueRequest>& r : answers) {
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->request_id, answers[0]->request_id);
    EXPECT_FALSE(r->repeated);
  }
  EXPECT_EQ(Query(url_, "SELECT COUNT(*) FROM points_reissue_requests"), 1);
  // Neither process logged the password or the member's birth date.
  for (PointsProcess* p : {&a, &b}) {
    EXPECT_EQ(p->Log().find(kPassword), std::string::npos);
    EXPECT_EQ(p->Log().find("1980-06-15"), std::string::npos);
  }
}

TEST_F(PointsServeTest, SeedDemoFillsAPostgresLedgerThatServeThenServes) {
  setenv("MADOGUCHI_POINTS_DATABASE_PASSWORD", kPassword, 1);
  const std::string url = AsUser(url_, kPasswordRole);
  PointsProcess seed(dir_, "seed", {"seed-demo", "--database", url, "--today", "2026-04-15"});
  ASSERT_EQ(seed.Wait(), 0) << seed.Log();
  // Seeding twice is refused: the members are there already.
  PointsProcess again(dir_, "again", {"seed-demo", "--database", url, "--today", "2026-04-15"});
  EXPECT_EQ(again.Wait(), 1);
  const int port = madoguchi::testing::FreeLoopbackPort();
  PointsProcess serve(
      dir_, "serve", {"serve", "--database", url, "--listen", "127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(Healthy(serve, port));
  StatusOr<PointBalance> b = ClientOf(port)->Balance("K1001", D(2026, 4, 15));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_GT(b->balance, 0);
}

// GET /readyz of the command: no token, 503 while its PostgreSQL is stopped (the reason in the
// process's log, not in the answer), ready again once it is back, the process never restarted.
TEST(PointsServeReadyzTest, FollowsItsPostgresDownAndUp) {
  std::string url;
  std::unique_ptr<madoguchi::testing::PostgresServer> pg =
      madoguchi::testing::OwnPostgresServer("points_serve_readyz", &url);
  if (pg == nullptr) return;
  setenv("MADOGUCHI_POINTS_TOKEN", kToken, 1);
  TempDir dir;
  const int port = madoguchi::testing::FreeLoopbackPort();
  PointsProcess serve(
      dir, "serve", {"serve", "--database", url, "--listen", "127.0.0.1:" + std::to_string(port)});
  ASSERT_TRUE(Healthy(serve, port));
  httplib::Client c("127.0.0.1", port);
  auto readyz = [&] {
    auto r = c.Get("/readyz");
    return r ? r->status : 0;
  };
  EXPECT_EQ(readyz(), 200);

  ASSERT_TRUE(pg->Stop().ok());
  auto down = c.Get("/readyz");
  ASSERT_TRUE(down);
  EXPECT_EQ(down->status, 503);
  EXPECT_NE(down->body.find(R"("error":"unavailable")"), std::string::npos) << down->body;
  EXPECT_NE(serve.Log().find("not ready"), std::string::npos) << serve.Log();

  ASSERT_TRUE(pg->Restart().ok());
  int status = 0;
  for (int i = 0; i < 200 && (status = readyz()) != 200; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 200);
  EXPECT_TRUE(serve.Running());
}

}  // namespace
}  // namespace madoguchi::points
