#include "cli/flags.h"

namespace madoguchi::cli {

std::optional<std::string> Flags::Get(const std::string& name) const {
  auto it = values.find(name);
  if (it == values.end()) return std::nullopt;
  return it->second;
}

std::string Flags::GetOr(const std::string& name, const std::string& fallback) const {
  return Get(name).value_or(fallback);
}

StatusOr<Flags> ParseFlags(const std::vector<std::string>& args,
                           const std::set<std::string>& with_value,
                           const std::set<std::string>& switches) {
  Flags f;
  for (size_t i = 0; i < args.size(); ++i) {
    const std::string& a = args[i];
    if (a.rfind("--", 0) != 0 || a == "--") {
      f.positional.push_back(a);
      continue;
    }
    std::string name = a.substr(2);
    std::optional<std::string> value;
    if (size_t eq = name.find('='); eq != std::string::npos) {
      value = name.substr(eq + 1);
      name = name.substr(0, eq);
    }
    if (with_value.count(name)) {
      if (!value) {
        if (i + 1 >= args.size()) return InvalidArgument("--" + name + " needs a value");
        value = args[++i];
      }
      f.values[name] = *value;
    } else if (switches.count(name) && !value) {
      f.switches.insert(name);
    } else {
      return InvalidArgument("unknown flag --" + name);
    }
  }
  return f;
}

}  // namespace madoguchi::cli
