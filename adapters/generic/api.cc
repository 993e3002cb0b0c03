#include "generic/api.h"

#include "service/reply_json.h"

namespace madoguchi::generic {

namespace {

Status CheckProgram(const service::Helpdesk& helpdesk, const std::string& program) {
  if (helpdesk.engine().knowledge_base().Find(program) != nullptr) return Status::Ok();
  return Status(StatusCode::kNotFound, "プログラム「" + program + "」はありません。",
                "unknown_program");
}

}  // namespace

StatusOr<nlohmann::ordered_json> PostMessage(service::Helpdesk& helpdesk,
                                             const nlohmann::json& body, const Limits& limits) {
  StatusOr<dialogue::Message> message = MessageFromJson(body, limits);
  if (!message.ok()) return message.status();
  MADOGUCHI_RETURN_IF_ERROR(CheckProgram(helpdesk, message->program));
  StatusOr<dialogue::Turn> turn = helpdesk.conversation().Handle(*message);
  if (!turn.ok()) return turn.status();
  return TurnToJson(*turn);
}

StatusOr<nlohmann::ordered_json> PostAsk(const service::Helpdesk& helpdesk,
                                         const nlohmann::json& body, const Limits& limits) {
  StatusOr<AskRequest> ask = AskFromJson(body, limits);
  if (!ask.ok()) return ask.status();
  MADOGUCHI_RETURN_IF_ERROR(CheckProgram(helpdesk, ask->program));
  StatusOr<dialogue::Reply> reply = helpdesk.engine().answerer().Ask(ask->program, ask->text);
  if (!reply.ok()) return reply.status();
  return service::ReplyToJson(*reply);
}

}  // namespace madoguchi::generic
