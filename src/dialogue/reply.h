// What the service says back, independent of any channel: adapters render it (LINE quick
// replies, Slack buttons, JSON). Plain data.
#ifndef MADOGUCHI_DIALOGUE_REPLY_H_
#define MADOGUCHI_DIALOGUE_REPLY_H_

#include <string>
#include <vector>

#include "kb/entry.h"
#include "search/index.h"

namespace madoguchi::dialogue {

enum class Outcome {
  kAnswer,    // confident: one entry answers
  kClarify,   // the top few are close: the member picks one
  kFallback,  // nothing fits: say so, offer the nearest topics and a person
};
const char* OutcomeName(Outcome o);

struct Choice {
  std::string label;    // what the member sees
  std::string payload;  // what comes back when tapped: "entry:kagawa-18"
};

struct Reply {
  Outcome outcome = Outcome::kFallback;
  std::string entry_id;  // the answering entry (kAnswer)
  std::string action;    // its live intent, if any
  float confidence = 0;
  std::string text;
  std::vector<Choice> choices;
  std::vector<kb::Link> links;
  std::vector<search::Candidate> candidates;  // ranked, for evaluation and staff
};

}  // namespace madoguchi::dialogue

#endif  // MADOGUCHI_DIALOGUE_REPLY_H_
