#include "kb/faq_edit.h"

#include <unistd.h>

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

}  // namespace

StatusOr<FaqEdit> AddAlternate(const std::string& kb_dir, const std::string& program_id,
                               const std::string& entry_id, const std::string& alternate) {
  const std::string text = Trim(alternate);
  if (text.empty()) return InvalidArgument("the alternate is empty");
  if (text.find('\n') != std::string::npos || text.find('\r') != std::string::npos) {
    return InvalidArgument("the alternate must be one line");
  }
  if (CountChars(text) > kMaxAlternateChars) {
    return InvalidArgument("the alternate is longer than " + std::to_string(kMaxAlternateChars) +
                           " characters");
  }
  // The id names a folder: nothing that could climb out of the knowledge base.
  if (!IsPlainName(program_id)) return InvalidArgument("not a program id: \"" + program_id + "\"");
  const fs::path path = fs::path(kb_dir) / program_id / "faq.json";
  std::error_code ec;
  if (!fs::exists(path, ec)) return NotFound(path.string() + ": no such file");

  FaqEdit edit;
  edit.path = path.string();
  {
    std::ifstream in(path, std::ios::binary);
    if (!in) return Internal(edit.path + ": cannot be read");
    std::stringstream ss;
    ss << in.rdbuf();
    edit.previous = ss.str();
  }
  nlohmann::ordered_json j = nlohmann::ordered_json::parse(edit.previous, nullptr, false);
  if (j.is_discarded() || !j.is_object() || !j.contains("entries") || !j["entries"].is_array()) {
    return Internal(edit.path + ": is not a faq.json with \"entries\"");
  }
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

Status Undo(const FaqEdit& edit) { return WriteAtomically(edit.path, edit.previous); }

}  // namespace madoguchi::kb
