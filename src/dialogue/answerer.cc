#include "dialogue/answerer.h"

#include <algorithm>

#include "rules/placeholders.h"

namespace madoguchi::dialogue {

const char* OutcomeName(Outcome o) {
  switch (o) {
    case Outcome::kAnswer:
      return "answer";
    case Outcome::kClarify:
      return "clarify";
    case Outcome::kFallback:
      return "fallback";
  }
  return "";
}

Answerer::Answerer(const kb::KnowledgeBase* kb,
                   const std::map<std::string, const search::Index*>* indexes, const Clock* clock,
                   const PolicyOptions& policy)
    : kb_(kb), indexes_(indexes), clock_(clock), policy_(policy) {}

StatusOr<Reply> Answerer::Ask(const std::string& program_id, std::string_view text,
                              const AskOptions& options) const {
  const kb::ProgramKb* program = kb_->Find(program_id);
  auto it = indexes_->find(program_id);
  if (program == nullptr || it == indexes_->end()) {
    return Status(StatusCode::kNotFound, "unknown program \"" + program_id + "\"");
  }
  const search::Index& index = *it->second;
  // The analyzer is the index's; normalizing here too keeps one normalized text for rules.
  search::SearchOptions so;
  so.limit = std::max(policy_.max_choices, 5);
  so.explain = options.explain;
  // One analysis serves retrieval and the rules, which read dates and numbers from the
  // normalized question (full-width digits included).
  search::Analyzed analyzed = index.analyzer().Analyze(text);
  std::vector<search::Candidate> candidates = index.Search(analyzed, so);
  if (candidates.empty()) return Fallback(*program, std::move(candidates));

  const search::Candidate& top = candidates[0];
  const float best = top.score;
  // The runner-up the margins are measured against. An entry the winner's answer offers as a
  // follow-up does not compete with it: the member who meant that one is a tap away, as in a
  // clarify, and the answer says more.
  const std::vector<std::string>& next = top.entry->followups;
  float second = 0.0f;
  for (size_t i = 1; i < candidates.size(); ++i) {
    if (std::find(next.begin(), next.end(), candidates[i].entry->id) != next.end()) continue;
    second = candidates[i].score;
    break;
  }
  const bool covered_and_clear =
      top.coverage >= policy_.min_coverage &&
      ((best >= policy_.sure_threshold && best - second >= policy_.sure_margin) ||
       (best >= policy_.answer_threshold && best - second >= policy_.answer_margin));
  const bool much_evidence =
      top.unknown_words <= policy_.max_unknown_words &&
      top.evidence >= policy_.evidence_threshold && top.coverage >= policy_.evidence_min_coverage &&
      best >= policy_.evidence_min_score && best >= policy_.evidence_lead * second;
  const bool clear_lead = top.unknown_words == 0 && best >= policy_.lead_min_score &&
                          top.coverage >= policy_.lead_min_coverage &&
                          best >= policy_.lead_ratio * second;
  const bool says_one_phrase =
      top.phrase >= policy_.exact_phrase &&
      std::none_of(candidates.begin() + 1, candidates.end(),
                   [&](const search::Candidate& c) { return c.phrase >= policy_.exact_phrase; });
  // The winner misses the question's most specific word while a close runner-up has it.
  const bool misses_key_word =
      top.lacks >= policy_.lacks_threshold && best - second <= policy_.clarify_window;
  const bool confident =
      says_one_phrase || ((covered_and_clear || much_evidence || clear_lead) && !misses_key_word);
  if (confident) {
    Reply r = Render(*program, *candidates[0].entry, analyzed.normalized, options);
    r.confidence = best;
    r.candidates = std::move(candidates);
    return r;
  }
  if (best >= policy_.clarify_threshold && candidates[0].coverage >= policy_.clarify_min_coverage) {
    Reply r;
    r.outcome = Outcome::kClarify;
    r.confidence = best;
    r.text = "お問い合わせの内容は、次のどれに近いでしょうか。";
    for (const search::Candidate& c : candidates) {
      if (static_cast<int>(r.choices.size()) >= policy_.max_choices) break;
      if (best - c.score > policy_.clarify_window) break;
      r.choices.push_back({c.entry->question, "entry:" + c.entry->id});
    }
    r.choices.push_back({"どれでもない", "none"});
    r.candidates = std::move(candidates);
    return r;
  }
  return Fallback(*program, std::move(candidates));
}

StatusOr<Reply> Answerer::AnswerEntry(const std::string& program_id, const std::string& entry_id,
                                      std::string_view question, const AskOptions& options) const {
  const kb::ProgramKb* program = kb_->Find(program_id);
  if (program == nullptr)
    return Status(StatusCode::kNotFound, "unknown program \"" + program_id + "\"");
  const kb::Entry* entry = program->Find(entry_id);
  if (entry == nullptr) return Status(StatusCode::kNotFound, "unknown entry \"" + entry_id + "\"");
  auto it = indexes_->find(program_id);
  std::string normalized = it == indexes_->end()
                               ? std::string(question)
                               : it->second->analyzer().normalizer().Normalize(question);
  Reply r = Render(*program, *entry, normalized, options);
  r.confidence = 1;
  return r;
}

Reply Answerer::Render(const kb::ProgramKb& program, const kb::Entry& entry,
                       const std::string& question, const AskOptions& options) const {
  Reply r;
  r.outcome = Outcome::kAnswer;
  r.entry_id = entry.id;
  r.action = entry.action;
  rules::RenderContext ctx{&program.program, clock_->Today(), question};
  std::string text = rules::Render(entry.answer, ctx);
  if (!entry.variants.empty()) {
    bool picked = false;
    if (options.asker_age) {
      for (const kb::Variant& v : entry.variants) {
        int age = *options.asker_age;
        if ((v.when.age_at_least && age < *v.when.age_at_least) ||
            (v.when.age_below && age >= *v.when.age_below)) {
          continue;
        }
        text = rules::Render(v.answer, ctx);
        picked = true;
        break;
      }
    }
    if (!picked) {
      // Unknown asker: every variant, each labelled, after the general answer.
      for (const kb::Variant& v : entry.variants) {
        if (!text.empty()) text += "\n\n";
        text += "【" + v.label + "】" + rules::Render(v.answer, ctx);
      }
    }
  }
  r.text = std::move(text);
  r.links = entry.links;
  for (const std::string& f : entry.followups) {
    if (const kb::Entry* fe = program.Find(f)) r.choices.push_back({fe->question, "entry:" + f});
  }
  return r;
}

Reply Answerer::Fallback(const kb::ProgramKb& program,
                         std::vector<search::Candidate> candidates) const {
  Reply r;
  r.outcome = Outcome::kFallback;
  r.confidence = candidates.empty() ? 0 : candidates[0].score;
  r.text = "申し訳ありません。お問い合わせの内容に合う回答が見つかりませんでした。";
  int offered = 0;
  for (const search::Candidate& c : candidates) {
    if (offered >= 3 || !c.entry->IsOwnFaq()) continue;
    r.choices.push_back({c.entry->question, "entry:" + c.entry->id});
    ++offered;
  }
  if (offered > 0) r.text += "\nもしかして、次のご質問でしょうか。";
  std::string contacts = rules::FormatContacts(program.program);
  if (!contacts.empty()) r.text += "\n\n担当窓口へのお問い合わせはこちらです。\n" + contacts;
  r.candidates = std::move(candidates);
  return r;
}

}  // namespace madoguchi::dialogue
