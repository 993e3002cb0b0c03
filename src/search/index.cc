#include "search/index.h"

#include <algorithm>
#include <array>
#include <atomic>
#include <cmath>
#include <cstdint>
#include <string_view>
#include <thread>

#include "text/utf8.h"

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
    case TermKind::kNumber:
      return "number";
    case TermKind::kNegation:
      return "negation";
  }
  return "";
}
}  // namespace

Index::Index(const kb::ProgramKb* program, const Analyzer* analyzer, const IndexOptions& options)
    : program_(program), analyzer_(analyzer), options_(options) {
  const auto& entries = program_->entries;
  entries_.resize(entries.size());
  answer_coverage_.resize(entries.size());
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
    std::vector<std::string> helping_verbs;
  };
  std::vector<Text> texts;
  for (size_t e = 0; e < entries.size(); ++e) {
    const kb::Entry& entry = entries[e];
    int ei = static_cast<int>(e);
    texts.push_back({ei, Field::kQuestion, entry.question, {}, {}});
    for (const std::string& alt : entry.alternates)
      texts.push_back({ei, Field::kAlternate, alt, {}, {}});
    if (!entry.keywords.empty()) {
      std::string joined;
      for (const std::string& k : entry.keywords) joined += k + " ";
      texts.push_back({ei, Field::kKeywords, joined, {}, {}});
    }
    // Placeholders are filled when answering ({{expiry_of grant_date}} becomes a date): their
    // markup would otherwise be words of the answer, and 「date」 would find the expiry entry.
    std::string answer = kb::WithoutPlaceholders(entry.answer);
    for (const kb::Variant& v : entry.variants) answer += "\n" + kb::WithoutPlaceholders(v.answer);
    texts.push_back({ei, Field::kAnswer, answer, {}, {}});
  }
  {
    unsigned workers = std::max(1u, std::min(8u, std::thread::hardware_concurrency()));
    if (texts.size() < 512) workers = 1;
    std::atomic<size_t> next{0};
    auto work = [&] {
      for (size_t i; (i = next.fetch_add(1)) < texts.size();) {
        Analyzed a = analyzer_->AnalyzeToIndex(texts[i].text);
        texts[i].terms = std::move(a.terms);
        texts[i].helping_verbs = std::move(a.helping_verbs);
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
  // BM25F: each entry's occurrences per field, and the fields' lengths.
  constexpr int kFields = 4;
  std::vector<std::array<Raw, kFields>> field_tf(entries.size());
  std::vector<std::array<float, kFields>> field_len(entries.size());
  std::vector<int> wordings(entries.size());  // its question and alternates with a term
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
        const int f = static_cast<int>(t.field);
        for (const Term& term : t.terms) {
          int id = id_of(term.key);
          raw.emplace_back(id, term.weight);
          seen.push_back(id);
          const float occurrences = term.weight / analyzer_->UnitWeight(term);
          field_tf[e][f].emplace_back(id, occurrences);
          field_len[e][f] += occurrences;
        }
        if ((t.field == Field::kQuestion || t.field == Field::kAlternate) && !raw.empty()) {
          ++wordings[e];
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
  for (const Text& t : texts) helping_verbs_.insert(t.helping_verbs.begin(), t.helping_verbs.end());
  texts.clear();
  for (const auto& [key, id] : term_ids_) {
    if (key.compare(0, 2, "w:") != 0) continue;
    words_.push_back(key.substr(2));
    reversed_words_.emplace_back(words_.back().rbegin(), words_.back().rend());
  }
  std::sort(words_.begin(), words_.end());
  std::sort(reversed_words_.begin(), reversed_words_.end());
  common_df_ = std::max(64, static_cast<int>(entries.size()) / 20);
  // The typical entry's number of wordings: 1 in an imported FAQ, about twenty in the bundled
  // programs.
  if (!entries.empty()) {
    const float a = std::max(0.0f, options_.many_wordings_damping);
    auto tries = [&](int n) { return 1 + a * std::log(static_cast<float>(std::max(1, n))); };
    std::vector<int> counts = wordings;
    std::nth_element(counts.begin(), counts.begin() + counts.size() / 2, counts.end());
    const float typical = tries(counts[counts.size() / 2]);
    for (size_t e = 0; e < entries.size(); ++e) {
      entries_[e].best_phrase_share = std::min(1.0f, typical / tries(wordings[e]));
    }
  }
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
  // BM25F: per entry, each term's field-weighted, length-normalised frequency, saturated and
  // times its IDF.
  const float field_weight[kFields] = {options_.question_field, options_.alternates_field,
                                       options_.keywords_field, options_.answer_field};
  const float field_b[kFields] = {options_.question_b, options_.alternates_b, 0.0f,
                                  options_.answer_b};
  float avg_len[kFields] = {};
  for (int f = 0; f < kFields; ++f) {
    double total = 0;
    int with = 0;
    for (size_t e = 0; e < entries.size(); ++e) {
      if (field_len[e][f] > 0) total += field_len[e][f], ++with;
    }
    avg_len[f] = with > 0 ? static_cast<float>(total / with) : 1.0f;
  }
  std::vector<Raw> bm25_of(entries.size());
  for (size_t e = 0; e < entries.size(); ++e) {
    // Per term: its field-weighted, length-normalised occurrences in the wordings (question
    // and alternates) and elsewhere (keywords, answer), and the share of wordings holding it.
    struct Part {
      int id;
      float share;
      float wording;
      float other;
      bool operator<(const Part& o) const { return id < o.id; }
    };
    std::vector<Part> parts;
    for (int f = 0; f < kFields; ++f) {
      const float norm = 1 - field_b[f] + field_b[f] * field_len[e][f] / avg_len[f];
      const bool wording =
          f == static_cast<int>(Field::kQuestion) || f == static_cast<int>(Field::kAlternate);
      for (const auto& [id, tf] : field_tf[e][f]) {
        const float occurrences = field_weight[f] * tf / norm;
        if (wording) {
          parts.push_back({id, tf / static_cast<float>(wordings[e]), occurrences, 0});
        } else {
          parts.push_back({id, 0, 0, occurrences});
        }
      }
    }
    std::sort(parts.begin(), parts.end());
    Raw& out = bm25_of[e];
    for (size_t k = 0; k < parts.size();) {
      const int id = parts[k].id;
      float share = 0, wording = 0, other = 0;
      for (; k < parts.size() && parts[k].id == id; ++k) {
        share += parts[k].share;
        wording += parts[k].wording;
        other += parts[k].other;
      }
      const float tf = std::max(wording, options_.every_wording_tf * std::min(1.0f, share)) + other;
      // Its vocabulary is its wordings' together, and twenty wordings know more of any query's
      // words than one does (IndexOptions::many_wordings_damping). Damped in the postings, so a
      // large knowledge base gathers its candidates by the score it ranks them by.
      out.emplace_back(id, std::sqrt(entries_[e].best_phrase_share) *
                               Bm25IdfOf(entry_frequency_[id]) * tf / (options_.bm25_k1 + tf));
    }
  }
  field_tf.clear();
  postings_.resize(term_ids_.size());
  phrase_postings_.resize(term_ids_.size());
  for (size_t p = 0; p < phrases_.size(); ++p) {
    for (const auto& [id, w] : phrases_[p].vec.terms) {
      phrase_postings_[id].push_back({static_cast<int>(p), phrases_[p].entry, w});
    }
  }
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
    // A sole wording takes the sole-wording values. With more, they fade into the others with
    // the square of the count: an operator who adds one alternate to an imported row should
    // not see its answer stop counting, and ten wordings say what the answer would.
    const float sole = 1.0f / static_cast<float>(std::max(1, wordings[e] * wordings[e]));
    auto toward_sole = [&](float many, float one) { return many + sole * (one - many); };
    answer_coverage_[e] =
        toward_sole(options_.answer_coverage, options_.sole_wording_answer_coverage);
    d.answer_weight = toward_sole(options_.answer_weight, options_.sole_wording_answer_weight);
    // All three are sorted by term id; every term of the BM25F list is in one of the other two.
    auto a = d.all.terms.begin();
    auto b = d.answer.terms.begin();
    const int ei = static_cast<int>(e);
    for (const auto& [id, bm25] : bm25_of[e]) {
      while (a != d.all.terms.end() && a->first < id) ++a;
      while (b != d.answer.terms.end() && b->first < id) ++b;
      const float in_all = a != d.all.terms.end() && a->first == id ? a->second : 0.0f;
      const float in_answer = b != d.answer.terms.end() && b->first == id ? b->second : 0.0f;
      postings_[id].push_back({ei, in_all, in_answer, bm25});
    }
  }
}

float Index::IdfOf(int df) const {
  float n = static_cast<float>(program_->entries.size());
  return std::log(1.0f + (n + 1.0f) / (df > 0 ? static_cast<float>(df) : 0.5f));
}

float Index::Bm25IdfOf(int df) const {
  float n = static_cast<float>(program_->entries.size());
  return std::log(1.0f + (n - static_cast<float>(df) + 0.5f) / (static_cast<float>(df) + 0.5f));
}

bool Index::EdgeOfAKnownWord(std::string_view word) const {
  // A lone letter begins or ends too many words to say anything.
  if (text::CodePointCount(word) < 2) return false;
  auto begins_longer = [](const std::vector<std::string>& sorted, std::string_view w) {
    // The first word not below `w` is `w` itself when the index has it; a longer word that
    // begins with it comes right after.
    auto it = std::lower_bound(sorted.begin(), sorted.end(), w);
    if (it != sorted.end() && *it == w) ++it;
    return it != sorted.end() && it->size() > w.size() && it->compare(0, w.size(), w) == 0;
  };
  const std::string reversed(word.rbegin(), word.rend());
  return begins_longer(words_, word) || begins_longer(reversed_words_, reversed);
}

bool Index::Knows(int entry, int term) const {
  const auto& postings = postings_[term];
  auto it = std::lower_bound(postings.begin(), postings.end(), entry,
                             [](const EntryPosting& p, int e) { return p.entry < e; });
  return it != postings.end() && it->entry == entry;
}

int Index::FirstIndexedWord(const std::vector<const std::string*>& words) const {
  std::string key = "w:";
  for (const std::string* word : words) {
    key.resize(2);
    key += *word;
    if (auto it = term_ids_.find(key); it != term_ids_.end()) return it->second;
  }
  return -1;
}

Index::QueryVec Index::Weigh(const Analyzed& query) const {
  QueryVec q;
  struct Known {
    int id;
    float weight;
    int term;
    float bm25_weight;
    int part = kNotAPart;
    bool operator<(const Known& o) const { return id != o.id ? id < o.id : term < o.term; }
  };
  std::vector<Known> known;
  // Surfaces the index knows by sound (出来る when できる is indexed), and the parts of a slip
  // read together (任 of 任証 → ニンショウ), are not foreign.
  std::vector<int> ids(query.terms.size(), -1);  // each term looked up once
  std::vector<std::string_view> heard;
  const text::Spellings* spellings = analyzer_->spellings();
  for (size_t i = 0; i < query.terms.size(); ++i) {
    const Term& t = query.terms[i];
    if (auto it = term_ids_.find(t.key); it != term_ids_.end()) {
      ids[i] = it->second;
      if (t.kind == TermKind::kWord || t.kind == TermKind::kReading) heard.push_back(t.surface);
    }
  }
  auto is_heard = [&](const std::string& surface) {
    return std::any_of(heard.begin(), heard.end(), [&](std::string_view h) {
      return h.find(surface) != std::string_view::npos;
    });
  };
  // The member's story is told before a question that names something of its own: one that
  // names only what most entries say (「結婚したらポイントは？」) asks about the story itself.
  const double everyday = options_.everyday_share * static_cast<double>(entries_.size());
  bool names_its_own = false;
  for (size_t i = 0; i < query.terms.size() && !names_its_own; ++i) {
    const Term& t = query.terms[i];
    names_its_own = t.kind == TermKind::kWord && t.topic && !t.wording && !t.circumstance &&
                    !t.also && (ids[i] < 0 || entry_frequency_[ids[i]] <= everyday);
  }
  // A perfect match holds each term once in a question of average length.
  const float once = options_.question_field / (options_.bm25_k1 + options_.question_field);
  std::vector<float> weighed(query.terms.size(), 0.0f);  // w of each term as counted in q
  for (size_t i = 0; i < query.terms.size(); ++i) {
    const Term& t = query.terms[i];
    if (t.heard_only && ids[i] < 0) continue;
    const int df = ids[i] < 0 ? 0 : entry_frequency_[ids[i]];
    const bool unwritten = df == 0 && t.kind == TermKind::kWord;
    // A word the entries lack in the phrase naming whom the rule should cover is the member's
    // particular too; one they have there is what the member asks about.
    const bool story = (t.circumstance || (t.also && unwritten)) && names_its_own;
    const float share = story ? options_.circumstance_share : 1.0f;
    float w = share * t.weight * IdfOf(df);
    float bm25_max = share * t.weight * Bm25IdfOf(df) * once;
    // A word no entry writes but one entry says (a slip's stray kanji, heard in its reading) is
    // that reading's word, already weighed: counted again, it would be a part of the question
    // no entry can explain.
    if (unwritten && is_heard(t.surface)) continue;
    // A word no entry has may be another spelling of one an entry has (スマホ for
    // スマートフォン, メアド for メールアドレス): that word stands for it, at a small discount,
    // and the question is not about something else.
    if (unwritten && spellings != nullptr && options_.spelling_share > 0) {
      if (const int other = FirstIndexedWord(spellings->Of(t.key.substr(2))); other >= 0) {
        // Weighed as the word an entry has: the query then asks what that entry's word asks.
        const int other_df = entry_frequency_[other];
        const float full = share * t.weight * IdfOf(other_df);
        known.push_back({other, full * options_.spelling_share, static_cast<int>(i),
                         share * t.weight * options_.spelling_share});
        q.norm += static_cast<double>(full) * full;
        q.sum += full;
        q.bm25_max += share * t.weight * Bm25IdfOf(other_df) * once;
        continue;
      }
    }
    // A near synonym an entry has ranks that entry; it covers none of the question, and the
    // word itself is weighed below as one no entry has.
    if (const text::Spellings* near = analyzer_->near_synonyms();
        unwritten && near != nullptr && options_.near_synonym_share > 0) {
      if (const int other = FirstIndexedWord(near->Of(t.key.substr(2))); other >= 0) {
        const float full = share * t.weight * IdfOf(entry_frequency_[other]);
        known.push_back({other, full * options_.near_synonym_share, static_cast<int>(i),
                         share * t.weight * options_.near_synonym_share, kNearSynonym});
      }
    }
    // A query word no entry has, in writing or in sound, is evidence the question is about
    // something else. Not one the entries write in a form no term stands for: a verb they
    // write as a helper (もらえる of 「出してもらえますか」) or a part of a compound they write
    // whole (番号 of 組合員証番号). Asked on its own, it is a plain word they know.
    const bool names = (t.topic && !t.wording) || t.asks;
    if (unwritten && helping_verbs_.count(t.key) == 0 &&
        !(names && EdgeOfAKnownWord(std::string_view(t.key).substr(2)))) {
      // At a full word's weight whatever its part of speech: a verb the knowledge base has
      // never seen (譲る in 「家族に譲れますか」) may be the whole question.
      const float unseen =
          options_.unseen_weight * analyzer_->options().word_weight / analyzer_->UnitWeight(t);
      w *= unseen;
      bm25_max *= unseen;
      if (names && !story) q.unknown.push_back(t.surface);
    }
    q.norm += static_cast<double>(w) * w;
    q.sum += w;
    q.bm25_max += bm25_max;
    weighed[i] = w;
    if (ids[i] >= 0) known.push_back({ids[i], w, static_cast<int>(i), t.weight});
  }
  // A member who writes a compound in parts (組合員証の番号) names the compound an entry writes
  // whole (組合員証番号), which the domain dictionary keeps as one word: each part meets it too.
  // An entry that also writes a part on its own covers that part once (Accumulate).
  for (const Term& pair : query.terms) {
    if (pair.kind != TermKind::kPair) continue;
    const size_t bar = pair.key.find('|');
    const std::string_view first = std::string_view(pair.key).substr(2, bar - 2);
    const std::string_view second = std::string_view(pair.key).substr(bar + 1);
    std::string key = "w:";
    key.append(first).append(second);
    auto whole = term_ids_.find(key);
    if (whole == term_ids_.end()) continue;
    for (size_t j = 0; j < query.terms.size(); ++j) {
      const Term& part = query.terms[j];
      if (part.kind != TermKind::kWord || weighed[j] <= 0) continue;
      const std::string_view word = std::string_view(part.key).substr(2);
      if (word != first && word != second) continue;
      known.push_back({whole->second, weighed[j], static_cast<int>(j), part.weight, ids[j]});
    }
  }
  std::sort(known.begin(), known.end());
  for (const Known& k : known) {
    q.known.emplace_back(k.id, k.weight);
    q.term_of_known.push_back(k.term);
    q.bm25_weight.push_back(k.bm25_weight);
    q.part.push_back(k.part);
  }
  q.norm = std::sqrt(q.norm);
  return q;
}

void Index::Accumulate(const QueryVec& q, Sums& sums) const {
  // Terms in ascending id, as a merge of two sorted vectors would meet them, so every sum is
  // added up in the same order as term-by-term dot products. A term the query repeats meets
  // a phrase once (its first weight) but counts for coverage each time.
  for (size_t k = 0; k < q.known.size();) {
    const int id = q.known[k].first;
    const double w = q.known[k].second;
    const double bw = q.bm25_weight[k];
    const size_t group = k;
    double covered = 0;
    bool through_parts = false;
    for (; k < q.known.size() && q.known[k].first == id; ++k) {
      if (q.part[k] != kNearSynonym) covered += q.known[k].second;
      through_parts |= q.part[k] != kNotAPart && q.part[k] != kNearSynonym;
    }
    // What a compound covers when met through its parts: each part the entry lacks alone.
    auto covered_by = [&](int entry) {
      if (!through_parts) return covered;
      double c = 0;
      for (size_t j = group; j < k; ++j) {
        if (q.part[j] == kNearSynonym) continue;
        if (q.part[j] < 0 || !Knows(entry, q.part[j])) c += q.known[j].second;
      }
      return c;
    };
    for (const PhrasePosting& p : phrase_postings_[id]) {
      if (sums.selected[p.entry]) sums.phrase[p.phrase] += w * p.weight;
    }
    for (const EntryPosting& p : postings_[id]) {
      if (!sums.selected[p.entry]) continue;
      sums.all[p.entry] += w * p.all;
      sums.answer[p.entry] += w * p.answer;
      sums.bm25[p.entry] += bw * p.bm25;
      if (p.all > 0) {
        sums.covered[p.entry] += covered_by(p.entry);
      } else if (p.answer > 0) {
        sums.covered[p.entry] += answer_coverage_[p.entry] * covered_by(p.entry);
      }
    }
  }
}

std::vector<Candidate> Index::Search(std::string_view query, const SearchOptions& options) const {
  return Search(analyzer_->Analyze(query), options);
}

std::vector<Candidate> Index::Search(const Analyzed& query, const SearchOptions& options) const {
  std::vector<Candidate> out;
  QueryVec q = Weigh(query);
  if (q.known.empty() || q.norm <= 0) return out;

  // Step 1: gather the entries sharing a term with the query. Below exhaustive_below entries
  // every one is scored exactly; a large knowledge base gathers through the rarer terms only
  // (all terms when the query has only common ones) and keeps the best `rerank` by BM25F over
  // every field. The sums are the thread's, zeroed again for the entries used.
  thread_local Sums sums;
  if (sums.phrase.size() < phrases_.size()) sums.phrase.resize(phrases_.size(), 0.0);
  if (sums.all.size() < entries_.size()) {
    sums.all.resize(entries_.size(), 0.0);
    sums.answer.resize(entries_.size(), 0.0);
    sums.covered.resize(entries_.size(), 0.0);
    sums.bm25.resize(entries_.size(), 0.0);
    sums.selected.resize(entries_.size(), 0);
  }
  const bool exhaustive = static_cast<int>(entries_.size()) < options_.exhaustive_below;
  // A question form (w:とは, w:何もらう) says how something is asked, not about what: it ranks
  // the entries the query's words gather, and gathers only when it is all the query has. In a
  // large knowledge base many entries ask 「…とは」, and walking them all decides nothing.
  auto asks = [&](size_t k) { return query.terms[q.term_of_known[k]].asks; };
  bool only_asks = true;
  for (size_t k = 0; k < q.known.size(); ++k) only_asks &= asks(k);
  auto gathers = [&](size_t k) { return exhaustive || only_asks || !asks(k); };
  bool any_rare = false;
  for (size_t k = 0; k < q.known.size(); ++k) {
    any_rare |= gathers(k) && entry_frequency_[q.known[k].first] <= common_df_;
  }
  thread_local std::vector<float> partial;  // by entry, when the best are kept
  if (!exhaustive && partial.size() < entries_.size()) partial.resize(entries_.size(), 0.0f);
  std::vector<int> touched;
  for (size_t k = 0; k < q.known.size(); ++k) {
    const int id = q.known[k].first;
    if (!gathers(k)) continue;
    if (!exhaustive && any_rare && entry_frequency_[id] > common_df_) continue;
    for (const EntryPosting& p : postings_[id]) {
      if (!sums.selected[p.entry]) {
        sums.selected[p.entry] = 1;
        touched.push_back(p.entry);
      }
      if (!exhaustive) partial[p.entry] += q.bm25_weight[k] * p.bm25;
    }
  }
  if (!exhaustive) {
    if (static_cast<int>(touched.size()) > options.rerank) {
      std::nth_element(touched.begin(), touched.begin() + options.rerank, touched.end(),
                       [&](int a, int b) { return partial[a] > partial[b]; });
      for (size_t i = options.rerank; i < touched.size(); ++i) sums.selected[touched[i]] = 0;
    }
    for (int e : touched) partial[e] = 0.0f;
    if (static_cast<int>(touched.size()) > options.rerank) touched.resize(options.rerank);
  }
  // Step 2: exact scores.
  Accumulate(q, sums);
  struct Scored {
    Candidate candidate;
    int phrase = -1;
  };
  std::vector<Scored> scored;
  scored.reserve(touched.size());
  for (int e : touched) {
    // Scored in place: a candidate is a large struct, and most are dropped.
    Scored& s = scored.emplace_back();
    Score(q, e, sums, query, options.explain, &s.candidate, &s.phrase);
    if (s.candidate.score <= 0) scored.pop_back();
  }
  for (int e : touched) {
    const EntryDocs& d = entries_[e];
    std::fill_n(sums.phrase.begin() + d.first_phrase, d.phrase_count, 0.0);
    sums.all[e] = sums.answer[e] = sums.covered[e] = sums.bm25[e] = 0.0;
    sums.selected[e] = 0;
  }
  // Only the best `limit` are ordered, and candidates move once, when they are kept.
  std::vector<int> order(scored.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  const size_t kept = std::min(order.size(), static_cast<size_t>(std::max(0, options.limit)));
  std::partial_sort(order.begin(), order.begin() + kept, order.end(), [&](int a, int b) {
    const Candidate& x = scored[a].candidate;
    const Candidate& y = scored[b].candidate;
    return x.score != y.score ? x.score > y.score : x.entry->id < y.entry->id;
  });
  {
    std::vector<Scored> best;
    best.reserve(kept);
    for (size_t i = 0; i < kept; ++i) best.push_back(std::move(scored[order[i]]));
    scored = std::move(best);
  }
  if (scored.size() > 1) {
    // The most specific query word the runner-up knows and the winner does not.
    const int first = static_cast<int>(scored[0].candidate.entry - program_->entries.data());
    const int second = static_cast<int>(scored[1].candidate.entry - program_->entries.data());
    float lacks = 0;
    for (size_t k = 0; k < q.known.size(); ++k) {
      const int id = q.known[k].first;
      if (query.terms[q.term_of_known[k]].kind != TermKind::kWord) continue;
      if (!Knows(second, id) || Knows(first, id)) continue;
      lacks = std::max(lacks, IdfOf(entry_frequency_[id]) / IdfOf(0));
    }
    scored[0].candidate.lacks = lacks;
  }
  out.reserve(scored.size());
  for (Scored& s : scored) {
    if (s.phrase >= 0) s.candidate.matched_phrase = phrases_[s.phrase].text;
    out.push_back(std::move(s.candidate));
  }
  return out;
}

void Index::Score(const QueryVec& q, int e, const Sums& sums, const Analyzed& query, bool explain,
                  Candidate* out, int* best_phrase_index) const {
  const EntryDocs& d = entries_[e];
  Candidate& c = *out;
  c.entry = &program_->entries[e];
  float best = 0;
  const Phrase* best_phrase = nullptr;
  for (int p = d.first_phrase; p < d.first_phrase + d.phrase_count; ++p) {
    if (sums.phrase[p] == 0) continue;  // shares nothing with the query
    const Phrase& ph = phrases_[p];
    if (ph.vec.norm <= 0) continue;
    float cos = static_cast<float>(sums.phrase[p] / (q.norm * ph.vec.norm));
    if (ph.field == Field::kKeywords) cos *= options_.keyword_weight;
    if (cos > best) {
      best = cos;
      best_phrase = &ph;
    }
  }
  float all = d.all.norm > 0 ? static_cast<float>(sums.all[e] / (q.norm * d.all.norm)) : 0;
  // An entry with more wordings than the typical one had more tries at the query: its best
  // phrase gives way to its wordings taken together.
  const float phrase = d.best_phrase_share * best + (1 - d.best_phrase_share) * all;
  float answer =
      d.answer.norm > 0 ? static_cast<float>(sums.answer[e] / (q.norm * d.answer.norm)) : 0;
  c.bm25 = q.bm25_max > 0 ? static_cast<float>(sums.bm25[e] / q.bm25_max) : 0;
  c.unknown_words = static_cast<int>(q.unknown.size());
  c.phrase = best;
  float score =
      (1 - options_.bm25_weight) * ((1 - options_.entry_weight) * phrase +
                                    options_.entry_weight * all + d.answer_weight * answer) +
      options_.bm25_weight * std::min(1.0f, c.bm25);
  // Coverage: the share of the query's weight that the entry's own wording knows.
  const double covered = sums.covered[e];
  c.coverage = q.sum > 0 ? static_cast<float>(covered / q.sum) : 0;
  c.evidence = static_cast<float>(covered / IdfOf(0));
  score *= (1 - options_.coverage_weight) + options_.coverage_weight * c.coverage;
  c.score = std::min(1.0f, score);
  *best_phrase_index =
      best_phrase != nullptr ? static_cast<int>(best_phrase - phrases_.data()) : -1;
  if (!explain) return;
  c.unknown = q.unknown;
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
      // The query's word is not the index's: it met another spelling of it, or a compound
      // it is a part of.
      if (auto own = term_ids_.find(t.key);
          t.kind == TermKind::kWord && (own == term_ids_.end() || own->second != id)) {
        kind = q.part[k] == kNotAPart      ? "spelling"
               : q.part[k] == kNearSynonym ? "near synonym"
                                           : "compound";
      }
      c.why.push_back(
          {t.key, t.surface, kind, static_cast<float>(w * it->second / (q.norm * v->norm))});
      break;
    }
  }
  std::sort(c.why.begin(), c.why.end(), [](const MatchedTerm& a, const MatchedTerm& b) {
    return a.contribution > b.contribution;
  });
}

}  // namespace madoguchi::search
