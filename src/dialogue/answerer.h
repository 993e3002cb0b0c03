// One question in, one reply out: retrieval, the answer / clarify / fallback decision, and the
// answer text with its rules applied. No conversation state here (that is the conversation
// layer's); this is what `madoguchi ask` and the evaluation run.
//
// Thread safety: immutable after construction; Ask() may run on many threads at once. Borrows
// the knowledge base, indexes and clock, which must outlive it.
#ifndef MADOGUCHI_DIALOGUE_ANSWERER_H_
#define MADOGUCHI_DIALOGUE_ANSWERER_H_

#include <map>
#include <memory>
#include <string>

#include "base/date.h"
#include "base/status.h"
#include "dialogue/reply.h"
#include "kb/knowledge_base.h"
#include "search/index.h"

namespace madoguchi::dialogue {

struct PolicyOptions {
  // In the margins and ratios below, "the runner-up" is the best candidate that is not one of
  // the winner's follow-ups: those are offered under the answer, so a member who meant one is
  // a tap away.
  //
  // Answer when the best score reaches this and clearly leads the runner-up …
  float answer_threshold = 0.32f;
  float answer_margin = 0.07f;
  // … or reaches this and still leads the runner-up by sure_margin: two entries that both
  // explain the question are a choice for the member, not a sure answer.
  float sure_threshold = 0.72f;
  float sure_margin = 0.04f;
  // … and only when the entry knows most of what was asked (see Candidate::coverage).
  float min_coverage = 0.45f;
  // A long question with context covers less of any one entry; it is answered when the entry
  // holds enough specific evidence (Candidate::evidence) and clearly leads the runner-up.
  float evidence_threshold = 1.8f;
  float evidence_lead = 1.3f;  // best score ÷ runner-up's
  float evidence_min_score = 0.15f;
  float evidence_min_coverage = 0.3f;
  // A clear leader at a low score: a question worded unlike any entry (an imported FAQ has no
  // alternates) still finds its entry when it scores this many times the runner-up.
  // Only when no noun of the question is unknown to the knowledge base.
  float lead_ratio = 1.25f;
  float lead_min_score = 0.25f;
  float lead_min_coverage = 0.25f;
  // Not confident when the winner lacks a query word at least this specific (its IDF over the
  // highest, Candidate::lacks) that a runner-up within clarify_window knows.
  float lacks_threshold = 0.6f;
  // At most this many query nouns the knowledge base has never seen
  // (Candidate::unknown_words; not those of the member's circumstance, Term::circumstance)
  // for an answer through evidence or lead; coverage counts them against an answer anyway. One
  // allowed would let 「社員旅行の補助金」 ride on 補助 and 社員 while its topic, 旅行, is in no
  // entry: a clarify is better than that wrong answer.
  float max_unknown_words = 0;
  // Whatever the rules above say, answer when the question says exactly what one of the
  // entry's phrases says (Candidate::phrase at least this) and no other entry's phrase does:
  // the knowledge base's author wrote that wording for that entry, however close another
  // entry scores.
  float exact_phrase = 0.98f;
  // Below answering, offer the close candidates as choices when the best reaches this.
  float clarify_threshold = 0.28f;
  float clarify_min_coverage = 0.4f;
  // Candidates within this of the best are offered when clarifying.
  float clarify_window = 0.12f;
  int max_choices = 4;
};

struct AskOptions {
  bool explain = false;  // fill each candidate's `why`
  // The asker's age when known, to pick among an answer's variants; unknown shows all.
  std::optional<int> asker_age;
};

class Answerer {
 public:
  // `indexes` maps program id → its index; all borrowed.
  Answerer(const kb::KnowledgeBase* kb, const std::map<std::string, const search::Index*>* indexes,
           const Clock* clock, const PolicyOptions& policy = {});

  // NotFound when the program is unknown. Empty or blank text falls back.
  StatusOr<Reply> Ask(const std::string& program_id, std::string_view text,
                      const AskOptions& options = {}) const;

  // The reply for one entry, as when a member taps it among choices.
  StatusOr<Reply> AnswerEntry(const std::string& program_id, const std::string& entry_id,
                              std::string_view question = {}, const AskOptions& options = {}) const;

  const PolicyOptions& policy() const { return policy_; }

 private:
  Reply Render(const kb::ProgramKb& program, const kb::Entry& entry, const std::string& normalized,
               const AskOptions& options) const;
  Reply Fallback(const kb::ProgramKb& program, std::vector<search::Candidate> candidates) const;

  const kb::KnowledgeBase* kb_;
  const std::map<std::string, const search::Index*>* indexes_;
  const Clock* clock_;
  PolicyOptions policy_;
};

}  // namespace madoguchi::dialogue

#endif  // MADOGUCHI_DIALOGUE_ANSWERER_H_
