#include "kb/knowledge_base.h"

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>
#include <string_view>

namespace madoguchi::kb {

namespace fs = std::filesystem;
using nlohmann::json;

const std::vector<std::string>& KnownActions() {
  static const std::vector<std::string> kActions = {
      "balance", "expiry", "exchange", "reissue_auth_code", "rank", "history", "link", "handoff"};
  return kActions;
}

bool Program::HasAction(const std::string& action) const {
  return std::find(actions.begin(), actions.end(), action) != actions.end();
}

const Entry* ProgramKb::Find(const std::string& id) const {
  for (const Entry& e : entries) {
    if (e.id == id) return &e;
  }
  return nullptr;
}

const ProgramKb* KnowledgeBase::Find(const std::string& program_id) const {
  auto it = programs.find(program_id);
  return it == programs.end() ? nullptr : &it->second;
}

void StripToQuestionAndAnswer(KnowledgeBase* kb) {
  for (auto& [id, program] : kb->programs) {
    for (Entry& entry : program.entries) {
      if (!entry.IsOwnFaq()) continue;
      entry.alternates.clear();
      entry.keywords.clear();
      entry.followups.clear();
    }
  }
}

std::string LoadProblem::ToString() const {
  std::string s = file;
  if (!entry_id.empty()) s += ": " + entry_id;
  if (!field.empty()) s += ": " + field;
  return s + ": " + problem;
}

std::vector<Placeholder> FindPlaceholders(std::string_view text, size_t* unterminated) {
  std::vector<Placeholder> found;
  *unterminated = std::string_view::npos;
  size_t pos = 0;
  while ((pos = text.find("{{", pos)) != std::string_view::npos) {
    const size_t end = text.find("}}", pos + 2);
    if (end == std::string_view::npos) {
      *unterminated = pos;
      break;
    }
    const std::string_view inner = text.substr(pos + 2, end - pos - 2);
    const size_t b = inner.find_first_not_of(' ');
    std::string name;
    if (b != std::string_view::npos) name = inner.substr(b, inner.find(' ', b) - b);
    found.push_back({pos, end + 2, std::move(name)});
    pos = end + 2;
  }
  return found;
}

std::vector<std::string> PlaceholderNames(const std::string& text) {
  std::vector<std::string> names;
  size_t unterminated;
  for (Placeholder& p : FindPlaceholders(text, &unterminated)) names.push_back(std::move(p.name));
  if (unterminated != std::string_view::npos) names.push_back("");
  return names;
}

std::string WithoutPlaceholders(const std::string& text) {
  const std::string_view view(text);
  std::string out;
  out.reserve(text.size());
  size_t from = 0;
  size_t unterminated;
  for (const Placeholder& p : FindPlaceholders(view, &unterminated)) {
    out += view.substr(from, p.begin - from);
    out += "。";
    from = p.end;
  }
  if (unterminated == std::string_view::npos) {
    out += view.substr(from);
  } else {
    out += view.substr(from, unterminated - from);
    out += "。";
  }
  return out;
}

namespace {

// Collects problems for one file.
class Checker {
 public:
  Checker(std::string file, std::vector<LoadProblem>* out) : file_(std::move(file)), out_(out) {}
  void Add(const std::string& id, const std::string& field, const std::string& problem) {
    out_->push_back({file_, id, field, problem});
  }
  const std::string& file() const { return file_; }

