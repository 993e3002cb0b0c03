#include "staff/staff_api.h"

#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>

#include "points/sqlite_points_core.h"
#include "store/sealer.h"

namespace madoguchi::staff {
namespace {

class StaffApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("staff-" + store::RandomToken(6));
    std::filesystem::create_directories(dir_);
    // A copy: AddAlternate writes the knowledge-base folder.
    kb_dir_ = dir_ / "faq";
    std::filesystem::copy(service::DefaultDataPath("faq"), kb_dir_,
                          std::filesystem::copy_options::recursive);
    service::HelpdeskOptions o;
    o.data_dir = dir_.string();
    o.engine.kb_dir = kb_dir_.string();
    o.engine.clock = std::make_shared<FixedClock>(*ParseIsoDate("2026-04-15"));
    points::SqlitePointsCoreOptions po;
    po.db_path = (dir_ / "points.db").string();
    std::filesystem::create_directories(dir_);
    auto core = points::SqlitePointsCore::Open(po);
    ASSERT_TRUE(core.ok()) << core.status().ToString();
    auto h = service::Helpdesk::Create(o, std::move(core).value());
    ASSERT_TRUE(h.ok()) << h.status().ToString();
    helpdesk_ = std::move(h).value();
  }
  void TearDown() override {
    helpdesk_.reset();
    std::filesystem::remove_all(dir_);
  }
  // Records what a member asked that nobody could answer.
  void AskUnanswerable(const std::string& user, const std::string& text) {
    dialogue::Message m;
    m.key = {"api", user};
    m.program = "kagawa";
    m.text = text;
    ASSERT_TRUE(helpdesk_->conversation().Handle(m).ok());
  }
  std::string ReadFaq() {
    std::ifstream in(kb_dir_ / "kagawa" / "faq.json", std::ios::binary);
    std::stringstream ss;
    ss << in.rdbuf();
    return ss.str();
  }

  std::filesystem::path dir_;
  std::filesystem::path kb_dir_;
  std::unique_ptr<service::Helpdesk> helpdesk_;
};

TEST_F(StaffApiTest, SearchExplainsAndRendersRules) {
  auto j = Search(*helpdesk_, "kagawa", "令和6年10月にもらったポイントの有効期限", 5);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  const auto& results = (*j)["results"];
  ASSERT_FALSE(results.empty());
  bool found = false;
  for (const auto& r : results) {
    if (r["id"] == "kagawa-18") {
      found = true;
      EXPECT_NE(r["answer"].get<std::string>().find("令和8年3月31日"), std::string::npos);
      EXPECT_FALSE(r["why"].empty());
      EXPECT_GT(r["score"].get<double>(), 0);
    }
  }
  EXPECT_TRUE(found) << j->dump();
}

TEST_F(StaffApiTest, UnknownProgramIsNotFound) {
  EXPECT_EQ(Search(*helpdesk_, "nowhere", "質問", 5).status().code(), StatusCode::kNotFound);
  EXPECT_EQ(Unanswered(*helpdesk_, "nowhere", 5).status().code(), StatusCode::kNotFound);
}

TEST_F(StaffApiTest, UnansweredAndFeedbackComeFromTheConversation) {
  dialogue::Message m;
  m.key = {"api", "staff-test"};
  m.program = "kagawa";
  m.text = "住宅ローンの金利を教えて 090-1234-5678";
  ASSERT_TRUE(helpdesk_->conversation().Handle(m).ok());
  auto un = Unanswered(*helpdesk_, "kagawa", 10);
  ASSERT_TRUE(un.ok());
  ASSERT_EQ((*un)["unanswered"].size(), 1u) << un->dump();
  std::string text = (*un)["unanswered"][0]["text"];
  EXPECT_EQ(text.find("1234"), std::string::npos) << text;

  m.text = "";
  m.postback = "feedback:no:kagawa-02";
  ASSERT_TRUE(helpdesk_->conversation().Handle(m).ok());
  auto fb = FeedbackSummary(*helpdesk_, "kagawa", 10);
  ASSERT_TRUE(fb.ok());
  EXPECT_EQ((*fb)["by_entry"]["kagawa-02"]["no"], 1) << fb->dump();
}

