// Tests of the points API: one typed contract suite run against SqlitePointsCore (a temp SQLite
// file), PostgresPointsCore (a fresh database on the harness's PostgreSQL server) and
// HttpPointsCore talking to a real server started in-process on 127.0.0.1, random port, in front
// of either of them; then the wire itself: status codes and error bodies, the token, body limits,
// retries, and a stopped server.
#include <arpa/inet.h>
#include <gtest/gtest.h>
#include <httplib.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <memory>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>
#include <thread>
#include <vector>

#include "points/points_core.h"
#include "points/postgres_points_core.h"
#include "points/sqlite_points_core.h"
#include "points/test_programs.h"
#include "points_http/bearer.h"
#include "points_http/client.h"
#include "points_http/server.h"
#include "support/postgres_server.h"

namespace madoguchi::points {
namespace {

using nlohmann::json;
using points_http::HttpPointsCore;
using points_http::HttpPointsCoreOptions;
using points_http::PointsHttpServer;
using points_http::PointsHttpServerOptions;
using testing::D;
using testing::TempDir;

constexpr char kToken[] = "test-token-0123456789abcdef";
const TimePoint kStart = FromUnixSeconds(1'760'000'000);

std::unique_ptr<SqlitePointsCore> OpenSqlite(const TempDir& dir, const NowSource* now) {
  SqlitePointsCoreOptions o;
  o.db_path = dir.File("points.db");
  o.programs = testing::TestPrograms();
  o.now = now;
  o.pbkdf2_iterations = 1000;
  o.max_connections = 8;
  StatusOr<std::unique_ptr<SqlitePointsCore>> core = SqlitePointsCore::Open(std::move(o));
  EXPECT_TRUE(core.ok()) << core.status().ToString();
  return std::move(core).value();
}

// Where a ledger lives: a temp SQLite file, or a fresh database on the test PostgreSQL server.
class SqliteStore {
 public:
  bool Prepare() { return true; }
  std::unique_ptr<PointsCore> Open(const NowSource* now) { return OpenSqlite(dir_, now); }

 private:
  TempDir dir_;
};

class PostgresStore {
 public:
  // False (the test is skipped, or failed in CI) when there is no PostgreSQL.
  bool Prepare() {
    url_ = madoguchi::testing::FreshPostgresDatabase("points_http");
    return !url_.empty();
  }
  std::unique_ptr<PointsCore> Open(const NowSource* now) {
    PostgresPointsCoreOptions o;
    o.postgres.url = url_;
    o.programs = testing::TestPrograms();
    o.now = now;
    o.pbkdf2_iterations = 1000;
    StatusOr<std::unique_ptr<PostgresPointsCore>> core = PostgresPointsCore::Open(std::move(o));
    EXPECT_TRUE(core.ok()) << core.status().ToString();
    return core.ok() ? std::move(core).value() : nullptr;
  }

 private:
  std::string url_;
};

// The core in process: the embedded default, or the PostgreSQL one.
template <typename Store>
class DirectBackend {
 public:
  DirectBackend() : now_(kStart) {}
  bool Start() {
    if (!store_.Prepare()) return false;
    core_ = store_.Open(&now_);
    return core_ != nullptr;
  }
  PointsCore& core() { return *core_; }
  ManualNow& now() { return now_; }

 private:
  Store store_;
  ManualNow now_;
  std::unique_ptr<PointsCore> core_;
};

// A core behind `points serve`, reached through HttpPointsCore over loopback.
template <typename Store>
class HttpBackend {
 public:
  HttpBackend() : now_(kStart) {}
  bool Start() {
    if (!store_.Prepare()) return false;
    ledger_ = store_.Open(&now_);
    if (ledger_ == nullptr) return false;
    PointsHttpServerOptions o;
    o.token = kToken;
    server_ = std::make_unique<PointsHttpServer>(*ledger_, o);
    Status s = server_->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
    HttpPointsCoreOptions c;
    c.base_url = "http://127.0.0.1:" + std::to_string(server_->port());
    c.token = kToken;
    client_ = std::make_unique<HttpPointsCore>(c);
    return s.ok();
  }
  PointsCore& core() { return *client_; }
  ManualNow& now() { return now_; }

 private:
  Store store_;
  ManualNow now_;
  std::unique_ptr<PointsCore> ledger_;
  std::unique_ptr<PointsHttpServer> server_;
  std::unique_ptr<HttpPointsCore> client_;
};

using SqliteBackend = DirectBackend<SqliteStore>;
using PostgresBackend = DirectBackend<PostgresStore>;
using HttpSqliteBackend = HttpBackend<SqliteStore>;
using HttpPostgresBackend = HttpBackend<PostgresStore>;

// ---------------------------------------------------------------------------------------------
// The contract every PointsCore keeps.

template <typename Backend>
class PointsCoreContract : public ::testing::Test {
 protected:
  void SetUp() override {
    if (!backend_.Start() && !IsSkipped()) FAIL() << "the backend did not start";
  }
  PointsCore& core() { return backend_.core(); }

  void AddMember(const std::string& id, const std::string& program = "kagawa") {
    NewMember m;
    m.member_id = id;
    m.program = program;
    m.birth_date = D(1972, 2, 29);
    m.auth_code = "CODE-" + id;
    StatusOr<Member> r = core().CreateMember(m);
    ASSERT_TRUE(r.ok()) << r.status().ToString();
    EXPECT_EQ(r->member_id, id);
    EXPECT_EQ(r->birth_date, D(1972, 2, 29));
    EXPECT_TRUE(r->has_auth_code);
  }

  void Grant(const std::string& id, int64_t points, Date on) {
    StatusOr<Lot> lot = core().Grant(id, GrantRequest{"健診の受診", points, on});
    ASSERT_TRUE(lot.ok()) << lot.status().ToString();
  }

  Backend backend_;
};

using Backends =
    ::testing::Types<SqliteBackend, PostgresBackend, HttpSqliteBackend, HttpPostgresBackend>;
class BackendNames {
 public:
  template <typename T>
  static std::string GetName(int) {
    if (std::is_same_v<T, SqliteBackend>) return "Sqlite";
    if (std::is_same_v<T, PostgresBackend>) return "Postgres";
    if (std::is_same_v<T, HttpSqliteBackend>) return "HttpSqlite";
    return "HttpPostgres";
  }
};
TYPED_TEST_SUITE(PointsCoreContract, Backends, BackendNames);

TYPED_TEST(PointsCoreContract, GrantsFollowTheFiscalYearAndShowInTheBalance) {
  this->AddMember("K1");
  StatusOr<Lot> march = this->core().Grant("K1", GrantRequest{"健診の受診", 300, D(2026, 3, 31)});
  StatusOr<Lot> april = this->core().Grant("K1", GrantRequest{"歯科健診", 200, D(2026, 4, 1)});
  ASSERT_TRUE(march.ok() && april.ok());
  EXPECT_EQ(march->expires_on, D(2027, 3, 31));
  EXPECT_EQ(april->expires_on, D(2028, 3, 31));
  EXPECT_EQ(april->activity, "歯科健診");
  EXPECT_EQ(april->remaining, 200);

  StatusOr<PointBalance> b = this->core().Balance("K1", D(2026, 4, 1));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->member_id, "K1");
  EXPECT_EQ(b->program, "kagawa");
  EXPECT_EQ(b->as_of, D(2026, 4, 1));
  EXPECT_EQ(b->balance, 500);
  ASSERT_EQ(b->lots.size(), 2u);
  EXPECT_EQ(b->lots[0].lot_id, march->lot_id);  // lapses first, listed first
  ASSERT_EQ(b->expiring.size(), 2u);
  EXPECT_EQ(b->expiring[0].expires_on, D(2027, 3, 31));
  EXPECT_EQ(b->expiring[0].points, 300);
  EXPECT_EQ(b->expiring[1].points, 200);
}

TYPED_TEST(PointsCoreContract, RedemptionRefusalsAndFifo) {
  this->AddMember("K1");
  this->Grant("K1", 200, D(2024, 9, 1));  // lapses 2026-03-31
  this->Grant("K1", 300, D(2025, 9, 1));  // lapses 2027-03-31
  StatusOr<Redemption> closed =
      this->core().Redeem("K1", RedeemRequest{"図書カード", 100, D(2026, 4, 30)});
  EXPECT_EQ(closed.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(closed.status().reason(), kReasonExchangeClosed);
  EXPECT_NE(closed.status().message().find("4月"), std::string::npos);

  StatusOr<Redemption> short_of =
      this->core().Redeem("K1", RedeemRequest{"図書カード", 301, D(2026, 5, 1)});
  EXPECT_EQ(short_of.status().code(), StatusCode::kFailedPrecondition);
  EXPECT_EQ(short_of.status().reason(), kReasonInsufficientPoints);

  StatusOr<Redemption> first =
      this->core().Redeem("K1", RedeemRequest{"図書カード", 250, D(2026, 3, 1)});
  ASSERT_TRUE(first.ok()) << first.status().ToString();
  EXPECT_EQ(first->item, "図書カード");
  EXPECT_EQ(first->balance_after, 250);
  StatusOr<PointBalance> b = this->core().Balance("K1", D(2026, 3, 1));
  ASSERT_TRUE(b.ok());
  ASSERT_EQ(b->lots.size(), 1u);  // the older lot went first and whole
  EXPECT_EQ(b->lots[0].remaining, 250);
  EXPECT_EQ(b->lots[0].granted_on, D(2025, 9, 1));
}

TYPED_TEST(PointsCoreContract, RetirementForfeitsAndRefuses) {
  this->AddMember("K1");
  this->Grant("K1", 300, D(2025, 9, 1));
  StatusOr<StatusChangeResult> r =
      this->core().ChangeStatus("K1", StatusChange{MemberStatus::kRetired, D(2026, 3, 31)});
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->status, MemberStatus::kRetired);
  EXPECT_EQ(r->effective_on, D(2026, 3, 31));
  EXPECT_EQ(r->forfeited_points, 300);
  EXPECT_EQ(this->core().Balance("K1", D(2026, 3, 31))->balance, 0);
  StatusOr<Redemption> refused =
      this->core().Redeem("K1", RedeemRequest{"図書カード", 1, D(2026, 5, 1)});
  EXPECT_EQ(refused.status().reason(), kReasonNotEligible);
  EXPECT_EQ(refused.status().code(), StatusCode::kFailedPrecondition);

  StatusOr<std::vector<HistoryEntry>> h = this->core().History("K1", 10);
  ASSERT_TRUE(h.ok()) << h.status().ToString();
  ASSERT_EQ(h->size(), 2u);
  EXPECT_EQ((*h)[0].kind, HistoryEntry::Kind::kForfeit);
  EXPECT_EQ((*h)[0].label, "retired");
  EXPECT_EQ((*h)[0].points, 300);
  EXPECT_EQ((*h)[1].kind, HistoryEntry::Kind::kGrant);
  EXPECT_EQ((*h)[1].label, "健診の受診");
  EXPECT_EQ((*h)[1].expires_on, D(2027, 3, 31));
}

TYPED_TEST(PointsCoreContract, GetMemberReadsBirthDateAndStatusButNoCode) {
  this->AddMember("K1");
  ASSERT_TRUE(
      this->core().ChangeStatus("K1", StatusChange{MemberStatus::kRetired, D(2026, 3, 31)}).ok());
  StatusOr<Member> m = this->core().GetMember("k1");  // read as typed, like every call
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->member_id, "K1");
  EXPECT_EQ(m->program, "kagawa");
  EXPECT_EQ(m->birth_date, D(1972, 2, 29));
  EXPECT_TRUE(m->has_auth_code);
  EXPECT_EQ(m->status, MemberStatus::kRetired);
  EXPECT_EQ(m->status_effective_on, D(2026, 3, 31));
  EXPECT_EQ(this->core().GetMember("K404").status().code(), StatusCode::kNotFound);
}

TYPED_TEST(PointsCoreContract, ReissueIsIdempotentAndRateLimited) {
  this->AddMember("K1");
  StatusOr<ReissueRequest> a = this->core().RequestReissue("K1", "k-1", D(2026, 5, 1));
  ASSERT_TRUE(a.ok()) << a.status().ToString();
  EXPECT_FALSE(a->repeated);
  EXPECT_EQ(a->delivery, "postcard");
  EXPECT_EQ(a->estimated_arrival, D(2026, 5, 15));
  // The same key: the first answer again, as it was (not a repeat).
  StatusOr<ReissueRequest> b = this->core().RequestReissue("K1", "k-1", D(2026, 5, 2));
  ASSERT_TRUE(b.ok());
  EXPECT_FALSE(b->repeated);
  EXPECT_EQ(b->request_id, a->request_id);
  EXPECT_EQ(b->requested_on, a->requested_on);
  StatusOr<ReissueRequest> c = this->core().RequestReissue("K1", "k-2", D(2026, 5, 20));
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->repeated);
  EXPECT_EQ(c->requested_on, D(2026, 5, 1));
  StatusOr<ReissueRequest> d = this->core().RequestReissue("K1", "k-3", D(2026, 5, 31));
  ASSERT_TRUE(d.ok());
  EXPECT_FALSE(d->repeated);
  EXPECT_NE(d->request_id, a->request_id);
  // k-2's first answer was the earlier request: a replay says so again.
  StatusOr<ReissueRequest> c2 = this->core().RequestReissue("K1", "k-2", D(2026, 6, 2));
  ASSERT_TRUE(c2.ok());
  EXPECT_TRUE(c2->repeated);
  EXPECT_EQ(c2->request_id, a->request_id);
}

