// What `madoguchi serve` and `madoguchi chat` run: the listen address, the data directory, the
// knowledge base, where the points core is, and the limits. A JSON file (docs/configuration.md;
// deploy/madoguchi.example.json) or, without one, the embedded default. Secrets are never here:
// the file names the environment variables that hold them. Plain data; parsing is pure and
// thread-safe.
#ifndef MADOGUCHI_CLI_SERVE_CONFIG_H_
#define MADOGUCHI_CLI_SERVE_CONFIG_H_

#include <cstddef>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "store/inbox_admission.h"

namespace madoguchi::cli {

struct PointsConfig {
  enum class Mode {
    kEmbedded,  // SqlitePointsCore at <data_dir>/points.db, in this process
    kHttp,      // HttpPointsCore against a remote `madoguchi points serve`
  };
  Mode mode = Mode::kEmbedded;
  // kEmbedded: registers the demo members (points::SeedDemo) in a fresh ledger. Default: false
  // in a config file, true in the embedded default; never do it in production.
  bool seed_demo = false;
  // kHttp: the server's base URL ("http://127.0.0.1:8081"). Required in that mode.
  std::string url;
  // kHttp: the environment variable holding the server's bearer token.
  std::string token_env = "MADOGUCHI_POINTS_TOKEN";
  // kHttp: giving up on connecting and on an answer.
  int connect_timeout_ms = 1000;
  int read_timeout_ms = 5000;
};

// One LINE official account: POST /webhook/line/{name}. The secret and the access token are read
// from the environment variables named here, never from the file.
struct LineChannelConfig {
  std::string name;
  std::string program;
  std::string secret_env;
  std::string token_env;
  std::string api_base_url;  // empty: LINE's own
};

struct SlackWorkspaceConfig {
  std::string team_id;  // empty: any team not listed elsewhere
  std::string bot_token_env;
  std::string program;
  std::map<std::string, std::string> channel_programs;
};

// The Slack app: POST /webhook/slack. Absent when signing_secret_env is empty.
struct SlackConfig {
  std::string signing_secret_env;
  std::vector<SlackWorkspaceConfig> workspaces;
  std::string api_base_url;  // empty: Slack's own
};

// Where conversation state, links, feedback and the unanswered log live.
struct StoreConfig {
  // A libpq URI without the password ("postgresql://madoguchi@db:5432/madoguchi"): the shared
  // PostgreSQL store that several replicas use. Empty: the embedded SQLite files in data_dir.
  std::string postgres_url;
  // The environment variable holding the PostgreSQL password; unset: no password (trust or peer
  // authentication).
  std::string password_env = "MADOGUCHI_POSTGRES_PASSWORD";
  // Connections this process opens to PostgreSQL at most.
  int pool_size = 8;
};

// Per-user message limit (ops::RateLimiter; with store.postgres, ops::PostgresRateLimiter).
struct RateLimitConfig {
  double per_minute = 30;
  double burst = 10;
};

struct ServeConfig {
  std::string listen = "127.0.0.1:8080";  // HOST:PORT
  // Conversation state, the state key and (embedded) the ledger. Relative to the working
  // directory.
  std::string data_dir = "./madoguchi-data";
  // The knowledge-base folder. Empty: the bundled faq/.
  std::string kb_dir;
  // Where members open the link page. Empty: http://<listen>/link, right only when members
  // reach the service at that address; set it behind a proxy or TLS terminator.
  std::string link_page_url;
  PointsConfig points;
  StoreConfig store;
  // Largest request body, in bytes, and longest message, in characters.
  size_t max_body_bytes = 64 * 1024;
  size_t max_text_chars = 2000;
  // HTTP requests handled at once (http::HttpServerOptions::worker_threads). Connections do
  // not hold them: only requests that have fully arrived do.
  int http_threads = 64;
  // LINE and Slack events not yet answered at which their webhooks answer 503 and enqueue
  // nothing (store::InboxAdmission); 0: no limit.
  int64_t inbox_max_depth = store::kDefaultInboxMaxDepth;
  RateLimitConfig rate_limit;
  std::vector<LineChannelConfig> line_channels;
  // Where LINE's account-link dialog is (the link page of a LINE conversation redirects to
  // <this>/dialog/bot/accountLink). Empty: LINE's own, https://access.line.me.
  std::string line_access_base_url;
  SlackConfig slack;
  // Hex SHA-256 of each staff token (`madoguchi staff hash-token`); the staff API and
  // /api/v1/kb/reload accept only these (and $MADOGUCHI_STAFF_TOKEN), never the API token.
  std::vector<std::string> staff_token_sha256;
};

// The embedded default: loopback, ./madoguchi-data, bundled knowledge base, embedded ledger
// with the demo members.
ServeConfig DefaultServeConfig();

// A config file's text. Every key is optional (the defaults of ServeConfig apply; seed_demo is
// false); an unknown key, a wrong type or a bad value is InvalidArgument naming the key.
StatusOr<ServeConfig> ParseServeConfig(std::string_view json_text);
// Reads and parses FILE; NotFound when it cannot be read.
StatusOr<ServeConfig> LoadServeConfig(const std::string& path);

}  // namespace madoguchi::cli

#endif  // MADOGUCHI_CLI_SERVE_CONFIG_H_
