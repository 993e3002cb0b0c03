#include "slack/app.h"

#include <gtest/gtest.h>

namespace madoguchi::slack {
namespace {

SlackApp TwoWorkspaces() {
  SlackApp app;
  app.signing_secret = "s";
  app.workspaces = {
      {"T_KAGAWA", "xoxb-k", "kagawa", {{"C_IBARAKI", "ibaraki"}}},
      {"T_STAFF", "xoxb-s", "", {{"C_ITKENPO", "itkenpo"}}},
  };
  return app;
}

TEST(SlackAppTest, ExactTeamMatch) {
  SlackApp app = TwoWorkspaces();
  ASSERT_NE(app.FindWorkspace("T_KAGAWA"), nullptr);
  EXPECT_EQ(app.FindWorkspace("T_KAGAWA")->bot_token, "xoxb-k");
  EXPECT_EQ(app.FindWorkspace("T_OTHER"), nullptr) << "no wildcard: unknown teams are not ours";
  EXPECT_EQ(app.FindWorkspace(""), nullptr);
}

TEST(SlackAppTest, ProgramFromChannelMappingThenWorkspaceDefault) {
  SlackApp app = TwoWorkspaces();
  EXPECT_EQ(app.ProgramFor("T_KAGAWA", "D123"), "kagawa") << "DMs use the workspace's program";
  EXPECT_EQ(app.ProgramFor("T_KAGAWA", "C_IBARAKI"), "ibaraki");
  EXPECT_EQ(app.ProgramFor("T_STAFF", "C_ITKENPO"), "itkenpo");
  EXPECT_EQ(app.ProgramFor("T_STAFF", "D123"), "") << "no default: only listed channels";
  EXPECT_EQ(app.ProgramFor("T_OTHER", "C_IBARAKI"), "");
}

TEST(SlackAppTest, WildcardWorkspaceIsConsultedLast) {
  SlackApp app = TwoWorkspaces();
  app.workspaces.insert(app.workspaces.begin(), SlackWorkspace{"", "xoxb-any", "ibaraki", {}});
  EXPECT_EQ(app.FindWorkspace("T_KAGAWA")->bot_token, "xoxb-k") << "an exact match wins";
  EXPECT_EQ(app.FindWorkspace("T_OTHER")->bot_token, "xoxb-any");
  EXPECT_EQ(app.ProgramFor("T_OTHER", "C1"), "ibaraki");
}

}  // namespace
}  // namespace madoguchi::slack
