// Turns a spreadsheet export into a program folder, so any organisation's FAQ becomes a
// program: two TSV files (id<TAB>text: questions and answers) or one CSV with the header
// id,question,answer[,category]. Quoted CSV fields may hold commas, quotes ("") and newlines.
#ifndef MADOGUCHI_KB_IMPORTER_H_
#define MADOGUCHI_KB_IMPORTER_H_

#include <string>
#include <vector>

#include "base/status.h"
#include "kb/entry.h"

namespace madoguchi::kb {

struct ImportOptions {
  std::string program_id;    // required; becomes the folder name and the program id
  std::string program_name;  // default: program_id
};

// Entries from two TSV texts joined by id. A question without an answer (or the reverse) is an
// error naming the id and the line.
StatusOr<std::vector<Entry>> ImportTsv(const std::string& questions_tsv,
                                       const std::string& answers_tsv);
// Entries from a CSV text with a header row naming at least id, question and answer.
StatusOr<std::vector<Entry>> ImportCsv(const std::string& csv);

// Writes out_dir/<program_id>/program.json and faq.json. Refuses to overwrite existing files.
Status WriteProgramFolder(const std::string& out_dir, const ImportOptions& options,
                          const std::vector<Entry>& entries);

}  // namespace madoguchi::kb

#endif  // MADOGUCHI_KB_IMPORTER_H_
