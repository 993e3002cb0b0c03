// Slack request bodies for tests, shaped like the examples in Slack's Events API and
// interactivity documentation. Pure functions.
#ifndef MADOGUCHI_TESTS_SLACK_TEST_BODIES_H_
#define MADOGUCHI_TESTS_SLACK_TEST_BODIES_H_

#include <cctype>
#include <nlohmann/json.hpp>
#include <string>

namespace madoguchi::slack::testing {

// An event_callback envelope around `event`.
inline nlohmann::json Callback(const nlohmann::json& event, const std::string& event_id = "Ev1",
                               const std::string& team = "T0001") {
  return {{"token", "XXYYZZ"},
          {"team_id", team},
          {"api_app_id", "A0MADOGUCHI"},
          {"event", event},
          {"type", "event_callback"},
          {"event_id", event_id},
          {"event_time", 1700000000},
          {"authorizations",
           {{{"enterprise_id", nullptr},
             {"team_id", team},
             {"user_id", "U0BOT"},
             {"is_bot", true},
             {"is_enterprise_install", false}}}},
          {"event_context", "4-eyJldCI6Im1lc3NhZ2UifQ"}};
}

// A member's direct message.
inline nlohmann::json DirectMessage(const std::string& user, const std::string& text,
                                    const std::string& channel = "D0001",
                                    const std::string& ts = "1700000000.000100") {
  return {{"type", "message"}, {"channel", channel}, {"user", user},        {"text", text},
          {"ts", ts},          {"event_ts", ts},     {"channel_type", "im"}};
}

// A mention of the bot (U0BOT) in a channel.
inline nlohmann::json Mention(const std::string& user, const std::string& text,
                              const std::string& channel, const std::string& ts) {
  return {{"type", "app_mention"}, {"user", user},  {"text", "<@U0BOT> " + text}, {"ts", ts},
          {"channel", channel},    {"event_ts", ts}};
}

// application/x-www-form-urlencoded encoding of a value.
inline std::string FormEncode(const std::string& value) {
  static const char kHex[] = "0123456789ABCDEF";
  std::string out;
  for (unsigned char c : value) {
    if (std::isalnum(c) || c == '-' || c == '_' || c == '.' || c == '~') {
      out += static_cast<char>(c);
    } else if (c == ' ') {
      out += '+';
    } else {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    }
  }
  return out;
}

// The interactivity body of a button tap (block_actions) in `channel`.
inline std::string ActionsForm(const std::string& value, const std::string& channel,
                               const std::string& user, const std::string& team) {
  nlohmann::json payload = {
      {"type", "block_actions"},
      {"team", {{"id", team}, {"domain", "example"}}},
      {"user", {{"id", user}, {"username", "member"}, {"team_id", team}}},
      {"api_app_id", "A0MADOGUCHI"},
      {"token", "XXYYZZ"},
      {"container",
       {{"type", "message"},
        {"message_ts", "1700000000.000200"},
        {"channel_id", channel},
        {"is_ephemeral", false}}},
      {"trigger_id", "13345224609.738474920.8088930838d88f008e0"},
      {"channel", {{"id", channel}, {"name", "directmessage"}}},
      {"message", {{"type", "message"}, {"ts", "1700000000.000200"}, {"text", "候補"}}},
      {"response_url", "https://hooks.slack.com/actions/T0001/1/abc"},
      {"actions",
       {{{"action_id", "choice-0"},
         {"block_id", "madoguchi-choices"},
         {"text", {{"type", "plain_text"}, {"text", "ポイントの有効期限"}, {"emoji", true}}},
         {"value", value},
         {"type", "button"},
         {"action_ts", "1700000001.000300"}}}}};
  return "payload=" + FormEncode(payload.dump());
}

}  // namespace madoguchi::slack::testing

#endif  // MADOGUCHI_TESTS_SLACK_TEST_BODIES_H_
