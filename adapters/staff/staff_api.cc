#include "staff/staff_api.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cmath>
#include <map>
#include <mutex>
#include <set>

#include "base/date.h"
#include "kb/faq_edit.h"
#include "rules/placeholders.h"
#include "store/sealer.h"

namespace madoguchi::staff {

namespace {
double Round3(float v) { return std::round(static_cast<double>(v) * 1000.0) / 1000.0; }
}  // namespace

bool StaffTokens::Accepts(const std::string& token) const {
  if (token.empty()) return false;
  const std::string presented = store::Sha256Hex(token);
  bool ok = false;
  // Every configured hash is compared, whatever matched earlier: time does not depend on which.
  for (const std::string& h : hashes_) {
    if (h.size() == presented.size() &&
        CRYPTO_memcmp(h.data(), presented.data(), presented.size()) == 0) {
      ok = true;
    }
  }
  return ok;
}

namespace {

Status MissingProgram() {
  return Status(StatusCode::kInvalidArgument, "program を指定してください。", "invalid_request");
}

Status UnknownProgram(const std::string& program) {
  return Status(StatusCode::kNotFound, "プログラム「" + program + "」はありません。",
                "unknown_program");
}

// The program's knowledge, or why there is none.
Status CheckProgram(const service::Engine& engine, const std::string& program) {
  if (program.empty()) return MissingProgram();
  if (engine.knowledge_base().Find(program) == nullptr) return UnknownProgram(program);
  return Status::Ok();
}

// "w:有効期限" → "有効期限"; "p:パスワード|忘れる" → "パスワード＋忘れる".
std::string TermText(const std::string& key) {
  std::string t = key.size() > 2 && key[1] == ':' ? key.substr(2) : key;
  for (size_t pos; (pos = t.find('|')) != std::string::npos;) t.replace(pos, 1, "＋");
  return t;
}

// The index's evidence as a staff member reads it: per word of the question, how the entry
// knows it. Reading n-grams are how misspellings still match, but their keys mean nothing to
// a person, so only their summed share is kept.
nlohmann::json Explain(const std::vector<search::MatchedTerm>& why) {
  nlohmann::json words = nlohmann::json::array();
  double partial = 0;
  auto find_word = [&](const std::string& query, const std::string& how) -> nlohmann::json* {
    for (auto& w : words) {
      if (w["query"] == query && w["how"] == how) return &w;
    }
    return nullptr;
  };
  for (const search::MatchedTerm& m : why) {
    if (m.kind == "gram") {
      partial += m.contribution;
      continue;
    }
    std::string how = m.kind;
    const std::string entry = TermText(m.term);
    if (how == "word" && entry != m.query) how = "form";  // ぱすわーど → パスワード, 忘れ → 忘れる
    // A word's reading matching as well is more of the same word, not a line of its own.
    if (how == "reading") {
      nlohmann::json* same = nullptr;
      for (auto& w : words) {
        if (w["query"] == m.query && w["how"] != "pair") same = &w;
      }
      if (same != nullptr) {
        (*same)["share"] = (*same)["share"].get<double>() + m.contribution;
        continue;
      }
    }
    if (how == "pair") {
      if (nlohmann::json* w = find_word(entry, how)) {
        (*w)["share"] = (*w)["share"].get<double>() + m.contribution;
        continue;
      }
      words.push_back(
          {{"query", entry}, {"entry", entry}, {"how", how}, {"share", m.contribution}});
      continue;
    }
    if (nlohmann::json* w = find_word(m.query, how)) {
      (*w)["share"] = (*w)["share"].get<double>() + m.contribution;
      continue;
    }
    words.push_back(
        {{"query", m.query}, {"entry", entry}, {"how", how}, {"share", m.contribution}});
  }
  for (auto& w : words) w["share"] = std::round(w["share"].get<double>() * 1000.0) / 1000.0;
  std::stable_sort(words.begin(), words.end(),
                   [](const nlohmann::json& a, const nlohmann::json& b) {
                     return a["share"].get<double>() > b["share"].get<double>();
                   });
  return {{"words", words}, {"partial_share", std::round(partial * 1000.0) / 1000.0}};
}

std::string Day(int64_t at) { return FormatIsoDate(TokyoDate(at)); }

// The word keys of a text, for grouping questions that say the same with other particles.
std::set<std::string> WordKeys(const search::Analyzer& analyzer, const std::string& text,
                               std::string* normalized) {
  search::Analyzed a = analyzer.Analyze(text);
  *normalized = a.normalized;
  std::set<std::string> keys;
  for (const search::Term& t : a.terms) {
    if (t.kind == search::TermKind::kWord) keys.insert(t.key);
  }
  return keys;
}

double Jaccard(const std::set<std::string>& a, const std::set<std::string>& b) {
  if (a.empty() || b.empty()) return 0;
  size_t both = 0;
  for (const std::string& k : a) both += b.count(k);
  return static_cast<double>(both) / static_cast<double>(a.size() + b.size() - both);
}

// Questions sharing at least this share of their words are counted as one.
constexpr double kSameQuestion = 0.6;

}  // namespace

nlohmann::json Programs(const service::Helpdesk& helpdesk) {
  const std::shared_ptr<const service::Engine> engine = helpdesk.engine();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& [id, program] : engine->knowledge_base().programs) {
    size_t own = 0;
    for (const kb::Entry& e : program.entries) own += e.IsOwnFaq();
    list.push_back({{"id", id},
                    {"name", program.program.name},
                    {"entries", program.entries.size()},
                    {"own_entries", own}});
  }
  return {{"programs", list}};
}

