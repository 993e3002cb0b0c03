#include "generic/api.h"

#include "service/reply_json.h"

namespace madoguchi::generic {

namespace {

Status CheckProgram(const service::Engine& engine, const std::string& program) {
  if (engine.knowledge_base().Find(program) != nullptr) return Status::Ok();
  return Status(StatusCode::kNotFound, "プログラム「" + program + "」はありません。",
                "unknown_program");
}

}  // namespace

StatusOr<nlohmann::ordered_json> PostMessage(service::Helpdesk& helpdesk,
                                             const nlohmann::json& body, const Limits& limits) {
  StatusOr<dialogue::Message> message = MessageFromJson(body, limits);
  if (!message.ok()) return message.status();
  // The conversation takes its own snapshot of the knowledge; a program removed by a reload in
  // between is its NotFound.
  MADOGUCHI_RETURN_IF_ERROR(CheckProgram(*helpdesk.engine(), message->program));
  StatusOr<dialogue::Turn> turn = helpdesk.Handle(*message);
  if (!turn.ok()) return turn.status();
  return TurnToJson(*turn);
}

StatusOr<nlohmann::ordered_json> PostAsk(const service::Helpdesk& helpdesk,
                                         const nlohmann::json& body, const Limits& limits) {
  StatusOr<AskRequest> ask = AskFromJson(body, limits);
  if (!ask.ok()) return ask.status();
  // One engine for the whole request, so the check and the answer see the same knowledge.
  const std::shared_ptr<const service::Engine> engine = helpdesk.engine();
  MADOGUCHI_RETURN_IF_ERROR(CheckProgram(*engine, ask->program));
  StatusOr<dialogue::Reply> reply = engine->answerer().Ask(ask->program, ask->text);
  if (!reply.ok()) return reply.status();
  return service::ReplyToJson(*reply);
}

}  // namespace madoguchi::generic
