// Loading and validating a knowledge-base folder (see docs/kb-format.md).
//
// Loading is all-or-nothing: any mistake in any file fails the load and every mistake is
// reported as "file: entry id: field: problem". A loaded KnowledgeBase is immutable and may be
// shared between threads; reloading builds a new one.
#ifndef MADOGUCHI_KB_KNOWLEDGE_BASE_H_
#define MADOGUCHI_KB_KNOWLEDGE_BASE_H_

#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <vector>

#include "base/status.h"
#include "kb/entry.h"
#include "kb/program.h"

namespace madoguchi::kb {

struct LoadOptions {
  // Placeholder names an answer may use ({{name …}}). Default: none, so callers pass the set
  // their renderer provides (rules::KnownPlaceholders()).
  std::vector<std::string> known_placeholders;
  // Name of the folder of entries shared by every program. Default: "common".
  std::string common_dir = "common";
};

// One program with its entries: its own plus the common ones it takes (common intents whose
// action the program does not offer are left out).
struct ProgramKb {
  Program program;
  std::vector<Entry> entries;
  const Entry* Find(const std::string& id) const;
};

struct KnowledgeBase {
  std::map<std::string, ProgramKb> programs;  // by program id
  const ProgramKb* Find(const std::string& program_id) const;
};

// Drops the alternates, keywords and follow-ups of every program's own FAQ entries
// (Entry::IsOwnFaq), as an organisation's imported spreadsheet has them (`kb import` writes
// none of the three); shared entries and intents, which ship with madoguchi, keep theirs. For
// measuring how retrieval generalises.
void StripToQuestionAndAnswer(KnowledgeBase* kb);

// A problem found while loading, for "kb check".
struct LoadProblem {
  std::string file;
  std::string entry_id;  // empty when the problem is not about one entry
  std::string field;
  std::string problem;
  std::string ToString() const;
};

// Loads every program folder under `dir` (a folder with program.json), plus `dir`/common.
// On failure the status message lists every problem, one per line; `problems`, when not
// null, receives them too.
StatusOr<KnowledgeBase> LoadKnowledgeBase(const std::string& dir, const LoadOptions& options,
                                          std::vector<LoadProblem>* problems = nullptr);

// A placeholder of a text: "{{expiry_of grant_date}}" spans [begin, end), braces included;
// its name is the first word inside ("expiry_of"; empty for "{{}}").
struct Placeholder {
  size_t begin = 0;
  size_t end = 0;
  std::string name;
};

// The text's placeholders in order: the one scan the loader, the index and the rules share.
// A "{{" with no "}}" after it ends the scan; its position is returned through `unterminated`
// (npos when every placeholder is closed), for the caller to report, drop or keep.
std::vector<Placeholder> FindPlaceholders(std::string_view text, size_t* unterminated);

// Placeholders used in a text: "a {{expiry_of grant_date}} b" → {"expiry_of"}. An
// unterminated one is named "" (reported as unknown).
std::vector<std::string> PlaceholderNames(const std::string& text);

// The text with each placeholder replaced by a sentence break: "a {{expiry_of grant_date}} b" →
// "a 。 b". What a member reads there is computed when answering; the markup itself is no word
// of the answer. An unterminated placeholder (which the loader refuses) is cut to the end.
std::string WithoutPlaceholders(const std::string& text);

}  // namespace madoguchi::kb

#endif  // MADOGUCHI_KB_KNOWLEDGE_BASE_H_
