#include "line/render.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/unistr.h>
#include <unicode/utf16.h>

#include <memory>
#include <set>
#include <utility>

namespace madoguchi::line {

namespace {

using nlohmann::json;

// ICU's fromUTF8 replaces ill-formed sequences with U+FFFD: this is where input is repaired.
icu::UnicodeString ToUnicode(std::string_view s) {
  return icu::UnicodeString::fromUTF8(icu::StringPiece(s.data(), static_cast<int32_t>(s.size())));
}

std::string ToUtf8(const icu::UnicodeString& u) {
  std::string out;
  u.toUTF8String(out);
  return out;
}

// A grapheme-cluster iterator over `text` (which must outlive its use), or null when ICU has
// no break data, in which case callers fall back to code points. Creating one is costly, so
// each thread keeps its own.
icu::BreakIterator* Graphemes(const icu::UnicodeString& text) {
  thread_local std::unique_ptr<icu::BreakIterator> it = [] {
    UErrorCode status = U_ZERO_ERROR;
    std::unique_ptr<icu::BreakIterator> b(
        icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), status));
    return U_SUCCESS(status) ? std::move(b) : nullptr;
  }();
  if (it) it->setText(text);
  return it.get();
}

// The last position <= pos that does not split a grapheme cluster (0 if none does).
int32_t BoundaryAtOrBefore(const icu::UnicodeString& u, int32_t pos) {
  if (pos >= u.length()) return u.length();
  if (pos <= 0) return 0;
  // Inside a surrogate pair, step to its start first: ICU pins such offsets to the code point's
  // start itself, and preceding() would then skip one cluster too many.
  if (U16_IS_TRAIL(u.charAt(pos)) && U16_IS_LEAD(u.charAt(pos - 1))) --pos;
  if (icu::BreakIterator* it = Graphemes(u)) {
    int32_t b = it->isBoundary(pos) ? pos : it->preceding(pos);
    if (b != icu::BreakIterator::DONE && b > 0) return b;
  }
  // No break data, or one cluster longer than the window: code points stay whole at least.
  return pos;
}

int32_t CountGraphemes(const icu::UnicodeString& u) {
  if (icu::BreakIterator* it = Graphemes(u)) {
    int32_t n = 0;
    for (int32_t b = it->next(); b != icu::BreakIterator::DONE; b = it->next()) ++n;
    return n;
  }
  return u.countChar32();
}

icu::UnicodeString TrimGraphemes(const icu::UnicodeString& u, int32_t max) {
  if (CountGraphemes(u) <= max) return u;
  if (max <= 0) return {};
  int32_t end = 0;
  if (icu::BreakIterator* it = Graphemes(u)) {
    it->first();
    for (int32_t i = 0; i < max - 1; ++i) end = it->next();
  } else {
    end = u.moveIndex32(0, max - 1);
  }
  icu::UnicodeString out(u, 0, end);
  out.append(static_cast<UChar>(0x2026));  // …
  return out;
}

// `u` cut to at most `max` UTF-16 units, ending in "…" when cut.
icu::UnicodeString TrimUtf16(const icu::UnicodeString& u, int32_t max) {
  if (u.length() <= max) return u;
  if (max <= 0) return {};
  icu::UnicodeString out(u, 0, BoundaryAtOrBefore(u, max - 1));
  out.append(static_cast<UChar>(0x2026));
  return out;
}

bool IsSentenceEnd(UChar c) {
  return c == u'。' || c == u'！' || c == u'？' || c == u'!' || c == u'?' || c == u'.';
}