 private:
  std::string file_;
  std::vector<LoadProblem>* out_;
};

bool ReadJson(const fs::path& path, json* out, std::vector<LoadProblem>* problems) {
  std::ifstream in(path, std::ios::binary);
  if (!in) {
    problems->push_back({path.string(), "", "", "cannot be read"});
    return false;
  }
  std::stringstream ss;
  ss << in.rdbuf();
  *out = json::parse(ss.str(), nullptr, /*allow_exceptions=*/false);
  if (out->is_discarded()) {
    problems->push_back({path.string(), "", "", "is not valid JSON"});
    return false;
  }
  return true;
}

// Typed field readers: a wrong type is a problem, a missing optional field is not.
std::string GetString(const json& j, const char* key, Checker& c, const std::string& id,
                      bool required) {
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) {
    if (required) c.Add(id, key, "is missing");
    return {};
  }
  if (!it->is_string()) {
    c.Add(id, key, "must be a string");
    return {};
  }
  std::string s = it->get<std::string>();
  if (required && s.find_first_not_of(" \t\r\n") == std::string::npos) c.Add(id, key, "is empty");
  return s;
}

std::vector<std::string> GetStrings(const json& j, const char* key, Checker& c,
                                    const std::string& id) {
  std::vector<std::string> out;
  auto it = j.find(key);
  if (it == j.end() || it->is_null()) return out;
  if (!it->is_array()) {
    c.Add(id, key, "must be an array of strings");
    return out;
  }
  for (const json& v : *it) {
    if (!v.is_string() || v.get<std::string>().empty()) {
      c.Add(id, key, "must hold only non-empty strings");
      continue;
    }
    out.push_back(v.get<std::string>());
  }
  return out;
}

int GetInt(const json& j, const char* key, int fallback, Checker& c, const std::string& id) {
  auto it = j.find(key);
  if (it == j.end()) return fallback;
  if (!it->is_number_integer()) {
    c.Add(id, key, "must be an integer");
    return fallback;
  }
  return it->get<int>();
}

Program ParseProgram(const json& j, Checker& c) {
  Program p;
  const std::string pid = "";
  if (!j.is_object()) {
    c.Add("", "", "must be a JSON object");
    return p;
  }
  p.id = GetString(j, "id", c, pid, true);
  p.name = GetString(j, "name", c, pid, true);
  p.audience = GetString(j, "audience", c, pid, false);
  if (j.contains("time_zone")) p.time_zone = GetString(j, "time_zone", c, pid, true);
  if (p.time_zone != "Asia/Tokyo") c.Add(pid, "time_zone", "only Asia/Tokyo is supported");
  int fy = GetInt(j, "fiscal_year_start_month", 4, c, pid);
  if (fy < 1 || fy > 12) c.Add(pid, "fiscal_year_start_month", "must be 1–12");
  p.fiscal_year_start_month = static_cast<unsigned>(std::clamp(fy, 1, 12));
  if (auto it = j.find("contacts"); it != j.end()) {
    if (!it->is_array()) c.Add(pid, "contacts", "must be an array");
    for (const json& cj : it->is_array() ? *it : json::array()) {
      Contact ct;
      ct.name = GetString(cj, "name", c, pid, true);
      ct.phone = GetString(cj, "phone", c, pid, false);
      ct.fax = GetString(cj, "fax", c, pid, false);
      ct.email = GetString(cj, "email", c, pid, false);
      ct.address = GetString(cj, "address", c, pid, false);
      ct.hours = GetString(cj, "hours", c, pid, false);
      ct.purpose = GetString(cj, "for", c, pid, false);
      p.contacts.push_back(std::move(ct));
    }
  }
  p.actions = GetStrings(j, "actions", c, pid);
  for (const std::string& a : p.actions) {
    const auto& known = KnownActions();
    if (std::find(known.begin(), known.end(), a) == known.end()) {
      c.Add(pid, "actions", "unknown action \"" + a + "\"");
    }
  }
  auto rit = j.find("rules");
  if (rit == j.end()) return p;
  const json& r = *rit;
  if (!r.is_object()) {
    c.Add(pid, "rules", "must be an object");
    return p;
  }
  if (auto e = r.find("expiry"); e != r.end()) {
    std::string kind = GetString(*e, "kind", c, pid, true);
    if (kind == "fiscal_year") {
      p.rules.expiry.kind = ExpiryRule::Kind::kFiscalYear;
      p.rules.expiry.fiscal_years = GetInt(*e, "fiscal_years", 2, c, pid);
      if (p.rules.expiry.fiscal_years < 1) c.Add(pid, "rules.expiry.fiscal_years", "must be ≥ 1");
    } else if (kind == "season") {
      p.rules.expiry.kind = ExpiryRule::Kind::kSeason;
      int m = GetInt(*e, "season_start_month", 1, c, pid);
      if (m < 1 || m > 12) c.Add(pid, "rules.expiry.season_start_month", "must be 1–12");
      p.rules.expiry.season_start_month = static_cast<unsigned>(std::clamp(m, 1, 12));
    } else if (kind != "none") {
      c.Add(pid, "rules.expiry.kind", "must be fiscal_year, season or none");
    }
  }
  if (auto e = r.find("exchange"); e != r.end()) {
    if (auto m = e->find("closed_months"); m != e->end()) {
      for (const json& v : *m) {
        if (!v.is_number_integer() || v.get<int>() < 1 || v.get<int>() > 12) {
          c.Add(pid, "rules.exchange.closed_months", "must hold months 1–12");
          continue;
        }
        p.rules.exchange.closed_months.push_back(v.get<unsigned>());
      }
    }
    p.rules.exchange.closed_reason = GetString(*e, "closed_reason", c, pid, false);
  }
  if (auto e = r.find("ranks"); e != r.end()) {
    int last = -1;
    for (const json& v : *e) {
      Rank rank{GetString(v, "name", c, pid, true), GetInt(v, "points", 0, c, pid)};
      if (rank.points <= last) c.Add(pid, "rules.ranks", "thresholds must ascend");
      last = rank.points;
      p.rules.ranks.push_back(std::move(rank));
    }
  }
  p.rules.forfeit_on_status = GetStrings(r, "forfeit_on_status", c, pid);
  if (auto e = r.find("reissue"); e != r.end()) {
    p.rules.reissue.delivery = GetString(*e, "delivery", c, pid, false);
    if (p.rules.reissue.delivery.empty()) p.rules.reissue.delivery = "postcard";
    p.rules.reissue.arrival_days = GetInt(*e, "arrival_days", 14, c, pid);
    p.rules.reissue.min_interval_days = GetInt(*e, "min_interval_days", 30, c, pid);
  }
  if (auto e = r.find("checkup_rate"); e != r.end()) {
    p.rules.checkup_rate_decimals = GetInt(*e, "decimals", 1, c, pid);
  }
  return p;
}

std::vector<Entry> ParseEntries(const json& j, Checker& c) {
  std::vector<Entry> entries;
  const json* list = nullptr;
  if (j.is_object() && j.contains("entries") && j["entries"].is_array()) list = &j["entries"];
  if (list == nullptr) {
    c.Add("", "entries", "must be an array of entries");
    return entries;
  }
  for (size_t i = 0; i < list->size(); ++i) {
    const json& ej = (*list)[i];
    std::string where = "#" + std::to_string(i + 1);
    if (!ej.is_object()) {
      c.Add(where, "", "must be an object");
      continue;
    }
    Entry e;
    e.source = c.file();
    e.id = GetString(ej, "id", c, where, true);
    const std::string& id = e.id.empty() ? where : e.id;
    e.question = GetString(ej, "question", c, id, true);
    e.alternates = GetStrings(ej, "alternates", c, id);
    e.answer = GetString(ej, "answer", c, id, false);
    e.category = GetString(ej, "category", c, id, false);
    e.keywords = GetStrings(ej, "keywords", c, id);
    e.followups = GetStrings(ej, "followups", c, id);
    e.audience = GetString(ej, "audience", c, id, false);
    e.action = GetString(ej, "action", c, id, false);
    if (auto it = ej.find("links"); it != ej.end()) {
      for (const json& lj : *it) {
        Link l{GetString(lj, "label", c, id, true), GetString(lj, "url", c, id, true)};
        e.links.push_back(std::move(l));
      }
    }
    if (auto it = ej.find("variants"); it != ej.end()) {
      for (const json& vj : *it) {
        Variant v;
        v.label = GetString(vj, "label", c, id, true);
        v.answer = GetString(vj, "answer", c, id, true);
        if (auto w = vj.find("when"); w != vj.end() && w->is_object()) {
          for (auto& [k, val] : w->items()) {
            if (!val.is_number_integer()) {
              c.Add(id, "variants.when." + k, "must be an integer");
            } else if (k == "age_at_least") {
              v.when.age_at_least = val.get<int>();
            } else if (k == "age_below") {
              v.when.age_below = val.get<int>();
            } else {
              c.Add(id, "variants.when", "unknown condition \"" + k + "\"");
            }
          }
        } else {
          c.Add(id, "variants.when", "is missing");
        }
        e.variants.push_back(std::move(v));
      }
    }
    if (e.answer.empty() && e.variants.empty()) c.Add(id, "answer", "is missing");
    if (!e.action.empty()) {
      const auto& known = KnownActions();
      if (std::find(known.begin(), known.end(), e.action) == known.end()) {
        c.Add(id, "action", "unknown action \"" + e.action + "\"");
      }
    }
    entries.push_back(std::move(e));
  }
  return entries;
}

void CheckDuplicates(const std::vector<Entry>& entries, Checker& c) {
  std::set<std::string> seen;
  for (const Entry& e : entries) {
    if (!e.id.empty() && !seen.insert(e.id).second) c.Add(e.id, "id", "duplicate id");
  }
}

// Problems are reported against the file the entry came from (common/faq.json for a shared
// entry), once however many programs take the entry.
void CheckReferences(const ProgramKb& pkb, const LoadOptions& options,
                     std::vector<LoadProblem>* problems) {
  std::set<std::string> ids;
  for (const Entry& e : pkb.entries) ids.insert(e.id);
  std::set<std::string> known(options.known_placeholders.begin(), options.known_placeholders.end());
  for (const Entry& e : pkb.entries) {
    Checker c(e.source, problems);
    for (const std::string& f : e.followups) {
      if (!ids.count(f)) c.Add(e.id, "followups", "refers to missing entry \"" + f + "\"");
    }
    auto check_text = [&](const std::string& text, const std::string& field) {
      for (const std::string& name : PlaceholderNames(text)) {
        if (!known.count(name)) c.Add(e.id, field, "unknown placeholder \"" + name + "\"");
      }
    };
    check_text(e.answer, "answer");
    for (const Variant& v : e.variants) check_text(v.answer, "variants.answer");
  }
}

// A program's own entry with a common entry's id replaces the answer and adds alternates.
void MergeCommon(const std::vector<Entry>& common, ProgramKb& pkb) {
  std::vector<Entry> merged;
  for (const Entry& ce : common) {
    if (ce.IsIntent() && !pkb.program.HasAction(ce.action)) continue;
    Entry e = ce;
    e.shared = true;
    for (const Entry& pe : pkb.entries) {
      if (pe.id != ce.id) continue;
      e.source = pe.source;
      e.question = pe.question;
      e.answer = pe.answer;
      e.variants = pe.variants;
      if (!pe.action.empty()) e.action = pe.action;
      if (!pe.links.empty()) e.links = pe.links;
      if (!pe.followups.empty()) e.followups = pe.followups;
      if (!pe.category.empty()) e.category = pe.category;
      e.alternates.insert(e.alternates.end(), pe.alternates.begin(), pe.alternates.end());
      e.keywords.insert(e.keywords.end(), pe.keywords.begin(), pe.keywords.end());
    }
    merged.push_back(std::move(e));
  }
  std::set<std::string> common_ids;
  for (const Entry& ce : common) common_ids.insert(ce.id);
  for (Entry& pe : pkb.entries) {
    if (common_ids.count(pe.id)) continue;
    merged.push_back(std::move(pe));
  }
  pkb.entries = std::move(merged);
}

}  // namespace

