// The programs' rules as in faq/<id>/program.json, built by hand so the points tests do not
// depend on the knowledge-base loader.
#ifndef MADOGUCHI_TESTS_POINTS_TEST_PROGRAMS_H_
#define MADOGUCHI_TESTS_POINTS_TEST_PROGRAMS_H_

#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "base/date.h"
#include "kb/program.h"

namespace madoguchi::points::testing {

inline kb::Program Kagawa() {
  kb::Program p;
  p.id = "kagawa";
  p.name = "香川支部 健康ポイント";
  p.fiscal_year_start_month = 4;
  p.rules.expiry.kind = kb::ExpiryRule::Kind::kFiscalYear;
  p.rules.expiry.fiscal_years = 2;
  p.rules.exchange.closed_months = {4};
  p.rules.exchange.closed_reason =
      "4月は組合員資格の確認処理を行うため、ポイント交換の受付を停止しております。";
  p.rules.forfeit_on_status = {"retired", "voluntary", "dependent"};
  p.rules.reissue = {"postcard", 14, 30};
  return p;
}

inline kb::Program Ibaraki() {
  kb::Program p;
  p.id = "ibaraki";
  p.name = "いばらきヘルスケアポイント";
  p.rules.expiry.kind = kb::ExpiryRule::Kind::kSeason;
  p.rules.expiry.season_start_month = 1;
  p.rules.ranks = {{"ブロンズ", 1000}, {"シルバー", 5000}, {"ゴールド", 8000}};
  return p;
}

inline std::vector<kb::Program> TestPrograms() { return {Kagawa(), Ibaraki()}; }

inline Date D(int y, unsigned m, unsigned d) {
  return Date{std::chrono::year(y), std::chrono::month(m), std::chrono::day(d)};
}

// A fresh directory under the system's temp dir, removed with everything in it on destruction.
class TempDir {
 public:
  TempDir() {
    std::string tmpl =
        (std::filesystem::temp_directory_path() / "madoguchi-points-XXXXXX").string();
    path_ = mkdtemp(tmpl.data());
  }
  ~TempDir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A whole file's bytes; empty when it cannot be read.
inline std::string ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream s;
  s << in.rdbuf();
  return s.str();
}

// Replaces a file's content.
inline void WriteFile(const std::string& path, const std::string& content) {
  std::ofstream(path, std::ios::binary | std::ios::trunc) << content;
}

}  // namespace madoguchi::points::testing

#endif  // MADOGUCHI_TESTS_POINTS_TEST_PROGRAMS_H_
