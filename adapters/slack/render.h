// dialogue::Turn → Slack messages for chat.postMessage, one per Reply, within Slack's limits:
//
//   text      mrkdwn-safe: "&", "<", ">" escaped, so neither an answer nor a member's words
//             echoed back can form markup (<!channel>, <@U…>, links); in `section` blocks of at
//             most 3,000 characters each, split at a line break in the second half of the
//             window, else after a sentence end, else at a grapheme boundary;
//   links     a section of "<url|label>" lines (http, https, mailto, tel; anything else is shown
//             as text, never as a link); "|", "<", ">" and spaces in the URL are %-encoded;
//   choices   one `actions` block of buttons: value = the payload, text = the label trimmed to
//             75 characters with "…"; at most 25, feedback buttons kept first when there are
//             more; a payload over Slack's 2,000-character value limit is dropped rather than
//             cut, since a cut payload would mean something else;
//   fallback  the message's top-level `text` (notifications, clients without blocks): the
//             escaped text and link lines, trimmed to `max_text_chars` with "…".
//
// "Characters" are counted as UTF-16 code units, never fewer than Slack counts. Invalid UTF-8
// is repaired (U+FFFD), never passed on: Slack would refuse the whole call. Blocks beyond
// Slack's 50 per message are dropped (the fallback text still holds the start).
//
// Pure functions; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_SLACK_RENDER_H_
#define MADOGUCHI_ADAPTERS_SLACK_RENDER_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "dialogue/message.h"

namespace madoguchi::slack {

struct SlackRenderOptions {
  size_t max_section_chars = 3000;
  size_t max_text_chars = 4000;
  size_t max_blocks = 50;
  size_t max_buttons = 25;
  size_t max_button_text_chars = 75;
  size_t max_button_value_chars = 2000;
  // The text above the buttons when a reply has choices but no text.
  std::string choices_prompt = "以下から選んでください。";
};

// One chat.postMessage's content (the channel and thread are the caller's).
struct SlackMessage {
  std::string text;                                 // mrkdwn fallback; never empty
  nlohmann::json blocks = nlohmann::json::array();  // Block Kit blocks; may be empty
};

// The messages of a turn, in order: empty when the turn says nothing.
std::vector<SlackMessage> RenderTurn(const dialogue::Turn& turn,
                                     const SlackRenderOptions& options = {});
// Plain text as one message (split into sections as above), e.g. a notice; empty for "".
std::vector<SlackMessage> RenderText(std::string_view text, const SlackRenderOptions& options = {});

// Building blocks, public for tests. All take UTF-8 and repair it first.
// "&" → "&amp;", "<" → "&lt;", ">" → "&gt;".
std::string EscapeMrkdwn(std::string_view text);
// "<url|label>" ("<url>" without a label); for a URL that is not http(s), mailto or tel, the
// escaped "label url" as plain text.
std::string FormatLink(std::string_view url, std::string_view label);
size_t Utf16Length(std::string_view text);
// `text` if it has at most `max_utf16` code units, else its longest grapheme-aligned prefix that
// fits with "…" appended.
std::string TrimToChars(std::string_view text, size_t max_utf16);
// `text` escaped and cut into pieces of at most `max_utf16` code units each (see above for
// where it cuts); an escape ("&amp;") is never cut. Empty pieces are left out.
std::vector<std::string> SplitEscaped(std::string_view text, size_t max_utf16);

}  // namespace madoguchi::slack

#endif  // MADOGUCHI_ADAPTERS_SLACK_RENDER_H_