TEST_F(StaffApiTest, MissingProgramIsAnInvalidRequest) {
  for (const Status& s :
       {Search(*helpdesk_, "", "質問", 5).status(), Unanswered(*helpdesk_, "", 5).status(),
        FeedbackSummary(*helpdesk_, "", 5).status(),
        AddAlternate(*helpdesk_, "", "kagawa-23", "質問").status()}) {
    EXPECT_EQ(s.code(), StatusCode::kInvalidArgument) << s.ToString();
    EXPECT_EQ(s.reason(), "invalid_request");
  }
  EXPECT_EQ(Search(*helpdesk_, "nowhere", "質問", 5).status().reason(), "unknown_program");
  EXPECT_EQ(Search(*helpdesk_, "kagawa", "  ", 5).status().code(), StatusCode::kInvalidArgument);
}

TEST_F(StaffApiTest, ProgramsListsTheLoadedKnowledgeBaseWithNames) {
  nlohmann::json j = Programs(*helpdesk_);
  ASSERT_EQ(j["programs"].size(), 3u) << j.dump();
  for (const auto& p : j["programs"]) {
    EXPECT_FALSE(p["name"].get<std::string>().empty()) << p.dump();
    EXPECT_GT(p["entries"].get<int>(), p["own_entries"].get<int>() - 1);
  }
  EXPECT_EQ(j["programs"][2]["id"], "kagawa");
}

TEST_F(StaffApiTest, ExplanationNamesWordsNotIndexKeys) {
  auto j = Search(*helpdesk_, "kagawa", "ぱすわーど忘れた", 3);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  const auto& top = (*j)["results"][0];
  EXPECT_EQ(top["id"], "kagawa-04");
  const auto& e = top["explanation"];
  ASSERT_FALSE(e["words"].empty()) << e.dump();
  bool password = false;
  for (const auto& w : e["words"]) {
    const std::string entry = w["entry"];
    EXPECT_EQ(entry.find(':'), std::string::npos) << "an index key: " << entry;
    EXPECT_NE(w["how"], "gram");
    if (w["query"] == "ぱすわーど") {
      password = true;
      EXPECT_EQ(entry, "パスワード");
      EXPECT_EQ(w["how"], "form");
    }
  }
  EXPECT_TRUE(password) << e.dump();
  // The reading fragments are there, summed, not listed.
  EXPECT_GT(e["partial_share"].get<double>(), 0);
  EXPECT_FALSE(top["why"].empty()) << "the index's own account is kept";
}

TEST_F(StaffApiTest, UnansweredAreGroupedCountedAndGivenNearestEntries) {
  AskUnanswerable("u1", "駐車場はありますか");
  AskUnanswerable("u2", "駐車場ある？");
  AskUnanswerable("u3", "社員旅行の補助はありますか");
  auto j = Unanswered(*helpdesk_, "kagawa", 50);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ((*j)["unanswered"].size(), 3u);
  const auto& groups = (*j)["groups"];
  ASSERT_EQ(groups.size(), 2u) << j->dump();
  EXPECT_EQ(groups[0]["count"], 2) << "most asked first";
  EXPECT_EQ(groups[0]["texts"].size(), 2u);
  EXPECT_NE(groups[0]["text"].get<std::string>().find("駐車場"), std::string::npos);
  EXPECT_LE(groups[0]["first_at"].get<int64_t>(), groups[0]["last_at"].get<int64_t>());
  EXPECT_FALSE(groups[0]["nearest"].empty());
  EXPECT_EQ(groups[0]["answered_by"], "");
  EXPECT_EQ(groups[1]["count"], 1);
}

