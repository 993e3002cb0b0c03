// One knowledge-base entry: an FAQ answer or a live intent. Plain data.
#ifndef MADOGUCHI_KB_ENTRY_H_
#define MADOGUCHI_KB_ENTRY_H_

#include <optional>
#include <string>
#include <vector>

namespace madoguchi::kb {

struct Link {
  std::string label;
  std::string url;
};

// Who a variant is for. Unset fields do not constrain.
struct VariantCondition {
  std::optional<int> age_at_least;
  std::optional<int> age_below;
};

struct Variant {
  VariantCondition when;
  std::string label;  // shown when the asker is unknown and every variant is listed
  std::string answer;
};

struct Entry {
  std::string id;
  std::string question;
  std::vector<std::string> alternates;
  std::string answer;
  std::string category;
  std::vector<std::string> keywords;
  std::vector<Link> links;
  std::vector<std::string> followups;
  std::string audience;
  std::vector<Variant> variants;
  std::string action;  // empty for plain FAQ entries
  std::string source;  // the file the entry was loaded from, for diagnostics
  // Taken from the folder every program shares (greeting, thanks, help, the live intents),
  // not written by the program's organisation.
  bool shared = false;

  bool IsIntent() const { return !action.empty(); }
  // An FAQ answer the program's organisation wrote: what it would import from a spreadsheet.
  bool IsOwnFaq() const { return !IsIntent() && !shared; }
};

// The actions an entry may name.
const std::vector<std::string>& KnownActions();

}  // namespace madoguchi::kb

#endif  // MADOGUCHI_KB_ENTRY_H_
