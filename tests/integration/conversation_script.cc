#include "conversation_script.h"

#include <set>
#include <sstream>

namespace madoguchi::testing {

namespace {

const std::set<std::string>& StepKinds() {
  static const std::set<std::string> kKinds = {"tap",     "postback",  "ask",  "user",
                                               "program", "open_link", "link", "request"};
  return kKinds;
}

const std::set<std::string>& ExpectationKinds() {
  static const std::set<std::string> kKinds = {"status",
                                               "error",
                                               "outcome",
                                               "action",
                                               "entry",
                                               "contains",
                                               "any_contains",
                                               "not_contains",
                                               "has_choice",
                                               "no_choice",
                                               "has_link",
                                               "no_link",
                                               "messages",
                                               "capture",
                                               "never_seen",
                                               "feedback_stored",
                                               "unanswered_stored",
                                               "unanswered_never"};
  return kKinds;
}

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r");
  return s.substr(b, e - b + 1);
}

void SplitWord(const std::string& line, std::string* word, std::string* rest) {
  size_t space = line.find(' ');
  *word = line.substr(0, space);
  *rest = space == std::string::npos ? "" : Trim(line.substr(space + 1));
}

}  // namespace

StatusOr<Script> ParseScript(const std::string& name, const std::string& text) {
  Script script;
  script.name = name;
  script.today = *ParseIsoDate("2026-05-15");
  std::istringstream in(text);
  std::string raw;
  int line_no = 0;
  auto error = [&](const std::string& what) {
    return InvalidArgument(name + ":" + std::to_string(line_no) + ": " + what);
  };
  while (std::getline(in, raw)) {
    ++line_no;
    std::string line = Trim(raw);
    if (line.empty()) continue;
    if (line[0] == '#') {
      if (script.title.empty()) script.title = Trim(line.substr(1));
      continue;
    }
    const bool indented = raw[0] == ' ' || raw[0] == '\t';
    std::string word, rest;
    if (line[0] == '>') {
      word = "say";
      rest = Trim(line.substr(1));
    } else {
      SplitWord(line, &word, &rest);
    }
    if (indented) {
      if (script.steps.empty()) return error("an expectation before any step");
      if (ExpectationKinds().count(word) == 0) return error("unknown expectation \"" + word + "\"");
      script.steps.back().expectations.push_back({word, rest, line_no});
      continue;
    }
    if (word == "today") {
      if (!script.steps.empty()) return error("\"today\" must come before the first step");
      std::optional<Date> d = ParseIsoDate(rest);
      if (!d) return error("today needs YYYY-MM-DD");
      script.today = *d;
      continue;
    }
    if ((word == "program" || word == "user") && script.steps.empty()) {
      (word == "program" ? script.program : script.user) = rest;
      continue;
    }
    if (word != "say" && StepKinds().count(word) == 0) {
      return error("unknown step \"" + word + "\"");
    }
    script.steps.push_back({word, rest, line_no, {}});
  }
  if (script.steps.empty()) return InvalidArgument(name + ": no steps");
  return script;
}

std::string ExpandEscapes(const std::string& arg) {
  std::string out;
  for (size_t i = 0; i < arg.size();) {
    if (arg.compare(i, 9, "{{repeat:") == 0) {
      size_t end = arg.find("}}", i);
      size_t colon = arg.rfind(':', end);
      if (end != std::string::npos && colon > i + 9) {
        std::string unit = arg.substr(i + 9, colon - (i + 9));
        int n = std::stoi(arg.substr(colon + 1, end - colon - 1));
        for (int k = 0; k < n; ++k) out += unit;
        i = end + 2;
        continue;
      }
    }
    if (arg[i] == '\\' && i + 1 < arg.size()) {
      char c = arg[i + 1];
      if (c == 'x' && i + 3 < arg.size()) {
        out += static_cast<char>(std::stoi(arg.substr(i + 2, 2), nullptr, 16));
        i += 4;
        continue;
      }
      if (c == 'n') {
        out += '\n';
        i += 2;
        continue;
      }
      if (c == '\\') {
        out += '\\';
        i += 2;
        continue;
      }
    }
    out += arg[i++];
  }
  return out;
}

}  // namespace madoguchi::testing
