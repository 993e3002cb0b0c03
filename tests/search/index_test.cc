#include "search/index.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <map>
#include <memory>
#include <set>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "search/analyzer.h"
#include "text/lexicon.h"
#include "text/normalizer.h"
#include "text/spellings.h"
#include "text/tokenizer.h"

namespace madoguchi::search {
namespace {

kb::Entry MakeEntry(const std::string& id, const std::string& question,
                    std::vector<std::string> alternates, const std::string& answer,
                    std::vector<std::string> keywords = {}) {
  kb::Entry e;
  e.id = id;
  e.question = question;
  e.alternates = std::move(alternates);
  e.answer = answer;
  e.keywords = std::move(keywords);
  return e;
}

kb::ProgramKb MakeProgram(const std::string& id, std::vector<kb::Entry> entries) {
  kb::ProgramKb program;
  program.program.id = id;
  program.entries = std::move(entries);
  return program;
}

// A small hand-made program, a lexicon with a few synonym groups, and an index over them.
class IndexTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto normalizer = text::Normalizer::Create();
    ASSERT_TRUE(normalizer.ok()) << normalizer.status().ToString();
    normalizer_ = std::move(normalizer).value().release();
    text::TokenizerOptions options;
    options.user_dictionary = text::DefaultUserDictionaryPath();
    auto tokenizer = text::Tokenizer::Create(options);
    ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().ToString();
    tokenizer_ = std::move(tokenizer).value().release();

    lexicon_ = new text::Lexicon();
    lexicon_->AddGroup({"パスワード", "pw"});
    lexicon_->AddGroup({"はがき", "ハガキ", "葉書"});
    lexicon_->AddGroup({"何ポイント", "何点"});
    lexicon_->AddGroup({"ログイン", "サインイン"});
    lexicon_->AddGroup({"登録", "登録済み"});
    for (const char* w : {"する", "ある", "いる", "なる", "です", "ます", "どう", "何"}) {
      lexicon_->AddStopWord(w);
    }
    analyzer_ = new Analyzer(normalizer_, tokenizer_, lexicon_);

    program_ = new kb::ProgramKb();
    program_->program.id = "demo";
    program_->program.name = "デモ";
    program_->entries = {
        MakeEntry("demo-password", "パスワードを忘れました", {"ログインできません"},
                  "ログイン画面の「パスワードをお忘れの方」から再設定してください。"),
        MakeEntry("demo-code", "認証コードのはがきが届きません", {"認証コードが来ない"},
                  "保健福祉担当までお問い合わせください。", {"認証コード", "はがき"}),
        MakeEntry("demo-exchange", "ポイントを商品と交換したい", {"景品に換えたい"},
                  "交換は5月から翌年3月まで受け付けています。"),
        MakeEntry("demo-expiry", "ポイントの有効期限はいつですか", {"ポイントはいつまで使えますか"},
                  "付与された年度の翌年度末まで有効です。"),
        MakeEntry("demo-fee", "利用料はかかりますか", {"無料ですか"},
                  "利用料は無料です。通信料はご負担ください。"),
        MakeEntry("demo-retire", "退職したらポイントはどうなりますか", {},
                  "退職するとポイントは失効します。"),
    };
    index_ = new Index(program_, analyzer_);
  }
  static void TearDownTestSuite() {
    delete index_;
    delete program_;
    delete analyzer_;
    delete lexicon_;
    delete tokenizer_;
    delete normalizer_;
    index_ = nullptr;
  }

  static std::vector<Candidate> Search(std::string_view query, bool explain = false,
                                       int limit = 5) {
    SearchOptions options;
    options.explain = explain;
    options.limit = limit;
    return index_->Search(query, options);
  }
  // One field of every candidate `query` finds in an index of `program` built with `options`,
  // by entry id: to compare an entry under two option sets.
  static std::map<std::string, float> FieldById(const kb::ProgramKb& program,
                                                const IndexOptions& options, std::string_view query,
                                                float Candidate::*field) {
    Index index(&program, analyzer_, options);
    std::map<std::string, float> by_id;
    for (const Candidate& c : index.Search(query, {})) by_id[c.entry->id] = c.*field;
    return by_id;
  }
  // How `query`'s coverage of entry `id` changes when IndexOptions::unseen_weight doubles, as
  // a ratio: 1 when every word of the query is one the knowledge base knows.
  static float CoverageWithUnseenDoubled(const kb::ProgramKb& program, std::string_view query,
                                         const std::string& id) {
    IndexOptions heavier;
    heavier.unseen_weight *= 2;
    const float plain = FieldById(program, {}, query, &Candidate::coverage)[id];
    EXPECT_GT(plain, 0.0f) << query;
    return plain > 0 ? FieldById(program, heavier, query, &Candidate::coverage)[id] / plain : 0;
  }
  static std::string Describe(const std::vector<Candidate>& found) {
    std::string s;
    for (const Candidate& c : found) s += c.entry->id + "=" + std::to_string(c.score) + " ";
    return s;
  }
  // `query` finds entry `id` first, and no word of it is another topic (Candidate::unknown).
  static void ExpectFoundWithNoOtherTopic(const Index& index, std::string_view query,
                                          const std::string& id) {
    SearchOptions options;
    options.explain = true;
    auto found = index.Search(query, options);
    ASSERT_FALSE(found.empty()) << query;
    EXPECT_EQ(found[0].entry->id, id) << query << " → " << Describe(found);
    std::string unknown;
    for (const std::string& word : found[0].unknown) unknown += word + " ";
    EXPECT_EQ(found[0].unknown_words, 0) << query << ": " << unknown;
  }
  static const MatchedTerm* Why(const Candidate& c, const std::string& term) {
    for (const MatchedTerm& m : c.why) {
      if (m.term == term) return &m;
    }
    return nullptr;
  }
  static std::string DescribeWhy(const Candidate& c) {
    std::string s;
    for (const MatchedTerm& m : c.why) s += m.term + "(" + m.query + "," + m.kind + ") ";
    return s;
  }

  static const text::Normalizer* normalizer_;
  static const text::Tokenizer* tokenizer_;
  static text::Lexicon* lexicon_;
  static const Analyzer* analyzer_;
  static kb::ProgramKb* program_;
  static const Index* index_;
};

const text::Normalizer* IndexTest::normalizer_ = nullptr;
const text::Tokenizer* IndexTest::tokenizer_ = nullptr;
text::Lexicon* IndexTest::lexicon_ = nullptr;
const Analyzer* IndexTest::analyzer_ = nullptr;
kb::ProgramKb* IndexTest::program_ = nullptr;
const Index* IndexTest::index_ = nullptr;

TEST_F(IndexTest, IndexesEveryEntry) {
  ASSERT_NE(index_, nullptr);
  EXPECT_EQ(&index_->program(), program_);
  EXPECT_GE(index_->phrase_count(), program_->entries.size());
}

TEST_F(IndexTest, OwnQuestionRanksItsEntryFirstWithAHighScore) {
  ASSERT_NE(index_, nullptr);
  for (const kb::Entry& e : program_->entries) {
    std::vector<Candidate> found = Search(e.question);
    ASSERT_FALSE(found.empty()) << e.question;
    EXPECT_EQ(found[0].entry->id, e.id) << e.question << " → " << Describe(found);
    EXPECT_GE(found[0].score, 0.8f) << e.question << " → " << Describe(found);
    EXPECT_LE(found[0].score, 1.0f);
    EXPECT_EQ(found[0].matched_phrase, e.question);
    if (found.size() > 1) {
      EXPECT_LT(found[1].score, found[0].score) << Describe(found);
    }
  }
}

TEST_F(IndexTest, AlternateFindsItsEntry) {
  ASSERT_NE(index_, nullptr);
  std::vector<Candidate> found = Search("ポイントはいつまで使えますか");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].entry->id, "demo-expiry") << Describe(found);
  EXPECT_EQ(found[0].matched_phrase, "ポイントはいつまで使えますか");
}

TEST_F(IndexTest, SynonymFindsTheEntry) {
  ASSERT_NE(index_, nullptr);
  // PW is in the パスワード group; the entries never write PW.
  std::vector<Candidate> found = Search("PWを忘れた", /*explain=*/true);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].entry->id, "demo-password") << Describe(found);
  const MatchedTerm* m = Why(found[0], "w:パスワード");
  ASSERT_NE(m, nullptr) << DescribeWhy(found[0]);
  EXPECT_EQ(m->kind, "synonym");
  EXPECT_EQ(m->query, "pw");

  found = Search("葉書が届かない");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].entry->id, "demo-code") << Describe(found);
}

