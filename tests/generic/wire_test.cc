#include "generic/wire.h"

#include <gtest/gtest.h>

namespace madoguchi::generic {
namespace {

using nlohmann::json;

TEST(MessageFromJson, ReadsATextOrAPostback) {
  auto m = MessageFromJson(
      json{{"channel_user", "widget-1"}, {"program", "kagawa"}, {"text", "残高"}}, Limits{});
  ASSERT_TRUE(m.ok()) << m.status().ToString();
  EXPECT_EQ(m->key.channel, "api");
  EXPECT_EQ(m->key.user, "widget-1");
  EXPECT_EQ(m->program, "kagawa");
  EXPECT_EQ(m->text, "残高");
  EXPECT_TRUE(m->postback.empty());
  m = MessageFromJson(
      json{{"channel_user", "w"}, {"program", "kagawa"}, {"postback", "entry:kagawa-18"}},
      Limits{});
  ASSERT_TRUE(m.ok());
  EXPECT_EQ(m->postback, "entry:kagawa-18");
  // An empty text is a message (the bot asks for words); a null field is absent.
  EXPECT_TRUE(
      MessageFromJson(
          json{{"channel_user", "w"}, {"program", "kagawa"}, {"text", ""}, {"postback", nullptr}},
          Limits{})
          .ok());
}

TEST(MessageFromJson, RefusesMalformedRequestsNamingTheField) {
  const json base = {{"channel_user", "w"}, {"program", "kagawa"}};
  auto with = [&](json extra) {
    json j = base;
    for (auto& [k, v] : extra.items()) j[k] = v;
    return j;
  };
  struct Case {
    json body;
    const char* field;
  };
  const Case cases[] = {
      {with({}), "text"},
      {with({{"text", "a"}, {"postback", "b"}}), "postback"},
      {with({{"text", 3}}), "text"},
      {with({{"postback", ""}}), "postback"},
      {with({{"postback", "a\nb"}}), "postback"},
      {with({{"postback", std::string(300, 'p')}}), "postback"},
      {json{{"program", "kagawa"}, {"text", "a"}}, "channel_user"},
      {json{{"channel_user", ""}, {"program", "kagawa"}, {"text", "a"}}, "channel_user"},
      {json{{"channel_user", std::string(129, 'u')}, {"program", "kagawa"}, {"text", "a"}},
       "channel_user"},
      {json{{"channel_user", "a\tb"}, {"program", "kagawa"}, {"text", "a"}}, "channel_user"},
      {json{{"channel_user", "w"}, {"text", "a"}}, "program"},
      {json{{"channel_user", "w"}, {"program", 1}, {"text", "a"}}, "program"},
  };
  for (const Case& c : cases) {
    auto m = MessageFromJson(c.body, Limits{});
    ASSERT_FALSE(m.ok()) << c.body.dump();
    EXPECT_EQ(m.status().reason(), kReasonInvalidRequest) << c.body.dump();
    EXPECT_NE(m.status().message().find(c.field), std::string::npos)
        << c.body.dump() << ": " << m.status().message();
  }
}

TEST(MessageFromJson, LimitsTextInCharactersNotBytes) {
  Limits limits;
  limits.max_text_code_points = 10;
  const json ok = {{"channel_user", "w"}, {"program", "kagawa"}, {"text", "あいうえおかきくけこ"}};
  EXPECT_TRUE(MessageFromJson(ok, limits).ok());  // 10 characters, 30 bytes
  json long_text = ok;
  long_text["text"] = "あいうえおかきくけこさ";
  auto m = MessageFromJson(long_text, limits);
  ASSERT_FALSE(m.ok());
  EXPECT_EQ(m.status().reason(), kReasonTextTooLong);
  EXPECT_NE(m.status().message().find("10文字"), std::string::npos);
}

TEST(AskFromJson, NeedsProgramAndText) {
  auto a = AskFromJson(json{{"program", "kagawa"}, {"text", "パスワード"}}, Limits{});
  ASSERT_TRUE(a.ok());
  EXPECT_EQ(a->program, "kagawa");
  EXPECT_EQ(a->text, "パスワード");
  EXPECT_FALSE(AskFromJson(json{{"program", "kagawa"}}, Limits{}).ok());
  EXPECT_FALSE(AskFromJson(json{{"text", "x"}}, Limits{}).ok());
  Limits limits;
  limits.max_text_code_points = 3;
  EXPECT_EQ(AskFromJson(json{{"program", "kagawa"}, {"text", "abcd"}}, limits).status().reason(),
            kReasonTextTooLong);
}

TEST(TurnToJson, RendersTextChoicesAndLinks) {
  dialogue::Turn turn;
  dialogue::Reply welcome;
  welcome.outcome = dialogue::Outcome::kAnswer;
  welcome.entry_id = "welcome";
  welcome.text = "ようこそ";
  dialogue::Reply r;
  r.outcome = dialogue::Outcome::kAnswer;
  r.entry_id = "action:link";
  r.action = "link";
  r.text = "下のリンクを開いてください。";
  r.choices = {{"キャンセル", "cancel"}};
  r.links = {{"アカウント連携", "http://127.0.0.1:8080/link?token=t"}};
  turn.messages = {welcome, r};
  EXPECT_EQ(
      TurnToJson(turn).dump(),
      R"({"messages":[)"
      R"({"text":"ようこそ","choices":[],"links":[],"outcome":"answer","id":"welcome"},)"
      R"({"text":"下のリンクを開いてください。","choices":[{"label":"キャンセル","payload":"cancel"}],)"
      R"("links":[{"label":"アカウント連携","url":"http://127.0.0.1:8080/link?token=t"}],)"
      R"("outcome":"answer","id":"action:link","action":"link"}]})");
}

}  // namespace
}  // namespace madoguchi::generic
