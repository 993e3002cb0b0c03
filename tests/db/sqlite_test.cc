// The SQLite layer (db/sqlite_db.h, db/sqlite_pool.h) on real files in a temporary directory.
// The stores' own suites cover their SQL; this covers what the layer promises them.
#include <gtest/gtest.h>
#include <stdlib.h>
#include <sys/stat.h>

#include <atomic>
#include <chrono>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <thread>
#include <vector>

#include "db/sqlite_db.h"
#include "db/sqlite_pool.h"

namespace madoguchi::db {
namespace {

class SqliteTest : public ::testing::Test {
 protected:
  void SetUp() override {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "madoguchi-sqlite-test-XXXXXX").string();
    ASSERT_NE(mkdtemp(tmpl.data()), nullptr);
    dir_ = tmpl;
    path_ = dir_ + "/t.db";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  std::unique_ptr<SqliteDb> OpenDb(SqliteOptions options = {}) {
    StatusOr<std::unique_ptr<SqliteDb>> db = SqliteDb::Open(path_, options);
    EXPECT_TRUE(db.ok()) << db.status().ToString();
    return db.ok() ? std::move(db).value() : nullptr;
  }

  // A connection that gives up on another's lock after 50 ms, for the tests about waiting.
  std::unique_ptr<SqliteDb> OpenImpatient() {
    SqliteOptions quick;
    quick.busy_timeout_ms = 50;
    return OpenDb(quick);
  }

  std::string Raw(const char* suffix) const {
    std::ifstream in(path_ + suffix, std::ios::binary);
    return std::string(std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>());
  }

  std::string dir_;
  std::string path_;
};

TEST_F(SqliteTest, FilesArePrivateAndTheJournalIsWal) {
  const mode_t old_umask = ::umask(022);
  auto db = OpenDb();
  ::umask(old_umask);
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (v TEXT)").ok());
  auto mode = db->Prepare("PRAGMA journal_mode");
  ASSERT_TRUE(mode.ok());
  ASSERT_TRUE(*mode->Step());
  EXPECT_EQ(mode->Text(0), "wal");
  for (const char* suffix : {"", "-wal", "-shm"}) {
    struct stat st {};
    ASSERT_EQ(::stat((path_ + suffix).c_str(), &st), 0) << suffix;
    EXPECT_EQ(st.st_mode & 0777, 0600u) << suffix;
  }
}

TEST_F(SqliteTest, ValuesRoundTripAndEmptyTextIsNotNull) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (s TEXT, i INTEGER, r REAL, d TEXT)").ok());
  {
    auto insert = db->Prepare("INSERT INTO t VALUES (?, ?, ?, ?)");
    ASSERT_TRUE(insert.ok());
    insert->Bind(1, std::string_view()).Bind(2, int64_t{-7}).BindReal(3, 0.625);
    insert->Bind(4, std::optional<Date>());
    ASSERT_TRUE(insert->Run().ok());
    EXPECT_EQ(db->Changes(), 1);
  }
  auto row = db->Prepare("SELECT s, s IS NULL, i, r, d, typeof(r) FROM t");
  ASSERT_TRUE(row.ok());
  ASSERT_TRUE(*row->Step());
  EXPECT_EQ(row->Text(0), "");
  EXPECT_EQ(row->Int(1), 0) << "an empty view with no data pointer is still ''";
  EXPECT_EQ(row->Int(2), -7);
  EXPECT_DOUBLE_EQ(row->Real(3), 0.625);
  EXPECT_TRUE(row->IsNull(4));
  EXPECT_EQ(row->Text(4), "");
  EXPECT_FALSE(row->DateOrNull(4).has_value());
  EXPECT_EQ(row->Text(5), "real");
  EXPECT_FALSE(*row->Step());
}

// A borrowed statement is reset and unbound when it goes, so the next borrower of the cached
// statement neither continues the last one's rows nor inherits its parameters.
TEST_F(SqliteTest, CachedStatementsStartClean) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1), (2)").ok());
  const char* sql = "SELECT ?, v FROM t ORDER BY v";
  {
    auto first = db->Prepare(sql);
    ASSERT_TRUE(first.ok());
    first->Bind(1, int64_t{9});
    ASSERT_TRUE(*first->Step());
    EXPECT_EQ(first->Int(1), 1);
  }
  auto second = db->Prepare(sql);
  ASSERT_TRUE(second.ok());
  ASSERT_TRUE(*second->Step());
  EXPECT_TRUE(second->IsNull(0));
  EXPECT_EQ(second->Int(1), 1);
}