StatusOr<KnowledgeBase> LoadKnowledgeBase(const std::string& dir, const LoadOptions& options,
                                          std::vector<LoadProblem>* problems_out) {
  std::vector<LoadProblem> problems;
  KnowledgeBase kb;
  std::error_code ec;
  if (!fs::is_directory(dir, ec)) {
    return Status(StatusCode::kNotFound, dir + ": not a directory");
  }
  std::vector<Entry> common;
  fs::path common_file = fs::path(dir) / options.common_dir / "faq.json";
  if (fs::exists(common_file, ec)) {
    json j;
    if (ReadJson(common_file, &j, &problems)) {
      Checker c(common_file.string(), &problems);
      common = ParseEntries(j, c);
      CheckDuplicates(common, c);
    }
  }
  std::vector<fs::path> program_dirs;
  for (const auto& d : fs::directory_iterator(dir, ec)) {
    if (d.is_directory() && fs::exists(d.path() / "program.json")) program_dirs.push_back(d.path());
  }
  std::sort(program_dirs.begin(), program_dirs.end());
  if (program_dirs.empty()) problems.push_back({dir, "", "", "holds no program folder"});
  for (const fs::path& pd : program_dirs) {
    ProgramKb pkb;
    json pj;
    fs::path pfile = pd / "program.json";
    if (ReadJson(pfile, &pj, &problems)) {
      Checker c(pfile.string(), &problems);
      pkb.program = ParseProgram(pj, c);
      if (!pkb.program.id.empty() && pkb.program.id != pd.filename().string()) {
        c.Add("", "id", "must match the folder name \"" + pd.filename().string() + "\"");
      }
    }
    fs::path ffile = pd / "faq.json";
    json fj;
    Checker fc(ffile.string(), &problems);
    if (ReadJson(ffile, &fj, &problems)) {
      pkb.entries = ParseEntries(fj, fc);
      CheckDuplicates(pkb.entries, fc);
    }
    MergeCommon(common, pkb);
    CheckReferences(pkb, options, &problems);
    if (!pkb.program.id.empty()) kb.programs[pkb.program.id] = std::move(pkb);
  }
  // A shared entry's problem was found once per program: keep the first.
  {
    std::set<std::string> seen;
    std::vector<LoadProblem> unique;
    for (LoadProblem& p : problems) {
      if (seen.insert(p.ToString()).second) unique.push_back(std::move(p));
    }
    problems = std::move(unique);
  }
  if (problems_out != nullptr) *problems_out = problems;
  if (!problems.empty()) {
    std::string msg;
    for (const LoadProblem& p : problems) msg += p.ToString() + "\n";
    return InvalidArgument(msg);
  }
  return kb;
}

}  // namespace madoguchi::kb
