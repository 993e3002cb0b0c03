// `madoguchi eval`: runs an evaluation set through the same path as a real message (no account
// linked) and prints one JSON object per row and a summary, as ../shared/eval/README.md lays out.
#include <fstream>
#include <iostream>
#include <sstream>

#include "cli/commands.h"
#include "service/reply_json.h"

namespace madoguchi::cli {

namespace {

struct Row {
  std::string program;
  std::string query;
  std::vector<std::string> expected;
  std::vector<std::string> must_contain;
};

std::vector<std::string> Split(const std::string& s, char sep) {
  std::vector<std::string> out;
  std::stringstream ss(s);
  std::string part;
  while (std::getline(ss, part, sep)) {
    if (!part.empty()) out.push_back(part);
  }
  return out;
}

StatusOr<std::vector<Row>> ReadSet(const std::string& path) {
  std::ifstream in(path);
  if (!in) return Status(StatusCode::kNotFound, path + ": cannot be read");
  std::vector<Row> rows;
  std::string line;
  int no = 0;
  while (std::getline(in, line)) {
    ++no;
    if (!line.empty() && line.back() == '\r') line.pop_back();
    if (line.empty() || line[0] == '#') continue;
    std::vector<std::string> cols;
    size_t start = 0;
    while (true) {  // keep empty columns: must_contain may be empty
      size_t tab = line.find('\t', start);
      cols.push_back(line.substr(start, tab == std::string::npos ? tab : tab - start));
      if (tab == std::string::npos) break;
      start = tab + 1;
    }
    if (cols.size() < 3) {
      return InvalidArgument(path + ":" + std::to_string(no) +
                             ": expected program, query, expected");
    }
    Row r{cols[0], cols[1], Split(cols[2], ' '), {}};
    if (cols.size() > 3) r.must_contain = Split(cols[3], '|');
    rows.push_back(std::move(r));
  }
  return rows;
}

bool Contains(const std::vector<std::string>& v, const std::string& s) {
  return std::find(v.begin(), v.end(), s) != v.end();
}

}  // namespace

int RunEval(const std::vector<std::string>& args) {
  std::set<std::string> with_value = EngineFlagNames();
  with_value.insert({"set", "min-top1", "max-false-answers", "max-none-answered"});
  auto flags = ParseFlags(args, with_value, {"json", "bare"});
  if (!flags.ok() || !flags->Get("set")) {
    std::cerr << "usage: madoguchi eval --set FILE [--today D] --json [--bare] [--min-top1 X] "
                 "[--max-false-answers N] [--max-none-answered N]\n";
    return 2;
  }
  auto rows = ReadSet(*flags->Get("set"));
  if (!rows.ok()) {
    std::cerr << "madoguchi eval: " << rows.status().message() << "\n";
    return 1;
  }
  auto engine = EngineFromFlags(*flags);
  if (!engine.ok()) {
    std::cerr << "madoguchi eval: " << engine.status().message() << "\n";
    return 1;
  }
  const auto& answerer = (*engine)->answerer();
  int top1 = 0, clarified = 0, fallback_correct = 0, false_answers = 0, none_rows = 0,
      none_answered = 0;
  for (const Row& row : *rows) {
    auto reply = answerer.Ask(row.program, row.query);
    nlohmann::ordered_json j;
    j["program"] = row.program;
    j["query"] = row.query;
    j["expected"] = row.expected;
    if (!reply.ok()) {
      j["error"] = reply.status().message();
      j["ok"] = false;
      std::cout << j.dump() << "\n";
      continue;
    }
    bool expects_none = Contains(row.expected, "none");
    none_rows += expects_none;
    bool ok = false;
    if (reply->outcome == dialogue::Outcome::kAnswer) {
      bool id_ok = Contains(row.expected, reply->entry_id);
      bool text_ok = row.must_contain.empty();
      for (const auto& m : row.must_contain) text_ok |= reply->text.find(m) != std::string::npos;
      ok = id_ok && text_ok;
      if (!id_ok) ++false_answers;
      none_answered += expects_none;
    } else if (reply->outcome == dialogue::Outcome::kFallback) {
      ok = expects_none;
      fallback_correct += expects_none;
    } else {
      for (const auto& c : reply->choices) {
        if (c.payload.rfind("entry:", 0) == 0 && Contains(row.expected, c.payload.substr(6))) {
          ++clarified;
          break;
        }
      }
      // A clarification on a row that expects nothing still does not answer it: not counted
      // as a false answer, not as top-1 either.
    }
    top1 += ok;
    nlohmann::ordered_json r = service::ReplyToJson(*reply);
    j["outcome"] = r["outcome"];
    j["id"] = r["id"];
    j["confidence"] = r["confidence"];
    j["candidates"] = nlohmann::ordered_json::array();
    for (const auto& c : r["candidates"]) {
      j["candidates"].push_back({{"id", c["id"]},
                                 {"score", c["score"]},
                                 {"coverage", c["coverage"]},
                                 {"evidence", c["evidence"]}});
    }
    if (!reply->candidates.empty()) {
      const search::Candidate& top = reply->candidates.front();
      j["bm25"] = std::round(top.bm25 * 1000) / 1000;
      j["lacks"] = std::round(top.lacks * 1000) / 1000;
      j["unknown_words"] = top.unknown_words;
    }
    j["text"] = reply->text;
    j["ok"] = ok;
    std::cout << j.dump() << "\n";
  }
  const int n = static_cast<int>(rows->size());
  double top1_rate = n ? static_cast<double>(top1) / n : 0;
  nlohmann::ordered_json summary = {{"rows", n},
                                    {"top1", std::round(top1_rate * 10000) / 10000},
                                    {"top1_count", top1},
                                    {"clarified", clarified},
                                    {"fallback_correct", fallback_correct},
                                    {"none_rows", none_rows},
                                    {"false_answers", false_answers},
                                    {"none_answered", none_answered}};
  std::cout << nlohmann::ordered_json{{"summary", summary}}.dump() << std::endl;
  if (auto m = flags->Get("min-top1"); m && top1_rate < std::stod(*m)) {
    std::cerr << "madoguchi eval: top-1 " << top1_rate << " below " << *m << "\n";
    return 1;
  }
  if (auto m = flags->Get("max-false-answers"); m && false_answers > std::stoi(*m)) {
    std::cerr << "madoguchi eval: " << false_answers << " false answers, more than " << *m << "\n";
    return 1;
  }
  if (auto m = flags->Get("max-none-answered"); m && none_answered > std::stoi(*m)) {
    std::cerr << "madoguchi eval: " << none_answered << " answers on rows that expect none\n";
    return 1;
  }
  return 0;
}

}  // namespace madoguchi::cli
