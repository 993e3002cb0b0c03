#include "dialogue/answerer.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "rules/placeholders.h"
#include "service/engine.h"
#include "text/era.h"

namespace madoguchi::dialogue {
namespace {

Date D(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

const char* const kPrograms[] = {"kagawa", "ibaraki", "itkenpo"};

// The bundled faq/ and dictionaries/, on a fixed day in May (exchange open).
service::EngineOptions BundledOptions() {
  service::EngineOptions options;
  options.kb_dir = service::DefaultDataPath("faq");
  options.dictionaries_dir = service::DefaultDataPath("dictionaries");
  options.clock = std::make_shared<FixedClock>(D(2026, 5, 15));
  return options;
}

// A policy under which no rule answers: a test turns on the one it is about.
PolicyOptions NoRuleAnswers() {
  PolicyOptions p;
  p.answer_threshold = 2;
  p.sure_threshold = 2;
  p.evidence_threshold = 1e9f;
  p.lead_ratio = 1e9f;
  p.exact_phrase = 2;
  return p;
}

// The engine over BundledOptions().
class AnswererTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto engine = service::Engine::Create(BundledOptions());
    ASSERT_TRUE(engine.ok()) << engine.status().ToString();
    engine_ = std::move(engine).value().release();
  }
  static void TearDownTestSuite() {
    delete engine_;
    engine_ = nullptr;
  }

  static const Answerer& answerer() { return engine_->answerer(); }
  static const kb::ProgramKb& Program(const std::string& id) {
    const kb::ProgramKb* p = engine_->knowledge_base().Find(id);
    EXPECT_NE(p, nullptr) << id;
    return *p;
  }
  static const kb::Entry& EntryOf(const std::string& program, const std::string& id) {
    const kb::Entry* e = Program(program).Find(id);
    EXPECT_NE(e, nullptr) << program << "/" << id;
    return *e;
  }
  static Reply Ask(const std::string& program, std::string_view text, AskOptions options = {}) {
    auto reply = answerer().Ask(program, text, options);
    EXPECT_TRUE(reply.ok()) << reply.status().ToString();
    return reply.ok() ? *reply : Reply{};
  }
  static std::string Describe(const Reply& r) {
    std::string s = std::string(OutcomeName(r.outcome)) + " " + r.entry_id +
                    " conf=" + std::to_string(r.confidence) + " [";
    for (const search::Candidate& c : r.candidates) {
      s += c.entry->id + "=" + std::to_string(c.score) + " ";
    }
    return s + "]";
  }

