#include "kb/knowledge_base.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "rules/placeholders.h"
#include "service/engine.h"

namespace madoguchi::kb {
namespace {

namespace fs = std::filesystem;

// A fresh knowledge-base folder per test, removed afterwards.
class TempKb {
 public:
  TempKb() {
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    root_ = fs::temp_directory_path() / ("madoguchi_kb_" + std::to_string(::getpid()) + "_" +
                                         info->test_suite_name() + "_" + info->name());
    fs::remove_all(root_);
    fs::create_directories(root_);
  }
  ~TempKb() {
    std::error_code ec;
    fs::remove_all(root_, ec);
  }
  void Write(const std::string& relative, const std::string& content) const {
    fs::path p = root_ / relative;
    fs::create_directories(p.parent_path());
    std::ofstream(p, std::ios::binary) << content;
  }
  // A program folder `folder` whose program.json names `id`.
  void WriteProgram(const std::string& folder, const std::string& id,
                    const std::string& actions = R"(["balance", "handoff"])") const {
    Write(folder + "/program.json",
          R"({"id": ")" + id + R"(", "name": "テスト )" + id + R"(", "actions": )" + actions + "}");
  }
  std::string File(const std::string& relative) const { return (root_ / relative).string(); }
  std::string dir() const { return root_.string(); }

