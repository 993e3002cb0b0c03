#include "text/lexicon.h"

#include <fstream>
#include <functional>
#include <sstream>
#include <vector>

#include "text/kana.h"

namespace madoguchi::text {

namespace {
std::vector<std::string> SplitTabs(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string field;
  while (std::getline(ss, field, '\t')) {
    if (!field.empty() && field.back() == '\r') field.pop_back();
    if (!field.empty()) out.push_back(field);
  }
  return out;
}

// One word per line, '#' comments: each normalized word goes to `add`.
Status ReadWords(const std::string& path, const Normalizer& normalizer,
                 const std::function<void(const std::string&)>& add) {
  if (path.empty()) return Status();
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kNotFound, path + ": cannot be read");
  std::string line;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    add(normalizer.Normalize(line));
  }
  return Status();
}
}  // namespace

void Lexicon::AddGroup(const std::vector<std::string>& words) {
  if (words.empty()) return;
  const std::string& canon = words.front();
  for (const std::string& w : words) {
    canonical_.emplace(w, canon);
    canonical_.emplace(HiraganaToKatakana(w), canon);
  }
}

void Lexicon::AddStopWord(const std::string& word) {
  stop_words_.insert(word);
  stop_words_.insert(HiraganaToKatakana(word));
}

void Lexicon::AddAspectWord(const std::string& word) {
  aspect_words_.insert(word);
  aspect_words_.insert(HiraganaToKatakana(word));
}

StatusOr<Lexicon> Lexicon::Load(const LexiconFiles& files, const Normalizer& normalizer) {
  Lexicon lex;
  const std::string& synonyms_path = files.synonyms;
  if (!synonyms_path.empty()) {
    std::ifstream in(synonyms_path);
    if (!in) return Status(StatusCode::kNotFound, synonyms_path + ": cannot be read");
    std::string line;
    int line_no = 0;
    while (std::getline(in, line)) {
      ++line_no;
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> words;
      for (const std::string& w : SplitTabs(line)) {
        std::string n = normalizer.Normalize(w);
        if (!n.empty()) words.push_back(n);
      }
      if (words.size() < 2) {
        return InvalidArgument(synonyms_path + ":" + std::to_string(line_no) +
                               ": a group needs a canonical word and at least one variant");
      }
      lex.AddGroup(words);
    }
  }
  MADOGUCHI_RETURN_IF_ERROR(
      ReadWords(files.stop_words, normalizer, [&](const std::string& w) { lex.AddStopWord(w); }));
  MADOGUCHI_RETURN_IF_ERROR(ReadWords(files.aspect_words, normalizer,
                                      [&](const std::string& w) { lex.AddAspectWord(w); }));
  return lex;
}

const std::string& Lexicon::Canonical(const std::string& word) const {
  auto it = canonical_.find(word);
  return it == canonical_.end() ? word : it->second;
}

bool Lexicon::IsStopWord(const std::string& word) const { return stop_words_.count(word) > 0; }

}  // namespace madoguchi::text