  static service::Engine* engine_;
};

service::Engine* AnswererTest::engine_ = nullptr;

TEST_F(AnswererTest, EngineServesTheThreePrograms) {
  ASSERT_NE(engine_, nullptr);
  for (const char* id : kPrograms) EXPECT_NE(engine_->index(id), nullptr) << id;
  EXPECT_EQ(engine_->index("nowhere"), nullptr);
  EXPECT_EQ(engine_->clock().Today(), D(2026, 5, 15));
}

// Every program's catalog entries, asked with their own canonical question as loaded.
TEST_F(AnswererTest, CatalogQuestionAnswersItsEntry) {
  ASSERT_NE(engine_, nullptr);
  struct Catalog {
    const char* program;
    const char* prefix;
    int count;
  };
  for (const Catalog& c : {Catalog{"kagawa", "kagawa-", 22}, Catalog{"ibaraki", "ibaraki-", 23},
                           Catalog{"itkenpo", "itkenpo-", 13}}) {
    for (int i = 1; i <= c.count; ++i) {
      const std::string id = c.prefix + std::string(i < 10 ? "0" : "") + std::to_string(i);
      const kb::Entry* entry = Program(c.program).Find(id);
      ASSERT_NE(entry, nullptr) << id;
      Reply r = Ask(c.program, entry->question);
      EXPECT_EQ(r.outcome, Outcome::kAnswer)
          << id << " 「" << entry->question << "」 " << Describe(r);
      EXPECT_EQ(r.entry_id, id) << "「" << entry->question << "」 " << Describe(r);
    }
  }
}

TEST_F(AnswererTest, AnswerCarriesTheEntrysContent) {
  ASSERT_NE(engine_, nullptr);
  const kb::Entry& entry = EntryOf("kagawa", "kagawa-08");
  Reply r = Ask("kagawa", entry.question);
  ASSERT_EQ(r.outcome, Outcome::kAnswer) << Describe(r);
  EXPECT_EQ(r.entry_id, "kagawa-08");
  EXPECT_EQ(r.text, entry.answer) << "an answer without placeholders is sent as written";
  EXPECT_GE(r.confidence, answerer().policy().answer_threshold);
  EXPECT_LE(r.confidence, 1.0f);
  ASSERT_FALSE(r.candidates.empty());
  EXPECT_EQ(r.candidates[0].entry->id, "kagawa-08");
  EXPECT_EQ(r.links.size(), entry.links.size());
  EXPECT_EQ(r.choices.size(), entry.followups.size());
  EXPECT_TRUE(r.action.empty());
}

TEST_F(AnswererTest, AnswersHaveNoPlaceholdersLeft) {
  ASSERT_NE(engine_, nullptr);
  for (const char* program : kPrograms) {
    for (const kb::Entry& e : Program(program).entries) {
      auto r = answerer().AnswerEntry(program, e.id, e.question);
      ASSERT_TRUE(r.ok()) << r.status().ToString();
      EXPECT_FALSE(Contains(r->text, "{{")) << program << "/" << e.id << ": " << r->text;
      EXPECT_FALSE(r->text.empty()) << program << "/" << e.id;
    }
  }
}

TEST_F(AnswererTest, UnrelatedQuestionsFallBack) {
  ASSERT_NE(engine_, nullptr);
  std::string many_a;
  for (int i = 0; i < 10000; ++i) many_a += "あ";
  const std::vector<std::string> unrelated = {
      "今日の天気は？", "株価を教えて", "年金の手続き", "asdfghjk", "", "   ", many_a, "😀😀😀", "👍",
      "？？？"};
  for (const char* program : kPrograms) {
    for (const std::string& q : unrelated) {
      Reply r = Ask(program, q);
      EXPECT_EQ(r.outcome, Outcome::kFallback)
          << program << " 「" << q.substr(0, 30) << "」 " << Describe(r);
      EXPECT_TRUE(r.entry_id.empty()) << program << " 「" << q.substr(0, 30) << "」";
      EXPECT_FALSE(r.text.empty());
    }
  }
}

TEST_F(AnswererTest, InvalidUtf8FallsBackWithoutCrashing) {
  ASSERT_NE(engine_, nullptr);
  Reply r = Ask("kagawa", "\xFF\xFE\xC0\xAF");
  EXPECT_NE(r.outcome, Outcome::kAnswer) << Describe(r);
}

TEST_F(AnswererTest, FallbackIncludesTheProgramsContacts) {
  ASSERT_NE(engine_, nullptr);
  for (const char* program : kPrograms) {
    const kb::Program& p = Program(program).program;
    Reply r = Ask(program, "株価を教えて");
    ASSERT_EQ(r.outcome, Outcome::kFallback) << program << " " << Describe(r);
    EXPECT_TRUE(Contains(r.text, rules::FormatContacts(p))) << program << ": " << r.text;
    ASSERT_FALSE(p.contacts.empty());
    EXPECT_TRUE(Contains(r.text, p.contacts[0].phone)) << program << ": " << r.text;
  }
}

TEST_F(AnswererTest, FallbackSuggestsOnlyFaqEntries) {
  ASSERT_NE(engine_, nullptr);
  for (const char* program : kPrograms) {
    Reply r = Ask(program, "年金の手続き");
    ASSERT_EQ(r.outcome, Outcome::kFallback) << Describe(r);
    EXPECT_LE(r.choices.size(), 3u);
    for (const Choice& c : r.choices) {
      ASSERT_EQ(c.payload.rfind("entry:", 0), 0u) << c.payload;
      const kb::Entry& e = EntryOf(program, c.payload.substr(6));
      EXPECT_FALSE(e.IsIntent()) << c.payload;
      EXPECT_EQ(c.label, e.question);
    }
  }
}

TEST_F(AnswererTest, UnknownProgramIsNotFound) {
  ASSERT_NE(engine_, nullptr);
  auto asked = answerer().Ask("nowhere", "ポイントの有効期限は？");
  ASSERT_FALSE(asked.ok());
  EXPECT_EQ(asked.status().code(), StatusCode::kNotFound);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "nowhere", asked.status().message());

