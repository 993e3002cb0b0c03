// An inverted index over one program's entries, and ranked retrieval with explanations.
//
// Two scores meet in an entry's confidence:
//  - BM25F over the entry's fields (question, alternates, keywords, answer), each with its own
//    weight and length normalisation, so an entry found only through its answer still ranks,
//    a word repeated across twenty alternates saturates instead of dominating, and a long
//    answer does not win by length. A word every wording of an entry uses counts as often as
//    a word repeated across many alternates, however few wordings the entry has. Normalised by what
//    the query could score at most (every term matched with saturated frequency), so it reads as
//    the share of the question, weighed by IDF, that the entry explains. A query word no entry has
//    raises that maximum: the question is partly about something else.
//  - The best single phrase (question or alternate) by TF-IDF cosine, plus the entry's
//    wording taken together: 1 when the query says what one phrase says. An entry with one
//    wording (an imported row) adds its answer's cosine: one sentence is too little to say
//    what it covers (IndexOptions::sole_wording_answer_weight). Among entries of one wording
//    (an imported FAQ), one with twenty had twenty tries at resembling the query: its best
//    phrase gives way to its wordings taken together, and its BM25F part, which had as many
//    vocabularies, gives way too (IndexOptions::many_wordings_damping).
// Candidates are gathered by BM25F over every field (every entry the query touches is scored
// exactly below IndexOptions::exhaustive_below entries; above it the rarer terms gather, and
// question forms such as w:とは only rank what the words gathered).
//
// Thread safety: built once, then immutable; Search() may run on many threads at once. The
// index keeps pointers into the ProgramKb and the Analyzer, which must outlive it.
#ifndef MADOGUCHI_SEARCH_INDEX_H_
#define MADOGUCHI_SEARCH_INDEX_H_

#include <string>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "kb/knowledge_base.h"
#include "search/analyzer.h"

namespace madoguchi::search {

struct IndexOptions {
  // BM25F: per-field weights of a term occurrence and length normalisation (b), and the
  // saturation k1. The answer speaks of many things besides the question: it weighs less.
  float bm25_k1 = 1.2f;
  float question_field = 1.0f;
  float alternates_field = 0.7f;
  float keywords_field = 0.8f;
  float answer_field = 0.8f;
  float question_b = 0.5f;
  float alternates_b = 0.75f;
  float answer_b = 0.75f;
  // An entry with one wording cannot repeat a word the way twenty alternates do. A word in every
  // one of an entry's questions and alternates counts at least this many occurrences (a word in
  // half of them, half as many), so a FAQ imported without alternates competes on equal terms
  // with the intents the product ships with alternates.
  float every_wording_tf = 3.0f;
  // Share of the score from BM25F; the rest from the best phrase and the entry's wording.
  float bm25_weight = 0.7f;
  // A query term only the answer knows counts this much toward coverage and evidence …
  float answer_coverage = 0.5f;
  // … and this much for an entry with a single wording (an imported FAQ row, its question
  // only): one sentence says little of what the entry covers, and its answer says the rest.
  // An entry with alternates has said in them how members ask: with n wordings it takes
  // 1/n² of the difference.
  float sole_wording_answer_coverage = 0.9f;
  // Below this many entries every entry sharing a term with the query is scored exactly.
  int exhaustive_below = 3000;

  // The best of twenty wordings is likelier to resemble a query than an entry's only wording,
  // whatever either means: in a knowledge base whose typical entry has n wordings (one in an
  // imported FAQ, beside the product's intents with twenty), an entry with N > n takes
  // f = (1 + d·ln n) / (1 + d·ln N) of its best phrase and the rest from its wordings taken
  // together, d being this value; its BM25F part, which sums over the vocabulary of all its
  // wordings, keeps √f. The square root: measured between none and f, it kept the intents'
  // answers to their own questions and took most of their wins over imported rows. 0: an
  // entry's best phrase and BM25F count whole however many wordings it has.
  float many_wordings_damping = 1.0f;