TEST_F(IndexTest, HiraganaFindsKanjiEntryThroughReadings) {
  ASSERT_NE(index_, nullptr);
  std::vector<Candidate> found = Search("ゆうこうきげん", /*explain=*/true);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].entry->id, "demo-expiry") << Describe(found);
  EXPECT_GE(found[0].score, 0.3f) << Describe(found);
  EXPECT_TRUE(Why(found[0], "w:有効期限") != nullptr ||
              Why(found[0], "r:ユウコウキゲン") != nullptr)
      << DescribeWhy(found[0]);

  found = Search("にんしょうこーどがこない");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].entry->id, "demo-code") << Describe(found);

  found = Search("たいしょくしたらぽいんとは");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].entry->id, "demo-retire") << Describe(found);
}

TEST_F(IndexTest, HalfWidthAndFullWidthFindTheSameEntry) {
  ASSERT_NE(index_, nullptr);
  std::vector<Candidate> half = Search("ﾊﾟｽﾜｰﾄﾞを忘れました");
  std::vector<Candidate> full = Search("パスワードを忘れました");
  ASSERT_FALSE(half.empty());
  ASSERT_FALSE(full.empty());
  EXPECT_EQ(half[0].entry->id, full[0].entry->id);
  EXPECT_FLOAT_EQ(half[0].score, full[0].score);
}

TEST_F(IndexTest, UnrelatedQuestionScoresLow) {
  ASSERT_NE(index_, nullptr);
  for (const char* query : {"今日の天気はどうですか", "株価を教えて", "年金の手続き", "asdfghjk"}) {
    std::vector<Candidate> found = Search(query);
    if (!found.empty()) {
      EXPECT_LT(found[0].score, 0.3f) << query << " → " << Describe(found);
    }
  }
}

TEST_F(IndexTest, EntryKnownOnlyThroughItsAnswerStillRanks) {
  ASSERT_NE(index_, nullptr);
  // 通信料 is in demo-fee's answer only: BM25F over the answer field gathers and ranks it.
  auto found = Search("通信料");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].entry->id, "demo-fee") << Describe(found);
  EXPECT_GT(found[0].bm25, 0.0f);
  // Known only through an answer, it covers the question less than a question would.
  EXPECT_GT(found[0].coverage, 0.0f);
  EXPECT_LT(found[0].coverage, 1.0f);
}

TEST_F(IndexTest, AnAnswersPlaceholdersAreNoWordsOfIt) {
  ASSERT_NE(analyzer_, nullptr);
  // The markup is replaced by a date when answering; a member never reads 「grant_date」.
  const kb::ProgramKb program =
      MakeProgram("markup", {
                                MakeEntry("markup-expiry", "有効期限はいつですか", {},
                                          "翌年度末まで有効です。{{expiry_of grant_date}}"),
                                MakeEntry("markup-fee", "利用料はかかりますか", {}, "無料です。"),
                            });
  Index index(&program, analyzer_);
  EXPECT_TRUE(index.Search("grant date", SearchOptions()).empty());
  EXPECT_TRUE(index.Search("expiry_of", SearchOptions()).empty());
  // The words around it still count.
  auto found = index.Search("翌年度末", SearchOptions());
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].entry->id, "markup-expiry") << Describe(found);
}

TEST_F(IndexTest, OneWordingCountsAsMuchAsManyAlternates) {
  ASSERT_NE(index_, nullptr);
  // An imported FAQ entry has its question only; a shipped intent has many alternates that
  // repeat the same words. Both say ポイント and 確認 in every wording.
  const kb::ProgramKb program = MakeProgram(
      "mixed", {
                   MakeEntry("faq", "ポイントの確認方法", {}, "アプリのマイページで確認できます。"),
                   MakeEntry("intent", "ポイントを確認したい",
                             {"ポイント確認", "ポイントの確認をしたい", "私のポイントを確認",
                              "ポイント確認できる？", "ポイントを確認する", "確認したいポイント"},
                             "連携が必要です。"),
                   MakeEntry("other", "退職したらどうなりますか", {}, "失効します。"),
               });
  // Frequency alone: the damping of many wordings among single ones is another test's.
  IndexOptions counted;
  counted.many_wordings_damping = 0;
  IndexOptions counted_only = counted;
  counted_only.every_wording_tf = 0;
  auto before = FieldById(program, counted_only, "ポイントを確認", &Candidate::bm25);
  auto after = FieldById(program, counted, "ポイントを確認", &Candidate::bm25);
  // Counting occurrences alone, the repeated alternates win the BM25F part outright.
  EXPECT_LT(before["faq"], before["intent"]);
  // A word in every wording is as characteristic of the entry whatever their number.
  EXPECT_GT(after["faq"], before["faq"]);
  EXPECT_NEAR(after["faq"], after["intent"], 0.1f * after["intent"]);
}

// Entries that know 通信料 only through their answers: an imported row (one wording), the row
// after an operator added one alternate, and an intent that ships with many.
kb::ProgramKb AnswerOnlyProgram() {
  const std::string answer = "無料です。通信料はご負担ください。";
  return MakeProgram("mixed", {
                                  MakeEntry("faq", "アプリの利用料", {}, answer),
                                  MakeEntry("pair", "アプリの使用料", {"使用料はかかる？"}, answer),
                                  MakeEntry("intent", "料金を知りたい",
                                            {"利用料金", "料金はいくら", "有料？", "お金はかかる？",
                                             "料金について", "いくらかかる"},
                                            answer),
                              });
}

TEST_F(IndexTest, ASoleQuestionsAnswerCoversMoreThanAnAlternatesAnswer) {
  ASSERT_NE(index_, nullptr);
  const kb::ProgramKb program = AnswerOnlyProgram();
  IndexOptions alike;
  alike.sole_wording_answer_coverage = alike.answer_coverage;
  auto before = FieldById(program, alike, "通信料", &Candidate::coverage);
  auto after = FieldById(program, IndexOptions{}, "通信料", &Candidate::coverage);
  ASSERT_EQ(before.size(), 3u);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_NEAR(before["faq"], before["intent"], 0.01f);
  EXPECT_NEAR(before["pair"], before["intent"], 0.01f);
  // The imported row has nothing else to say what it covers; an added alternate says some of
  // it; the intent's alternates say how members ask.
  EXPECT_GT(after["faq"], 1.4f * before["faq"]);
  EXPECT_GT(after["pair"], 1.05f * before["pair"]);
  EXPECT_LT(after["pair"], after["faq"]);
  EXPECT_LT(after["intent"], 1.03f * before["intent"]);
}

TEST_F(IndexTest, ASoleQuestionsAnswerWeighsInItsScore) {
  ASSERT_NE(index_, nullptr);
  const kb::ProgramKb program = AnswerOnlyProgram();
  IndexOptions alike;
  alike.sole_wording_answer_weight = alike.answer_weight;
  auto before = FieldById(program, alike, "通信料の負担", &Candidate::score);
  auto after = FieldById(program, IndexOptions{}, "通信料の負担", &Candidate::score);
  ASSERT_EQ(before.size(), 3u);
  ASSERT_EQ(after.size(), 3u);
  EXPECT_GT(after["faq"], before["faq"] * 1.05f);
  EXPECT_GT(after["pair"], before["pair"]);
  EXPECT_LT(after["pair"], after["faq"]);
  EXPECT_LT(after["intent"], before["intent"] * 1.02f);
}

TEST_F(IndexTest, Bm25PartGrowsWithTheShareOfTheQuestionExplained) {
  ASSERT_NE(index_, nullptr);
  auto whole = Search("ポイントの有効期限はいつですか");
  auto part = Search("ポイントの有効期限と年金の手続き");
  ASSERT_FALSE(whole.empty());
  ASSERT_FALSE(part.empty());
  EXPECT_EQ(whole[0].entry->id, "demo-expiry");
  EXPECT_GT(whole[0].bm25, part[0].bm25) << Describe(part);
}

TEST_F(IndexTest, CountsQueryWordsTheIndexHasNeverSeen) {
  ASSERT_NE(index_, nullptr);
  auto known = Search("パスワードを忘れました");
  ASSERT_FALSE(known.empty());
  EXPECT_EQ(known[0].unknown_words, 0);
  auto partly = Search("社員旅行のパスワード");
  ASSERT_FALSE(partly.empty());
  EXPECT_GE(partly[0].unknown_words, 1) << "旅行 is in no entry";
  // Hiragana that sounds like an indexed word is not unknown.
  auto heard = Search("ぱすわーどをわすれました");
  ASSERT_FALSE(heard.empty());
  EXPECT_EQ(heard[0].unknown_words, 0) << Describe(heard);
}

