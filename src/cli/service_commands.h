// `madoguchi serve` and `madoguchi chat`: the helpdesk as a service, and the same conversation
// in a terminal.
//
//   madoguchi serve [--config FILE] [--listen HOST:PORT] [--data-dir DIR] [--today YYYY-MM-DD]
//                   [--kb DIR]
//   madoguchi chat --program P [--config FILE] [--data-dir DIR] [--today YYYY-MM-DD] [--kb DIR]
//
// Without --config both run the embedded default (serve_config.h); flags override the config.
// serve runs until SIGINT or SIGTERM.
#ifndef MADOGUCHI_CLI_SERVICE_COMMANDS_H_
#define MADOGUCHI_CLI_SERVICE_COMMANDS_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "cli/flags.h"
#include "cli/serve_config.h"

namespace madoguchi::cli {

// `args` are the words after the command. Exit code: 0 ok, 1 failure, 2 usage error.
int RunServe(const std::vector<std::string>& args);
int RunChat(const std::vector<std::string>& args);

// The config both commands run: --config FILE or the embedded default, with --listen,
// --data-dir and --kb applied over it.
StatusOr<ServeConfig> ConfigFromFlags(const Flags& flags);

}  // namespace madoguchi::cli

#endif  // MADOGUCHI_CLI_SERVICE_COMMANDS_H_
