#include "slack/events.h"

#include <openssl/sha.h>

#include <nlohmann/json.hpp>
#include <set>

#include "text/utf8.h"

namespace madoguchi::slack {

namespace {

using nlohmann::json;

constexpr std::pair<InboundKind, const char*> kKindNames[] = {
    {InboundKind::kMessage, "message"},   {InboundKind::kMention, "mention"},
    {InboundKind::kGreeting, "greeting"}, {InboundKind::kOtherMessage, "other_message"},
    {InboundKind::kButton, "button"},
};

// The string at `key` of an object, or "" (absent, not a string, or not an object).
std::string Str(const json& j, const char* key) {
  if (!j.is_object()) return {};
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

// Whether the boolean at `key` of an object is true; false when absent or not a boolean (json's
// value() would throw on another type, and Slack's bodies are outside input).
bool Flag(const json& j, const char* key) {
  if (!j.is_object()) return false;
  auto it = j.find(key);
  return it != j.end() && it->is_boolean() && it->get<bool>();
}

const json& Obj(const json& j, const char* key) {
  static const json kNull;
  if (!j.is_object()) return kNull;
  auto it = j.find(key);
  return it != j.end() && it->is_object() ? *it : kNull;
}

bool IsSpaceAt(std::string_view s, size_t i, size_t* len) {
  unsigned char c = static_cast<unsigned char>(s[i]);
  if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
    *len = 1;
    return true;
  }
  // U+3000 IDEOGRAPHIC SPACE: Japanese input methods type it between words.
  if (s.substr(i, 3) == "\xE3\x80\x80") {
    *len = 3;
    return true;
  }
  return false;
}

std::string_view TrimSpace(std::string_view s) {
  size_t n = 0;
  while (!s.empty() && IsSpaceAt(s, 0, &n)) s.remove_prefix(n);
  while (!s.empty()) {
    if (s.back() == ' ' || s.back() == '\t' || s.back() == '\n' || s.back() == '\r') {
      s.remove_suffix(1);
    } else if (s.size() >= 3 && s.substr(s.size() - 3) == "\xE3\x80\x80") {
      s.remove_suffix(3);
    } else {
      break;
    }
  }
  return s;
}

std::string DecodeEntities(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    if (s[i] == '&') {
      if (s.substr(i, 5) == "&amp;") {
        out += '&';
        i += 4;
        continue;
      }
      if (s.substr(i, 4) == "&lt;") {
        out += '<';
        i += 3;
        continue;
      }
      if (s.substr(i, 4) == "&gt;") {
        out += '>';
        i += 3;
        continue;
      }
    }
    out += s[i];
  }
  return out;
}

// What a "<…>" reference reads as in plain text.
std::string ReferenceText(std::string_view inner) {
  size_t bar = inner.find('|');
  std::string_view target = inner.substr(0, bar);
  std::string_view label =
      bar == std::string_view::npos ? std::string_view() : inner.substr(bar + 1);
  if (!target.empty() && (target[0] == '@' || target[0] == '#' || target[0] == '!')) {
    // Users, channels, @here and groups: their label if Slack gave one; an id means nothing to
    // the conversation.
    return DecodeEntities(label);
  }
  return DecodeEntities(label.empty() ? target : label);
}

std::string Sha256Hex(std::string_view data, size_t bytes) {
  unsigned char d[SHA256_DIGEST_LENGTH];
  SHA256(reinterpret_cast<const unsigned char*>(data.data()), data.size(), d);
  static const char kHex[] = "0123456789abcdef";
  std::string out;
  for (size_t i = 0; i < bytes && i < sizeof(d); ++i) {
    out += kHex[d[i] >> 4];
    out += kHex[d[i] & 15];
  }
  return out;
}

bool IsDirectMessageChannel(std::string_view channel_id) {
  return !channel_id.empty() && channel_id[0] == 'D';
}

// Subtypes that are still a member writing: a file with a comment, a thread reply also sent to
// the channel.
bool IsUserSubtype(const std::string& subtype) {
  return subtype.empty() || subtype == "file_share" || subtype == "thread_broadcast";
}

bool HasFiles(const json& event) {
  auto it = event.find("files");
  return it != event.end() && it->is_array() && !it->empty();
}

// The bot users this installation acts as (event_callback's "authorizations"), so that our own
// messages are ignored even when Slack leaves out bot_id.
std::set<std::string> BotUsers(const json& body) {
  std::set<std::string> out;
  auto it = body.find("authorizations");
  if (it == body.end() || !it->is_array()) return out;
  for (const json& a : *it) {
    if (Flag(a, "is_bot")) {
      std::string id = Str(a, "user_id");
      if (!id.empty()) out.insert(std::move(id));
    }
  }
  return out;
}

// Why `event` (a message or app_mention) is not from a member; empty when it is.
std::string NotFromMember(const json& event, const std::set<std::string>& bot_users) {
  std::string subtype = Str(event, "subtype");
  if (!Str(event, "bot_id").empty() || subtype == "bot_message" ||
      bot_users.count(Str(event, "user")) > 0) {
    return "bot";
  }
  if (!IsUserSubtype(subtype)) return "subtype:" + subtype;
  if (Flag(event, "hidden")) return "hidden";
  if (Str(event, "user").empty()) return "no_user";
  return {};
}

void ParseEvent(const json& body, const json& event, ParsedBody* out) {
  const std::string type = Str(event, "type");
  out->event_type = type;
  if (type != "message" && type != "app_mention") {
    out->ignored = "unsupported:" + (type.empty() ? std::string("?") : type);
    return;
  }
  std::string why = NotFromMember(event, BotUsers(body));
  if (!why.empty()) {
    out->ignored = std::move(why);
    return;
  }
  Inbound in;
  in.team_id = Str(body, "team_id");
  if (in.team_id.empty()) in.team_id = Str(event, "team");
  in.event_id = Str(body, "event_id");
  in.user_id = Str(event, "user");
  in.channel_id = Str(event, "channel");
  in.channel_type = Str(event, "channel_type");
  in.text = PlainText(Str(event, "text"));
  const std::string thread_ts = Str(event, "thread_ts");
  if (type == "message") {
    // Outside DMs only mentions are answered, and those come as app_mention events.
    if (in.channel_type != "im" && !IsDirectMessageChannel(in.channel_id)) {
      out->ignored = "not_addressed";
      return;
    }
    in.channel_type = "im";
    in.kind = InboundKind::kMessage;
    in.reply_thread_ts = thread_ts;
  } else {
    // A DM is answered from its message event; answering its mention too would answer twice.
    if (IsDirectMessageChannel(in.channel_id)) {
      out->ignored = "covered_by_message";
      return;
    }
    in.kind = InboundKind::kMention;
    in.reply_thread_ts = thread_ts.empty() ? Str(event, "ts") : thread_ts;
  }
  if (in.channel_id.empty()) {
    out->ignored = "no_channel";
    return;
  }
  if (in.text.empty()) {
    if (HasFiles(event) || Str(event, "subtype") == "file_share") {
      in.kind = InboundKind::kOtherMessage;
    } else if (in.kind == InboundKind::kMention) {
      in.kind = InboundKind::kGreeting;
    } else {
      out->ignored = "empty";
      return;
    }
  }
  out->inbound.push_back(std::move(in));
}

bool IsHexDigit(char c) {
  return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  return c - 'A' + 10;
}

StatusOr<std::string> FormDecode(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (size_t i = 0; i < s.size(); ++i) {
    char c = s[i];
    if (c == '+') {
      out += ' ';
    } else if (c == '%') {
      if (i + 2 >= s.size()) return InvalidArgument("form: truncated %-escape");
      if (!IsHexDigit(s[i + 1]) || !IsHexDigit(s[i + 2])) {
        return InvalidArgument("form: invalid %-escape");
      }
      out += static_cast<char>(HexValue(s[i + 1]) * 16 + HexValue(s[i + 2]));
      i += 2;
    } else {
      out += c;
    }
  }
  return out;
}

}  // namespace