TEST_F(IndexTest, AWordTypedWithTheWrongKanjiIsHeard) {
  ASSERT_NE(index_, nullptr);
  // 任証 (for 認証) and 有効期現 (for 有効期限) are IME slips: same sound, other kanji. MeCab
  // breaks them into single kanji; read together they are the entry's word.
  auto code = Search("任証コードのはがきが届かない", /*explain=*/true);
  ASSERT_FALSE(code.empty());
  EXPECT_EQ(code[0].entry->id, "demo-code") << Describe(code);
  EXPECT_EQ(code[0].unknown_words, 0) << "任 is heard as part of ニンショウコード";
  EXPECT_NE(Why(code[0], "r:ニンショウコード"), nullptr) << DescribeWhy(code[0]);
  auto expiry = Search("有効期現", /*explain=*/true);
  ASSERT_FALSE(expiry.empty());
  EXPECT_EQ(expiry[0].entry->id, "demo-expiry") << Describe(expiry);
  EXPECT_EQ(expiry[0].unknown_words, 0);
  // The stray kanji of a slip (現) are heard in the slip's reading; they are not also words of
  // the question the entry lacks, which would lower the share it explains (0.35, not 0.44).
  EXPECT_GT(expiry[0].coverage, 0.4f);
  // A slip that sounds like a word of a synonym group is that word.
  bool named = false;
  for (const Term& t : analyzer_->Analyze("登禄したい").terms) named |= t.key == "w:登録";
  EXPECT_TRUE(named) << "登禄 sounds like 登録";
  // A number and its counter are split on purpose: 七年 is no slip.
  for (const Term& t : analyzer_->Analyze("令和七年十月に貯めた").terms) {
    if (t.kind != TermKind::kReading) continue;
    EXPECT_TRUE(t.surface != "七年" && t.surface != "年十" && t.surface != "七年十") << t.key;
  }
}

TEST_F(IndexTest, WordsAreTheWordsOfTheWholeAnalysis) {
  ASSERT_NE(analyzer_, nullptr);
  auto words_of_analysis = [](std::string_view text) {
    std::vector<std::string> words;
    for (const Term& t : analyzer_->Analyze(text).terms) {
      if (t.kind == TermKind::kWord) words.push_back(t.key.substr(2));
    }
    return words;
  };
  std::vector<std::string> texts = {"何ができるの？",  // only stop words: they are kept
                                    "健康ポイントとは",
                                    "任証コードのはがき",
                                    "令和3年に貯めたポイント",
                                    "なんポイントもらえる",
                                    "ポイントを貯めたらどうなる",
                                    "サインインできません",
                                    "むりょうですか",
                                    "スマホ",
                                    "登禄したい"};
  // And every spelling the engine keys with it.
  std::ifstream in(std::string(MADOGUCHI_SOURCE_DIR) + "/dictionaries/spellings.tsv");
  ASSERT_TRUE(in);
  for (std::string line; std::getline(in, line);) {
    if (line.empty() || line[0] == '#') continue;
    std::stringstream fields(line);
    for (std::string f; std::getline(fields, f, '\t');) {
      if (!f.empty()) texts.push_back(f[0] == '~' ? f.substr(1) : f);
    }
  }
  ASSERT_GT(texts.size(), 10000u);
  for (const std::string& text : texts) {
    ASSERT_EQ(analyzer_->Words(text), words_of_analysis(text)) << text;
  }
}

TEST_F(IndexTest, AKanaWordMeCabCutsIsHeardWhole) {
  ASSERT_NE(index_, nullptr);
  // MeCab cuts むりょう into むりょ|う; read together it is ムリョウ, the demo-fee answer's 無料.
  auto fee = Search("むりょうですか", /*explain=*/true);
  ASSERT_FALSE(fee.empty());
  EXPECT_EQ(fee[0].entry->id, "demo-fee") << Describe(fee);
  EXPECT_NE(Why(fee[0], "r:ムリョウ"), nullptr) << DescribeWhy(fee[0]);
  EXPECT_EQ(fee[0].unknown_words, 0) << "むりょ is heard in ムリョウ";
  // Readings across pieces only meet what entries write: an entry written in kana is indexed
  // by its own pieces (and their sounds' bigrams), so 資料 does not meet し|りょう as a word.
  const kb::ProgramKb program = MakeProgram(
      "kana", {MakeEntry("kana-send", "しりょうを送る", {}, "郵送します。"),
               MakeEntry("kana-other", "はがきが届かない", {}, "お問い合わせください。")});
  const Index index(&program, analyzer_);
  SearchOptions options;
  options.explain = true;
  for (const Candidate& c : index.Search("資料", options)) {
    EXPECT_EQ(Why(c, "r:シリョウ"), nullptr) << DescribeWhy(c);
  }
}

TEST_F(IndexTest, AKanaWordMeCabCutsMeetsTheGroupThatNamesIt) {
  ASSERT_NE(program_, nullptr);
  // 無料 folds into 費用, so no entry has ムリョウ; heard whole, むりょう is that group's word.
  text::Lexicon lexicon;
  lexicon.AddGroup({"費用", "無料", "利用料"});
  const Analyzer analyzer(normalizer_, tokenizer_, &lexicon);
  const kb::ProgramKb program = MakeProgram(
      "group", {MakeEntry("group-fee", "利用するのに費用はかかりますか", {}, "無料です。"),
                MakeEntry("group-card", "はがきが届かない", {}, "お問い合わせください。")});
  const Index index(&program, &analyzer);
  SearchOptions options;
  options.explain = true;
  auto fee = index.Search("むりょうですか", options);
  ASSERT_FALSE(fee.empty());
  EXPECT_EQ(fee[0].entry->id, "group-fee") << Describe(fee);
  EXPECT_NE(Why(fee[0], "w:費用"), nullptr) << DescribeWhy(fee[0]);
  EXPECT_EQ(fee[0].unknown_words, 0);
}

TEST_F(IndexTest, AWordMeCabCutsIsOneWordWhenAGroupNamesIt) {
  ASSERT_NE(index_, nullptr);
  // In a sentence MeCab cuts サインイン into サイ|ンイン; the group names the whole word.
  const Analyzed a = analyzer_->Analyze("サインインできません");
  std::string keys;
  for (const Term& t : a.terms) keys += t.key + " ";
  EXPECT_NE(keys.find("w:ログイン "), std::string::npos) << keys;
  EXPECT_EQ(keys.find("w:サイ "), std::string::npos) << keys;
  auto found = Search("サインインできません");
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].entry->id, "demo-password") << Describe(found);
  EXPECT_EQ(found[0].unknown_words, 0);
}

TEST_F(IndexTest, OnlyUnknownNounsCountAsAnotherTopic) {
  ASSERT_NE(index_, nullptr);
  // 紛失 is a noun no entry has: another topic. なくす is a verb no entry has: wording.
  auto noun = Search("パスワード紛失", /*explain=*/true);
  ASSERT_FALSE(noun.empty());
  EXPECT_EQ(noun[0].unknown_words, 1);
  ASSERT_EQ(noun[0].unknown.size(), 1u);
  EXPECT_EQ(noun[0].unknown[0], "紛失");
  auto verb = Search("パスワードをなくしました", /*explain=*/true);
  ASSERT_FALSE(verb.empty());
  EXPECT_EQ(verb[0].entry->id, "demo-password");
  EXPECT_EQ(verb[0].unknown_words, 0);
  EXPECT_TRUE(verb[0].unknown.empty());
}

TEST_F(IndexTest, APartOfACompoundTheIndexWritesWholeIsNoOtherTopic) {
  ASSERT_NE(analyzer_, nullptr);
  // The domain dictionary keeps 組合員証番号 one word: its 番号 and 組合員証 are no words of
  // the index, yet the knowledge base speaks of them.
  const kb::ProgramKb program = MakeProgram(
      "demo", {MakeEntry("demo-number", "組合員証番号が変わったら", {}, "届け出てください。"),
               MakeEntry("demo-fee", "利用料はかかりますか", {}, "利用料は無料です。")});
  const Index index(&program, analyzer_);
  for (const char* query : {"番号が変わった", "組合員証が変わった"}) {
    ExpectFoundWithNoOtherTopic(index, query, "demo-number");
  }
  // It weighs as a word the knowledge base knows, not by IndexOptions::unseen_weight.
  EXPECT_FLOAT_EQ(CoverageWithUnseenDoubled(program, "番号が変わった", "demo-number"), 1.0f);
  EXPECT_LT(CoverageWithUnseenDoubled(program, "旅行の番号が変わった", "demo-number"), 1.0f);
  SearchOptions options;
  options.explain = true;
  // A word no compound begins or ends with is still another topic.
  auto other = index.Search("旅行の番号が変わった", options);
  ASSERT_FALSE(other.empty());
  ASSERT_EQ(other[0].unknown.size(), 1u);
  EXPECT_EQ(other[0].unknown[0], "旅行");
}

