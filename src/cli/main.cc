// The madoguchi executable: dispatches to subcommands.
#include <iostream>
#include <string>
#include <vector>

#include "cli/commands.h"
#include "cli/service_commands.h"
#if __has_include("cli/points_command.h")
#include "cli/points_command.h"
#define MADOGUCHI_HAVE_POINTS 1
#endif

namespace {

void Usage() {
  std::cerr << "madoguchi — helpdesk answers for health-point programs\n\n"
               "  madoguchi serve [--config FILE] [--listen HOST:PORT] [--data-dir DIR] "
               "[--today D] [--kb DIR]\n"
               "  madoguchi chat --program P [--config FILE] [--data-dir DIR] [--today D]\n"
               "  madoguchi ask --program P [--today D] [--json] [--explain] [--bare] [TEXT]\n"
               "  madoguchi eval --set FILE [--today D] [--bare] --json\n"
               "  madoguchi eval-retrieval [--program P] [--json] [--misses] [--min-ndcg X]\n"
               "  madoguchi search --program P --queries FILE [--top K] [--kb DIR]\n"
               "  madoguchi kb check DIR\n"
               "  madoguchi kb import (--questions Q.tsv --answers A.tsv | --csv F.csv) "
               "--program NAME --out DIR\n"
               "  madoguchi points serve|seed-demo …\n";
}

}  // namespace

int main(int argc, char** argv) {
  std::vector<std::string> args(argv + 1, argv + argc);
  if (args.empty() || args[0] == "help" || args[0] == "--help" || args[0] == "-h") {
    Usage();
    return args.empty() ? 2 : 0;
  }
  std::string cmd = args[0];
  std::vector<std::string> rest(args.begin() + 1, args.end());
  using namespace madoguchi::cli;
  if (cmd == "serve") return RunServe(rest);
  if (cmd == "chat") return RunChat(rest);
  if (cmd == "ask") return RunAsk(rest);
  if (cmd == "eval") return RunEval(rest);
  if (cmd == "eval-retrieval") return RunEvalRetrieval(rest);
  if (cmd == "search") return RunSearch(rest);
  if (cmd == "kb") return RunKb(rest);
#ifdef MADOGUCHI_HAVE_POINTS
  if (cmd == "points") return RunPointsCommand(rest);
#endif
  std::cerr << "madoguchi: unknown command \"" << cmd << "\"\n\n";
  Usage();
  return 2;
}
