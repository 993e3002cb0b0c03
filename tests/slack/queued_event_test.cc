#include "slack/queued_event.h"

#include <gtest/gtest.h>

namespace madoguchi::slack {
namespace {

TEST(SlackQueuedEventTest, RoundTrip) {
  Inbound in;
  in.kind = InboundKind::kButton;
  in.event_id = "action-1-0";
  in.team_id = "T1";
  in.user_id = "U1";
  in.channel_id = "C1";
  in.channel_type = "";
  in.postback = "entry:kagawa-18";
  in.reply_thread_ts = "1.0";
  auto back = DecodeQueuedEvent(EncodeQueuedEvent(in));
  ASSERT_TRUE(back.ok()) << back.status().ToString();
  EXPECT_EQ(back->kind, InboundKind::kButton);
  EXPECT_EQ(back->event_id, "action-1-0");
  EXPECT_EQ(back->team_id, "T1");
  EXPECT_EQ(back->user_id, "U1");
  EXPECT_EQ(back->channel_id, "C1");
  EXPECT_EQ(back->postback, "entry:kagawa-18");
  EXPECT_EQ(back->reply_thread_ts, "1.0");
  EXPECT_EQ(back->text, "");
}

TEST(SlackQueuedEventTest, InvalidUtf8IsReplacedNotThrown) {
  Inbound in;
  in.team_id = "T1";
  in.user_id = "U1";
  in.channel_id = "D1";
  in.text = "bad \xff";
  auto back = DecodeQueuedEvent(EncodeQueuedEvent(in));
  ASSERT_TRUE(back.ok());
  EXPECT_EQ(back->text, "bad \xEF\xBF\xBD");
}

TEST(SlackQueuedEventTest, RefusesForeignPayloads) {
  for (const char* p : {"", "[]", "{}", R"({"kind":"nope","team":"T","user":"U","channel":"C"})",
                        R"({"kind":"message","team":"T","user":"","channel":"C"})",
                        R"({"channel":"line","event":{}})"}) {
    EXPECT_FALSE(DecodeQueuedEvent(p).ok()) << p;
  }
}

TEST(SlackQueuedEventTest, IdsAndOrdering) {
  Inbound in;
  in.team_id = "T1";
  in.user_id = "U1";
  in.event_id = "Ev1";
  EXPECT_EQ(InboxEventId(in), "T1/Ev1");
  EXPECT_EQ(OrderingKey(in), "slack:T1:U1");
  EXPECT_STREQ(kInboxChannel, "slack");
}

}  // namespace
}  // namespace madoguchi::slack
