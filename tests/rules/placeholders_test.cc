#include "rules/placeholders.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <memory>
#include <string>

#include "kb/knowledge_base.h"
#include "service/engine.h"
#include "text/era.h"
#include "text/normalizer.h"

namespace madoguchi::rules {
namespace {

Date D(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

class PlaceholdersTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    auto normalizer = text::Normalizer::Create();
    ASSERT_TRUE(normalizer.ok()) << normalizer.status().ToString();
    normalizer_ = std::move(normalizer).value().release();
    kb::LoadOptions options;
    options.known_placeholders = KnownPlaceholders();
    auto loaded = kb::LoadKnowledgeBase(service::DefaultDataPath("faq"), options);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    kb_ = new kb::KnowledgeBase(std::move(loaded).value());
  }
  static void TearDownTestSuite() {
    delete kb_;
    delete normalizer_;
    kb_ = nullptr;
    normalizer_ = nullptr;
  }

  static const kb::Program* Program(const std::string& id) {
    const kb::ProgramKb* p = kb_ == nullptr ? nullptr : kb_->Find(id);
    return p == nullptr ? nullptr : &p->program;
  }
  // Renders `tmpl` for `program` on `today`, with the question normalized as the service does.
  static std::string RenderFor(const std::string& tmpl, const std::string& program,
                               const Date& today, const std::string& question = "") {
    const kb::Program* p = Program(program);
    EXPECT_NE(p, nullptr) << program;
    if (p == nullptr) return "";
    RenderContext ctx{p, today, normalizer_->Normalize(question)};
    return Render(tmpl, ctx);
  }

