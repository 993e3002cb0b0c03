// `madoguchi eval-retrieval`: how well retrieval generalises to a FAQ imported without
// alternates. Each program's own entries are indexed by question and answer only
// (EngineOptions::bare), and every alternate they had becomes a query whose one relevant entry
// is its own (leave the alternates out). Any knowledge base can be measured this way, so a
// change to retrieval is judged on more than the bundled alternates it was tuned with.
// Prints one line per program and one for all queries together; with --misses, also a JSON line
// for each alternate whose own entry is not ranked first, with the entries that were.
#include <cmath>
#include <iomanip>
#include <iostream>
#include <nlohmann/json.hpp>
#include <sstream>

#include "cli/commands.h"
#include "search/retrieval_metrics.h"

namespace madoguchi::cli {

namespace {

std::string Line(const std::string& name, const search::RetrievalMetrics& m, bool json) {
  auto round4 = [](double v) { return std::round(v * 10000) / 10000; };
  if (json) {
    return nlohmann::ordered_json{{"program", name},
                                  {"queries", m.queries()},
                                  {"ndcg@10", round4(m.Ndcg())},
                                  {"recall@10", round4(m.Recall())},
                                  {"mrr", round4(m.Mrr())},
                                  {"top1", round4(m.Top1())}}
        .dump();
  }
  std::ostringstream out;
  out << std::fixed << std::setprecision(4) << std::left << std::setw(10) << name << " queries "
      << std::setw(5) << m.queries() << " nDCG@10 " << m.Ndcg() << "  Recall@10 " << m.Recall()
      << "  MRR " << m.Mrr() << "  top-1 " << m.Top1();
  return out.str();
}

// One alternate whose own entry did not come first: rank 0 means not in the first ten.
std::string MissLine(const std::string& id, const std::string& query, int rank,
                     const std::vector<search::Candidate>& ranked) {
  nlohmann::ordered_json line{{"miss", query}, {"expected", id}, {"rank", rank}};
  nlohmann::ordered_json top = nlohmann::ordered_json::array();
  for (size_t i = 0; i < ranked.size() && i < 3; ++i) {
    top.push_back(
        {{"id", ranked[i].entry->id}, {"score", std::round(ranked[i].score * 1000) / 1000}});
  }
  line["top"] = std::move(top);
  return line.dump();
}

}  // namespace

int RunEvalRetrieval(const std::vector<std::string>& args) {
  std::set<std::string> with_value = EngineFlagNames();
  with_value.insert({"program", "min-ndcg"});
  auto flags = ParseFlags(args, with_value, {"json", "misses"});
  if (!flags.ok()) {
    std::cerr << "usage: madoguchi eval-retrieval [--kb DIR] [--program P] [--json] [--misses] "
                 "[--min-ndcg X]\n";
    return 2;
  }
  auto options = EngineOptionsFromFlags(*flags);
  if (!options.ok()) {
    std::cerr << "madoguchi eval-retrieval: " << options.status().message() << "\n";
    return 1;
  }
  // The queries come from the whole knowledge base, the index from the bare one.
  options->bare = false;
  auto full = service::Engine::Create(*options);
  options->bare = true;
  auto bare = full.ok() ? service::Engine::Create(*options) : full.status();
  if (!bare.ok()) {
    std::cerr << "madoguchi eval-retrieval: " << bare.status().message() << "\n";
    return 1;
  }
  const bool json = flags->Has("json");
  // An organisation tuning its FAQ wants to see which of its phrasings miss, and what wins.
  const bool misses = flags->Has("misses");
  const auto only = flags->Get("program");
  search::RetrievalMetrics all;
  search::SearchOptions so;
  so.limit = search::RetrievalMetrics::kCutoff;
  for (const auto& [id, program] : (*full)->knowledge_base().programs) {
    if (only && *only != id) continue;
    const search::Index* index = (*bare)->index(id);
    search::RetrievalMetrics m;
    for (const kb::Entry& entry : program.entries) {
      if (!entry.IsOwnFaq()) continue;
      for (const std::string& alternate : entry.alternates) {
        std::vector<search::Candidate> ranked = index->Search(alternate, so);
        int rank = 0;
        for (size_t i = 0; i < ranked.size() && rank == 0; ++i) {
          if (ranked[i].entry->id == entry.id) rank = static_cast<int>(i) + 1;
        }
        m.Add(rank);
        if (misses && rank != 1) std::cout << MissLine(entry.id, alternate, rank, ranked) << "\n";
        all.Add(rank);
      }
    }
    if (m.queries() > 0) std::cout << Line(id, m, json) << "\n";
  }
  std::cout << Line("all", all, json) << std::endl;
  if (auto floor = flags->Get("min-ndcg"); floor && all.Ndcg() < std::stod(*floor)) {
    std::cerr << "madoguchi eval-retrieval: nDCG@10 " << all.Ndcg() << " below " << *floor << "\n";
    return 1;
  }
  return 0;
}

}  // namespace madoguchi::cli
