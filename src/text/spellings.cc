#include "text/spellings.h"

#include <algorithm>

#include "text/line_file.h"

namespace madoguchi::text {

void Spellings::Add(std::vector<Spelling> spellings) {
  // Two spellings `word_of` makes one are one, reaching if either does.
  std::vector<Spelling> kept;
  for (Spelling& s : spellings) {
    if (s.word.empty()) continue;
    auto same =
        std::find_if(kept.begin(), kept.end(), [&](const Spelling& k) { return k.word == s.word; });
    if (same != kept.end()) {
      same->reaches |= s.reaches;
    } else {
      kept.push_back(std::move(s));
    }
  }
  if (kept.size() < 2) return;  // nothing else to reach
  const int word = static_cast<int>(words_.size());
  std::vector<std::string>& stored = words_.emplace_back();
  for (Spelling& s : kept) {
    if (s.reaches) reaches_[s.word].push_back(word);
    stored.push_back(std::move(s.word));
  }
}

void Spellings::AddWord(const std::vector<std::string>& spellings) {
  std::vector<Spelling> parsed;
  for (const std::string& s : spellings) {
    const bool reaches = s.rfind('~', 0) != 0;
    parsed.push_back({reaches ? s : s.substr(1), reaches});
  }
  Add(std::move(parsed));
}

StatusOr<Spellings> Spellings::Load(const std::string& path, const WordOf& word_of) {
  Spellings out;
  Status read = ForEachLine(path, [&](std::string_view line, int) {
    std::vector<Spelling> spellings;
    for (std::string_view field : TabFields(line)) {
      // The mark is read before the spelling is analyzed: the normalizer writes a leading
      // wave dash (〜) as '~' too.
      const bool reaches = field.front() != '~';
      if (!reaches) field.remove_prefix(1);
      if (!field.empty()) spellings.push_back({word_of(field), reaches});
    }
    out.Add(std::move(spellings));
    return Status();
  });
  if (!read.ok()) return read;
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
