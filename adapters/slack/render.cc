#include "slack/render.h"

#include <unicode/brkiter.h>
#include <unicode/locid.h>
#include <unicode/utext.h>

#include <algorithm>
#include <cctype>
#include <memory>
#include <optional>

#include "text/utf8.h"

namespace madoguchi::slack {

namespace {

using nlohmann::json;

constexpr std::string_view kEllipsis = "…";

// Byte offsets of the grapheme-cluster boundaries of valid UTF-8 `s`, 0 and s.size() included.
// Falls back to code-point boundaries if ICU cannot provide a break iterator.
std::vector<size_t> GraphemeBoundaries(std::string_view s) {
  std::vector<size_t> out;
  UErrorCode status = U_ZERO_ERROR;
  // The prototype is built once; clone() of a const iterator is thread-safe and cheaper.
  static const icu::BreakIterator* const prototype = [] {
    UErrorCode st = U_ZERO_ERROR;
    icu::BreakIterator* it =
        icu::BreakIterator::createCharacterInstance(icu::Locale::getRoot(), st);
    if (U_FAILURE(st)) {
      delete it;
      return static_cast<icu::BreakIterator*>(nullptr);
    }
    return it;
  }();
  std::unique_ptr<icu::BreakIterator> it(prototype != nullptr ? prototype->clone() : nullptr);
  UText* ut = utext_openUTF8(nullptr, s.data(), static_cast<int64_t>(s.size()), &status);
  if (it != nullptr && U_SUCCESS(status)) {
    it->setText(ut, status);
    if (U_SUCCESS(status)) {
      for (int32_t p = it->first(); p != icu::BreakIterator::DONE; p = it->next()) {
        out.push_back(static_cast<size_t>(p));
      }
    }
  }
  utext_close(ut);
  if (out.empty() || out.back() != s.size()) {
    out.clear();
    for (size_t i = 0; i < s.size(); ++i) {
      if ((static_cast<unsigned char>(s[i]) & 0xC0) != 0x80) out.push_back(i);
    }
    out.push_back(s.size());
  }
  return out;
}

// UTF-16 length of valid UTF-8.
size_t Utf16LengthValid(std::string_view s) {
  size_t n = 0;
  for (unsigned char c : s) {
    if ((c & 0xC0) != 0x80) n += c >= 0xF0 ? 2 : 1;
  }
  return n;
}

void AppendEscaped(std::string_view s, std::string* out) {
  for (char c : s) {
    switch (c) {
      case '&':
        *out += "&amp;";
        break;
      case '<':
        *out += "&lt;";
        break;
      case '>':
        *out += "&gt;";
        break;
      default:
        *out += c;
    }
  }
}

bool EndsSentence(std::string_view grapheme) {
  return grapheme == "。" || grapheme == "．" || grapheme == "！" || grapheme == "？" ||
         grapheme == "." || grapheme == "!" || grapheme == "?";
}

bool IsBlank(std::string_view s) {
  return s.find_first_not_of(" \t\r\n") == std::string_view::npos;
}

std::string TrimNewlines(std::string s) {
  while (!s.empty() && (s.back() == '\n' || s.back() == '\r')) s.pop_back();
  size_t start = s.find_first_not_of("\r\n");
  return start == std::string::npos ? std::string() : s.substr(start);
}

bool SafeScheme(std::string_view url) {
  std::string lower;
  for (char c : url.substr(0, 8))
    lower += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  for (std::string_view scheme : {"https://", "http://", "mailto:", "tel:"}) {
    if (lower.compare(0, scheme.size(), scheme) == 0) return true;
  }
  return false;
}

json Section(std::string text) {
  return {{"type", "section"}, {"text", {{"type", "mrkdwn"}, {"text", std::move(text)}}}};
}

// The buttons' indices into `choices`: all when they fit, else the feedback ones first and then
// the others in order, up to `max`; returned in the original order.
std::vector<size_t> PickChoices(const std::vector<dialogue::Choice>& choices,
                                const std::vector<bool>& usable, size_t max) {
  std::vector<size_t> picked;
  for (int pass = 0; pass < 2; ++pass) {
    for (size_t i = 0; i < choices.size() && picked.size() < max; ++i) {
      if (!usable[i]) continue;
      bool feedback = choices[i].payload.rfind("feedback:", 0) == 0;
      if ((pass == 0) == feedback) picked.push_back(i);
    }
  }
  std::sort(picked.begin(), picked.end());
  return picked;
}

std::string PercentEncodeUrl(std::string_view url) {
  std::string out;
  static const char kHex[] = "0123456789ABCDEF";
  for (unsigned char c : url) {
    if (c == '|' || c == '<' || c == '>' || c == ' ' || c < 0x20 || c == 0x7F) {
      out += '%';
      out += kHex[c >> 4];
      out += kHex[c & 15];
    } else if (c == '&') {
      out += "&amp;";  // Slack's rule for "&" inside markup
    } else {
      out += static_cast<char>(c);
    }
  }
  return out;
}

std::string OneLine(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c == '\n' || c == '\r' || c == '\t') c = ' ';
  }
  return out;
}

