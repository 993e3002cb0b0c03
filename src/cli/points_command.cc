#include "cli/points_command.h"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <set>

#include "cli/flags.h"
#include "cli/table.h"
#include "kb/knowledge_base.h"
#include "points/demo_seed.h"
#include "points/postgres_points_core.h"
#include "points/sqlite_points_core.h"
#include "points_http/server.h"
#include "rules/placeholders.h"
#include "service/engine.h"

namespace madoguchi::cli {

namespace {

void Usage() {
  std::cerr << "usage:\n"
               "  madoguchi points serve LEDGER --listen HOST:PORT [--today YYYY-MM-DD] "
               "[--kb DIR]\n"
               "  madoguchi points seed-demo LEDGER [--today YYYY-MM-DD] [--kb DIR]\n"
               "LEDGER is --db FILE (SQLite) or --database postgresql://USER@HOST:PORT/DB\n"
               "[--database-password-env VAR] (the password from $VAR, default $"
            << points::kPointsDatabasePasswordEnv
            << "; never in the URL).\n"
               "serve takes its bearer token from $"
            << points_http::kTokenEnvVar << ".\n";
}

int Fail(const Status& s) {
  // Statuses with a reason carry a message for people; the others are operator detail.
  std::cerr << "madoguchi points: " << (s.reason().empty() ? s.ToString() : s.message()) << "\n";
  return 1;
}

// Everything both subcommands open: the programs' rules and the ledger over them.
struct Ledger {
  std::vector<kb::Program> programs;
  std::unique_ptr<points::PointsCore> core;
  std::string where;  // the file or the database URL (which never holds a password)
};

// The flags every subcommand takes to name its ledger.
const std::set<std::string> kLedgerFlags = {"db", "database", "database-password-env"};

StatusOr<Ledger> OpenLedger(const Flags& flags) {
  std::optional<std::string> db = flags.Get("db");
  std::optional<std::string> database = flags.Get("database");
  if (db.has_value() == database.has_value() || (db && db->empty()) ||
      (database && database->empty())) {
    return InvalidArgument("give the ledger as --db FILE or as --database postgresql://…");
  }
  if (flags.Get("database-password-env") && !database) {
    return InvalidArgument("--database-password-env goes with --database");
  }
  kb::LoadOptions lo;
  lo.known_placeholders = rules::KnownPlaceholders();
  StatusOr<kb::KnowledgeBase> kb =
      kb::LoadKnowledgeBase(flags.GetOr("kb", service::DefaultDataPath("faq")), lo);
  if (!kb.ok()) return kb.status();
  Ledger ledger;
  for (const auto& [id, program] : kb->programs) ledger.programs.push_back(program.program);
  // As many connections as the HTTP server has worker threads, so none waits for another's.
  constexpr int kConnections = 8;
  if (database) {
    // Several `points serve` processes may share this database: the core locks what it changes.
    points::PostgresPointsCoreOptions o;
    o.postgres.url = *database;
    o.postgres.password_env =
        flags.GetOr("database-password-env", points::kPointsDatabasePasswordEnv);
    o.postgres.pool_size = kConnections;
    o.programs = ledger.programs;
    StatusOr<std::unique_ptr<points::PostgresPointsCore>> core =
        points::PostgresPointsCore::Open(std::move(o));
    if (!core.ok()) return core.status();
    ledger.core = std::move(core).value();
    ledger.where = *database;
    return ledger;
  }
  points::SqlitePointsCoreOptions o;
  o.db_path = *db;
  o.programs = ledger.programs;
  o.max_connections = kConnections;
  StatusOr<std::unique_ptr<points::SqlitePointsCore>> core =
      points::SqlitePointsCore::Open(std::move(o));
  if (!core.ok()) return core.status();
  ledger.core = std::move(core).value();
  ledger.where = *db;
  return ledger;
}

StatusOr<Date> TodayFrom(const Flags& flags) {
  std::optional<std::string> t = flags.Get("today");
  if (!t) return SystemClock().Today();
  std::optional<Date> d = ParseIsoDate(*t);
  if (!d) return InvalidArgument("--today must be YYYY-MM-DD, got \"" + *t + "\"");
  return *d;
}

// "127.0.0.1:8081" → host and port (0–65535).
bool ParseListen(const std::string& listen, std::string* host, int* port) {
  size_t colon = listen.rfind(':');
  if (colon == std::string::npos || colon == 0) return false;
  *host = listen.substr(0, colon);
  std::string p = listen.substr(colon + 1);
  if (p.empty() || p.size() > 5 || p.find_first_not_of("0123456789") != std::string::npos) {
    return false;
  }
  *port = std::atoi(p.c_str());
  return *port <= 65535;
}

int SeedDemo(const std::vector<std::string>& args) {
  std::set<std::string> known = kLedgerFlags;
  known.insert({"today", "kb"});
  StatusOr<Flags> flags = ParseFlags(args, known, {});
  if (!flags.ok()) {
    Usage();
    return 2;
  }
  StatusOr<Date> today = TodayFrom(*flags);
  if (!today.ok()) return Fail(today.status());
  StatusOr<Ledger> ledger = OpenLedger(*flags);
  if (!ledger.ok()) return Fail(ledger.status());
  StatusOr<std::vector<points::DemoMember>> rows =
      points::SeedDemo(*ledger->core, ledger->programs, *today);
  if (!rows.ok()) return Fail(rows.status());
  std::vector<std::vector<std::string>> table = {
      {"会員番号", "プログラム", "生年月日", "認証コード(デモ)", "状態"}};
  for (const points::DemoMember& m : *rows) {
    table.push_back({m.member_id, m.program, FormatIsoDate(m.birth_date), m.auth_code, m.state});
  }
  std::cout << "デモ会員を登録しました（" << ledger->where << "、基準日 " << FormatIsoDate(*today)
            << "）。認証コードはデモ会員に限り表示しています。\n\n";
  std::cout << FormatTable(table);
  return 0;
}

int Serve(const std::vector<std::string>& args) {
  std::set<std::string> known = kLedgerFlags;
  known.insert({"listen", "today", "kb"});
  StatusOr<Flags> flags = ParseFlags(args, known, {});
  if (!flags.ok() || !flags->Get("listen")) {
    Usage();
    return 2;
  }
  std::string host;
  int port = 0;
  if (!ParseListen(*flags->Get("listen"), &host, &port)) {
    std::cerr << "madoguchi points: --listen must be HOST:PORT\n";
    return 2;
  }
  const char* token = std::getenv(points_http::kTokenEnvVar);
  if (token == nullptr || std::string(token).size() < points_http::kMinTokenLength) {
    std::cerr << "madoguchi points: set " << points_http::kTokenEnvVar
              << " to a secret of at least " << points_http::kMinTokenLength
              << " characters; refusing to serve without it\n";
    return 2;
  }
  std::unique_ptr<FixedClock> fixed;
  if (flags->Get("today")) {
    StatusOr<Date> today = TodayFrom(*flags);
    if (!today.ok()) return Fail(today.status());
    fixed = std::make_unique<FixedClock>(*today);
  }
  StatusOr<Ledger> ledger = OpenLedger(*flags);
  if (!ledger.ok()) return Fail(ledger.status());

  // Block the stop signals before any thread starts, so they inherit the mask and the signal
  // reaches sigwait below instead of killing the process mid-request.
  sigset_t stop_signals;
  sigemptyset(&stop_signals);
  sigaddset(&stop_signals, SIGINT);
  sigaddset(&stop_signals, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop_signals, nullptr);

  points_http::PointsHttpServerOptions o;
  o.host = host;
  o.port = port;
  o.token = token;
  o.clock = fixed.get();
  // The operator's half of a failed readiness check: why the database did not answer (the
  // probe gets only the error code). The core's messages name no member.
  o.on_not_ready = [](const Status& s) {
    std::cerr << "madoguchi points: not ready: " + s.ToString() + "\n" << std::flush;
  };
  points_http::PointsHttpServer server(*ledger->core, o);
  Status started = server.Start();
  if (!started.ok()) return Fail(started);
  std::string names;
  for (const kb::Program& p : ledger->programs) names += (names.empty() ? "" : ", ") + p.id;
  std::cerr << "madoguchi points: serving http://" << host << ":" << server.port() << " (ledger "
            << ledger->where << "; programs " << names << ")\n";
  int sig = 0;
  sigwait(&stop_signals, &sig);
  std::cerr << "madoguchi points: stopping\n";
  server.Stop();
  return 0;
}

}  // namespace

int RunPointsCommand(const std::vector<std::string>& args) {
  if (args.empty()) {
    Usage();
    return 2;
  }
  std::vector<std::string> rest(args.begin() + 1, args.end());
  if (args[0] == "serve") return Serve(rest);
  if (args[0] == "seed-demo") return SeedDemo(rest);
  if (args[0] == "help" || args[0] == "--help") {
    Usage();
    return 0;
  }
  std::cerr << "madoguchi points: unknown subcommand \"" << args[0] << "\"\n";
  Usage();
  return 2;
}

}  // namespace madoguchi::cli
