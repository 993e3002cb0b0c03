#include "synthetic_kb.h"

#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <random>
#include <set>

#include "kb/knowledge_base.h"
#include "rules/placeholders.h"
#include "text/utf8.h"

namespace madoguchi::bench {

namespace {
// Splits a question into rough chunks at particles and punctuation, as vocabulary to recombine.
std::vector<std::string> Chunks(const std::string& s) {
  std::vector<std::string> out;
  std::u32string cur;
  static const std::u32string kBreaks = U"はがをにでとものへやか、。？！?!「」 ";
  for (char32_t c : text::DecodeUtf8(s)) {
    if (kBreaks.find(c) != std::u32string::npos) {
      if (cur.size() >= 2) out.push_back(text::EncodeUtf8(cur));
      cur.clear();
    } else {
      cur.push_back(c);
    }
  }
  if (cur.size() >= 2) out.push_back(text::EncodeUtf8(cur));
  return out;
}
}  // namespace

std::vector<std::string> WriteSyntheticKb(const std::string& source_kb, const std::string& dir,
                                          const std::string& program, int entries, unsigned seed) {
  kb::LoadOptions lo;
  lo.known_placeholders = rules::KnownPlaceholders();
  auto kb = kb::LoadKnowledgeBase(source_kb, lo);
  std::set<std::string> vocab_set;
  if (kb.ok()) {
    for (const auto& [id, p] : kb->programs) {
      for (const auto& e : p.entries) {
        for (const auto& c : Chunks(e.question)) vocab_set.insert(c);
        for (const auto& a : e.alternates) {
          for (const auto& c : Chunks(a)) vocab_set.insert(c);
        }
      }
    }
  }
  std::vector<std::string> vocab(vocab_set.begin(), vocab_set.end());
  if (vocab.empty()) vocab = {"ポイント", "交換", "期限", "登録"};
  static const char* kParticles[] = {"の", "は", "を", "が", "に", "で"};
  std::mt19937 rng(seed);
  auto word = [&] { return vocab[rng() % vocab.size()]; };
  auto sentence = [&] {
    int n = 2 + static_cast<int>(rng() % 3);
    std::string s;
    for (int i = 0; i < n; ++i) s += word() + (i + 1 < n ? kParticles[rng() % 6] : "");
    return s + "？";
  };
  nlohmann::json list = nlohmann::json::array();
  std::vector<std::string> queries;
  for (int i = 0; i < entries; ++i) {
    nlohmann::json alts = nlohmann::json::array();
    for (int k = 0; k < 6; ++k) alts.push_back(sentence());
    if (i % 50 == 0) queries.push_back(alts[rng() % alts.size()].get<std::string>());
    list.push_back({{"id", program + "-" + std::to_string(i + 1)},
                    {"question", sentence()},
                    {"alternates", alts},
                    {"answer", sentence() + sentence() + sentence()}});
  }
  namespace fs = std::filesystem;
  fs::create_directories(fs::path(dir) / program);
  std::ofstream(fs::path(dir) / program / "program.json")
      << nlohmann::json{{"id", program}, {"name", "synthetic"}, {"actions", {"handoff"}}}.dump();
  std::ofstream(fs::path(dir) / program / "faq.json") << nlohmann::json{{"entries", list}}.dump();
  return queries;
}

}  // namespace madoguchi::bench
