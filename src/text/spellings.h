// Other spellings of one word: an abbreviation (スマホ · スマートフォン, メアド · メールアドレス),
// a variant kanji (名字 · 苗字), okurigana (出掛ける · 出かける). From Sudachi's synonym dictionary
// (dictionaries/spellings.tsv, built by scripts/make-spellings.py): general Japanese, where the
// curated synonym groups (Lexicon) hold the programs' own words.
//
// The curated groups fold their words into one term everywhere, index and query alike. These
// are many and written by others, so they are never folded: an index reaches another spelling
// only for a query word the knowledge base has never seen (IndexOptions::spelling_share).
//
// Immutable after loading; safe to share between threads.
#ifndef MADOGUCHI_TEXT_SPELLINGS_H_
#define MADOGUCHI_TEXT_SPELLINGS_H_

#include <string>
#include <unordered_map>
#include <vector>

#include "base/status.h"
#include "text/lexicon.h"
#include "text/normalizer.h"

namespace madoguchi::text {

class Spellings {
 public:
  // No words: a word has no other spelling.
  Spellings() = default;

  // One word per line, its spellings tab-separated; '#' comments. A spelling with a leading
  // '~' is reached from the others but reaches none itself (Sudachi's flag for a spelling that
  // also means something else). Every spelling is normalized with `normalizer` and written as
  // `lexicon` folds it, the form the analyzer gives a w: term, so a curated group's variant
  // meets its canonical word.
  static StatusOr<Spellings> Load(const std::string& path, const Normalizer& normalizer,
                                  const Lexicon& lexicon);

  // The other spellings of `word` (normalized and folded as above), each once, never `word`
  // itself; empty when it has none. The strings are owned by this object.
  std::vector<const std::string*> Of(const std::string& word) const;

  size_t word_count() const { return words_.size(); }

  // For tests and tools: add one word's spellings, written as in the file ('~' allowed),
  // already normalized and folded.
  void AddWord(const std::vector<std::string>& spellings);

 private:
  std::vector<std::vector<std::string>> words_;
  // Spelling → every word (index into words_) it reaches from.
  std::unordered_map<std::string, std::vector<int>> reaches_;
};

}  // namespace madoguchi::text

#endif  // MADOGUCHI_TEXT_SPELLINGS_H_