 private:
  fs::path root_;
};

LoadOptions Placeholders(std::vector<std::string> names = {"expiry_of", "contact"}) {
  LoadOptions options;
  options.known_placeholders = std::move(names);
  return options;
}

// Loads and expects failure; returns the problems.
std::vector<LoadProblem> LoadProblems(const TempKb& kb,
                                      const LoadOptions& options = Placeholders()) {
  std::vector<LoadProblem> problems;
  auto loaded = LoadKnowledgeBase(kb.dir(), options, &problems);
  EXPECT_FALSE(loaded.ok()) << "the knowledge base loaded although it should not";
  if (!loaded.ok()) {
    EXPECT_EQ(loaded.status().code(), StatusCode::kInvalidArgument);
    for (const LoadProblem& p : problems) {
      EXPECT_PRED_FORMAT2(::testing::IsSubstring, p.ToString(), loaded.status().message());
    }
  }
  return problems;
}

// The one problem about `field`; fails the test when there is none.
LoadProblem ProblemWithField(const std::vector<LoadProblem>& problems, const std::string& field) {
  for (const LoadProblem& p : problems) {
    if (p.field == field) return p;
  }
  std::string all;
  for (const LoadProblem& p : problems) all += p.ToString() + "\n";
  ADD_FAILURE() << "no problem with field \"" << field << "\" among:\n" << all;
  return {};
}

std::string EntryJson(const std::string& id, const std::string& question, const std::string& answer,
                      const std::string& extra = "") {
  return R"({"id": ")" + id + R"(", "question": ")" + question + R"(", "answer": ")" + answer +
         "\"" + (extra.empty() ? "" : ", " + extra) + "}";
}

std::string Faq(const std::vector<std::string>& entries) {
  std::string s = R"({"entries": [)";
  for (size_t i = 0; i < entries.size(); ++i) s += (i ? ", " : "") + entries[i];
  return s + "]}";
}

bool HasEntry(const ProgramKb& program, const std::string& id) {
  return program.Find(id) != nullptr;
}

TEST(LoadKnowledgeBaseTest, LoadsAProgramWithEveryField) {
  TempKb kb;
  kb.Write("demo/program.json", R"({
    "id": "demo", "name": "デモ健康ポイント", "audience": "組合員",
    "time_zone": "Asia/Tokyo", "fiscal_year_start_month": 4,
    "contacts": [{"name": "サポート窓口", "phone": "0120-000-000", "fax": "03-0000-0000",
                  "email": "help@example.org", "address": "東京都", "hours": "平日 9:00〜17:00",
                  "for": "操作方法"}],
    "actions": ["balance", "exchange", "handoff"],
    "rules": {
      "expiry": {"kind": "fiscal_year", "fiscal_years": 2},
      "exchange": {"closed_months": [4], "closed_reason": "4月は交換できません"},
      "ranks": [{"name": "ブロンズ", "points": 1000}, {"name": "シルバー", "points": 5000}],
      "forfeit_on_status": ["retired"],
      "reissue": {"delivery": "postcard", "arrival_days": 10, "min_interval_days": 20},
      "checkup_rate": {"decimals": 2}
    }})");
  kb.Write("demo/faq.json", R"({"entries": [{
    "id": "demo-01", "question": "ポイントに有効期限はありますか？",
    "alternates": ["ポイントはいつまで使えますか", "ぽいんとの期限"],
    "answer": "翌年度末まで有効です。{{expiry_of grant_date}}",
    "category": "ポイント", "keywords": ["有効期限", "失効"],
    "links": [{"label": "一覧", "url": "https://example.org/list.pdf"}],
    "followups": ["demo-02"], "audience": "member"},
    {"id": "demo-02", "question": "健診結果が登録されません",
     "variants": [{"when": {"age_at_least": 40}, "label": "40歳以上の方", "answer": "組合から届きます。"},
                  {"when": {"age_below": 40}, "label": "40歳未満の方", "answer": "ご自身で登録します。"}]}
  ]})");
  std::vector<LoadProblem> problems;
  auto loaded = LoadKnowledgeBase(kb.dir(), Placeholders(), &problems);
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  EXPECT_TRUE(problems.empty());
  const ProgramKb* demo = loaded->Find("demo");
  ASSERT_NE(demo, nullptr);
  EXPECT_EQ(loaded->Find("nowhere"), nullptr);

  const Program& p = demo->program;
  EXPECT_EQ(p.id, "demo");
  EXPECT_EQ(p.name, "デモ健康ポイント");
  EXPECT_EQ(p.audience, "組合員");
  EXPECT_EQ(p.fiscal_year_start_month, 4u);
  ASSERT_EQ(p.contacts.size(), 1u);
  EXPECT_EQ(p.contacts[0].phone, "0120-000-000");
  EXPECT_EQ(p.contacts[0].fax, "03-0000-0000");
  EXPECT_EQ(p.contacts[0].email, "help@example.org");
  EXPECT_EQ(p.contacts[0].address, "東京都");
  EXPECT_EQ(p.contacts[0].hours, "平日 9:00〜17:00");
  EXPECT_EQ(p.contacts[0].purpose, "操作方法");
  EXPECT_TRUE(p.HasAction("exchange"));
  EXPECT_FALSE(p.HasAction("rank"));
  EXPECT_EQ(p.rules.expiry.kind, ExpiryRule::Kind::kFiscalYear);
  EXPECT_EQ(p.rules.expiry.fiscal_years, 2);
  EXPECT_EQ(p.rules.exchange.closed_months, std::vector<unsigned>{4});
  EXPECT_EQ(p.rules.exchange.closed_reason, "4月は交換できません");
  ASSERT_EQ(p.rules.ranks.size(), 2u);
  EXPECT_EQ(p.rules.ranks[1].name, "シルバー");
  EXPECT_EQ(p.rules.ranks[1].points, 5000);
  EXPECT_EQ(p.rules.forfeit_on_status, std::vector<std::string>{"retired"});
  EXPECT_EQ(p.rules.reissue.arrival_days, 10);
  EXPECT_EQ(p.rules.reissue.min_interval_days, 20);
  EXPECT_EQ(p.rules.checkup_rate_decimals, 2);

  const Entry* e = demo->Find("demo-01");
  ASSERT_NE(e, nullptr);
  EXPECT_EQ(e->question, "ポイントに有効期限はありますか？");
  EXPECT_EQ(e->alternates.size(), 2u);
  EXPECT_EQ(e->category, "ポイント");
  EXPECT_EQ(e->keywords, (std::vector<std::string>{"有効期限", "失効"}));
  ASSERT_EQ(e->links.size(), 1u);
  EXPECT_EQ(e->links[0].url, "https://example.org/list.pdf");
  EXPECT_EQ(e->followups, std::vector<std::string>{"demo-02"});
  EXPECT_EQ(e->audience, "member");
  EXPECT_FALSE(e->IsIntent());

  const Entry* v = demo->Find("demo-02");
  ASSERT_NE(v, nullptr);
  ASSERT_EQ(v->variants.size(), 2u);
  EXPECT_EQ(v->variants[0].when.age_at_least, 40);
  EXPECT_FALSE(v->variants[0].when.age_below.has_value());
  EXPECT_EQ(v->variants[1].when.age_below, 40);
  EXPECT_EQ(v->variants[1].label, "40歳未満の方");
}