  float keyword_weight = 0.8f;  // a keywords phrase counts this much of a question phrase
  // How much of the score comes from all of an entry's questions taken together (vocabulary
  // the entry uses consistently) rather than from its single best phrase.
  float entry_weight = 0.3f;
  float answer_weight = 0.0f;  // how much of the answer's cosine is added to the best phrase
  // … for an entry with a single wording, whose answer is most of what describes it (1/n² of
  // the difference with n wordings).
  float sole_wording_answer_weight = 1.0f;
  // A query word no entry has is evidence the question is about something else: it weighs this
  // many times its IDF, so 「年金の手続き」 does not ride on 手続き alone.
  float unseen_weight = 1.6f;
  // A word of the member's story (Term::circumstance: 結婚 of 「結婚して名字が変わった」)
  // weighs this share of a word of the question, known to the index or not: the story is not
  // what the entry must explain.
  float circumstance_share = 0.5f;
  // A word more than this share of the entries hold is the program's everyday word (ポイント
  // in a points program). A question that names nothing else (「結婚したらポイントは？」) is
  // about the story told before it, which then counts in full.
  float everyday_share = 0.5f;
  // A query word no entry has, written as an entry writes it (text::Spellings: スマホ for
  // スマートフォン), counts this share of a match of the entry's spelling.
  float spelling_share = 0.9f;
  // A query word no entry has, whose near synonym (Analyzer::near_synonyms) an entry has, adds
  // this share of a match of that word to the entry's score: such entries rank first. The word
  // still weighs as one the knowledge base lacks and counts as another topic, so it answers
  // nothing on its own: a near synonym is often near in another sense (辞める of a sponsorship
  // is not 退職), and reached like a spelling it answered other programs' questions.
  float near_synonym_share = 1.0f;
  // The score is scaled by (1 − coverage_weight) + coverage_weight × coverage: an entry whose
  // vocabulary explains the whole question beats one that shares a single word with it.
  float coverage_weight = 0.4f;
};

struct MatchedTerm {
  std::string term;   // the index key, e.g. "w:はがき"
  std::string query;  // what the query said
  // "word", "reading", "synonym", "spelling", "near synonym", "compound", "pair", "number",
  // "negation", "gram"
  std::string kind;
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
  float bm25 = 0;  // the BM25F part, 0–1 (see the file comment)
  // The best phrase's cosine with the query, 0–1: 1 when the query says exactly what one of
  // the entry's questions or alternates says.
  float phrase = 0;
  // The most specific query word (its IDF over the highest possible, 0–1) that the runner-up
  // knows and this candidate does not; set on the first candidate only. A winner that misses
  // the question's most specific word which a close runner-up has is not a sure answer.
  float lacks = 0;
  // Nouns (and words no dictionary knows; not pronouns or adjectival nouns, Term::wording) of
  // the query that the knowledge base has never seen, in writing or in sound (「社員旅行」's 旅行),
  // and question forms no entry asks (「何がもらえる」 where none does): the question is at least
  // partly about something else. Not those of a clause telling the member's circumstance
  // (「結婚して名字が変わった」's 結婚, Term::circumstance) before a question that names
  // something of its own (IndexOptions::everyday_share).
  int unknown_words = 0;
  std::vector<std::string> unknown;  // those words as written; filled when explaining
  std::string matched_phrase;        // the question or alternate that matched best
  std::vector<MatchedTerm> why;      // filled when explanations are asked for
};

struct SearchOptions {
  int limit = 5;
  bool explain = false;
  // Above IndexOptions::exhaustive_below entries: how many gathered entries are scored
  // exactly.
  int rerank = 128;
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
  enum class Field { kQuestion, kAlternate, kKeywords, kAnswer };
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
    // The answer's cosine's share of the score (IndexOptions::answer_weight, or its sole-wording
    // form).
    float answer_weight = 0;
    // The share of its best phrase in the phrase part of the score, the rest from all its
    // wordings together (IndexOptions::many_wordings_damping).
    // Its BM25F postings keep the square root of it.
    float best_phrase_share = 1;
  };
  static constexpr int kNotAPart = -2;
  static constexpr int kNearSynonym = -3;
  struct QueryVec {
    std::vector<std::pair<int, float>> known;  // (term id, weight) sorted by id
    std::vector<int> term_of_known;            // index into Analyzed::terms, parallel to known
    std::vector<float> bm25_weight;            // the analyzer's weight, parallel to known
    // Parallel to known: for a compound met through one of its parts (組合員証 of 「組合員証の
    // 番号」 meeting 組合員証番号), the part's own term id, or -1 when the index lacks the
    // part; kNearSynonym for a near synonym of a word no entry has, which scores but covers
    // nothing (IndexOptions::near_synonym_share); kNotAPart for every other term.
    std::vector<int> part;
    double norm = 0;
    double sum = 0;
    double bm25_max = 0;  // the BM25F score of a perfect match
    // Query nouns and question forms no entry has, as written (Candidate::unknown_words).
    std::vector<std::string> unknown;
  };

