#include "text/lexicon.h"

#include <functional>
#include <vector>

#include "text/kana.h"
#include "text/line_file.h"

namespace madoguchi::text {

namespace {
// One word per line: each normalized word goes to `add`. An empty path reads nothing.
Status ReadWords(const std::string& path, const Normalizer& normalizer,
                 const std::function<void(const std::string&)>& add) {
  if (path.empty()) return Status();
  return ForEachLine(path, [&](std::string_view line, int) {
    add(normalizer.Normalize(line));
    return Status();
  });
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
  if (!files.synonyms.empty()) {
    MADOGUCHI_RETURN_IF_ERROR(ForEachLine(files.synonyms, [&](std::string_view line, int number) {
      std::vector<std::string> words;
      for (std::string_view w : TabFields(line)) {
        std::string n = normalizer.Normalize(w);
        if (!n.empty()) words.push_back(n);
      }
      if (words.size() < 2) {
        return InvalidArgument(files.synonyms + ":" + std::to_string(number) +
                               ": a group needs a canonical word and at least one variant");
      }
      lex.AddGroup(words);
      return Status();
    }));
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