std::optional<SlackMessage> RenderReply(const dialogue::Reply& reply, const SlackRenderOptions& o) {
  std::string body = text::RepairUtf8(reply.text);
  if (IsBlank(body)) body.clear();

  json buttons = json::array();
  {
    std::vector<bool> usable(reply.choices.size());
    for (size_t i = 0; i < reply.choices.size(); ++i) {
      const dialogue::Choice& c = reply.choices[i];
      usable[i] = !IsBlank(c.label) && !c.payload.empty() && text::IsValidUtf8(c.payload) &&
                  Utf16LengthValid(c.payload) <= o.max_button_value_chars;
    }
    for (size_t i : PickChoices(reply.choices, usable, o.max_buttons)) {
      const dialogue::Choice& c = reply.choices[i];
      buttons.push_back({{"type", "button"},
                         {"action_id", "choice-" + std::to_string(buttons.size())},
                         {"text",
                          {{"type", "plain_text"},
                           {"text", TrimToChars(OneLine(c.label), o.max_button_text_chars)},
                           {"emoji", true}}},
                         {"value", c.payload}});
    }
  }

  std::vector<std::string> link_lines;
  for (const kb::Link& l : reply.links) {
    if (l.url.empty()) continue;
    std::string line = FormatLink(l.url, l.label);
    if (Utf16Length(line) <= o.max_section_chars) link_lines.push_back(std::move(line));
  }

  if (body.empty() && !buttons.empty()) body = o.choices_prompt;
  if (body.empty() && link_lines.empty()) return std::nullopt;

  SlackMessage m;
  const size_t reserved = buttons.empty() ? 0 : 1;  // the actions block is always kept
  auto add_block = [&](json block) {
    if (m.blocks.size() + reserved < o.max_blocks) m.blocks.push_back(std::move(block));
  };
  for (std::string& piece : SplitEscaped(body, o.max_section_chars)) add_block(Section(piece));
  // Link lines are whole: a section holds as many as fit.
  std::string links;
  for (const std::string& line : link_lines) {
    if (!links.empty() && Utf16Length(links) + 1 + Utf16Length(line) > o.max_section_chars) {
      add_block(Section(links));
      links.clear();
    }
    if (!links.empty()) links += '\n';
    links += line;
  }
  if (!links.empty()) add_block(Section(links));
  if (!buttons.empty()) {
    m.blocks.push_back(
        {{"type", "actions"}, {"block_id", "madoguchi-choices"}, {"elements", std::move(buttons)}});
  }

  // The fallback: the escaped text cut to fit, then whole link lines while they fit.
  std::string fallback;
  if (!body.empty()) {
    std::vector<std::string> pieces = SplitEscaped(body, o.max_text_chars);
    if (!pieces.empty()) fallback = pieces.front();
    if (pieces.size() > 1) {
      // Room for the ellipsis: re-cut one character shorter.
      fallback = SplitEscaped(body, o.max_text_chars - 1).front() + std::string(kEllipsis);
    }
  }
  for (const std::string& line : link_lines) {
    size_t extra = (fallback.empty() ? 0 : 1) + Utf16Length(line);
    if (Utf16Length(fallback) + extra > o.max_text_chars) break;
    if (!fallback.empty()) fallback += '\n';
    fallback += line;
  }
  if (fallback.empty()) fallback = EscapeMrkdwn(body);  // a link too long for the fallback
  m.text = std::move(fallback);
  return m;
}

}  // namespace

std::string EscapeMrkdwn(std::string_view text) {
  std::string repaired = text::RepairUtf8(text);
  std::string out;
  out.reserve(repaired.size());
  AppendEscaped(repaired, &out);
  return out;
}