std::vector<icu::UnicodeString> Split(const icu::UnicodeString& u, int32_t max) {
  std::vector<icu::UnicodeString> pieces;
  if (max <= 0) return pieces;
  auto add = [&](int32_t from, int32_t to) {
    if (to > from) pieces.emplace_back(u, from, to - from);
  };
  int32_t start = 0;
  const int32_t len = u.length();
  while (len - start > max) {
    const int32_t limit = start + max;  // a piece is [start, cut) with cut <= limit
    const int32_t half = start + max / 2;
    int32_t cut = -1;
    int32_t next = -1;
    // A line break in the second half of the window: cut there and drop the break.
    int32_t nl = u.lastIndexOf(static_cast<UChar>(u'\n'), half, limit + 1 - half);
    if (nl > start) {
      cut = nl;
      next = nl + 1;
    } else {
      for (int32_t i = limit - 1; i >= half && i > start; --i) {
        if (IsSentenceEnd(u.charAt(i))) {
          cut = next = i + 1;
          break;
        }
      }
    }
    if (cut < 0) cut = next = BoundaryAtOrBefore(u, limit);
    if (cut <= start) {  // a single cluster longer than the window: cut it, keeping pairs whole
      cut = limit;
      if (U16_IS_TRAIL(u.charAt(cut)) && U16_IS_LEAD(u.charAt(cut - 1))) --cut;
      next = cut;
    }
    add(start, cut);
    start = next;
  }
  add(start, len);
  return pieces;
}

bool HasPrefix(const std::string& s, std::string_view prefix) {
  return s.compare(0, prefix.size(), prefix) == 0;
}

// The reply's text with its links appended as lines (unless the URL is already in the text).
icu::UnicodeString TextWithLinks(const dialogue::Reply& reply) {
  std::string text = reply.text;
  bool first = true;
  for (const kb::Link& link : reply.links) {
    if (link.url.empty() || text.find(link.url) != std::string::npos) continue;
    text += first && !text.empty() ? "\n\n" : (text.empty() ? "" : "\n");
    first = false;
    text += link.label.empty() ? link.url : link.label + "：" + link.url;
  }
  return ToUnicode(text);
}

// Joins the two adjacent messages with the smallest sum that still fits, until at most `max`
// remain; if nothing fits, the overflow is joined into the last allowed message and trimmed.
void Pack(std::vector<icu::UnicodeString>& msgs, size_t max, int32_t max_units) {
  static const icu::UnicodeString kGap = ToUnicode("\n\n");
  while (msgs.size() > max) {
    size_t best = msgs.size();
    int32_t best_len = 0;
    for (size_t i = 0; i + 1 < msgs.size(); ++i) {
      int32_t joined = msgs[i].length() + kGap.length() + msgs[i + 1].length();
      if (joined <= max_units && (best == msgs.size() || joined < best_len)) {
        best = i;
        best_len = joined;
      }
    }
    if (best == msgs.size()) break;
    msgs[best].append(kGap).append(msgs[best + 1]);
    msgs.erase(msgs.begin() + static_cast<std::ptrdiff_t>(best) + 1);
  }
  if (msgs.size() > max) {
    icu::UnicodeString rest;
    for (size_t i = max - 1; i < msgs.size(); ++i) {
      if (i >= max) rest.append(kGap);
      rest.append(msgs[i]);
    }
    msgs.resize(max);
    msgs.back() = TrimUtf16(rest, max_units);
  }
}

json PostbackItem(const dialogue::Choice& c, const RenderOptions& o) {
  icu::UnicodeString label = ToUnicode(c.label);
  return {{"type", "action"},
          {"action",
           {{"type", "postback"},
            {"label", ToUtf8(TrimGraphemes(label, static_cast<int32_t>(o.max_label_graphemes)))},
            {"data", c.payload},
            {"displayText",
             ToUtf8(TrimUtf16(label, static_cast<int32_t>(o.max_display_text_utf16)))}}}};
}

json UriItem(const kb::Link& link, const RenderOptions& o) {
  std::string label = link.label.empty() ? "リンクを開く" : link.label;
  return {{"type", "action"},
          {"action",
           {{"type", "uri"},
            {"label", TrimToGraphemes(label, o.max_label_graphemes)},
            {"uri", link.url}}}};
}

