#include "cli/helpdesk_assembly.h"

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>

#include "base/private_files.h"
#include "cli/table.h"
#include "kb/knowledge_base.h"
#include "points/demo_seed.h"
#include "points/sqlite_points_core.h"
#include "points_http/client.h"
#include "rules/placeholders.h"
#include "store/postgres_conversation_store.h"

namespace madoguchi::cli {

namespace {

constexpr char kDemoMembersFile[] = "demo-members.txt";
// Where store::Sealer looks for the state key before falling back to a file in the data
// directory.
constexpr char kStateKeyEnvVar[] = "MADOGUCHI_STATE_KEY";

// The conversation store the config names: nullptr for the embedded SQLite file, which the
// helpdesk opens itself. A PostgreSQL store opens the process's pool, kept in *pool for the
// service's other parts on that database.
StatusOr<std::unique_ptr<store::ConversationStore>> OpenSharedStore(
    const ServeConfig& config, const store::ConversationStoreOptions& options,
    std::string* description, std::shared_ptr<db::PgPool>* pool) {
  *description = "SQLite, " + config.data_dir + "/conversations.db";
  if (config.store.postgres_url.empty()) return std::unique_ptr<store::ConversationStore>();
  // Links and flow slots are sealed with the state key. A key generated into each replica's own
  // data directory would leave every replica unable to open what the others sealed, so a
  // shared store takes the key from the environment only.
  const char* key = std::getenv(kStateKeyEnvVar);
  if (key == nullptr || *key == '\0') {
    return InvalidArgument(std::string("store.postgres is set: every replica sharing it must seal "
                                       "with the same state key; set ") +
                           kStateKeyEnvVar +
                           " to the same 64 hex characters in each (openssl rand -hex 32)");
  }
  db::PostgresOptions postgres;
  postgres.url = config.store.postgres_url;
  postgres.password_env = config.store.password_env;
  postgres.pool_size = config.store.pool_size;
  StatusOr<std::unique_ptr<db::PgPool>> opened_pool = db::PgPool::Open(postgres);
  if (!opened_pool.ok()) {
    return Status(opened_pool.status().code(),
                  "conversation store: " + opened_pool.status().message());
  }
  std::shared_ptr<db::PgPool> shared(std::move(opened_pool).value());
  StatusOr<std::unique_ptr<store::PostgresConversationStore>> opened =
      store::PostgresConversationStore::Open(shared, options);
  if (!opened.ok()) {
    return Status(opened.status().code(), "conversation store: " + opened.status().message());
  }
  *pool = std::move(shared);
  *description = "PostgreSQL, " + config.store.postgres_url;
  return std::unique_ptr<store::ConversationStore>(std::move(opened).value());
}

// The programs' rules, which the embedded ledger applies.
StatusOr<std::vector<kb::Program>> LoadPrograms(const std::string& kb_dir) {
  kb::LoadOptions lo;
  lo.known_placeholders = rules::KnownPlaceholders();
  StatusOr<kb::KnowledgeBase> kb = kb::LoadKnowledgeBase(kb_dir, lo);
  if (!kb.ok()) return kb.status();
  std::vector<kb::Program> programs;
  for (const auto& [id, program] : kb->programs) programs.push_back(program.program);
  return programs;
}

std::string DemoTable(const std::vector<points::DemoMember>& members) {
  std::vector<std::vector<std::string>> rows = {
      {"会員番号", "プログラム", "生年月日", "認証コード(デモ)", "状態"}};
  for (const points::DemoMember& m : members) {
    rows.push_back({m.member_id, m.program, FormatIsoDate(m.birth_date), m.auth_code, m.state});
  }
  return FormatTable(rows);
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  if (in) s << in.rdbuf();
  return s.str();
}

// The first line of the stored table: the day the demo members' states describe.
constexpr char kSeededOnPrefix[] = "状態は ";
constexpr char kSeededOnSuffix[] = " 時点です。";

// Seeds a fresh ledger; a ledger that has them already keeps its data. The demo members' dates
// are relative to the day they were seeded, so a later start on another day (--today) says
// which day the stored table describes instead of passing it off as today's.
StatusOr<std::string> SeedDemoMembers(points::PointsCore& core,
                                      const std::vector<kb::Program>& programs, const Date& today,
                                      const std::string& data_dir) {
  const std::string file = data_dir + "/" + kDemoMembersFile;
  StatusOr<std::vector<points::DemoMember>> seeded = points::SeedDemo(core, programs, today);
  if (seeded.ok()) {
    std::string table =
        kSeededOnPrefix + FormatIsoDate(today) + kSeededOnSuffix + "\n" + DemoTable(*seeded);
    std::ofstream(file, std::ios::binary | std::ios::trunc) << table;
    return table;
  }
  if (seeded.status().code() == StatusCode::kAlreadyExists) {
    std::string table = ReadFile(file);
    const std::string prefix = kSeededOnPrefix;
    std::optional<Date> seeded_on;
    if (table.rfind(prefix, 0) == 0) {
      seeded_on = ParseIsoDate(table.substr(prefix.size(), 10));
    }
    if (seeded_on && *seeded_on != today) {
      table += "※ このデータフォルダのデモ会員は " + FormatIsoDate(*seeded_on) +
               " に作られたもので、状態はその日のものです。" + FormatIsoDate(today) +
               " の状態で試すときは、新しいデータフォルダ（--data-dir）で始めてください。\n";
    }
    return table;
  }
  // A knowledge base without the demo programs simply has no demo members.
  if (seeded.status().code() == StatusCode::kNotFound) return std::string();
  return seeded.status();
}

}  // namespace

StatusOr<AssembledHelpdesk> AssembleHelpdesk(const AssemblyOptions& options) {
  const ServeConfig& config = options.config;
  if (options.link_page_url.empty()) return InvalidArgument("a link page URL is required");
  // Members' data lives here: the service's user only.
  Status dir = MakePrivateDirectory(config.data_dir);
  if (!dir.ok()) return Unavailable("cannot create the data directory: " + dir.message());

  service::HelpdeskOptions ho;
  ho.data_dir = config.data_dir;
  ho.engine.kb_dir = config.kb_dir;
  if (options.today) ho.engine.clock = std::make_shared<FixedClock>(*options.today);
  ho.link.page_url = options.link_page_url;

  AssembledHelpdesk out;
  // Before the points core: a config that cannot share state fails before a ledger is seeded.
  StatusOr<std::unique_ptr<store::ConversationStore>> conversations =
      OpenSharedStore(config, ho.store, &out.store_description, &out.postgres);
  if (!conversations.ok()) return conversations.status();
  std::unique_ptr<points::PointsCore> core;
  if (config.points.mode == PointsConfig::Mode::kHttp) {
    const char* token = std::getenv(config.points.token_env.c_str());
    if (token == nullptr || *token == '\0') {
      return InvalidArgument("the points core is remote (" + config.points.url + "): set " +
                             config.points.token_env + " to its bearer token");
    }
    points_http::HttpPointsCoreOptions o;
    o.base_url = config.points.url;
    o.token = token;
    o.connect_timeout = std::chrono::milliseconds(config.points.connect_timeout_ms);
    o.read_timeout = std::chrono::milliseconds(config.points.read_timeout_ms);
    core = std::make_unique<points_http::HttpPointsCore>(std::move(o));
    out.points_description = "remote, " + config.points.url;
  } else {
    const std::string kb_dir =
        config.kb_dir.empty() ? service::DefaultDataPath("faq") : config.kb_dir;
    StatusOr<std::vector<kb::Program>> programs = LoadPrograms(kb_dir);
    if (!programs.ok()) return programs.status();
    points::SqlitePointsCoreOptions o;
    o.db_path = config.data_dir + "/points.db";
    o.programs = *programs;
    // As many connections as the HTTP server has workers, so none waits for another's.
    o.max_connections = 16;
    o.pbkdf2_iterations = options.pbkdf2_iterations;
    StatusOr<std::unique_ptr<points::SqlitePointsCore>> sqlite =
        points::SqlitePointsCore::Open(std::move(o));
    if (!sqlite.ok()) return sqlite.status();
    if (config.points.seed_demo) {
      const Date today = options.today ? *options.today : SystemClock().Today();
      StatusOr<std::string> table = SeedDemoMembers(**sqlite, *programs, today, config.data_dir);
      if (!table.ok()) return table.status();
      out.demo_members = std::move(table).value();
    }
    core = std::move(sqlite).value();
    out.points_description = "embedded, " + config.data_dir + "/points.db";
  }
  // Wrapped after seeding: the demo members' creation is start-up, not service to count.
  if (options.on_points_error) {
    core =
        std::make_unique<points::ErrorCountingPointsCore>(std::move(core), options.on_points_error);
  }
  StatusOr<std::unique_ptr<service::Helpdesk>> helpdesk =
      service::Helpdesk::Create(ho, std::move(core), std::move(conversations).value());
  if (!helpdesk.ok()) return helpdesk.status();
  out.helpdesk = std::move(helpdesk).value();
  return out;
}

}  // namespace madoguchi::cli
