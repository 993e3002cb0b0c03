#include "rules/placeholders.h"

#include <optional>

#include "kb/knowledge_base.h"
#include "rules/calendar_rules.h"
#include "rules/checkup_rate.h"
#include "text/date_parser.h"
#include "text/era.h"

namespace madoguchi::rules {

namespace {

using text::DateMention;
using text::FormatJapaneseDate;

std::string MonthLabel(const DateMention& m, unsigned fiscal_year_start_month) {
  // How the member named the grant: 令和3年12月 / 令和3年12月1日 / 令和3年度. A fiscal year
  // is named by the era of its first day (令和元年度 starts on 2019-04-01, in 平成 by a month,
  // but is called 令和元年度 — so the era of its last day before the next fiscal year decides).
  Date named = m.date;
  if (m.precision == DateMention::Precision::kFiscalYear) {
    named = LastDayOfMonth(m.fiscal_year + (fiscal_year_start_month == 1 ? 0 : 1),
                           fiscal_year_start_month == 1 ? 12 : fiscal_year_start_month - 1);
  }
  int ey = 0;
  const text::Era* era = text::EraOf(named, &ey);
  if (m.precision == DateMention::Precision::kFiscalYear && era != nullptr) {
    // The era year of the fiscal year's start, counted in the era in force at its end.
    ey = m.fiscal_year - static_cast<int>(era->first_day.year()) + 1;
  }
  std::string y = era ? std::string(era->name) + (ey == 1 ? "元" : std::to_string(ey)) + "年"
                      : std::to_string(static_cast<int>(m.date.year())) + "年";
  switch (m.precision) {
    case DateMention::Precision::kDay:
      return text::FormatEraDate(m.date);
    case DateMention::Precision::kMonth:
      return y + std::to_string(static_cast<unsigned>(m.date.month())) + "月";
    case DateMention::Precision::kYear:
      return y;
    case DateMention::Precision::kFiscalYear:
      return y.substr(0, y.size() - 3) + "年度";  // drop 年 (3 bytes), add 年度
  }
  return y;
}

std::string ExpiryOfGrant(const RenderContext& c) {
  const kb::Program& p = *c.program;
  if (p.rules.expiry.kind == kb::ExpiryRule::Kind::kNone) return "";
  auto dates = text::FindDates(c.question, c.today);
  for (const DateMention& m : dates) {
    Date granted = m.date;
    if (m.precision == DateMention::Precision::kFiscalYear) {
      granted = Date{std::chrono::year(m.fiscal_year),
                     std::chrono::month(p.fiscal_year_start_month), std::chrono::day(1)};
    } else if (m.precision == DateMention::Precision::kYear) {
      continue;  // a year alone straddles two fiscal years: not enough to say
    }
    auto expiry = ExpiryOf(p, granted);
    if (!expiry) return "";
    std::string s = MonthLabel(m, p.fiscal_year_start_month) + "に付与されたポイントの有効期限は" +
                    FormatJapaneseDate(*expiry);
    // A date already gone is said to be gone: those points cannot be used any more.
    return s + (*expiry < c.today ? "で、すでに失効しました。" : "です。");
  }
  auto expiry = ExpiryOf(p, c.today);
  if (!expiry) return "";
  return "たとえば今日（" + FormatJapaneseDate(c.today) + "）付与されたポイントは、" +
         FormatJapaneseDate(*expiry) + "まで使えます。";
}

// Whether the answer around the placeholder already explains every closed month (「4月は…」), so
// the window's reason would say it a second time.
bool ExplainsClosedMonths(const kb::Program& p, std::string_view answer) {
  if (p.rules.exchange.closed_months.empty()) return false;
  for (unsigned month : p.rules.exchange.closed_months) {
    if (answer.find(std::to_string(month) + "月は") == std::string_view::npos) return false;
  }
  return true;
}

std::string ExchangeWindowToday(const RenderContext& c, std::string_view answer) {
  ExchangeWindow w = ExchangeWindowOn(*c.program, c.today);
  std::string today = "本日（" + FormatJapaneseDate(c.today) + "）";
  if (w.open) return today + "はポイント交換の受付期間中です。";
  std::string s = today + "はポイント交換を受け付けていません。";
  if (!w.reason.empty() && !ExplainsClosedMonths(*c.program, answer)) {
    s += w.reason + (w.reason.ends_with("。") ? "" : "。");
  }
  if (w.next_open) s += "次の受付は" + FormatJapaneseDate(*w.next_open) + "からです。";
  return s;
}

std::string SeasonToday(const RenderContext& c) {
  Season s = SeasonOf(*c.program, c.today);
  return "現在のシーズンは" + text::FormatGregorianDate(s.start) + "から" +
         text::FormatGregorianDate(s.end) + "までで、このシーズンに貯めたポイントは" +
         FormatJapaneseDate(s.end) + "でリセットされます。";
}

std::string RankTable(const RenderContext& c) {
  const auto& ranks = c.program->rules.ranks;
  if (ranks.empty()) return "";
  std::string s;
  for (size_t i = 0; i < ranks.size(); ++i) {
    s += (i ? "、" : "") + ranks[i].name + "は" + text::FormatNumber(ranks[i].points) + "ポイント";
  }
  return s + "で到達します。";
}

// Finds the count written right after one of `labels` (対象者200人 / 対象者は200人).
std::optional<long long> CountAfter(const std::string& q, std::initializer_list<const char*> labels,
                                    const std::vector<text::NumberMention>& numbers) {
  for (const char* label : labels) {
    for (size_t pos = q.find(label); pos != std::string::npos; pos = q.find(label, pos + 1)) {
      size_t after = pos + std::char_traits<char>::length(label);
      for (const auto& n : numbers) {
        // The number must follow within a few characters (は, が, :, spaces).
        if (n.begin >= after && n.begin - after <= 9) return n.value;
      }
    }
  }
  return std::nullopt;
}

std::string CheckupRateOfQuestion(const RenderContext& c) {
  std::string q = text::KanjiNumeralsToDigits(c.question);
  auto numbers = text::FindNumbers(q);
  // Longer labels first so 受診不可者 is not read as 受診者.
  auto unable = CountAfter(q,
                           {"受診不可者数", "受診不可者", "健診不可者数", "健診不可者", "不可者",
                            "受診できない人", "受診不可", "不可"},
                           numbers);
  auto targets = CountAfter(q, {"対象者数", "対象者", "対象"}, numbers);
  // Remove the 不可者 labels before looking for 受診者 so they do not collide.
  std::string q2 = q;
  for (const char* l : {"受診不可", "健診不可者"}) {
    for (size_t p = q2.find(l); p != std::string::npos; p = q2.find(l, p + 1)) {
      q2.replace(p, std::char_traits<char>::length(l),
                 std::string(std::char_traits<char>::length(l), '#'));
    }
  }
  // Short forms last: 「対象120 受診95 不可5」, 「受診したのが44人」.
  auto examined =
      CountAfter(q2, {"受診者数", "受診者", "受診した人", "受けた人", "受診した", "受診"}, numbers);
  if (!targets || !examined) return "";
  CheckupCounts counts{*targets, unable.value_or(0), *examined};
  auto rate = CheckupRatePercent(counts, c.program->rules.checkup_rate_decimals);
  if (!rate.ok()) {
    return "いただいた数値（対象者" + text::FormatNumber(counts.targets) + "人、受診不可者" +
           text::FormatNumber(counts.unable) + "人、受診者" + text::FormatNumber(counts.examined) +
           "人）では受診率を計算できません。人数をご確認ください。";
  }
  return "対象者" + text::FormatNumber(counts.targets) + "人、受診不可者" +
         text::FormatNumber(counts.unable) + "人、受診者" + text::FormatNumber(counts.examined) +
         "人の場合、受診率は " + text::FormatNumber(counts.examined) + " ÷（" +
         text::FormatNumber(counts.targets) + " − " + text::FormatNumber(counts.unable) +
         "）= " + *rate + "% です。";
}

std::string LinkHowto(const RenderContext&) {
  return "「アカウント連携」と送っていただくと、会員番号・生年月日・認証コードで本人確認をする"
         "連携用のページをご案内します。";
}

}  // namespace

const std::vector<std::string>& KnownPlaceholders() {
  static const std::vector<std::string> kNames = {"expiry_of",  "exchange_window", "season",
                                                  "rank_table", "checkup_rate",    "contact",
                                                  "link_howto"};
  return kNames;
}

std::string FormatContacts(const kb::Program& p) {
  std::string s;
  for (const kb::Contact& c : p.contacts) {
    if (!s.empty()) s += "\n";
    s += "・" + c.name;
    if (!c.purpose.empty()) s += "（" + c.purpose + "）";
    if (!c.phone.empty()) s += " 電話 " + c.phone;
    if (!c.fax.empty()) s += " FAX " + c.fax;
    if (!c.email.empty()) s += " メール " + c.email;
    if (!c.hours.empty()) s += " 受付 " + c.hours;
  }
  return s;
}

std::string Render(const std::string& tmpl, const RenderContext& c) {
  std::string out;
  size_t pos = 0;
  // An unterminated "{{" (which the loader refuses) is left as it is, with the rest.
  size_t unterminated;
  for (const kb::Placeholder& p : kb::FindPlaceholders(tmpl, &unterminated)) {
    out.append(tmpl, pos, p.begin - pos);
    const std::string& name = p.name;
    if (name == "expiry_of") {
      out += ExpiryOfGrant(c);
    } else if (name == "exchange_window") {
      out += ExchangeWindowToday(c, tmpl);
    } else if (name == "season") {
      out += SeasonToday(c);
    } else if (name == "rank_table") {
      out += RankTable(c);
    } else if (name == "checkup_rate") {
      out += CheckupRateOfQuestion(c);
    } else if (name == "contact") {
      // A list of contacts, one a line: it starts on a line of its own.
      if (!out.empty() && !out.ends_with("\n")) out += "\n";
      out += FormatContacts(*c.program);
    } else if (name == "link_howto") {
      out += LinkHowto(c);
    } else {
      out.append(tmpl, p.begin, p.end - p.begin);
    }
    pos = p.end;
  }
  out.append(tmpl, pos, std::string::npos);
  return out;
}

}  // namespace madoguchi::rules
