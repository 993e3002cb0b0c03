// What `madoguchi serve` and `madoguchi chat` run: the listen address, the data directory, the
// knowledge base, where the points core is, and the limits. A JSON file (docs/configuration.md;
// deploy/madoguchi.example.json) or, without one, the embedded default. Secrets are never here:
// the file names the environment variables that hold them. Plain data; parsing is pure and
// thread-safe.
#ifndef MADOGUCHI_CLI_SERVE_CONFIG_H_
#define MADOGUCHI_CLI_SERVE_CONFIG_H_

#include <cstddef>
#include <string>
#include <string_view>

#include "base/status.h"

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
  // Largest request body, in bytes, and longest message, in characters.
  size_t max_body_bytes = 64 * 1024;
  size_t max_text_chars = 2000;
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