TEST_F(IndexTest, ACompoundWrittenInPartsMeetsTheEntryThatWritesItWhole) {
  ASSERT_NE(analyzer_, nullptr);
  const kb::ProgramKb program = MakeProgram(
      "demo", {MakeEntry("demo-number", "組合員証番号が変わったら", {}, "届け出てください。"),
               MakeEntry("demo-card", "組合員証が変わったら", {}, "写しを送ってください。"),
               MakeEntry("demo-fee", "利用料はかかりますか", {}, "利用料は無料です。")});
  const Index index(&program, analyzer_);
  SearchOptions options;
  options.explain = true;
  auto found = index.Search("組合員証の番号が変わった", options);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].entry->id, "demo-number") << Describe(found);
  // Both parts are covered by the compound, not only 番号.
  auto coverage = FieldById(program, {}, "組合員証の番号が変わった", &Candidate::coverage);
  EXPECT_GT(coverage["demo-number"], coverage["demo-card"]);
  bool through_compound = false;
  for (const MatchedTerm& m : found[0].why) {
    through_compound |= m.query == "組合員証" && m.kind == "compound";
  }
  EXPECT_TRUE(through_compound);
}

TEST_F(IndexTest, APartWrittenAloneAndInTheCompoundIsCoveredOnce) {
  ASSERT_NE(analyzer_, nullptr);
  const kb::ProgramKb program = MakeProgram(
      "demo", {MakeEntry("demo-where", "組合員証の番号（組合員証番号）はどこに書いてありますか", {},
                         "表面の右上です。"),
               MakeEntry("demo-fee", "利用料はかかりますか", {}, "利用料は無料です。")});
  // The entry writes the question word for word: it covers all of it, and no more, although
  // 組合員証 also meets the compound.
  auto coverage = FieldById(program, {}, "組合員証の番号", &Candidate::coverage);
  EXPECT_FLOAT_EQ(coverage["demo-where"], 1.0f);
}

TEST_F(IndexTest, AnEraBeforeItsYearIsNoOtherTopic) {
  ASSERT_NE(index_, nullptr);
  // No entry names 令和; a question dated in it still asks what the expiry entry answers.
  for (const char* query :
       {"令和3年12月にもらったポイントの有効期限", "令和元年のポイントの有効期限"}) {
    ExpectFoundWithNoOtherTopic(*index_, query, "demo-expiry");
  }
  // The era named alone is what is asked about.
  auto named = Search("令和のポイントの有効期限", /*explain=*/true);
  ASSERT_FALSE(named.empty());
  EXPECT_EQ(named[0].unknown_words, 1);
}

TEST_F(IndexTest, AnUnknownWordOfTheMembersCircumstanceIsNoOtherTopic) {
  ASSERT_NE(index_, nullptr);
  // No entry names 結婚. Told as the circumstance of a question about the password, it is not
  // what is asked about, whatever ends its clause.
  for (const char* query : {"結婚してパスワードを忘れました", "結婚したのでパスワードを忘れた",
                            "結婚したらパスワードを忘れた。ログインできない"}) {
    ExpectFoundWithNoOtherTopic(*index_, query, "demo-password");
  }
  // Named in the clause that asks, it is another topic …
  auto asked = Search("結婚のパスワードを忘れました", /*explain=*/true);
  ASSERT_FALSE(asked.empty());
  EXPECT_EQ(asked[0].unknown_words, 1);
  // … and so it is when the last clause names nothing but how things stand: the question is
  // about what the clause before it names.
  auto only_before = Search("パスワードは結婚したけど大丈夫？", /*explain=*/true);
  ASSERT_FALSE(only_before.empty());
  EXPECT_EQ(only_before[0].unknown_words, 1);
  // A clause that says what the member wants is what is asked.
  auto wished = Search("旅行したいんですが、パスワードを忘れました", /*explain=*/true);
  ASSERT_FALSE(wished.empty());
  EXPECT_EQ(wished[0].unknown_words, 1);
  // て before a helping verb ends no clause: 結婚 is what 教えてください asks about.
  auto helped = Search("結婚のことを教えてください", /*explain=*/true);
  ASSERT_FALSE(helped.empty());
  EXPECT_EQ(helped[0].unknown_words, 1);
  // Nor does ても before いい, or ては before いけない (one word when a group names it): what
  // may be done is what is asked.
  auto allowed = Search("パスワードに結婚を入れてもいい？", /*explain=*/true);
  ASSERT_FALSE(allowed.empty());
  EXPECT_EQ(allowed[0].unknown_words, 1);
  text::Lexicon forbidding;
  forbidding.AddGroup({"禁止", "いけない"});
  const Analyzer forbidding_analyzer(normalizer_, tokenizer_, &forbidding);
  const Index forbidding_index(program_, &forbidding_analyzer);
  SearchOptions options;
  options.explain = true;
  for (const char* query :
       {"パスワードに結婚を入れてはいけない？", "パスワードに結婚を入れちゃいけない？"}) {
    auto forbidden = forbidding_index.Search(query, options);
    ASSERT_FALSE(forbidden.empty()) << query;
    const auto& unknown = forbidden[0].unknown;
    EXPECT_NE(std::find(unknown.begin(), unknown.end(), "結婚"), unknown.end()) << query;
  }
}

TEST_F(IndexTest, TheMembersStoryWeighsLessAgainstTheEntry) {
  ASSERT_NE(program_, nullptr);
  // An unknown word of the circumstance still counts against coverage, but less than one of
  // the question itself: the entry need not explain the member's story.
  IndexOptions whole;
  whole.circumstance_share = 1.0f;
  const Index told_in_full(program_, analyzer_, whole);
  SearchOptions options;
  auto full = told_in_full.Search("結婚してパスワードを忘れました", options);
  auto shared = index_->Search("結婚してパスワードを忘れました", options);
  ASSERT_FALSE(full.empty());
  ASSERT_FALSE(shared.empty());
  EXPECT_EQ(shared[0].entry->id, "demo-password");
  EXPECT_GT(shared[0].coverage, full[0].coverage);
  auto plain = index_->Search("パスワードを忘れました", options);
  ASSERT_FALSE(plain.empty());
  EXPECT_LT(shared[0].coverage, plain[0].coverage);
  // So does a word of the story that other entries have (交換).
  const char* known = "交換してパスワードを忘れました";
  EXPECT_GT(FieldById(*program_, {}, known, &Candidate::coverage)["demo-password"],
            FieldById(*program_, whole, known, &Candidate::coverage)["demo-password"]);
}

TEST_F(IndexTest, APhraseMarkedAlsoNamesWhomTheRuleShouldCover) {
  ASSERT_NE(analyzer_, nullptr);
  auto also_of = [&](std::string_view text, const std::string& key) {
    for (const Term& t : analyzer_->Analyze(text).terms) {
      if (t.key == key) return t.also;
    }
    ADD_FAILURE() << key << " not in " << text;
    return false;
  };
  EXPECT_TRUE(also_of("高校生の息子も抽選に応募できますか", "w:息子"));
  EXPECT_FALSE(also_of("高校生の息子も抽選に応募できますか", "w:抽選"));
  // A noun a clause describes says when, not whom.
  EXPECT_FALSE(also_of("退職したあとも利用できますか", "w:あと"));

  const kb::ProgramKb program = MakeProgram(
      "demo", {MakeEntry("demo-lottery", "景品の抽選に年齢制限はありますか", {},
                         "年齢の制限はなく、どなたでも応募できます。"),
               MakeEntry("demo-fee", "利用料はかかりますか", {}, "利用料は無料です。")});
  const Index index(&program, analyzer_);
  SearchOptions options;
  options.explain = true;
  // No entry names 息子 or 高校生: they are the member's particulars, not another topic.
  auto also = index.Search("高校生の息子も抽選に応募できますか", options);
  ASSERT_FALSE(also.empty());
  EXPECT_EQ(also[0].entry->id, "demo-lottery");
  EXPECT_EQ(also[0].unknown_words, 0);
  // Marked by は, the phrase may be what is asked about.
  auto topic = index.Search("高校生の息子は抽選に応募できますか", options);
  ASSERT_FALSE(topic.empty());
  EXPECT_GT(topic[0].unknown_words, 0);
  // Asking of nothing else, the phrase is the question.
  auto alone = index.Search("高校生の息子も大丈夫ですか", options);
  ASSERT_FALSE(alone.empty());
  EXPECT_GT(alone[0].unknown_words, 0);
}

