#include "cli/points_command.h"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>

#include "cli/flags.h"
#include "cli/table.h"
#include "kb/knowledge_base.h"
#include "points/demo_seed.h"
#include "points/sqlite_points_core.h"
#include "points_http/server.h"
#include "rules/placeholders.h"
#include "service/engine.h"

namespace madoguchi::cli {

namespace {

void Usage() {
  std::cerr << "usage:\n"
               "  madoguchi points serve --db FILE --listen HOST:PORT [--today YYYY-MM-DD] "
               "[--kb DIR]\n"
               "  madoguchi points seed-demo --db FILE [--today YYYY-MM-DD] [--kb DIR]\n"
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
  std::unique_ptr<points::SqlitePointsCore> core;
};

StatusOr<Ledger> OpenLedger(const Flags& flags) {
  std::optional<std::string> db = flags.Get("db");
  if (!db || db->empty()) return InvalidArgument("--db FILE is required");
  kb::LoadOptions lo;
  lo.known_placeholders = rules::KnownPlaceholders();
  StatusOr<kb::KnowledgeBase> kb =
      kb::LoadKnowledgeBase(flags.GetOr("kb", service::DefaultDataPath("faq")), lo);
  if (!kb.ok()) return kb.status();
  Ledger ledger;
  for (const auto& [id, program] : kb->programs) ledger.programs.push_back(program.program);
  points::SqlitePointsCoreOptions o;
  o.db_path = *db;
  o.programs = ledger.programs;
  // As many connections as the HTTP server has worker threads, so none waits for another's.
  o.max_connections = 8;
  StatusOr<std::unique_ptr<points::SqlitePointsCore>> core =
      points::SqlitePointsCore::Open(std::move(o));
  if (!core.ok()) return core.status();
  ledger.core = std::move(core).value();
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
  StatusOr<Flags> flags = ParseFlags(args, {"db", "today", "kb"}, {});
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
  std::cout << "デモ会員を登録しました（" << *flags->Get("db") << "、基準日 "
            << FormatIsoDate(*today) << "）。認証コードはデモ会員に限り表示しています。\n\n";
  std::cout << FormatTable(table);
  return 0;
}

int Serve(const std::vector<std::string>& args) {
  StatusOr<Flags> flags = ParseFlags(args, {"db", "listen", "today", "kb"}, {});
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
  points_http::PointsHttpServer server(*ledger->core, o);
  Status started = server.Start();
  if (!started.ok()) return Fail(started);
  std::string names;
  for (const kb::Program& p : ledger->programs) names += (names.empty() ? "" : ", ") + p.id;
  std::cerr << "madoguchi points: serving http://" << host << ":" << server.port() << " (db "
            << *flags->Get("db") << "; programs " << names << ")\n";
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