  auto entry = answerer().AnswerEntry("nowhere", "kagawa-18");
  ASSERT_FALSE(entry.ok());
  EXPECT_EQ(entry.status().code(), StatusCode::kNotFound);
  auto common = answerer().Ask("common", "こんにちは");
  EXPECT_FALSE(common.ok()) << "common/ is not a program";
}

TEST_F(AnswererTest, UnknownEntryIsNotFound) {
  ASSERT_NE(engine_, nullptr);
  auto r = answerer().AnswerEntry("kagawa", "kagawa-99");
  ASSERT_FALSE(r.ok());
  EXPECT_EQ(r.status().code(), StatusCode::kNotFound);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "kagawa-99", r.status().message());
  EXPECT_FALSE(answerer().AnswerEntry("kagawa", "ibaraki-01").ok()) << "entries are per program";
}

TEST_F(AnswererTest, UnknownAgeShowsEveryVariantLabelled) {
  ASSERT_NE(engine_, nullptr);
  const kb::Entry& entry = EntryOf("kagawa", "kagawa-15");
  ASSERT_GE(entry.variants.size(), 2u);
  auto r = answerer().AnswerEntry("kagawa", "kagawa-15");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  for (const kb::Variant& v : entry.variants) {
    EXPECT_TRUE(Contains(r->text, "【" + v.label + "】")) << r->text;
    EXPECT_TRUE(Contains(r->text, v.answer)) << r->text;
  }
}

TEST_F(AnswererTest, KnownAgePicksOneVariant) {
  ASSERT_NE(engine_, nullptr);
  const kb::Entry& entry = EntryOf("kagawa", "kagawa-15");
  ASSERT_EQ(entry.variants.size(), 2u);
  const kb::Variant* forty_plus = nullptr;
  const kb::Variant* under_forty = nullptr;
  for (const kb::Variant& v : entry.variants) {
    if (v.when.age_at_least == 40) forty_plus = &v;
    if (v.when.age_below == 40) under_forty = &v;
  }
  ASSERT_NE(forty_plus, nullptr);
  ASSERT_NE(under_forty, nullptr);
  struct Case {
    int age;
    const kb::Variant* shown;
    const kb::Variant* hidden;
  };
  for (const Case& c : {Case{45, forty_plus, under_forty}, Case{40, forty_plus, under_forty},
                        Case{39, under_forty, forty_plus}, Case{25, under_forty, forty_plus}}) {
    AskOptions options;
    options.asker_age = c.age;
    auto r = answerer().AnswerEntry("kagawa", "kagawa-15", {}, options);
    ASSERT_TRUE(r.ok());
    EXPECT_TRUE(Contains(r->text, c.shown->answer)) << "age " << c.age << ": " << r->text;
    EXPECT_FALSE(Contains(r->text, c.hidden->answer)) << "age " << c.age << ": " << r->text;
    EXPECT_FALSE(Contains(r->text, "【")) << "one variant needs no label: " << r->text;
  }
}

TEST_F(AnswererTest, AskWithAgeAlsoPicksTheVariant) {
  ASSERT_NE(engine_, nullptr);
  const kb::Entry& entry = EntryOf("kagawa", "kagawa-16");
  ASSERT_EQ(entry.variants.size(), 2u);
  AskOptions options;
  options.asker_age = 50;
  Reply r = Ask("kagawa", entry.question, options);
  ASSERT_EQ(r.outcome, Outcome::kAnswer) << Describe(r);
  ASSERT_EQ(r.entry_id, "kagawa-16");
  int shown = 0;
  for (const kb::Variant& v : entry.variants) shown += Contains(r.text, v.answer);
  EXPECT_EQ(shown, 1) << r.text;
}