TEST(LoadKnowledgeBaseTest, DuplicateId) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json",
           Faq({EntryJson("demo-01", "質問1", "回答1"), EntryJson("demo-01", "質問2", "回答2")}));
  LoadProblem p = ProblemWithField(LoadProblems(kb), "id");
  EXPECT_EQ(p.file, kb.File("demo/faq.json"));
  EXPECT_EQ(p.entry_id, "demo-01");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "duplicate", p.problem);
}

TEST(LoadKnowledgeBaseTest, EmptyQuestion) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json", Faq({EntryJson("demo-01", "  ", "回答")}));
  LoadProblem p = ProblemWithField(LoadProblems(kb), "question");
  EXPECT_EQ(p.file, kb.File("demo/faq.json"));
  EXPECT_EQ(p.entry_id, "demo-01");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "empty", p.problem);
  // The one-line form the operator reads.
  EXPECT_EQ(p.ToString(), kb.File("demo/faq.json") + ": demo-01: question: " + p.problem);
}

TEST(LoadKnowledgeBaseTest, MissingQuestionAndAnswer) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json", R"({"entries": [{"id": "demo-01"}]})");
  std::vector<LoadProblem> problems = LoadProblems(kb);
  EXPECT_EQ(ProblemWithField(problems, "question").entry_id, "demo-01");
  EXPECT_EQ(ProblemWithField(problems, "answer").entry_id, "demo-01");
}

TEST(LoadKnowledgeBaseTest, EntryWithoutIdIsNamedByPosition) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json", R"({"entries": [{"question": "質問", "answer": "回答"}]})");
  LoadProblem p = ProblemWithField(LoadProblems(kb), "id");
  EXPECT_EQ(p.entry_id, "#1");
}

TEST(LoadKnowledgeBaseTest, UnknownAction) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write(
      "demo/faq.json",
      Faq({EntryJson("action:teleport", "ワープしたい", "できません", R"("action": "teleport")")}));
  LoadProblem p = ProblemWithField(LoadProblems(kb), "action");
  EXPECT_EQ(p.file, kb.File("demo/faq.json"));
  EXPECT_EQ(p.entry_id, "action:teleport");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "teleport", p.problem);
}

TEST(LoadKnowledgeBaseTest, UnknownActionInProgram) {
  TempKb kb;
  kb.WriteProgram("demo", "demo", R"(["balance", "teleport"])");
  kb.Write("demo/faq.json", Faq({EntryJson("demo-01", "質問", "回答")}));
  LoadProblem p = ProblemWithField(LoadProblems(kb), "actions");
  EXPECT_EQ(p.file, kb.File("demo/program.json"));
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "teleport", p.problem);
}

TEST(LoadKnowledgeBaseTest, DanglingFollowup) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json",
           Faq({EntryJson("demo-01", "質問", "回答", R"("followups": ["demo-02", "demo-99"])"),
                EntryJson("demo-02", "質問2", "回答2")}));
  std::vector<LoadProblem> problems = LoadProblems(kb);
  ASSERT_EQ(problems.size(), 1u);
  LoadProblem p = ProblemWithField(problems, "followups");
  EXPECT_EQ(p.file, kb.File("demo/faq.json"));
  EXPECT_EQ(p.entry_id, "demo-01");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "demo-99", p.problem);
}

TEST(LoadKnowledgeBaseTest, UnknownPlaceholder) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json",
           Faq({EntryJson("demo-01", "天気は？", "今日は{{weather today}}です。{{contact}}")}));
  std::vector<LoadProblem> problems = LoadProblems(kb);
  ASSERT_EQ(problems.size(), 1u) << "{{contact}} is known";
  LoadProblem p = ProblemWithField(problems, "answer");
  EXPECT_EQ(p.file, kb.File("demo/faq.json"));
  EXPECT_EQ(p.entry_id, "demo-01");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "weather", p.problem);
}

TEST(LoadKnowledgeBaseTest, UnknownPlaceholderInVariant) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json", R"({"entries": [{"id": "demo-01", "question": "質問",
    "variants": [{"when": {"age_at_least": 40}, "label": "40歳以上", "answer": "{{nonsense}}"}]}]})");
  LoadProblem p = ProblemWithField(LoadProblems(kb), "variants.answer");
  EXPECT_EQ(p.entry_id, "demo-01");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "nonsense", p.problem);
}

