// Slack Events API and interactivity bodies, mutated byte by byte and node by node, through
// what the handler and the worker do with them: parsed, each inbound event queued, read back.
// Never a crash nor an exception; every event the handler accepts can be read back.
#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "fuzz/mutator.h"
#include "slack/events.h"
#include "slack/queued_event.h"
#include "slack/test_bodies.h"

namespace madoguchi::fuzz {
namespace {

using nlohmann::json;
using slack::testing::ActionsForm;
using slack::testing::Callback;
using slack::testing::DirectMessage;
using slack::testing::FormEncode;
using slack::testing::Mention;

const std::vector<std::string> kDictionary = {"{",
                                              "}",
                                              "[",
                                              "]",
                                              "\"",
                                              "\\u0000",
                                              "<@U1>",
                                              "<#C1|general>",
                                              "<http://a|b>",
                                              "&amp;",
                                              "&lt;",
                                              "%",
                                              "%zz",
                                              "%00",
                                              "+",
                                              "&",
                                              "=",
                                              "payload=",
                                              "\"type\"",
                                              "\"event\"",
                                              "\"text\""};

std::vector<std::string> EventSeeds() {
  return {Callback(DirectMessage("U1", "ポイントの有効期限は？")).dump(),
          Callback(Mention("U1", "パスワード <https://example.jp|ここ> &amp;", "C0001",
                           "1700000000.000300"))
              .dump(),
          json{{"type", "url_verification"}, {"challenge", "c"}, {"token", "t"}}.dump()};
}

void Queue(const StatusOr<slack::ParsedBody>& parsed) {
  if (!parsed.ok()) return;
  for (const slack::Inbound& in : parsed->inbound) {
    slack::InboxEventId(in);
    slack::OrderingKey(in);
    StatusOr<slack::Inbound> back = slack::DecodeQueuedEvent(slack::EncodeQueuedEvent(in));
    ASSERT_TRUE(back.ok()) << back.status().ToString();
  }
}

void Process(const std::string& body) {
  Queue(slack::ParseEventsBody(body));
  Queue(slack::ParseInteractionBody(body));
  slack::PlainText(body);
  slack::FormValue(body, "payload");
}

TEST(SlackEventsFuzz, MutatedEventBodies) {
  const std::vector<std::string> seeds = EventSeeds();
  Mutator m(0x736c6163);
  for (int i = 0; i < Iterations(3000); ++i) {
    Process(m.Mutate(seeds[m.Below(seeds.size())], kDictionary));
    if (HasFatalFailure()) FAIL() << "iteration " << i;
  }
}

TEST(SlackEventsFuzz, MutatedEventsAndInteractions) {
  const std::vector<std::string> seeds = EventSeeds();
  const std::string form = ActionsForm("feedback:yes:e1", "D1", "U1", "T0001");
  const std::string payload = *slack::FormValue(form, "payload");
  Mutator m(0x6b636b73);
  for (int i = 0; i < Iterations(2000); ++i) {
    const bool interaction = m.OneIn(2);
    json doc = json::parse(interaction ? payload : seeds[m.Below(seeds.size())]);
    for (size_t k = 1 + m.Below(3); k > 0; --k) m.MutateJson(doc);
    Process(interaction ? "payload=" + FormEncode(doc.dump()) : doc.dump());
    if (HasFatalFailure()) FAIL() << "iteration " << i;
  }
}

TEST(SlackEventsFuzz, ExtremeBodies) {
  std::vector<std::string> inputs = ExtremeInputs(EventSeeds()[0]);
  inputs.push_back("payload=" + std::string(100'000, '%'));
  inputs.push_back("payload=" + FormEncode(std::string(100'000, '[')));
  std::string mentions;
  for (int i = 0; i < 20'000; ++i) mentions += "<@U1|";
  inputs.push_back(Callback(DirectMessage("U1", mentions)).dump());
  for (const std::string& input : inputs) {
    Process(input);
    if (HasFatalFailure()) FAIL() << input.size() << " bytes";
  }
}

}  // namespace
}  // namespace madoguchi::fuzz