TEST_F(AnswererTest, AnswerEntryRendersFollowupsAsChoices) {
  ASSERT_NE(engine_, nullptr);
  const kb::Entry& entry = EntryOf("kagawa", "kagawa-18");
  ASSERT_FALSE(entry.followups.empty());
  auto r = answerer().AnswerEntry("kagawa", "kagawa-18");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->outcome, Outcome::kAnswer);
  EXPECT_EQ(r->entry_id, "kagawa-18");
  EXPECT_FLOAT_EQ(r->confidence, 1.0f);
  ASSERT_EQ(r->choices.size(), entry.followups.size());
  for (size_t i = 0; i < entry.followups.size(); ++i) {
    EXPECT_EQ(r->choices[i].payload, "entry:" + entry.followups[i]);
    EXPECT_EQ(r->choices[i].label, EntryOf("kagawa", entry.followups[i]).question);
  }
}

TEST_F(AnswererTest, IntentsCarryTheirAction) {
  ASSERT_NE(engine_, nullptr);
  auto r = answerer().AnswerEntry("kagawa", "action:balance");
  ASSERT_TRUE(r.ok()) << r.status().ToString();
  EXPECT_EQ(r->action, "balance");
  auto handoff = answerer().AnswerEntry("itkenpo", "action:handoff");
  ASSERT_TRUE(handoff.ok()) << handoff.status().ToString();
  EXPECT_EQ(handoff->action, "handoff");
  EXPECT_TRUE(Contains(handoff->text, Program("itkenpo").program.contacts[0].phone))
      << handoff->text;
}

TEST_F(AnswererTest, RulesUseTheInjectedClock) {
  ASSERT_NE(engine_, nullptr);
  // 2026-05-15: exchange is open.
  auto may = answerer().AnswerEntry("kagawa", "kagawa-19");
  ASSERT_TRUE(may.ok());
  EXPECT_TRUE(Contains(may->text, "受付期間中")) << may->text;

  service::EngineOptions options;
  options.clock = std::make_shared<FixedClock>(D(2026, 4, 10));
  auto april_engine = service::Engine::Create(options);
  ASSERT_TRUE(april_engine.ok()) << april_engine.status().ToString();
  auto april = (*april_engine)->answerer().AnswerEntry("kagawa", "kagawa-19");
  ASSERT_TRUE(april.ok());
  EXPECT_TRUE(Contains(april->text, "受け付けていません")) << april->text;
  EXPECT_TRUE(Contains(april->text, text::FormatJapaneseDate(D(2026, 5, 1)))) << april->text;
}

TEST_F(AnswererTest, RulesReadTheQuestion) {
  ASSERT_NE(engine_, nullptr);
  auto r =
      answerer().AnswerEntry("kagawa", "kagawa-18", "令和6年10月にもらったポイントはいつまで？");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(Contains(r->text, "令和8年3月31日")) << r->text;

  auto rate = answerer().AnswerEntry("itkenpo", "itkenpo-13",
                                     "対象者200人、受診不可者10人、受診者180人の受診率は？");
  ASSERT_TRUE(rate.ok());
  EXPECT_TRUE(Contains(rate->text, "94.7")) << rate->text;
}

TEST_F(AnswererTest, RulesReadFullWidthDigitsInTheQuestion) {
  auto r =
      answerer().AnswerEntry("kagawa", "kagawa-18", "令和６年１０月にもらったポイントはいつまで？");
  ASSERT_TRUE(r.ok());
  EXPECT_TRUE(Contains(r->text, "令和8年3月31日")) << r->text;

  auto rate = answerer().AnswerEntry(
      "itkenpo", "itkenpo-13", "対象者２００人、受診不可者１０人、受診者１８０人の受診率は？");
  ASSERT_TRUE(rate.ok());
  EXPECT_TRUE(Contains(rate->text, "94.7")) << rate->text;
}

