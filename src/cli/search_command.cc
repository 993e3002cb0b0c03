// `madoguchi search`: batch retrieval for staff and for measuring retrieval on any imported FAQ.
// Reads qid<TAB>text lines, prints qid<TAB>rank<TAB>id<TAB>score.
#include <cstdio>
#include <fstream>
#include <iostream>

#include "cli/commands.h"

namespace madoguchi::cli {

int RunSearch(const std::vector<std::string>& args) {
  std::set<std::string> with_value = EngineFlagNames();
  with_value.insert({"program", "queries", "top"});
  auto flags = ParseFlags(args, with_value, {});
  if (!flags.ok() || !flags->Get("program") || !flags->Get("queries")) {
    std::cerr << "usage: madoguchi search --kb DIR --program P --queries FILE [--top K]\n";
    return 2;
  }
  int top = std::atoi(flags->GetOr("top", "5").c_str());
  if (top <= 0) top = 5;
  auto engine = EngineFromFlags(*flags);
  if (!engine.ok()) {
    std::cerr << "madoguchi search: " << engine.status().message() << "\n";
    return 1;
  }
  const search::Index* index = (*engine)->index(*flags->Get("program"));
  if (index == nullptr) {
    std::cerr << "madoguchi search: unknown program \"" << *flags->Get("program") << "\"\n";
    return 1;
  }
  std::ifstream in(*flags->Get("queries"));
  if (!in) {
    std::cerr << "madoguchi search: " << *flags->Get("queries") << ": cannot be read\n";
    return 1;
  }
  search::SearchOptions so;
  so.limit = top;
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    size_t tab = line.find('\t');
    if (line.empty() || line[0] == '#' || tab == std::string::npos) continue;
    std::string qid = line.substr(0, tab);
    auto candidates = index->Search(line.substr(tab + 1), so);
    for (size_t i = 0; i < candidates.size(); ++i) {
      char score[32];
      std::snprintf(score, sizeof score, "%.4f", candidates[i].score);
      std::cout << qid << '\t' << i + 1 << '\t' << candidates[i].entry->id << '\t' << score << '\n';
    }
  }
  return 0;
}

}  // namespace madoguchi::cli