std::string FormatLink(std::string_view url, std::string_view label) {
  std::string u = text::RepairUtf8(url);
  std::string l = OneLine(text::RepairUtf8(label));
  if (!SafeScheme(u)) {
    // Not a link Slack should make clickable; still worth showing.
    return EscapeMrkdwn(IsBlank(l) ? u : l + " " + u);
  }
  std::string out = "<" + PercentEncodeUrl(u);
  if (!IsBlank(l)) {
    out += '|';
    AppendEscaped(l, &out);
  }
  out += '>';
  return out;
}

size_t Utf16Length(std::string_view text) { return Utf16LengthValid(text::RepairUtf8(text)); }

std::string TrimToChars(std::string_view text, size_t max_utf16) {
  std::string s = text::RepairUtf8(text);
  if (Utf16LengthValid(s) <= max_utf16) return s;
  if (max_utf16 == 0) return {};
  const size_t budget = max_utf16 - 1;  // "…" is one code unit
  std::vector<size_t> bounds = GraphemeBoundaries(s);
  size_t end = 0;
  size_t used = 0;
  for (size_t i = 1; i < bounds.size(); ++i) {
    size_t len =
        Utf16LengthValid(std::string_view(s).substr(bounds[i - 1], bounds[i] - bounds[i - 1]));
    if (used + len > budget) break;
    used += len;
    end = bounds[i];
  }
  return s.substr(0, end) + std::string(kEllipsis);
}

std::vector<std::string> SplitEscaped(std::string_view text, size_t max_utf16) {
  std::vector<std::string> out;
  if (max_utf16 == 0) return out;
  const std::string s = text::RepairUtf8(text);
  const std::vector<size_t> bounds = GraphemeBoundaries(s);
  std::string cur;
  size_t cur_len = 0;
  // Where `cur` may be cut: just after its last line break, and after its last sentence end
  // (byte offset into cur, and cur's length in code units there). 0: none.
  size_t line_cut = 0, line_cut_len = 0, sentence_cut = 0, sentence_cut_len = 0;
  auto emit = [&](size_t at, size_t at_len) {
    std::string piece = TrimNewlines(cur.substr(0, at));
    if (!IsBlank(piece)) out.push_back(std::move(piece));
    cur.erase(0, at);
    cur_len -= at_len;
    line_cut = line_cut > at ? line_cut - at : 0;
    line_cut_len = line_cut > 0 ? line_cut_len - at_len : 0;
    sentence_cut = sentence_cut > at ? sentence_cut - at : 0;
    sentence_cut_len = sentence_cut > 0 ? sentence_cut_len - at_len : 0;
  };
  for (size_t i = 1; i < bounds.size(); ++i) {
    std::string_view g = std::string_view(s).substr(bounds[i - 1], bounds[i] - bounds[i - 1]);
    std::string escaped;
    AppendEscaped(g, &escaped);
    const size_t len = Utf16LengthValid(escaped);
    if (cur_len + len > max_utf16 && !cur.empty()) {
      if (line_cut > 0 && line_cut_len * 2 >= max_utf16) {
        emit(line_cut, line_cut_len);
      } else if (sentence_cut > 0 && sentence_cut_len * 2 >= max_utf16) {
        emit(sentence_cut, sentence_cut_len);
      } else {
        emit(cur.size(), cur_len);
      }
      // A cut at a break may leave too little room still; then cut here as well.
      if (cur_len + len > max_utf16 && !cur.empty()) emit(cur.size(), cur_len);
    }
    cur += escaped;
    cur_len += len;
    if (g == "\n" || g == "\r\n") {
      line_cut = cur.size();
      line_cut_len = cur_len;
    } else if (EndsSentence(g)) {
      sentence_cut = cur.size();
      sentence_cut_len = cur_len;
    }
  }
  emit(cur.size(), cur_len);
  return out;
}

std::vector<SlackMessage> RenderTurn(const dialogue::Turn& turn,
                                     const SlackRenderOptions& options) {
  std::vector<SlackMessage> out;
  for (const dialogue::Reply& r : turn.messages) {
    if (auto m = RenderReply(r, options)) out.push_back(std::move(*m));
  }
  return out;
}

std::vector<SlackMessage> RenderText(std::string_view text, const SlackRenderOptions& options) {
  dialogue::Reply r;
  r.text = std::string(text);
  return RenderTurn(dialogue::Turn{{r}}, options);
}

}  // namespace madoguchi::slack