const char* InboundKindName(InboundKind kind) {
  for (const auto& [k, name] : kKindNames) {
    if (k == kind) return name;
  }
  return "unknown";
}

bool ParseInboundKind(std::string_view name, InboundKind* kind) {
  for (const auto& [k, n] : kKindNames) {
    if (name == n) {
      *kind = k;
      return true;
    }
  }
  return false;
}

std::string PlainText(std::string_view slack_text) {
  const std::string repaired = text::RepairUtf8(slack_text);
  std::string_view s = repaired;
  // Leading mentions address the bot ("<@U0BOT> 残高は？"); they are not part of the question.
  while (true) {
    s = TrimSpace(s);
    if (s.substr(0, 2) != "<@") break;
    size_t close = s.find('>');
    if (close == std::string_view::npos) break;
    s.remove_prefix(close + 1);
  }
  std::string out;
  out.reserve(s.size());
  size_t i = 0;
  while (i < s.size()) {
    size_t open = s.find('<', i);
    if (open == std::string_view::npos) {
      out += DecodeEntities(s.substr(i));
      break;
    }
    out += DecodeEntities(s.substr(i, open - i));
    size_t close = s.find('>', open + 1);
    if (close == std::string_view::npos) {
      // Not markup (Slack escapes a literal "<"); keep it as written.
      out += DecodeEntities(s.substr(open));
      break;
    }
    out += ReferenceText(s.substr(open + 1, close - open - 1));
    i = close + 1;
  }
  return std::string(TrimSpace(out));
}