TYPED_TEST(PointsCoreContract, MemberNumbersInAnyCaseAndWidthAndSaneDates) {
  this->AddMember("K1005");
  this->Grant("ｋ１００５", 100, D(2026, 5, 1));
  StatusOr<PointBalance> b = this->core().Balance("k1005", D(2026, 5, 2));
  ASSERT_TRUE(b.ok()) << b.status().ToString();
  EXPECT_EQ(b->member_id, "K1005");
  EXPECT_EQ(b->balance, 100);
  EXPECT_EQ(this->core().Verify(VerifyRequest{"ｋ１００５", D(1972, 2, 29), {}, {"conv-1"}})->level,
            VerificationLevel::kWeak);
  EXPECT_EQ(this->core().Balance("K1005!", D(2026, 5, 2)).status().code(),
            StatusCode::kInvalidArgument);
  StatusOr<Lot> far = this->core().Grant("K1005", GrantRequest{"健診", 10, D(9999, 12, 31)});
  EXPECT_EQ(far.status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(far.status().reason(), kReasonInvalidArgument);
  NewMember unborn;
  unborn.member_id = "K2099";
  unborn.program = "kagawa";
  unborn.birth_date = D(2099, 1, 1);
  EXPECT_EQ(this->core().CreateMember(unborn).status().code(), StatusCode::kInvalidArgument);
}

TYPED_TEST(PointsCoreContract, RequestersAreCountedAndAStrangerCannotLockTheMemberOut) {
  this->AddMember("K1");
  VerifyRequest guess{"K1", D(1972, 3, 1), {}, {"conv-stranger"}};
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(this->core().Verify(guess)->verified);
  EXPECT_EQ(this->core().Verify(guess).status().reason(), kReasonLocked);
  EXPECT_EQ(this->core().Verify(VerifyRequest{"K1", D(1972, 2, 29), {}, {}}).status().reason(),
            kReasonLocked);
  StatusOr<Verification> own =
      this->core().Verify(VerifyRequest{"K1", D(1972, 2, 29), {}, {"conv-member"}});
  ASSERT_TRUE(own.ok()) << own.status().ToString();
  EXPECT_EQ(own->level, VerificationLevel::kWeak);
}

TYPED_TEST(PointsCoreContract, VerificationAndLockout) {
  this->AddMember("K1");
  VerifyRequest strong{"K1", D(1972, 2, 29), std::string("CODE-K1"), {}};
  VerifyRequest wrong{"K1", D(1972, 2, 29), std::string("CODE-K2"), {}};
  StatusOr<Verification> weak = this->core().Verify(VerifyRequest{"K1", D(1972, 2, 29), {}, {}});
  ASSERT_TRUE(weak.ok()) << weak.status().ToString();
  EXPECT_TRUE(weak->verified);
  EXPECT_EQ(weak->level, VerificationLevel::kWeak);
  EXPECT_EQ(this->core().Verify(strong)->level, VerificationLevel::kStrong);
  EXPECT_FALSE(this->core().Verify(VerifyRequest{"K404", D(1972, 2, 29), {}, {}})->verified);
  for (int i = 0; i < 4; ++i) EXPECT_FALSE(this->core().Verify(wrong)->verified);
  StatusOr<Verification> locked = this->core().Verify(wrong);
  EXPECT_EQ(locked.status().code(), StatusCode::kResourceExhausted);
  EXPECT_EQ(locked.status().reason(), kReasonLocked);
  EXPECT_EQ(this->core().Verify(strong).status().reason(), kReasonLocked);
  this->backend_.now().Advance(std::chrono::hours(1));
  EXPECT_EQ(this->core().Verify(strong)->level, VerificationLevel::kStrong);
}

TYPED_TEST(PointsCoreContract, ExchangeWindowAndRank) {
  StatusOr<rules::ExchangeWindow> april = this->core().ExchangeWindow("kagawa", D(2026, 4, 30));
  ASSERT_TRUE(april.ok()) << april.status().ToString();
  EXPECT_FALSE(april->open);
  EXPECT_FALSE(april->reason.empty());
  EXPECT_EQ(april->next_open, D(2026, 5, 1));
  StatusOr<rules::ExchangeWindow> may = this->core().ExchangeWindow("kagawa", D(2026, 5, 1));
  ASSERT_TRUE(may.ok());
  EXPECT_TRUE(may->open);
  EXPECT_EQ(may->next_open, std::nullopt);
  EXPECT_EQ(this->core().ExchangeWindow("nowhere", D(2026, 5, 1)).status().reason(),
            kReasonNotFound);

  this->AddMember("I1", "ibaraki");
  this->Grant("I1", 4800, D(2026, 2, 1));
  StatusOr<MemberRank> r = this->core().Rank("ibaraki", "I1", D(2026, 6, 1));
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->season.start, D(2026, 1, 1));
  EXPECT_EQ(r->season.end, D(2026, 12, 31));
  EXPECT_EQ(r->points, 4800);
  EXPECT_EQ(r->rank, "ブロンズ");
  EXPECT_EQ(r->next_rank, "シルバー");
  EXPECT_EQ(r->points_to_next, 200);
  this->AddMember("K1");
  EXPECT_EQ(this->core().Rank("kagawa", "K1", D(2026, 6, 1)).status().reason(), kReasonNoRanks);
  EXPECT_EQ(this->core().Rank("ibaraki", "K1", D(2026, 6, 1)).status().reason(), kReasonNotFound);
}

