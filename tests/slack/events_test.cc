#include "slack/events.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>

#include "slack/test_bodies.h"

namespace madoguchi::slack {
namespace {

using nlohmann::json;
using testing::ActionsForm;
using testing::Callback;
using testing::FormEncode;

ParsedBody Events(const json& body) {
  auto parsed = ParseEventsBody(body.dump());
  EXPECT_TRUE(parsed.ok()) << parsed.status().ToString();
  return parsed.ok() ? *parsed : ParsedBody{};
}

TEST(SlackEventsTest, UrlVerification) {
  auto p = Events({{"token", "Jhj5dZrVaK7ZwHHjRyZWjbDl"},
                   {"challenge", "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P"},
                   {"type", "url_verification"}});
  EXPECT_EQ(p.type, BodyType::kUrlVerification);
  EXPECT_EQ(p.challenge, "3eZbrw1aBm2rZgRNFdxV2595E9CY3gmdALWMmHkvFXO7tYXAYM8P");
  EXPECT_TRUE(p.inbound.empty());
  EXPECT_FALSE(ParseEventsBody(R"({"type":"url_verification"})").ok()) << "no challenge";
}

TEST(SlackEventsTest, DirectMessage) {
  json event = {{"type", "message"},         {"channel", "D024BE91L"},
                {"user", "U2147483697"},     {"text", "ポイントの有効期限は？"},
                {"ts", "1355517523.000005"}, {"event_ts", "1355517523.000005"},
                {"channel_type", "im"}};
  auto p = Events(Callback(event, "Ev0PV52K21"));
  EXPECT_EQ(p.type, BodyType::kEventCallback);
  EXPECT_EQ(p.event_type, "message");
  ASSERT_EQ(p.inbound.size(), 1u) << p.ignored;
  const Inbound& in = p.inbound[0];
  EXPECT_EQ(in.kind, InboundKind::kMessage);
  EXPECT_EQ(in.event_id, "Ev0PV52K21");
  EXPECT_EQ(in.team_id, "T0001");
  EXPECT_EQ(in.user_id, "U2147483697");
  EXPECT_EQ(in.channel_id, "D024BE91L");
  EXPECT_EQ(in.channel_type, "im");
  EXPECT_EQ(in.text, "ポイントの有効期限は？");
  EXPECT_EQ(in.reply_thread_ts, "") << "a DM is answered in the DM";
  EXPECT_TRUE(p.ignored.empty());
}

TEST(SlackEventsTest, DirectMessageInAThreadIsAnsweredInTheThread) {
  json event = {{"type", "message"}, {"channel", "D1"},    {"user", "U1"},        {"text", "続き"},
                {"ts", "2.0"},       {"thread_ts", "1.0"}, {"channel_type", "im"}};
  auto p = Events(Callback(event));
  ASSERT_EQ(p.inbound.size(), 1u);
  EXPECT_EQ(p.inbound[0].reply_thread_ts, "1.0");
}

TEST(SlackEventsTest, MentionInAChannel) {
  json event = {{"type", "app_mention"},
                {"user", "U1"},
                {"text", "<@U0BOT> 残高を&lt;確認&gt;したい &amp; 交換"},
                {"ts", "1515449522.000016"},
                {"channel", "C0LAN2Q65"},
                {"event_ts", "1515449522000016"}};
  auto p = Events(Callback(event));
  ASSERT_EQ(p.inbound.size(), 1u) << p.ignored;
  EXPECT_EQ(p.inbound[0].kind, InboundKind::kMention);
  EXPECT_EQ(p.inbound[0].text, "残高を<確認>したい & 交換");
  EXPECT_EQ(p.inbound[0].reply_thread_ts, "1515449522.000016")
      << "a mention is answered in a thread under it";

  event["thread_ts"] = "1515449000.000001";
  p = Events(Callback(event));
  ASSERT_EQ(p.inbound.size(), 1u);
  EXPECT_EQ(p.inbound[0].reply_thread_ts, "1515449000.000001") << "inside a thread: that thread";
}

TEST(SlackEventsTest, BareMentionIsAGreeting) {
  json event = {{"type", "app_mention"},
                {"user", "U1"},
                {"text", "<@U0BOT>　"},
                {"ts", "1.0"},
                {"channel", "C1"}};
  auto p = Events(Callback(event));
  ASSERT_EQ(p.inbound.size(), 1u);
  EXPECT_EQ(p.inbound[0].kind, InboundKind::kGreeting);
  EXPECT_EQ(p.inbound[0].text, "");
}

TEST(SlackEventsTest, ChannelMessagesWithoutMentionAreNotAddressedToUs) {
  json event = {{"type", "message"}, {"user", "U1"},    {"text", "hello"},
                {"ts", "1.0"},       {"channel", "C1"}, {"channel_type", "channel"}};
  auto p = Events(Callback(event));
  EXPECT_TRUE(p.inbound.empty());
  EXPECT_EQ(p.ignored, "not_addressed");
  // A mention in a DM would come twice (message and app_mention): the message answers it.
  json dm_mention = {{"type", "app_mention"},
                     {"user", "U1"},
                     {"text", "<@U0BOT> hi"},
                     {"ts", "1.0"},
                     {"channel", "D1"}};
  p = Events(Callback(dm_mention));
  EXPECT_TRUE(p.inbound.empty());
  EXPECT_EQ(p.ignored, "covered_by_message");
}

TEST(SlackEventsTest, BotAndSystemMessagesAreIgnored) {
  json base = {{"type", "message"}, {"user", "U1"},    {"text", "hi"},
               {"ts", "1.0"},       {"channel", "D1"}, {"channel_type", "im"}};
  struct Case {
    const char* name;
    json patch;
    const char* ignored;
  };
  const Case cases[] = {
      {"bot_id", {{"bot_id", "B123"}}, "bot"},
      {"bot_message", {{"subtype", "bot_message"}}, "bot"},
      {"message_changed",
       {{"subtype", "message_changed"}, {"hidden", true}},
       "subtype:message_changed"},
      {"message_deleted", {{"subtype", "message_deleted"}}, "subtype:message_deleted"},
      {"channel_join", {{"subtype", "channel_join"}}, "subtype:channel_join"},
      {"hidden", {{"hidden", true}}, "hidden"},
      {"no user", {{"user", ""}}, "no_user"},
      {"our own bot user", {{"user", "U0BOT"}}, "bot"},
  };
  for (const Case& c : cases) {
    json event = base;
    event.update(c.patch);
    json body = Callback(event);
    body["authorizations"] = {{{"team_id", "T0001"}, {"user_id", "U0BOT"}, {"is_bot", true}}};
    auto p = Events(body);
    EXPECT_TRUE(p.inbound.empty()) << c.name;
    EXPECT_EQ(p.ignored, c.ignored) << c.name;
  }
  json mention = {{"type", "app_mention"}, {"user", "U2"}, {"bot_id", "B9"},
                  {"text", "<@U0BOT> hi"}, {"ts", "1.0"},  {"channel", "C1"}};
  EXPECT_EQ(Events(Callback(mention)).ignored, "bot");
  // A member's file with a comment, and a thread reply sent to the channel, are members writing.
  json shared = base;
  shared["subtype"] = "thread_broadcast";
  EXPECT_EQ(Events(Callback(shared)).inbound.size(), 1u);
}

TEST(SlackEventsTest, FileWithoutTextGetsTheTextOnlyNotice) {
  json event = {{"type", "message"},    {"subtype", "file_share"},
                {"user", "U1"},         {"text", ""},
                {"ts", "1.0"},          {"channel", "D1"},
                {"channel_type", "im"}, {"files", {{{"id", "F1"}}}}};
  auto p = Events(Callback(event));
  ASSERT_EQ(p.inbound.size(), 1u);
  EXPECT_EQ(p.inbound[0].kind, InboundKind::kOtherMessage);
  event["text"] = "この画像の件です";
  p = Events(Callback(event));
  ASSERT_EQ(p.inbound.size(), 1u);
  EXPECT_EQ(p.inbound[0].kind, InboundKind::kMessage);
  // An empty text and no file: nothing to answer.
  json empty = {{"type", "message"},
                {"user", "U1"},
                {"text", " "},
                {"channel", "D1"},
                {"channel_type", "im"}};
  EXPECT_EQ(Events(Callback(empty)).ignored, "empty");
}

TEST(SlackEventsTest, UnknownTypesAreIgnoredNotRefused) {
  auto p = Events(Callback({{"type", "reaction_added"}, {"user", "U1"}, {"reaction", "+1"}}));
  EXPECT_TRUE(p.inbound.empty());
  EXPECT_EQ(p.ignored, "unsupported:reaction_added");
  p = Events({{"type", "app_rate_limited"}, {"team_id", "T0001"}, {"minute_rate_limited", 1}});
  EXPECT_EQ(p.type, BodyType::kOther);
  EXPECT_EQ(p.ignored, "unsupported:app_rate_limited");
  p = Events(Callback({{"type", "message"}, {"user", 5}, {"text", json::array()}}));
  EXPECT_TRUE(p.inbound.empty()) << "odd field types read as empty";
}

TEST(SlackEventsTest, MalformedBodiesAreErrors) {
  for (const char* body :
       {"", "not json", "[]", "{}", R"({"type":5})", R"({"type":"event_callback"})",
        R"({"type":"event_callback","event":[]})", "{\"type\":\"event_callback\",\"event\":{"}) {
    auto p = ParseEventsBody(body);
    EXPECT_FALSE(p.ok()) << body;
    if (!p.ok()) {
      EXPECT_EQ(p.status().code(), StatusCode::kInvalidArgument);
    }
  }
}

TEST(SlackEventsTest, FlagsOfAnotherTypeAreNotSet) {
  // json's value() throws on a type it did not expect; found by the fuzz tests.
  json body = Callback(testing::DirectMessage("U1", "質問"));
  body["authorizations"] = {{{"user_id", "U1"}, {"is_bot", json::object()}}};
  body["event"]["hidden"] = "yes";
  auto p = ParseEventsBody(body.dump());
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->inbound.size(), 1u) << p->ignored;
}

TEST(SlackEventsTest, MissingEventIdIsDerivedFromTheBody) {
  json body = Callback({{"type", "message"},
                        {"user", "U1"},
                        {"text", "a"},
                        {"channel", "D1"},
                        {"channel_type", "im"}});
  body.erase("event_id");
  auto a = ParseEventsBody(body.dump());
  auto b = ParseEventsBody(body.dump());
  ASSERT_TRUE(a.ok() && b.ok());
  ASSERT_EQ(a->inbound.size(), 1u);
  EXPECT_EQ(a->inbound[0].event_id.rfind("body-", 0), 0u);
  EXPECT_EQ(a->inbound[0].event_id, b->inbound[0].event_id) << "a resend dedupes";
  body["event"]["text"] = "b";
  auto c = ParseEventsBody(body.dump());
  EXPECT_NE(c->inbound[0].event_id, a->inbound[0].event_id);
}

TEST(SlackEventsTest, PlainText) {
  EXPECT_EQ(PlainText("<@U0BOT> <@U0BOT>  残高"), "残高");
  EXPECT_EQ(PlainText("a &amp;lt; b"), "a &lt; b") << "decoded once";
  EXPECT_EQ(PlainText("詳細は <https://example.jp/faq?a=1&amp;b=2|FAQ> へ"), "詳細は FAQ へ");
  EXPECT_EQ(PlainText("<https://example.jp/x>"), "https://example.jp/x");
  EXPECT_EQ(PlainText("<mailto:a@example.jp|a@example.jp>"), "a@example.jp");
  EXPECT_EQ(PlainText("cc <@U2|tanaka> と <#C1|general> <!here>"), "cc tanaka と general");
  EXPECT_EQ(PlainText("a < b"), "a < b") << "an unclosed < is text";
  EXPECT_EQ(PlainText("\xE3\x80\x80 全角スペース \xE3\x80\x80"), "全角スペース");
  EXPECT_EQ(PlainText("bad \xff byte"), "bad \xEF\xBF\xBD byte");
}

TEST(SlackEventsTest, FormValue) {
  auto v = FormValue("a=1&payload=%7B%22x%22%3A+1%7D&b", "payload");
  ASSERT_TRUE(v.ok());
  EXPECT_EQ(*v, R"({"x": 1})");
  EXPECT_EQ(*FormValue("b&a=", "a"), "");
  EXPECT_EQ(FormValue("a=1", "payload").status().code(), StatusCode::kNotFound);
  EXPECT_EQ(FormValue("payload=%7", "payload").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(FormValue("payload=%zz", "payload").status().code(), StatusCode::kInvalidArgument);
  EXPECT_EQ(*FormValue("p%61yload=%E3%81%82", "payload"), "あ") << "names are decoded too";
}

TEST(SlackEventsTest, ButtonBecomesAPostback) {
  auto p = ParseInteractionBody(ActionsForm("entry:kagawa-18", "D1", "U1", "T0001"));
  ASSERT_TRUE(p.ok()) << p.status().ToString();
  EXPECT_EQ(p->type, BodyType::kBlockActions);
  ASSERT_EQ(p->inbound.size(), 1u) << p->ignored;
  const Inbound& in = p->inbound[0];
  EXPECT_EQ(in.kind, InboundKind::kButton);
  EXPECT_EQ(in.postback, "entry:kagawa-18");
  EXPECT_EQ(in.team_id, "T0001");
  EXPECT_EQ(in.user_id, "U1");
  EXPECT_EQ(in.channel_id, "D1");
  EXPECT_EQ(in.channel_type, "im");
  EXPECT_EQ(in.event_id, "action-13345224609.738474920.8088930838d88f008e0-0");
  EXPECT_EQ(in.reply_thread_ts, "");
}

TEST(SlackEventsTest, ButtonInAThreadIsAnsweredInTheThread) {
  json payload =
      json::parse(*FormValue(ActionsForm("feedback:yes:e1", "C1", "U1", "T0001"), "payload"));
  payload["message"]["thread_ts"] = "1.0";
  auto p = ParseInteractionBody("payload=" + FormEncode(payload.dump()));
  ASSERT_TRUE(p.ok());
  ASSERT_EQ(p->inbound.size(), 1u);
  EXPECT_EQ(p->inbound[0].reply_thread_ts, "1.0");
  EXPECT_EQ(p->inbound[0].channel_type, "");
}

TEST(SlackEventsTest, OtherInteractionsAreIgnored) {
  auto view = ParseInteractionBody("payload=" + FormEncode(R"({"type":"view_submission"})"));
  ASSERT_TRUE(view.ok());
  EXPECT_TRUE(view->inbound.empty());
  EXPECT_EQ(view->ignored, "unsupported:view_submission");

  json payload = json::parse(*FormValue(ActionsForm("v", "C1", "U1", "T0001"), "payload"));
  payload["actions"][0]["type"] = "static_select";
  auto select = ParseInteractionBody("payload=" + FormEncode(payload.dump()));
  ASSERT_TRUE(select.ok());
  EXPECT_EQ(select->ignored, "no_button_value");

  payload = json::parse(*FormValue(ActionsForm("v", "C1", "U1", "T0001"), "payload"));
  payload.erase("channel");
  payload["container"] = {{"type", "view"}, {"view_id", "V1"}};
  auto modal = ParseInteractionBody("payload=" + FormEncode(payload.dump()));
  ASSERT_TRUE(modal.ok());
  EXPECT_EQ(modal->ignored, "no_channel");

  auto ssl = ParseInteractionBody("ssl_check=1&token=x");
  ASSERT_TRUE(ssl.ok());
  EXPECT_EQ(ssl->ignored, "ssl_check");
}

TEST(SlackEventsTest, MalformedInteractionsAreErrors) {
  for (std::string body :
       {std::string(""), std::string("a=b"), std::string("payload=not-json"),
        std::string("payload=%5B%5D"), std::string("payload=%7B%7D"), std::string("payload=%7")}) {
    EXPECT_FALSE(ParseInteractionBody(body).ok()) << body;
  }
}

TEST(SlackEventsTest, KindNamesRoundTrip) {
  for (InboundKind k : {InboundKind::kMessage, InboundKind::kMention, InboundKind::kGreeting,
                        InboundKind::kOtherMessage, InboundKind::kButton}) {
    InboundKind back = InboundKind::kMessage;
    ASSERT_TRUE(ParseInboundKind(InboundKindName(k), &back));
    EXPECT_EQ(back, k);
  }
  InboundKind k;
  EXPECT_FALSE(ParseInboundKind("nope", &k));
}

}  // namespace
}  // namespace madoguchi::slack
