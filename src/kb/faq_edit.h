// Edits to a knowledge-base folder made from the staff console: one change to one program's
// faq.json, written so that a reader (a reload, `kb check`) never sees half a file, and undone
// when the folder it leaves does not load.
//
// The file is rewritten from its parsed JSON with keys in their original order and two-space
// indentation, as the bundled files are, so the diff a reviewer sees is the one added line.
// Thread safety: none of its own; callers serialise edits of one folder (staff::AddAlternate
// does).
#ifndef MADOGUCHI_KB_FAQ_EDIT_H_
#define MADOGUCHI_KB_FAQ_EDIT_H_

#include <string>

#include "base/status.h"

namespace madoguchi::kb {

// What an edit replaced: enough to put the file back.
struct FaqEdit {
  std::string path;      // the faq.json written
  std::string previous;  // its bytes before the edit
};

// The longest alternate accepted, in characters: a member's question, not a document.
inline constexpr size_t kMaxAlternateChars = 200;

// Appends `alternate` to the "alternates" of entry `entry_id` in `kb_dir`/`program_id`/faq.json
// and replaces the file atomically (a temporary file renamed over it).
// InvalidArgument: empty, multi-line or longer than kMaxAlternateChars; a program id that is not
// a plain folder name. NotFound: no such program folder, or the entry is not in the program's
// own faq.json (shared entries in common/ are not edited from here). AlreadyExists: the entry's
// question or an alternate already says exactly this. Internal: the file cannot be read,
// parsed or written.
StatusOr<FaqEdit> AddAlternate(const std::string& kb_dir, const std::string& program_id,
                               const std::string& entry_id, const std::string& alternate);

// The longest answer accepted for a new entry, in characters.
inline constexpr size_t kMaxAnswerChars = 4000;

// A new entry written by AddEntry: its id (`program_id`-NN, one past the highest number the
// program's entries use, at least two digits) and the edit that wrote it.
struct NewEntry {
  std::string id;
  FaqEdit edit;
};

// Appends an entry {id, question, alternates: [], answer[, category]} to
// `kb_dir`/`program_id`/faq.json, replacing the file atomically. The question is one line of at
// most kMaxAlternateChars characters, the answer at most kMaxAnswerChars (several lines
// allowed); both are trimmed. Whether the answer's placeholders exist is the loader's to say
// (reload after writing, Undo when it refuses). InvalidArgument, NotFound and Internal as for
// AddAlternate; AlreadyExists when an entry of the program already asks exactly this question.
StatusOr<NewEntry> AddEntry(const std::string& kb_dir, const std::string& program_id,
                            const std::string& question, const std::string& answer,
                            const std::string& category);

// Puts back the bytes an edit replaced (atomically, like the edit).
Status Undo(const FaqEdit& edit);

}  // namespace madoguchi::kb

#endif  // MADOGUCHI_KB_FAQ_EDIT_H_
