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

#include <functional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "base/status.h"

namespace madoguchi::text {

class Spellings {
 public:
  // No words: a word has no other spelling.
  Spellings() = default;

  // What a spelling is as one word of an analyzed text (search::Analyzer gives the base form a
  // w: term holds: 問い掛け → 問い掛ける, a curated variant → its group's word), or "" when the
  // analyzer makes it no single word (アルコール中毒 is two): such a spelling can never be met.
  using WordOf = std::function<std::string(std::string_view spelling)>;

  // One word per line, its spellings tab-separated; '#' comments. A spelling with a leading
  // '~' is reached from the others but reaches none itself (Sudachi's flag for a spelling that
  // also means something else). Each spelling is kept as `word_of` gives it.
  static StatusOr<Spellings> Load(const std::string& path, const WordOf& word_of);

  // The other spellings of `word` (a form `word_of` gives), each once, never `word` itself;
  // empty when it has none. The strings are owned by this object.
  std::vector<const std::string*> Of(const std::string& word) const;

  size_t word_count() const { return words_.size(); }

  // For tests and tools: add one word's spellings, as `word_of` would give them, each with a
  // leading '~' when it reaches no other. A word left with fewer than two spellings is dropped.
  void AddWord(const std::vector<std::string>& spellings);

 private:
  struct Spelling {
    std::string word;
    bool reaches;
  };
  void Add(std::vector<Spelling> spellings);

  std::vector<std::vector<std::string>> words_;
  // Spelling → every word (index into words_) it reaches from.
  std::unordered_map<std::string, std::vector<int>> reaches_;
};

}  // namespace madoguchi::text

#endif  // MADOGUCHI_TEXT_SPELLINGS_H_
