#include <iostream>

#include "cli/commands.h"
#include "service/reply_json.h"

namespace madoguchi::cli {

namespace {

void PrintReply(const dialogue::Reply& r, bool json) {
  if (json) {
    std::cout << service::ReplyToJson(r).dump() << std::endl;
    return;
  }
  std::cout << r.text << "\n";
  for (size_t i = 0; i < r.choices.size(); ++i) {
    std::cout << "  [" << i + 1 << "] " << r.choices[i].label << "\n";
  }
  for (const auto& l : r.links) std::cout << "  " << l.label << ": " << l.url << "\n";
  std::cout << "  (" << dialogue::OutcomeName(r.outcome)
            << (r.entry_id.empty() ? "" : " " + r.entry_id) << ", confidence " << r.confidence
            << ")\n"
            << std::endl;
}

}  // namespace

int RunAsk(const std::vector<std::string>& args) {
  std::set<std::string> with_value = EngineFlagNames();
  with_value.insert("program");
  auto flags = ParseFlags(args, with_value, {"json", "explain", "bare"});
  if (!flags.ok()) {
    std::cerr << "madoguchi ask: " << flags.status().message() << "\n";
    return 2;
  }
  auto program = flags->Get("program");
  if (!program) {
    std::cerr
        << "usage: madoguchi ask --program P [--today D] [--json] [--explain] [--bare] [TEXT]\n";
    return 2;
  }
  auto engine = EngineFromFlags(*flags);
  if (!engine.ok()) {
    std::cerr << "madoguchi ask: " << engine.status().message() << "\n";
    return 1;
  }
  const auto& answerer = (*engine)->answerer();
  dialogue::AskOptions options;
  options.explain = flags->Has("explain");
  bool json = flags->Has("json");

  if (!flags->positional.empty()) {
    std::string text;
    for (const auto& p : flags->positional) text += (text.empty() ? "" : " ") + p;
    auto reply = answerer.Ask(*program, text, options);
    if (!reply.ok()) {
      std::cerr << "madoguchi ask: " << reply.status().message() << "\n";
      return 1;
    }
    PrintReply(*reply, json);
    return 0;
  }
  // Interactive: one question per line; a number picks one of the last reply's choices.
  const kb::ProgramKb* pkb = (*engine)->knowledge_base().Find(*program);
  if (pkb == nullptr) {
    std::cerr << "madoguchi ask: unknown program \"" << *program << "\"\n";
    return 1;
  }
  if (!json) {
    std::cout << pkb->program.name << " のご質問にお答えします。終了は Ctrl-D か「exit」です。\n"
              << std::endl;
  }
  std::vector<dialogue::Choice> last_choices;
  std::string line;
  while ((json || std::cout << "> " << std::flush) && std::getline(std::cin, line)) {
    if (line == "exit" || line == "quit") break;
    if (line.empty()) continue;
    StatusOr<dialogue::Reply> reply = Status(StatusCode::kInternal, "unset");
    size_t pick = 0;
    bool numeric = line.find_first_not_of("0123456789") == std::string::npos && line.size() < 3;
    if (numeric) pick = std::stoul(line);
    if (numeric && pick >= 1 && pick <= last_choices.size() &&
        last_choices[pick - 1].payload.rfind("entry:", 0) == 0) {
      reply = answerer.AnswerEntry(*program, last_choices[pick - 1].payload.substr(6), "", options);
    } else {
      reply = answerer.Ask(*program, line, options);
    }
    if (!reply.ok()) {
      std::cerr << reply.status().message() << "\n";
      continue;
    }
    last_choices = reply->choices;
    PrintReply(*reply, json);
  }
  return 0;
}

}  // namespace madoguchi::cli
