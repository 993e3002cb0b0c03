#include <cstdlib>
#include <map>

#include "base/date.h"
#include "cli/commands.h"

namespace madoguchi::cli {

const std::set<std::string>& EngineFlagNames() {
  static const std::set<std::string> kNames = {"kb",       "dictionaries", "mecab-dic",
                                               "user-dic", "today",        "tune"};
  return kNames;
}

namespace {

// --tune name=value,name=value: adjusts retrieval and policy weights without a rebuild, for
// measuring a knowledge base; the defaults are the tested ones.
Status ApplyTuning(const std::string& spec, service::EngineOptions* o) {
  std::map<std::string, float*> knobs = {
      {"answer_threshold", &o->policy.answer_threshold},
      {"answer_margin", &o->policy.answer_margin},
      {"sure_threshold", &o->policy.sure_threshold},
      {"sure_margin", &o->policy.sure_margin},
      {"exact_phrase", &o->policy.exact_phrase},
      {"lead_ratio", &o->policy.lead_ratio},
      {"lead_min_score", &o->policy.lead_min_score},
      {"lead_min_coverage", &o->policy.lead_min_coverage},
      {"lacks_threshold", &o->policy.lacks_threshold},
      {"max_unknown_words", &o->policy.max_unknown_words},
      {"min_coverage", &o->policy.min_coverage},
      {"clarify_threshold", &o->policy.clarify_threshold},
      {"clarify_min_coverage", &o->policy.clarify_min_coverage},
      {"clarify_window", &o->policy.clarify_window},
      {"evidence_threshold", &o->policy.evidence_threshold},
      {"evidence_lead", &o->policy.evidence_lead},
      {"evidence_min_score", &o->policy.evidence_min_score},
      {"evidence_min_coverage", &o->policy.evidence_min_coverage},
      {"keyword_weight", &o->index.keyword_weight},
      {"bm25_k1", &o->index.bm25_k1},
      {"question_field", &o->index.question_field},
      {"alternates_field", &o->index.alternates_field},
      {"keywords_field", &o->index.keywords_field},
      {"answer_field", &o->index.answer_field},
      {"question_b", &o->index.question_b},
      {"alternates_b", &o->index.alternates_b},
      {"answer_b", &o->index.answer_b},
      {"every_wording_tf", &o->index.every_wording_tf},
      {"bm25_weight", &o->index.bm25_weight},
      {"answer_coverage", &o->index.answer_coverage},
      {"sole_wording_answer_coverage", &o->index.sole_wording_answer_coverage},
      {"sole_wording_answer_weight", &o->index.sole_wording_answer_weight},
      {"entry_weight", &o->index.entry_weight},
      {"answer_weight", &o->index.answer_weight},
      {"unseen_weight", &o->index.unseen_weight},
      {"circumstance_share", &o->index.circumstance_share},
      {"everyday_share", &o->index.everyday_share},
      {"coverage_weight", &o->index.coverage_weight},
      {"spelling_share", &o->index.spelling_share},
      {"near_synonym_share", &o->index.near_synonym_share},
      {"many_wordings_damping", &o->index.many_wordings_damping},
      {"word_weight", &o->analyzer.word_weight},
      {"wording_weight", &o->analyzer.wording_weight},
      {"reading_weight", &o->analyzer.reading_weight},
      {"gram_weight", &o->analyzer.gram_weight},
      {"pair_weight", &o->analyzer.pair_weight},
      {"number_weight", &o->analyzer.number_weight},
      {"negation_weight", &o->analyzer.negation_weight},
  };
  size_t start = 0;
  while (start < spec.size()) {
    size_t comma = spec.find(',', start);
    std::string item = spec.substr(start, comma == std::string::npos ? comma : comma - start);
    start = comma == std::string::npos ? spec.size() : comma + 1;
    size_t eq = item.find('=');
    auto it = knobs.find(item.substr(0, eq));
    if (eq == std::string::npos || it == knobs.end()) {
      return InvalidArgument("--tune: unknown setting \"" + item + "\"");
    }
    char* end = nullptr;
    std::string value = item.substr(eq + 1);
    float v = std::strtof(value.c_str(), &end);
    if (end == value.c_str() || *end != '\0') {
      return InvalidArgument("--tune: \"" + item + "\" needs a number");
    }
    *it->second = v;
  }
  return Status::Ok();
}

}  // namespace

StatusOr<service::EngineOptions> EngineOptionsFromFlags(const Flags& flags) {
  service::EngineOptions o;
  o.bare = flags.Has("bare");
  o.kb_dir = flags.GetOr("kb", "");
  o.dictionaries_dir = flags.GetOr("dictionaries", "");
  if (auto d = flags.Get("mecab-dic")) o.tokenizer.system_dictionary = *d;
  if (auto d = flags.Get("user-dic")) o.tokenizer.user_dictionary = *d;
  if (auto t = flags.Get("today")) {
    auto date = ParseIsoDate(*t);
    if (!date) return InvalidArgument("--today must be YYYY-MM-DD, got \"" + *t + "\"");
    o.clock = std::make_shared<FixedClock>(*date);
  }
  if (auto t = flags.Get("tune")) MADOGUCHI_RETURN_IF_ERROR(ApplyTuning(*t, &o));
  return o;
}

StatusOr<std::unique_ptr<service::Engine>> EngineFromFlags(const Flags& flags) {
  auto o = EngineOptionsFromFlags(flags);
  if (!o.ok()) return o.status();
  return service::Engine::Create(*o);
}

}  // namespace madoguchi::cli