TEST_F(StaffApiTest, FeedbackIsCountedPerDayAndPerEntry) {
  dialogue::Message m;
  m.key = {"api", "fb"};
  m.program = "kagawa";
  for (const char* postback : {"feedback:yes:kagawa-18", "feedback:no:kagawa-18"}) {
    m.postback = postback;
    ASSERT_TRUE(helpdesk_->conversation().Handle(m).ok());
  }
  AskUnanswerable("fb2", "駐車場はありますか");
  auto j = FeedbackSummary(*helpdesk_, "kagawa", 100);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  EXPECT_EQ((*j)["by_entry"]["kagawa-18"]["yes"], 1);
  EXPECT_EQ((*j)["by_entry"]["kagawa-18"]["no"], 1);
  EXPECT_FALSE((*j)["by_entry"]["kagawa-18"]["question"].get<std::string>().empty());
  ASSERT_EQ((*j)["by_day"].size(), 1u) << j->dump();
  EXPECT_EQ((*j)["by_day"][0]["yes"], 1);
  EXPECT_EQ((*j)["by_day"][0]["day"].get<std::string>().size(), 10u);
  ASSERT_EQ((*j)["unanswered_by_day"].size(), 1u);
  EXPECT_EQ((*j)["unanswered_by_day"][0]["count"], 1);
}

TEST_F(StaffApiTest, OutcomesOfEveryReplyAreCountedPerDayWithRates) {
  // What the replies said, tallied here from the turns themselves.
  std::map<std::string, int> sent;
  int user = 0;
  for (const char* text :
       {"ポイントの有効期限は？", "ポイント", "ポイント", "駐車場はありますか"}) {
    dialogue::Message m;
    m.key = {"api", "outcomes-" + std::to_string(user++)};
    m.program = "kagawa";
    m.text = text;
    auto turn = helpdesk_->Handle(m);
    ASSERT_TRUE(turn.ok()) << turn.status().ToString();
    for (const dialogue::Reply& r : turn->messages) sent[dialogue::OutcomeName(r.outcome)]++;
  }
  ASSERT_EQ(sent["clarify"], 2);
  ASSERT_EQ(sent["fallback"], 1);
  ASSERT_GE(sent["answer"], 1);
  // The conversation alone (the terminal chat) is no member's channel: not counted.
  AskUnanswerable("not-counted", "駐車場はありますか");

  auto j = FeedbackSummary(*helpdesk_, "kagawa", 100);
  ASSERT_TRUE(j.ok()) << j.status().ToString();
  // One day, unless Tokyo's midnight fell between the messages: summed over the days.
  const nlohmann::json& days = (*j)["outcomes_by_day"];
  ASSERT_FALSE(days.empty()) << j->dump();
  ASSERT_LE(days.size(), 2u) << j->dump();
  std::map<std::string, int> counted;
  for (const nlohmann::json& d : days) {
    EXPECT_TRUE(ParseIsoDate(d["day"].get<std::string>()).has_value()) << d.dump();
    const int total = d["total"].get<int>();
    EXPECT_EQ(d["answer"].get<int>() + d["clarify"].get<int>() + d["fallback"].get<int>(), total);
    for (const char* outcome : {"answer", "clarify", "fallback"}) {
      counted[outcome] += d[outcome].get<int>();
      EXPECT_DOUBLE_EQ(d[std::string(outcome) + "_rate"].get<double>(),
                       static_cast<double>(d[outcome].get<int>()) / total)
          << d.dump();
    }
  }
  EXPECT_EQ(counted, sent);
  if (days.size() == 1) {
    const int total = sent["answer"] + sent["clarify"] + sent["fallback"];
    EXPECT_DOUBLE_EQ(days[0]["clarify_rate"].get<double>(), 2.0 / total);
    EXPECT_DOUBLE_EQ(days[0]["fallback_rate"].get<double>(), 1.0 / total);
  }
  // Another program's replies are its own.
  auto other = FeedbackSummary(*helpdesk_, "ibaraki", 100);
  ASSERT_TRUE(other.ok());
  EXPECT_TRUE((*other)["outcomes_by_day"].empty()) << other->dump();
}