TEST(LoadKnowledgeBaseTest, UnknownVariantCondition) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json", R"({"entries": [{"id": "demo-01", "question": "質問",
    "variants": [{"when": {"height_over": 180}, "label": "背の高い方", "answer": "回答"}]}]})");
  LoadProblem p = ProblemWithField(LoadProblems(kb), "variants.when");
  EXPECT_EQ(p.entry_id, "demo-01");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "height_over", p.problem);
}

TEST(LoadKnowledgeBaseTest, PlaceholdersRefusedWhenNoneAreKnown) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json", Faq({EntryJson("demo-01", "質問", "{{contact}}")}));
  LoadProblem p = ProblemWithField(LoadProblems(kb, LoadOptions{}), "answer");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "contact", p.problem);
}

TEST(LoadKnowledgeBaseTest, InvalidJsonInFaq) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json", R"({"entries": [ {"id": "demo-01", )");
  std::vector<LoadProblem> problems = LoadProblems(kb);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].file, kb.File("demo/faq.json"));
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "JSON", problems[0].problem);
}

TEST(LoadKnowledgeBaseTest, InvalidJsonInProgram) {
  TempKb kb;
  kb.Write("demo/program.json", "{id: demo}");
  kb.Write("demo/faq.json", Faq({EntryJson("demo-01", "質問", "回答")}));
  std::vector<LoadProblem> problems = LoadProblems(kb);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].file, kb.File("demo/program.json"));
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "JSON", problems[0].problem);
}

TEST(LoadKnowledgeBaseTest, EntriesMustBeAnArray) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json", R"({"entries": {"id": "demo-01"}})");
  LoadProblem p = ProblemWithField(LoadProblems(kb), "entries");
  EXPECT_EQ(p.file, kb.File("demo/faq.json"));
}

TEST(LoadKnowledgeBaseTest, WrongFieldType) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json", R"({"entries": [{"id": "demo-01", "question": "質問", "answer": 42,
                                             "alternates": "ひとつだけ"}]})");
  std::vector<LoadProblem> problems = LoadProblems(kb);
  EXPECT_EQ(ProblemWithField(problems, "answer").entry_id, "demo-01");
  EXPECT_EQ(ProblemWithField(problems, "alternates").entry_id, "demo-01");
}

TEST(LoadKnowledgeBaseTest, ProgramIdMustMatchItsFolder) {
  TempKb kb;
  kb.WriteProgram("demo", "other");
  kb.Write("demo/faq.json", Faq({EntryJson("demo-01", "質問", "回答")}));
  LoadProblem p = ProblemWithField(LoadProblems(kb), "id");
  EXPECT_EQ(p.file, kb.File("demo/program.json"));
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "demo", p.problem);
}

TEST(LoadKnowledgeBaseTest, InvalidRules) {
  TempKb kb;
  kb.Write("demo/program.json", R"({"id": "demo", "name": "デモ", "fiscal_year_start_month": 13,
    "time_zone": "Europe/Paris",
    "rules": {"expiry": {"kind": "forever"}, "exchange": {"closed_months": [0]},
              "ranks": [{"name": "金", "points": 5000}, {"name": "銀", "points": 1000}]}})");
  kb.Write("demo/faq.json", Faq({EntryJson("demo-01", "質問", "回答")}));
  std::vector<LoadProblem> problems = LoadProblems(kb);
  for (const char* field : {"fiscal_year_start_month", "time_zone", "rules.expiry.kind",
                            "rules.exchange.closed_months", "rules.ranks"}) {
    EXPECT_EQ(ProblemWithField(problems, field).file, kb.File("demo/program.json")) << field;
  }
}

TEST(LoadKnowledgeBaseTest, EveryProblemIsReportedOnItsOwnLine) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json", Faq({EntryJson("demo-01", "", "回答"),
                                 EntryJson("demo-02", "質問", "回答", R"("action": "fly")"),
                                 EntryJson("demo-02", "質問", "回答")}));
  std::vector<LoadProblem> problems;
  auto loaded = LoadKnowledgeBase(kb.dir(), Placeholders(), &problems);
  ASSERT_FALSE(loaded.ok());
  EXPECT_GE(problems.size(), 3u);
  size_t lines =
      std::count(loaded.status().message().begin(), loaded.status().message().end(), '\n');
  EXPECT_EQ(lines, problems.size());
}

