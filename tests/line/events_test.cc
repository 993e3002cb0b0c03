#include "line/events.h"

#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "line/fixtures.h"

namespace madoguchi::line {
namespace {

using testing::FixtureNames;
using testing::HaveFixtures;
using testing::ReadFixture;

std::vector<Event> ParseFixture(const std::string& name) {
  auto body = ParseWebhookBody(ReadFixture(name));
  EXPECT_TRUE(body.ok()) << name << ": " << body.status().ToString();
  std::vector<Event> out;
  if (!body.ok()) return out;
  for (const auto& e : body->events) out.push_back(ParseEvent(e));
  return out;
}

// What each one-event fixture must parse into.
struct Expected {
  EventKind kind;
  std::string message_type;
  SourceType source;
  bool has_reply_token;
};

TEST(EventsTest, EveryOneEventFixtureParsesToItsKind) {
  if (!HaveFixtures()) GTEST_SKIP() << "no fixtures";
  const std::map<std::string, Expected> kExpected = {
      {"account_link.json", {EventKind::kAccountLink, "", SourceType::kUser, true}},
      {"beacon.json", {EventKind::kBeacon, "", SourceType::kUser, true}},
      {"beacon_with_dm.json", {EventKind::kBeacon, "", SourceType::kUser, true}},
      {"file.json", {EventKind::kOtherMessage, "file", SourceType::kUser, true}},
      {"follow.json", {EventKind::kFollow, "", SourceType::kUser, true}},
      {"image.json", {EventKind::kOtherMessage, "image", SourceType::kUser, true}},
      {"join.json", {EventKind::kJoin, "", SourceType::kGroup, true}},
      {"leave.json", {EventKind::kLeave, "", SourceType::kGroup, false}},
      {"location.json", {EventKind::kOtherMessage, "location", SourceType::kUser, true}},
      {"member_joined.json", {EventKind::kMemberJoined, "", SourceType::kGroup, true}},
      {"member_left.json", {EventKind::kMemberLeft, "", SourceType::kGroup, false}},
      {"message-edited.json", {EventKind::kMessageEdited, "text", SourceType::kGroup, true}},
      {"nodejs-middleware-body.json", {EventKind::kTextMessage, "text", SourceType::kGroup, true}},
      {"postback.json", {EventKind::kPostback, "", SourceType::kUser, true}},
      {"sticker-keywords-array.json",
       {EventKind::kOtherMessage, "sticker", SourceType::kUser, true}},
      {"sticker-keywords-remove.json",
       {EventKind::kOtherMessage, "sticker", SourceType::kUser, true}},
      {"sticker-with-text.json", {EventKind::kOtherMessage, "sticker", SourceType::kUser, true}},
      {"sticker.json", {EventKind::kOtherMessage, "sticker", SourceType::kUser, true}},
      {"text-emojis.json", {EventKind::kTextMessage, "text", SourceType::kUser, true}},
      {"text-group.json", {EventKind::kTextMessage, "text", SourceType::kGroup, false}},
      {"text-mention.json", {EventKind::kTextMessage, "text", SourceType::kUser, true}},
      {"text-user.json", {EventKind::kTextMessage, "text", SourceType::kUser, true}},
      {"unfollow.json", {EventKind::kUnfollow, "", SourceType::kUser, false}},
      {"unsend.json", {EventKind::kUnsend, "", SourceType::kUser, false}},
      {"video-play-complete.json", {EventKind::kVideoPlayComplete, "", SourceType::kUser, true}},
      {"video.json", {EventKind::kOtherMessage, "video", SourceType::kUser, true}},
      {"webhook-redelivery.json", {EventKind::kTextMessage, "text", SourceType::kUser, true}},
  };
  size_t checked = 0;
  for (const std::string& name : FixtureNames()) {
    auto it = kExpected.find(name);
    if (it == kExpected.end()) continue;  // the many-event bodies are tested below
    SCOPED_TRACE(name);
    std::vector<Event> events = ParseFixture(name);
    ASSERT_EQ(events.size(), 1u);
    const Event& e = events[0];
    EXPECT_EQ(e.kind, it->second.kind) << EventKindName(e.kind);
    EXPECT_EQ(e.message_type, it->second.message_type);
    EXPECT_EQ(e.source_type, it->second.source);
    EXPECT_EQ(!e.reply_token.empty(), it->second.has_reply_token);
    EXPECT_FALSE(e.type.empty());
    ++checked;
  }
  EXPECT_EQ(checked, kExpected.size()) << "a fixture is missing";
  EXPECT_EQ(FixtureNames().size(), kExpected.size() + 2) << "a fixture was added: expect it here";
}

TEST(EventsTest, FieldsTheWorkerNeeds) {
  if (!HaveFixtures()) GTEST_SKIP() << "no fixtures";
  Event text = ParseFixture("text-user.json").at(0);
  EXPECT_EQ(text.text, "ポイントの有効期限はいつですか");
  EXPECT_EQ(text.user_id, "U7c1e0a9b3d5f4e2a6b8c0d1e2f3a4b5c");
  EXPECT_EQ(text.reply_token, "42d4088b955e5ce0c632302ebf2d012e");
  EXPECT_EQ(text.timestamp_ms, 1775190000000);
  EXPECT_FALSE(text.standby);
  EXPECT_FALSE(text.redelivery);
  EXPECT_TRUE(text.webhook_event_id.empty()) << "older senders omit it";

  Event postback = ParseFixture("postback.json").at(0);
  EXPECT_EQ(postback.postback_data, "action=feedback&entry=kagawa-04&value=resolved");

  Event link = ParseFixture("account_link.json").at(0);
  EXPECT_EQ(link.link_result, "ok");
  EXPECT_EQ(link.link_nonce, "n7Kq2xVb9LmP4sRt6WyZ");
  EXPECT_EQ(link.user_id, "U7c1e0a9b3d5f4e2a6b8c0d1e2f3a4b5c");

  Event standby = ParseFixture("text-group.json").at(0);
  EXPECT_TRUE(standby.standby);
  EXPECT_EQ(standby.chat_id, "C3a9f1e7d5b2c4a6e8f0b1c2d3e4f5a6b");
  EXPECT_TRUE(standby.user_id.empty());

  Event redelivered = ParseFixture("webhook-redelivery.json").at(0);
  EXPECT_TRUE(redelivered.redelivery);
  EXPECT_EQ(redelivered.webhook_event_id, "01JQ7K3M5N8P9R2S4T6V000013");

  Event compact = ParseFixture("nodejs-middleware-body.json").at(0);
  EXPECT_EQ(compact.text, "絵文字つきの質問です😄😅😢");
  EXPECT_EQ(compact.webhook_event_id, "madoguchi_fixture_event");
  EXPECT_EQ(compact.timestamp_ms, 0);

  Event edited = ParseFixture("message-edited.json").at(0);
  EXPECT_EQ(edited.user_id, "U7c1e0a9b3d5f4e2a6b8c0d1e2f3a4b5c");
  EXPECT_EQ(edited.text, "健診の予約は何日まで？（編集済み）");
}

TEST(EventsTest, ManyEventBodies) {
  if (!HaveFixtures()) GTEST_SKIP() << "no fixtures";
  std::vector<Event> unknown = ParseFixture("unknown.json");
  ASSERT_EQ(unknown.size(), 2u);
  EXPECT_EQ(unknown[0].kind, EventKind::kUnknown);
  EXPECT_EQ(unknown[0].type, "greatNewFeature");
  EXPECT_EQ(unknown[1].kind, EventKind::kOtherMessage);
  EXPECT_EQ(unknown[1].source_type, SourceType::kUnknown);
  EXPECT_TRUE(unknown[1].user_id.empty());

  std::vector<Event> all = ParseFixture("all-event-types.json");
  std::vector<EventKind> kinds;
  for (const Event& e : all) kinds.push_back(e.kind);
  using K = EventKind;
  EXPECT_EQ(kinds,
            (std::vector<EventKind>{K::kTextMessage, K::kOtherMessage, K::kOtherMessage,
                                    K::kOtherMessage, K::kFollow, K::kUnfollow, K::kJoin, K::kLeave,
                                    K::kPostback, K::kBeacon, K::kAccountLink, K::kMemberJoined,
                                    K::kMemberLeft, K::kUnsend, K::kVideoPlayComplete,
                                    K::kTextMessage, K::kMessageEdited, K::kUnknown, K::kUnknown}));
  EXPECT_EQ(all[1].source_type, SourceType::kRoom);
  EXPECT_EQ(all[1].chat_id, "R5e2d8c1b7a3f9e4d6c0b1a2f3e4d5c6b");
  EXPECT_EQ(all[10].link_result, "failed");
  EXPECT_EQ(all[10].link_nonce, "f3Gh8JkL2mN5pQ7rS9tV");
  EXPECT_TRUE(all[15].redelivery);
  EXPECT_EQ(all[15].reply_token, "3e7595374261b26285a4746462fb8207");
  EXPECT_TRUE(all[18].reply_token.empty());
}

TEST(EventsTest, LenientAboutOddFields) {
  using nlohmann::json;
  Event e = ParseEvent(json::parse(R"({"type":"message","timestamp":1.5e12,
      "source":{"type":"user","userId":42},"message":{"type":"text","text":["x"]},
      "mode":7,"deliveryContext":{"isRedelivery":"yes"},"replyToken":null})"));
  EXPECT_EQ(e.kind, EventKind::kTextMessage);
  EXPECT_EQ(e.timestamp_ms, 1'500'000'000'000);
  EXPECT_TRUE(e.user_id.empty());
  EXPECT_TRUE(e.text.empty());
  EXPECT_FALSE(e.standby);
  EXPECT_FALSE(e.redelivery);
  EXPECT_TRUE(e.reply_token.empty());

  EXPECT_EQ(ParseEvent(json::array()).kind, EventKind::kUnknown);
  EXPECT_EQ(ParseEvent(json::parse(R"({"type":3})")).kind, EventKind::kUnknown);
  EXPECT_EQ(ParseEvent(json::parse(R"({"type":"message","message":"text"})")).kind,
            EventKind::kOtherMessage);
  EXPECT_EQ(ParseEvent(json::parse(R"({"type":"membership"})")).kind, EventKind::kUnknown);
}

TEST(EventsTest, DeeplyNestedBodiesAreRefused) {
  // Queuing an event copies and writes it out, recursing once per level.
  auto nested = [](size_t levels) {
    return R"({"events":[{"type":"message","x":)" + std::string(levels, '[') +
           std::string(levels, ']') + "}]}";
  };
  // The body and the event object are two levels, the array around the event a third.
  EXPECT_TRUE(ParseWebhookBody(nested(kMaxWebhookJsonDepth - 3)).ok());
  EXPECT_EQ(ParseWebhookBody(nested(kMaxWebhookJsonDepth - 2)).status().code(),
            StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseWebhookBody(nested(200'000)).ok());
  // Brackets inside strings are text, not nesting.
  EXPECT_TRUE(
      ParseWebhookBody(R"({"events":[{"text":")" + std::string(1000, '[') + R"(\"["}]})").ok());
}

TEST(EventsTest, WebhookBodies) {
  EXPECT_EQ(ParseWebhookBody("i am not jason").status().code(), StatusCode::kInvalidArgument);
  EXPECT_FALSE(ParseWebhookBody("").ok());
  EXPECT_FALSE(ParseWebhookBody("[]").ok());
  EXPECT_FALSE(ParseWebhookBody("{}").ok());
  EXPECT_FALSE(ParseWebhookBody(R"({"events":{}})").ok());
  EXPECT_FALSE(ParseWebhookBody("{\"events\":[]").ok());
  EXPECT_FALSE(ParseWebhookBody("{\"events\":[], \"x\":\"\xff\"}").ok()) << "invalid UTF-8";

  auto empty = ParseWebhookBody(R"({"events":[]})");
  ASSERT_TRUE(empty.ok());
  EXPECT_TRUE(empty->events.empty());

  auto mixed = ParseWebhookBody(R"({"destination":"Uabc","events":[1,{"type":"follow"},null]})");
  ASSERT_TRUE(mixed.ok());
  EXPECT_EQ(mixed->destination, "Uabc");
  EXPECT_EQ(mixed->events.size(), 1u);
  EXPECT_EQ(mixed->skipped, 2u);
}

TEST(EventsTest, KindNames) {
  EXPECT_STREQ(EventKindName(EventKind::kTextMessage), "text_message");
  EXPECT_STREQ(EventKindName(EventKind::kAccountLink), "account_link");
  EXPECT_STREQ(EventKindName(EventKind::kUnknown), "unknown");
}

}  // namespace
}  // namespace madoguchi::line