TEST_F(IndexTest, AStoryBeforeOnlyTheProgramsEverydayWordIsTheQuestion) {
  ASSERT_NE(analyzer_, nullptr);
  // ポイント is in most entries. 「結婚したらポイントは？」 names nothing else after its
  // story, so the story is what is asked about, and 結婚, which no entry has, is another topic.
  const kb::ProgramKb program = MakeProgram(
      "demo", {MakeEntry("demo-expiry", "ポイントの有効期限はいつですか", {}, "翌年度末です。"),
               MakeEntry("demo-exchange", "ポイントを交換したい", {}, "5月から交換できます。"),
               MakeEntry("demo-password", "パスワードを忘れました", {}, "再設定してください。")});
  const Index index(&program, analyzer_);
  SearchOptions options;
  options.explain = true;
  auto everyday = index.Search("結婚したらポイントは？", options);
  ASSERT_FALSE(everyday.empty());
  EXPECT_EQ(everyday[0].unknown_words, 1);
  // A question that names something of its own keeps the story a story.
  auto own = index.Search("結婚したらパスワードは？", options);
  ASSERT_FALSE(own.empty());
  EXPECT_EQ(own[0].unknown_words, 0);
}

TEST_F(IndexTest, AVerbTheEntriesWriteAsAHelperIsNoForeignWord) {
  ASSERT_NE(analyzer_, nullptr);
  // 「出してもらう」 writes もらう, if only to help 出す: asked on its own, it is a word the
  // knowledge base knows, not one it has never seen.
  auto program_with = [](const std::string& question) {
    return MakeProgram("demo", {MakeEntry("demo-provisional", question, {}, "お出しします。"),
                                MakeEntry("demo-fee", "利用料はかかりますか", {}, "無料です。")});
  };
  const kb::ProgramKb helped = program_with("暫定数値を出してもらうことはできますか");
  const kb::ProgramKb unhelped = program_with("暫定数値を出すことはできますか");
  const char* query = "暫定数値をもらうことはできますか";
  // Only a word no entry has weighs by IndexOptions::unseen_weight.
  EXPECT_FLOAT_EQ(CoverageWithUnseenDoubled(helped, query, "demo-provisional"), 1.0f);
  EXPECT_LT(CoverageWithUnseenDoubled(unhelped, query, "demo-provisional"), 1.0f);
}

TEST_F(IndexTest, AnAspectWordIsNoOtherTopic) {
  ASSERT_NE(program_, nullptr);
  // No entry says 手順; asking for the steps of a password reset is still about the password.
  text::Lexicon plain;
  text::Lexicon aspects;
  aspects.AddAspectWord("手順");
  SearchOptions options;
  options.explain = true;
  const Analyzer plain_analyzer(normalizer_, tokenizer_, &plain);
  const Index plain_index(program_, &plain_analyzer);
  auto before = plain_index.Search("パスワード再設定の手順", options);
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(before[0].unknown_words, 1) << "手順 is a noun no entry has";
  const Analyzer aspect_analyzer(normalizer_, tokenizer_, &aspects);
  const Index aspect_index(program_, &aspect_analyzer);
  auto after = aspect_index.Search("パスワード再設定の手順", options);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after[0].entry->id, "demo-password") << Describe(after);
  EXPECT_EQ(after[0].unknown_words, 0);
  // It still counts as a word of the question: the entry explains less of it than of
  // 「パスワード再設定」 alone.
  auto without = aspect_index.Search("パスワード再設定", options);
  ASSERT_FALSE(without.empty());
  EXPECT_LT(after[0].coverage, without[0].coverage);
}

TEST_F(IndexTest, AVerbASynonymGroupNamesIsStillWording) {
  ASSERT_NE(program_, nullptr);
  // A group folds なくす into 紛失 and weighs it as that topic; no entry says either. The
  // member still asked about the password, in words the knowledge base lacks.
  text::Lexicon lexicon;
  lexicon.AddGroup({"紛失", "なくす"});
  const Analyzer analyzer(normalizer_, tokenizer_, &lexicon);
  const Index index(program_, &analyzer);
  SearchOptions options;
  options.explain = true;
  auto verb = index.Search("パスワードをなくしました", options);
  ASSERT_FALSE(verb.empty());
  EXPECT_EQ(verb[0].entry->id, "demo-password") << Describe(verb);
  EXPECT_EQ(verb[0].unknown_words, 0);
  EXPECT_TRUE(verb[0].unknown.empty());
  bool folded = false;
  for (const Term& t : analyzer.Analyze("パスワードをなくしました").terms) {
    folded |= t.key == "w:紛失" && t.synonym && t.topic;
  }
  EXPECT_TRUE(folded);
  // The noun itself is another topic, before or after the verb.
  for (const char* query :
       {"パスワード紛失", "パスワード紛失をなくした", "パスワードをなくした紛失"}) {
    auto noun = index.Search(query, options);
    ASSERT_FALSE(noun.empty()) << query;
    EXPECT_EQ(noun[0].unknown_words, 1) << query;
  }
}

TEST_F(IndexTest, AnUnseenWordMeetsAnEntryWrittenWithAnotherSpellingOfIt) {
  ASSERT_NE(lexicon_, nullptr);
  // The knowledge base says スマートフォン; the member types スマホ.
  const kb::ProgramKb program =
      MakeProgram("demo", {MakeEntry("demo-phone", "スマートフォンを持っていなくても参加できますか",
                                     {}, "紙の記録用紙でも参加できます。"),
                           MakeEntry("demo-fee", "利用料はかかりますか", {}, "利用料は無料です。"),
                           MakeEntry("demo-join", "参加するにはどうすればいいですか", {},
                                     "申込書を提出してください。")});
  text::Spellings spellings;
  spellings.AddWord({"スマートフォン", "スマホ"});
  const Analyzer plain(normalizer_, tokenizer_, lexicon_);
  const Analyzer spelled(normalizer_, tokenizer_, lexicon_, {}, &spellings);
  const Index without(&program, &plain);
  const Index with(&program, &spelled);
  SearchOptions options;
  options.explain = true;
  const char* query = "スマホなしで参加できる？";

  auto before = without.Search(query, options);
  ASSERT_FALSE(before.empty());
  EXPECT_EQ(before[0].unknown_words, 1) << "スマホ is a word no entry has";
  auto after = with.Search(query, options);
  ASSERT_FALSE(after.empty());
  EXPECT_EQ(after[0].entry->id, "demo-phone") << Describe(after);
  EXPECT_EQ(after[0].unknown_words, 0);
  EXPECT_GT(after[0].coverage, before[0].coverage);
  // The explanation says the member's word met another spelling.
  EXPECT_TRUE(std::any_of(after[0].why.begin(), after[0].why.end(), [](const MatchedTerm& m) {
    return m.query == "スマホ" && m.kind == "spelling";
  })) << DescribeWhy(after[0]);
  // Another spelling is a little less than the entry's own word.
  auto own = with.Search("スマートフォンなしで参加できる？", options);
  ASSERT_FALSE(own.empty());
  EXPECT_EQ(own[0].entry->id, "demo-phone");
  EXPECT_GT(own[0].score, after[0].score);
  EXPECT_LT(own[0].score - after[0].score, 0.1f);
  // Off, the spelling is a word no entry has again.
  IndexOptions off;
  off.spelling_share = 0;
  const Index disabled(&program, &spelled, off);
  auto unreached = disabled.Search(query, options);
  ASSERT_FALSE(unreached.empty());
  EXPECT_EQ(unreached[0].unknown_words, 1);
}

