// The date and number finders on mutated Japanese dates and extreme inputs: never a crash, and
// every span inside the text it indexes.
#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "base/date.h"
#include "fuzz/mutator.h"
#include "text/date_parser.h"

namespace madoguchi::fuzz {
namespace {

const std::vector<std::string> kSeeds = {
    "令和6年10月にもらったポイントはいつ失効？",
    "平成元年4月1日 S55.4.1 R3.12",
    "2021年12月1日、2021/12/1、20211201、1980-04-01",
    "令和5年度の交換は今月末まで？来年度は？",
    "十二月 二〇二一年 三百ポイント 1,250ポイント",
    "昭和55年4月1日",
    "今日 明日 昨日 来月 先月 今年度",
};
const std::vector<std::string> kDictionary = {
    "令和",       "平成", "昭和", "元年", "年", "月", "日", "年度", "今月末",
    "来年度",     "R",    "S",    "H",    ".",  "/",  "-",  ",",    "〇",
    "十",         "百",   "千",   "万",   "億", "兆", "0",  "9",    "99999999999999999999",
    "2147483648", "-1"};

constexpr size_t kLongestText = 64 * 1024;

void CheckSpans(const std::string& input, const Date& today) {
  const std::string digits = text::KanjiNumeralsToDigits(input);
  for (const text::DateMention& d : text::FindDates(input, today)) {
    ASSERT_LE(d.begin, d.end);
    ASSERT_LE(d.end, digits.size());
  }
  for (const text::NumberMention& n : text::FindNumbers(input)) {
    ASSERT_LE(n.begin, n.end);
    ASSERT_LE(n.end, digits.size());
  }
  if (std::optional<Date> full = text::ParseFullDate(input)) {
    EXPECT_TRUE(full->ok());
  }
}

TEST(DateParserFuzz, MutatedDatesKeepSpansInsideTheText) {
  const Date today = *ParseIsoDate("2026-04-15");
  Mutator m(0x64617465);
  for (int i = 0; i < Iterations(4000); ++i) {
    const std::string input = m.OneIn(8) ? m.Random(1 + m.Below(48), kDictionary)
                                         : m.Mutate(kSeeds[m.Below(kSeeds.size())], kDictionary);
    CheckSpans(input, today);
    if (HasFatalFailure()) FAIL() << "iteration " << i;
  }
}

TEST(DateParserFuzz, ExtremeInputs) {
  const Date today = *ParseIsoDate("2026-04-15");
  std::vector<std::string> inputs = ExtremeInputs(kSeeds[0]);
  inputs.push_back(std::string(3000, '\xe5') + "年");
  std::string kanji;
  for (int i = 0; i < 5000; ++i) kanji += "九千九百九十九兆";
  inputs.push_back(kanji);
  std::string eras;
  for (int i = 0; i < 20000; ++i) eras += "令和元年";
  inputs.push_back(eras);
  for (std::string& input : inputs) {
    // The parser reads one member's message: at most 5,000 characters on LINE, 2,000 on the
    // API. A few times that keeps the test short in a Debug build (std::regex is slow there)
    // while the time stays linear in the text.
    if (input.size() > kLongestText) input.resize(kLongestText);
    CheckSpans(input, today);
    if (HasFatalFailure()) FAIL() << input.size() << " bytes";
  }
}

}  // namespace
}  // namespace madoguchi::fuzz
