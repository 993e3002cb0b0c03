#include "search/analyzer.h"

#include <unordered_map>

#include "text/kana.h"
#include "text/utf8.h"

namespace madoguchi::search {

namespace {

bool IsFunctionWord(const text::Token& t) {
  return t.known && (t.pos == "助詞" || t.pos == "助動詞" || t.pos == "記号");
}

// Katakana letters of a reading (drops ー so ぱすわーど/パスワード/ぱすわど meet).
std::u32string GramLetters(const std::string& reading) {
  std::u32string out;
  for (char32_t c : text::DecodeUtf8(text::HiraganaToKatakana(reading))) {
    if (c == 0x30FC) continue;
    if (text::IsKatakana(c) || text::IsKanji(c) || (c >= U'a' && c <= U'z') ||
        (c >= U'0' && c <= U'9')) {
      out.push_back(c);
    }
  }
  return out;
}

}  // namespace

Analyzer::Analyzer(const text::Normalizer* normalizer, const text::Tokenizer* tokenizer,
                   const text::Lexicon* lexicon, const AnalyzerOptions& options)
    : normalizer_(normalizer), tokenizer_(tokenizer), lexicon_(lexicon), options_(options) {}

Analyzed Analyzer::Analyze(std::string_view raw) const {
  Analyzed a;
  a.normalized = normalizer_->Normalize(raw);
  a.tokens = tokenizer_->Tokenize(a.normalized);

  std::unordered_map<std::string, size_t> index;  // key → position in a.terms
  auto add = [&](std::string key, TermKind kind, float w, const std::string& surface) {
    auto [it, inserted] = index.emplace(key, a.terms.size());
    if (inserted) {
      a.terms.push_back({std::move(key), kind, w, surface});
    } else {
      // A repeated word counts, but less than a new one.
      a.terms[it->second].weight += w * 0.5f;
    }
  };

  std::u32string run;  // reading letters of the current run of non-function words
  auto flush_run = [&]() {
    for (size_t i = 0; i + 1 < run.size(); ++i) {
      std::string g = "g:" + text::EncodeUtf8(run.substr(i, 2));
      add(g, TermKind::kGram, options_.gram_weight, text::EncodeUtf8(run.substr(i, 2)));
    }
    run.clear();
  };

  for (const text::Token& t : a.tokens) {
    if (IsFunctionWord(t)) {
      flush_run();
      continue;
    }
    const std::string& base = lexicon_->Canonical(t.base);
    const std::string& by_surface = lexicon_->Canonical(t.surface);
    if (lexicon_->IsStopWord(t.base) || lexicon_->IsStopWord(t.surface) ||
        lexicon_->IsStopWord(base)) {
      flush_run();
      continue;
    }
    run += GramLetters(t.reading);
    if (!t.IsContent()) continue;
    // A synonym found through the surface wins over an unmapped base form.
    const std::string& word = (base == t.base && by_surface != t.surface) ? by_surface : base;
    add("w:" + word, TermKind::kWord, options_.word_weight, t.surface);
    std::string reading = text::HiraganaToKatakana(t.reading);
    // The canonical word's own reading, when it is kana, ties synonym spellings together.
    if (reading != word) {
      add("r:" + reading, TermKind::kReading, options_.reading_weight, t.surface);
    }
    if (word != t.base && text::IsAllKana(word)) {
      std::string canon_reading = text::HiraganaToKatakana(word);
      if (canon_reading != reading) {
        add("r:" + canon_reading, TermKind::kReading, options_.reading_weight, t.surface);
      }
    }
  }
  flush_run();
  return a;
}

}  // namespace madoguchi::search