TEST(LoadKnowledgeBaseTest, NotADirectory) {
  auto loaded = LoadKnowledgeBase("/nonexistent/madoguchi/faq", Placeholders());
  ASSERT_FALSE(loaded.ok());
  EXPECT_EQ(loaded.status().code(), StatusCode::kNotFound);
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "/nonexistent/madoguchi/faq",
                      loaded.status().message());
}

TEST(LoadKnowledgeBaseTest, FolderWithoutProgramsIsAnError) {
  TempKb kb;
  kb.Write("common/faq.json", Faq({EntryJson("common-greeting", "こんにちは", "こんにちは。")}));
  auto loaded = LoadKnowledgeBase(kb.dir(), Placeholders());
  ASSERT_FALSE(loaded.ok());
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "no program", loaded.status().message());
}

TEST(LoadKnowledgeBaseTest, MissingFaqFileIsAProblem) {
  TempKb kb;
  kb.WriteProgram("demo", "demo");
  std::vector<LoadProblem> problems = LoadProblems(kb);
  ASSERT_FALSE(problems.empty());
  EXPECT_EQ(problems[0].file, kb.File("demo/faq.json"));
}

// The common set: greeting, an intent the program offers and one it does not.
void WriteCommon(const TempKb& kb) {
  kb.Write("common/faq.json",
           Faq({EntryJson("common-greeting", "こんにちは", "こんにちは。ご用件をどうぞ。",
                          R"("alternates": ["おはよう"], "keywords": ["挨拶"])"),
                EntryJson("action:balance", "ポイント残高を知りたい", "連携が必要です。",
                          R"("action": "balance")"),
                EntryJson("action:rank", "ランクを知りたい", "連携が必要です。",
                          R"("action": "rank")")}));
}

TEST(LoadKnowledgeBaseTest, CommonEntriesAreMergedIntoEveryProgram) {
  TempKb kb;
  WriteCommon(kb);
  kb.WriteProgram("alpha", "alpha", R"(["balance"])");
  kb.Write("alpha/faq.json", Faq({EntryJson("alpha-01", "質問", "回答")}));
  kb.WriteProgram("beta", "beta", R"(["balance", "rank"])");
  kb.Write("beta/faq.json", Faq({EntryJson("beta-01", "質問", "回答")}));
  auto loaded = LoadKnowledgeBase(kb.dir(), Placeholders());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ASSERT_EQ(loaded->programs.size(), 2u) << "common/ is not a program";

  const ProgramKb* alpha = loaded->Find("alpha");
  ASSERT_NE(alpha, nullptr);
  EXPECT_TRUE(HasEntry(*alpha, "alpha-01"));
  EXPECT_TRUE(HasEntry(*alpha, "common-greeting"));
  EXPECT_TRUE(HasEntry(*alpha, "action:balance"));
  EXPECT_FALSE(HasEntry(*alpha, "action:rank")) << "alpha does not offer rank";
  EXPECT_EQ(alpha->entries.size(), 3u);
  EXPECT_EQ(alpha->Find("action:balance")->action, "balance");
  EXPECT_TRUE(alpha->Find("common-greeting")->shared);
  EXPECT_FALSE(alpha->Find("common-greeting")->IsOwnFaq());
  EXPECT_FALSE(alpha->Find("alpha-01")->shared);
  EXPECT_TRUE(alpha->Find("alpha-01")->IsOwnFaq());

  const ProgramKb* beta = loaded->Find("beta");
  ASSERT_NE(beta, nullptr);
  EXPECT_TRUE(HasEntry(*beta, "action:rank"));
  EXPECT_TRUE(HasEntry(*beta, "common-greeting"));
  EXPECT_FALSE(HasEntry(*beta, "alpha-01"));
}

