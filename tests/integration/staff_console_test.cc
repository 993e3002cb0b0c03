// The staff console's routes as `madoguchi serve` wires them: the page under its
// Content-Security-Policy with its script and style sheet served beside it, the programs of
// the loaded knowledge base, 400 for a missing program, and add-as-alternate writing the
// program's faq.json (in a copy of faq/), reloading, and then answering the question.
// The page itself runs in headless Chromium in tests/browser (madoguchi_staff_console_browser).
#include <gtest/gtest.h>
#include <httplib.h>

#include <filesystem>
#include <nlohmann/json.hpp>

#include "integration/test_service.h"
#include "points/test_programs.h"
#include "service/engine.h"

namespace madoguchi::testing {
namespace {

using nlohmann::json;

const Date kToday = *ParseIsoDate("2026-04-15");
constexpr char kApiToken[] = "console-api-token-0123456789";
constexpr char kStaffToken[] = "console-staff-token-0123456789";
constexpr char kFamily[] = "ポイントを家族に譲れますか";

httplib::Headers Bearer(const std::string& token) { return {{"Authorization", "Bearer " + token}}; }

class StaffConsoleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    kb_dir_ = dir_.File("faq");
    std::filesystem::copy(service::DefaultDataPath("faq"), kb_dir_,
                          std::filesystem::copy_options::recursive);
    TestServiceOptions o{kToday, PointsMode::kEmbedded, kApiToken, {}};
    o.configure = [this](cli::ServiceOptions& so) {
      so.config.kb_dir = kb_dir_;
      so.staff_token = kStaffToken;
    };
    StatusOr<std::unique_ptr<TestService>> s = TestService::Start(o);
    ASSERT_TRUE(s.ok()) << s.status().ToString();
    service_ = std::move(s).value();
    client_ = std::make_unique<httplib::Client>("127.0.0.1", service_->port());
  }

  json Ask(const std::string& text) {
    auto r = client_->Post("/api/v1/ask", Bearer(kApiToken),
                           json{{"program", "kagawa"}, {"text", text}}.dump(), "application/json");
    EXPECT_TRUE(r && r->status == 200) << (r ? r->body : "no response");
    return r && r->status == 200 ? json::parse(r->body) : json::object();
  }

  httplib::Result AddAlternate(const json& body, const std::string& token = kStaffToken) {
    return client_->Post("/api/v1/staff/alternates", Bearer(token), body.dump(),
                         "application/json");
  }

  points::testing::TempDir dir_;
  std::string kb_dir_;
  std::unique_ptr<TestService> service_;
  std::unique_ptr<httplib::Client> client_;
};

