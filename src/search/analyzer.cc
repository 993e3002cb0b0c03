#include "search/analyzer.h"

#include <algorithm>
#include <unordered_map>

#include "text/era.h"
#include "text/kana.h"
#include "text/utf8.h"

namespace madoguchi::search {

namespace {

bool IsFunctionWord(const text::Token& t) {
  if (t.known && (t.pos == "助詞" || t.pos == "助動詞" || t.pos == "記号")) return true;
  // Punctuation the dictionary does not know ("?", "!!") is not a word either: a word has a
  // letter, a digit or any character past U+00FF (kana and kanji among them). Read on the
  // bytes: every token passes here.
  for (size_t i = 0; i < t.surface.size(); ++i) {
    const auto b = static_cast<unsigned char>(t.surface[i]);
    if ((b >= 'a' && b <= 'z') || (b >= '0' && b <= '9')) return false;
    // A lead byte other than C2/C3 (which encode U+0080–U+00FF) starts a character past U+00FF.
    if (b >= 0xC0 && b != 0xC2 && b != 0xC3) return false;
  }
  return true;
}

// Katakana letters of a reading (drops ー so ぱすわーど/パスワード/ぱすわど meet).
std::u32string GramLetters(const std::string& reading) {
  std::u32string out;
  for (char32_t c : text::DecodeUtf8(text::HiraganaToKatakana(reading))) {
    if (c == 0x30FC) continue;
    // Digits are left to the date and number rules: 2025年 says nothing about the topic.
    if (text::IsKatakana(c) || text::IsKanji(c) || (c >= U'a' && c <= U'z')) {
      out.push_back(c);
    }
  }
  return out;
}

bool IsEraName(const std::string& word) {
  const text::Era* era = text::FindEra(word);
  return era != nullptr && word == era->name;
}

// An era before its year's number or 元年, or the 元年 after an era.
bool DatesAYear(const std::vector<text::Token>& tokens, size_t i) {
  if (IsEraName(tokens[i].base)) {
    return i + 1 < tokens.size() && (tokens[i + 1].pos1 == "数" || tokens[i + 1].base == "元年");
  }
  return tokens[i].base == "元年" && i > 0 && IsEraName(tokens[i - 1].base);
}

bool IsSingleKanjiNoun(const text::Token& t) {
  if (!t.known || t.pos != "名詞" || t.surface.size() > 4) return false;
  const std::u32string letters = text::DecodeUtf8(t.surface);
  return letters.size() == 1 && text::IsKanji(letters[0]);
}

// 何 however it is written or read (なに, なん).
bool IsWhat(const text::Token& t) {
  return t.base == "何" || t.surface == "何" || t.surface == "なに" || t.surface == "なん" ||
         t.surface == "ナニ";
}

// Whether the text asks what something is (「健康ポイントとは」「QRコードって何？」「ゴールドは
// 何ですか」), the question a definition answers: a noun followed by とは, or by って or は and a
// 何 that ends the sentence. 「ポイントは何に使える」 asks something else.
bool AsksWhatItIs(const std::vector<text::Token>& tokens) {
  auto function_only_until_end = [&](size_t from) {
    for (size_t k = from; k < tokens.size(); ++k) {
      const text::Token& t = tokens[k];
      if (!IsFunctionWord(t)) return false;
      if (t.pos != "助詞" && t.pos != "助動詞") return true;  // punctuation ends the sentence
    }
    return true;
  };
  for (size_t i = 1; i + 1 < tokens.size(); ++i) {
    // The thing asked about: a noun, or a name in brackets (「元気アップ！りいばらき」とは).
    const text::Token& thing = tokens[i - 1];
    if (thing.pos != "名詞" && !(thing.pos == "記号" && thing.pos1 == "括弧閉")) continue;
    const std::string& particle = tokens[i].surface;
    if (particle == "と" && tokens[i].pos == "助詞" && tokens[i + 1].surface == "は") return true;
    if (tokens[i].pos != "助詞") continue;
    if (particle == "って" || particle == "は") {
      // An adverb may come between (「ポイントってそもそも何？」「一体何ですか」).
      size_t what = i + 1;
      while (what + 1 < tokens.size() &&
             (tokens[what].pos == "副詞" || tokens[what].pos == "接続詞")) {
        ++what;
      }
      if (IsWhat(tokens[what]) && function_only_until_end(what + 1)) return true;
    }
    // MeCab reads ってなんですか as ってな|ん|です|か.
    if (particle == "ってな" && tokens[i + 1].surface == "ん" && function_only_until_end(i + 2)) {
      return true;
    }
  }
  return false;
}

// Whether a token can start a clause's content: a word that is not an ending or a helper of
// the word before (いる of 持っている, ください of 教えてください).
bool StartsContent(const text::Token& t) {
  if (!t.known) return true;
  if (t.pos == "名詞") return t.pos1 != "非自立" && t.pos1 != "接尾";
  if (t.pos == "動詞" || t.pos == "形容詞") return t.pos1 == "自立";
  return t.pos == "副詞" || t.pos == "連体詞" || t.pos == "接頭詞";
}

// A noun that この or その points at (このサービス, その制度): the thing already in view, the
// program the member is asking about, however the knowledge base names it.
bool PointedAt(const std::vector<text::Token>& tokens, size_t i) {
  if (i == 0 || tokens[i].pos != "名詞") return false;
  const text::Token& before = tokens[i - 1];
  return before.pos == "連体詞" && (before.base == "この" || before.base == "その");
}

// A word that makes the clause before it a permission or an obligation, not a circumstance:
// 載せちゃいけない, 使ってもいい, 出さなければならない.
bool IsModal(const text::Token& t) {
  // いけない and ならない as JoinNamedPhrases may have joined them.
  static const char* const kModal[] = {"いける",   "いけない", "いい", "よい", "良い", "なる",
                                       "ならない", "だめ",     "ダメ", "駄目", "構う"};
  for (const char* m : kModal) {
    if (t.base == m) return true;
  }
  return false;
}

// Whether tokens [from, to) say what the member wants (協賛したいんですが): then the clause is
// what is asked, not the scene of it.
bool SaysAWish(const std::vector<text::Token>& tokens, size_t from, size_t to) {
  for (size_t k = from; k < to; ++k) {
    if (tokens[k].pos == "助動詞" && tokens[k].base == "たい") return true;
  }
  return false;
}

// The noun a verb of doing X again is made of: 登録 of 登録し直す (X + し + 直す), which asks
// what 再登録 asks. Null when token i is no such 直す.
const text::Token* RedoneNoun(const std::vector<text::Token>& tokens, size_t i) {
  const text::Token& t = tokens[i];
  if (i < 2 || t.pos != "動詞" || t.pos1 != "非自立" || (t.base != "直す" && t.base != "なおす")) {
    return nullptr;
  }
  const text::Token& noun = tokens[i - 2];
  if (tokens[i - 1].base != "する" || noun.pos != "名詞" || noun.pos1 != "サ変接続") return nullptr;
  return &noun;
}

// Whether the predicate token i heads is negated: 登録されない, 登録されていません, 付与されず.
// Walks the helpers after it (する, される, いる, できる, ます …) to the first word that is none.
bool SaysNotDone(const std::vector<text::Token>& tokens, size_t i) {
  for (size_t j = i + 1; j < tokens.size(); ++j) {
    const text::Token& t = tokens[j];
    if (t.pos == "助動詞") {
      if (t.base == "ない" || t.base == "ぬ" || t.base == "ん" || t.surface == "ず") return true;
      continue;
    }
    const bool helper =
        t.pos == "動詞" && (t.pos1 == "非自立" || t.pos1 == "接尾" || t.base == "する" ||
                            t.base == "できる" || t.base == "出来る");
    // て or で between a verb and its helper: 登録されて|いない.
    const bool joins_helper = t.pos == "助詞" && t.pos1 == "接続助詞" &&
                              (t.surface == "て" || t.surface == "で") && j + 1 < tokens.size() &&
                              tokens[j + 1].pos == "動詞" && tokens[j + 1].pos1 == "非自立";
    if (!helper && !joins_helper) return false;
  }
  return false;
}

bool EndsSentence(const text::Token& t) {
  return t.pos == "記号" && (t.pos1 == "句点" || t.surface == "？" || t.surface == "！");
}

// Which tokens say the circumstance of the question rather than the question: those of a
// clause that a conjunctive particle or a conditional ends (結婚して, 持っていないので,
// 受けたのに, 両方受けたら, 何グラムなら) before the sentence's last clause goes on to name
// what is asked (はがきの名前と違っても登録できますか). The member's own story sets the scene.
// When the last clause names nothing (「認定まだだけど大丈夫？」), what is asked about is in
// the clause before it, and nothing is circumstance; so too for a clause that says what the
// member wants (「協賛したいんですが、手続きは？」).
std::vector<char> CircumstanceTokens(const std::vector<text::Token>& tokens) {
  std::vector<char> out(tokens.size(), 0);
  auto names_something = [](const text::Token& t) {
    if (!t.known) return true;
    return t.pos == "名詞" && (t.pos1 == "一般" || t.pos1 == "サ変接続" || t.pos1 == "固有名詞");
  };
  size_t sentence_start = 0;
  size_t last_clause_end = tokens.size();  // none yet in this sentence
  bool last_clause_names = false;
  for (size_t i = 0; i <= tokens.size(); ++i) {
    const bool sentence_ends = i == tokens.size() || EndsSentence(tokens[i]);
    if (sentence_ends) {
      if (last_clause_end < tokens.size() && last_clause_names) {
        for (size_t k = sentence_start; k <= last_clause_end; ++k) out[k] = 1;
      }
      sentence_start = i + 1;
      last_clause_end = tokens.size();
      last_clause_names = false;
      continue;
    }
    const text::Token& t = tokens[i];
    last_clause_names = last_clause_names || names_something(t);
    const bool ends_clause =
        (t.pos == "助詞" && t.pos1 == "接続助詞") ||
        (t.pos == "助動詞" && (t.surface == "たら" || t.surface == "だら" || t.surface == "なら"));
    if (!ends_clause) continue;
    size_t next = i + 1;
    while (next < tokens.size() &&
           ((tokens[next].pos == "助詞" && tokens[next].pos1 != "接続助詞") ||
            (tokens[next].pos == "記号" && tokens[next].pos1 == "読点"))) {
      ++next;
    }
    if (next >= tokens.size() || !StartsContent(tokens[next]) || IsModal(tokens[next])) continue;
    const size_t clause_start =
        last_clause_end < tokens.size() ? last_clause_end + 1 : sentence_start;
    if (SaysAWish(tokens, clause_start, i)) continue;
    last_clause_end = i;
    last_clause_names = false;
  }
  return out;
}

// Which tokens name who or what the member asks a rule to cover: a noun phrase that も or
// でも marks before the sentence goes on to ask (「高校生の息子（16歳）も抽選に応募できますか」,
// 「土曜日も問い合わせできる？」). Not a noun a clause describes (「退職したあとも」), which
// says when, as a circumstance does.
std::vector<char> AlsoPhraseTokens(const std::vector<text::Token>& tokens) {
  std::vector<char> out(tokens.size(), 0);
  auto in_noun_phrase = [](const text::Token& t) {
    return t.pos == "名詞" || t.pos == "接頭詞" || (t.pos == "助詞" && t.pos1 == "連体化") ||
           (t.pos == "記号" && (t.pos1 == "括弧開" || t.pos1 == "括弧閉"));
  };
  // Whether the sentence names something after each token: one pass from the end, so a long
  // message costs no more than its length.
  std::vector<char> goes_on(tokens.size(), 0);
  for (size_t i = tokens.size(), seen = 0; i-- > 0;) {
    if (EndsSentence(tokens[i])) seen = 0;
    goes_on[i] = static_cast<char>(seen);
    if (tokens[i].IsContent()) seen = 1;
  }
  for (size_t i = 1; i < tokens.size(); ++i) {
    const text::Token& t = tokens[i];
    if (t.pos != "助詞" || (t.surface != "も" && t.surface != "でも") || !goes_on[i]) continue;
    size_t start = i;
    while (start > 0 && in_noun_phrase(tokens[start - 1])) --start;
    if (start > 0 && (tokens[start - 1].pos == "動詞" || tokens[start - 1].pos == "助動詞")) {
      continue;
    }
    std::fill(out.begin() + static_cast<std::ptrdiff_t>(start),
              out.begin() + static_cast<std::ptrdiff_t>(i), 1);
  }
  return out;
}

}  // namespace

Analyzer::Analyzer(const text::Normalizer* normalizer, const text::Tokenizer* tokenizer,
                   const text::Lexicon* lexicon, const AnalyzerOptions& options,
                   const text::Spellings* spellings, const text::Spellings* near_synonyms)
    : normalizer_(normalizer),
      tokenizer_(tokenizer),
      lexicon_(lexicon),
      options_(options),
      spellings_(spellings),
      near_synonyms_(near_synonyms) {
  std::unordered_map<std::string, std::string> found;
  for (const auto& [word, canonical] : lexicon_->words()) {
    std::string reading;
    for (const text::Token& t : tokenizer_->Tokenize(word)) {
      reading += text::HiraganaToKatakana(t.reading);
    }
    if (reading.empty()) continue;
    auto [it, inserted] = found.emplace(reading, canonical);
    if (!inserted && it->second != canonical) it->second.clear();  // two groups: say neither
  }
  for (auto& [reading, canonical] : found) {
    if (!canonical.empty()) group_by_reading_.emplace(reading, std::move(canonical));
  }
}

std::vector<text::Token> Analyzer::JoinNamedPhrases(std::vector<text::Token> tokens) const {
  // MeCab splits katakana words it does not know at words it does (サインイン → サイ|ンイン,
  // サイクリング → サイ|クリング) and some compounds (他県, 来店者). A run of two or three
  // tokens whose letters the synonym groups name is that word, one token; its parts would
  // otherwise count as topics no entry has.
  constexpr size_t kLongest = 3;
  std::vector<text::Token> out;
  out.reserve(tokens.size());
  // Verbs and endings join too (なく|なる is なくなる, いけ|ない is いけない); punctuation never.
  auto piece = [&](size_t k) { return tokens[k].pos != "記号"; };
  std::string surface;
  for (size_t i = 0; i < tokens.size();) {
    size_t joined = 1;
    size_t pieces = 0;
    while (pieces < kLongest && i + pieces < tokens.size() && piece(i + pieces)) ++pieces;
    for (size_t n = pieces; n >= 2 && joined == 1; --n) {
      surface.clear();
      for (size_t k = i; k < i + n; ++k) surface += tokens[k].surface;
      if (lexicon_->InGroup(surface)) joined = n;
    }
    if (joined == 1) {
      out.push_back(std::move(tokens[i++]));
      continue;
    }
    text::Token t;
    t.pos = "名詞";
    t.pos1 = "一般";
    for (size_t k = i; k < i + joined; ++k) {
      t.surface += tokens[k].surface;
      t.reading += tokens[k].reading;
    }
    t.base = t.surface;
    out.push_back(std::move(t));
    i += joined;
  }
  return out;
}

float Analyzer::WordWeight(bool topic) const {
  return topic ? options_.word_weight : options_.word_weight * options_.wording_weight;
}

float Analyzer::UnitWeight(const Term& term) const {
  switch (term.kind) {
    case TermKind::kWord:
      return WordWeight(term.topic);
    case TermKind::kReading:
      return options_.reading_weight;
    case TermKind::kGram:
      return options_.gram_weight;
    case TermKind::kPair:
      return options_.pair_weight;
    case TermKind::kNumber:
      return options_.number_weight;
    case TermKind::kNegation:
      return options_.negation_weight;
  }
  return 1.0f;
}

Analyzed Analyzer::Analyze(std::string_view raw) const { return Analyze(raw, Mode::kQuery); }

Analyzed Analyzer::AnalyzeToIndex(std::string_view raw) const { return Analyze(raw, Mode::kIndex); }

std::vector<std::string> Analyzer::Words(std::string_view raw) const {
  std::vector<std::string> words;
  for (Term& t : Analyze(raw, Mode::kWords).terms) words.push_back(t.key.substr(2));
  return words;
}

Analyzed Analyzer::Analyze(std::string_view raw, Mode mode) const {
  Analyzed a;
  a.normalized = normalizer_->Normalize(raw);
  a.tokens = JoinNamedPhrases(tokenizer_->Tokenize(a.normalized));

  // A text made only of stop words (「何ができるの？」) is still a question: it keeps them.
  CollectTerms(a, /*keep_stop_words=*/false, mode);
  bool has_word = false;
  for (const Term& t : a.terms) has_word |= t.kind == TermKind::kWord;
  if (!has_word) {
    a.terms.clear();
    CollectTerms(a, /*keep_stop_words=*/true, mode);
  }
  if (mode == Mode::kIndex) {
    for (const text::Token& t : a.tokens) {
      if (t.known && t.pos == "動詞" && t.pos1 == "非自立") {
        a.helping_verbs.push_back("w:" + lexicon_->Canonical(t.base));
      }
    }
  }
  return a;
}

void Analyzer::CollectTerms(Analyzed& a, bool keep_stop_words, Mode mode) const {
  const bool words_only = mode == Mode::kWords;
  // Every occurrence is kept until the end, where repeats merge (MergeRepeats): cheaper than
  // a map of the keys seen, which would allocate for each term of every question.
  const std::vector<char> circumstance = CircumstanceTokens(a.tokens);
  const std::vector<char> also = AlsoPhraseTokens(a.tokens);
  bool in_circumstance = false;
  bool in_also = false;
  auto add = [&](std::string key, TermKind kind, float w, const std::string& surface,
                 bool synonym = false, bool topic = false, bool asks = false) {
    if (words_only && kind != TermKind::kWord) return;
    a.terms.push_back({std::move(key), kind, w, surface, synonym, topic, asks});
    a.terms.back().circumstance = in_circumstance;
    a.terms.back().also = in_also;
  };
  a.terms.reserve(a.tokens.size() * 6);  // a word, its reading, a pair and a few grams each

  std::u32string run;  // reading letters of the current run of non-function words
  auto flush_run = [&]() {
    for (size_t i = 0; !words_only && i + 1 < run.size(); ++i) {
      std::string g = text::EncodeUtf8(run.substr(i, 2));
      add("g:" + g, TermKind::kGram, options_.gram_weight, g);
    }
    run.clear();
  };

  // Consecutive content words (particles between them allowed) also count as a pair, so
  // 「いつ 使える」 and 「いつ 付与」 are told apart although both ask "when".
  std::string previous;
  auto add_word = [&](const text::Token& t, const std::string& word, bool synonym) {
    // A word folded into a synonym group names the group's concept (つく → 付与): a topic.
    const bool topic = !t.known || t.pos == "名詞" || synonym;
    add("w:" + word, TermKind::kWord, WordWeight(topic), t.surface, synonym, topic);
    const size_t at = static_cast<size_t>(&t - a.tokens.data());
    const bool wording =
        (t.known && (t.pos != "名詞" || t.pos1 == "代名詞" || t.pos1 == "形容動詞語幹")) ||
        lexicon_->IsAspectWord(word) || PointedAt(a.tokens, at);
    a.terms.back().wording = wording;
    // A thing said not to happen (結果が登録されない) is what an entry that says so answers
    // (登録されていません), not one where it did (登録しましたが…). Only an act a noun names:
    // わからない or 使えない say how the member is stuck, as their verbs are wording.
    if (!words_only && !wording && t.pos == "名詞" && t.pos1 == "サ変接続" &&
        SaysNotDone(a.tokens, at)) {
      add("x:" + word, TermKind::kNegation, options_.negation_weight, t.surface);
      if (mode == Mode::kQuery) a.terms.back().heard_only = true;
    }
    if (!words_only && !previous.empty() && previous != word) {
      add("p:" + previous + "|" + word, TermKind::kPair, options_.pair_weight, t.surface);
    }
    previous = word;
  };

  // 何 (なん) and the noun after it can ask for an amount the dictionary names as one phrase
  // (何ポイント, 何点), however MeCab splits 「なんポイント」 or 「何ぽいんと」; 何 alone is a stop
  // word and ポイント alone says little.
  bool after_what = false;
  bool what_then_case = false;
  bool after_how = false;
  for (const text::Token& t : a.tokens) {
    const size_t at = static_cast<size_t>(&t - a.tokens.data());
    in_circumstance = circumstance[at];
    in_also = also[at];
    if (after_what && t.pos == "名詞") {
      const std::string phrase = "何" + t.base;
      if (lexicon_->InGroup(phrase)) {
        add("w:" + lexicon_->Canonical(phrase), TermKind::kWord, WordWeight(/*topic=*/true),
            t.surface, /*synonym=*/true, /*topic=*/true);
      }
    }
    // どう + なる asks what follows from something (「貯めたらどうなる」), not how to do it
    // (「貯め方」): both words are stop words, the pair is wording.
    if (after_how && t.base == "なる") {
      add("w:どうなる", TermKind::kWord, WordWeight(/*topic=*/false), "どうなる",
          /*synonym=*/false, /*topic=*/false, /*asks=*/true);
    }
    // 何 + が/を + a verb asks for the verb's object (「何がもらえる」「何ができる」), which an
    // entry naming the object (「ポイントがもらえる」) does not answer: the pair is wording.
    if (what_then_case && t.pos == "動詞" && t.pos1 == "自立") {
      add("w:何" + lexicon_->Canonical(t.base), TermKind::kWord, WordWeight(/*topic=*/false),
          "何" + t.surface, /*synonym=*/false, /*topic=*/false, /*asks=*/true);
    }
    // Doing X again is 再X however it is written: 「登録し直し？」 meets an entry's 再登録, and
    // 「再登録いる？」 one that says 登録し直す.
    if (const text::Token* noun = RedoneNoun(a.tokens, at)) {
      add("w:" + lexicon_->Canonical("再" + noun->base), TermKind::kWord,
          WordWeight(/*topic=*/true), noun->surface + t.surface, /*synonym=*/false,
          /*topic=*/true);
    }
    what_then_case = (after_what && t.pos == "助詞" && (t.surface == "が" || t.surface == "を"));
    after_how = t.base == "どう" || t.surface == "どう";
    after_what = IsWhat(t);
    if (IsFunctionWord(t)) {
      flush_run();
      if (t.pos == "記号") previous.clear();  // a sentence or clause ends
      continue;
    }
    const std::string& base = lexicon_->Canonical(t.base);
    const std::string& by_surface = lexicon_->Canonical(t.surface);
    if (!keep_stop_words && (lexicon_->IsStopWord(t.base) || lexicon_->IsStopWord(t.surface) ||
                             lexicon_->IsStopWord(base))) {
      flush_run();
      continue;
    }
    // A synonym found through the surface wins over an unmapped base form.
    const std::string& word = (base == t.base && by_surface != t.surface) ? by_surface : base;
    if (word != t.base) {
      // The group's canonical word stands for this one: its own reading and letters would
      // only count against entries written with the canonical spelling.
      flush_run();
      if (!t.IsContent()) continue;
      add_word(t, word, /*synonym=*/true);
      // Entries spelled with the canonical word carry its reading only when it differs.
      std::string canon_reading = text::HiraganaToKatakana(word);
      if (text::IsAllKana(word) && canon_reading != word) {
        add("r:" + canon_reading, TermKind::kReading, options_.reading_weight, t.surface);
      }
      continue;
    }
    if (t.pos == "名詞" && t.pos1 == "数") {  // numbers split runs: 2025年2月 is no word
      flush_run();
      continue;
    }
    if (!words_only) run += GramLetters(t.reading);
    if (!t.IsContent()) continue;
    const size_t word_term = a.terms.size();
    add_word(t, word, /*synonym=*/false);
    // An era and its year (令和3年, 令和元年) date what is asked about: an entry that never
    // names the era can still answer it, so a knowledge base without it lacks no topic.
    if (DatesAYear(a.tokens, static_cast<size_t>(&t - a.tokens.data()))) {
      a.terms[word_term].wording = true;
    }
    if (words_only) continue;
    std::string reading = text::HiraganaToKatakana(t.reading);
    if (reading != word) {
      add("r:" + reading, TermKind::kReading, options_.reading_weight, t.surface);
    }
  }
  flush_run();
  in_circumstance = false;
  in_also = false;
  AddSlipReadings(a, add);
  if (mode == Mode::kQuery) AddKanaRunReadings(a);
  if (!words_only) AddAmounts(a, add, mode);
  // Asking what something is is wording, as どうなる is: it picks the entry that defines the
  // thing among the entries that mention it.
  if (AsksWhatItIs(a.tokens)) {
    add("w:とは", TermKind::kWord, WordWeight(/*topic=*/false), "とは", /*synonym=*/false,
        /*topic=*/false, /*asks=*/true);
  }
  MergeRepeats(a.terms);
}

void Analyzer::MergeRepeats(std::vector<Term>& terms) {
  // A term keeps its first occurrence's place and flags; a repeated word counts, but less than
  // a new one. Repeats are added in the order they occur. A term is wording only if every
  // occurrence is: 「紛失をなくした」 names 紛失 as a noun, whichever comes first.
  std::vector<int> order(terms.size());
  for (size_t i = 0; i < order.size(); ++i) order[i] = static_cast<int>(i);
  std::sort(order.begin(), order.end(), [&](int x, int y) {
    const int c = terms[x].key.compare(terms[y].key);
    return c != 0 ? c < 0 : x < y;
  });
  std::vector<char> repeat(terms.size(), 0);
  for (size_t g = 0; g < order.size();) {
    Term& first = terms[order[g]];
    size_t k = g + 1;
    for (; k < order.size() && terms[order[k]].key == first.key; ++k) {
      first.weight += terms[order[k]].weight * 0.5f;
      first.wording = first.wording && terms[order[k]].wording;
      first.circumstance = first.circumstance && terms[order[k]].circumstance;
      repeat[order[k]] = 1;
    }
    g = k;
  }
  size_t out = 0;
  for (size_t i = 0; i < terms.size(); ++i) {
    if (!repeat[i]) {
      if (out != i) terms[out] = std::move(terms[i]);
      ++out;
    }
  }
  terms.resize(out);
}

template <typename AddTerm>
void Analyzer::AddAmounts(Analyzed& a, AddTerm& add, Mode mode) const {
  // MeCab reads 5,000 as 5 | , | 000 (the comma a number or a noun, by dictionary), and 3月 or
  // 2025年 as a number and a noun.
  auto is_number = [&](size_t i) { return i < a.tokens.size() && a.tokens[i].pos1 == "数"; };
  for (size_t i = 0; i < a.tokens.size();) {
    if (!is_number(i)) {
      ++i;
      continue;
    }
    std::string number;
    size_t end = i;
    for (; end < a.tokens.size(); ++end) {
      if (a.tokens[end].surface == ",") {
        if (!is_number(end + 1)) break;
      } else if (is_number(end)) {
        number += a.tokens[end].surface;
      } else {
        break;
      }
    }
    i = std::max(end, i + 1);
    // Kanji numerals (三, 十) are left out: 十月 and 10月 are not one key.
    if (number.empty() ||
        !std::all_of(number.begin(), number.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      continue;
    }
    std::string counter;
    if (end < a.tokens.size() && a.tokens[end].pos == "名詞" &&
        (a.tokens[end].pos1 == "接尾" || a.tokens[end].pos1 == "一般")) {
      counter = a.tokens[end].surface;
    }
    // A date in a question dates the member's case (平成31年4月に貰ったポイント), not what is
    // asked about (the entry on April's pause of exchanges); the date rules read it.
    if (counter == "年" || counter == "年度" || counter == "月" || counter == "日") continue;
    add("n:" + number + counter, TermKind::kNumber, options_.number_weight, number + counter);
    if (mode == Mode::kQuery) a.terms.back().heard_only = true;
  }
}

void Analyzer::AddKanaRunReadings(Analyzed& a) const {
  // Written in kana, a word MeCab does not find whole is cut at words it knows: むりょう is
  // むりょ|う, しりょう is し|りょう. Two or three kana tokens read together are that word's
  // reading; it counts only where some entry has a word of that sound. A reading the synonym
  // groups name is their word too (むりょう → 無料 → 費用), as a slip's is.
  const std::vector<text::Token>& tokens = a.tokens;
  auto kana = [&](size_t i) {
    return tokens[i].pos != "記号" && text::IsAllKana(tokens[i].surface);
  };
  for (size_t i = 0; i < tokens.size(); ++i) {
    if (!kana(i) || tokens[i].pos == "助詞" || tokens[i].pos == "助動詞") continue;
    std::string surface = tokens[i].surface;
    for (size_t j = i + 1; j < tokens.size() && j < i + 3 && kana(j); ++j) {
      surface += tokens[j].surface;
      std::string reading = text::HiraganaToKatakana(surface);
      if (auto it = group_by_reading_.find(reading); it != group_by_reading_.end()) {
        Term w{"w:" + it->second, TermKind::kWord, WordWeight(/*topic=*/true), surface,
               /*synonym=*/true,  /*topic=*/true};
        w.heard_only = true;
        a.terms.push_back(std::move(w));
      }
      Term t{"r:" + std::move(reading), TermKind::kReading, options_.reading_weight, surface};
      t.heard_only = true;
      a.terms.push_back(std::move(t));
    }
  }
}

template <typename AddTerm>
void Analyzer::AddSlipReadings(const Analyzed& a, AddTerm& add) const {
  // An IME slip writes a word with other kanji of the same sound: 任証 for 認証, 有効期現 for
  // 有効期限. MeCab knows no such compound and breaks it into single-kanji nouns, whose readings
  // alone meet nothing. Where two single-kanji nouns meet, the readings of the nouns around
  // them, joined (任証コード → ニンショウコード), are a reading term too: it meets the entry
  // word of that sound, and only a word some entry has can be met.
  const std::vector<text::Token>& tokens = a.tokens;
  auto joinable = [&](size_t i) {
    return tokens[i].known && tokens[i].pos == "名詞" && tokens[i].pos1 != "数";
  };
  // Numbers and their counters (七年, 四十四人) are split on purpose and read as numbers.
  auto slip_part = [&](size_t i) {
    return IsSingleKanjiNoun(tokens[i]) && tokens[i].pos1 != "数" &&
           !(i > 0 && tokens[i - 1].pos1 == "数");
  };
  for (size_t i = 0; i + 1 < tokens.size(); ++i) {
    if (!slip_part(i) || !slip_part(i + 1)) continue;
    const size_t first = i > 0 && joinable(i - 1) ? i - 1 : i;
    const size_t last = i + 2 < tokens.size() && joinable(i + 2) ? i + 2 : i + 1;
    for (size_t from = first; from <= i; ++from) {
      for (size_t to = i + 1; to <= last; ++to) {
        std::string reading;
        std::string surface;
        for (size_t k = from; k <= to; ++k) {
          reading += text::HiraganaToKatakana(tokens[k].reading);
          surface += tokens[k].surface;
        }
        add("r:" + reading, TermKind::kReading, options_.reading_weight, surface);
        // A slip of a word the synonym groups name is that word (登禄 → 登録).
        if (auto it = group_by_reading_.find(reading); it != group_by_reading_.end()) {
          add("w:" + it->second, TermKind::kWord, WordWeight(/*topic=*/true), surface,
              /*synonym=*/true, /*topic=*/true);
        }
      }
    }
  }
}

}  // namespace madoguchi::search
