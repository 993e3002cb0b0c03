// RateLimitedHandle: the per-user limit of the LINE and Slack workers. Within the limit the
// conversation answers; the first limited message of a spell gets one polite notice, the rest
// nothing; follows are never limited; users and channels are limited apart.
#include "cli/rate_limited_handle.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace madoguchi::cli {
namespace {

class RateLimitedHandleTest : public ::testing::Test {
 protected:
  // A burst of 2 and no refill within a test (one message a day).
  RateLimitedHandleTest() : limiter_({/*per_minute=*/1.0 / 1440, /*burst=*/2}) {
    RateLimitedHandleOptions o;
    o.on_limited = [this](const dialogue::Message& m, bool noticed) {
      limited_.push_back(m.key.ToString() + (noticed ? " notice" : " silent"));
    };
    handle_ = RateLimitedHandle(
        [this](const dialogue::Message& m) -> StatusOr<dialogue::Turn> {
          ++handled_;
          dialogue::Reply r;
          r.text = "answer to " + (m.follow ? std::string("follow") : m.text + m.postback);
          return dialogue::Turn{{r}};
        },
        &limiter_, std::move(o));
  }

  static dialogue::Message Text(const std::string& user, const std::string& text,
                                const std::string& channel = "line") {
    return {{channel, user}, "kagawa", text, "", false};
  }

  // The texts of the turn `handle_` gives `m`; "ERROR" when it fails.
  std::vector<std::string> Send(const dialogue::Message& m) {
    StatusOr<dialogue::Turn> t = handle_(m);
    if (!t.ok()) return {"ERROR"};
    std::vector<std::string> texts;
    for (const dialogue::Reply& r : t->messages) texts.push_back(r.text);
    return texts;
  }

  ops::RateLimiter limiter_;
  HandleFn handle_;
  int handled_ = 0;
  std::vector<std::string> limited_;
};

using Texts = std::vector<std::string>;

TEST_F(RateLimitedHandleTest, WithinTheLimitTheConversationAnswers) {
  EXPECT_EQ(Send(Text("U1", "a")), Texts{"answer to a"});
  EXPECT_EQ(Send(Text("U1", "b")), Texts{"answer to b"});
  EXPECT_EQ(handled_, 2);
  EXPECT_TRUE(limited_.empty());
}

TEST_F(RateLimitedHandleTest, OneNoticePerLimitedSpellThenNothing) {
  Send(Text("U1", "a"));
  Send(Text("U1", "b"));
  EXPECT_EQ(Send(Text("U1", "c")), Texts{kRateLimitedNotice});
  EXPECT_EQ(Send(Text("U1", "d")), Texts{});
  EXPECT_EQ(Send({{"line", "U1"}, "kagawa", "", "entry:kagawa-03", false}), Texts{})
      << "taps count too";
  EXPECT_EQ(handled_, 2) << "limited messages never reach the conversation";
  EXPECT_EQ(limited_, (Texts{"line:U1 notice", "line:U1 silent", "line:U1 silent"}));
}

TEST_F(RateLimitedHandleTest, FollowIsNeverLimited) {
  Send(Text("U1", "a"));
  Send(Text("U1", "b"));
  EXPECT_EQ(Send({{"line", "U1"}, "kagawa", "", "", true}), Texts{"answer to follow"});
  EXPECT_EQ(Send(Text("U1", "c")), Texts{kRateLimitedNotice}) << "and takes no token";
}

TEST_F(RateLimitedHandleTest, UsersAndChannelsAreLimitedApart) {
  Send(Text("U1", "a"));
  Send(Text("U1", "b"));
  EXPECT_EQ(Send(Text("U1", "c")), Texts{kRateLimitedNotice});
  EXPECT_EQ(Send(Text("U2", "a")), Texts{"answer to a"});
  EXPECT_EQ(Send(Text("U1", "a", "slack")), Texts{"answer to a"});
}

TEST_F(RateLimitedHandleTest, AConversationErrorPassesThrough) {
  HandleFn failing = RateLimitedHandle(
      [](const dialogue::Message&) -> StatusOr<dialogue::Turn> { return Unavailable("store"); },
      &limiter_);
  StatusOr<dialogue::Turn> t = failing(Text("U9", "a"));
  ASSERT_FALSE(t.ok());
  EXPECT_EQ(t.status().code(), StatusCode::kUnavailable);
}

}  // namespace
}  // namespace madoguchi::cli
