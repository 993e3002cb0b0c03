// Slack request bodies (already verified) parsed into what the worker answers.
//
//   Events API (application/json)
//     url_verification               → the challenge to echo
//     event_callback, event:
//       message in a direct message  → kMessage (a file without text: kOtherMessage)
//       app_mention                  → kMention, the leading "<@U…>" removed (just the mention:
//                                      kGreeting, so the member hears what the bot can do)
//       message outside a DM         → ignored: in channels the bot answers when mentioned, and
//                                      a mention also arrives as its own app_mention event
//       from a bot (bot_id, subtype bot_message, our own bot user), any other subtype
//       (message_changed, message_deleted, channel_join …), hidden, no user → ignored
//       any other event type         → ignored
//     any other type (app_rate_limited …) → ignored
//   Interactivity (application/x-www-form-urlencoded, payload=<JSON>)
//     block_actions: each button with a value → kButton (a postback carrying the value)
//     any other interaction type     → ignored
//
// Lenient inside an event: odd or missing fields read as empty, so a new event shape is ignored
// rather than refused; only a body that is not what Slack sends at all is an error.
//
// Replies go where the member will look for them: a DM is answered in the DM (in the thread if
// the member wrote in one); a mention in a channel is answered in a thread under it, so the bot
// does not fill the channel; a button is answered where its message was.
//
// Pure functions; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_SLACK_EVENTS_H_
#define MADOGUCHI_ADAPTERS_SLACK_EVENTS_H_

#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"

namespace madoguchi::slack {

enum class InboundKind {
  kMessage,       // text the member typed in a DM
  kMention,       // text addressed to the bot in a channel (the mention removed)
  kGreeting,      // a bare mention: nothing asked yet
  kOtherMessage,  // a file or other content without text
  kButton,        // a tapped button: `postback` holds its value
};
// "message", "mention", …: stable names for logs, metrics and the inbox payload.
const char* InboundKindName(InboundKind kind);
// The kind named `name`; false when there is none.
bool ParseInboundKind(std::string_view name, InboundKind* kind);

// One thing a member did that deserves an answer.
struct Inbound {
  InboundKind kind = InboundKind::kMessage;
  // Slack's id of the event: event_callback's event_id, or for a button "action-" + trigger_id
  // (+ "-" + the action's index). Unique per team; the inbox deduplicates on it.
  std::string event_id;
  std::string team_id;          // the workspace the app is installed in
  std::string user_id;          // who wrote or tapped
  std::string channel_id;       // where: "D…" for a DM, "C…"/"G…" for channels
  std::string channel_type;     // "im", "channel", "group", "mpim"; empty when Slack omits it
  std::string text;             // kMessage, kMention: plain text, Slack's markup decoded
  std::string postback;         // kButton: the button's value
  std::string reply_thread_ts;  // the thread to answer in; empty: the channel itself
};

enum class BodyType { kUrlVerification, kEventCallback, kBlockActions, kOther };

struct ParsedBody {
  BodyType type = BodyType::kOther;
  std::string challenge;  // kUrlVerification
  std::string
      event_type;  // for logs: "message", "app_mention", "block_actions", "app_rate_limited"
  std::vector<Inbound> inbound;  // what to answer, in order; may be empty
  // Why `inbound` is empty for a body that carried something (for logs and metrics): "bot",
  // "subtype:message_changed", "not_addressed", "unsupported:reaction_added", … Empty when
  // something was found.
  std::string ignored;
};

// Parses an Events API body. InvalidArgument when it is not a JSON object with a string
// "type", or an event_callback without an "event" object, or url_verification without a
// challenge. `raw_body` also seeds the id of an event that lacks event_id.
StatusOr<ParsedBody> ParseEventsBody(std::string_view raw_body);

// Parses an interactivity body (`payload=` + URL-encoded JSON). InvalidArgument when there is
// no payload field, or it is not a JSON object with a string "type".
StatusOr<ParsedBody> ParseInteractionBody(std::string_view raw_body);

// Slack's markup in a member's text made plain: leading mentions of anyone ("<@U123>") are
// removed (they address the bot), other user and channel references become their label or id,
// links "<url|label>" their label and "<url>" the URL, and "&amp;", "&lt;", "&gt;" are decoded.
// Surrounding whitespace is trimmed. Invalid UTF-8 is repaired.
std::string PlainText(std::string_view slack_text);

// The value of `key` in an application/x-www-form-urlencoded body, decoded ("+" is a space,
// %XX a byte); NotFound when the key is absent, InvalidArgument for a broken %-escape.
StatusOr<std::string> FormValue(std::string_view form, std::string_view key);

}  // namespace madoguchi::slack

#endif  // MADOGUCHI_ADAPTERS_SLACK_EVENTS_H_
