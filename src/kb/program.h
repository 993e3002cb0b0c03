// A program (one tenant: kagawa, ibaraki, itkenpo, or an imported FAQ) as loaded from
// program.json. Plain data; immutable once loaded and safe to share between threads.
#ifndef MADOGUCHI_KB_PROGRAM_H_
#define MADOGUCHI_KB_PROGRAM_H_

#include <optional>
#include <string>
#include <vector>

namespace madoguchi::kb {

struct Contact {
  std::string name;
  std::string phone;
  std::string fax;
  std::string email;
  std::string address;
  std::string hours;
  std::string purpose;  // "for" in program.json: what to contact them about
};

struct ExpiryRule {
  enum class Kind {
    kNone,        // points never lapse (or the program has no points)
    kFiscalYear,  // granted in fiscal year N → lapse at the end of fiscal year N + fiscal_years − 1
    kSeason,      // lapse at the end of the season they were granted in
  };
  Kind kind = Kind::kNone;
  int fiscal_years = 2;  // kFiscalYear: how many fiscal years a grant lives, counting its own
  unsigned season_start_month = 1;  // kSeason: the month a season starts (1 = January–December)
};

struct ExchangeRule {
  std::vector<unsigned> closed_months;  // 1–12; empty = always open
  std::string closed_reason;            // Japanese, shown to members
};

struct Rank {
  std::string name;  // ブロンズ
  int points = 0;    // threshold, inclusive
};

struct ReissueRule {
  std::string delivery = "postcard";
  int arrival_days = 14;       // estimated days until the postcard arrives
  int min_interval_days = 30;  // at most one request per member per this many days
};

struct ProgramRules {
  ExpiryRule expiry;
  ExchangeRule exchange;
  std::vector<Rank> ranks;                     // ascending by points; empty = no ranks
  std::vector<std::string> forfeit_on_status;  // statuses that forfeit all points
  ReissueRule reissue;
  int checkup_rate_decimals = 1;
};

struct Program {
  std::string id;
  std::string name;
  std::string audience;
  std::string time_zone = "Asia/Tokyo";
  unsigned fiscal_year_start_month = 4;
  std::vector<Contact> contacts;
  std::vector<std::string> actions;  // live intents this program offers
  ProgramRules rules;

  bool HasAction(const std::string& action) const;
};

}  // namespace madoguchi::kb

#endif  // MADOGUCHI_KB_PROGRAM_H_
