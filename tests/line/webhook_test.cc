#include "line/webhook.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <atomic>
#include <cstdio>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "line/fixtures.h"
#include "line/queued_event.h"
#include "line/signature.h"
#include "store/sqlite_inbox.h"

namespace madoguchi::line {
namespace {

using testing::FixtureNames;
using testing::HaveFixtures;
using testing::ReadFixture;

constexpr char kSecret[] = "test_channel_secret";

class WebhookTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = ::testing::TempDir() + "line_webhook_" +
            ::testing::UnitTest::GetInstance()->current_test_info()->name() + "_" +
            std::to_string(getpid()) + ".db";
    RemoveFiles();
    auto inbox = store::SqliteInbox::Open(path_);
    ASSERT_TRUE(inbox.ok()) << inbox.status().ToString();
    inbox_ = std::move(inbox).value();
    LineWebhookOptions options;
    options.on_enqueued = [this] { ++notified_; };
    options.now_ms = [] { return int64_t{1'700'000'000'000}; };
    handler_ = std::make_unique<LineWebhookHandler>(
        inbox_.get(),
        std::vector<LineChannel>{
            {"main", "kagawa", kSecret, "token", kDefaultApiBaseUrl},
            {"other", "ibaraki", "another_secret", "token2", kDefaultApiBaseUrl}},
        options);
  }
  void TearDown() override {
    handler_.reset();
    inbox_.reset();
    RemoveFiles();
  }
  void RemoveFiles() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::remove((path_ + suffix).c_str());
  }

  WebhookResponse Post(const std::string& body, const std::string& channel = "main") {
    return handler_->Handle(channel, body, ComputeSignature(kSecret, body));
  }
  std::vector<store::InboxEvent> ClaimAll() {
    auto claimed = inbox_->Claim(1000);
    EXPECT_TRUE(claimed.ok());
    return claimed.ok() ? *claimed : std::vector<store::InboxEvent>{};
  }

  std::string path_;
  std::unique_ptr<store::Inbox> inbox_;
  std::unique_ptr<LineWebhookHandler> handler_;
  std::atomic<int> notified_{0};
};

TEST_F(WebhookTest, EveryFixtureIsAcceptedAndQueued) {
  if (!HaveFixtures()) GTEST_SKIP() << "no fixtures";
  int64_t expected_depth = 0;
  for (const std::string& name : FixtureNames()) {
    SCOPED_TRACE(name);
    std::string body = ReadFixture(name);
    auto body_json = nlohmann::json::parse(body);
    const int events = static_cast<int>(body_json["events"].size());
    WebhookResponse r = Post(body);
    EXPECT_EQ(r.http_status, 200) << r.body;
    EXPECT_EQ(r.body, "{}");
    EXPECT_EQ(r.skipped, 0);
    EXPECT_EQ(r.enqueued + r.duplicates, events);
    // Every event of the fixtures has its own id (or none): all are new.
    EXPECT_EQ(r.enqueued, events);
    expected_depth += r.enqueued;

    // LINE resending the same bytes (with or without ids) changes nothing.
    WebhookResponse again = Post(body);
    EXPECT_EQ(again.http_status, 200);
    EXPECT_EQ(again.enqueued, 0);
    EXPECT_EQ(again.duplicates, events);
  }
  EXPECT_EQ(*inbox_->Depth(), expected_depth);
}

TEST_F(WebhookTest, WhatIsQueued) {
  if (!HaveFixtures()) GTEST_SKIP() << "no fixtures";
  ASSERT_EQ(Post(ReadFixture("webhook-redelivery.json")).enqueued, 1);
  ASSERT_EQ(Post(ReadFixture("text-user.json")).enqueued, 1);
  EXPECT_EQ(notified_.load(), 2);
  // One member: the second event is handed out only once the first is finished.
  auto first = ClaimAll();
  ASSERT_EQ(first.size(), 1u);
  ASSERT_TRUE(inbox_->Complete(first[0]).ok());
  auto second = ClaimAll();
  ASSERT_EQ(second.size(), 1u);

  const store::InboxEvent& a = first[0];
  EXPECT_EQ(a.channel, kInboxChannel);
  EXPECT_EQ(a.event_id, "main/01JQ7K3M5N8P9R2S4T6V000013");
  EXPECT_EQ(a.ordering_key, "line:main:U7c1e0a9b3d5f4e2a6b8c0d1e2f3a4b5c");
  EXPECT_EQ(a.received_at_ms, 1'700'000'000'000);
  auto queued = DecodeQueuedEvent(a.payload);
  ASSERT_TRUE(queued.ok());
  EXPECT_EQ(queued->channel, "main");
  EXPECT_EQ(queued->event["message"]["text"], "もう一度送られたメッセージ");

  // No webhookEventId: an id from the body's hash and the index, stable for the same bytes.
  const store::InboxEvent& b = second[0];
  EXPECT_EQ(b.event_id.rfind("main/body-", 0), 0u) << b.event_id;
  EXPECT_EQ(b.event_id.substr(b.event_id.size() - 2), "-0");
  EXPECT_EQ(b.ordering_key, a.ordering_key) << "the same member: answered in order";
}