TEST_F(StaffApiTest, AddAlternateWritesReloadsAndThenAnswers) {
  const std::string question = "ポイントを家族に譲れますか";
  AskUnanswerable("fam", question);
  auto added = AddAlternate(*helpdesk_, "kagawa", "kagawa-23", question);
  ASSERT_TRUE(added.ok()) << added.status().ToString();
  EXPECT_EQ((*added)["status"], "added");
  EXPECT_NE(ReadFaq().find(question), std::string::npos);
  auto reply = helpdesk_->engine()->answerer().Ask("kagawa", question);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->outcome, dialogue::Outcome::kAnswer);
  EXPECT_EQ(reply->entry_id, "kagawa-23");
  // The open question now says what answers it.
  auto un = Unanswered(*helpdesk_, "kagawa", 10);
  ASSERT_TRUE(un.ok());
  EXPECT_EQ((*un)["groups"][0]["answered_by"], "kagawa-23");

  EXPECT_EQ(AddAlternate(*helpdesk_, "kagawa", "kagawa-23", question).status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(AddAlternate(*helpdesk_, "kagawa", "common-greeting", "やあ").status().code(),
            StatusCode::kNotFound);
  EXPECT_EQ(AddAlternate(*helpdesk_, "kagawa", "kagawa-23", "").status().code(),
            StatusCode::kInvalidArgument);
}

TEST_F(StaffApiTest, AddAlternateUndoesAnEditTheFolderCannotLoad) {
  const std::string before = ReadFaq();
  std::ofstream(kb_dir_ / "itkenpo" / "faq.json") << "{broken";
  auto added = AddAlternate(*helpdesk_, "kagawa", "kagawa-23", "ポイントを家族に譲れますか");
  EXPECT_EQ(added.status().reason(), service::kReasonKbInvalid) << added.status().ToString();
  EXPECT_EQ(ReadFaq(), before);
  EXPECT_NE(helpdesk_->engine()->knowledge_base().Find("itkenpo"), nullptr)
      << "the knowledge base serving keeps serving";
}

TEST_F(StaffApiTest, AddEntryCreatesAnEntryThatAnswersTheQuestion) {
  const std::string question = "社員旅行の補助はありますか";
  auto made = AddEntry(*helpdesk_, "kagawa", question,
                       "社員旅行への補助は、この健康ポイント事業では行っていません。", "その他");
  ASSERT_TRUE(made.ok()) << made.status().ToString();
  const std::string id = (*made)["entry_id"];
  EXPECT_EQ((*made)["status"], "created");
  auto reply = helpdesk_->engine()->answerer().Ask("kagawa", question);
  ASSERT_TRUE(reply.ok());
  EXPECT_EQ(reply->outcome, dialogue::Outcome::kAnswer);
  EXPECT_EQ(reply->entry_id, id);
  EXPECT_EQ(AddEntry(*helpdesk_, "kagawa", question, "別の回答", "").status().code(),
            StatusCode::kAlreadyExists);
  EXPECT_EQ(AddEntry(*helpdesk_, "", question, "a", "").status().reason(), "invalid_request");
}

TEST_F(StaffApiTest, AddEntryWithAnUnknownPlaceholderIsUndone) {
  const std::string before = ReadFaq();
  auto made = AddEntry(*helpdesk_, "kagawa", "駐車場はありますか", "{{no_such_rule}}", "");
  EXPECT_EQ(made.status().reason(), service::kReasonKbInvalid) << made.status().ToString();
  EXPECT_EQ(ReadFaq(), before);
}

TEST(StaffTokensTest, AcceptsOnlyConfiguredTokens) {
  StaffTokens tokens({store::Sha256Hex("correct horse battery staple")});
  EXPECT_TRUE(tokens.Accepts("correct horse battery staple"));
  EXPECT_FALSE(tokens.Accepts("correct horse battery stapler"));
  EXPECT_FALSE(tokens.Accepts(""));
  EXPECT_FALSE(StaffTokens({}).Accepts("anything"));
}

}  // namespace
}  // namespace madoguchi::staff
