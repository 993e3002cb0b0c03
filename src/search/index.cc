#include "search/index.h"

#include <algorithm>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <thread>
#include <unordered_set>

namespace madoguchi::search {

namespace {
const char* KindName(TermKind k) {
  switch (k) {
    case TermKind::kWord:
      return "word";
    case TermKind::kReading:
      return "reading";
    case TermKind::kGram:
      return "gram";
    case TermKind::kPair:
      return "pair";
  }
  return "";
}
}  // namespace

Index::Index(const kb::ProgramKb* program, const Analyzer* analyzer, const IndexOptions& options)
    : program_(program), analyzer_(analyzer), options_(options) {
  const auto& entries = program_->entries;
  entries_.resize(entries.size());
  auto id_of = [&](const std::string& key) {
    // find first: emplace would build (and throw away) a node for every known term.
    if (auto it = term_ids_.find(key); it != term_ids_.end()) return it->second;
    int id = static_cast<int>(term_ids_.size());
    term_ids_.emplace(key, id);
    entry_frequency_.push_back(0);
    return id;
  };
  // Pass 1: analyze every text once, on every core: a large knowledge base spends most of
  // its load time in MeCab.
  struct Text {
    int entry;
    Field field;
    std::string text;
    std::vector<Term> terms;
  };
  std::vector<Text> texts;
  for (size_t e = 0; e < entries.size(); ++e) {
    const kb::Entry& entry = entries[e];
    int ei = static_cast<int>(e);
    texts.push_back({ei, Field::kQuestion, entry.question, {}});
    for (const std::string& alt : entry.alternates)
      texts.push_back({ei, Field::kQuestion, alt, {}});
    if (!entry.keywords.empty()) {
      std::string joined;
      for (const std::string& k : entry.keywords) joined += k + " ";
      texts.push_back({ei, Field::kKeywords, joined, {}});
    }
    std::string answer = entry.answer;
    for (const kb::Variant& v : entry.variants) answer += "\n" + v.answer;
    texts.push_back({ei, Field::kAnswer, answer, {}});
  }
  {
    unsigned workers = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    if (texts.size() < 512) workers = 1;
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < texts.size();) {
        texts[i].terms = analyzer_->Analyze(texts[i].text).terms;
      }
    };
    std::vector<std::thread> pool;
    for (unsigned w = 1; w < workers; ++w) pool.emplace_back(work);
    work();
    for (std::thread& t : pool) t.join();
  }
  // Count in how many entries each term occurs; from here on a term is its id.
  using Raw = std::vector<std::pair<int, float>>;  // (term id, analyzer weight)
  std::vector<Raw> phrase_raw;
  std::vector<Raw> answer_raw(entries.size());
  {
    size_t i = 0;
    std::vector<int> seen;
    for (size_t e = 0; e < entries.size(); ++e) {
      entries_[e].first_phrase = static_cast<int>(phrases_.size());
      seen.clear();
      for (; i < texts.size() && texts[i].entry == static_cast<int>(e); ++i) {
        Text& t = texts[i];
        Raw raw;
        raw.reserve(t.terms.size());
        for (const Term& term : t.terms) {
          int id = id_of(term.key);
          raw.emplace_back(id, term.weight);
          seen.push_back(id);
        }
        if (t.field == Field::kAnswer) {
          answer_raw[e] = std::move(raw);
        } else if (!raw.empty()) {
          phrases_.push_back({t.entry, t.field, std::move(t.text), {}});
          phrase_raw.push_back(std::move(raw));
        }
      }
      entries_[e].phrase_count = static_cast<int>(phrases_.size()) - entries_[e].first_phrase;
      std::sort(seen.begin(), seen.end());
      seen.erase(std::unique(seen.begin(), seen.end()), seen.end());
      for (int id : seen) ++entry_frequency_[id];
    }
  }
  texts.clear();
  common_df_ = std::max(64, static_cast<int>(entries.size()) / 20);
  // Pass 2: weigh.
  auto make_vec = [&](const Raw& raw, Vec* v) {
    double norm2 = 0;
    v->terms.reserve(raw.size());
    for (const auto& [id, weight] : raw) {
      float w = weight * IdfOf(entry_frequency_[id]);
      v->terms.emplace_back(id, w);
      norm2 += static_cast<double>(w) * w;
    }
    std::sort(v->terms.begin(), v->terms.end());
    v->norm = static_cast<float>(std::sqrt(norm2));
  };
  for (size_t p = 0; p < phrases_.size(); ++p) make_vec(phrase_raw[p], &phrases_[p].vec);
  postings_.resize(term_ids_.size());
  Raw all;
  for (size_t e = 0; e < entries.size(); ++e) {
    EntryDocs& d = entries_[e];
    // An entry's vocabulary: each term at its strongest, a little more when several phrases
    // share it (the entry's consistent wording).
    all.clear();
    for (int p = d.first_phrase; p < d.first_phrase + d.phrase_count; ++p) {
      all.insert(all.end(), phrase_raw[p].begin(), phrase_raw[p].end());
    }
    std::sort(all.begin(), all.end());
    size_t out = 0;
    for (size_t k = 0; k < all.size(); ++k) {
      if (out > 0 && all[out - 1].first == all[k].first) {
        all[out - 1].second = std::max(all[out - 1].second, all[k].second) * 1.1f;
      } else {
        all[out++] = all[k];
      }
    }
    all.resize(out);
    make_vec(all, &d.all);
    make_vec(answer_raw[e], &d.answer);
    for (const auto& [id, w] : d.all.terms) postings_[id].emplace_back(static_cast<int>(e), w);
    for (const auto& [id, w] : d.answer.terms) {
      // Answer-only terms still lead to the entry; their weight comes from the answer vector.
      if (!std::binary_search(all.begin(), all.end(), std::make_pair(id, -1e30f),
                              [](const auto& a, const auto& b) { return a.first < b.first; })) {
        postings_[id].emplace_back(static_cast<int>(e), 0.0f);
      }
    }
  }
}