TEST_F(AnswererTest, ExplainFillsTheCandidatesWhy) {
  ASSERT_NE(engine_, nullptr);
  const kb::Entry& entry = EntryOf("kagawa", "kagawa-04");
  AskOptions options;
  options.explain = true;
  Reply r = Ask("kagawa", entry.question, options);
  ASSERT_FALSE(r.candidates.empty());
  EXPECT_FALSE(r.candidates[0].why.empty());
  Reply plain = Ask("kagawa", entry.question);
  ASSERT_FALSE(plain.candidates.empty());
  EXPECT_TRUE(plain.candidates[0].why.empty());
}

TEST_F(AnswererTest, ConcurrentAsksAgree) {
  ASSERT_NE(engine_, nullptr);
  std::vector<std::pair<std::string, std::string>> asks;
  for (const char* program : kPrograms) {
    const auto& entries = Program(program).entries;
    for (size_t i = 0; i < entries.size(); i += 5) asks.emplace_back(program, entries[i].question);
    asks.emplace_back(program, "株価を教えて");
  }
  std::vector<Reply> expected;
  for (const auto& [p, q] : asks) expected.push_back(Ask(p, q));
  std::vector<int> mismatches(4, 0);
  std::vector<std::thread> threads;
  for (int th = 0; th < 4; ++th) {
    threads.emplace_back([&, th] {
      for (size_t k = 0; k < asks.size(); ++k) {
        size_t i = (k + static_cast<size_t>(th) * 3) % asks.size();
        auto r = answerer().Ask(asks[i].first, asks[i].second);
        if (!r.ok() || r->outcome != expected[i].outcome || r->entry_id != expected[i].entry_id ||
            r->text != expected[i].text) {
          ++mismatches[th];
        }
      }
    });
  }
  for (std::thread& t : threads) t.join();
  for (int th = 0; th < 4; ++th) EXPECT_EQ(mismatches[th], 0) << "thread " << th;
}

// The sure rule, alone: with every other way to answer shut, a catalog question is answered
// when the margin asked of the sure rule can be met, and not when it cannot.
TEST_F(AnswererTest, SureRuleNeedsAMarginOverTheRunnerUp) {
  auto ask_with_sure_margin = [](float margin) {
    service::EngineOptions options = BundledOptions();
    options.policy = NoRuleAnswers();
    options.policy.lacks_threshold = 2;
    options.policy.sure_threshold = 0;
    options.policy.sure_margin = margin;
    auto engine = service::Engine::Create(options);
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    auto reply = (*engine)->answerer().Ask("kagawa", "パスワードを忘れました");
    EXPECT_TRUE(reply.ok());
    return reply->outcome;
  };
  EXPECT_EQ(ask_with_sure_margin(0), Outcome::kAnswer);
  EXPECT_NE(ask_with_sure_margin(1.5f), Outcome::kAnswer);
}

TEST_F(AnswererTest, AnEntrysOwnWordingIsAnsweredHoweverCloseTheRunnerUp) {
  // Every other rule off: only the exact-phrase rule can answer.
  auto ask = [](float exact_phrase, std::string_view text) {
    service::EngineOptions options = BundledOptions();
    options.policy = NoRuleAnswers();
    options.policy.exact_phrase = exact_phrase;
    auto engine = service::Engine::Create(options);
    EXPECT_TRUE(engine.ok()) << engine.status().ToString();
    auto reply = (*engine)->answerer().Ask("kagawa", text);
    EXPECT_TRUE(reply.ok());
    return *reply;
  };
  const kb::Entry* entry = Program("kagawa").Find("kagawa-19");
  ASSERT_NE(entry, nullptr);
  Reply own = ask(0.98f, entry->question);
  EXPECT_EQ(own.outcome, Outcome::kAnswer) << Describe(own);
  EXPECT_EQ(own.entry_id, "kagawa-19");
  EXPECT_NE(ask(2, entry->question).outcome, Outcome::kAnswer);
  // A question that only shares words with the entry is not its wording.
  EXPECT_NE(ask(0.98f, "交換の時期と商品の届く時期を両方知りたい").outcome, Outcome::kAnswer);
}