TEST_F(SqliteTest, TransactionRollsBackUnlessCommitted) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  ASSERT_TRUE(db->Exec("CREATE TABLE t (v INTEGER)").ok());
  {
    Transaction txn(*db);
    ASSERT_TRUE(txn.Begin(Transaction::Kind::kWrite).ok());
    ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (1)").ok());
  }
  {
    Transaction txn(*db);
    ASSERT_TRUE(txn.Begin(Transaction::Kind::kWrite).ok());
    ASSERT_TRUE(db->Exec("INSERT INTO t VALUES (2)").ok());
    ASSERT_TRUE(txn.Commit().ok());
  }
  auto sum = db->Prepare("SELECT count(*), sum(v) FROM t");
  ASSERT_TRUE(sum.ok());
  ASSERT_TRUE(*sum->Step());
  EXPECT_EQ(sum->Int(0), 1);
  EXPECT_EQ(sum->Int(1), 2);
}

// Another connection holding the write lock past the busy timeout is "try later", not a bug.
TEST_F(SqliteTest, AWriterHeldUpByAnotherIsUnavailable) {
  auto a = OpenImpatient();
  auto b = OpenImpatient();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  ASSERT_TRUE(a->Exec("CREATE TABLE t (v INTEGER)").ok());
  Transaction holder(*a);
  ASSERT_TRUE(holder.Begin(Transaction::Kind::kWrite).ok());
  Transaction waiter(*b);
  Status s = waiter.Begin(Transaction::Kind::kWrite);
  EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
  EXPECT_NE(s.message().find("locked"), std::string::npos) << s.ToString();
}

// Errors name the statement by its start only: a schema script does not end up in a log line.
TEST_F(SqliteTest, ErrorsNameTheStatementByItsStart) {
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  const std::string sql =
      "SELECT no_such_column FROM sqlite_master WHERE name = '" + std::string(200, 'x') + "'";
  auto bad = db->Prepare(sql.c_str());
  ASSERT_FALSE(bad.ok());
  EXPECT_EQ(bad.status().code(), StatusCode::kInternal);
  EXPECT_NE(bad.status().message().find("SELECT no_such_column"), std::string::npos);
  EXPECT_NE(bad.status().message().find("no such column"), std::string::npos);
  EXPECT_EQ(bad.status().message().find(std::string(100, 'x')), std::string::npos)
      << bad.status().message();
}

// What a member wrote, deleted, is gone from the disk: secure_delete zeroes it in the page and
// the truncating checkpoint takes the log's copies with it.
TEST_F(SqliteTest, SecureDeleteAndTruncatedWalLeaveNoTrace) {
  SqliteOptions options;
  options.secure_delete = true;
  auto db = OpenDb(options);
  ASSERT_NE(db, nullptr);
  {
    auto on = db->Prepare("PRAGMA secure_delete");
    ASSERT_TRUE(on.ok());
    ASSERT_TRUE(*on->Step());
    EXPECT_EQ(on->Int(0), 1);
  }
  const std::string secret = "member-wrote-K1001-1980-06-15";
  ASSERT_TRUE(db->Exec("CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)").ok());
  {
    auto insert = db->Prepare("INSERT INTO t (v) VALUES (?)");
    ASSERT_TRUE(insert.ok());
    ASSERT_TRUE(insert->Bind(1, secret).Run().ok());
  }
  ASSERT_TRUE(db->CheckpointAndTruncateWal().ok());
  EXPECT_EQ(std::filesystem::file_size(path_ + "-wal"), 0u);
  ASSERT_NE(Raw("").find(secret), std::string::npos) << "the test reads the file";
  ASSERT_TRUE(db->Exec("UPDATE t SET v = ''").ok());
  EXPECT_EQ(Raw("-wal").find(secret), std::string::npos) << "the changed page, zeroed";
  ASSERT_NE(Raw("").find(secret), std::string::npos) << "the file's page until the checkpoint";
  ASSERT_TRUE(db->CheckpointAndTruncateWal().ok());
  EXPECT_EQ(std::filesystem::file_size(path_ + "-wal"), 0u);
  EXPECT_EQ(Raw("").find(secret), std::string::npos) << "in the database file";
}

