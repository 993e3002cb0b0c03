// `madoguchi kb check DIR` and `madoguchi kb import …`.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "kb/importer.h"
#include "kb/knowledge_base.h"
#include "rules/placeholders.h"

namespace madoguchi::cli {

namespace {

StatusOr<std::string> ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return Status(StatusCode::kNotFound, path + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

int Check(const std::vector<std::string>& args) {
  if (args.size() != 1) {
    std::cerr << "usage: madoguchi kb check DIR\n";
    return 2;
  }
  kb::LoadOptions lo;
  lo.known_placeholders = rules::KnownPlaceholders();
  std::vector<kb::LoadProblem> problems;
  auto kb = kb::LoadKnowledgeBase(args[0], lo, &problems);
  if (!kb.ok()) {
    if (problems.empty()) std::cerr << kb.status().message() << "\n";
    for (const auto& p : problems) std::cerr << p.ToString() << "\n";
    std::cerr << problems.size() << " problem(s)\n";
    return 1;
  }
  for (const auto& [id, p] : kb->programs) {
    size_t alternates = 0;
    for (const auto& e : p.entries) alternates += e.alternates.size();
    std::cout << id << ": " << p.entries.size() << " entries, " << alternates << " alternates\n";
  }
  std::cout << "ok\n";
  return 0;
}

int Import(const std::vector<std::string>& args) {
  auto flags = ParseFlags(args, {"questions", "answers", "csv", "program", "name", "out"}, {});
  if (!flags.ok() || !flags->Get("program") || !flags->Get("out") ||
      !(flags->Get("csv") || (flags->Get("questions") && flags->Get("answers")))) {
    std::cerr << "usage: madoguchi kb import (--questions Q.tsv --answers A.tsv | --csv F.csv) "
                 "--program NAME --out DIR [--name DISPLAY]\n";
    return 2;
  }
  StatusOr<std::vector<kb::Entry>> entries = Status(StatusCode::kInternal, "unset");
  if (auto csv = flags->Get("csv")) {
    auto text = ReadFile(*csv);
    if (!text.ok()) {
      std::cerr << text.status().message() << "\n";
      return 1;
    }
    entries = kb::ImportCsv(*text);
  } else {
    auto q = ReadFile(*flags->Get("questions"));
    auto a = ReadFile(*flags->Get("answers"));
    if (!q.ok() || !a.ok()) {
      std::cerr << (q.ok() ? a.status() : q.status()).message() << "\n";
      return 1;
    }
    entries = kb::ImportTsv(*q, *a);
  }
  if (!entries.ok()) {
    std::cerr << "madoguchi kb import: " << entries.status().message() << "\n";
    return 1;
  }
  kb::ImportOptions io{*flags->Get("program"), flags->GetOr("name", "")};
  Status st = kb::WriteProgramFolder(*flags->Get("out"), io, *entries);
  if (!st.ok()) {
    std::cerr << "madoguchi kb import: " << st.message() << "\n";
    return 1;
  }
  std::cout << "imported " << entries->size() << " entries into " << *flags->Get("out") << "/"
            << io.program_id << "\n";
  return 0;
}

}  // namespace

int RunKb(const std::vector<std::string>& args) {
  if (!args.empty() && args[0] == "check") return Check({args.begin() + 1, args.end()});
  if (!args.empty() && args[0] == "import") return Import({args.begin() + 1, args.end()});
  std::cerr << "usage: madoguchi kb check DIR | madoguchi kb import …\n";
  return 2;
}

}  // namespace madoguchi::cli
