// Morphological analysis with MeCab.
//
// Ownership and threads: a Tokenizer owns one MeCab::Model and one Tagger built from it; every
// Tokenize() call parses in a Lattice of its own, taken from a pool for the length of the call,
// so one Tokenizer may be shared by any number of threads (MeCab's Tagger::parse(Lattice*) is
// thread-safe; parse(const char*) is not and is never used here). Lattices are pooled because
// building one costs several times more than parsing a short question with it.
#ifndef MADOGUCHI_TEXT_TOKENIZER_H_
#define MADOGUCHI_TEXT_TOKENIZER_H_

#include <cstdint>
#include <memory>
#include <mutex>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace MeCab {
class Lattice;
class Model;
class Tagger;
}  // namespace MeCab

namespace madoguchi::text {

struct TokenizerOptions {
  // System dictionary directory. Default: Debian's mecab-ipadic-utf8.
  std::string system_dictionary = "/var/lib/mecab/dic/ipadic-utf8";
  // Compiled user dictionary (built from dictionaries/ at build time). Empty: none.
  std::string user_dictionary;
};

struct Token {
  std::string surface;
  std::string base;     // 原形; the surface when the dictionary has none; an interjection's
                        // pronunciation (こんにちは and こんにちわ: コンニチワ)
  std::string reading;  // カタカナ; for unknown words, the surface in katakana; an interjection's
                        // pronunciation
  std::string pos;    // 名詞, 動詞, 助詞 …
  std::string pos1;   // 一般, 自立, 非自立, サ変接続 …
  bool known = true;  // false for words the dictionaries do not know
  // Content words carry the topic: nouns (not pronouns, suffixes or non-independent ones),
  // independent verbs and adjectives, adverbs, and unknown words.
  bool IsContent() const;
};

// The text as the dictionaries are written: ASCII punctuation in its full-width form. ipadic
// knows ？！（） as 記号 but reads the ASCII forms the normalizer produces as unknown nouns, and
// then mis-tags the words around them (そもそも before "?" as a noun). Tokenizer feeds MeCab
// this form, and the user dictionary's surfaces are written in it. When `from` is given, it
// receives for every byte of the result the offset of the byte of `text` it came from, plus
// text.size() at the end.
std::string DictionaryPunctuation(std::string_view text, std::vector<uint32_t>* from = nullptr);

class Tokenizer {
 public:
  // Fails with a clear message when a dictionary is missing or unreadable.
  static StatusOr<std::unique_ptr<Tokenizer>> Create(const TokenizerOptions& options);
  ~Tokenizer();

  // `text` should already be normalized. Never fails on valid UTF-8; returns no tokens for
  // empty text.
  std::vector<Token> Tokenize(std::string_view text) const;

 private:
  Tokenizer(MeCab::Model* model, MeCab::Tagger* tagger) : model_(model), tagger_(tagger) {}
  MeCab::Lattice* AcquireLattice() const;
  void ReleaseLattice(MeCab::Lattice* lattice) const;

  MeCab::Model* model_;    // owned
  MeCab::Tagger* tagger_;  // owned; built from model_
  mutable std::mutex pool_mutex_;
  mutable std::vector<MeCab::Lattice*> pool_;  // owned; idle lattices
};

// The default location of the user dictionary next to the executable's build, overridable
// with the environment variable MADOGUCHI_USER_DIC.
std::string DefaultUserDictionaryPath();

}  // namespace madoguchi::text

#endif  // MADOGUCHI_TEXT_TOKENIZER_H_