StatusOr<std::string> FormValue(std::string_view form, std::string_view key) {
  size_t pos = 0;
  while (pos <= form.size()) {
    size_t amp = form.find('&', pos);
    std::string_view pair =
        form.substr(pos, amp == std::string_view::npos ? std::string_view::npos : amp - pos);
    size_t eq = pair.find('=');
    auto name = FormDecode(pair.substr(0, eq));
    if (name.ok() && *name == key) {
      return FormDecode(eq == std::string_view::npos ? std::string_view() : pair.substr(eq + 1));
    }
    if (amp == std::string_view::npos) break;
    pos = amp + 1;
  }
  return NotFound("form: no field " + std::string(key));
}

StatusOr<ParsedBody> ParseEventsBody(std::string_view raw_body) {
  json body = json::parse(raw_body.begin(), raw_body.end(), nullptr, /*allow_exceptions=*/false);
  if (body.is_discarded() || !body.is_object()) return InvalidArgument("Slack event: not JSON");
  auto type = body.find("type");
  if (type == body.end() || !type->is_string()) return InvalidArgument("Slack event: no type");
  ParsedBody out;
  const std::string& t = type->get_ref<const std::string&>();
  if (t == "url_verification") {
    out.type = BodyType::kUrlVerification;
    out.event_type = t;
    out.challenge = Str(body, "challenge");
    if (out.challenge.empty()) return InvalidArgument("url_verification: no challenge");
    return out;
  }
  if (t != "event_callback") {
    out.event_type = t;
    out.ignored = "unsupported:" + t;
    return out;
  }
  out.type = BodyType::kEventCallback;
  const json& event = Obj(body, "event");
  if (!event.is_object()) return InvalidArgument("event_callback: no event object");
  ParseEvent(body, event, &out);
  for (Inbound& in : out.inbound) {
    // Slack always sends event_id; should one be missing, the body's hash still recognises a
    // retry of the same bytes.
    if (in.event_id.empty()) in.event_id = "body-" + Sha256Hex(raw_body, 16);
  }
  return out;
}

StatusOr<ParsedBody> ParseInteractionBody(std::string_view raw_body) {
  auto payload_text = FormValue(raw_body, "payload");
  if (!payload_text.ok()) {
    if (payload_text.status().code() == StatusCode::kNotFound &&
        FormValue(raw_body, "ssl_check").ok()) {
      // Slack's certificate check: answered 200 and otherwise ignored.
      ParsedBody out;
      out.event_type = "ssl_check";
      out.ignored = "ssl_check";
      return out;
    }
    return InvalidArgument("interaction: " + payload_text.status().message());
  }
  json payload = json::parse(*payload_text, nullptr, /*allow_exceptions=*/false);
  if (payload.is_discarded() || !payload.is_object()) {
    return InvalidArgument("interaction: payload is not JSON");
  }
  const std::string type = Str(payload, "type");
  if (type.empty()) return InvalidArgument("interaction: no type");
  ParsedBody out;
  out.event_type = type;
  if (type != "block_actions") {
    out.ignored = "unsupported:" + type;
    return out;
  }
  out.type = BodyType::kBlockActions;
  const json& user = Obj(payload, "user");
  const json& container = Obj(payload, "container");
  const json& message = Obj(payload, "message");
  std::string team = Str(Obj(payload, "team"), "id");
  if (team.empty()) team = Str(user, "team_id");
  std::string channel = Str(Obj(payload, "channel"), "id");
  if (channel.empty()) channel = Str(container, "channel_id");
  const std::string user_id = Str(user, "id");
  if (user_id.empty()) {
    out.ignored = "no_user";
    return out;
  }
  if (channel.empty()) {
    // A button in a modal or on App Home: nowhere in a chat to answer.
    out.ignored = "no_channel";
    return out;
  }
  std::string thread = Str(message, "thread_ts");
  if (thread.empty()) thread = Str(container, "thread_ts");
  std::string trigger = Str(payload, "trigger_id");
  auto actions = payload.find("actions");
  if (actions != payload.end() && actions->is_array()) {
    for (size_t i = 0; i < actions->size(); ++i) {
      const json& a = (*actions)[i];
      if (Str(a, "type") != "button") continue;
      std::string value = Str(a, "value");
      if (value.empty()) continue;
      std::string seed = trigger.empty() ? Str(a, "action_ts") + "-" + user_id : trigger;
      Inbound in;
      in.kind = InboundKind::kButton;
      in.event_id = "action-" + seed + "-" + std::to_string(i);
      in.team_id = team;
      in.user_id = user_id;
      in.channel_id = channel;
      in.channel_type = IsDirectMessageChannel(channel) ? "im" : "";
      in.postback = text::RepairUtf8(value);
      in.reply_thread_ts = thread;
      out.inbound.push_back(std::move(in));
    }
  }
  if (out.inbound.empty()) out.ignored = "no_button_value";
  return out;
}

}  // namespace madoguchi::slack
