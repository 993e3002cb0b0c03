#include "generic/wire.h"

#include "text/era.h"
#include "text/utf8.h"

namespace madoguchi::generic {

namespace {

using nlohmann::json;

Status Invalid(std::string message) {
  return Status(StatusCode::kInvalidArgument, std::move(message), kReasonInvalidRequest);
}

bool HasControl(const std::string& s) {
  for (char c : s) {
    if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) return true;
  }
  return false;
}

// body[name] as a string; nullopt when absent. `present_but_wrong` is set when it is there but
// is not a string.
std::optional<std::string> StringField(const json& body, const char* name,
                                       bool* present_but_wrong) {
  auto it = body.find(name);
  if (it == body.end() || it->is_null()) return std::nullopt;
  if (!it->is_string()) {
    *present_but_wrong = true;
    return std::nullopt;
  }
  return it->get<std::string>();
}

StatusOr<std::string> Program(const json& body) {
  bool wrong = false;
  std::optional<std::string> program = StringField(body, "program", &wrong);
  if (!program || program->empty() || program->size() > 64 || HasControl(*program)) {
    return Invalid("「program」にプログラムのID（例：kagawa）を文字列で指定してください。");
  }
  return *program;
}

Status CheckText(const std::string& text, const Limits& limits) {
  if (text::CodePointCount(text) > limits.max_text_code_points) {
    return Status(StatusCode::kInvalidArgument,
                  "メッセージが長すぎます。" +
                      text::FormatNumber(static_cast<long long>(limits.max_text_code_points)) +
                      "文字以内で送ってください。",
                  kReasonTextTooLong);
  }
  return Status::Ok();
}

}  // namespace

StatusOr<dialogue::Message> MessageFromJson(const json& body, const Limits& limits) {
  bool wrong = false;
  std::optional<std::string> user = StringField(body, "channel_user", &wrong);
  if (!user || user->empty() || user->size() > limits.max_user_bytes || HasControl(*user)) {
    return Invalid("「channel_user」に利用者のID（" + std::to_string(limits.max_user_bytes) +
                   "バイト以内の文字列）を指定してください。");
  }
  StatusOr<std::string> program = Program(body);
  if (!program.ok()) return program.status();
  std::optional<std::string> text = StringField(body, "text", &wrong);
  std::optional<std::string> postback = StringField(body, "postback", &wrong);
  if (wrong) return Invalid("「text」と「postback」は文字列で指定してください。");
  if (text.has_value() == postback.has_value()) {
    return Invalid(
        "「text」（入力された文章）か「postback」（選ばれた選択肢の payload）の"
        "どちらか一方を指定してください。");
  }
  dialogue::Message m;
  m.key = {kChannel, *user};
  m.program = *program;
  if (text) {
    MADOGUCHI_RETURN_IF_ERROR(CheckText(*text, limits));
    m.text = std::move(*text);
  } else {
    if (postback->empty() || postback->size() > limits.max_postback_bytes ||
        HasControl(*postback)) {
      return Invalid("「postback」には、選択肢の payload をそのまま指定してください。");
    }
    m.postback = std::move(*postback);
  }
  return m;
}

StatusOr<AskRequest> AskFromJson(const json& body, const Limits& limits) {
  StatusOr<std::string> program = Program(body);
  if (!program.ok()) return program.status();
  bool wrong = false;
  std::optional<std::string> text = StringField(body, "text", &wrong);
  if (!text) return Invalid("「text」に質問の文章を文字列で指定してください。");
  MADOGUCHI_RETURN_IF_ERROR(CheckText(*text, limits));
  return AskRequest{*program, std::move(*text)};
}

nlohmann::ordered_json TurnToJson(const dialogue::Turn& turn) {
  nlohmann::ordered_json messages = nlohmann::ordered_json::array();
  for (const dialogue::Reply& r : turn.messages) {
    nlohmann::ordered_json m;
    m["text"] = r.text;
    nlohmann::ordered_json choices = nlohmann::ordered_json::array();
    for (const auto& c : r.choices) choices.push_back({{"label", c.label}, {"payload", c.payload}});
    m["choices"] = std::move(choices);
    nlohmann::ordered_json links = nlohmann::ordered_json::array();
    for (const auto& l : r.links) links.push_back({{"label", l.label}, {"url", l.url}});
    m["links"] = std::move(links);
    m["outcome"] = dialogue::OutcomeName(r.outcome);
    if (!r.entry_id.empty()) m["id"] = r.entry_id;
    if (!r.action.empty()) m["action"] = r.action;
    messages.push_back(std::move(m));
  }
  nlohmann::ordered_json j;
  j["messages"] = std::move(messages);
  return j;
}

}  // namespace madoguchi::generic
