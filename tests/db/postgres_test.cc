// The PostgreSQL layer against a real server started for this binary.
#include "db/postgres.h"

#include <gtest/gtest.h>
#include <stdlib.h>

#include <atomic>
#include <thread>
#include <vector>

#include "support/postgres_server.h"

namespace madoguchi::db {
namespace {

using madoguchi::testing::FreshPostgresDatabase;
using madoguchi::testing::PostgresServer;

PostgresOptions Options(const std::string& url) {
  PostgresOptions o;
  o.url = url;
  o.password_env = "";
  o.pool_size = 4;
  return o;
}

class PostgresTest : public ::testing::Test {
 protected:
  void SetUp() override {
    url_ = FreshPostgresDatabase("db_test");
    if (url_.empty()) return;
    auto pool = PgPool::Open(Options(url_));
    ASSERT_TRUE(pool.ok()) << pool.status().message();
    pool_ = std::move(*pool);
  }
  std::string url_;
  std::unique_ptr<PgPool> pool_;
};

TEST_F(PostgresTest, ParametersTravelAsTextAndNullStaysNull) {
  ASSERT_TRUE(pool_
                  ->Run([](PgConnection& c) {
                    auto r = c.Exec("SELECT $1::text, $2::bigint + 1, $3::text IS NULL, $4",
                                    {"窓口 🙂", "41", std::nullopt, "t"});
                    if (!r.ok()) return r.status();
                    EXPECT_EQ(r->rows(), 1);
                    EXPECT_EQ(r->Text(0, 0), "窓口 🙂");
                    EXPECT_EQ(r->Int(0, 1), 42);
                    EXPECT_TRUE(r->Bool(0, 2));
                    return Status::Ok();
                  })
                  .ok());
}

TEST_F(PostgresTest, ErrorsMapToStatusCodes) {
  Status s = pool_->Run([](PgConnection& c) {
    if (Status e = c.ExecScript("CREATE TABLE u (k text PRIMARY KEY)"); !e.ok()) return e;
    if (auto r = c.Exec("INSERT INTO u VALUES ($1)", {"a"}); !r.ok()) return r.status();
    return c.Exec("INSERT INTO u VALUES ($1)", {"a"}).status();
  });
  EXPECT_EQ(s.code(), StatusCode::kAlreadyExists) << s.message();
  s = pool_->Run([](PgConnection& c) { return c.Exec("SELEKT 1").status(); });
  EXPECT_EQ(s.code(), StatusCode::kInternal);
  EXPECT_NE(s.message().find("42601"), std::string::npos) << s.message();
}

TEST_F(PostgresTest, ATransactionThatFailsLeavesNothing) {
  ASSERT_TRUE(
      pool_->Run([](PgConnection& c) { return c.ExecScript("CREATE TABLE t (n int)"); }).ok());
  Status s = pool_->Transaction(Isolation::kReadCommitted, [](PgConnection& c) {
    if (auto r = c.Exec("INSERT INTO t VALUES (1)"); !r.ok()) return r.status();
    return Status(StatusCode::kFailedPrecondition, "changed my mind");
  });
  EXPECT_EQ(s.code(), StatusCode::kFailedPrecondition);
  int64_t rows = -1;
  ASSERT_TRUE(pool_
                  ->Run([&](PgConnection& c) {
                    auto r = c.Exec("SELECT count(*) FROM t");
                    if (r.ok()) rows = r->Int(0, 0);
                    return r.status();
                  })
                  .ok());
  EXPECT_EQ(rows, 0);
}

// Read-modify-write under SERIALIZABLE from many threads: conflicts are retried inside
// Transaction, so no increment is lost and none is applied twice.
TEST_F(PostgresTest, SerializableConflictsAreRetriedNotLost) {
  ASSERT_TRUE(pool_
                  ->Run([](PgConnection& c) {
                    return c.ExecScript("CREATE TABLE c (n bigint); INSERT INTO c VALUES (0)");
                  })
                  .ok());
  std::atomic<int> committed{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 4; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 10; ++i) {
        Status s = pool_->Transaction(Isolation::kSerializable, [](PgConnection& c) {
          auto r = c.Exec("SELECT n FROM c");
          if (!r.ok()) return r.status();
          return c.Exec("UPDATE c SET n = $1", {std::to_string(r->Int(0, 0) + 1)}).status();
        });
        committed += s.ok();
      }
    });
  }
  for (auto& t : threads) t.join();
  int64_t n = -1;
  ASSERT_TRUE(pool_
                  ->Run([&](PgConnection& c) {
                    auto r = c.Exec("SELECT n FROM c");
                    if (r.ok()) n = r->Int(0, 0);
                    return r.status();
                  })
                  .ok());
  EXPECT_EQ(n, committed.load());
  EXPECT_GT(committed.load(), 20);  // retries make most of them succeed
}