// An imported FAQ has no alternates: a question worded unlike the entry still finds it through
// the answer's words, and everyday endings (おしえて) do not count against it.
TEST_F(AnswererTest, BareKnowledgeBaseStillAnswersThroughTheAnswer) {
  service::EngineOptions options = BundledOptions();
  options.bare = true;
  auto engine = service::Engine::Create(options);
  ASSERT_TRUE(engine.ok()) << engine.status().ToString();
  const kb::ProgramKb* kagawa = (*engine)->knowledge_base().Find("kagawa");
  ASSERT_NE(kagawa, nullptr);
  for (const kb::Entry& e : kagawa->entries) {
    if (e.IsOwnFaq()) {
      EXPECT_TRUE(e.alternates.empty()) << e.id;
      EXPECT_TRUE(e.keywords.empty()) << e.id;
    } else if (e.IsIntent()) {
      EXPECT_FALSE(e.alternates.empty()) << "intents keep their examples: " << e.id;
    }
  }
  auto reply = (*engine)->answerer().Ask("kagawa", "有効期限おしえて");
  ASSERT_TRUE(reply.ok());
  ASSERT_FALSE(reply->candidates.empty());
  const std::string top = reply->candidates[0].entry->id;
  EXPECT_TRUE(top == "kagawa-18" || top == "action:expiry") << top;
}

// Every word of the synonym groups reaches its group, in however many pieces MeCab cuts it
// (サインイン → サイ|ンイン): a word that cannot be met is a silent hole in the dictionary.
TEST_F(AnswererTest, EveryWordOfTheSynonymGroupsMeetsItsGroup) {
  const search::Analyzer& analyzer = engine_->analyzer();
  std::ifstream in(service::DefaultDataPath("dictionaries") + "/synonyms.tsv");
  ASSERT_TRUE(in) << "dictionaries/synonyms.tsv";
  std::string line;
  int words = 0;
  while (std::getline(in, line)) {
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> group;
    std::stringstream fields(line);
    for (std::string w; std::getline(fields, w, '\t');) {
      if (!w.empty()) group.push_back(w);
    }
    ASSERT_GE(group.size(), 2u) << line;
    const std::string key = "w:" + analyzer.normalizer().Normalize(group[0]);
    for (const std::string& w : group) {
      const search::Analyzed a = analyzer.Analyze(w);
      const bool met = std::any_of(a.terms.begin(), a.terms.end(),
                                   [&](const search::Term& t) { return t.key == key; });
      std::string keys;
      for (const search::Term& t : a.terms) keys += " " + t.key;
      EXPECT_TRUE(met) << w << " does not reach " << key << ":" << keys;
      ++words;
    }
  }
  EXPECT_GT(words, 300);
}

// What is left of one's points is the balance, in kanji or typed in hiragana (MeCab reads a
// bare のこり as the verb のこる).
TEST_F(AnswererTest, RemainingPointsAreTheBalance) {
  for (const char* program : {"kagawa", "ibaraki"}) {
    for (const char* text : {"残りポイント", "のこりポイント", "ポイントの残りを知りたい"}) {
      Reply r = Ask(program, text);
      EXPECT_EQ(r.outcome, Outcome::kAnswer) << program << " " << text << ": " << Describe(r);
      EXPECT_EQ(r.entry_id, "action:balance") << program << " " << text;
    }
  }
  // The rank intent keeps its own question about the points still missing.
  EXPECT_EQ(Ask("ibaraki", "シルバーまで残り何ポイント").entry_id, "action:rank");
}

// 「貯めたらどうなる」 asks what saving leads to (a rank, a prize), not how to save: the entry on
// how points are earned must not be answered as if it were sure.
TEST_F(AnswererTest, WhatSavingLeadsToIsNotHowToSave) {
  Reply r = Ask("ibaraki", "8000ポイント貯めたらどうなる");
  EXPECT_FALSE(r.outcome == Outcome::kAnswer && r.entry_id == "ibaraki-03") << Describe(r);
  ASSERT_FALSE(r.candidates.empty());
  EXPECT_EQ(r.candidates[0].entry->id, "ibaraki-08") << Describe(r);
}

