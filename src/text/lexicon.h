// Curated word knowledge: synonym groups (表記ゆれ and domain words) and stop words, loaded
// from dictionaries/synonyms.tsv and dictionaries/stopwords.txt.
//
// Immutable after loading; safe to share between threads.
#ifndef MADOGUCHI_TEXT_LEXICON_H_
#define MADOGUCHI_TEXT_LEXICON_H_

#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "base/status.h"
#include "text/normalizer.h"

namespace madoguchi::text {

class Lexicon {
 public:
  // An empty lexicon: no synonyms, no stop words.
  Lexicon() = default;

  // synonyms: one group per line, tab-separated, canonical first; '#' comments.
  // stopwords: one word per line. Every word is normalized with `normalizer` and also
  // registered in katakana, so hiragana and katakana spellings meet. An empty path skips
  // that file.
  static StatusOr<Lexicon> Load(const std::string& synonyms_path, const std::string& stopwords_path,
                                const Normalizer& normalizer);

  // The canonical word of a group `word` belongs to, or `word` itself.
  const std::string& Canonical(const std::string& word) const;
  bool IsStopWord(const std::string& word) const;
  // Whether `word` belongs to a synonym group: a phrase the project's dictionary names.
  bool InGroup(const std::string& word) const { return canonical_.count(word) > 0; }
  size_t synonym_count() const { return canonical_.size(); }
  // Every word of every group (and its katakana spelling), mapped to the group's canonical word.
  const std::unordered_map<std::string, std::string>& words() const { return canonical_; }

  // For tests and tools: add a group at run time.
  void AddGroup(const std::vector<std::string>& words);
  void AddStopWord(const std::string& word);

 private:
  std::unordered_map<std::string, std::string> canonical_;
  std::unordered_set<std::string> stop_words_;
};

}  // namespace madoguchi::text

#endif  // MADOGUCHI_TEXT_LEXICON_H_
