#include "search/index.h"

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <unordered_set>

namespace madoguchi::search {

namespace {
const char* KindName(TermKind k) {
  switch (k) {
    case TermKind::kWord: return "word";
    case TermKind::kReading: return "reading";
    case TermKind::kGram: return "gram";
    case TermKind::kPair: return "pair";
  }
  return "";
}
}  // namespace

Index::Index(const kb::ProgramKb* program, const Analyzer* analyzer, const IndexOptions& options)
    : program_(program), analyzer_(analyzer), options_(options) {
  // Pass 1: analyze every phrase and count entry frequencies.
  std::vector<std::vector<Term>> phrase_terms;
  const auto& entries = program_->entries;
  for (size_t e = 0; e < entries.size(); ++e) {
    const kb::Entry& entry = entries[e];
    std::unordered_set<std::string> entry_keys;
    auto add_phrase = [&](const std::string& text, Field field) {
      Analyzed a = analyzer_->Analyze(text);
      if (a.terms.empty()) return;
      for (const Term& t : a.terms) entry_keys.insert(t.key);
      phrases_.push_back({static_cast<int>(e), field, text, 0});
      phrase_terms.push_back(std::move(a.terms));
    };
    add_phrase(entry.question, Field::kQuestion);
    for (const std::string& alt : entry.alternates) add_phrase(alt, Field::kQuestion);
    if (!entry.keywords.empty()) {
      std::string joined;
      for (const std::string& k : entry.keywords) joined += k + " ";
      add_phrase(joined, Field::kKeywords);
    }
    // Every question, alternate and keyword of the entry as one more phrase.
    {
      std::unordered_map<std::string, Term> merged;
      for (size_t k = phrase_terms.size(); k-- > 0 && phrases_[k].entry == static_cast<int>(e);) {
        for (const Term& t : phrase_terms[k]) {
          auto [it, inserted] = merged.emplace(t.key, t);
          if (!inserted) it->second.weight = std::max(it->second.weight, t.weight) * 1.1f;
        }
      }
      if (!merged.empty()) {
        phrases_.push_back({static_cast<int>(e), Field::kEntry, entry.question, 0});
        std::vector<Term> terms;
        for (auto& [k, t] : merged) terms.push_back(std::move(t));
        phrase_terms.push_back(std::move(terms));
      }
    }
    std::string answer = entry.answer;
    for (const kb::Variant& v : entry.variants) answer += "\n" + v.answer;
    if (!answer.empty()) add_phrase(answer, Field::kAnswer);
    for (const std::string& k : entry_keys) ++entry_frequency_[k];
  }
  max_idf_ = std::log(1.0f + (static_cast<float>(entries.size()) + 1.0f) / 0.5f);
  // Pass 2: weights and postings.
  for (size_t p = 0; p < phrases_.size(); ++p) {
    double norm2 = 0;
    for (const Term& t : phrase_terms[p]) {
      float w = t.weight * Idf(t.key);
      norm2 += static_cast<double>(w) * w;
      postings_[t.key].push_back({static_cast<int>(p), w});
    }
    phrases_[p].norm = static_cast<float>(std::sqrt(norm2));
  }
}

float Index::Idf(const std::string& key) const {
  auto it = entry_frequency_.find(key);
  float df = it == entry_frequency_.end() ? 0.5f : static_cast<float>(it->second);
  return std::log(1.0f + (static_cast<float>(program_->entries.size()) + 1.0f) / df);
}

std::vector<Candidate> Index::Search(std::string_view query, const SearchOptions& options) const {
  return Search(analyzer_->Analyze(query), options);
}

std::vector<Candidate> Index::Search(const Analyzed& query, const SearchOptions& options) const {
  std::vector<Candidate> out;
  if (query.terms.empty()) return out;
  // Query weights; words the index has never seen still count in the norm, so a question
  // about something else scores low.
  std::vector<float> qw(query.terms.size());
  double qnorm2 = 0;
  for (size_t i = 0; i < query.terms.size(); ++i) {
    const std::string& key = query.terms[i].key;
    qw[i] = query.terms[i].weight * Idf(key);
    if (query.terms[i].kind == TermKind::kWord && !entry_frequency_.count(key)) {
      qw[i] *= options_.unseen_weight;
    }
    qnorm2 += static_cast<double>(qw[i]) * qw[i];
  }
  const float qnorm = static_cast<float>(std::sqrt(qnorm2));
  double qsum = 0;
  for (float w : qw) qsum += w;
  if (qnorm <= 0) return out;

  std::unordered_map<int, float> dot;  // phrase → dot product
  std::unordered_map<int, uint64_t> known;  // kEntry phrase → which query terms it holds
  dot.reserve(256);
  for (size_t i = 0; i < query.terms.size(); ++i) {
    auto it = postings_.find(query.terms[i].key);
    if (it == postings_.end()) continue;
    for (const Posting& p : it->second) {
      dot[p.phrase] += qw[i] * p.weight;
      if (i < 64 && phrases_[p.phrase].field == Field::kEntry) known[p.phrase] |= uint64_t{1} << i;
    }
  }

  struct Best {
    float phrase = 0;
    int phrase_id = -1;
    float entry = 0;
    float answer = 0;
    uint64_t known = 0;
  };
  std::unordered_map<int, Best> by_entry;
  for (const auto& [pid, d] : dot) {
    const Phrase& ph = phrases_[pid];
    float cos = ph.norm > 0 ? d / (qnorm * ph.norm) : 0;
    Best& b = by_entry[ph.entry];
    switch (ph.field) {
      case Field::kAnswer:
        b.answer = std::max(b.answer, cos);
        continue;
      case Field::kEntry:
        b.entry = cos;
        b.known = known[pid];
        continue;
      case Field::kKeywords:
        cos *= options_.keyword_weight;
        break;
      case Field::kQuestion:
        break;
    }
    if (cos > b.phrase) {
      b.phrase = cos;
      b.phrase_id = pid;
    }
  }
  for (const auto& [entry, b] : by_entry) {
    float score = (1 - options_.entry_weight) * b.phrase + options_.entry_weight * b.entry +
                  options_.answer_weight * b.answer;
    score = std::min(1.0f, score);
    if (score <= 0) continue;
    Candidate c;
    c.entry = &program_->entries[entry];
    c.score = score;  // scaled by coverage below
    double covered = 0;
    for (size_t i = 0; i < query.terms.size() && i < 64; ++i) {
      if (b.known & (uint64_t{1} << i)) covered += qw[i];
    }
    c.coverage = static_cast<float>(covered / qsum);
    c.score *= (1 - options_.coverage_weight) + options_.coverage_weight * c.coverage;
    if (b.phrase_id >= 0) c.matched_phrase = phrases_[b.phrase_id].text;
    out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.entry->id < b.entry->id;
  });
  if (static_cast<int>(out.size()) > options.limit) out.resize(options.limit);

