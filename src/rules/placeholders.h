// Fills an answer's placeholders ({{expiry_of grant_date}}, {{exchange_window today}} …) with
// facts computed by the program's rules from today's date and what the question said.
// Pure functions of their inputs; thread-safe.
#ifndef MADOGUCHI_RULES_PLACEHOLDERS_H_
#define MADOGUCHI_RULES_PLACEHOLDERS_H_

#include <string>
#include <vector>

#include "base/date.h"
#include "kb/program.h"

namespace madoguchi::rules {

// Every placeholder name Render() provides; pass to kb::LoadOptions so the loader refuses others.
const std::vector<std::string>& KnownPlaceholders();

struct RenderContext {
  const kb::Program* program = nullptr;
  Date today;
  std::string question;  // normalized question text: its dates and numbers feed the rules
};

// Replaces every placeholder in `answer_template`. Unknown names (which the loader refuses)
// are left as they are rather than guessed.
std::string Render(const std::string& answer_template, const RenderContext& context);

// The program's contacts as lines: "QUPiO Plus サポート窓口 電話 0120-818-448 …".
std::string FormatContacts(const kb::Program& program);

}  // namespace madoguchi::rules

#endif  // MADOGUCHI_RULES_PLACEHOLDERS_H_
