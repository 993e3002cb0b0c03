// Minimal command-line flags: --name VALUE, --name=VALUE, boolean --name, positionals.
#ifndef MADOGUCHI_CLI_FLAGS_H_
#define MADOGUCHI_CLI_FLAGS_H_

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "base/status.h"

namespace madoguchi::cli {

struct Flags {
  std::map<std::string, std::string> values;  // without the leading --
  std::set<std::string> switches;
  std::vector<std::string> positional;

  std::optional<std::string> Get(const std::string& name) const;
  std::string GetOr(const std::string& name, const std::string& fallback) const;
  bool Has(const std::string& name) const { return switches.count(name) > 0; }
};

// `with_value` names the flags that take a value; `switches` those that do not. Any other
// --flag is an error naming it.
StatusOr<Flags> ParseFlags(const std::vector<std::string>& args,
                           const std::set<std::string>& with_value,
                           const std::set<std::string>& switches);

}  // namespace madoguchi::cli

#endif  // MADOGUCHI_CLI_FLAGS_H_