TEST_F(IndexTest, AnUnseenWordRanksTheEntryWithANearSynonymButAnswersNothingByIt) {
  ASSERT_NE(lexicon_, nullptr);
  // The knowledge base says 職場; the member says 勤め先. Both entries say everything else.
  const kb::ProgramKb program = MakeProgram(
      "demo", {MakeEntry("demo-address", "住所が変わったら届け出は必要ですか", {},
                         "変更届を出してください。"),
               MakeEntry("demo-workplace", "職場が変わったら届け出は必要ですか", {},
                         "変更届を出してください。"),
               MakeEntry("demo-fee", "利用料はかかりますか", {}, "利用料は無料です。")});
  text::Spellings near;
  near.AddWord({"職場", "勤め先"});
  const Analyzer plain(normalizer_, tokenizer_, lexicon_);
  const Analyzer with_near(normalizer_, tokenizer_, lexicon_, {}, nullptr, &near);
  const Index without(&program, &plain);
  const Index with(&program, &with_near);
  SearchOptions options;
  options.explain = true;
  const char* query = "勤め先が変わったら届け出は必要？";

  auto before = without.Search(query, options);
  ASSERT_GE(before.size(), 2u);
  EXPECT_NEAR(before[0].score, before[1].score, 0.01f) << Describe(before);
  auto after = with.Search(query, options);
  ASSERT_GE(after.size(), 2u);
  EXPECT_EQ(after[0].entry->id, "demo-workplace") << Describe(after);
  EXPECT_GT(after[0].score, after[1].score + 0.05f) << Describe(after);
  EXPECT_TRUE(std::any_of(after[0].why.begin(), after[0].why.end(), [](const MatchedTerm& m) {
    return m.query == "勤め先" && m.kind == "near synonym";
  })) << DescribeWhy(after[0]);
  // 勤め先 is still a word no entry has, and explains none of the question.
  EXPECT_EQ(after[0].unknown_words, 1);
  std::map<std::string, float> coverage_before;
  for (const Candidate& c : before) coverage_before[c.entry->id] = c.coverage;
  EXPECT_FLOAT_EQ(after[0].coverage, coverage_before["demo-workplace"]);
}

TEST_F(IndexTest, ManyWordingsAmongSoleOnesLeanOnTheirWordingsTogether) {
  ASSERT_NE(analyzer_, nullptr);
  // Imported rows with one wording each, beside an intent the product ships with many.
  const kb::Entry intent =
      MakeEntry("demo-balance", "ポイント残高を知りたい",
                {"今のポイントは何点", "ポイントがいくつあるか知りたい", "残りのポイントを教えて",
                 "貯まったポイントの合計", "ポイントの残高照会", "私のポイント数",
                 "ポイント確認したい", "持っているポイントは", "ポイントどれくらいある"},
                "現在のポイントをお知らせします。");
  const kb::ProgramKb mixed = MakeProgram(
      "demo", {intent,
               MakeEntry("demo-expiry", "ポイントの有効期限はいつですか", {},
                         "付与された年度の翌年度末まで有効です。"),
               MakeEntry("demo-exchange", "ポイントを商品と交換したい", {},
                         "交換は5月から翌年3月まで受け付けています。"),
               MakeEntry("demo-fee", "利用料はかかりますか", {}, "利用料は無料です。")});
  IndexOptions off;
  off.many_wordings_damping = 0;
  const char* query = "ポイントはいくつありますか";
  auto damped = FieldById(mixed, {}, query, &Candidate::score);
  auto whole = FieldById(mixed, off, query, &Candidate::score);
  ASSERT_TRUE(damped.count("demo-balance") && whole.count("demo-balance"));
  EXPECT_LT(damped["demo-balance"], whole["demo-balance"]);
  // Its vocabulary is twenty wordings' together: its BM25F part gives way too.
  auto damped_bm25 = FieldById(mixed, {}, query, &Candidate::bm25);
  auto whole_bm25 = FieldById(mixed, off, query, &Candidate::bm25);
  EXPECT_LT(damped_bm25["demo-balance"], whole_bm25["demo-balance"]);
  // A sole wording is the typical entry here: nothing changes for it.
  for (const char* id : {"demo-expiry", "demo-exchange"}) {
    ASSERT_TRUE(damped.count(id) && whole.count(id)) << id;
    EXPECT_FLOAT_EQ(damped[id], whole[id]) << id;
    EXPECT_FLOAT_EQ(damped_bm25[id], whole_bm25[id]) << id;
  }
  // Saying exactly what one wording says is no lucky draw: the phrase match stays whole.
  auto exact = FieldById(mixed, {}, "私のポイント数", &Candidate::phrase);
  EXPECT_GT(exact["demo-balance"], 0.98f);

  // Where every entry has as many wordings as the intent, none leans: the typical entry has
  // them all.
  auto with_alternates = [](kb::Entry e, std::vector<std::string> alternates) {
    e.alternates = std::move(alternates);
    return e;
  };
  std::vector<std::string> nine = {"一", "二", "三", "四", "五", "六", "七", "八", "九"};
  auto many = [&](const std::string& word) {
    std::vector<std::string> out;
    for (const std::string& n : nine) out.push_back(word + "の質問その" + n);
    return out;
  };
  const kb::ProgramKb uniform =
      MakeProgram("demo", {intent, with_alternates(mixed.entries[1], many("有効期限")),
                           with_alternates(mixed.entries[2], many("交換")),
                           with_alternates(mixed.entries[3], many("利用料"))});
  auto uniform_damped = FieldById(uniform, {}, query, &Candidate::score);
  auto uniform_whole = FieldById(uniform, off, query, &Candidate::score);
  ASSERT_FALSE(uniform_damped.empty());
  for (const auto& [id, score] : uniform_whole) EXPECT_FLOAT_EQ(uniform_damped[id], score) << id;
}

TEST_F(IndexTest, ANounThatThisPointsAtIsWording) {
  ASSERT_NE(index_, nullptr);
  // No entry says サービス; この points at what is already in view, the program itself.
  for (const char* query :
       {"このサービスのパスワードを忘れた", "そのサービスのパスワードを忘れた"}) {
    ExpectFoundWithNoOtherTopic(*index_, query, "demo-password");
  }
  // Named on its own, it may be another service.
  auto named = Search("サービスのパスワードを忘れた", /*explain=*/true);
  ASSERT_FALSE(named.empty());
  EXPECT_EQ(named[0].unknown_words, 1);
}

TEST_F(IndexTest, APronounOrAnAdjectivalNounIsWording) {
  ASSERT_NE(index_, nullptr);
  // No entry says 簡単 or どっち; they say how the member asks about the fee and the password.
  for (const char* query :
       {"利用料について簡単に教えて", "パスワードとログインのどっちを忘れたかわからない"}) {
    auto found = Search(query, /*explain=*/true);
    ASSERT_FALSE(found.empty()) << query;
    EXPECT_TRUE(found[0].unknown.empty()) << query << ": " << found[0].unknown[0];
  }
}

TEST_F(IndexTest, AQuestionFormNoEntryAsksCountsAsUnknown) {
  ASSERT_NE(index_, nullptr);
  // No entry asks what something buys: the question is partly about something else.
  auto unasked = Search("パスワードで何が買えるの", /*explain=*/true);
  ASSERT_FALSE(unasked.empty());
  EXPECT_EQ(unasked[0].unknown_words, 1) << DescribeWhy(unasked[0]);
  ASSERT_EQ(unasked[0].unknown.size(), 1u);
  EXPECT_EQ(unasked[0].unknown[0], "何買える");
  // demo-retire asks what follows from retiring.
  auto asked = Search("退職したらどうなる");
  ASSERT_FALSE(asked.empty());
  EXPECT_EQ(asked[0].entry->id, "demo-retire") << Describe(asked);
  EXPECT_EQ(asked[0].unknown_words, 0);
}

TEST_F(IndexTest, TopicNounOutweighsAVerb) {
  ASSERT_NE(analyzer_, nullptr);
  // 認証コード says what the question is about; 忘れる how it is asked.
  Analyzed a = analyzer_->Analyze("認証コードを忘れた");
  const Term* noun = nullptr;
  const Term* verb = nullptr;
  for (const Term& t : a.terms) {
    if (t.key == "w:認証コード") noun = &t;
    if (t.key == "w:忘れる") verb = &t;
  }
  ASSERT_NE(noun, nullptr);
  ASSERT_NE(verb, nullptr);
  EXPECT_TRUE(noun->topic);
  EXPECT_FALSE(verb->topic);
  EXPECT_GT(noun->weight, verb->weight);
  EXPECT_FLOAT_EQ(verb->weight / analyzer_->UnitWeight(*verb), 1.0f) << "one occurrence";
}

TEST_F(IndexTest, AmountQuestionIsOnePhraseHoweverItIsSplit) {
  ASSERT_NE(analyzer_, nullptr);
  auto has = [](const Analyzed& a, const std::string& key) {
    for (const Term& t : a.terms) {
      if (t.key == key) return true;
    }
    return false;
  };
  // MeCab reads なん as a pronoun and ポイント as a counter; 何点 folds into the group.
  EXPECT_TRUE(has(analyzer_->Analyze("いまなんポイントある？"), "w:何ポイント"));
  EXPECT_TRUE(has(analyzer_->Analyze("今何点たまってる"), "w:何ポイント"));
  // Only phrases the dictionary names: 何 before any noun is not a new word.
  Analyzed other = analyzer_->Analyze("何手続きが必要");
  for (const Term& t : other.terms) EXPECT_NE(t.key.rfind("w:何", 0), 0u) << t.key;
}

