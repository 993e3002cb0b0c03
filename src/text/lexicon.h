// Curated word knowledge: synonym groups (表記ゆれ and domain words), stop words, and aspect
// words, loaded from dictionaries/synonyms.tsv, stopwords.txt and aspect-words.txt.
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

struct LexiconFiles {
  // One group per line, tab-separated, canonical first; '#' comments.
  std::string synonyms;
  // One word per line; '#' comments. Dropped from every text.
  std::string stop_words;
  // One word per line; '#' comments. Nouns that name what is asked about a topic rather than
  // a topic: its definition, outline, purpose, steps, reason, scope (定義, 概要, 目的, 手順, 理由,
  // 範囲). They count as words, but a knowledge base that never uses one lacks a way of asking,
  // not the thing asked about (search::Term::wording).
  std::string aspect_words;
};

class Lexicon {
 public:
  // An empty lexicon: no synonyms, no stop words.
  Lexicon() = default;

  // Every word is normalized with `normalizer` and also registered in katakana, so hiragana
  // and katakana spellings meet. An empty path skips that file; a path that cannot be read is
  // NotFound.
  static StatusOr<Lexicon> Load(const LexiconFiles& files, const Normalizer& normalizer);

  // The canonical word of a group `word` belongs to, or `word` itself.
  const std::string& Canonical(const std::string& word) const;
  bool IsStopWord(const std::string& word) const;
  bool IsAspectWord(const std::string& word) const { return aspect_words_.count(word) > 0; }
  // Whether `word` belongs to a synonym group: a phrase the project's dictionary names.
  bool InGroup(const std::string& word) const { return canonical_.count(word) > 0; }
  size_t synonym_count() const { return canonical_.size(); }
  // Every word of every group (and its katakana spelling), mapped to the group's canonical word.
  const std::unordered_map<std::string, std::string>& words() const { return canonical_; }

  // For tests and tools: add a group at run time.
  void AddGroup(const std::vector<std::string>& words);
  void AddStopWord(const std::string& word);
  void AddAspectWord(const std::string& word);

 private:
  std::unordered_map<std::string, std::string> canonical_;
  std::unordered_set<std::string> stop_words_;
  std::unordered_set<std::string> aspect_words_;
};

}  // namespace madoguchi::text

#endif  // MADOGUCHI_TEXT_LEXICON_H_
