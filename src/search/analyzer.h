// Turns text into weighted retrieval terms, identically for entries and queries.
//
// Each content word (stop words dropped) yields:
//   w:<canonical base form>  the word itself, synonyms folded to their group's canonical word;
//   r:<reading>              its reading in katakana, so hiragana typing and IME slips meet
//                            kanji entries (ぱすわーど ↔ パスワード, にんしょう ↔ 認証);
//   p:<word>|<next word>     the pair it forms with the next content word (word order);
// each amount written in digits yields n:<number><counter> (5,000ポイント → n:5000ポイント, 16歳),
// dates aside: the date rules read those; an act a noun names and the text says did not happen
// yields x:<word> (登録されない → x:登録);
// and each run of words yields g:<two katakana> character bigrams of its reading, a back-off for
// words neither dictionary knows. Two single-kanji nouns side by side, the mark of a compound
// MeCab does not know, also yield the joined reading of the nouns around them: an IME slip
// (任証コード) reads as the word it stands for (r:ニンショウコード). Question forms made of stop
// words are words of their own: 何 + a noun the dictionary names (何ポイント), 何 + が/を + a verb
// (「何がもらえる」 → w:何もらう, wording), どう + なる (what follows from something), and asking
// what a thing is (「〜とは」「〜って何？」 → w:とは, which a definition says too). Doing a thing
// again (登録し直す) is also the word 再X (w:再登録) an entry may write instead.
//
// Thread safety: immutable after construction; Analyze() may run on many threads at once. The
// Analyzer does not own the normalizer, tokenizer, lexicon or spellings, which must outlive it.
#ifndef MADOGUCHI_SEARCH_ANALYZER_H_
#define MADOGUCHI_SEARCH_ANALYZER_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "text/lexicon.h"
#include "text/normalizer.h"
#include "text/spellings.h"
#include "text/tokenizer.h"

namespace madoguchi::search {

enum class TermKind { kWord, kReading, kGram, kPair, kNumber, kNegation };

struct Term {
  std::string key;  // "w:認証コード", "r:ニンショウコード", "g:ニン"
  TermKind kind;
  float weight;          // the kind's weight times how often the term occurs
  std::string surface;   // what the text said, for explanations
  bool synonym = false;  // a w: term reached through a synonym group
  // A w: term from a noun or a word the dictionaries do not know: what a question is about.
  // A verb or adverb the knowledge base lacks (失う, まだ) is wording; a noun it lacks
  // (旅行, 年金) is a topic it does not cover.
  bool topic = false;
  // A question form (w:とは, w:どうなる, w:何もらう): wording, and when no entry holds it the
  // knowledge base has no entry that asks what the member asks.
  bool asks = false;
  // A w: term of a word that says how something is asked, not what about: any word the
  // dictionary does not tag as a noun (verbs, adjectives, adverbs), even one a synonym group
  // weighs as a topic (もらえる → もらう), a pronoun (どっち, いくつ) or an adjectival noun
  // (簡単に教えて), an aspect word (定義, 手順: text::LexiconFiles::aspect_words), an era
  // dating a year (令和 of 令和3年), and a noun この or その points at (このサービス). It keeps its
  // weight, but a knowledge base without it lacks a way of asking or a date, not the thing asked
  // about: it never counts as another topic (Candidate::unknown_words).
  bool wording = false;
  // A reading heard across pieces MeCab cut a kana word into (む|りょう → ムリョウ), an amount
  // or an act said not to happen: meant only to meet what some entry has. Such a term counts only
  // where the index has it: most amounts a member names (「16歳の息子」) are no entry's business,
  // and the question is no less covered for them. The readings only a query has
  // (Analyzer::AnalyzeToIndex makes none); an entry's amounts and acts are plain terms.
  bool heard_only = false;
  // From a clause that tells the member's circumstance (結婚して, 持っていないので) before
  // the sentence's last clause names what is asked: its words weigh less, and a word the
  // knowledge base lacks there is the member's story, not another topic
  // (IndexOptions::circumstance_share, Candidate::unknown_words).
  bool circumstance = false;
  // From a noun phrase that も marks before the question goes on
  // (「高校生の息子も応募できますか」): who or what the member asks a rule to cover. A word the
  // knowledge base lacks there is the member's particular, weighed as the story's words are and no
  // other topic, when the question names something of its own besides.
  bool also = false;
};

struct AnalyzerOptions {
  float word_weight = 1.0f;  // w: terms
  // w: terms of verbs, adjectives and adverbs, times word_weight: 忘れる or 使える say how
  // something is asked more than what it is about, so 「にんしょうこーどわすれた」 goes to the
  // auth-code entry, not to 「パスワードを忘れた」 through わすれる.
  float wording_weight = 0.5f;
  float reading_weight = 0.5f;   // r: terms (only when the reading differs from the word)
  float gram_weight = 0.15f;     // g: terms
  float pair_weight = 0.4f;      // p: terms
  float number_weight = 0.4f;    // n: terms
  float negation_weight = 0.4f;  // x: terms
};

struct Analyzed {
  std::string normalized;
  std::vector<text::Token> tokens;
  std::vector<Term> terms;  // unique by key
  // Filled by AnalyzeToIndex: the w: keys of verbs the text uses only to help another verb
  // (もらう of 「出してもらえますか」, いる of 「持っている」). No term stands for them, yet the
  // text writes them: a knowledge base that does knows them as words.
  std::vector<std::string> helping_verbs;
};

class Analyzer {
 public:
  Analyzer(const text::Normalizer* normalizer, const text::Tokenizer* tokenizer,
           const text::Lexicon* lexicon, const AnalyzerOptions& options = {},
           const text::Spellings* spellings = nullptr,
           const text::Spellings* near_synonyms = nullptr);