TEST_F(IndexTest, DoingAThingAgainIsItsReWord) {
  ASSERT_NE(analyzer_, nullptr);
  const kb::ProgramKb program = MakeProgram(
      "demo", {MakeEntry("demo-again", "資格を取り直したら登録し直す必要はありますか", {},
                         "新しい認証コードで登録してください。"),
               MakeEntry("demo-first", "はじめて登録するには", {}, "アプリから登録してください。"),
               MakeEntry("demo-fee", "利用料はかかりますか", {}, "利用料は無料です。")});
  const Index index(&program, analyzer_);
  SearchOptions options;
  options.explain = true;
  // 再登録 is no word of the entries, which say 登録し直す: the same thing, no other topic.
  auto found = index.Search("再登録は必要？", options);
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].entry->id, "demo-again") << Describe(found);
  EXPECT_EQ(found[0].unknown_words, 0);
  // Registering alone is not registering again.
  auto first = index.Search("登録するには", options);
  ASSERT_FALSE(first.empty());
  EXPECT_EQ(first[0].entry->id, "demo-first") << Describe(first);
}

TEST_F(IndexTest, AnActSaidNotToHappenMeetsTheEntryThatSaysSo) {
  ASSERT_NE(analyzer_, nullptr);
  auto has = [&](std::string_view text, const std::string& key) {
    for (const Term& t : analyzer_->Analyze(text).terms) {
      if (t.key == key) return true;
    }
    return false;
  };
  EXPECT_TRUE(has("結果が登録されない", "x:登録"));
  EXPECT_TRUE(has("結果が登録されていません", "x:登録"));
  EXPECT_FALSE(has("結果を登録しました", "x:登録"));
  // A verb says how the member is stuck, not what did not happen.
  for (const Term& t : analyzer_->Analyze("パスワードがわからない").terms) {
    EXPECT_NE(t.kind, TermKind::kNegation) << t.key;
  }

  const kb::ProgramKb program = MakeProgram(
      "demo",
      {MakeEntry("demo-done", "健診結果を登録しました", {}, "基準値内の項目にポイントが付きます。"),
       MakeEntry("demo-missing", "健診の結果が登録されていません", {},
                 "反映まで時間がかかることがあります。"),
       MakeEntry("demo-fee", "利用料はかかりますか", {}, "利用料は無料です。")});
  const Index index(&program, analyzer_);
  auto found = index.Search("健診結果が登録されない", {});
  ASSERT_FALSE(found.empty());
  EXPECT_EQ(found[0].entry->id, "demo-missing") << Describe(found);
}

TEST_F(IndexTest, AnAmountIsOneTermHoweverItIsWritten) {
  ASSERT_NE(analyzer_, nullptr);
  auto find = [](const Analyzed& a, const std::string& key) -> const Term* {
    for (const Term& t : a.terms) {
      if (t.key == key) return &t;
    }
    return nullptr;
  };
  for (const char* text : {"5,000ポイントで", "５０００ポイントで", "5000ポイントで"}) {
    const Term* query = find(analyzer_->Analyze(text), "n:5000ポイント");
    ASSERT_NE(query, nullptr) << text;
    EXPECT_TRUE(query->heard_only) << text;
    const Term* entry = find(analyzer_->AnalyzeToIndex(text), "n:5000ポイント");
    ASSERT_NE(entry, nullptr) << text;
    EXPECT_FALSE(entry->heard_only) << text;
  }
  EXPECT_NE(find(analyzer_->Analyze("16歳の子ども"), "n:16歳"), nullptr);
  // Dates are the date rules' to read.
  for (const Term& t : analyzer_->Analyze("2025年3月31日と2024年度").terms) {
    EXPECT_NE(t.kind, TermKind::kNumber) << t.key;
  }
}

TEST_F(IndexTest, AnAmountTheMemberNamesMeetsTheEntryThatStatesIt) {
  ASSERT_NE(analyzer_, nullptr);
  const kb::ProgramKb program = MakeProgram(
      "demo", {MakeEntry("demo-silver", "銀のコースの特典は？", {},
                         "5,000ポイントで銀のコースになり、協賛店の優待が使えます。"),
               MakeEntry("demo-gold", "金のコースの特典は？", {},
                         "8,000ポイントで金のコースになり、協賛店の優待が使えます。"),
               MakeEntry("demo-fee", "利用料はかかりますか", {}, "利用料は無料です。")});
  const Index index(&program, analyzer_);
  auto found = index.Search("8000ポイントでもらえるコースの特典", {});
  ASSERT_GE(found.size(), 2u);
  EXPECT_EQ(found[0].entry->id, "demo-gold") << Describe(found);
  EXPECT_GT(found[0].score, found[1].score) << Describe(found);
  // An amount no entry states is no part of the question left unexplained.
  auto coverage = [&](std::string_view query) {
    return FieldById(program, {}, query, &Candidate::coverage)["demo-fee"];
  };
  EXPECT_FLOAT_EQ(coverage("3000円の利用料はかかりますか"),
                  coverage("三千円の利用料はかかりますか"));
}

TEST_F(IndexTest, AskingWhatFollowsIsWording) {
  ASSERT_NE(analyzer_, nullptr);
  auto find = [](const Analyzed& a, const std::string& key) -> const Term* {
    for (const Term& t : a.terms) {
      if (t.key == key) return &t;
    }
    return nullptr;
  };
  // どう and なる are stop words apart; together they ask for a consequence, not a method.
  const Analyzed follows = analyzer_->Analyze("ポイントを貯めたらどうなりますか");
  const Term* what_follows = find(follows, "w:どうなる");
  ASSERT_NE(what_follows, nullptr);
  EXPECT_FALSE(what_follows->topic);
  EXPECT_EQ(find(analyzer_->Analyze("ポイントの貯め方"), "w:どうなる"), nullptr);
  EXPECT_EQ(find(analyzer_->Analyze("どうすればなるの"), "w:どうなる"), nullptr);
}

TEST_F(IndexTest, AskingWhatSomethingIsMeetsItsDefinition) {
  ASSERT_NE(analyzer_, nullptr);
  auto asks = [](const std::string& text) {
    for (const Term& t : analyzer_->Analyze(text).terms) {
      if (t.key == "w:とは") return !t.topic;
    }
    return false;
  };
  for (const char* text : {"健康ポイントとは", "QRコードって何?", "ゴールドは何ですか",
                           "けんこうぽいんとってなんですか", "「デモ事業」とはどのような事業ですか",
                           "健康ポイントってそもそも何？", "ゴールドは一体何ですか"}) {
    EXPECT_TRUE(asks(text)) << text;
  }
  for (const char* text : {"ポイントは何に使える", "何をすればいい", "ポイントと景品",
                           "ポイントはそもそも何に使える"}) {
    EXPECT_FALSE(asks(text)) << text;
  }
  // Among entries that all name the thing, the one that defines it answers the question.
  const kb::ProgramKb program = MakeProgram(
      "define",
      {
          MakeEntry("define-when", "健康ポイントはいつ付与されますか", {}, "毎月付与します。"),
          MakeEntry("define-what", "健康ポイントとはどのような制度ですか", {},
                    "健康づくりの制度です。"),
          MakeEntry("define-swap", "健康ポイントはいつ交換できますか", {}, "5月から交換できます。"),
      });
  Index index(&program, analyzer_);
  SearchOptions options;
  auto found = index.Search("健康ポイントって何？", options);
  ASSERT_GE(found.size(), 2u);
  EXPECT_EQ(found[0].entry->id, "define-what") << Describe(found);
  EXPECT_GT(found[0].score, found[1].score + 0.1f) << Describe(found);
}

TEST_F(IndexTest, AskingWhatAVerbGivesIsWording) {
  ASSERT_NE(analyzer_, nullptr);
  auto has = [](const std::string& text, const std::string& key) {
    for (const Term& t : analyzer_->Analyze(text).terms) {
      if (t.key == key) return !t.topic;
    }
    return false;
  };
  EXPECT_TRUE(has("貯めると何がもらえるの", "w:何もらえる"));
  EXPECT_TRUE(has("何を買えばいい", "w:何買う"));
  EXPECT_FALSE(has("ポイントがもらえる", "w:何もらえる"));
  EXPECT_FALSE(has("何ポイントもらえる", "w:何もらえる"));
  // Both entries say もらえる; the one that says what one gets answers 「何がもらえるの」.
  const kb::ProgramKb program = MakeProgram(
      "gives",
      {
          MakeEntry("gives-how", "ポイントがもらえる条件", {}, "歩くとポイントがもらえます。"),
          MakeEntry("gives-what", "景品は何がもらえる？", {}, "健康グッズと交換できます。"),
      });
  Index index(&program, analyzer_);
  auto found = index.Search("何がもらえるの", SearchOptions());
  ASSERT_GE(found.size(), 2u);
  EXPECT_EQ(found[0].entry->id, "gives-what") << Describe(found);
  EXPECT_GT(found[0].score, found[1].score + 0.1f) << Describe(found);
}

