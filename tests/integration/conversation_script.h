// Conversation scripts: a member's turns and what each reply must show, in a small text format
// (conversations/README.md), so a scenario reads like the chat it tests.
//
//   today 2026-05-15          settings, before the first step
//   program kagawa
//   user alice
//   > 残高を教えて             a step: text, a tap, a postback, a one-shot ask, the link page …
//     action balance          its expectations, indented
//     has_choice アカウント連携
#ifndef MADOGUCHI_TESTS_INTEGRATION_CONVERSATION_SCRIPT_H_
#define MADOGUCHI_TESTS_INTEGRATION_CONVERSATION_SCRIPT_H_

#include <optional>
#include <string>
#include <vector>

#include "base/date.h"
#include "base/status.h"

namespace madoguchi::testing {

struct Expectation {
  std::string kind;  // "contains", "status", …
  std::string arg;   // the rest of the line, escapes not yet expanded
  int line = 0;
};

struct Step {
  // "say" (> TEXT), "tap" (a choice of the last reply, by label), "postback", "ask",
  // "user" (switch member), "program" (switch program), "open_link" (GET the last link URL),
  // "link" (POST the link form: MEMBER BIRTH CODE), "request" (METHOD PATH [BODY]).
  std::string kind;
  std::string arg;
  int line = 0;
  std::vector<Expectation> expectations;
};

struct Script {
  std::string name;   // file stem
  std::string title;  // the first comment line
  Date today;
  std::string program = "kagawa";
  std::string user = "member";
  std::vector<Step> steps;
};

// The script in `text`; InvalidArgument naming the line when a directive is unknown, an
// expectation has no step, or a setting comes after the first step.
StatusOr<Script> ParseScript(const std::string& name, const std::string& text);

// Expands the escapes a script may use in arguments: \xHH (a raw byte, for invalid UTF-8),
// \n, \\, and {{repeat:TEXT:N}} (TEXT N times, for oversized bodies).
std::string ExpandEscapes(const std::string& arg);

}  // namespace madoguchi::testing

#endif  // MADOGUCHI_TESTS_INTEGRATION_CONVERSATION_SCRIPT_H_