TEST_F(PostgresTest, MigrationsRunOnceEvenFromTwoReplicasAtOnce) {
  auto other = PgPool::Open(Options(url_));
  ASSERT_TRUE(other.ok());
  const std::vector<std::string_view> migrations = {
      "CREATE TABLE m (n int)", "INSERT INTO m VALUES (1)", "INSERT INTO m VALUES (2)"};
  Status a, b;
  std::thread ta([&] { a = Migrate(*pool_, "test", migrations); });
  std::thread tb([&] { b = Migrate(**other, "test", migrations); });
  ta.join();
  tb.join();
  ASSERT_TRUE(a.ok()) << a.message();
  ASSERT_TRUE(b.ok()) << b.message();
  ASSERT_TRUE(Migrate(*pool_, "test", migrations).ok());
  int64_t rows = -1;
  ASSERT_TRUE(pool_
                  ->Run([&](PgConnection& c) {
                    auto r = c.Exec("SELECT count(*) FROM m");
                    if (r.ok()) rows = r->Int(0, 0);
                    return r.status();
                  })
                  .ok());
  EXPECT_EQ(rows, 2);
  // An older binary must not write a schema it does not know.
  Status older = Migrate(*pool_, "test", {migrations[0]});
  EXPECT_EQ(older.code(), StatusCode::kFailedPrecondition) << older.message();
}

TEST_F(PostgresTest, AStatementPastItsTimeoutIsUnavailable) {
  PostgresOptions o = Options(url_);
  o.statement_timeout = std::chrono::milliseconds(100);
  auto pool = PgPool::Open(o);
  ASSERT_TRUE(pool.ok());
  Status s = (*pool)->Run([](PgConnection& c) { return c.Exec("SELECT pg_sleep(5)").status(); });
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.message();
  EXPECT_TRUE((*pool)->Ping().ok());
}

TEST(PostgresOpen, RefusesAPasswordInTheUrl) {
  auto pool = PgPool::Open(Options("postgresql://u:hunter2@127.0.0.1:1/db"));
  ASSERT_EQ(pool.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(pool.status().message().find("hunter2"), std::string::npos);
  EXPECT_EQ(PgPool::Open(Options("")).status().code(), StatusCode::kInvalidArgument);
}

TEST(PostgresOpen, NoServerIsUnavailableQuickly) {
  PostgresOptions o = Options("postgresql://postgres@127.0.0.1:1/postgres");
  auto pool = PgPool::Open(o);
  EXPECT_EQ(pool.status().code(), StatusCode::kUnavailable);
  // One line, for a log line: libpq's own message spans lines.
  EXPECT_EQ(pool.status().message().find_first_of("\n\t"), std::string::npos)
      << pool.status().message();
}

TEST(PostgresOpen, ThePasswordComesFromTheEnvironment) {
  std::string url = FreshPostgresDatabase("db_pw");
  if (url.empty()) return;
  std::string why;
  PostgresServer* server = madoguchi::testing::SharedPostgresServer(&why);
  std::string as_pw = server->Url(url.substr(url.rfind('/') + 1), "madoguchi_pw");
  PostgresOptions o = Options(as_pw);
  o.password_env = "MADOGUCHI_TEST_PG_PASSWORD";
  unsetenv("MADOGUCHI_TEST_PG_PASSWORD");
  EXPECT_EQ(PgPool::Open(o).status().code(), StatusCode::kUnavailable);
  setenv("MADOGUCHI_TEST_PG_PASSWORD", "wrong-one", 1);
  auto wrong = PgPool::Open(o);
  EXPECT_EQ(wrong.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(wrong.status().message().find("wrong-one"), std::string::npos);
  setenv("MADOGUCHI_TEST_PG_PASSWORD", "pw-secret", 1);
  auto pool = PgPool::Open(o);
  ASSERT_TRUE(pool.ok()) << pool.status().message();
  EXPECT_TRUE((*pool)->Ping().ok());
  unsetenv("MADOGUCHI_TEST_PG_PASSWORD");
}

// A restart of PostgreSQL: calls in between are Unavailable, and afterwards the same pool
// works again without being reopened (its dead connections are replaced).
TEST(PostgresRestart, ThePoolRecoversWithoutBeingReopened) {
  std::string url;
  std::unique_ptr<madoguchi::testing::PostgresServer> server =
      madoguchi::testing::OwnPostgresServer("restart", &url);
  if (server == nullptr) return;
  auto pool = PgPool::Open(Options(url));
  ASSERT_TRUE(pool.ok());
  // Fill the pool with several connections that will all be stale.
  std::vector<std::thread> threads;
  for (int i = 0; i < 4; ++i) {
    threads.emplace_back([&] {
      EXPECT_TRUE(
          (*pool)
              ->Run([](PgConnection& c) { return c.Exec("SELECT pg_sleep(0.05)").status(); })
              .ok());
    });
  }
  for (auto& t : threads) t.join();
  ASSERT_TRUE(server->Stop().ok());
  EXPECT_EQ((*pool)->Ping().code(), StatusCode::kUnavailable);
  ASSERT_TRUE(server->Restart().ok());
  for (int i = 0; i < 6; ++i) {
    Status s = (*pool)->Ping();
    EXPECT_TRUE(s.ok()) << "call " << i << ": " << s.message();
  }
}

}  // namespace
}  // namespace madoguchi::db