float Index::IdfOf(int df) const {
  float n = static_cast<float>(program_->entries.size());
  return std::log(1.0f + (n + 1.0f) / (df > 0 ? static_cast<float>(df) : 0.5f));
}

Index::QueryVec Index::Weigh(const Analyzed& query) const {
  QueryVec q;
  std::vector<std::pair<std::pair<int, float>, int>> known;
  // Surfaces whose reading the index knows: 出来る is not foreign when できる is indexed.
  std::unordered_set<std::string> heard;
  for (const Term& t : query.terms) {
    if (t.kind == TermKind::kReading && term_ids_.count(t.key)) heard.insert(t.surface);
  }
  for (size_t i = 0; i < query.terms.size(); ++i) {
    const Term& t = query.terms[i];
    auto it = term_ids_.find(t.key);
    int df = it == term_ids_.end() ? 0 : entry_frequency_[it->second];
    float w = t.weight * IdfOf(df);
    // A query word no entry has, in writing or in sound, is evidence the question is about
    // something else.
    if (df == 0 && t.kind == TermKind::kWord && !heard.count(t.surface)) {
      w *= options_.unseen_weight;
    }
    q.norm += static_cast<double>(w) * w;
    q.sum += w;
    if (it != term_ids_.end()) known.push_back({{it->second, w}, static_cast<int>(i)});
  }
  std::sort(known.begin(), known.end());
  for (const auto& [tw, i] : known) {
    q.known.push_back(tw);
    q.term_of_known.push_back(i);
  }
  q.norm = std::sqrt(q.norm);
  return q;
}

double Index::Dot(const QueryVec& q, const Vec& v) {
  double dot = 0;
  auto a = q.known.begin();
  auto b = v.terms.begin();
  while (a != q.known.end() && b != v.terms.end()) {
    if (a->first < b->first) {
      ++a;
    } else if (b->first < a->first) {
      ++b;
    } else {
      dot += static_cast<double>(a->second) * b->second;
      ++a;
      ++b;
    }
  }
  return dot;
}

std::vector<Candidate> Index::Search(std::string_view query, const SearchOptions& options) const {
  return Search(analyzer_->Analyze(query), options);
}