TEST_F(WebhookTest, RedeliveryIsQueuedOnce) {
  std::string first = R"({"destination":"U1","events":[{"type":"message","mode":"active",
    "timestamp":1,"source":{"type":"user","userId":"Uaaa"},"replyToken":"r1",
    "webhookEventId":"01HZZZZZZZZZZZZZZZZZZZZZZZ","deliveryContext":{"isRedelivery":false},
    "message":{"id":"1","type":"text","text":"ポイント"}}]})";
  std::string redelivered = first;
  redelivered.replace(redelivered.find("false"), 5, "true");
  ASSERT_NE(first, redelivered);
  EXPECT_EQ(Post(first).enqueued, 1);
  WebhookResponse r = Post(redelivered);
  EXPECT_EQ(r.http_status, 200);
  EXPECT_EQ(r.enqueued, 0);
  EXPECT_EQ(r.duplicates, 1);
  EXPECT_EQ(notified_.load(), 1) << "nothing new: the worker is not woken";
  // The same id on another LINE channel is another event.
  std::string other_sig = ComputeSignature("another_secret", first);
  EXPECT_EQ(handler_->Handle("other", first, other_sig).enqueued, 1);
  EXPECT_EQ(*inbox_->Depth(), 2);
}

TEST_F(WebhookTest, SignatureVectorsThroughTheHandler) {
  // V5: the signature is right, the body is not JSON.
  LineWebhookHandler v5(inbox_.get(), {{"v5", "p", "test_channel_secret", "t", ""}});
  WebhookResponse r =
      v5.Handle("v5", "i am not jason", "Z8YlPpm0lQOqPipiCHVbiuwIDIzRzD7w5hvHgmwEuEs=");
  EXPECT_EQ(r.http_status, 400);
  EXPECT_EQ(r.error, "invalid_body");
  // V1: valid signature, then the negative one.
  LineWebhookHandler v1(inbox_.get(), {{"v1", "p", "channel_secret", "t", ""}});
  EXPECT_EQ(v1.Handle("v1", "bodybodybodybody", "/gg9a+LvFevTH1sd7XCQycD7tsWclCsInj7MhBHxN7k=")
                .http_status,
            400);
  EXPECT_EQ(v1.Handle("v1", "bodybodybodybody", "invalid_signature").http_status, 401);
  // V2: case-flipped characters are a wrong signature.
  LineWebhookHandler v2(inbox_.get(), {{"v2", "p", "test_secret", "t", ""}});
  EXPECT_EQ(v2.Handle("v2", R"({"hello":"world"})", "t7Hn4ZDHqs6e+wdvI5TyQIvzie0DmMUmuXEBqyyE/tM=")
                .http_status,
            400)
      << "signed JSON, but not a webhook body";
  EXPECT_EQ(v2.Handle("v2", R"({"hello":"world"})", "t7Hn4ZDHqs6e+wdvi5TyQivzie0DmMUmuXEBqyyE/tM=")
                .http_status,
            401);
  // V3.
  LineWebhookHandler v3(inbox_.get(), {{"v3", "p", "SECRET", "t", ""}});
  EXPECT_EQ(v3.Handle("v3", "{}", "3q8QXTAGaey18yL8FWTqdVlbMr6hcuNvM4tefa0o9nA=").http_status, 400);
  EXPECT_EQ(v3.Handle("v3", "{}", "596359635963").http_status, 401);
  // A fixture body signed by an independent implementation (fixtures/README.md): accepted.
  LineWebhookHandler compact(inbox_.get(), {{"compact", "p", "madoguchi_fixture_secret", "t", ""}});
  WebhookResponse ok = compact.Handle("compact", ReadFixture("nodejs-middleware-body.json"),
                                      "IE+0K2G2NneB1fYQi2Q/RFrVCLmcEyYjA5wxJDzbUsY=");
  EXPECT_EQ(ok.http_status, 200);
  EXPECT_EQ(ok.enqueued, 1);
}

