#include "kb/faq_edit.h"

#include <unistd.h>

#include <algorithm>
#include <cctype>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <sstream>

namespace madoguchi::kb {

namespace fs = std::filesystem;

namespace {

size_t CountChars(const std::string& s) {
  size_t n = 0;
  for (unsigned char ch : s) n += (ch & 0xC0) != 0x80;
  return n;
}

std::string Trim(const std::string& s) {
  size_t b = 0;
  size_t e = s.size();
  // ASCII white space and the ideographic space (U+3000, E3 80 80) at either end.
  for (;;) {
    if (b < e && (s[b] == ' ' || s[b] == '\t' || s[b] == '\r' || s[b] == '\n')) {
      ++b;
    } else if (e - b >= 3 && s.compare(b, 3, "\xE3\x80\x80") == 0) {
      b += 3;
    } else {
      break;
    }
  }
  for (;;) {
    if (e > b && (s[e - 1] == ' ' || s[e - 1] == '\t' || s[e - 1] == '\r' || s[e - 1] == '\n')) {
      --e;
    } else if (e - b >= 3 && s.compare(e - 3, 3, "\xE3\x80\x80") == 0) {
      e -= 3;
    } else {
      break;
    }
  }
  return s.substr(b, e - b);
}

bool IsPlainName(const std::string& name) {
  if (name.empty() || name.size() > 64) return false;
  for (char ch : name) {
    if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '_' && ch != '-') return false;
  }
  return true;
}

// Writes next to the target and renames over it: readers see the old file or the new one.
Status WriteAtomically(const std::string& path, const std::string& bytes) {
  const std::string tmp = path + ".tmp-" + std::to_string(::getpid());
  {
    std::ofstream out(tmp, std::ios::binary | std::ios::trunc);
    out << bytes;
    out.flush();
    if (!out) return Internal(tmp + ": cannot be written");
  }
  std::error_code ec;
  fs::rename(tmp, path, ec);
  if (ec) {
    fs::remove(tmp, ec);
    return Internal(path + ": cannot be replaced");
  }
  return Status::Ok();
}

// Reads `kb_dir`/`program_id`/faq.json into `edit` and `j`.
Status ReadFaq(const std::string& kb_dir, const std::string& program_id, FaqEdit* edit,
               nlohmann::ordered_json* j) {
  // The id names a folder: nothing that could climb out of the knowledge base.
  if (!IsPlainName(program_id)) return InvalidArgument("not a program id: \"" + program_id + "\"");
  const fs::path path = fs::path(kb_dir) / program_id / "faq.json";
  std::error_code ec;
  if (!fs::exists(path, ec)) return NotFound(path.string() + ": no such file");
  edit->path = path.string();
  std::ifstream in(path, std::ios::binary);
  if (!in) return Internal(edit->path + ": cannot be read");
  std::stringstream ss;
  ss << in.rdbuf();
  edit->previous = ss.str();
  *j = nlohmann::ordered_json::parse(edit->previous, nullptr, false);
  if (j->is_discarded() || !j->is_object() || !j->contains("entries") ||
      !(*j)["entries"].is_array()) {
    return Internal(edit->path + ": is not a faq.json with \"entries\"");
  }
  return Status::Ok();
}

// One line of text a member could type: trimmed, not empty, not too long.
StatusOr<std::string> OneLine(const std::string& raw, const char* what) {
  const std::string text = Trim(raw);
  if (text.empty()) return InvalidArgument(std::string("the ") + what + " is empty");
  if (text.find('\n') != std::string::npos || text.find('\r') != std::string::npos) {
    return InvalidArgument(std::string("the ") + what + " must be one line");
  }
  if (CountChars(text) > kMaxAlternateChars) {
    return InvalidArgument(std::string("the ") + what + " is longer than " +
                           std::to_string(kMaxAlternateChars) + " characters");
  }
  return text;
}

}  // namespace

StatusOr<FaqEdit> AddAlternate(const std::string& kb_dir, const std::string& program_id,
                               const std::string& entry_id, const std::string& alternate) {
  StatusOr<std::string> one_line = OneLine(alternate, "alternate");
  if (!one_line.ok()) return one_line.status();
  const std::string& text = *one_line;
  FaqEdit edit;
  nlohmann::ordered_json j;
  MADOGUCHI_RETURN_IF_ERROR(ReadFaq(kb_dir, program_id, &edit, &j));
  for (auto& entry : j["entries"]) {
    if (!entry.is_object() || entry.value("id", "") != entry_id) continue;
    if (entry.value("question", "") == text) {
      return Status(StatusCode::kAlreadyExists, "the entry's question already says this");
    }
    auto& alternates = entry["alternates"];
    if (alternates.is_null()) alternates = nlohmann::ordered_json::array();
    if (!alternates.is_array()) return Internal(edit.path + ": " + entry_id + ": alternates");
    for (const auto& a : alternates) {
      if (a.is_string() && a.get<std::string>() == text) {
        return Status(StatusCode::kAlreadyExists, "the entry already has this alternate");
      }
    }
    alternates.push_back(text);
    std::string bytes = j.dump(2, ' ', false) + "\n";
    Status written = WriteAtomically(edit.path, bytes);
    if (!written.ok()) return written;
    return edit;
  }
  return NotFound("entry \"" + entry_id + "\" is not in " + edit.path);
}

StatusOr<NewEntry> AddEntry(const std::string& kb_dir, const std::string& program_id,
                            const std::string& question, const std::string& answer,
                            const std::string& category) {
  StatusOr<std::string> q = OneLine(question, "question");
  if (!q.ok()) return q.status();
  const std::string a = Trim(answer);
  if (a.empty()) return InvalidArgument("the answer is empty");
  if (CountChars(a) > kMaxAnswerChars) {
    return InvalidArgument("the answer is longer than " + std::to_string(kMaxAnswerChars) +
                           " characters");
  }
  const std::string c = Trim(category);
  if (c.find('\n') != std::string::npos || CountChars(c) > 40) {
    return InvalidArgument("the category must be one short line");
  }
  NewEntry made;
  nlohmann::ordered_json j;
  MADOGUCHI_RETURN_IF_ERROR(ReadFaq(kb_dir, program_id, &made.edit, &j));
  const std::string prefix = program_id + "-";
  int highest = 0;
  for (const auto& entry : j["entries"]) {
    if (!entry.is_object()) continue;
    if (entry.value("question", "") == *q) {
      return Status(StatusCode::kAlreadyExists,
                    "entry \"" + entry.value("id", "") + "\" already asks this question");
    }
    const std::string id = entry.value("id", "");
    if (id.rfind(prefix, 0) != 0 || id.size() == prefix.size() || id.size() > prefix.size() + 6) {
      continue;
    }
    const std::string digits = id.substr(prefix.size());
    if (digits.find_first_not_of("0123456789") != std::string::npos) continue;
    highest = std::max(highest, std::stoi(digits));
  }
  std::string number = std::to_string(highest + 1);
  if (number.size() < 2) number = "0" + number;
  made.id = prefix + number;
  nlohmann::ordered_json entry;
  entry["id"] = made.id;
  entry["question"] = *q;
  entry["alternates"] = nlohmann::ordered_json::array();
  entry["answer"] = a;
  if (!c.empty()) entry["category"] = c;
  j["entries"].push_back(std::move(entry));
  MADOGUCHI_RETURN_IF_ERROR(WriteAtomically(made.edit.path, j.dump(2, ' ', false) + "\n"));
  return made;
}

Status Undo(const FaqEdit& edit) { return WriteAtomically(edit.path, edit.previous); }

}  // namespace madoguchi::kb
