// The subcommands of the madoguchi executable. Each takes the arguments after its name and
// returns the process exit code (0 ok, 1 failure, 2 usage error).
#ifndef MADOGUCHI_CLI_COMMANDS_H_
#define MADOGUCHI_CLI_COMMANDS_H_

#include <memory>
#include <string>
#include <vector>

#include "base/status.h"
#include "cli/flags.h"
#include "service/engine.h"

namespace madoguchi::cli {

int RunAsk(const std::vector<std::string>& args);
int RunEval(const std::vector<std::string>& args);
int RunSearch(const std::vector<std::string>& args);
int RunKb(const std::vector<std::string>& args);
int RunEvalRetrieval(const std::vector<std::string>& args);

// Flags every engine-using command accepts: --kb DIR, --dictionaries DIR, --mecab-dic DIR,
// --user-dic FILE, --today YYYY-MM-DD, --tune K=V,…; and the switch --bare where a command
// accepts it (EngineOptions::bare).
const std::set<std::string>& EngineFlagNames();
StatusOr<service::EngineOptions> EngineOptionsFromFlags(const Flags& flags);
StatusOr<std::unique_ptr<service::Engine>> EngineFromFlags(const Flags& flags);

}  // namespace madoguchi::cli

#endif  // MADOGUCHI_CLI_COMMANDS_H_
