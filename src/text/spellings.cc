#include "text/spellings.h"

#include <algorithm>
#include <fstream>
#include <string_view>

namespace madoguchi::text {

void Spellings::AddWord(const std::vector<std::string>& spellings) {
  const int word = static_cast<int>(words_.size());
  std::vector<std::string>& kept = words_.emplace_back();
  for (const std::string& s : spellings) {
    const bool reaches = s.rfind('~', 0) != 0;
    std::string spelling = reaches ? s : s.substr(1);
    // Two spellings the normalizer or a curated group makes one are one.
    if (spelling.empty() || std::find(kept.begin(), kept.end(), spelling) != kept.end()) continue;
    if (reaches) reaches_[spelling].push_back(word);
    kept.push_back(std::move(spelling));
  }
}

StatusOr<Spellings> Spellings::Load(const std::string& path, const Normalizer& normalizer,
                                    const Lexicon& lexicon) {
  Spellings out;
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kNotFound, path + ": cannot be read");
  std::string line;
  std::vector<std::string> spellings;
  while (std::getline(in, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    spellings.clear();
    std::string_view rest = line;
    while (!rest.empty()) {
      const size_t tab = rest.find('\t');
      std::string_view field = rest.substr(0, tab);
      rest = tab == std::string_view::npos ? std::string_view() : rest.substr(tab + 1);
      const bool reaches = field.empty() || field.front() != '~';
      if (!reaches) field.remove_prefix(1);
      std::string word = lexicon.Canonical(normalizer.Normalize(field));
      if (!word.empty()) spellings.push_back(reaches ? std::move(word) : "~" + word);
    }
    out.AddWord(spellings);
  }
  return out;
}

std::vector<const std::string*> Spellings::Of(const std::string& word) const {
  std::vector<const std::string*> out;
  auto it = reaches_.find(word);
  if (it == reaches_.end()) return out;
  for (int w : it->second) {
    for (const std::string& s : words_[w]) {
      if (s == word) continue;
      if (std::none_of(out.begin(), out.end(), [&](const std::string* o) { return *o == s; })) {
        out.push_back(&s);
      }
    }
  }
  return out;
}

}  // namespace madoguchi::text