TEST(LoadKnowledgeBaseTest, StripKeepsQuestionAndAnswerOfOwnEntriesOnly) {
  TempKb kb;
  WriteCommon(kb);
  kb.WriteProgram("alpha", "alpha", R"(["balance"])");
  kb.Write("alpha/faq.json", Faq({EntryJson("alpha-01", "質問", "回答")}));
  auto loaded = LoadKnowledgeBase(kb.dir(), Placeholders());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  ProgramKb& alpha = loaded->programs.at("alpha");
  for (Entry& e : alpha.entries) {
    e.alternates = {"言い換え"};
    e.keywords = {"キーワード"};
    e.followups = {"action:balance"};
  }
  StripToQuestionAndAnswer(&*loaded);
  const Entry* own = alpha.Find("alpha-01");
  EXPECT_TRUE(own->alternates.empty());
  EXPECT_TRUE(own->keywords.empty());
  EXPECT_TRUE(own->followups.empty());
  EXPECT_EQ(own->question, "質問");
  EXPECT_EQ(own->answer, "回答");
  EXPECT_EQ(alpha.Find("common-greeting")->alternates.size(), 1u);
  EXPECT_EQ(alpha.Find("action:balance")->keywords.size(), 1u);
}

TEST(LoadKnowledgeBaseTest, ProgramOverridesACommonAnswer) {
  TempKb kb;
  WriteCommon(kb);
  kb.WriteProgram("demo", "demo", R"(["balance"])");
  kb.Write("demo/faq.json", Faq({EntryJson("common-greeting", "こんにちは", "デモへようこそ。",
                                           R"("alternates": ["やあ"], "keywords": ["ようこそ"])"),
                                 EntryJson("demo-01", "質問", "回答")}));
  auto loaded = LoadKnowledgeBase(kb.dir(), Placeholders());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
  const ProgramKb* demo = loaded->Find("demo");
  ASSERT_NE(demo, nullptr);
  EXPECT_EQ(std::count_if(demo->entries.begin(), demo->entries.end(),
                          [](const Entry& e) { return e.id == "common-greeting"; }),
            1)
      << "the override replaces the common entry, it does not add a second one";
  const Entry* greeting = demo->Find("common-greeting");
  ASSERT_NE(greeting, nullptr);
  EXPECT_EQ(greeting->answer, "デモへようこそ。");
  // Alternates and keywords of both are kept.
  EXPECT_NE(std::find(greeting->alternates.begin(), greeting->alternates.end(), "おはよう"),
            greeting->alternates.end());
  EXPECT_NE(std::find(greeting->alternates.begin(), greeting->alternates.end(), "やあ"),
            greeting->alternates.end());
  EXPECT_NE(std::find(greeting->keywords.begin(), greeting->keywords.end(), "挨拶"),
            greeting->keywords.end());
  EXPECT_NE(std::find(greeting->keywords.begin(), greeting->keywords.end(), "ようこそ"),
            greeting->keywords.end());
}

TEST(LoadKnowledgeBaseTest, ProgramEntriesMayFollowUpToCommonOnes) {
  TempKb kb;
  WriteCommon(kb);
  kb.WriteProgram("demo", "demo", R"(["balance"])");
  kb.Write("demo/faq.json",
           Faq({EntryJson("demo-01", "質問", "回答", R"("followups": ["action:balance"])")}));
  auto loaded = LoadKnowledgeBase(kb.dir(), Placeholders());
  ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
}

TEST(LoadKnowledgeBaseTest, FollowupToAnIntentTheProgramDoesNotOfferDangles) {
  TempKb kb;
  WriteCommon(kb);
  kb.WriteProgram("demo", "demo", R"(["balance"])");
  kb.Write("demo/faq.json",
           Faq({EntryJson("demo-01", "質問", "回答", R"("followups": ["action:rank"])")}));
  LoadProblem p = ProblemWithField(LoadProblems(kb), "followups");
  EXPECT_EQ(p.entry_id, "demo-01");
  EXPECT_PRED_FORMAT2(::testing::IsSubstring, "action:rank", p.problem);
}

TEST(LoadKnowledgeBaseTest, DuplicateIdInCommon) {
  TempKb kb;
  kb.Write("common/faq.json", Faq({EntryJson("common-greeting", "こんにちは", "こんにちは。"),
                                   EntryJson("common-greeting", "こんばんは", "こんばんは。")}));
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json", Faq({EntryJson("demo-01", "質問", "回答")}));
  LoadProblem p = ProblemWithField(LoadProblems(kb), "id");
  EXPECT_EQ(p.file, kb.File("common/faq.json"));
  EXPECT_EQ(p.entry_id, "common-greeting");
}

