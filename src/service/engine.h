// The answering engine assembled from its parts: normalizer, MeCab tokenizer, lexicon,
// knowledge base, one index per program, and the answerer. What the CLI and the HTTP service
// hold; built once at start-up (or on reload) and then shared.
//
// Thread safety: immutable after Create(); every method may be called from many threads.
#ifndef MADOGUCHI_SERVICE_ENGINE_H_
#define MADOGUCHI_SERVICE_ENGINE_H_

#include <map>
#include <memory>
#include <string>

#include "base/date.h"
#include "base/status.h"
#include "dialogue/answerer.h"
#include "kb/knowledge_base.h"
#include "search/analyzer.h"
#include "search/index.h"
#include "text/lexicon.h"
#include "text/normalizer.h"
#include "text/spellings.h"
#include "text/tokenizer.h"

namespace madoguchi::service {

struct EngineOptions {
  // Knowledge-base folder. Default: the bundled faq/ (see DefaultDataPath()).
  std::string kb_dir;
  // Folder with synonyms.tsv, stopwords.txt and (optional) aspect-words.txt, spellings.tsv and
  // near-synonyms.tsv.
  // Default: the bundled dictionaries/.
  std::string dictionaries_dir;
  text::TokenizerOptions tokenizer;  // user_dictionary defaults to the compiled one
  dialogue::PolicyOptions policy;
  search::AnalyzerOptions analyzer;
  search::IndexOptions index;
  // "today" for every rule; null means the system clock in Asia/Tokyo.
  std::shared_ptr<const Clock> clock;
  // Index each program's own FAQ entries by question and answer only
  // (kb::StripToQuestionAndAnswer), as an organisation's imported spreadsheet has them. For
  // measuring how retrieval generalises (`eval --bare`, `eval-retrieval`). Default: off.
  bool bare = false;
};

class Engine {
 public:
  static StatusOr<std::unique_ptr<Engine>> Create(const EngineOptions& options);

  const dialogue::Answerer& answerer() const { return *answerer_; }
  const kb::KnowledgeBase& knowledge_base() const { return kb_; }
  const search::Analyzer& analyzer() const { return *analyzer_; }
  const search::Index* index(const std::string& program) const;
  const Clock& clock() const { return *clock_; }

 private:
  Engine() = default;
  std::unique_ptr<text::Normalizer> normalizer_;
  std::unique_ptr<text::Tokenizer> tokenizer_;
  text::Lexicon lexicon_;
  text::Spellings spellings_;
  text::Spellings near_synonyms_;
  std::unique_ptr<search::Analyzer> analyzer_;
  kb::KnowledgeBase kb_;
  std::map<std::string, std::unique_ptr<search::Index>> owned_indexes_;
  std::map<std::string, const search::Index*> indexes_;
  std::shared_ptr<const Clock> clock_;
  std::unique_ptr<dialogue::Answerer> answerer_;
};

// A bundled data folder ("faq", "dictionaries"): $MADOGUCHI_HOME/NAME when set, else the
// source tree's, else NAME relative to the working directory.
std::string DefaultDataPath(const std::string& name);

}  // namespace madoguchi::service

#endif  // MADOGUCHI_SERVICE_ENGINE_H_