TYPED_TEST(PointsCoreContract, ErrorsAreTyped) {
  this->AddMember("K1");
  auto expect = [](const Status& s, StatusCode code, const char* reason) {
    EXPECT_EQ(s.code(), code) << s.ToString();
    EXPECT_EQ(s.reason(), reason) << s.ToString();
    EXPECT_FALSE(s.message().empty());
  };
  expect(this->core().Balance("K404", D(2026, 5, 1)).status(), StatusCode::kNotFound,
         kReasonNotFound);
  expect(this->core().History("K404", 10).status(), StatusCode::kNotFound, kReasonNotFound);
  expect(this->core().Grant("K404", GrantRequest{"健診", 1, D(2026, 5, 1)}).status(),
         StatusCode::kNotFound, kReasonNotFound);
  expect(this->core().Redeem("K404", RedeemRequest{"券", 1, D(2026, 5, 1)}).status(),
         StatusCode::kNotFound, kReasonNotFound);
  expect(this->core()
             .ChangeStatus("K404", StatusChange{MemberStatus::kRetired, D(2026, 5, 1)})
             .status(),
         StatusCode::kNotFound, kReasonNotFound);
  expect(this->core().RequestReissue("K404", "k", D(2026, 5, 1)).status(), StatusCode::kNotFound,
         kReasonNotFound);
  NewMember dup;
  dup.member_id = "K1";
  dup.program = "kagawa";
  dup.birth_date = D(1990, 1, 1);
  expect(this->core().CreateMember(dup).status(), StatusCode::kAlreadyExists, kReasonAlreadyExists);
  expect(this->core().Grant("K1", GrantRequest{"健診", 0, D(2026, 5, 1)}).status(),
         StatusCode::kInvalidArgument, kReasonInvalidArgument);
  expect(this->core().History("K1", 0).status(), StatusCode::kInvalidArgument,
         kReasonInvalidArgument);
  expect(this->core().Balance("bad id!", D(2026, 5, 1)).status(), StatusCode::kInvalidArgument,
         kReasonInvalidArgument);
}