TEST(LoadKnowledgeBaseTest, ProblemInACommonEntryNamesTheCommonFile) {
  TempKb kb;
  kb.Write("common/faq.json",
           Faq({EntryJson("common-help", "何ができますか", "{{weather}}をお伝えします。")}));
  kb.WriteProgram("demo", "demo");
  kb.Write("demo/faq.json", Faq({EntryJson("demo-01", "質問", "回答")}));
  LoadProblem p = ProblemWithField(LoadProblems(kb), "answer");
  EXPECT_EQ(p.entry_id, "common-help");
  EXPECT_EQ(p.file, kb.File("common/faq.json"));
}

TEST(PlaceholderNamesTest, FindsEveryName) {
  EXPECT_EQ(PlaceholderNames("a {{expiry_of grant_date}} b {{contact}}"),
            (std::vector<std::string>{"expiry_of", "contact"}));
  EXPECT_EQ(PlaceholderNames("{{ contact }}"), std::vector<std::string>{"contact"});
  EXPECT_TRUE(PlaceholderNames("no placeholders { here }").empty());
  EXPECT_TRUE(PlaceholderNames("").empty());
}

TEST(PlaceholderNamesTest, MalformedPlaceholdersAreReportedAsUnknown) {
  EXPECT_EQ(PlaceholderNames("{{unterminated"), std::vector<std::string>{""});
  EXPECT_EQ(PlaceholderNames("{{}}"), std::vector<std::string>{""});
}

TEST(WithoutPlaceholdersTest, LeavesTheWordsAroundEachPlaceholder) {
  EXPECT_EQ(WithoutPlaceholders("失効します。{{expiry_of grant_date}}ご注意ください。{{contact}}"),
            "失効します。。ご注意ください。。");
  EXPECT_EQ(WithoutPlaceholders("no placeholders { here }"), "no placeholders { here }");
  EXPECT_EQ(WithoutPlaceholders("before {{unterminated after"), "before 。");
  EXPECT_EQ(WithoutPlaceholders(""), "");
}

// --- The bundled knowledge base ---

// Ids every program must have (../shared/KB-CATALOG.md). Ids only: the answers live in faq/.
const std::vector<std::string> kKagawaIds = {
    "kagawa-01", "kagawa-02", "kagawa-03", "kagawa-04", "kagawa-05", "kagawa-06",
    "kagawa-07", "kagawa-08", "kagawa-09", "kagawa-10", "kagawa-11", "kagawa-12",
    "kagawa-13", "kagawa-14", "kagawa-15", "kagawa-16", "kagawa-17", "kagawa-18",
    "kagawa-19", "kagawa-20", "kagawa-21", "kagawa-22"};
const std::vector<std::string> kIbarakiIds = {
    "ibaraki-01", "ibaraki-02", "ibaraki-03", "ibaraki-04", "ibaraki-05", "ibaraki-06",
    "ibaraki-07", "ibaraki-08", "ibaraki-09", "ibaraki-10", "ibaraki-11", "ibaraki-12",
    "ibaraki-13", "ibaraki-14", "ibaraki-15", "ibaraki-16", "ibaraki-17", "ibaraki-18",
    "ibaraki-19", "ibaraki-20", "ibaraki-21", "ibaraki-22", "ibaraki-23"};
const std::vector<std::string> kItkenpoIds = {
    "itkenpo-01", "itkenpo-02", "itkenpo-03", "itkenpo-04", "itkenpo-05",
    "itkenpo-06", "itkenpo-07", "itkenpo-08", "itkenpo-09", "itkenpo-10",
    "itkenpo-11", "itkenpo-12", "itkenpo-13"};
const std::vector<std::string> kCommonIds = {"common-greeting", "common-thanks", "common-help"};
const std::vector<std::string> kIntentIds = {
    "action:balance", "action:expiry",  "action:exchange", "action:reissue_auth_code",
    "action:rank",    "action:history", "action:link",     "action:handoff"};

class BundledKbTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    LoadOptions options;
    options.known_placeholders = rules::KnownPlaceholders();
    std::vector<LoadProblem> problems;
    auto loaded = LoadKnowledgeBase(service::DefaultDataPath("faq"), options, &problems);
    ASSERT_TRUE(loaded.ok()) << loaded.status().ToString();
    kb_ = new KnowledgeBase(std::move(loaded).value());
  }
  static void TearDownTestSuite() {
    delete kb_;
    kb_ = nullptr;
  }
  static KnowledgeBase* kb_;
};

KnowledgeBase* BundledKbTest::kb_ = nullptr;

