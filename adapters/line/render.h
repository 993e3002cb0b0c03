// dialogue::Turn → LINE message objects for one reply or push call, within LINE's limits:
//
//   text      each message under 5,000 UTF-16 code units, split at a line break when there is
//             one in the second half of the window, else after a sentence end, else at a
//             grapheme boundary (never inside a surrogate pair or an emoji sequence);
//   count     at most 5 messages per call: short neighbours are joined first, and only when
//             nothing more can be joined is the last message trimmed with "…";
//   choices   quick-reply postback buttons on the last message (LINE shows quick replies only
//             there): data = payload, displayText = the label, label trimmed to 20 grapheme
//             clusters (ICU) with "…"; at most 13, feedback buttons (解決した / 解決しない) kept
//             first when there are more; a payload over LINE's 300-character data limit is
//             dropped rather than cut, since a cut payload would mean something else;
//   links     appended to the text as "label：URL" lines (they stay in the chat), and, while
//             there is room, also as URI quick-reply buttons.
//
// Invalid UTF-8 is repaired (U+FFFD), never passed on: LINE would reject the whole call.
// Pure functions; thread-safe.
#ifndef MADOGUCHI_ADAPTERS_LINE_RENDER_H_
#define MADOGUCHI_ADAPTERS_LINE_RENDER_H_

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "dialogue/message.h"

namespace madoguchi::line {

struct RenderOptions {
  size_t max_text_utf16 = 5000;
  size_t max_messages = 5;
  size_t max_quick_reply_items = 13;
  size_t max_label_graphemes = 20;
  size_t max_postback_data_utf16 = 300;
  size_t max_display_text_utf16 = 300;
  size_t max_uri_length = 1000;
  bool links_as_quick_replies = true;
  // The text carrying the buttons when the turn has choices but no text.
  std::string choices_prompt = "以下から選んでください。";
};

// The messages of one API call: empty when the turn says nothing, else 1..max_messages.
std::vector<nlohmann::json> RenderTurn(const dialogue::Turn& turn,
                                       const RenderOptions& options = {});
// Plain text (split and capped as above), e.g. the "text only, please" notice.
std::vector<nlohmann::json> RenderText(std::string_view text, const RenderOptions& options = {});

// Building blocks, public for tests. All take UTF-8 and repair it first.
size_t Utf16Length(std::string_view text);
size_t GraphemeCount(std::string_view text);
// `text` if it has at most `max_graphemes` grapheme clusters, else its first max - 1 and "…".
std::string TrimToGraphemes(std::string_view text, size_t max_graphemes);
// Pieces of at most `max_utf16` code units each (see above for where it cuts).
std::vector<std::string> SplitText(std::string_view text, size_t max_utf16);

}  // namespace madoguchi::line

#endif  // MADOGUCHI_ADAPTERS_LINE_RENDER_H_
