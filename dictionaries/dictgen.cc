// Builds the MeCab user-dictionary source from dictionaries/*.csv: surfaces are normalized the
// way queries are, then written as MeCab is given them (DictionaryPunctuation), and every word
// gets its reading in hiragana and katakana as extra surfaces with the same base form, so
// にんしょうこーど and ニンショウコード tokenize as 認証コード; a word with punctuation inside
// gets a surface without it (元気アップりいばらき).
//
// Usage: madoguchi_dictgen OUT.csv IN.csv...
#include <cctype>
#include <fstream>
#include <iostream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

#include "text/kana.h"
#include "text/normalizer.h"
#include "text/tokenizer.h"
#include "text/utf8.h"

namespace {

std::vector<std::string> SplitCsv(const std::string& line) {
  std::vector<std::string> out;
  std::stringstream ss(line);
  std::string f;
  while (std::getline(ss, f, ',')) out.push_back(f);
  if (!line.empty() && line.back() == ',') out.push_back("");
  return out;
}

std::string Join(const std::vector<std::string>& fields) {
  std::string s;
  for (size_t i = 0; i < fields.size(); ++i) s += (i ? "," : "") + fields[i];
  return s;
}

}  // namespace

int main(int argc, char** argv) {
  using madoguchi::text::HiraganaToKatakana;
  using madoguchi::text::KatakanaToHiragana;
  if (argc < 3) {
    std::cerr << "usage: madoguchi_dictgen OUT.csv IN.csv...\n";
    return 2;
  }
  auto normalizer = madoguchi::text::Normalizer::Create();
  if (!normalizer.ok()) {
    std::cerr << normalizer.status().ToString() << "\n";
    return 1;
  }
  std::set<std::string> seen;
  std::vector<std::string> lines;
  int errors = 0;
  for (int a = 2; a < argc; ++a) {
    std::ifstream in(argv[a]);
    if (!in) {
      std::cerr << argv[a] << ": cannot be read\n";
      return 1;
    }
    std::string line;
    int no = 0;
    while (std::getline(in, line)) {
      ++no;
      if (!line.empty() && line.back() == '\r') line.pop_back();
      if (line.empty() || line[0] == '#') continue;
      std::vector<std::string> f = SplitCsv(line);
      if (f.size() != 13) {
        std::cerr << argv[a] << ":" << no << ": expected 13 fields, got " << f.size() << "\n";
        ++errors;
        continue;
      }
      const std::string reading = f[11];
      const std::string normalized = (*normalizer)->Normalize(f[0]);
      std::vector<std::string> surfaces = {madoguchi::text::DictionaryPunctuation(normalized)};
      // A name with punctuation inside (元気アップ！りいばらき) is typed without it as often.
      std::string bare;
      for (char c : normalized) {
        if (!std::ispunct(static_cast<unsigned char>(c))) bare.push_back(c);
      }
      if (!bare.empty() && bare != normalized) surfaces.push_back(bare);
      // Spelled out in kana, a word of one or two letters is a piece of everyday words: さい
      // (歳) at a word's cost would cut ください into くだ|さい.
      if (reading != "*" && !reading.empty() && madoguchi::text::CodePointCount(reading) >= 3) {
        surfaces.push_back(KatakanaToHiragana(reading));
        surfaces.push_back(HiraganaToKatakana(reading));
      }
      for (const std::string& s : surfaces) {
        if (s.empty() || s.find(' ') != std::string::npos || !seen.insert(s).second) continue;
        f[0] = s;
        lines.push_back(Join(f));
      }
    }
  }
  if (errors > 0) return 1;
  std::ofstream out(argv[1]);
  for (const std::string& l : lines) out << l << "\n";
  return out ? 0 : 1;
}