TEST_F(StaffConsoleTest, PageAllowsOnlyItsOwnScriptStyleAndApi) {
  auto page = client_->Get("/staff");
  ASSERT_TRUE(page);
  EXPECT_EQ(page->status, 200);
  const std::string csp = page->get_header_value("Content-Security-Policy");
  EXPECT_NE(csp.find("default-src 'none'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("script-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("style-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("connect-src 'self'"), std::string::npos) << csp;
  EXPECT_NE(csp.find("frame-ancestors 'none'"), std::string::npos) << csp;
  EXPECT_EQ(csp.find("unsafe-inline"), std::string::npos) << csp;
  EXPECT_NE(page->body.find(R"(<script src="/staff/app.js")"), std::string::npos);
  EXPECT_EQ(page->body.find("<script>"), std::string::npos) << "no inline script";
  EXPECT_EQ(page->body.find("<style"), std::string::npos) << "no inline style";

  auto js = client_->Get("/staff/app.js");
  ASSERT_TRUE(js);
  EXPECT_EQ(js->status, 200);
  EXPECT_EQ(js->get_header_value("Content-Type"), "text/javascript; charset=utf-8");
  EXPECT_EQ(js->get_header_value("X-Content-Type-Options"), "nosniff");
  EXPECT_NE(js->body.find("sessionStorage"), std::string::npos);
  auto css = client_->Get("/staff/app.css");
  ASSERT_TRUE(css);
  EXPECT_EQ(css->status, 200);
  EXPECT_EQ(css->get_header_value("Content-Type"), "text/css; charset=utf-8");

  // The link pages keep their script-free policy.
  auto link = client_->Get("/link?token=nope");
  ASSERT_TRUE(link);
  EXPECT_EQ(link->get_header_value("Content-Security-Policy").find("script-src"),
            std::string::npos);
}

TEST_F(StaffConsoleTest, ProgramsNeedTheStaffTokenAndListTheLoadedKnowledgeBase) {
  auto api = client_->Get("/api/v1/staff/programs", Bearer(kApiToken));
  ASSERT_TRUE(api);
  EXPECT_EQ(api->status, 401);
  auto r = client_->Get("/api/v1/staff/programs", Bearer(kStaffToken));
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  json programs = json::parse(r->body)["programs"];
  ASSERT_EQ(programs.size(), 3u) << r->body;
  EXPECT_EQ(programs[2]["id"], "kagawa");
  EXPECT_EQ(programs[2]["name"], "香川支部 健康ポイント（QUPiO Plus）");
}

TEST_F(StaffConsoleTest, MissingProgramIs400AndUnknownProgramIs404) {
  for (const char* path : {"/api/v1/search?q=x", "/api/v1/staff/unanswered",
                           "/api/v1/staff/feedback", "/api/v1/search?program=&q=x"}) {
    auto r = client_->Get(path, Bearer(kStaffToken));
    ASSERT_TRUE(r);
    EXPECT_EQ(r->status, 400) << path << " " << r->body;
    EXPECT_EQ(json::parse(r->body)["error"], "invalid_request") << path;
  }
  auto unknown = client_->Get("/api/v1/staff/unanswered?program=nowhere", Bearer(kStaffToken));
  ASSERT_TRUE(unknown);
  EXPECT_EQ(unknown->status, 404);
  EXPECT_EQ(json::parse(unknown->body)["error"], "unknown_program");
  auto add = AddAlternate({{"entry_id", "kagawa-23"}, {"text", kFamily}});
  ASSERT_TRUE(add);
  EXPECT_EQ(add->status, 400) << add->body;
}

TEST_F(StaffConsoleTest, AddedAlternateIsWrittenReloadedAndAnswered) {
  ASSERT_NE(Ask(kFamily).value("outcome", ""), "answer");
  auto denied = AddAlternate({{"program", "kagawa"}, {"entry_id", "kagawa-23"}, {"text", kFamily}},
                             kApiToken);
  ASSERT_TRUE(denied);
  EXPECT_EQ(denied->status, 401);

  auto r = AddAlternate({{"program", "kagawa"}, {"entry_id", "kagawa-23"}, {"text", kFamily}});
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  EXPECT_EQ(json::parse(r->body)["status"], "added");
  json asked = Ask(kFamily);
  EXPECT_EQ(asked.value("outcome", ""), "answer") << asked.dump();
  EXPECT_EQ(asked.value("id", ""), "kagawa-23");
  json faq = json::parse(points::testing::ReadFile(kb_dir_ + "/kagawa/faq.json"));
  bool written = false;
  for (const json& e : faq["entries"]) {
    if (e["id"] == "kagawa-23") written = e["alternates"].back() == kFamily;
  }
  EXPECT_TRUE(written);
  auto metrics = client_->Get("/metrics");
  ASSERT_TRUE(metrics);
  // The edit's reload is counted with the other reloads.
  EXPECT_NE(metrics->body.find(R"(reloads_total{result="ok"} 1)"), std::string::npos);

  auto again = AddAlternate({{"program", "kagawa"}, {"entry_id", "kagawa-23"}, {"text", kFamily}});
  ASSERT_TRUE(again);
  EXPECT_EQ(again->status, 409);
  EXPECT_EQ(json::parse(again->body)["error"], "already_present");
  auto shared =
      AddAlternate({{"program", "kagawa"}, {"entry_id", "common-greeting"}, {"text", "やあ"}});
  ASSERT_TRUE(shared);
  EXPECT_EQ(shared->status, 404) << shared->body;
  auto multi = AddAlternate({{"program", "kagawa"}, {"entry_id", "kagawa-23"}, {"text", "a\nb"}});
  ASSERT_TRUE(multi);
  EXPECT_EQ(multi->status, 400) << multi->body;
}

TEST_F(StaffConsoleTest, NewEntryIsWrittenReloadedAndAnswered) {
  const std::string question = "社員旅行の補助はありますか";
  auto r = client_->Post("/api/v1/staff/entries", Bearer(kStaffToken),
                         json{{"program", "kagawa"},
                              {"question", question},
                              {"answer", "社員旅行への補助は行っていません。"}}
                             .dump(),
                         "application/json");
  ASSERT_TRUE(r);
  ASSERT_EQ(r->status, 200) << r->body;
  const std::string id = json::parse(r->body)["entry_id"];
  json asked = Ask(question);
  EXPECT_EQ(asked.value("outcome", ""), "answer") << asked.dump();
  EXPECT_EQ(asked.value("id", ""), id);
  auto bad = client_->Post(
      "/api/v1/staff/entries", Bearer(kStaffToken),
      json{
          {"program", "kagawa"}, {"question", "駐車場はありますか"}, {"answer", "{{no_such_rule}}"}}
          .dump(),
      "application/json");
  ASSERT_TRUE(bad);
  EXPECT_EQ(bad->status, 409) << bad->body;
  EXPECT_EQ(json::parse(bad->body)["error"], "kb_invalid");
  EXPECT_NE(json::parse(bad->body)["detail"].get<std::string>().find("no_such_rule"),
            std::string::npos);
}

// A folder that no longer loads (another file broken since the last load) is not made worse:
// the edit is undone and the knowledge base serving keeps serving.
TEST_F(StaffConsoleTest, AnEditTheFolderCannotLoadIsUndone) {
  const std::string faq_file = kb_dir_ + "/kagawa/faq.json";
  const std::string before = points::testing::ReadFile(faq_file);
  points::testing::WriteFile(kb_dir_ + "/ibaraki/program.json", "{not json");
  auto r = AddAlternate({{"program", "kagawa"}, {"entry_id", "kagawa-23"}, {"text", kFamily}});
  ASSERT_TRUE(r);
  EXPECT_EQ(r->status, 409) << r->body;
  json j = json::parse(r->body);
  EXPECT_EQ(j["error"], "kb_invalid");
  EXPECT_NE(j["detail"].get<std::string>().find("ibaraki/program.json"), std::string::npos);
  EXPECT_EQ(points::testing::ReadFile(faq_file), before);
  EXPECT_NE(Ask(kFamily).value("outcome", ""), "answer");
}

}  // namespace
}  // namespace madoguchi::testing