  float IdfOf(int df) const;
  float Bm25IdfOf(int df) const;
  QueryVec Weigh(const Analyzed& query) const;
  // The term id of the first of `words` the index has as a w: term, or -1.
  int FirstIndexedWord(const std::vector<const std::string*>& words) const;
  // The query's dot products with the phrases, `all` and answer vectors of the selected
  // entries, gathered term at a time from the postings (Accumulate): a query shares few terms
  // with most phrases, so walking the query's postings touches far less than merging the
  // query with every phrase. Per calling thread; zero outside the entries being scored.
  struct Sums {
    std::vector<double> phrase;   // by phrase
    std::vector<double> all;      // by entry
    std::vector<double> answer;   // by entry
    std::vector<double> covered;  // by entry: the query weight the entry's `all` knows
    std::vector<double> bm25;     // by entry
    std::vector<char> selected;   // by entry
  };
  void Accumulate(const QueryVec& q, Sums& sums) const;
  // Fills `out`, a default Candidate. The best phrase's index is returned through
  // `best_phrase` (-1 when none matched): its text is copied only for the candidates kept.
  void Score(const QueryVec& q, int entry, const Sums& sums, const Analyzed& query, bool explain,
             Candidate* out, int* best_phrase) const;

  const kb::ProgramKb* program_;
  const Analyzer* analyzer_;
  IndexOptions options_;
  std::unordered_map<std::string, int> term_ids_;
  std::vector<int> entry_frequency_;  // by term id
  std::vector<Phrase> phrases_;
  std::vector<EntryDocs> entries_;
  // By entry, what a query term only its answer knows counts toward coverage
  // (IndexOptions::answer_coverage, or its sole-wording form). Apart from entries_, which is
  // large: Accumulate reads it for every answer posting, in entry order of no locality.
  std::vector<float> answer_coverage_;
  struct EntryPosting {
    int entry;
    float all;     // the term's weight in the entry's `all` vector; 0: in its answer only
    float answer;  // its weight in the answer vector; 0: not in the answer
    float bm25;    // IDF × saturated field-weighted frequency
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
  // Whether the term (by id) is a word of an entry's questions, alternates or keywords, or
  // of its answer: what `lacks` compares.
  bool Knows(int entry, int term) const;
  // Whether `word` begins or ends a longer word of the index: 番号 of 組合員証番号, 暫定 of
  // 暫定値. The domain dictionary keeps such compounds whole, so their parts are no words of
  // the index, yet the knowledge base speaks of them.
  bool EdgeOfAKnownWord(std::string_view word) const;
  // Verbs the entries write only as helpers (Analyzed::helping_verbs), by w: key.
  std::unordered_set<std::string> helping_verbs_;
  // The index's words (w: terms, without the prefix) sorted, and each with its bytes reversed,
  // sorted: a word's beginnings and ends are then a binary search away. Reversed bytes stay
  // comparable: a valid UTF-8 suffix starts on a character.
  std::vector<std::string> words_;
  std::vector<std::string> reversed_words_;
};

}  // namespace madoguchi::search

#endif  // MADOGUCHI_SEARCH_INDEX_H_
