// Builds the helpdesk a config describes: the points core (embedded over SQLite, seeded with the
// demo members when asked, or an HTTP client of a remote `madoguchi points serve`), the engine
// over the knowledge base, and the conversation store (SQLite under the data directory, or the
// PostgreSQL database the config's "store" names). What
// `madoguchi serve` and `madoguchi chat` run. AssembleHelpdesk is called once, at start-up; what
// it returns is the caller's, and the helpdesk in it is thread-safe.
#ifndef MADOGUCHI_CLI_HELPDESK_ASSEMBLY_H_
#define MADOGUCHI_CLI_HELPDESK_ASSEMBLY_H_

#include <memory>
#include <optional>
#include <string>

#include "base/date.h"
#include "base/status.h"
#include "cli/serve_config.h"
#include "points/auth_code.h"
#include "points/error_counting_points_core.h"
#include "service/helpdesk.h"

namespace madoguchi::db {
class PgPool;
}  // namespace madoguchi::db

namespace madoguchi::cli {

struct AssemblyOptions {
  ServeConfig config;
  // Where members open the link page (LinkOptions::page_url). Required.
  std::string link_page_url;
  // Fixes "today" for every rule and for the demo data (--today). Default: the clock in
  // Asia/Tokyo.
  std::optional<Date> today;
  // PBKDF2 cost of auth codes the embedded ledger hashes (the demo members'); tests lower it.
  int pbkdf2_iterations = points::kDefaultPbkdf2Iterations;
  // Told of each points-core call that failed because the core could not answer (see
  // points/error_counting_points_core.h), whichever core the config picks; for /metrics.
  // Default: none. Must be thread-safe.
  points::PointsErrorHook on_points_error;
};

struct AssembledHelpdesk {
  std::unique_ptr<service::Helpdesk> helpdesk;
  // Where the points are, for the start-up message: "embedded (madoguchi-data/points.db)".
  std::string points_description;
  // Where conversations are kept, likewise: "SQLite, madoguchi-data/conversations.db" or
  // "PostgreSQL, postgresql://madoguchi@db/madoguchi" (the URL holds no password).
  std::string store_description;
  // With store.postgres: the process's one pool of store.pool_size connections to that
  // database, which the conversation store holds and the service hands on to the inbox and the
  // rate limiters, so a replica opens store.pool_size connections at most, not one pool per
  // part. Null with the SQLite store. Thread-safe (db::PgPool).
  std::shared_ptr<db::PgPool> postgres;
  // The demo members as a text table (member number, program, birth date, demo auth code,
  // state), when the embedded ledger holds them; empty otherwise. Kept in
  // <data_dir>/demo-members.txt when seeded, so later starts can show it too.
  std::string demo_members;
};

// InvalidArgument for a config that cannot run (http mode without its token variable set; a
// PostgreSQL store without MADOGUCHI_STATE_KEY, since replicas sharing conversations must share
// the key sealing them); the errors of the parts otherwise (a knowledge base that does not load,
// a data directory that cannot be written, PostgreSQL not answering at start). A remote points
// core that is down is not an error: members are told politely when they ask.
StatusOr<AssembledHelpdesk> AssembleHelpdesk(const AssemblyOptions& options);

}  // namespace madoguchi::cli

#endif  // MADOGUCHI_CLI_HELPDESK_ASSEMBLY_H_
