#include "staff/staff_api.h"

#include <openssl/crypto.h>

#include <algorithm>
#include <cmath>

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

StatusOr<nlohmann::json> Search(const service::Helpdesk& helpdesk, const std::string& program,
                                const std::string& query, int limit) {
  // Held to the end: the index, its entries and the clock belong to this engine.
  const std::shared_ptr<const service::Engine> engine = helpdesk.engine();
  const search::Index* index = engine->index(program);
  if (index == nullptr) return Status(StatusCode::kNotFound, "unknown program \"" + program + "\"");
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
                       {"why", why}});
  }
  return nlohmann::json{{"program", program}, {"query", query}, {"results", results}};
}

StatusOr<nlohmann::json> Unanswered(service::Helpdesk& helpdesk, const std::string& program,
                                    int limit) {
  if (helpdesk.engine()->knowledge_base().Find(program) == nullptr) {
    return Status(StatusCode::kNotFound, "unknown program \"" + program + "\"");
  }
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
  return nlohmann::json{{"program", program}, {"unanswered", list}};
}

StatusOr<nlohmann::json> FeedbackSummary(service::Helpdesk& helpdesk, const std::string& program,
                                         int limit) {
  if (helpdesk.engine()->knowledge_base().Find(program) == nullptr) {
    return Status(StatusCode::kNotFound, "unknown program \"" + program + "\"");
  }
  auto rows = helpdesk.store().RecentFeedback(program, std::clamp(limit, 1, 1000));
  if (!rows.ok()) return rows.status();
  nlohmann::json list = nlohmann::json::array();
  nlohmann::json by_entry = nlohmann::json::object();
  for (const auto& f : *rows) {
    list.push_back({{"entry_id", f.entry_id}, {"resolved", f.resolved}, {"at", f.at}});
    auto& e = by_entry[f.entry_id];
    if (e.is_null()) e = {{"yes", 0}, {"no", 0}};
    e[f.resolved ? "yes" : "no"] = e[f.resolved ? "yes" : "no"].get<int>() + 1;
  }
  return nlohmann::json{{"program", program}, {"feedback", list}, {"by_entry", by_entry}};
}

}  // namespace madoguchi::staff
