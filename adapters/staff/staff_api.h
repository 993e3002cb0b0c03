// What support staff see: the same retrieval members get, with every candidate's answer, score
// and why it matched; the questions nobody could answer; and members' feedback. Transport-free:
// the HTTP routes parse the request, call these, and send the JSON.
//
// Staff tokens come from the configuration as SHA-256 hashes; a presented token is hashed and
// compared in constant time, so neither the config nor the comparison reveals a token.
// Thread safety: all functions may be called from many threads; StaffTokens is immutable.
#ifndef MADOGUCHI_ADAPTERS_STAFF_STAFF_API_H_
#define MADOGUCHI_ADAPTERS_STAFF_STAFF_API_H_

#include <nlohmann/json.hpp>
#include <string>
#include <vector>

#include "base/status.h"
#include "service/helpdesk.h"

namespace madoguchi::staff {

class StaffTokens {
 public:
  // `sha256_hex`: hex SHA-256 of each valid token (as `madoguchi staff hash-token` prints).
  explicit StaffTokens(std::vector<std::string> sha256_hex) : hashes_(std::move(sha256_hex)) {}
  bool empty() const { return hashes_.empty(); }
  // True when `token` hashes to one of the configured hashes.
  bool Accepts(const std::string& token) const;

 private:
  std::vector<std::string> hashes_;
};

// {"program", "query", "results": [{"id", "question", "answer", "category", "score",
//  "coverage", "matched", "why": [{"term","query","kind","contribution"}]}]}
// NotFound for an unknown program; limit is clamped to 1–20.
StatusOr<nlohmann::json> Search(const service::Helpdesk& helpdesk, const std::string& program,
                                const std::string& query, int limit);
// {"program", "unanswered": [{"text", "channel", "nearest", "confidence", "at"}]}
StatusOr<nlohmann::json> Unanswered(service::Helpdesk& helpdesk, const std::string& program,
                                    int limit);
// {"program", "feedback": [{"entry_id", "resolved", "at"}], "by_entry": {id: {"yes","no"}}}
StatusOr<nlohmann::json> FeedbackSummary(service::Helpdesk& helpdesk, const std::string& program,
                                         int limit);

// The staff page: one self-contained HTML document (Japanese, accessible, no external assets).
const std::string& StaffPageHtml();

}  // namespace madoguchi::staff

#endif  // MADOGUCHI_ADAPTERS_STAFF_STAFF_API_H_
