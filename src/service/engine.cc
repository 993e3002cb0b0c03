#include "service/engine.h"

#include <cstdlib>
#include <filesystem>

#include "rules/placeholders.h"

namespace madoguchi::service {

std::string DefaultDataPath(const std::string& name) {
  namespace fs = std::filesystem;
  std::error_code ec;
  if (const char* home = std::getenv("MADOGUCHI_HOME"); home != nullptr && *home) {
    return (fs::path(home) / name).string();
  }
#ifdef MADOGUCHI_SOURCE_DIR
  fs::path bundled = fs::path(MADOGUCHI_SOURCE_DIR) / name;
  if (fs::exists(bundled, ec)) return bundled.string();
#endif
  return name;
}

StatusOr<std::unique_ptr<Engine>> Engine::Create(const EngineOptions& options) {
  std::unique_ptr<Engine> e(new Engine());
  auto normalizer = text::Normalizer::Create();
  if (!normalizer.ok()) return normalizer.status();
  e->normalizer_ = std::move(normalizer).value();

  text::TokenizerOptions tok = options.tokenizer;
  if (tok.user_dictionary.empty()) tok.user_dictionary = text::DefaultUserDictionaryPath();
  auto tokenizer = text::Tokenizer::Create(tok);
  if (!tokenizer.ok()) return tokenizer.status();
  e->tokenizer_ = std::move(tokenizer).value();

  std::string dict_dir =
      options.dictionaries_dir.empty() ? DefaultDataPath("dictionaries") : options.dictionaries_dir;
  text::LexiconFiles lexicon_files;
  lexicon_files.synonyms = dict_dir + "/synonyms.tsv";
  lexicon_files.stop_words = dict_dir + "/stopwords.txt";
  // An operator's own dictionaries folder written before aspect words may have none.
  if (std::error_code ec; std::filesystem::exists(dict_dir + "/aspect-words.txt", ec)) {
    lexicon_files.aspect_words = dict_dir + "/aspect-words.txt";
  }
  auto lexicon = text::Lexicon::Load(lexicon_files, *e->normalizer_);
  if (!lexicon.ok()) return lexicon.status();
  e->lexicon_ = std::move(lexicon).value();
  e->analyzer_ =
      std::make_unique<search::Analyzer>(e->normalizer_.get(), e->tokenizer_.get(), &e->lexicon_,
                                         options.analyzer, &e->spellings_, &e->near_synonyms_);
  // An operator's own dictionaries folder may have no spellings or near synonyms: a word has
  // none. Each word is kept as the analyzer writes it as a word, which is what a query's unseen
  // word is looked up by; the analyzer reads neither file itself, so it can give them.
  const search::Analyzer& analyzer = *e->analyzer_;
  auto as_one_word = [&](std::string_view spelling) {
    std::vector<std::string> words = analyzer.Words(spelling);
    return words.size() == 1 ? std::move(words[0]) : std::string();  // none, or two
  };
  // Near synonyms are many more (9,500 groups): read through MeCab they would add a tenth of a
  // second to every start. Taken as written, normalized and folded into the curated groups,
  // they meet the base forms a query's words and the index's are, which is all they are looked
  // up by; a phrase (勤務先, which MeCab cuts in two) is then never met, as it would not be.
  auto as_written = [&](std::string_view word) {
    return e->lexicon_.Canonical(e->normalizer_->Normalize(word));
  };
  for (auto [file, into, word_of] :
       {std::tuple{"/spellings.tsv", &e->spellings_, text::Spellings::WordOf(as_one_word)},
        std::tuple{"/near-synonyms.tsv", &e->near_synonyms_,
                   text::Spellings::WordOf(as_written)}}) {
    const std::string path = dict_dir + file;
    if (std::error_code ec; !std::filesystem::exists(path, ec)) continue;
    auto loaded = text::Spellings::Load(path, word_of);
    if (!loaded.ok()) return loaded.status();
    *into = std::move(loaded).value();
  }

  kb::LoadOptions lo;
  lo.known_placeholders = rules::KnownPlaceholders();
  std::string kb_dir = options.kb_dir.empty() ? DefaultDataPath("faq") : options.kb_dir;
  auto kb = kb::LoadKnowledgeBase(kb_dir, lo);
  if (!kb.ok()) return kb.status();
  e->kb_ = std::move(kb).value();
  if (options.bare) kb::StripToQuestionAndAnswer(&e->kb_);
  for (const auto& [id, program] : e->kb_.programs) {
    auto index = std::make_unique<search::Index>(&program, e->analyzer_.get(), options.index);
    e->indexes_[id] = index.get();
    e->owned_indexes_[id] = std::move(index);
  }
  e->clock_ = options.clock ? options.clock : std::make_shared<SystemClock>();
  e->answerer_ =
      std::make_unique<dialogue::Answerer>(&e->kb_, &e->indexes_, e->clock_.get(), options.policy);
  return e;
}

const search::Index* Engine::index(const std::string& program) const {
  auto it = indexes_.find(program);
  return it == indexes_.end() ? nullptr : it->second;
}

}  // namespace madoguchi::service