StatusOr<nlohmann::json> Search(const service::Helpdesk& helpdesk, const std::string& program,
                                const std::string& query, int limit) {
  // Held to the end: the index, its entries and the clock belong to this engine.
  const std::shared_ptr<const service::Engine> engine = helpdesk.engine();
  MADOGUCHI_RETURN_IF_ERROR(CheckProgram(*engine, program));
  if (query.find_first_not_of(" \t\r\n") == std::string::npos) {
    return Status(StatusCode::kInvalidArgument, "検索する質問を入力してください。",
                  "invalid_request");
  }
  const search::Index* index = engine->index(program);
  if (index == nullptr) return UnknownProgram(program);
  search::SearchOptions so;
  so.limit = std::clamp(limit, 1, 20);
  so.explain = true;
  search::Analyzed analyzed = index->analyzer().Analyze(query);
  rules::RenderContext ctx{&index->program().program, engine->clock().Today(), analyzed.normalized};
  nlohmann::json results = nlohmann::json::array();
  for (const search::Candidate& c : index->Search(analyzed, so)) {
    nlohmann::json why = nlohmann::json::array();
    for (const auto& w : c.why) {
      why.push_back({{"term", w.term},
                     {"query", w.query},
                     {"kind", w.kind},
                     {"contribution", Round3(w.contribution)}});
    }
    std::string answer = rules::Render(c.entry->answer, ctx);
    for (const kb::Variant& v : c.entry->variants) {
      answer += "\n【" + v.label + "】" + rules::Render(v.answer, ctx);
    }
    results.push_back({{"id", c.entry->id},
                       {"question", c.entry->question},
                       {"answer", answer},
                       {"category", c.entry->category},
                       {"score", Round3(c.score)},
                       {"coverage", Round3(c.coverage)},
                       {"matched", c.matched_phrase},
                       {"why", why},
                       {"explanation", Explain(c.why)}});
  }
  return nlohmann::json{{"program", program}, {"query", query}, {"results", results}};
}

StatusOr<nlohmann::json> Unanswered(service::Helpdesk& helpdesk, const std::string& program,
                                    int limit) {
  const std::shared_ptr<const service::Engine> engine = helpdesk.engine();
  MADOGUCHI_RETURN_IF_ERROR(CheckProgram(*engine, program));
  auto rows = helpdesk.store().RecentUnanswered(program, std::clamp(limit, 1, 500));
  if (!rows.ok()) return rows.status();
  nlohmann::json list = nlohmann::json::array();
  for (const auto& u : *rows) {
    list.push_back({{"text", u.redacted_text},
                    {"channel", u.channel},
                    {"nearest", u.nearest_entry_id},
                    {"confidence", Round3(u.confidence)},
                    {"at", u.at}});
  }

  struct Group {
    std::string normalized;
    std::set<std::string> words;
    std::map<std::string, int> texts;  // text → times asked
    std::set<std::string> channels;
    int count = 0;
    int64_t first_at = 0;
    int64_t last_at = 0;
  };
  std::vector<Group> groups;
  const search::Analyzer& analyzer = engine->analyzer();
  for (const auto& u : *rows) {
    std::string normalized;
    std::set<std::string> words = WordKeys(analyzer, u.redacted_text, &normalized);
    Group* into = nullptr;
    for (Group& g : groups) {
      if (g.normalized == normalized || Jaccard(g.words, words) >= kSameQuestion) {
        into = &g;
        break;
      }
    }
    if (into == nullptr) {
      groups.push_back({normalized, words, {}, {}, 0, u.at, u.at});
      into = &groups.back();
    }
    into->texts[u.redacted_text]++;
    into->channels.insert(u.channel);
    into->count++;
    into->first_at = std::min(into->first_at, u.at);
    into->last_at = std::max(into->last_at, u.at);
  }
  std::stable_sort(groups.begin(), groups.end(), [](const Group& a, const Group& b) {
    return a.count != b.count ? a.count > b.count : a.last_at > b.last_at;
  });
  const search::Index* index = engine->index(program);
  nlohmann::json grouped = nlohmann::json::array();
  for (const Group& g : groups) {
    std::string text;
    int best = 0;
    nlohmann::json texts = nlohmann::json::array();
    for (const auto& [t, n] : g.texts) {
      if (n > best) best = n, text = t;
      if (texts.size() < 5) texts.push_back(t);
    }
    nlohmann::json nearest = nlohmann::json::array();
    if (index != nullptr) {
      search::SearchOptions so;
      so.limit = 3;
      for (const search::Candidate& c : index->Search(text, so)) {
        nearest.push_back({{"id", c.entry->id},
                           {"question", c.entry->question},
                           {"score", Round3(c.score)},
                           {"own", c.entry->IsOwnFaq()}});
      }
    }
    // Whether the knowledge base serving now answers it: an alternate added since (or another
    // edit) turns an open question into a solved one, which staff should not work on again.
    std::string answered_by;
    StatusOr<dialogue::Reply> now = engine->answerer().Ask(program, text);
    if (now.ok() && now->outcome == dialogue::Outcome::kAnswer) answered_by = now->entry_id;
    grouped.push_back({{"text", text},
                       {"answered_by", answered_by},
                       {"count", g.count},
                       {"first_at", g.first_at},
                       {"last_at", g.last_at},
                       {"texts", texts},
                       {"channels", g.channels},
                       {"nearest", nearest}});
  }
  return nlohmann::json{{"program", program}, {"unanswered", list}, {"groups", grouped}};
}