  // A query's terms.
  Analyzed Analyze(std::string_view raw) const;
  // What an index keeps of an entry's text: Analyze without the heard-only terms, which only
  // a query has (Term::heard_only), and with the text's helping verbs listed
  // (Analyzed::helping_verbs).
  Analyzed AnalyzeToIndex(std::string_view raw) const;
  // The words (w: terms, without "w:") Analyze would give the text, in order, each once, and
  // nothing else: what a word of a query is looked up by, at a fraction of the cost.
  std::vector<std::string> Words(std::string_view raw) const;
  const text::Normalizer& normalizer() const { return *normalizer_; }
  const AnalyzerOptions& options() const { return options_; }
  // The other spellings an index looks for when it has never seen a query word; null: none.
  const text::Spellings* spellings() const { return spellings_; }
  // Words of a near meaning (辞める · 退職, 職場 · 勤務先), from the same source: an index ranks by
  // them for a query word it has never seen, but the word stays one the knowledge base lacks
  // (IndexOptions::near_synonym_share). Null: none.
  const text::Spellings* near_synonyms() const { return near_synonyms_; }
  // The weight one occurrence of this term carries.
  float UnitWeight(const Term& term) const;

 private:
  std::vector<text::Token> JoinNamedPhrases(std::vector<text::Token> tokens) const;
  static void MergeRepeats(std::vector<Term>& terms);
  enum class Mode {
    kQuery,
    kIndex,  // no heard-only terms
    kWords,  // only the w: terms (readings, grams and pairs are not built)
  };
  Analyzed Analyze(std::string_view raw, Mode mode) const;
  void CollectTerms(Analyzed& a, bool keep_stop_words, Mode mode) const;
  template <typename AddTerm>
  void AddSlipReadings(const Analyzed& a, AddTerm& add) const;
  void AddKanaRunReadings(Analyzed& a) const;
  template <typename AddTerm>
  void AddAmounts(Analyzed& a, AddTerm& add, Mode mode) const;
  // The weight of one occurrence of a w: term: a topic word's, or a wording word's.
  float WordWeight(bool topic) const;

  const text::Normalizer* normalizer_;
  const text::Tokenizer* tokenizer_;
  const text::Lexicon* lexicon_;
  AnalyzerOptions options_;
  const text::Spellings* spellings_;
  const text::Spellings* near_synonyms_;
  // The katakana reading of every word of the synonym groups → the group's canonical word, so
  // a slip that sounds like a group's word (協参 → キョウサン → 協賛) names the group. Readings
  // two groups share are left out. Built once from the lexicon as it is at construction.
  std::unordered_map<std::string, std::string> group_by_reading_;
};

}  // namespace madoguchi::search

#endif  // MADOGUCHI_SEARCH_ANALYZER_H_
