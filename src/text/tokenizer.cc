#include "text/tokenizer.h"

#include <mecab.h>

#include <array>
#include <cstdlib>
#include <filesystem>

#include "text/kana.h"
#include "text/utf8.h"

namespace madoguchi::text {

namespace {

// The fields of a MeCab feature string (品詞,細分類1,…,原形,読み,発音), split on commas (ipadic
// fields hold no escaped commas). ipadic has nine and only the first eight are read; fields
// past the ninth are dropped. Fixed storage: every token of every question is split here.
struct Features {
  static constexpr size_t kMax = 9;
  std::array<std::string_view, kMax> field;
  size_t count = 0;
  size_t size() const { return count; }
  std::string_view operator[](size_t i) const { return field[i]; }
};

Features SplitFeature(const char* feature) {
  Features out;
  std::string_view f(feature);
  size_t start = 0;
  while (out.count < Features::kMax) {
    size_t comma = f.find(',', start);
    out.field[out.count++] =
        f.substr(start, comma == std::string_view::npos ? comma : comma - start);
    if (comma == std::string_view::npos) break;
    start = comma + 1;
  }
  return out;
}

bool Readable(const std::string& dir) {
  std::error_code ec;
  return std::filesystem::exists(std::filesystem::path(dir) / "sys.dic", ec);
}

}  // namespace

bool Token::IsContent() const {
  if (!known) return pos != "記号";
  if (pos == "名詞") {
    // Suffixes and numerals carry no topic alone. Pronouns are content (いつ and どこ tell
    // questions apart), and the stop-word list removes the empty ones (何, 私); the index does
    // not count one the knowledge base lacks as another topic (search::Term::wording).
    // A long suffix is a word in its own right: ポイント in 何ポイント is tagged 助数詞.
    if (pos1 == "接尾") return CodePointCount(surface) >= 3;
    return pos1 != "非自立" && pos1 != "数" && pos1 != "特殊";
  }
  if (pos == "動詞" || pos == "形容詞") return pos1 == "自立";
  // 感動詞 holds greetings (こんにちは); adverbs hold まだ, すぐ, いつも.
  return pos == "副詞" || pos == "感動詞";
}

std::string DefaultUserDictionaryPath() {
  if (const char* env = std::getenv("MADOGUCHI_USER_DIC"); env != nullptr && *env) return env;
#ifdef MADOGUCHI_DEFAULT_USER_DIC
  return MADOGUCHI_DEFAULT_USER_DIC;
#else
  return "";
#endif
}

std::string DictionaryPunctuation(std::string_view text, std::vector<uint32_t>* from) {
  std::string out;
  out.reserve(text.size() + 16);
  if (from != nullptr) {
    from->clear();
    from->reserve(text.size() + 16);
  }
  for (size_t i = 0; i < text.size(); ++i) {
    const auto c = static_cast<unsigned char>(text[i]);
    const bool punctuation = (c >= 0x21 && c <= 0x2F) || (c >= 0x3A && c <= 0x40) ||
                             (c >= 0x5B && c <= 0x60) || (c >= 0x7B && c <= 0x7E);
    const size_t before = out.size();
    if (punctuation) {
      AppendUtf8(static_cast<char32_t>(c) + 0xFEE0, &out);  // U+FF01–U+FF5E
    } else {
      out.push_back(static_cast<char>(c));
    }
    if (from != nullptr) {
      for (size_t k = before; k < out.size(); ++k) from->push_back(static_cast<uint32_t>(i));
    }
  }
  if (from != nullptr) from->push_back(static_cast<uint32_t>(text.size()));
  return out;
}

StatusOr<std::unique_ptr<Tokenizer>> Tokenizer::Create(const TokenizerOptions& options) {
  if (!Readable(options.system_dictionary)) {
    return Status(StatusCode::kNotFound,
                  "MeCab system dictionary not found in " + options.system_dictionary +
                      " (install mecab-ipadic-utf8 or set the dictionary path)");
  }
  std::string args = "-d " + options.system_dictionary;
  if (!options.user_dictionary.empty()) {
    std::error_code ec;
    if (!std::filesystem::exists(options.user_dictionary, ec)) {
      return Status(StatusCode::kNotFound,
                    "MeCab user dictionary not found: " + options.user_dictionary);
    }
    args += " -u " + options.user_dictionary;
  }
  MeCab::Model* model = MeCab::createModel(args.c_str());
  if (model == nullptr) {
    return Internal(std::string("MeCab could not load its dictionaries: ") + MeCab::getLastError());
  }
  MeCab::Tagger* tagger = model->createTagger();
  if (tagger == nullptr) {
    delete model;
    return Internal(std::string("MeCab tagger: ") + MeCab::getLastError());
  }
  return std::unique_ptr<Tokenizer>(new Tokenizer(model, tagger));
}

Tokenizer::~Tokenizer() {
  for (MeCab::Lattice* l : pool_) delete l;
  delete tagger_;
  delete model_;
}

MeCab::Lattice* Tokenizer::AcquireLattice() const {
  {
    std::lock_guard<std::mutex> lock(pool_mutex_);
    if (!pool_.empty()) {
      MeCab::Lattice* l = pool_.back();
      pool_.pop_back();
      return l;
    }
  }
  return model_->createLattice();
}

void Tokenizer::ReleaseLattice(MeCab::Lattice* lattice) const {
  lattice->clear();
  std::lock_guard<std::mutex> lock(pool_mutex_);
  pool_.push_back(lattice);
}

std::vector<Token> Tokenizer::Tokenize(std::string_view text) const {
  std::vector<Token> tokens;
  if (text.empty()) return tokens;
  auto release = [this](MeCab::Lattice* l) { ReleaseLattice(l); };
  std::unique_ptr<MeCab::Lattice, decltype(release)> lattice(AcquireLattice(), release);
  // MeCab reads the dictionaries' punctuation; the tokens keep the text's own characters. The
  // lattice keeps a pointer to the sentence while parsing.
  std::vector<uint32_t> from;
  const std::string owned = DictionaryPunctuation(text, &from);
  lattice->set_sentence(owned.c_str());
  if (!tagger_->parse(lattice.get())) return tokens;
  for (const MeCab::Node* node = lattice->bos_node(); node != nullptr; node = node->next) {
    if (node->stat == MECAB_BOS_NODE || node->stat == MECAB_EOS_NODE) continue;
    Token t;
    const size_t begin = static_cast<size_t>(node->surface - owned.data());
    t.surface = std::string(text.substr(from[begin], from[begin + node->length] - from[begin]));
    auto f = SplitFeature(node->feature);
    t.pos = f.size() > 0 ? std::string(f[0]) : "";
    t.pos1 = f.size() > 1 ? std::string(f[1]) : "";
    t.known = node->stat != MECAB_UNK_NODE;
    t.base = f.size() > 6 && f[6] != "*" ? std::string(f[6]) : t.surface;
    // The text is normalized (ASCII lower case); a dictionary's base form may not be
    // (ログインID), and then it would not meet the same word looked up by its surface.
    for (char& c : t.base) {
      if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
    }
    t.reading = f.size() > 7 && f[7] != "*" ? std::string(f[7]) : HiraganaToKatakana(t.surface);
    // Greetings are written as said as often as by the rule (こんにちわ, こんばんわ): an
    // interjection's base form and reading are its pronunciation, which both spellings share.
    if (t.pos == "感動詞" && f.size() > 8 && f[8] != "*") t.base = t.reading = std::string(f[8]);
    // Before a noun MeCab reads 今 as the prefix of 今シーズン (コン), which is no content word;
    // a member's 今ポイント交換 or 今残高 means いま, and いま is what tells "is it open now" from
    // "when is it open". Either way it names the present: it is the word 今.
    if (t.pos == "接頭詞" && t.base == "今") {
      t.pos = "名詞";
      t.pos1 = "副詞可能";
      t.reading = "イマ";
    }
    tokens.push_back(std::move(t));
  }
  return tokens;
}

}  // namespace madoguchi::text
