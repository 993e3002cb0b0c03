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
  std::string term;     // the index key, e.g. "w:はがき"
  std::string query;    // what the query said
  std::string kind;     // "word", "reading", "synonym", "gram"
  float contribution;   // share of the score
};

struct Candidate {
  const kb::Entry* entry = nullptr;
  float score = 0;                 // 0–1
  // Share of the query's weight that the entry's questions,
  // alternates and keywords know at all. Low coverage means most of what was asked is
  // about something else.
  float coverage = 0;
  std::string matched_phrase;      // the question or alternate that matched best
  std::vector<MatchedTerm> why;    // filled when explanations are asked for
};

struct SearchOptions {
  int limit = 5;
  bool explain = false;
};

class Index {
 public:
  Index(const kb::ProgramKb* program, const Analyzer* analyzer, const IndexOptions& options = {});

  // Ranked candidates, best first, at most options.limit, only entries with a positive score.
  std::vector<Candidate> Search(const Analyzed& query, const SearchOptions& options) const;
  std::vector<Candidate> Search(std::string_view query, const SearchOptions& options) const;

  const kb::ProgramKb& program() const { return *program_; }
  size_t phrase_count() const { return phrases_.size(); }

 private:
  enum class Field { kQuestion, kKeywords, kAnswer, kEntry };
  struct Phrase {
    int entry;
    Field field;
    std::string text;
    float norm = 0;
  };
  struct Posting {
    int phrase;
    float weight;  // tf-idf weight of the term in the phrase
  };

  float Idf(const std::string& key) const;

  const kb::ProgramKb* program_;
  const Analyzer* analyzer_;
  IndexOptions options_;
  std::vector<Phrase> phrases_;
  std::unordered_map<std::string, std::vector<Posting>> postings_;
  std::unordered_map<std::string, int> entry_frequency_;
  float max_idf_ = 1;
};

}  // namespace madoguchi::search

#endif  // MADOGUCHI_SEARCH_INDEX_H_