TEST_F(IndexTest, ALargeKnowledgeBaseGathersThroughWordsNotQuestionForms) {
  ASSERT_NE(analyzer_, nullptr);
  // Many entries define something (「…とは」); only one is about what the member names.
  const kb::ProgramKb program = MakeProgram(
      "large",
      {
          MakeEntry("large-points", "健康ポイントとは何ですか", {}, "歩くと貯まります。"),
          MakeEntry("large-gold", "ゴールドとは何ですか", {}, "上のランクです。"),
          MakeEntry("large-lottery", "抽選とはどのような仕組みですか", {}, "毎月行います。"),
          MakeEntry("large-sponsor", "協賛店とは何ですか", {}, "応援するお店です。"),
      });
  auto ids = [&](const IndexOptions& options) {
    Index index(&program, analyzer_, options);
    SearchOptions search;
    search.limit = 10;
    std::vector<std::string> out;
    for (const Candidate& c : index.Search("健康ポイントとは", search)) out.push_back(c.entry->id);
    return out;
  };
  // Scored exactly, every entry that asks 「とは」 shares a term with the query.
  const auto small = ids(IndexOptions{});
  ASSERT_FALSE(small.empty());
  EXPECT_EQ(small[0], "large-points");
  EXPECT_NE(std::find(small.begin(), small.end(), "large-gold"), small.end());
  // Above exhaustive_below the question form ranks what the words gather and gathers nothing
  // itself: in a large knowledge base it would walk every definition for no decision.
  IndexOptions large;
  large.exhaustive_below = 1;
  EXPECT_EQ(ids(large), std::vector<std::string>{"large-points"});
}

TEST_F(IndexTest, WinnerThatLacksTheRunnerUpsWordIsMarked) {
  ASSERT_NE(index_, nullptr);
  // Two topics in one question: whichever wins lacks the other's specific word.
  auto mixed = Search("退職したらポイントの有効期限は");
  ASSERT_GE(mixed.size(), 2u) << Describe(mixed);
  EXPECT_GT(mixed[0].lacks, 0.0f) << Describe(mixed);
  EXPECT_LE(mixed[0].lacks, 1.0f);
  auto plain = Search("パスワードを忘れました");
  ASSERT_FALSE(plain.empty());
  EXPECT_EQ(plain[0].lacks, 0.0f) << Describe(plain);
}

TEST_F(IndexTest, ExplanationsListMatchedTermsWithKinds) {
  ASSERT_NE(index_, nullptr);
  std::vector<Candidate> found = Search("パスワードを忘れました", /*explain=*/true);
  ASSERT_FALSE(found.empty());
  const Candidate& best = found[0];
  ASSERT_FALSE(best.why.empty());
  const MatchedTerm* word = Why(best, "w:パスワード");
  ASSERT_NE(word, nullptr) << DescribeWhy(best);
  EXPECT_EQ(word->kind, "word");
  EXPECT_EQ(word->query, "パスワード");
  EXPECT_GT(word->contribution, 0.0f);
  const std::set<std::string> kinds = {"word", "reading", "synonym", "gram", "pair"};
  float previous = 2.0f;
  for (const MatchedTerm& m : best.why) {
    EXPECT_TRUE(kinds.count(m.kind)) << m.term << " has kind " << m.kind;
    EXPECT_GT(m.contribution, 0.0f) << m.term;
    EXPECT_LE(m.contribution, previous) << "sorted by contribution";
    previous = m.contribution;
    EXPECT_FALSE(m.query.empty()) << m.term;
  }
}

TEST_F(IndexTest, InflectedWordIsExplainedAsAWord) {
  std::vector<Candidate> found = Search("パスワードを忘れました", /*explain=*/true);
  ASSERT_FALSE(found.empty());
  const MatchedTerm* verb = Why(found[0], "w:忘れる");
  ASSERT_NE(verb, nullptr) << DescribeWhy(found[0]);
  EXPECT_EQ(verb->kind, "word");
}

TEST_F(IndexTest, NoExplanationsUnlessAsked) {
  ASSERT_NE(index_, nullptr);
  std::vector<Candidate> found = Search("パスワードを忘れました", /*explain=*/false);
  ASSERT_FALSE(found.empty());
  for (const Candidate& c : found) EXPECT_TRUE(c.why.empty()) << c.entry->id;
}

TEST_F(IndexTest, EmptyQueryGivesNothing) {
  ASSERT_NE(index_, nullptr);
  EXPECT_TRUE(Search("").empty());
  EXPECT_TRUE(Search("   \u3000 ").empty());
  EXPECT_TRUE(Search("？？？").empty());
  EXPECT_TRUE(Search("、。").empty());
}

TEST_F(IndexTest, RespectsTheLimitAndRanksByScore) {
  ASSERT_NE(index_, nullptr);
  std::vector<Candidate> all = Search("ポイント", false, 10);
  ASSERT_GE(all.size(), 3u) << "three entries speak of ポイント";
  for (size_t i = 1; i < all.size(); ++i)
    EXPECT_GE(all[i - 1].score, all[i].score) << Describe(all);
  for (const Candidate& c : all) {
    EXPECT_GT(c.score, 0.0f);
    EXPECT_LE(c.score, 1.0f);
  }
  std::vector<Candidate> two = Search("ポイント", false, 2);
  ASSERT_EQ(two.size(), 2u);
  EXPECT_EQ(two[0].entry, all[0].entry);
  EXPECT_EQ(two[1].entry, all[1].entry);
}

TEST_F(IndexTest, AnalyzedAndRawQueriesAgree) {
  ASSERT_NE(index_, nullptr);
  SearchOptions options;
  Analyzed analyzed = analyzer_->Analyze("利用料はかかりますか");
  std::vector<Candidate> a = index_->Search(analyzed, options);
  std::vector<Candidate> b = index_->Search("利用料はかかりますか", options);
  ASSERT_EQ(a.size(), b.size());
  for (size_t i = 0; i < a.size(); ++i) {
    EXPECT_EQ(a[i].entry, b[i].entry);
    EXPECT_FLOAT_EQ(a[i].score, b[i].score);
  }
}

TEST_F(IndexTest, ConcurrentSearchesAgree) {
  ASSERT_NE(index_, nullptr);
  const std::vector<std::string> queries = {"パスワードを忘れました", "PWを忘れた",
                                            "ゆうこうきげん",         "認証コードが届かない",
                                            "ポイント交換",           "今日の天気"};
  std::vector<std::vector<Candidate>> expected;
  for (const std::string& q : queries) expected.push_back(Search(q));
  std::vector<int> mismatches(6, 0);
  std::vector<std::thread> threads;
  for (int th = 0; th < 6; ++th) {
    threads.emplace_back([&, th] {
      for (int round = 0; round < 30; ++round) {
        size_t i = static_cast<size_t>(th + round) % queries.size();
        std::vector<Candidate> got = Search(queries[i]);
        bool same = got.size() == expected[i].size();
        for (size_t k = 0; same && k < got.size(); ++k) {
          same = got[k].entry == expected[i][k].entry && got[k].score == expected[i][k].score;
        }
        if (!same) ++mismatches[th];
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int th = 0; th < 6; ++th) EXPECT_EQ(mismatches[th], 0) << "thread " << th;
}

TEST(IndexEmptyProgramTest, SearchesNothing) {
  auto normalizer = text::Normalizer::Create();
  ASSERT_TRUE(normalizer.ok());
  text::TokenizerOptions options;
  options.user_dictionary = text::DefaultUserDictionaryPath();
  auto tokenizer = text::Tokenizer::Create(options);
  ASSERT_TRUE(tokenizer.ok()) << tokenizer.status().ToString();
  text::Lexicon lexicon;
  Analyzer analyzer(normalizer->get(), tokenizer->get(), &lexicon);
  kb::ProgramKb empty;
  Index index(&empty, &analyzer);
  EXPECT_EQ(index.phrase_count(), 0u);
  EXPECT_TRUE(index.Search("パスワード", SearchOptions{}).empty());
}

}  // namespace
}  // namespace madoguchi::search
