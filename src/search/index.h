// An inverted index over one program's entries, and ranked retrieval with explanations.
//
// Every question and alternate is its own phrase; keywords form one more phrase, and the answer
// another with a lower weight. A query is scored against each phrase by TF-IDF cosine (IDF over
// entries, so a word every entry shares counts for little and a word no entry has counts against
// the match), and an entry takes its best phrase plus a little of its answer. The score is the
// confidence: 1 means the query and a phrase say the same words.
//
// Thread safety: built once, then immutable; Search() may run on many threads at once. The
// index keeps pointers into the ProgramKb and the Analyzer, which must outlive it.
#ifndef MADOGUCHI_SEARCH_INDEX_H_
#define MADOGUCHI_SEARCH_INDEX_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "kb/knowledge_base.h"
#include "search/analyzer.h"

namespace madoguchi::search {

struct IndexOptions {
  float keyword_weight = 0.8f;  // a keywords phrase counts this much of a question phrase
  // How much of the score comes from all of an entry's questions taken together (vocabulary
  // the entry uses consistently) rather than from its single best phrase.
  float entry_weight = 0.3f;
  float answer_weight = 0.15f;  // how much of the answer's similarity is added to the best phrase
  // A query word no entry has is evidence the question is about something else: it weighs this
  // many times its IDF, so 「年金の手続き」 does not ride on 手続き alone.
  float unseen_weight = 1.6f;
  // The score is scaled by (1 − coverage_weight) + coverage_weight × coverage: an entry whose
  // vocabulary explains the whole question beats one that shares a single word with it.
  float coverage_weight = 0.4f;
};

struct MatchedTerm {
  std::string term;    // the index key, e.g. "w:はがき"
  std::string query;   // what the query said
  std::string kind;    // "word", "reading", "synonym", "gram"
  float contribution;  // share of the score
};

struct Candidate {
  const kb::Entry* entry = nullptr;
  float score = 0;  // 0–1
  // Share of the query's weight that the entry's questions,
  // alternates and keywords know at all. Low coverage means most of what was asked is
  // about something else.
  float coverage = 0;
  // The query weight the entry knows, counted in words of the highest IDF: how much specific
  // evidence there is, whatever the length of the question (a long question with context has
  // low coverage but much evidence; 「今日の天気」 has neither).
  float evidence = 0;
  std::string matched_phrase;    // the question or alternate that matched best
  std::vector<MatchedTerm> why;  // filled when explanations are asked for
};

struct SearchOptions {
  int limit = 5;
  bool explain = false;
  int rerank = 64;  // how many gathered entries are scored exactly
};

class Index {
 public:
  Index(const kb::ProgramKb* program, const Analyzer* analyzer, const IndexOptions& options = {});

  // Ranked candidates, best first, at most options.limit, only entries with a positive score.
  // Retrieval runs in two steps: the entries sharing the query's rarer terms are gathered
  // from the postings, and the best `rerank` of them are scored exactly on every phrase.
  std::vector<Candidate> Search(const Analyzed& query, const SearchOptions& options) const;
  std::vector<Candidate> Search(std::string_view query, const SearchOptions& options) const;

  const kb::ProgramKb& program() const { return *program_; }
  const Analyzer& analyzer() const { return *analyzer_; }
  size_t phrase_count() const { return phrases_.size(); }
  size_t term_count() const { return term_ids_.size(); }

 private:
  enum class Field { kQuestion, kKeywords, kAnswer, kEntry };
  // A sparse tf-idf vector, sorted by term id so two vectors meet by a linear merge.
  struct Vec {
    std::vector<std::pair<int, float>> terms;
    float norm = 0;
  };
  struct Phrase {
    int entry;
    Field field;
    std::string text;
    Vec vec;
  };
  struct EntryDocs {
    int first_phrase = 0;  // its question, alternate and keyword phrases, contiguous
    int phrase_count = 0;
    Vec all;     // every question, alternate and keyword together
    Vec answer;  // the answer and its variants
  };
  struct QueryVec {
    std::vector<std::pair<int, float>> known;  // (term id, weight) sorted by id
    std::vector<int> term_of_known;            // index into Analyzed::terms, parallel to known
    double norm = 0;
    double sum = 0;
  };

  float IdfOf(int df) const;
  QueryVec Weigh(const Analyzed& query) const;
  // The query's dot products with the phrases, `all` and answer vectors of the selected
  // entries, gathered term at a time from the postings (Accumulate): a query shares few terms
  // with most phrases, so walking the query's postings touches far less than merging the
  // query with every phrase. Per calling thread; zero outside the entries being scored.
  struct Sums {
    std::vector<double> phrase;   // by phrase
    std::vector<double> all;      // by entry
    std::vector<double> answer;   // by entry
    std::vector<double> covered;  // by entry: the query weight the entry's `all` knows
    std::vector<char> selected;   // by entry
  };
  void Accumulate(const QueryVec& q, Sums& sums) const;
  // The best phrase's index is returned through `best_phrase` (-1 when none matched): its text
  // is copied only for the candidates that are kept.
  Candidate Score(const QueryVec& q, int entry, const Sums& sums, const Analyzed& query,
                  bool explain, int* best_phrase) const;

  const kb::ProgramKb* program_;
  const Analyzer* analyzer_;
  IndexOptions options_;
  std::unordered_map<std::string, int> term_ids_;
  std::vector<int> entry_frequency_;  // by term id
  std::vector<Phrase> phrases_;
  std::vector<EntryDocs> entries_;
  struct EntryPosting {
    int entry;
    float all;     // the term's weight in the entry's `all` vector; 0: in its answer only
    float answer;  // its weight in the answer vector; 0: not in the answer
  };
  struct PhrasePosting {
    int phrase;
    int entry;
    float weight;
  };
  // Term id → the entries and phrases holding it, by entry and phrase: candidate generation
  // and scoring.
  std::vector<std::vector<EntryPosting>> postings_;
  std::vector<std::vector<PhrasePosting>> phrase_postings_;
  // Terms held by more entries than this are left out of candidate generation (they are
  // still scored exactly for the candidates): they would touch most entries and decide little.
  int common_df_ = 0;
};

}  // namespace madoguchi::search

#endif  // MADOGUCHI_SEARCH_INDEX_H_
