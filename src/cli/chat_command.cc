// `madoguchi chat`: the helpdesk conversation in a terminal, as a member would have it (channel
// "cli", user "terminal"). Choices are numbered, and typing a number taps one; links are shown
// as URLs, which work while `madoguchi serve` runs on the same data directory.
#include <iostream>
#include <string>
#include <vector>

#include "cli/helpdesk_assembly.h"
#include "cli/service_commands.h"
#include "http/listen_address.h"

namespace madoguchi::cli {

namespace {

void Usage() {
  std::cerr << "usage: madoguchi chat --program P [--config FILE] [--data-dir DIR] "
               "[--today YYYY-MM-DD] [--kb DIR]\n";
}

// Prints a turn; returns its choices in the order they were numbered.
std::vector<dialogue::Choice> Render(const dialogue::Turn& turn) {
  std::vector<dialogue::Choice> numbered;
  for (const dialogue::Reply& r : turn.messages) {
    std::cout << r.text << "\n";
    for (const dialogue::Choice& c : r.choices) {
      numbered.push_back(c);
      std::cout << "  [" << numbered.size() << "] " << c.label << "\n";
    }
    for (const kb::Link& l : r.links) std::cout << "  " << l.label << ": " << l.url << "\n";
    std::cout << "\n";
  }
  std::cout << std::flush;
  return numbered;
}

// "2" or "２" → 2; 0 when the line is not a short number.
size_t ChoiceNumber(const std::string& line) {
  std::string digits;
  for (size_t i = 0; i < line.size();) {
    if (line[i] >= '0' && line[i] <= '9') {
      digits += line[i++];
    } else if (line.compare(i, 2, "\xEF\xBC") == 0 && i + 2 < line.size() &&
               static_cast<unsigned char>(line[i + 2]) >= 0x90 &&
               static_cast<unsigned char>(line[i + 2]) <= 0x99) {
      digits += static_cast<char>('0' + static_cast<unsigned char>(line[i + 2]) - 0x90);
      i += 3;  // a full-width digit, U+FF10–U+FF19
    } else {
      return 0;
    }
  }
  return digits.empty() || digits.size() > 2 ? 0 : std::stoul(digits);
}

// Shows the choices again after a number that is not one of them, so the member can still pick.
void RenderMenuAgain(const std::vector<dialogue::Choice>& choices) {
  std::cout << "その番号の選択肢はありません。1〜" << choices.size()
            << "の番号を入力するか、ご質問を文章で送ってください。\n";
  for (size_t i = 0; i < choices.size(); ++i) {
    std::cout << "  [" << i + 1 << "] " << choices[i].label << "\n";
  }
  std::cout << "\n" << std::flush;
}

}  // namespace

int RunChat(const std::vector<std::string>& args) {
  StatusOr<Flags> flags = ParseFlags(args, {"program", "config", "data-dir", "today", "kb"}, {});
  if (!flags.ok() || !flags->Get("program") || !flags->positional.empty()) {
    if (!flags.ok()) std::cerr << "madoguchi chat: " << flags.status().message() << "\n";
    Usage();
    return 2;
  }
  StatusOr<ServeConfig> config = ConfigFromFlags(*flags);
  if (!config.ok()) {
    std::cerr << "madoguchi chat: " << config.status().message() << "\n";
    return 2;
  }
  AssemblyOptions options;
  options.config = *config;
  if (auto t = flags->Get("today")) {
    options.today = ParseIsoDate(*t);
    if (!options.today) {
      std::cerr << "madoguchi chat: --today must be YYYY-MM-DD, got \"" << *t << "\"\n";
      return 2;
    }
  }
  // Links point where `madoguchi serve` with this config serves the link page.
  options.link_page_url = config->link_page_url;
  if (options.link_page_url.empty()) {
    StatusOr<http::ListenAddress> listen = http::ParseListenAddress(config->listen);
    if (!listen.ok()) {
      std::cerr << "madoguchi chat: " << listen.status().message() << "\n";
      return 2;
    }
    options.link_page_url = "http://" + listen->Authority() + "/link";
  }
  StatusOr<AssembledHelpdesk> assembled = AssembleHelpdesk(options);
  if (!assembled.ok()) {
    std::cerr << "madoguchi chat: " << assembled.status().message() << "\n";
    return 1;
  }
  service::Helpdesk& helpdesk = *assembled->helpdesk;
  const std::string program = *flags->Get("program");
  if (helpdesk.engine()->knowledge_base().Find(program) == nullptr) {
    std::cerr << "madoguchi chat: unknown program \"" << program << "\"\n";
    return 1;
  }
  if (!assembled->demo_members.empty()) {
    std::cout << "デモ会員（認証コードはデモ用のため表示しています）:\n\n"
              << assembled->demo_members << "\n";
  }
  std::cout << "番号を入力すると選択肢を選べます。終了は Ctrl-D か「exit」です。\n\n";

  dialogue::Message message;
  message.key = {"cli", "terminal"};
  message.program = program;
  message.follow = true;  // greets, as a chat app does when the bot is added
  std::vector<dialogue::Choice> choices;
  while (true) {
    StatusOr<dialogue::Turn> turn = helpdesk.conversation().Handle(message);
    if (turn.ok()) {
      choices = Render(*turn);
    } else {
      std::cerr << "madoguchi chat: " << turn.status().message() << "\n";
    }
    std::string line;
    size_t n = 0;
    // A number beyond the menu taps nothing and is no question either: the menu is shown again
    // (sent as text, it would be answered as a question and the menu lost).
    while (true) {
      if (!(std::cout << "> " << std::flush) || !std::getline(std::cin, line)) {
        std::cout << "\n";
        return 0;
      }
      if (line.find_first_not_of(" \t\r") == std::string::npos) continue;
      n = ChoiceNumber(line);
      if (choices.empty() || n <= choices.size()) break;
      RenderMenuAgain(choices);
    }
    if (line == "exit" || line == "quit") break;
    message = dialogue::Message{};
    message.key = {"cli", "terminal"};
    message.program = program;
    if (n >= 1 && n <= choices.size()) {
      message.postback = choices[n - 1].payload;
    } else {
      message.text = line;
    }
  }
  return 0;
}

}  // namespace madoguchi::cli
