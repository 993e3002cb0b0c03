// `madoguchi points …`: runs the points core as its own service and fills demo databases.
//
//   madoguchi points serve LEDGER --listen HOST:PORT [--today YYYY-MM-DD] [--kb DIR]
//   madoguchi points seed-demo LEDGER [--today YYYY-MM-DD] [--kb DIR]
//
// LEDGER is --db FILE, a SQLite file, or --database postgresql://USER@HOST:PORT/DB, which
// several serve processes may share; its password comes from the environment variable
// --database-password-env names (default MADOGUCHI_POINTS_DATABASE_PASSWORD), and a URL that
// carries one is refused.
// serve reads its bearer token from $MADOGUCHI_POINTS_TOKEN and refuses to start without one;
// it runs until SIGINT or SIGTERM. --kb defaults to the bundled faq folder, whose program.json
// files give the programs' rules.
#ifndef MADOGUCHI_CLI_POINTS_COMMAND_H_
#define MADOGUCHI_CLI_POINTS_COMMAND_H_

#include <string>
#include <vector>

namespace madoguchi::cli {

// `args` are the words after "points". Returns the exit code: 0 ok, 1 failure, 2 usage error.
int RunPointsCommand(const std::vector<std::string>& args);

}  // namespace madoguchi::cli

#endif  // MADOGUCHI_CLI_POINTS_COMMAND_H_
