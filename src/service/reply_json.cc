#include "service/reply_json.h"

#include <cmath>

namespace madoguchi::service {

namespace {
double Round3(float v) { return std::round(static_cast<double>(v) * 1000.0) / 1000.0; }
}  // namespace

nlohmann::ordered_json ReplyToJson(const dialogue::Reply& r) {
  nlohmann::ordered_json j;
  j["outcome"] = dialogue::OutcomeName(r.outcome);
  j["id"] =
      r.entry_id.empty() ? nlohmann::ordered_json(nullptr) : nlohmann::ordered_json(r.entry_id);
  if (!r.action.empty()) j["action"] = r.action;
  j["confidence"] = Round3(r.confidence);
  j["text"] = r.text;
  nlohmann::ordered_json choices = nlohmann::ordered_json::array();
  for (const auto& c : r.choices) choices.push_back({{"label", c.label}, {"payload", c.payload}});
  j["choices"] = choices;
  nlohmann::ordered_json links = nlohmann::ordered_json::array();
  for (const auto& l : r.links) links.push_back({{"label", l.label}, {"url", l.url}});
  j["links"] = links;
  nlohmann::ordered_json cands = nlohmann::ordered_json::array();
  for (const auto& c : r.candidates) {
    nlohmann::ordered_json cj = {{"id", c.entry->id},
                                 {"score", Round3(c.score)},
                                 {"coverage", Round3(c.coverage)},
                                 {"evidence", Round3(c.evidence)},
                                 {"question", c.entry->question},
                                 {"matched", c.matched_phrase}};
    if (!c.why.empty()) {
      nlohmann::ordered_json why = nlohmann::ordered_json::array();
      for (const auto& w : c.why) {
        why.push_back({{"term", w.term},
                       {"query", w.query},
                       {"kind", w.kind},
                       {"contribution", Round3(w.contribution)}});
      }
      cj["why"] = why;
    }
    // Words of the question no entry has: why a clear winner may still not be answered.
    if (!c.unknown.empty()) cj["unknown"] = c.unknown;
    cands.push_back(std::move(cj));
  }
  j["candidates"] = cands;
  return j;
}

}  // namespace madoguchi::service
