// A LINE text message event as LINE posts it to a webhook, the body that carries it, and its
// signed POST: what the service's tests send to /webhook/line/{name}.
#ifndef MADOGUCHI_TESTS_LINE_TEXT_EVENT_H_
#define MADOGUCHI_TESTS_LINE_TEXT_EVENT_H_

#include <httplib.h>

#include <cstdint>
#include <nlohmann/json.hpp>
#include <string>

#include "line/signature.h"

namespace madoguchi::line::testing {

// A 1:1 text message from `user`. Empty reply_token and message_id become
// "reply-token-<event_id>" and "1<event_id>".
struct TextEvent {
  std::string event_id;
  std::string user;
  std::string text;
  std::string reply_token{};
  std::string message_id{};
  std::string mode = "active";
  int64_t timestamp = 1747000000000;

  nlohmann::json Json() const {
    return {{"type", "message"},
            {"mode", mode},
            {"timestamp", timestamp},
            {"source", {{"type", "user"}, {"userId", user}}},
            {"webhookEventId", event_id},
            {"deliveryContext", {{"isRedelivery", false}}},
            {"replyToken", reply_token.empty() ? "reply-token-" + event_id : reply_token},
            {"message",
             {{"id", message_id.empty() ? "1" + event_id : message_id},
              {"type", "text"},
              {"text", text}}}};
  }
};

// The webhook body carrying one event.
inline std::string WebhookBody(const nlohmann::json& event) {
  return nlohmann::json{{"destination", "Uab012345678901234567890123456789"}, {"events", {event}}}
      .dump();
}

// POSTs `body` to `path` signed with `secret`, as LINE does.
inline httplib::Result PostSigned(httplib::Client& client, const std::string& path,
                                  const std::string& secret, const std::string& body) {
  return client.Post(path, {{"X-Line-Signature", ComputeSignature(secret, body)}}, body,
                     "application/json");
}

}  // namespace madoguchi::line::testing

#endif  // MADOGUCHI_TESTS_LINE_TEXT_EVENT_H_