  static const text::Normalizer* normalizer_;
  static kb::KnowledgeBase* kb_;
};

const text::Normalizer* PlaceholdersTest::normalizer_ = nullptr;
kb::KnowledgeBase* PlaceholdersTest::kb_ = nullptr;

TEST(KnownPlaceholdersTest, ListsEveryDocumentedName) {
  const auto& names = KnownPlaceholders();
  for (const char* name : {"expiry_of", "exchange_window", "season", "rank_table", "checkup_rate",
                           "contact", "link_howto"}) {
    EXPECT_NE(std::find(names.begin(), names.end(), name), names.end()) << name;
  }
}

TEST_F(PlaceholdersTest, ExpiryOfTheGrantDateInTheQuestion) {
  std::string out = RenderFor("{{expiry_of grant_date}}", "kagawa", D(2026, 2, 10),
                              "令和6年10月にもらったポイントはいつ失効？");
  EXPECT_TRUE(Contains(out, "令和8年3月31日")) << out;
  EXPECT_TRUE(Contains(out, "2026年3月31日")) << out;
  EXPECT_TRUE(Contains(out, "令和6年10月")) << "names the grant the member asked about: " << out;
}

TEST_F(PlaceholdersTest, ExpiryOfTheSeedExample) {
  std::string out = RenderFor("{{expiry_of grant_date}}", "kagawa", D(2026, 2, 10),
                              "令和3年12月に付与されたポイント");
  EXPECT_TRUE(Contains(out, "令和5年3月31日")) << out;
}

TEST_F(PlaceholdersTest, ExpiryInThePastIsSaidToBePast) {
  // 令和3年12月's points lapsed on 令和5年3月31日, before today.
  std::string past = RenderFor("{{expiry_of grant_date}}", "kagawa", D(2026, 2, 10),
                               "令和3年12月に付与されたポイント");
  EXPECT_TRUE(Contains(past, "令和5年3月31日")) << past;
  EXPECT_TRUE(Contains(past, "失効しました")) << past;
  // Still usable: no past tense.
  std::string future = RenderFor("{{expiry_of grant_date}}", "kagawa", D(2026, 2, 10),
                                 "令和6年10月にもらったポイント");
  EXPECT_FALSE(Contains(future, "失効しました")) << future;
  // The last usable day itself is not past yet.
  std::string last_day = RenderFor("{{expiry_of grant_date}}", "kagawa", D(2026, 3, 31),
                                   "令和6年10月にもらったポイント");
  EXPECT_FALSE(Contains(last_day, "失効しました")) << last_day;
}

TEST_F(PlaceholdersTest, ExpiryOfOtherDateForms) {
  EXPECT_TRUE(
      Contains(RenderFor("{{expiry_of grant_date}}", "kagawa", D(2026, 2, 10), "R3.12にもらった"),
               "令和5年3月31日"));
  EXPECT_TRUE(Contains(
      RenderFor("{{expiry_of grant_date}}", "kagawa", D(2026, 2, 10), "２０２６年４月１日付与"),
      "令和10年3月31日"));
  // A fiscal year: 令和3年度 is fiscal 2021, lapsing at the end of fiscal 2022.
  EXPECT_TRUE(Contains(
      RenderFor("{{expiry_of grant_date}}", "kagawa", D(2026, 2, 10), "令和3年度のポイント"),
      "令和5年3月31日"));
}

TEST_F(PlaceholdersTest, ExpiryWithoutADateUsesToday) {
  std::string april =
      RenderFor("{{expiry_of grant_date}}", "kagawa", D(2026, 4, 1), "ポイントの有効期限は？");
  EXPECT_TRUE(Contains(april, text::FormatJapaneseDate(D(2026, 4, 1)))) << april;
  EXPECT_TRUE(Contains(april, "令和10年3月31日")) << april;

  std::string march =
      RenderFor("{{expiry_of grant_date}}", "kagawa", D(2026, 3, 31), "ポイントの有効期限は？");
  EXPECT_TRUE(Contains(march, "令和9年3月31日")) << march;
  EXPECT_FALSE(Contains(march, "令和10年")) << march;
}

TEST_F(PlaceholdersTest, ExpiryOfASeason) {
  std::string out = RenderFor("{{expiry_of grant_date}}", "ibaraki", D(2026, 6, 1), "いつ消える？");
  EXPECT_TRUE(Contains(out, "2026年12月31日")) << out;
}

TEST_F(PlaceholdersTest, ExpiryRendersNothingWhenPointsNeverLapse) {
  EXPECT_EQ(RenderFor("A{{expiry_of grant_date}}B", "itkenpo", D(2026, 6, 1), "令和6年10月"), "AB");
}

TEST_F(PlaceholdersTest, ExpiryEchoesGannenFiscalYear) {
  std::string out = RenderFor("{{expiry_of grant_date}}", "kagawa", D(2026, 2, 10),
                              "令和元年度にもらったポイント");
  EXPECT_TRUE(Contains(out, "令和3年3月31日")) << out;
  EXPECT_TRUE(Contains(out, "令和元年度")) << out;
}

TEST_F(PlaceholdersTest, ExchangeWindowInApril) {
  const kb::Program* kagawa = Program("kagawa");
  ASSERT_NE(kagawa, nullptr);
  std::string out = RenderFor("{{exchange_window today}}", "kagawa", D(2026, 4, 15));
  EXPECT_TRUE(Contains(out, "受け付けていません")) << out;
  EXPECT_TRUE(Contains(out, kagawa->rules.exchange.closed_reason)) << out;
  EXPECT_TRUE(Contains(out, text::FormatJapaneseDate(D(2026, 5, 1)))) << "next open day: " << out;
  EXPECT_TRUE(Contains(out, text::FormatJapaneseDate(D(2026, 4, 15)))) << "today: " << out;
}

TEST_F(PlaceholdersTest, ExchangeWindowDoesNotRepeatAClosureTheAnswerExplains) {
  const kb::Program* kagawa = Program("kagawa");
  ASSERT_NE(kagawa, nullptr);
  std::string out = RenderFor("4月は資格確認のため停止しています。{{exchange_window today}}",
                              "kagawa", D(2026, 4, 15));
  EXPECT_TRUE(Contains(out, "受け付けていません")) << out;
  EXPECT_TRUE(Contains(out, text::FormatJapaneseDate(D(2026, 5, 1)))) << out;
  EXPECT_FALSE(Contains(out, kagawa->rules.exchange.closed_reason)) << "said twice: " << out;
}

TEST_F(PlaceholdersTest, ExchangeWindowInMay) {
  std::string out = RenderFor("{{exchange_window today}}", "kagawa", D(2026, 5, 1));
  EXPECT_TRUE(Contains(out, "受付期間中")) << out;
  EXPECT_FALSE(Contains(out, "受け付けていません")) << out;
  EXPECT_FALSE(Contains(out, "次の受付")) << out;
  EXPECT_TRUE(
      Contains(RenderFor("{{exchange_window today}}", "kagawa", D(2026, 3, 31)), "受付期間中"));
}

TEST_F(PlaceholdersTest, CheckupRateFromTheQuestion) {
  std::string out = RenderFor("{{checkup_rate question}}", "itkenpo", D(2026, 6, 1),
                              "対象者200人、受診不可者10人、受診者180人");
  EXPECT_TRUE(Contains(out, "94.7")) << out;
  EXPECT_TRUE(Contains(out, "%")) << out;
}

TEST_F(PlaceholdersTest, CheckupRateWordingVariants) {
  for (const char* question : {"対象者は200人で受診不可者が10人、受診者は180人です",
                               "受診者180人、対象者200人、受診不可者10人の受診率",
                               "対象者数200、受診不可者数10、受診者数180",
                               "対象者２００人、受診不可者１０人、受診者１８０人"}) {
    std::string out = RenderFor("{{checkup_rate question}}", "itkenpo", D(2026, 6, 1), question);
    EXPECT_TRUE(Contains(out, "94.7")) << question << " → " << out;
  }
}

TEST_F(PlaceholdersTest, CheckupRateShortAndSpokenForms) {
  // Labels cut short as staff type them, and counts said in kanji.
  std::string terse =
      RenderFor("{{checkup_rate question}}", "itkenpo", D(2026, 6, 1), "対象300 受診240 不可20");
  EXPECT_TRUE(Contains(terse, "85.7")) << terse;  // 240 ÷ 280
  std::string spoken = RenderFor("{{checkup_rate question}}", "itkenpo", D(2026, 6, 1),
                                 "対象者八十人で、受診したのが六十人、受診不可が五人");
  EXPECT_TRUE(Contains(spoken, "80.0")) << spoken;  // 60 ÷ 75
  EXPECT_TRUE(Contains(spoken, "受診不可者5人")) << spoken;
}

TEST_F(PlaceholdersTest, CheckupRateWithoutUnable) {
  std::string out =
      RenderFor("{{checkup_rate question}}", "itkenpo", D(2026, 6, 1), "対象者200人で受診者180人");
  EXPECT_TRUE(Contains(out, "90.0")) << out;
}

TEST_F(PlaceholdersTest, CheckupRateWithThousands) {
  std::string out = RenderFor("{{checkup_rate question}}", "itkenpo", D(2026, 6, 1),
                              "対象者1,250人、受診不可者50人、受診者1,000人");
  EXPECT_TRUE(Contains(out, "83.3")) << out;  // 1000 ÷ 1200
  EXPECT_TRUE(Contains(out, "1,250")) << out;
}

TEST_F(PlaceholdersTest, CheckupRateWithoutNumbersRendersNothing) {
  EXPECT_EQ(
      RenderFor("{{checkup_rate question}}", "itkenpo", D(2026, 6, 1), "受診率の計算方法を教えて"),
      "");
  EXPECT_EQ(RenderFor("{{checkup_rate question}}", "itkenpo", D(2026, 6, 1), ""), "");
  EXPECT_EQ(RenderFor("{{checkup_rate question}}", "itkenpo", D(2026, 6, 1), "対象者200人"), "")
      << "without the examined count there is nothing to compute";
}

TEST_F(PlaceholdersTest, CheckupRateImpossibleNumbersSaySo) {
  std::string out =
      RenderFor("{{checkup_rate question}}", "itkenpo", D(2026, 6, 1), "対象者100人、受診者180人");
  EXPECT_FALSE(out.empty());
  EXPECT_FALSE(Contains(out, "%")) << out;
  EXPECT_TRUE(Contains(out, "180")) << "repeats the numbers it read: " << out;
}

TEST_F(PlaceholdersTest, Contact) {
  const kb::Program* kagawa = Program("kagawa");
  ASSERT_NE(kagawa, nullptr);
  std::string out = RenderFor("お問い合わせ先:\n{{contact}}", "kagawa", D(2026, 6, 1));
  EXPECT_EQ(out, "お問い合わせ先:\n" + FormatContacts(*kagawa));
  for (const kb::Contact& c : kagawa->contacts) {
    EXPECT_TRUE(Contains(out, c.name)) << out;
    if (!c.phone.empty()) {
      EXPECT_TRUE(Contains(out, c.phone)) << out;
    }
    if (!c.email.empty()) {
      EXPECT_TRUE(Contains(out, c.email)) << out;
    }
  }
  EXPECT_TRUE(Contains(out, "0120-818-448")) << out;
  // Right after a sentence, the list still starts on a line of its own.
  EXPECT_EQ(RenderFor("次の窓口で承ります。{{contact}}", "kagawa", D(2026, 6, 1)),
            "次の窓口で承ります。\n" + FormatContacts(*kagawa));
}

TEST(FormatContactsTest, EveryFieldAndNone) {
  kb::Program p;
  EXPECT_EQ(FormatContacts(p), "");
  kb::Contact a;
  a.name = "窓口A";
  a.phone = "03-1111-2222";
  a.fax = "03-3333-4444";
  a.email = "a@example.org";
  a.hours = "平日 9:00~17:00";
  a.purpose = "手続き";
  kb::Contact b;
  b.name = "窓口B";
  b.phone = "0120-000-000";
  p.contacts = {a, b};
  std::string out = FormatContacts(p);
  for (const char* part : {"窓口A", "03-1111-2222", "03-3333-4444", "a@example.org",
                           "平日 9:00~17:00", "手続き", "窓口B", "0120-000-000"}) {
    EXPECT_TRUE(Contains(out, part)) << part << " missing from " << out;
  }
  EXPECT_LT(out.find("窓口A"), out.find("窓口B"));
  EXPECT_TRUE(Contains(out, "\n")) << "one contact per line";
}

TEST_F(PlaceholdersTest, SeasonToday) {
  std::string out = RenderFor("{{season today}}", "ibaraki", D(2026, 6, 1));
  EXPECT_TRUE(Contains(out, "2026年1月1日")) << out;
  EXPECT_TRUE(Contains(out, "2026年12月31日")) << out;
}

TEST_F(PlaceholdersTest, RankTable) {
  std::string out = RenderFor("{{rank_table}}", "ibaraki", D(2026, 6, 1));
  for (const char* part : {"1,000", "5,000", "8,000"}) {
    EXPECT_TRUE(Contains(out, part)) << out;
  }
  const kb::Program* ibaraki = Program("ibaraki");
  ASSERT_NE(ibaraki, nullptr);
  for (const kb::Rank& r : ibaraki->rules.ranks) EXPECT_TRUE(Contains(out, r.name)) << out;
  EXPECT_EQ(RenderFor("[{{rank_table}}]", "kagawa", D(2026, 6, 1)), "[]") << "kagawa has no ranks";
}

TEST_F(PlaceholdersTest, LinkHowto) {
  EXPECT_FALSE(RenderFor("{{link_howto}}", "kagawa", D(2026, 6, 1)).empty());
}

TEST_F(PlaceholdersTest, UnknownOrBrokenPlaceholdersAreLeftAsTheyAre) {
  EXPECT_EQ(RenderFor("x {{weather today}} y", "kagawa", D(2026, 6, 1)), "x {{weather today}} y");
  EXPECT_EQ(RenderFor("x {{contact", "kagawa", D(2026, 6, 1)), "x {{contact");
  EXPECT_EQ(RenderFor("no placeholders", "kagawa", D(2026, 6, 1)), "no placeholders");
  EXPECT_EQ(RenderFor("", "kagawa", D(2026, 6, 1)), "");
}

TEST_F(PlaceholdersTest, SeveralPlaceholdersInOneAnswer) {
  std::string out =
      RenderFor("A {{exchange_window today}} B {{contact}} C", "kagawa", D(2026, 4, 2));
  EXPECT_EQ(out.rfind("A ", 0), 0u);
  EXPECT_TRUE(Contains(out, "受け付けていません")) << out;
  EXPECT_TRUE(Contains(out, "0120-818-448")) << out;
  EXPECT_EQ(out.substr(out.size() - 2), " C");
  EXPECT_FALSE(Contains(out, "{{")) << out;
}

TEST_F(PlaceholdersTest, EveryBundledAnswerRendersCompletely) {
  ASSERT_NE(kb_, nullptr);
  for (const auto& [id, program] : kb_->programs) {
    for (const kb::Entry& e : program.entries) {
      RenderContext ctx{&program.program, D(2026, 4, 15), ""};
      std::string out = Render(e.answer, ctx);
      EXPECT_FALSE(Contains(out, "{{")) << id << "/" << e.id << ": " << out;
      for (const kb::Variant& v : e.variants) {
        EXPECT_FALSE(Contains(Render(v.answer, ctx), "{{")) << id << "/" << e.id;
      }
    }
  }
}

}  // namespace
}  // namespace madoguchi::rules