StatusOr<nlohmann::json> FeedbackSummary(service::Helpdesk& helpdesk, const std::string& program,
                                         int limit) {
  const std::shared_ptr<const service::Engine> engine = helpdesk.engine();
  MADOGUCHI_RETURN_IF_ERROR(CheckProgram(*engine, program));
  const kb::ProgramKb* kb = engine->knowledge_base().Find(program);
  auto rows = helpdesk.store().RecentFeedback(program, std::clamp(limit, 1, 1000));
  if (!rows.ok()) return rows.status();
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json by_entry = nlohmann::json::object();
  std::map<std::string, std::pair<int, int>> by_day;  // day → (yes, no)
  for (const auto& f : *rows) {
    list.push_back({{"entry_id", f.entry_id}, {"resolved", f.resolved}, {"at", f.at}});
    auto& e = by_entry[f.entry_id];
    if (e.is_null()) {
      const kb::Entry* entry = kb->Find(f.entry_id);
      e = {{"yes", 0}, {"no", 0}, {"question", entry != nullptr ? entry->question : ""}};
    }
    e[f.resolved ? "yes" : "no"] = e[f.resolved ? "yes" : "no"].get<int>() + 1;
    auto& d = by_day[Day(f.at)];
    (f.resolved ? d.first : d.second)++;
  }
  nlohmann::json days = nlohmann::json::array();
  for (const auto& [day, yn] : by_day) {
    days.push_back({{"day", day}, {"yes", yn.first}, {"no", yn.second}});
  }
  // Fallbacks are the outcomes the store keeps per question: they show whether the knowledge
  // base is catching up with what members ask.
  auto unanswered = helpdesk.store().RecentUnanswered(program, std::clamp(limit, 1, 1000));
  if (!unanswered.ok()) return unanswered.status();
  std::map<std::string, int> fallback_by_day;
  for (const auto& u : *unanswered) fallback_by_day[Day(u.at)]++;
  nlohmann::json fallback_days = nlohmann::json::array();
  for (const auto& [day, n] : fallback_by_day) {
    fallback_days.push_back({{"day", day}, {"count", n}});
  }
  // Every reply's outcome per day, kept as counts by the store: the rates show whether members
  // are answered more often over time, across restarts and replicas.
  auto outcomes = helpdesk.store().OutcomesByDay(program, kOutcomeDays);
  if (!outcomes.ok()) return outcomes.status();
  nlohmann::json outcome_days = nlohmann::json::array();
  for (const store::DailyOutcomes& d : *outcomes) {
    const int64_t total = d.answer + d.clarify + d.fallback;
    const auto rate = [total](int64_t n) {
      return total == 0 ? 0.0 : static_cast<double>(n) / static_cast<double>(total);
    };
    outcome_days.push_back({{"day", d.day},
                            {"answer", d.answer},
                            {"clarify", d.clarify},
                            {"fallback", d.fallback},
                            {"total", total},
                            {"answer_rate", rate(d.answer)},
                            {"clarify_rate", rate(d.clarify)},
                            {"fallback_rate", rate(d.fallback)}});
  }
  return nlohmann::json{{"program", program},
                        {"feedback", list},
                        {"by_entry", by_entry},
                        {"by_day", days},
                        {"unanswered_by_day", fallback_days},
                        {"outcomes_by_day", outcome_days}};
}

