#include "staff/staff_api.h"

#include <gtest/gtest.h>

#include <filesystem>

#include "points/sqlite_points_core.h"
#include "store/sealer.h"

namespace madoguchi::staff {
namespace {

class StaffApiTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() / ("staff-" + store::RandomToken(6));
    service::HelpdeskOptions o;
    o.data_dir = dir_.string();
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
  std::filesystem::path dir_;
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

TEST(StaffTokensTest, AcceptsOnlyConfiguredTokens) {
  StaffTokens tokens({store::Sha256Hex("correct horse battery staple")});
  EXPECT_TRUE(tokens.Accepts("correct horse battery staple"));
  EXPECT_FALSE(tokens.Accepts("correct horse battery stapler"));
  EXPECT_FALSE(tokens.Accepts(""));
  EXPECT_FALSE(StaffTokens({}).Accepts("anything"));
}

}  // namespace
}  // namespace madoguchi::staff