TYPED_TEST(PointsCoreContract, ConcurrentRedemptionsNeverOverspend) {
  this->AddMember("K1");
  this->Grant("K1", 500, D(2025, 6, 1));
  std::atomic<int64_t> spent{0};
  std::atomic<int> unexpected{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < 6; ++t) {
    threads.emplace_back([&] {
      for (int i = 0; i < 8; ++i) {
        StatusOr<Redemption> r =
            this->core().Redeem("K1", RedeemRequest{"QUOカード", 40, D(2025, 12, 1)});
        if (r.ok()) {
          spent += 40;
        } else if (r.status().reason() != kReasonInsufficientPoints) {
          ++unexpected;
        }
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(unexpected.load(), 0);
  EXPECT_EQ(spent.load(), 480);  // 12 × 40
  EXPECT_EQ(this->core().Balance("K1", D(2025, 12, 1))->balance, 20);
}

// ---------------------------------------------------------------------------------------------
// The wire: raw HTTP against the server.

class PointsHttpWireTest : public ::testing::Test {
 protected:
  PointsHttpWireTest() : now_(kStart), ledger_(OpenSqlite(dir_, &now_)), today_(D(2026, 4, 30)) {
    PointsHttpServerOptions o;
    o.token = kToken;
    o.clock = &today_;
    o.max_body_bytes = 4096;
    // httplib waits this long for the body of a POST without Content-Length before refusing it.
    o.read_timeout = std::chrono::seconds(1);
    server_ = std::make_unique<PointsHttpServer>(*ledger_, o);
    Status s = server_->Start();
    EXPECT_TRUE(s.ok()) << s.ToString();
    http_ = std::make_unique<httplib::Client>("127.0.0.1", server_->port());
  }

  httplib::Headers Auth() const { return {{"Authorization", std::string("Bearer ") + kToken}}; }

  // Sends and returns {status, parsed body}.
  std::pair<int, json> Post(const std::string& path, const std::string& body,
                            httplib::Headers headers = {}) {
    if (headers.empty()) headers = Auth();
    httplib::Result r = http_->Post(path, headers, body, "application/json");
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }
  std::pair<int, json> Get(const std::string& path, httplib::Headers headers = {}) {
    if (headers.empty()) headers = Auth();
    httplib::Result r = http_->Get(path, headers);
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  }

  void CreateMember(const std::string& id) {
    auto [status, body] = Post("/v1/members", json{{"member_id", id},
                                                   {"program", "kagawa"},
                                                   {"birth_date", "1985-04-01"},
                                                   {"status", "active"},
                                                   {"auth_code", "CODE-" + id}}
                                                  .dump());
    ASSERT_EQ(status, 201) << body.dump();
    EXPECT_EQ(body["member_id"], id);
    EXPECT_FALSE(body.contains("auth_code"));
  }

  static void ExpectError(const std::pair<int, json>& got, int status, const std::string& code) {
    EXPECT_EQ(got.first, status) << got.second.dump();
    ASSERT_TRUE(got.second.is_object()) << got.second.dump();
    EXPECT_EQ(got.second.value("error", ""), code) << got.second.dump();
    EXPECT_FALSE(got.second.value("message", "").empty());
  }

  TempDir dir_;
  ManualNow now_;
  std::unique_ptr<SqlitePointsCore> ledger_;
  FixedClock today_;
  std::unique_ptr<PointsHttpServer> server_;
  std::unique_ptr<httplib::Client> http_;
};

TEST_F(PointsHttpWireTest, TokenIsRequired) {
  ExpectError(Get("/v1/programs/kagawa/exchange-window", {{"X-None", "1"}}), 401, "unauthorized");
  ExpectError(Get("/v1/programs/kagawa/exchange-window",
                  {{"Authorization", "Bearer test-token-0123456789abcdeX"}}),
              401, "unauthorized");
  ExpectError(Get("/v1/programs/kagawa/exchange-window", {{"Authorization", kToken}}), 401,
              "unauthorized");
  ExpectError(Post("/v1/members", "{not json", {{"Authorization", "Bearer x"}}), 401,
              "unauthorized");
  EXPECT_EQ(Get("/v1/programs/kagawa/exchange-window").first, 200);
  EXPECT_EQ(Get("/v1/programs/kagawa/exchange-window",
                {{"Authorization", std::string("bearer ") + kToken}})
                .first,
            200);
  EXPECT_EQ(Get("/healthz", {{"X-None", "1"}}).first, 200);
}

TEST_F(PointsHttpWireTest, MalformedAndWrongBodies) {
  ExpectError(Post("/v1/members", "{\"member_id\": "), 400, "malformed_json");
  ExpectError(Post("/v1/members", ""), 400, "malformed_json");
  ExpectError(Post("/v1/members", "[1,2]"), 400, "invalid_argument");
  ExpectError(
      Post("/v1/members", R"({"member_id":"K1","program":"kagawa","birth_date":"1985-02-30"})"),
      400, "invalid_argument");
  ExpectError(
      Post("/v1/members",
           R"({"member_id":"K1","program":"kagawa","birth_date":"1985-02-28","status":"boss"})"),
      400, "invalid_argument");
  CreateMember("K1");
  ExpectError(Post("/v1/members/K1/grants",
                   R"({"activity":"健診","points":"100","granted_on":"2025-06-01"})"),
              400, "invalid_argument");
  ExpectError(Post("/v1/members/K1/grants",
                   R"({"activity":"健診","points":1.5,"granted_on":"2025-06-01"})"),
              400, "invalid_argument");
  ExpectError(
      Post("/v1/members/K1/grants",
           R"({"activity":"健診","points":18446744073709551615,"granted_on":"2025-06-01"})"),
      400, "invalid_argument");
  ExpectError(Post("/v1/members/K1/grants", "{\"activity\":\"\xff\xfe\",\"points\":1}"), 400,
              "malformed_json");
  ExpectError(Get("/v1/members/K1/balance?as_of=2026-13-01"), 400, "invalid_argument");
  ExpectError(Get("/v1/members/K1/history?limit=ten"), 400, "invalid_argument");
  ExpectError(Post("/v1/members", "{}"), 400, "invalid_argument");
}

TEST_F(PointsHttpWireTest, PostWithoutContentLengthHasAnEmptyBody) {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = htons(static_cast<uint16_t>(server_->port()));
  ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
  // No length and no coding: the body is empty (RFC 9112 §6.3), answered at once instead of
  // after a read timeout; an empty body is not a member, so the route says why.
  std::string request = std::string("POST /v1/members HTTP/1.1\r\n") +
                        "Host: 127.0.0.1\r\nConnection: close\r\nAuthorization: Bearer " + kToken +
                        "\r\n\r\n";
  ASSERT_EQ(write(fd, request.data(), request.size()), static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[4096];
  for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;)
    response.append(buf, static_cast<size_t>(n));
  close(fd);
  EXPECT_EQ(response.rfind("HTTP/1.1 400", 0), 0u) << response;
  EXPECT_NE(response.find("\"error\":\"malformed_json\""), std::string::npos) << response;
}

TEST_F(PointsHttpWireTest, OversizedBodyIs413) {
  std::string big = "{\"item\":\"" + std::string(8000, 'a') + "\",\"points\":1}";
  ExpectError(Post("/v1/members/K1/redemptions", big), 413, "payload_too_large");
  // The server is still fine afterwards.
  EXPECT_EQ(Get("/v1/programs/kagawa/exchange-window").first, 200);
}

TEST_F(PointsHttpWireTest, UnknownMemberAndRoute) {
  auto got = Get("/v1/members/K404/balance");
  ExpectError(got, 404, "not_found");
  EXPECT_NE(got.second["message"].get<std::string>().find("会員番号"), std::string::npos);
  ExpectError(Get("/v1/nothing-here"), 404, "no_route");
  ExpectError(Get("/v1/programs/nowhere/exchange-window"), 404, "not_found");
}

TEST_F(PointsHttpWireTest, BalanceShapeAndDefaults) {
  CreateMember("K1");
  auto g1 = Post("/v1/members/K1/grants",
                 R"({"activity":"健診","points":300,"granted_on":"2025-06-01"})");
  ASSERT_EQ(g1.first, 201) << g1.second.dump();
  EXPECT_EQ(g1.second["expires_on"], "2027-03-31");
  ASSERT_EQ(
      Post("/v1/members/K1/grants", R"({"activity":"歩数","points":100,"granted_on":"2024-06-01"})")
          .first,
      201);
  auto [status, b] = Get("/v1/members/K1/balance");  // as_of: the server's today, 2026-04-30
  ASSERT_EQ(status, 200) << b.dump();
  EXPECT_EQ(b["member_id"], "K1");
  EXPECT_EQ(b["program"], "kagawa");
  EXPECT_EQ(b["as_of"], "2026-04-30");
  EXPECT_EQ(b["balance"], 300);  // the 2024 lot lapsed on 2026-03-31
  ASSERT_EQ(b["lots"].size(), 1u);
  for (const char* key : {"points", "remaining", "granted_on", "expires_on"}) {
    EXPECT_TRUE(b["lots"][0].contains(key)) << key;
  }
  EXPECT_EQ(b["expiring"], json::parse(R"([{"points":300,"expires_on":"2027-03-31"}])"));
  auto older = Get("/v1/members/K1/balance?as_of=2026-03-31");
  EXPECT_EQ(older.second["balance"], 400);
  EXPECT_EQ(older.second["expiring"][0]["expires_on"], "2026-03-31");
}

TEST_F(PointsHttpWireTest, RedemptionStatusCodes) {
  CreateMember("K1");
  ASSERT_EQ(
      Post("/v1/members/K1/grants", R"({"activity":"健診","points":300,"granted_on":"2025-06-01"})")
          .first,
      201);
  // No requested_on: the server's today (30 April), when kagawa's exchange is closed.
  auto closed = Post("/v1/members/K1/redemptions", R"({"item":"図書カード","points":100})");
  ExpectError(closed, 409, "exchange_closed");
  EXPECT_NE(closed.second["message"].get<std::string>().find("5月1日"), std::string::npos);
  ExpectError(Post("/v1/members/K1/redemptions",
                   R"({"item":"図書カード","points":1000,"requested_on":"2026-05-01"})"),
              409, "insufficient_points");
  auto ok = Post("/v1/members/K1/redemptions",
                 R"({"item":"図書カード","points":100,"requested_on":"2026-05-01"})");
  ASSERT_EQ(ok.first, 201) << ok.second.dump();
  EXPECT_EQ(ok.second["balance_after"], 200);
  auto st = Post("/v1/members/K1/status", R"({"status":"retired","effective_on":"2026-05-02"})");
  ASSERT_EQ(st.first, 200) << st.second.dump();
  EXPECT_EQ(st.second["forfeited_points"], 200);
  ExpectError(Post("/v1/members/K1/redemptions",
                   R"({"item":"図書カード","points":1,"requested_on":"2026-05-03"})"),
              409, "not_eligible");
  auto history = Get("/v1/members/K1/history?limit=2");
  ASSERT_EQ(history.first, 200);
  ASSERT_EQ(history.second["history"].size(), 2u);
  EXPECT_EQ(history.second["history"][0]["type"], "forfeit");
  EXPECT_EQ(history.second["history"][0]["status"], "retired");
  EXPECT_EQ(history.second["history"][1]["type"], "redemption");
  EXPECT_EQ(history.second["history"][1]["item"], "図書カード");
}

TEST_F(PointsHttpWireTest, ReissueNeedsAKeyAndRepeats) {
  CreateMember("K1");
  ExpectError(Post("/v1/members/K1/auth-code/reissue", ""), 400, "invalid_argument");
  httplib::Headers h = Auth();
  h.emplace("Idempotency-Key", "abc-1");
  auto first = Post("/v1/members/K1/auth-code/reissue", "", h);
  ASSERT_EQ(first.first, 201) << first.second.dump();
  EXPECT_EQ(first.second["delivery"], "postcard");
  EXPECT_EQ(first.second["requested_on"], "2026-04-30");
  EXPECT_EQ(first.second["estimated_arrival"], "2026-05-14");
  EXPECT_FALSE(first.second.contains("auth_code"));
  // The same key gets the same answer: status and body.
  auto again = Post("/v1/members/K1/auth-code/reissue", "", h);
  ASSERT_EQ(again.first, 201);
  EXPECT_EQ(again.second, first.second);
  EXPECT_EQ(again.second["repeated"], false);
  // Another key within the interval: the earlier request, 200 and repeated; and so again.
  httplib::Headers h2 = Auth();
  h2.emplace("Idempotency-Key", "abc-2");
  auto other = Post("/v1/members/K1/auth-code/reissue", "", h2);
  ASSERT_EQ(other.first, 200) << other.second.dump();
  EXPECT_EQ(other.second["request_id"], first.second["request_id"]);
  EXPECT_EQ(other.second["repeated"], true);
  auto other_again = Post("/v1/members/K1/auth-code/reissue", "", h2);
  EXPECT_EQ(other_again.first, 200);
  EXPECT_EQ(other_again.second, other.second);
}

TEST_F(PointsHttpWireTest, DatesOutOfRangeAre400AndNumbersFoldWidthAndCase) {
  CreateMember("K1");
  ExpectError(
      Post("/v1/members/K1/grants", R"({"activity":"健診","points":10,"granted_on":"9999-12-31"})"),
      400, "invalid_argument");
  ExpectError(
      Post("/v1/members", R"({"member_id":"K2","program":"kagawa","birth_date":"2099-01-01"})"),
      400, "invalid_argument");
  ExpectError(Get("/v1/members/K1/balance?as_of=2100-01-01"), 400, "invalid_argument");
  auto ok =
      Post("/v1/members/k1/grants", R"({"activity":"健診","points":10,"granted_on":"2099-12-31"})");
  ASSERT_EQ(ok.first, 201) << ok.second.dump();
  EXPECT_EQ(ok.second["expires_on"], "2101-03-31");
  // ｋ１ percent-encoded in the path.
  auto wide = Get("/v1/members/%EF%BD%8B%EF%BC%91/balance?as_of=2026-04-30");
  EXPECT_EQ(wide.first, 200) << wide.second.dump();
  auto verify = Post("/v1/members/verify",
                     R"({"member_id":"k1","birth_date":"1985-04-01","requesters":["conv-1"]})");
  ASSERT_EQ(verify.first, 200) << verify.second.dump();
  EXPECT_EQ(verify.second["level"], "weak");
  ExpectError(Post("/v1/members/verify",
                   R"({"member_id":"k1","birth_date":"1985-04-01","requesters":[1]})"),
              400, "invalid_argument");
}

TEST_F(PointsHttpWireTest, VerifyLocksWith423) {
  CreateMember("K1");
  auto weak = Post("/v1/members/verify", R"({"member_id":"K1","birth_date":"1985-04-01"})");
  ASSERT_EQ(weak.first, 200);
  EXPECT_EQ(weak.second, json::parse(R"({"verified":true,"level":"weak"})"));
  auto strong = Post("/v1/members/verify",
                     R"({"member_id":"K1","birth_date":"1985-04-01","auth_code":"CODE-K1"})");
  EXPECT_EQ(strong.second["level"], "strong");
  std::pair<int, json> last;
  for (int i = 0; i < 5; ++i) {
    last = Post("/v1/members/verify",
                R"({"member_id":"K1","birth_date":"1985-04-01","auth_code":"nope-nope"})");
  }
  ExpectError(last, 423, "locked");
}

TEST_F(PointsHttpWireTest, ProgramRoutes) {
  auto closed = Get("/v1/programs/kagawa/exchange-window");
  ASSERT_EQ(closed.first, 200);
  EXPECT_EQ(closed.second["open"], false);
  EXPECT_EQ(closed.second["next_open"], "2026-05-01");
  auto open = Get("/v1/programs/kagawa/exchange-window?on=2026-05-01");
  EXPECT_EQ(open.second, json::parse(R"({"open":true,"reason":null,"next_open":null})"));
  ExpectError(Get("/v1/programs/kagawa/members/K1/rank"), 409, "no_ranks");
}

TEST_F(PointsHttpWireTest, ReadyzNeedsNoTokenAndReadsTheLedger) {
  auto ready = Get("/readyz", {{"X-None", "1"}});
  EXPECT_EQ(ready.first, 200);
  EXPECT_EQ(ready.second, json::parse(R"({"status":"ready"})"));
  // With a token too, and whatever members the ledger holds.
  CreateMember("K7001");
  EXPECT_EQ(Get("/readyz").first, 200);
}

// /readyz follows the PostgreSQL behind the core: 503 with the reason's code while the server
// is stopped (its own server, so other tests' databases stay up), ready again once it is back,
// without restarting the core or the HTTP server.
TEST(PointsHttpReadyzTest, FollowsAStoppedAndRestartedPostgres) {
  std::string url;
  std::unique_ptr<madoguchi::testing::PostgresServer> pg =
      madoguchi::testing::OwnPostgresServer("points_readyz", &url);
  if (pg == nullptr) return;
  PostgresPointsCoreOptions co;
  co.postgres.url = url;
  co.postgres.password_env = "";
  co.programs = testing::TestPrograms();
  co.pbkdf2_iterations = 1000;
  auto core = PostgresPointsCore::Open(std::move(co));
  ASSERT_TRUE(core.ok()) << core.status().ToString();

  std::mutex mu;
  std::vector<Status> told;
  PointsHttpServerOptions so;
  so.token = kToken;
  so.on_not_ready = [&](const Status& s) {
    std::lock_guard<std::mutex> lock(mu);
    told.push_back(s);
  };
  PointsHttpServer server(**core, so);
  ASSERT_TRUE(server.Start().ok());
  httplib::Client http("127.0.0.1", server.port());
  auto readyz = [&]() -> std::pair<int, json> {
    httplib::Result r = http.Get("/readyz");
    if (!r) return {0, json()};
    return {r->status, json::parse(r->body, nullptr, false)};
  };

  EXPECT_EQ(readyz().first, 200);
  ASSERT_TRUE(pg->Stop().ok());
  auto down = readyz();
  EXPECT_EQ(down.first, 503) << down.second.dump();
  EXPECT_EQ(down.second.value("status", ""), "not_ready");
  EXPECT_EQ(down.second.value("check", ""), "database");
  EXPECT_EQ(down.second.value("error", ""), "unavailable");
  EXPECT_FALSE(down.second.value("message", "").empty());
  // PostgreSQL's words go to the operator, not onto the wire.
  EXPECT_EQ(down.second.dump().find("127.0.0.1"), std::string::npos) << down.second.dump();
  {
    std::lock_guard<std::mutex> lock(mu);
    ASSERT_EQ(told.size(), 1u);
    EXPECT_EQ(told[0].code(), StatusCode::kUnavailable);
  }
  // The process keeps serving (liveness) while the database is away.
  auto health = http.Get("/healthz");
  ASSERT_TRUE(health);
  EXPECT_EQ(health->status, 200);

  ASSERT_TRUE(pg->Restart().ok());
  int status = 0;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  while ((status = readyz().first) != 200 && std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  EXPECT_EQ(status, 200);
  server.Stop();
}

TEST(PointsHttpServerTest, RefusesToStartWithoutAToken) {
  TempDir dir;
  std::unique_ptr<SqlitePointsCore> core = OpenSqlite(dir, nullptr);
  PointsHttpServerOptions o;
  PointsHttpServer none(*core, o);
  EXPECT_EQ(none.Start().code(), StatusCode::kInvalidArgument);
  o.token = "short";
  PointsHttpServer short_token(*core, o);
  EXPECT_EQ(short_token.Start().code(), StatusCode::kInvalidArgument);
}

TEST(BearerTest, ComparesWholeTokens) {
  EXPECT_TRUE(points_http::ConstantTimeEquals("abc", "abc"));
  EXPECT_FALSE(points_http::ConstantTimeEquals("abcd", "abc"));
  EXPECT_FALSE(points_http::ConstantTimeEquals("ab", "abc"));
  EXPECT_FALSE(points_http::ConstantTimeEquals("", "abc"));
  EXPECT_FALSE(points_http::BearerMatches("Bearer ", ""));
  EXPECT_TRUE(points_http::BearerMatches("BEARER abc", "abc"));
  EXPECT_FALSE(points_http::BearerMatches("Basic abc", "abc"));
}

// ---------------------------------------------------------------------------------------------
// The client when things go wrong.

// A loopback port nothing listens on: bound, read, and closed again.
int UnusedPort() {
  int fd = socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  addr.sin_port = 0;
  bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr);
  socklen_t len = sizeof addr;
  getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len);
  close(fd);
  return ntohs(addr.sin_port);
}

TEST(HttpPointsCoreTest, StoppedServerGivesUnavailableQuickly) {
  HttpPointsCoreOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(UnusedPort());
  o.token = kToken;
  o.retry_backoff = std::chrono::milliseconds(20);
  HttpPointsCore client(o);
  auto start = std::chrono::steady_clock::now();
  StatusOr<PointBalance> b = client.Balance("K1", D(2026, 5, 1));
  StatusOr<Redemption> r = client.Redeem("K1", RedeemRequest{"券", 1, D(2026, 5, 1)});
  StatusOr<Verification> v = client.Verify(VerifyRequest{"K1", D(1990, 1, 1), {}, {}});
  auto elapsed = std::chrono::steady_clock::now() - start;
  EXPECT_EQ(b.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(b.status().reason(), kReasonUnavailable);
  EXPECT_EQ(r.status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(v.status().code(), StatusCode::kUnavailable);
  EXPECT_LT(elapsed, std::chrono::seconds(2));
}

TEST(HttpPointsCoreTest, ServerThatStopsMidwayGivesUnavailable) {
  TempDir dir;
  std::unique_ptr<SqlitePointsCore> core = OpenSqlite(dir, nullptr);
  PointsHttpServerOptions so;
  so.token = kToken;
  so.keep_alive_timeout = std::chrono::seconds(1);  // Stop() waits for the client's idle connection
  auto server = std::make_unique<PointsHttpServer>(*core, so);
  ASSERT_TRUE(server->Start().ok());
  HttpPointsCoreOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(server->port());
  o.token = kToken;
  o.retry_backoff = std::chrono::milliseconds(20);
  HttpPointsCore client(o);
  EXPECT_TRUE(client.ExchangeWindow("kagawa", D(2026, 5, 1)).ok());  // a pooled connection now
  server->Stop();
  auto start = std::chrono::steady_clock::now();
  EXPECT_EQ(client.ExchangeWindow("kagawa", D(2026, 5, 1)).status().code(),
            StatusCode::kUnavailable);
  EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(2));
}

TEST(HttpPointsCoreTest, WrongTokenIsPermissionDenied) {
  TempDir dir;
  std::unique_ptr<SqlitePointsCore> core = OpenSqlite(dir, nullptr);
  PointsHttpServerOptions so;
  so.token = kToken;
  PointsHttpServer server(*core, so);
  ASSERT_TRUE(server.Start().ok());
  HttpPointsCoreOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(server.port());
  o.token = "not-the-token-at-all";
  HttpPointsCore client(o);
  StatusOr<rules::ExchangeWindow> w = client.ExchangeWindow("kagawa", D(2026, 5, 1));
  EXPECT_EQ(w.status().code(), StatusCode::kPermissionDenied);
  EXPECT_EQ(w.status().reason(), "unauthorized");
}

// Only calls that are safe to repeat are retried: a server answering 503 counts the tries.
TEST(HttpPointsCoreTest, RetriesOnlyIdempotentCalls) {
  httplib::Server fake;
  std::atomic<int> hits{0};
  auto unavailable = [&](const httplib::Request&, httplib::Response& res) {
    ++hits;
    res.status = 503;
    res.set_content(R"({"error":"unavailable","message":"x"})", "application/json");
  };
  fake.Get(".*", unavailable);
  fake.Post(".*", unavailable);
  int port = fake.bind_to_any_port("127.0.0.1");
  std::thread t([&] { fake.listen_after_bind(); });
  while (!fake.is_running()) std::this_thread::sleep_for(std::chrono::milliseconds(1));

  HttpPointsCoreOptions o;
  o.base_url = "http://127.0.0.1:" + std::to_string(port);
  o.token = kToken;
  o.retry_backoff = std::chrono::milliseconds(5);
  auto client_ptr = std::make_unique<HttpPointsCore>(o);
  HttpPointsCore& client = *client_ptr;
  EXPECT_EQ(client.Balance("K1", D(2026, 5, 1)).status().code(), StatusCode::kUnavailable);
  EXPECT_EQ(hits.exchange(0), 3);
  EXPECT_EQ(client.RequestReissue("K1", "key", D(2026, 5, 1)).status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(hits.exchange(0), 3);
  EXPECT_EQ(client.Redeem("K1", RedeemRequest{"券", 1, D(2026, 5, 1)}).status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(hits.exchange(0), 1);
  EXPECT_EQ(client.Verify(VerifyRequest{"K1", D(1990, 1, 1), {}, {}}).status().code(),
            StatusCode::kUnavailable);
  EXPECT_EQ(hits.exchange(0), 1);
  client_ptr.reset();  // closes its keep-alive connections, so the fake stops at once
  fake.stop();
  t.join();
}

}  // namespace
}  // namespace madoguchi::points
