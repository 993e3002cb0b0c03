// The points core's hot calls, in process and over HTTP on loopback: Balance (a read: one member,
// its lots) and Redeem (a write transaction with an fsync under synchronous=FULL).
//
//   madoguchi_points_bench --benchmark_min_time=2
//
// Figures go in notes, not in asserts; run from a release build.
#include <benchmark/benchmark.h>

#include <memory>
#include <string>

#include "points/sqlite_points_core.h"
#include "points/test_programs.h"
#include "points_http/client.h"
#include "points_http/server.h"

namespace madoguchi::points {
namespace {

using testing::D;

constexpr char kToken[] = "bench-token-0123456789abcdef";

// A ledger with one member holding `lots` lots, plenty to redeem from.
struct Ledger {
  explicit Ledger(bool synchronous_full, int lots = 10) {
    SqlitePointsCoreOptions o;
    o.db_path = dir.File("bench.db");
    o.programs = testing::TestPrograms();
    o.pbkdf2_iterations = 1000;
    o.sqlite.synchronous_full = synchronous_full;
    core = std::move(SqlitePointsCore::Open(std::move(o))).value();
    NewMember m;
    m.member_id = "K1";
    m.program = "kagawa";
    m.birth_date = D(1980, 6, 15);
    (void)core->CreateMember(m);
    for (int i = 0; i < lots; ++i) {
      (void)core->Grant("K1", GrantRequest{"健診", 1'000'000, AddDays(D(2025, 6, 1), i)});
    }
  }
  testing::TempDir dir;
  std::unique_ptr<SqlitePointsCore> core;
};

// The same ledger behind `points serve`, reached with HttpPointsCore.
struct Remote {
  explicit Remote(bool synchronous_full) : ledger(synchronous_full) {
    points_http::PointsHttpServerOptions so;
    so.token = kToken;
    server = std::make_unique<points_http::PointsHttpServer>(*ledger.core, so);
    (void)server->Start();
    points_http::HttpPointsCoreOptions co;
    co.base_url = "http://127.0.0.1:" + std::to_string(server->port());
    co.token = kToken;
    client = std::make_unique<points_http::HttpPointsCore>(co);
  }
  ~Remote() {
    client.reset();  // closes keep-alive connections so Stop() does not wait for them
    server->Stop();
  }
  Ledger ledger;
  std::unique_ptr<points_http::PointsHttpServer> server;
  std::unique_ptr<points_http::HttpPointsCore> client;
};

void RunBalance(benchmark::State& state, PointsCore& core) {
  for (auto _ : state) {
    StatusOr<PointBalance> b = core.Balance("K1", D(2025, 12, 1));
    if (!b.ok()) state.SkipWithError(b.status().ToString().c_str());
    benchmark::DoNotOptimize(b);
  }
}

void RunRedeem(benchmark::State& state, PointsCore& core) {
  for (auto _ : state) {
    StatusOr<Redemption> r = core.Redeem("K1", RedeemRequest{"QUOカード", 1, D(2025, 12, 1)});
    if (!r.ok()) state.SkipWithError(r.status().ToString().c_str());
    benchmark::DoNotOptimize(r);
  }
}

void BM_BalanceInProcess(benchmark::State& state) {
  Ledger ledger(true, static_cast<int>(state.range(0)));
  RunBalance(state, *ledger.core);
}
BENCHMARK(BM_BalanceInProcess)->Arg(1)->Arg(10)->Arg(100)->UseRealTime();

// Arg: 1 = synchronous=FULL (the default), 0 = NORMAL.
void BM_RedeemInProcess(benchmark::State& state) {
  Ledger ledger(state.range(0) == 1);
  RunRedeem(state, *ledger.core);
}
// Real time: a commit under synchronous=FULL mostly waits for the disk, which CPU time hides.
BENCHMARK(BM_RedeemInProcess)->Arg(1)->Arg(0)->UseRealTime();

void BM_BalanceOverHttp(benchmark::State& state) {
  Remote remote(true);
  RunBalance(state, *remote.client);
}
BENCHMARK(BM_BalanceOverHttp)->UseRealTime();

void BM_RedeemOverHttp(benchmark::State& state) {
  Remote remote(state.range(0) == 1);
  RunRedeem(state, *remote.client);
}
BENCHMARK(BM_RedeemOverHttp)->Arg(1)->Arg(0)->UseRealTime();

// Many threads reading at once through one in-process core (its connection pool).
void BM_BalanceInProcessThreads(benchmark::State& state) {
  static Ledger* ledger = nullptr;
  if (state.thread_index() == 0) ledger = new Ledger(true);
  // The loop starts and ends on a barrier of all threads: `ledger` is set inside it, and only
  // freed after every thread has left it.
  for (auto _ : state) {
    StatusOr<PointBalance> b = ledger->core->Balance("K1", D(2025, 12, 1));
    if (!b.ok()) state.SkipWithError(b.status().ToString().c_str());
    benchmark::DoNotOptimize(b);
  }
  if (state.thread_index() == 0) {
    delete ledger;
    ledger = nullptr;
  }
}
BENCHMARK(BM_BalanceInProcessThreads)->Threads(1)->Threads(2)->Threads(4)->UseRealTime();

}  // namespace
}  // namespace madoguchi::points

BENCHMARK_MAIN();