// The quick-reply items of the whole turn, in order, within the limits.
std::vector<json> QuickReplyItems(const dialogue::Turn& turn, const RenderOptions& o) {
  std::vector<const dialogue::Choice*> choices;
  std::set<std::string> payloads;
  for (const dialogue::Reply& r : turn.messages) {
    for (const dialogue::Choice& c : r.choices) {
      if (c.label.empty() || c.payload.empty() || !payloads.insert(c.payload).second) continue;
      if (Utf16Length(c.payload) > o.max_postback_data_utf16) continue;
      choices.push_back(&c);
    }
  }
  // Over the limit: feedback buttons stay, the rest fill what is left in order.
  size_t feedback = 0;
  for (const auto* c : choices) feedback += HasPrefix(c->payload, "feedback:");
  size_t others_room = o.max_quick_reply_items > feedback ? o.max_quick_reply_items - feedback : 0;
  std::vector<json> items;
  for (const auto* c : choices) {
    if (items.size() >= o.max_quick_reply_items) break;
    if (!HasPrefix(c->payload, "feedback:")) {
      if (others_room == 0) continue;
      --others_room;
    }
    items.push_back(PostbackItem(*c, o));
  }
  if (o.links_as_quick_replies) {
    for (const dialogue::Reply& r : turn.messages) {
      for (const kb::Link& link : r.links) {
        if (items.size() >= o.max_quick_reply_items) return items;
        bool web = HasPrefix(link.url, "https://") || HasPrefix(link.url, "http://");
        if (web && link.url.size() <= o.max_uri_length) items.push_back(UriItem(link, o));
      }
    }
  }
  return items;
}

std::vector<json> ToMessages(std::vector<icu::UnicodeString> texts, std::vector<json> items,
                             const RenderOptions& o) {
  const int32_t max_units = static_cast<int32_t>(o.max_text_utf16);
  std::vector<icu::UnicodeString> msgs;
  for (const auto& t : texts) {
    for (auto& piece : Split(t, max_units)) msgs.push_back(std::move(piece));
  }
  if (msgs.empty() && !items.empty()) msgs.push_back(ToUnicode(o.choices_prompt));
  if (o.max_messages == 0) return {};
  Pack(msgs, o.max_messages, max_units);
  std::vector<json> out;
  for (const auto& m : msgs) out.push_back({{"type", "text"}, {"text", ToUtf8(m)}});
  if (!out.empty() && !items.empty()) out.back()["quickReply"] = {{"items", std::move(items)}};
  return out;
}

}  // namespace

size_t Utf16Length(std::string_view text) { return static_cast<size_t>(ToUnicode(text).length()); }

size_t GraphemeCount(std::string_view text) {
  return static_cast<size_t>(CountGraphemes(ToUnicode(text)));
}

std::string TrimToGraphemes(std::string_view text, size_t max_graphemes) {
  return ToUtf8(TrimGraphemes(ToUnicode(text), static_cast<int32_t>(max_graphemes)));
}

std::vector<std::string> SplitText(std::string_view text, size_t max_utf16) {
  std::vector<std::string> out;
  for (const auto& piece : Split(ToUnicode(text), static_cast<int32_t>(max_utf16))) {
    out.push_back(ToUtf8(piece));
  }
  return out;
}

std::vector<json> RenderTurn(const dialogue::Turn& turn, const RenderOptions& options) {
  std::vector<icu::UnicodeString> texts;
  for (const dialogue::Reply& r : turn.messages) {
    icu::UnicodeString t = TextWithLinks(r);
    if (!t.isEmpty()) texts.push_back(std::move(t));
  }
  return ToMessages(std::move(texts), QuickReplyItems(turn, options), options);
}

std::vector<json> RenderText(std::string_view text, const RenderOptions& options) {
  std::vector<icu::UnicodeString> texts;
  if (!text.empty()) texts.push_back(ToUnicode(text));
  return ToMessages(std::move(texts), {}, options);
}

}  // namespace madoguchi::line
