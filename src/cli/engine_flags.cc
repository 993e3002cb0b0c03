#include "base/date.h"
#include "cli/commands.h"

namespace madoguchi::cli {

const std::set<std::string>& EngineFlagNames() {
  static const std::set<std::string> kNames = {"kb", "dictionaries", "mecab-dic", "user-dic",
                                               "today"};
  return kNames;
}

StatusOr<std::unique_ptr<service::Engine>> EngineFromFlags(const Flags& flags) {
  service::EngineOptions o;
  o.kb_dir = flags.GetOr("kb", "");
  o.dictionaries_dir = flags.GetOr("dictionaries", "");
  if (auto d = flags.Get("mecab-dic")) o.tokenizer.system_dictionary = *d;
  if (auto d = flags.Get("user-dic")) o.tokenizer.user_dictionary = *d;
  if (auto t = flags.Get("today")) {
    auto date = ParseIsoDate(*t);
    if (!date) return InvalidArgument("--today must be YYYY-MM-DD, got \"" + *t + "\"");
    o.clock = std::make_shared<FixedClock>(*date);
  }
  return service::Engine::Create(o);
}

}  // namespace madoguchi::cli