  if (options.explain) {
    for (Candidate& c : out) {
      // Re-derive which query terms the entry's best phrase (or its answer) shares.
      int entry_index = static_cast<int>(c.entry - program_->entries.data());
      for (size_t i = 0; i < query.terms.size(); ++i) {
        auto it = postings_.find(query.terms[i].key);
        if (it == postings_.end()) continue;
        float best = 0;
        for (const Posting& p : it->second) {
          if (phrases_[p.phrase].entry != entry_index) continue;
          if (phrases_[p.phrase].text != c.matched_phrase &&
              phrases_[p.phrase].field != Field::kAnswer &&
              phrases_[p.phrase].field != Field::kEntry) {
            continue;
          }
          best = std::max(best, qw[i] * p.weight / (qnorm * phrases_[p.phrase].norm));
        }
        if (best <= 0) continue;
        const Term& t = query.terms[i];
        std::string kind = KindName(t.kind);
        if (t.kind == TermKind::kWord && t.key.substr(2) != t.surface) kind = "synonym";
        c.why.push_back({t.key, t.surface, kind, best});
      }
      std::sort(c.why.begin(), c.why.end(), [](const MatchedTerm& a, const MatchedTerm& b) {
        return a.contribution > b.contribution;
      });
    }
  }
  return out;
}

}  // namespace madoguchi::search
