#include "kb/importer.h"

#include <filesystem>
#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace madoguchi::kb {

namespace {

std::string Trim(const std::string& s) {
  size_t b = s.find_first_not_of(" \t\r\n");
  if (b == std::string::npos) return "";
  size_t e = s.find_last_not_of(" \t\r\n");
  return s.substr(b, e - b + 1);
}

// id<TAB>text lines; '#' comments and blank lines skipped; a leading BOM ignored.
struct TsvRow {
  std::string id;
  std::string text;
  int line = 0;
};

StatusOr<std::vector<TsvRow>> ParseTsv(const std::string& text, const char* what) {
  std::vector<TsvRow> rows;
  std::stringstream ss(text.rfind("\xEF\xBB\xBF", 0) == 0 ? text.substr(3) : text);
  std::string line;
  int no = 0;
  while (std::getline(ss, line)) {
    ++no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (Trim(line).empty() || line[0] == '#') continue;
    size_t tab = line.find('\t');
    if (tab == std::string::npos) {
      return InvalidArgument(std::string(what) + " line " + std::to_string(no) +
                             ": expected id<TAB>text");
    }
    std::string id = Trim(line.substr(0, tab));
    std::string body = Trim(line.substr(tab + 1));
    if (id.empty() || body.empty()) {
      return InvalidArgument(std::string(what) + " line " + std::to_string(no) +
                             ": empty id or text");
    }
    rows.push_back({id, body, no});
  }
  return rows;
}

// RFC 4180 records.
std::vector<std::vector<std::string>> ParseCsvRecords(const std::string& text) {
  std::vector<std::vector<std::string>> records;
  std::vector<std::string> record;
  std::string field;
  bool quoted = false;
  size_t i = text.rfind("\xEF\xBB\xBF", 0) == 0 ? 3 : 0;
  for (; i < text.size(); ++i) {
    char c = text[i];
    if (quoted) {
      if (c == '"' && i + 1 < text.size() && text[i + 1] == '"') {
        field += '"';
        ++i;
      } else if (c == '"') {
        quoted = false;
      } else {
        field += c;
      }
    } else if (c == '"') {
      quoted = true;
    } else if (c == ',') {
      record.push_back(field);
      field.clear();
    } else if (c == '\n' || c == '\r') {
      if (c == '\r' && i + 1 < text.size() && text[i + 1] == '\n') ++i;
      record.push_back(field);
      field.clear();
      records.push_back(std::move(record));
      record.clear();
    } else {
      field += c;
    }
  }
  if (!field.empty() || !record.empty()) {
    record.push_back(field);
    records.push_back(std::move(record));
  }
  return records;
}

Status CheckIds(const std::vector<Entry>& entries) {
  std::set<std::string> seen;
  for (const Entry& e : entries) {
    if (!seen.insert(e.id).second) return InvalidArgument("duplicate id \"" + e.id + "\"");
  }
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<Entry>> ImportTsv(const std::string& questions_tsv,
                                       const std::string& answers_tsv) {
  auto qs = ParseTsv(questions_tsv, "questions");
  if (!qs.ok()) return qs.status();
  auto as = ParseTsv(answers_tsv, "answers");
  if (!as.ok()) return as.status();
  std::map<std::string, const TsvRow*> answers;
  for (const TsvRow& row : *as) {
    if (!answers.emplace(row.id, &row).second) {
      return InvalidArgument("answers line " + std::to_string(row.line) + ": duplicate id \"" +
                             row.id + "\"");
    }
  }
  std::vector<Entry> entries;
  std::map<std::string, size_t> by_id;
  for (const TsvRow& row : *qs) {
    auto it = by_id.find(row.id);
    if (it != by_id.end()) {  // several questions per id: the first is canonical
      entries[it->second].alternates.push_back(row.text);
      continue;
    }
    auto a = answers.find(row.id);
    if (a == answers.end()) {
      return InvalidArgument("questions line " + std::to_string(row.line) + ": \"" + row.id +
                             "\" has no answer");
    }
    Entry e;
    e.id = row.id;
    e.question = row.text;
    e.answer = a->second->text;
    by_id[row.id] = entries.size();
    entries.push_back(std::move(e));
  }
  for (const auto& [id, row] : answers) {
    if (!by_id.count(id)) {
      return InvalidArgument("answers line " + std::to_string(row->line) + ": \"" + id +
                             "\" has no question");
    }
  }
  return entries;
}

StatusOr<std::vector<Entry>> ImportCsv(const std::string& csv) {
  auto records = ParseCsvRecords(csv);
  if (records.empty()) return InvalidArgument("csv: empty");
  std::map<std::string, size_t> col;
  for (size_t i = 0; i < records[0].size(); ++i) col[Trim(records[0][i])] = i;
  for (const char* need : {"id", "question", "answer"}) {
    if (!col.count(need)) return InvalidArgument(std::string("csv: header lacks \"") + need + "\"");
  }
  std::vector<Entry> entries;
  for (size_t r = 1; r < records.size(); ++r) {
    const auto& rec = records[r];
    if (rec.size() == 1 && Trim(rec[0]).empty()) continue;
    auto get = [&](const char* name) {
      auto it = col.find(name);
      return it == col.end() || it->second >= rec.size() ? std::string() : Trim(rec[it->second]);
    };
    Entry e;
    e.id = get("id");
    e.question = get("question");
    e.answer = get("answer");
    e.category = get("category");
    if (e.id.empty() || e.question.empty() || e.answer.empty()) {
      return InvalidArgument("csv record " + std::to_string(r + 1) +
                             ": id, question and answer are required");
    }
    entries.push_back(std::move(e));
  }
  MADOGUCHI_RETURN_IF_ERROR(CheckIds(entries));
  return entries;
}

Status WriteProgramFolder(const std::string& out_dir, const ImportOptions& options,
                          const std::vector<Entry>& entries) {
  namespace fs = std::filesystem;
  if (options.program_id.empty()) return InvalidArgument("a program id is required");
  for (char c : options.program_id) {
    if (!std::isalnum(static_cast<unsigned char>(c)) && c != '-' && c != '_') {
      return InvalidArgument("program id may hold only letters, digits, - and _");
    }
  }
  fs::path dir = fs::path(out_dir) / options.program_id;
  std::error_code ec;
  if (fs::exists(dir / "faq.json", ec) || fs::exists(dir / "program.json", ec)) {
    return Status(StatusCode::kAlreadyExists, dir.string() + " already holds a program");
  }
  fs::create_directories(dir, ec);
  if (ec) return Internal(dir.string() + ": " + ec.message());
  nlohmann::ordered_json program = {
      {"id", options.program_id},
      {"name", options.program_name.empty() ? options.program_id : options.program_name},
      {"time_zone", "Asia/Tokyo"},
      {"fiscal_year_start_month", 4},
      {"actions", nlohmann::json::array({"handoff"})}};
  nlohmann::ordered_json list = nlohmann::ordered_json::array();
  for (const Entry& e : entries) {
    nlohmann::ordered_json j = {{"id", e.id}, {"question", e.question}};
    if (!e.alternates.empty()) j["alternates"] = e.alternates;
    j["answer"] = e.answer;
    if (!e.category.empty()) j["category"] = e.category;
    list.push_back(std::move(j));
  }
  nlohmann::ordered_json faq = {{"entries", list}};
  std::ofstream p(dir / "program.json");
  p << program.dump(2) << "\n";
  std::ofstream f(dir / "faq.json");
  f << faq.dump(2) << "\n";
  if (!p || !f) return Internal(dir.string() + ": write failed");
  return Status::Ok();
}

}  // namespace madoguchi::kb