// A short question whose topic the knowledge base has never heard of is not answered on the
// strength of one shared word.
TEST_F(AnswererTest, UnknownTopicWordIsNotAnsweredThroughOneSharedWord) {
  for (const char* program : kPrograms) {
    Reply r = Ask(program, "社員旅行の補助金について");
    EXPECT_NE(r.outcome, Outcome::kAnswer) << program << " → " << r.entry_id;
  }
}

TEST_F(AnswererTest, FollowUpOfTheWinnerDoesNotCompeteWithIt) {
  // Two entries on one topic; only the margin rule can answer, and it needs a wide lead.
  kb::KnowledgeBase kb;
  kb::ProgramKb& demo = kb.programs["demo"];
  demo.program.id = "demo";
  kb::Entry when;
  when.id = "demo-a-when";
  when.question = "ポイントの交換はいつできますか";
  when.answer = "交換は5月から3月まで受け付けています。";
  kb::Entry from;
  from.id = "demo-b-from";
  from.question = "ポイントの交換はいつから";
  from.answer = "毎年5月1日から受け付けます。";
  PolicyOptions policy = NoRuleAnswers();
  policy.sure_threshold = 0;
  policy.sure_margin = 0.8f;
  FixedClock clock(D(2026, 5, 15));
  for (bool linked : {false, true}) {
    when.followups.clear();
    if (linked) when.followups.push_back("demo-b-from");
    demo.entries = {when, from};
    search::Index index(&demo, &engine_->analyzer());
    std::map<std::string, const search::Index*> indexes = {{"demo", &index}};
    Answerer answerer(&kb, &indexes, &clock, policy);
    auto r = answerer.Ask("demo", "ポイントの交換はいつ");
    ASSERT_TRUE(r.ok());
    ASSERT_GE(r->candidates.size(), 2u);
    EXPECT_EQ(r->candidates[0].entry->id, "demo-a-when");
    EXPECT_LT(r->candidates[0].score - r->candidates[1].score, policy.sure_margin);
    if (!linked) {
      EXPECT_NE(r->outcome, Outcome::kAnswer) << Describe(*r);
      continue;
    }
    EXPECT_EQ(r->outcome, Outcome::kAnswer) << Describe(*r);
    EXPECT_EQ(r->entry_id, "demo-a-when");
    // The runner-up is offered with the answer.
    ASSERT_EQ(r->choices.size(), 1u);
    EXPECT_EQ(r->choices[0].payload, "entry:demo-b-from");
  }
}

TEST_F(AnswererTest, UnknownVerbStillCountsAgainstAnAnswer) {
  // 譲る is in no entry; 家族 reaches 被扶養者 through a synonym. Answering the dependants entry
  // would drop what was asked.
  Reply r = Ask("kagawa", "ポイントを家族に譲れますか");
  EXPECT_NE(r.outcome, Outcome::kAnswer) << Describe(r);
}

TEST_F(AnswererTest, TopicNounDecidesOverASharedVerb) {
  // わすれる is in the password entry's wording, 認証コード names the topic.
  Reply r = Ask("kagawa", "にんしょうこーどわすれた");
  EXPECT_NE(r.entry_id, "kagawa-04") << Describe(r);
  ASSERT_FALSE(r.candidates.empty());
  EXPECT_EQ(r.candidates[0].entry->id, "kagawa-02") << Describe(r);
}

TEST(OutcomeNameTest, Names) {
  EXPECT_STREQ(OutcomeName(Outcome::kAnswer), "answer");
  EXPECT_STREQ(OutcomeName(Outcome::kClarify), "clarify");
  EXPECT_STREQ(OutcomeName(Outcome::kFallback), "fallback");
}

}  // namespace
}  // namespace madoguchi::dialogue
