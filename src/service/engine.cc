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
  e->analyzer_ = std::make_unique<search::Analyzer>(e->normalizer_.get(), e->tokenizer_.get(),
                                                    &e->lexicon_, options.analyzer, &e->spellings_);
  // An operator's own dictionaries folder may have no spellings: a word has no other. Each
  // spelling is kept as the analyzer writes it as a word, which is what a query's unseen word
  // is looked up by; the analyzer reads no spellings itself, so it can give them.
  const std::string spellings_path = dict_dir + "/spellings.tsv";
  if (std::error_code ec; std::filesystem::exists(spellings_path, ec)) {
    const search::Analyzer& analyzer = *e->analyzer_;
    auto spellings = text::Spellings::Load(spellings_path, [&](std::string_view spelling) {
      std::vector<std::string> words = analyzer.Words(spelling);
      return words.size() == 1 ? std::move(words[0]) : std::string();  // none, or two
    });
    if (!spellings.ok()) return spellings.status();
    e->spellings_ = std::move(spellings).value();
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