TEST_F(WebhookTest, Refusals) {
  std::string body = R"({"events":[{"type":"follow","source":{"type":"user","userId":"U1"}}]})";
  WebhookResponse missing = handler_->Handle("main", body, "");
  EXPECT_EQ(missing.http_status, 401);
  EXPECT_EQ(missing.error, "missing_signature");
  EXPECT_EQ(missing.body, R"({"error":"missing_signature"})");

  WebhookResponse wrong = handler_->Handle("main", body, ComputeSignature("not the secret", body));
  EXPECT_EQ(wrong.http_status, 401);
  EXPECT_EQ(wrong.error, "invalid_signature");
  // Signed for another channel: wrong here.
  EXPECT_EQ(handler_->Handle("other", body, ComputeSignature(kSecret, body)).http_status, 401);
  EXPECT_EQ(handler_->Handle("nobody", body, ComputeSignature(kSecret, body)).http_status, 404);
  EXPECT_TRUE(handler_->HasChannel("main"));
  EXPECT_FALSE(handler_->HasChannel("nobody"));

  EXPECT_EQ(Post("[1,2]").http_status, 400);
  EXPECT_EQ(Post(R"({"destination":"U1"})").http_status, 400);
  EXPECT_EQ(Post("{\"events\":[], \"bad\":\"\xc3\x28\"}").http_status, 400);

  EXPECT_EQ(*inbox_->Depth(), 0) << "nothing refused was queued";
  EXPECT_EQ(notified_.load(), 0);
}

TEST_F(WebhookTest, UrlCheckAndOddEntries) {
  WebhookResponse check =
      Post(R"({"destination":"Uab012345678901234567890123456789","events":[]})");
  EXPECT_EQ(check.http_status, 200);
  EXPECT_EQ(check.enqueued, 0);
  EXPECT_EQ(Post(R"({"events":[]})").http_status, 200);

  WebhookResponse odd = Post(R"({"events":[42,"x",{"type":"somethingNew"}]})");
  EXPECT_EQ(odd.http_status, 200);
  EXPECT_EQ(odd.skipped, 2);
  EXPECT_EQ(odd.enqueued, 1);
}

TEST_F(WebhookTest, OversizedBodyIsRefusedBeforeAnythingElse) {
  LineWebhookOptions options;
  options.max_body_bytes = 64;
  LineWebhookHandler small(inbox_.get(), {{"main", "kagawa", kSecret, "t", ""}}, options);
  std::string body = R"({"events":[{"type":"follow","source":{"type":"user","userId":"U1"}}]})";
  ASSERT_GT(body.size(), 64u);
  WebhookResponse r = small.Handle("main", body, "");
  EXPECT_EQ(r.http_status, 413);
  EXPECT_EQ(r.error, "body_too_large");
  EXPECT_EQ(small.Handle("main", R"({"events":[]})", ComputeSignature(kSecret, R"({"events":[]})"))
                .http_status,
            200);
}

TEST_F(WebhookTest, InboxFailureIs503SoLineRetries) {
  store::InboxOptions options;
  options.busy_timeout_ms = 50;
  auto locked_inbox = store::SqliteInbox::Open(path_, options);
  ASSERT_TRUE(locked_inbox.ok());
  LineWebhookHandler handler((*locked_inbox).get(), {{"main", "kagawa", kSecret, "t", ""}});
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(path_.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  std::string body = R"({"events":[{"type":"follow","source":{"type":"user","userId":"U1"}}]})";
  WebhookResponse r = handler.Handle("main", body, ComputeSignature(kSecret, body));
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(r.http_status, 503);
  EXPECT_EQ(r.error, "inbox_unavailable");
  EXPECT_EQ(handler.Handle("main", body, ComputeSignature(kSecret, body)).enqueued, 1);
}

TEST_F(WebhookTest, ConcurrentWebhooks) {
  constexpr int kThreads = 4, kBodies = 30;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kBodies; ++i) {
        std::string id = "T" + std::to_string(t) + "E" + std::to_string(i);
        std::string body = R"({"events":[{"type":"message","webhookEventId":")" + id +
                           R"(","source":{"type":"user","userId":"U)" + std::to_string(t) +
                           R"("},"message":{"type":"text","text":"hi"}}]})";
        if (Post(body).enqueued == 1) ++ok;
      }
    });
  }
  for (auto& t : threads) t.join();
  EXPECT_EQ(ok.load(), kThreads * kBodies);
  EXPECT_EQ(*inbox_->Depth(), kThreads * kBodies);
}

}  // namespace
}  // namespace madoguchi::line