// A reader of another connection keeps the log from being truncated: the call says so, and the
// log is left valid for the next try.
TEST_F(SqliteTest, TruncationHeldUpByAReaderIsUnavailable) {
  auto writer = OpenImpatient();
  auto reader = OpenImpatient();
  ASSERT_NE(writer, nullptr);
  ASSERT_NE(reader, nullptr);
  ASSERT_TRUE(writer->Exec("CREATE TABLE t (v INTEGER); INSERT INTO t VALUES (1)").ok());
  {
    Transaction snapshot(*reader);
    ASSERT_TRUE(snapshot.Begin(Transaction::Kind::kRead).ok());
    auto read = reader->Prepare("SELECT count(*) FROM t");
    ASSERT_TRUE(read.ok());
    ASSERT_TRUE(*read->Step());
    ASSERT_TRUE(writer->Exec("INSERT INTO t VALUES (2)").ok());
    Status s = writer->CheckpointAndTruncateWal();
    EXPECT_EQ(s.code(), StatusCode::kUnavailable) << s.ToString();
    EXPECT_GT(std::filesystem::file_size(path_ + "-wal"), 0u);
  }
  EXPECT_TRUE(writer->CheckpointAndTruncateWal().ok());
  EXPECT_EQ(std::filesystem::file_size(path_ + "-wal"), 0u);
}

TEST_F(SqliteTest, PoolLendsEachConnectionToOneThreadAtATime) {
  {
    auto setup = OpenDb();
    ASSERT_NE(setup, nullptr);
    ASSERT_TRUE(setup->Exec("CREATE TABLE t (v INTEGER)").ok());
  }
  SqlitePool pool(path_, SqliteOptions{}, 2);
  std::atomic<int> lent{0};
  std::atomic<int> most_lent{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> threads;
  for (int i = 0; i < 6; ++i) {
    threads.emplace_back([&] {
      for (int n = 0; n < 20; ++n) {
        StatusOr<SqlitePool::Lease> lease = pool.Acquire();
        if (!lease.ok()) {
          ++failures;
          continue;
        }
        int now_lent = ++lent;
        int seen = most_lent.load();
        while (now_lent > seen && !most_lent.compare_exchange_weak(seen, now_lent)) {
        }
        Transaction txn(lease->db());
        if (!txn.Begin(Transaction::Kind::kWrite).ok() ||
            !lease->db().Exec("INSERT INTO t VALUES (1)").ok() || !txn.Commit().ok()) {
          ++failures;
        }
        --lent;
      }
    });
  }
  for (std::thread& t : threads) t.join();
  EXPECT_EQ(failures.load(), 0);
  EXPECT_LE(most_lent.load(), 2);
  auto db = OpenDb();
  ASSERT_NE(db, nullptr);
  auto count = db->Prepare("SELECT count(*) FROM t");
  ASSERT_TRUE(count.ok());
  ASSERT_TRUE(*count->Step());
  EXPECT_EQ(count->Int(0), 120);
}

}  // namespace
}  // namespace madoguchi::db