namespace {

// One knowledge-base edit at a time: two edits racing on one file would lose one, and an undo
// could put back a file another edit had already changed.
std::mutex& EditMutex() {
  static std::mutex mu;
  return mu;
}

// Reloads after an edit; when the folder does not load, puts the file back and returns the
// reload's error, so the folder and the knowledge base serving never disagree.
StatusOr<std::shared_ptr<const service::Engine>> ReloadOrUndo(service::Helpdesk& helpdesk,
                                                              const kb::FaqEdit& edit) {
  StatusOr<std::shared_ptr<const service::Engine>> reloaded = helpdesk.ReloadKnowledge();
  if (!reloaded.ok()) {
    Status undone = kb::Undo(edit);
    if (!undone.ok()) return Internal(reloaded.status().ToString() + "; " + undone.ToString());
  }
  return reloaded;
}

}  // namespace

StatusOr<nlohmann::json> AddAlternate(service::Helpdesk& helpdesk, const std::string& program,
                                      const std::string& entry_id, const std::string& text) {
  if (program.empty()) return MissingProgram();
  if (entry_id.empty()) {
    return Status(StatusCode::kInvalidArgument, "entry_id を指定してください。", "invalid_request");
  }
  MADOGUCHI_RETURN_IF_ERROR(CheckProgram(*helpdesk.engine(), program));
  std::lock_guard<std::mutex> lock(EditMutex());
  StatusOr<kb::FaqEdit> edit = kb::AddAlternate(helpdesk.kb_dir(), program, entry_id, text);
  if (!edit.ok()) {
    const Status& s = edit.status();
    switch (s.code()) {
      case StatusCode::kInvalidArgument:
        return Status(s.code(), "追加できない言い方です（空、複数行、または長すぎます）。",
                      "invalid_request");
      case StatusCode::kNotFound:
        return Status(s.code(),
                      "項目「" + entry_id +
                          "」はこのプログラムの faq.json "
                          "にありません（共通の項目はファイルで編集してください）。",
                      "unknown_entry");
      case StatusCode::kAlreadyExists:
        return Status(s.code(), "項目「" + entry_id + "」はすでにこの言い方を持っています。",
                      "already_present");
      default:
        return s;
    }
  }
  StatusOr<std::shared_ptr<const service::Engine>> reloaded = ReloadOrUndo(helpdesk, *edit);
  if (!reloaded.ok()) return reloaded.status();
  const kb::ProgramKb* kb = (*reloaded)->knowledge_base().Find(program);
  const kb::Entry* entry = kb != nullptr ? kb->Find(entry_id) : nullptr;
  return nlohmann::json{
      {"status", "added"},    {"program", program},
      {"entry_id", entry_id}, {"question", entry != nullptr ? entry->question : ""},
      {"text", text},         {"file", edit->path}};
}

StatusOr<nlohmann::json> AddEntry(service::Helpdesk& helpdesk, const std::string& program,
                                  const std::string& question, const std::string& answer,
                                  const std::string& category) {
  if (program.empty()) return MissingProgram();
  MADOGUCHI_RETURN_IF_ERROR(CheckProgram(*helpdesk.engine(), program));
  std::lock_guard<std::mutex> lock(EditMutex());
  StatusOr<kb::NewEntry> made =
      kb::AddEntry(helpdesk.kb_dir(), program, question, answer, category);
  if (!made.ok()) {
    const Status& s = made.status();
    switch (s.code()) {
      case StatusCode::kInvalidArgument:
        return Status(s.code(),
                      "質問（1行、200文字まで）と回答（4,000文字まで）を入力してください。",
                      "invalid_request");
      case StatusCode::kAlreadyExists:
        return Status(s.code(), "同じ質問の項目がすでにあります。", "already_present");
      default:
        return s;
    }
  }
  StatusOr<std::shared_ptr<const service::Engine>> reloaded = ReloadOrUndo(helpdesk, made->edit);
  if (!reloaded.ok()) return reloaded.status();
  const kb::ProgramKb* kb = (*reloaded)->knowledge_base().Find(program);
  const kb::Entry* entry = kb != nullptr ? kb->Find(made->id) : nullptr;
  return nlohmann::json{{"status", "created"},
                        {"program", program},
                        {"entry_id", made->id},
                        {"question", entry != nullptr ? entry->question : ""},
                        {"file", made->edit.path}};
}

}  // namespace madoguchi::staff
