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

// Every request naming a program answers InvalidArgument (reason "invalid_request", HTTP 400)
// when `program` is empty and NotFound (reason "unknown_program", 404) when no program has
// that id.

// {"programs": [{"id", "name", "entries", "own_entries"}]}: the programs of the knowledge base
// serving now, by id (what the console offers; an imported program appears after a reload).
nlohmann::json Programs(const service::Helpdesk& helpdesk);

// {"program", "query", "results": [{"id", "question", "answer", "category", "score",
//  "coverage", "matched", "why": [{"term","query","kind","contribution"}],
//  "explanation": {"words": [{"query", "entry", "how", "share"}], "partial_share"}}]}
// `why` is the index's own account (its keys, reading n-grams included); `explanation` is the
// same evidence for people: one line per word of the question ("how": "word", "form" (another
// writing or inflection of the same word),
// "synonym", "reading" or "pair"), shares summed, and what only matched by fragments of
// readings folded into `partial_share`. InvalidArgument for an empty query; limit is clamped
// to 1–20.
StatusOr<nlohmann::json> Search(const service::Helpdesk& helpdesk, const std::string& program,
                                const std::string& query, int limit);

// {"program", "unanswered": [{"text", "channel", "nearest", "confidence", "at"}],
//  "groups": [{"text", "count", "first_at", "last_at", "texts": [...], "channels": [...],
//              "nearest": [{"id", "question", "score", "own"}], "answered_by"}]}
// The `limit` most recent questions nobody could answer (clamped to 1–500), and the same
// questions grouped: texts that normalise alike or share most of their words are one group,
// represented by its most frequent text, with the entries nearest to it and the entry that
// answers it now ("" while nothing does). `own`: an entry of the program's own faq.json, which
// AddAlternate can extend. Groups come most
// asked first, then most recent. Texts are as stored (personal data already masked).
StatusOr<nlohmann::json> Unanswered(service::Helpdesk& helpdesk, const std::string& program,
                                    int limit);

// How many days of outcomes FeedbackSummary reports: about a quarter, one bar a day still
// readable in the console.
inline constexpr int kOutcomeDays = 90;

// {"program", "feedback": [{"entry_id", "resolved", "at"}],
//  "by_entry": {id: {"yes", "no", "question"}}, "by_day": [{"day", "yes", "no"}],
//  "unanswered_by_day": [{"day", "count"}],
//  "outcomes_by_day": [{"day", "answer", "clarify", "fallback", "total", "answer_rate",
//                       "clarify_rate", "fallback_rate"}]}
// Days are Asia/Tokyo calendar days, oldest first; `limit` (1–1000) bounds the feedback and
// unanswered rows read. `outcomes_by_day` counts every reply of the program's conversations
// (Helpdesk::Handle) on the last kOutcomeDays days it replied at all; a rate is that outcome's
// share of the day's total (the three sum to 1).
StatusOr<nlohmann::json> FeedbackSummary(service::Helpdesk& helpdesk, const std::string& program,
                                         int limit);

// Adds `text` as an alternate of entry `entry_id` of `program` in the knowledge-base folder
// (kb::AddAlternate), then reloads; when the folder no longer loads the file is put back and
// the reload's error (FailedPrecondition, reason kb_invalid) returned, so the folder and the
// knowledge base serving never disagree. {"status": "added", "program", "entry_id",
// "question", "text", "file"}. InvalidArgument for a missing field or an unusable text;
// NotFound for an entry that is not the program's own (shared entries are edited in files);
// AlreadyExists when the entry already says exactly this. One edit at a time.
StatusOr<nlohmann::json> AddAlternate(service::Helpdesk& helpdesk, const std::string& program,
                                      const std::string& entry_id, const std::string& text);

// Writes a new entry {question, answer[, category]} into the program's faq.json
// (kb::AddEntry: the id is the next `program`-NN) and reloads, undoing the edit when the folder
// no longer loads (an unknown placeholder in the answer, say: FailedPrecondition, kb_invalid).
// For a question nobody could answer and no entry is near. {"status": "created", "program",
// "entry_id", "question", "file"}. InvalidArgument for a missing program or an unusable
// question or answer; AlreadyExists when an entry already asks exactly this. Shares
// AddAlternate's one-edit-at-a-time lock.
StatusOr<nlohmann::json> AddEntry(service::Helpdesk& helpdesk, const std::string& program,
                                  const std::string& question, const std::string& answer,
                                  const std::string& category);

// The console's script and style sheet, served as files of their own so the page's
// Content-Security-Policy can forbid every inline script and style.
const std::string& StaffAppJs();
const std::string& StaffAppCss();

// The staff page: the HTML document (Japanese, accessible) loading only StaffAppJs() and
// StaffAppCss() from the service itself.
const std::string& StaffPageHtml();

}  // namespace madoguchi::staff

#endif  // MADOGUCHI_ADAPTERS_STAFF_STAFF_API_H_