std::vector<Candidate> Index::Search(const Analyzed& query, const SearchOptions& options) const {
  std::vector<Candidate> out;
  QueryVec q = Weigh(query);
  if (q.known.empty() || q.norm <= 0) return out;

  // Step 1: gather entries through the postings of the rarer terms (all terms when the
  // query has only common ones).
  bool any_rare = false;
  for (const auto& [id, w] : q.known) any_rare |= entry_frequency_[id] <= common_df_;
  std::vector<float> partial(entries_.size(), 0.0f);
  std::vector<int> touched;
  for (const auto& [id, w] : q.known) {
    if (any_rare && entry_frequency_[id] > common_df_) continue;
    for (const auto& [entry, ew] : postings_[id]) {
      if (partial[entry] == 0.0f) touched.push_back(entry);
      partial[entry] += w * ew + 1e-6f;  // + ε: an answer-only match still counts as touched
    }
  }
  if (static_cast<int>(touched.size()) > options.rerank) {
    std::nth_element(touched.begin(), touched.begin() + options.rerank, touched.end(),
                     [&](int a, int b) { return partial[a] > partial[b]; });
    touched.resize(options.rerank);
  }
  // Step 2: exact scores.
  for (int e : touched) {
    Candidate c = Score(q, e, query, options.explain);
    if (c.score > 0) out.push_back(std::move(c));
  }
  std::sort(out.begin(), out.end(), [](const Candidate& a, const Candidate& b) {
    return a.score != b.score ? a.score > b.score : a.entry->id < b.entry->id;
  });
  if (static_cast<int>(out.size()) > options.limit) out.resize(options.limit);
  return out;
}

Candidate Index::Score(const QueryVec& q, int e, const Analyzed& query, bool explain) const {
  const EntryDocs& d = entries_[e];
  Candidate c;
  c.entry = &program_->entries[e];
  float best = 0;
  const Phrase* best_phrase = nullptr;
  for (int p = d.first_phrase; p < d.first_phrase + d.phrase_count; ++p) {
    const Phrase& ph = phrases_[p];
    if (ph.vec.norm <= 0) continue;
    float cos = static_cast<float>(Dot(q, ph.vec) / (q.norm * ph.vec.norm));
    if (ph.field == Field::kKeywords) cos *= options_.keyword_weight;
    if (cos > best) {
      best = cos;
      best_phrase = &ph;
    }
  }
  float all = d.all.norm > 0 ? static_cast<float>(Dot(q, d.all) / (q.norm * d.all.norm)) : 0;
  float answer =
      d.answer.norm > 0 ? static_cast<float>(Dot(q, d.answer) / (q.norm * d.answer.norm)) : 0;
  float score = (1 - options_.entry_weight) * best + options_.entry_weight * all +
                options_.answer_weight * answer;
  // Coverage: the share of the query's weight that the entry's own wording knows.
  double covered = 0;
  {
    auto b = d.all.terms.begin();
    for (const auto& [id, w] : q.known) {
      while (b != d.all.terms.end() && b->first < id) ++b;
      if (b != d.all.terms.end() && b->first == id) covered += w;
    }
  }
  c.coverage = q.sum > 0 ? static_cast<float>(covered / q.sum) : 0;
  c.evidence = static_cast<float>(covered / IdfOf(0));
  score *= (1 - options_.coverage_weight) + options_.coverage_weight * c.coverage;
  c.score = std::min(1.0f, score);
  if (best_phrase != nullptr) c.matched_phrase = best_phrase->text;
  if (!explain) return c;
  // Which query terms the best phrase (or else the answer) shares, and how much each gives.
  const Vec* sources[] = {best_phrase ? &best_phrase->vec : nullptr, &d.answer};
  for (size_t k = 0; k < q.known.size(); ++k) {
    const auto& [id, w] = q.known[k];
    for (const Vec* v : sources) {
      if (v == nullptr || v->norm <= 0) continue;
      auto it = std::lower_bound(v->terms.begin(), v->terms.end(), std::make_pair(id, -1e30f));
      if (it == v->terms.end() || it->first != id) continue;
      const Term& t = query.terms[q.term_of_known[k]];
      std::string kind = KindName(t.kind);
      if (t.synonym) kind = "synonym";
      c.why.push_back(
          {t.key, t.surface, kind, static_cast<float>(w * it->second / (q.norm * v->norm))});
      break;
    }
  }
  std::sort(c.why.begin(), c.why.end(), [](const MatchedTerm& a, const MatchedTerm& b) {
    return a.contribution > b.contribution;
  });
  return c;
}

}  // namespace madoguchi::search
