// LINE webhook bodies from the LINE tests' fixtures (line/fixtures.h) and one of our own,
// mutated byte by byte and node by node, through what the webhook and the worker do with them:
// the body parsed, each event queued, read back and parsed. Never a crash nor an exception;
// every event the webhook accepts can be read back by the worker.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz/mutator.h"
#include "line/events.h"
#include "line/fixtures.h"
#include "line/queued_event.h"

namespace madoguchi::fuzz {
namespace {

using nlohmann::json;

const std::vector<std::string> kDictionary = {
    "{",        "}",           "[",          "]",          ",",        ":",          "\"",
    "\\u0000",  "\\ud800",     "\\\"",       "null",       "true",     "1e999",      "-0",
    "\"type\"", "\"message\"", "\"events\"", "\"source\"", "\"text\"", "\"userId\"", "\"mode\""};

std::vector<std::string> Seeds() {
  std::vector<std::string> seeds;
  for (const std::string& name : line::testing::FixtureNames()) {
    seeds.push_back(line::testing::ReadFixture(name));
  }
  json event = {{"type", "message"},
                {"mode", "active"},
                {"timestamp", 1747000000000},
                {"source", {{"type", "user"}, {"userId", "U0123456789abcdef0123456789abcdef"}}},
                {"webhookEventId", "01FUZZ"},
                {"deliveryContext", {{"isRedelivery", false}}},
                {"replyToken", "fuzz-reply-token"},
                {"message", {{"id", "42"}, {"type", "text"}, {"text", "ポイントの有効期限は？"}}}};
  seeds.push_back(json{{"destination", "Uab0123"}, {"events", {event}}}.dump());
  return seeds;
}

// What the webhook and then the worker do with a body.
void Process(const std::string& body) {
  StatusOr<line::WebhookBody> parsed = line::ParseWebhookBody(body);
  if (!parsed.ok()) return;
  for (size_t i = 0; i < parsed->events.size(); ++i) {
    const json& e = parsed->events[i];
    line::ParseEvent(e);
    line::InboxEventId("main", e, body, i);
    line::OrderingKey("main", e);
    const std::string payload = line::EncodeQueuedEvent("main", e);
    StatusOr<line::QueuedEvent> queued = line::DecodeQueuedEvent(payload);
    ASSERT_TRUE(queued.ok()) << queued.status().ToString();
    line::ParseEvent(queued->event);
  }
}

TEST(LineEventsFuzz, MutatedBodies) {
  const std::vector<std::string> seeds = Seeds();
  Mutator m(0x6c696e65);
  for (int i = 0; i < Iterations(3000); ++i) {
    Process(m.Mutate(seeds[m.Below(seeds.size())], kDictionary));
    if (HasFatalFailure()) FAIL() << "iteration " << i;
  }
}

TEST(LineEventsFuzz, MutatedEvents) {
  const std::vector<std::string> seeds = Seeds();
  Mutator m(0x6576656e);
  for (int i = 0; i < Iterations(2000); ++i) {
    json doc = json::parse(seeds[m.Below(seeds.size())]);
    for (size_t k = 1 + m.Below(3); k > 0; --k) m.MutateJson(doc);
    Process(doc.dump());
    if (HasFatalFailure()) FAIL() << "iteration " << i;
  }
}

TEST(LineEventsFuzz, ExtremeBodies) {
  const std::vector<std::string> seeds = Seeds();
  std::vector<std::string> inputs = ExtremeInputs(seeds.back());
  // Deep nesting inside an event, which the webhook would queue as it is.
  std::string deep = R"({"events":[{"type":"message","message":)";
  deep += std::string(100'000, '[') + std::string(100'000, ']') + "}]}";
  inputs.push_back(deep);
  for (const std::string& input : inputs) {
    Process(input);
    if (HasFatalFailure()) FAIL() << input.size() << " bytes";
  }
}

}  // namespace
}  // namespace madoguchi::fuzz