TEST_F(BundledKbTest, HasTheThreePrograms) {
  ASSERT_NE(kb_, nullptr);
  EXPECT_NE(kb_->Find("kagawa"), nullptr);
  EXPECT_NE(kb_->Find("ibaraki"), nullptr);
  EXPECT_NE(kb_->Find("itkenpo"), nullptr);
  EXPECT_EQ(kb_->Find("common"), nullptr);
}

TEST_F(BundledKbTest, EveryCatalogIdExists) {
  ASSERT_NE(kb_, nullptr);
  struct Expected {
    const char* program;
    const std::vector<std::string>* ids;
  };
  for (const Expected& x : {Expected{"kagawa", &kKagawaIds}, Expected{"ibaraki", &kIbarakiIds},
                            Expected{"itkenpo", &kItkenpoIds}}) {
    const ProgramKb* program = kb_->Find(x.program);
    ASSERT_NE(program, nullptr) << x.program;
    for (const std::string& id : *x.ids)
      EXPECT_NE(program->Find(id), nullptr) << x.program << " lacks " << id;
    for (const std::string& id : kCommonIds) {
      EXPECT_NE(program->Find(id), nullptr) << x.program << " lacks " << id;
    }
  }
}

TEST_F(BundledKbTest, EveryProgramHasTheIntentsOfItsActions) {
  ASSERT_NE(kb_, nullptr);
  for (const auto& [id, program] : kb_->programs) {
    EXPECT_FALSE(program.program.actions.empty()) << id;
    for (const std::string& intent : kIntentIds) {
      const std::string action = intent.substr(std::string("action:").size());
      const Entry* e = program.Find(intent);
      if (program.program.HasAction(action)) {
        ASSERT_NE(e, nullptr) << id << " offers " << action << " but lacks " << intent;
        EXPECT_EQ(e->action, action) << id;
      } else {
        EXPECT_EQ(e, nullptr) << id << " does not offer " << action << " but has " << intent;
      }
    }
  }
  // What KB-CATALOG says about who offers what.
  EXPECT_TRUE(kb_->Find("ibaraki")->program.HasAction("rank"));
  EXPECT_TRUE(kb_->Find("kagawa")->program.HasAction("exchange"));
  EXPECT_TRUE(kb_->Find("kagawa")->program.HasAction("reissue_auth_code"));
  for (const auto& [id, program] : kb_->programs) {
    EXPECT_TRUE(program.program.HasAction("handoff")) << id << ": every program reaches a person";
  }
}

TEST_F(BundledKbTest, EntriesAreComplete) {
  ASSERT_NE(kb_, nullptr);
  for (const auto& [id, program] : kb_->programs) {
    EXPECT_FALSE(program.program.name.empty()) << id;
    EXPECT_FALSE(program.program.contacts.empty()) << id;
    for (const Entry& e : program.entries) {
      EXPECT_FALSE(e.question.empty()) << id << "/" << e.id;
      EXPECT_TRUE(!e.answer.empty() || !e.variants.empty()) << id << "/" << e.id;
      for (const std::string& f : e.followups) {
        EXPECT_NE(program.Find(f), nullptr) << id << "/" << e.id << " → " << f;
      }
    }
  }
}

TEST_F(BundledKbTest, RulesMatchTheSeeds) {
  ASSERT_NE(kb_, nullptr);
  const Program& kagawa = kb_->Find("kagawa")->program;
  EXPECT_EQ(kagawa.rules.expiry.kind, ExpiryRule::Kind::kFiscalYear);
  EXPECT_EQ(kagawa.rules.expiry.fiscal_years, 2);
  EXPECT_EQ(kagawa.rules.exchange.closed_months, std::vector<unsigned>{4});
  const Program& ibaraki = kb_->Find("ibaraki")->program;
  EXPECT_EQ(ibaraki.rules.expiry.kind, ExpiryRule::Kind::kSeason);
  EXPECT_EQ(ibaraki.rules.expiry.season_start_month, 1u);
  ASSERT_EQ(ibaraki.rules.ranks.size(), 3u);
  EXPECT_EQ(ibaraki.rules.ranks[0].points, 1000);
  EXPECT_EQ(ibaraki.rules.ranks[1].points, 5000);
  EXPECT_EQ(ibaraki.rules.ranks[2].points, 8000);
}

}  // namespace
}  // namespace madoguchi::kb
