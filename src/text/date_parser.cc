#include "text/date_parser.h"

#include <algorithm>
#include <iterator>
#include <map>
#include <regex>

#include "text/era.h"
#include "text/utf8.h"

namespace madoguchi::text {

namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

int KanjiDigit(char32_t c) {
  switch (c) {
    case U'〇':
    case U'零':
      return 0;
    case U'一':
      return 1;
    case U'二':
      return 2;
    case U'三':
      return 3;
    case U'四':
      return 4;
    case U'五':
      return 5;
    case U'六':
      return 6;
    case U'七':
      return 7;
    case U'八':
      return 8;
    case U'九':
      return 9;
    default:
      return -1;
  }
}
int KanjiUnit(char32_t c) {
  switch (c) {
    case U'十':
      return 10;
    case U'百':
      return 100;
    case U'千':
      return 1000;
    case U'万':
      return 10000;
    default:
      return 0;
  }
}

// Characters after which a run of numeral kanji is a number (二月, 三百人, 十ポイント).
bool IsCounter(char32_t c) {
  static const std::u32string kCounters = U"年月日人名点歳才円回件ポヶかカケ％%時分週";
  return kCounters.find(c) != std::u32string::npos;
}

long long KanjiValue(std::u32string_view run) {
  bool positional = false;
  for (char32_t c : run) positional |= KanjiUnit(c) != 0;
  if (!positional) {  // 二〇二一 → 2021
    long long v = 0;
    for (char32_t c : run) v = v * 10 + KanjiDigit(c);
    return v;
  }
  long long total = 0, section = 0, digit = -1;
  for (char32_t c : run) {
    int d = KanjiDigit(c);
    int u = KanjiUnit(c);
    if (d >= 0) {
      digit = d;
    } else if (u == 10000) {
      total += (section + (digit < 0 ? 0 : digit)) * 10000;
      section = 0;
      digit = -1;
    } else {
      section += (digit < 0 ? 1 : digit) * u;
      digit = -1;
    }
  }
  return total + section + (digit < 0 ? 0 : digit);
}

std::optional<Date> MakeDate(int y, int m, int d) {
  if (m < 1 || m > 12 || d < 1 || d > 31) return std::nullopt;
  Date date{year(y), month(static_cast<unsigned>(m)), day(static_cast<unsigned>(d))};
  if (!date.ok()) return std::nullopt;
  return date;
}

int ToInt(const std::ssub_match& m) { return m.matched ? std::stoi(m.str()) : 0; }

// An era year: "元" → 1.
int EraYear(const std::ssub_match& m) { return m.str() == "元" ? 1 : ToInt(m); }

bool MightHoldDate(std::string_view t) {
  for (char c : t) {
    if (c >= '0' && c <= '9') return true;
  }
  static const char* kWords[] = {"今日", "本日", "明日", "昨日", "月末", "今月", "来月",
                                 "先月", "今年", "本年", "来年", "去年", "昨年", "年度"};
  for (const char* w : kWords) {
    if (t.find(w) != std::string_view::npos) return true;
  }
  return false;
}

}  // namespace

std::string KanjiNumeralsToDigits(std::string_view text) {
  std::u32string in = DecodeUtf8(text);
  std::u32string out;
  for (size_t i = 0; i < in.size();) {
    size_t j = i;
    while (j < in.size() && (KanjiDigit(in[j]) >= 0 || KanjiUnit(in[j]) != 0)) ++j;
    if (j == i) {
      out.push_back(in[i++]);
      continue;
    }
    bool counter_follows = j < in.size() && IsCounter(in[j]);
    // 十二, 百八十, 千二百 are numbers; a run starting with 万 is an idiom (万一).
    bool starts_with_digit = KanjiDigit(in[i]) >= 0 || (KanjiUnit(in[i]) != 0 && in[i] != U'万');
    if (counter_follows && starts_with_digit) {
      for (char c : std::to_string(KanjiValue(std::u32string_view(in).substr(i, j - i)))) {
        out.push_back(static_cast<char32_t>(c));
      }
    } else {
      out.append(in, i, j - i);
    }
    i = j;
  }
  return EncodeUtf8(out);
}

std::vector<DateMention> FindDates(std::string_view raw, const Date& today) {
  std::vector<DateMention> found;
  if (!MightHoldDate(raw)) {
    // Kanji numerals only matter when a date counter follows; convert and re-check.
    if (raw.find("月") == std::string_view::npos && raw.find("年") == std::string_view::npos) {
      return found;
    }
  }
  const std::string text = KanjiNumeralsToDigits(raw);
  const int ty = static_cast<int>(today.year());
  const unsigned tm = static_cast<unsigned>(today.month());
  // The spans already found, begin → end. They never overlap, so a new span can only overlap
  // the one starting next after its begin or the one before: a lookup, not a scan of all of
  // them (a long text full of dates made this quadratic).
  std::map<size_t, size_t> taken;
  auto overlaps = [&](size_t b, size_t e) {
    auto next = taken.lower_bound(b);
    if (next != taken.end() && next->first < e) return true;
    return next != taken.begin() && std::prev(next)->second > b;
  };
  auto add = [&](DateMention m) {
    if (overlaps(m.begin, m.end)) return;
    taken.emplace(m.begin, m.end);
    found.push_back(m);
  };
  auto span_of = [&](const std::smatch& m, size_t group = 0) {
    return std::make_pair(static_cast<size_t>(m.position(group)),
                          static_cast<size_t>(m.position(group) + m.length(group)));
  };

  static const std::regex kEraFull(
      "(令和|平成|昭和|大正|明治)\\s*(元|\\d{1,2})\\s*年\\s*(度|(\\d{1,2})\\s*月\\s*((\\d{1,2})\\s*"
      "日)?)?");
  static const std::regex kEraLetter(
      "(^|[^a-zA-Z])([rhstmRHSTM])\\s*(\\d{1,2})[./-](\\d{1,2})(?:[./-](\\d{1,2}))?");
  static const std::regex kWestern(
      "(\\d{4})\\s*(?:年\\s*(度|(\\d{1,2})\\s*月\\s*((\\d{1,2})\\s*日)?)?|[/.-](\\d{1,2})(?:[/"
      ".-](\\d{1,2}))?)");
  static const std::regex kCompact("(^|\\D)((19|20)\\d{2})(\\d{2})(\\d{2})(\\D|$)");
  static const std::regex kMonthDay("(\\d{1,2})\\s*月\\s*((\\d{1,2})\\s*日)?");

  // std::regex scans the whole text even where a pattern cannot match, and it is slow: each
  // pattern runs only on a text holding what it needs (an era's name, a run of digits, 月).
  size_t digits = 0;  // the longest run of ASCII digits
  for (size_t i = 0, run = 0; i < text.size(); ++i) {
    run = text[i] >= '0' && text[i] <= '9' ? run + 1 : 0;
    digits = std::max(digits, run);
  }
  auto has = [&](const char* s) { return text.find(s) != std::string::npos; };
  auto scan = [&](bool may_match, const std::regex& re) {
    return may_match ? std::sregex_iterator(text.begin(), text.end(), re) : std::sregex_iterator();
  };
  int era_count = 0;
  const Era* eras = Eras(&era_count);
  const bool era_named =
      std::any_of(eras, eras + era_count, [&](const Era& era) { return has(era.name); });
  const bool separated = text.find_first_of("./-") != std::string::npos;

  for (auto it = scan(era_named, kEraFull); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    const Era* era = FindEra(m[1].str());
    int y = GregorianYear(*era, EraYear(m[2]));
    auto [b, e] = span_of(m);
    if (m[3].matched && m[3].str() == "度") {
      add({*MakeDate(y, 1, 1), DateMention::Precision::kFiscalYear, y, b, e});
    } else if (m[4].matched) {
      auto d = MakeDate(y, ToInt(m[4]), m[6].matched ? ToInt(m[6]) : 1);
      if (d)
        add({*d, m[6].matched ? DateMention::Precision::kDay : DateMention::Precision::kMonth, 0, b,
             e});
    } else {
      add({*MakeDate(y, 1, 1), DateMention::Precision::kYear, 0, b, e});
    }
  }
  for (auto it = scan(digits > 0 && separated, kEraLetter); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    const Era* era = FindEra(m[2].str());
    int y = GregorianYear(*era, ToInt(m[3]));
    auto d = MakeDate(y, ToInt(m[4]), m[5].matched ? ToInt(m[5]) : 1);
    auto [b, e] = span_of(m);
    b += m.length(1);
    if (d)
      add({*d, m[5].matched ? DateMention::Precision::kDay : DateMention::Precision::kMonth, 0, b,
           e});
  }
  for (auto it = scan(digits >= 4, kWestern); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    int y = ToInt(m[1]);
    if (y < 1868 || y > 2200) continue;
    auto [b, e] = span_of(m);
    if (m[2].matched && m[2].str() == "度") {
      add({*MakeDate(y, 1, 1), DateMention::Precision::kFiscalYear, y, b, e});
    } else if (m[3].matched || m[6].matched) {
      int mo = m[3].matched ? ToInt(m[3]) : ToInt(m[6]);
      bool has_day = m[5].matched || m[7].matched;
      int d = m[5].matched ? ToInt(m[5]) : m[7].matched ? ToInt(m[7]) : 1;
      if (auto date = MakeDate(y, mo, d)) {
        add({*date, has_day ? DateMention::Precision::kDay : DateMention::Precision::kMonth, 0, b,
             e});
      }
    } else if (text.compare(b + m.length(1), 3, "年") == 0 || m.length() > m.length(1)) {
      add({*MakeDate(y, 1, 1), DateMention::Precision::kYear, 0, b, e});
    }
  }
  for (auto it = scan(digits >= 8, kCompact); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    if (auto d = MakeDate(ToInt(m[2]), ToInt(m[4]), ToInt(m[5]))) {
      auto [b, e] = span_of(m, 2);
      e = static_cast<size_t>(m.position(5) + m.length(5));
      add({*d, DateMention::Precision::kDay, 0, b, e});
    }
  }
  for (auto it = scan(digits > 0 && has("月"), kMonthDay); it != std::sregex_iterator(); ++it) {
    const std::smatch& m = *it;
    int mo = ToInt(m[1]);
    if (mo < 1 || mo > 12) continue;
    // A month without a year: the latest such month not after today.
    int y = static_cast<unsigned>(mo) <= tm ? ty : ty - 1;
    auto d = MakeDate(y, mo, m[3].matched ? ToInt(m[3]) : 1);
    auto [b, e] = span_of(m);
    if (d) {
      add({*d, m[3].matched ? DateMention::Precision::kDay : DateMention::Precision::kMonth, 0, b,
           e, /*year_given=*/false});
    }
  }

  // Relative words.
  struct Relative {
    const char* word;
    int kind;  // 0 day offset, 1 month-end offset, 2 month offset, 3 year offset, 4 fiscal offset
    int offset;
  };
  static const Relative kRelatives[] = {
      {"今月末", 1, 0}, {"来月末", 1, 1}, {"月末", 1, 0},   {"今日", 0, 0},    {"本日", 0, 0},
      {"明日", 0, 1},   {"昨日", 0, -1},  {"今月", 2, 0},   {"来月", 2, 1},    {"先月", 2, -1},
      {"今年度", 4, 0}, {"本年度", 4, 0}, {"来年度", 4, 1}, {"昨年度", 4, -1}, {"前年度", 4, -1},
      {"今年", 3, 0},   {"本年", 3, 0},   {"来年", 3, 1},   {"去年", 3, -1},   {"昨年", 3, -1},
  };
  const int fiscal_now = tm >= 4 ? ty : ty - 1;  // Japanese fiscal years start in April
  for (const Relative& r : kRelatives) {
    for (size_t pos = text.find(r.word); pos != std::string::npos;
         pos = text.find(r.word, pos + 1)) {
      size_t e = pos + std::char_traits<char>::length(r.word);
      DateMention m{today, DateMention::Precision::kDay, 0, pos, e, /*year_given=*/false};
      switch (r.kind) {
        case 0:
          m.date = AddDays(today, r.offset);
          break;
        case 1: {
          int months = static_cast<int>(tm) - 1 + r.offset;
          m.date = LastDayOfMonth(ty + months / 12, static_cast<unsigned>(months % 12 + 1));
          break;
        }
        case 2: {
          int months = static_cast<int>(tm) - 1 + r.offset + 12;
          m.date = *MakeDate(ty + months / 12 - 1, months % 12 + 1, 1);
          m.precision = DateMention::Precision::kMonth;
          break;
        }
        case 3:
          m.date = *MakeDate(ty + r.offset, 1, 1);
          m.precision = DateMention::Precision::kYear;
          break;
        case 4:
          m.fiscal_year = fiscal_now + r.offset;
          m.date = *MakeDate(m.fiscal_year, 1, 1);
          m.precision = DateMention::Precision::kFiscalYear;
          break;
      }
      add(m);
    }
  }
  std::sort(found.begin(), found.end(),
            [](const DateMention& a, const DateMention& b) { return a.begin < b.begin; });
  return found;
}

std::optional<Date> ParseFullDate(std::string_view raw) {
  std::string text = KanjiNumeralsToDigits(raw);
  // Trim spaces.
  size_t b = text.find_first_not_of(' ');
  size_t e = text.find_last_not_of(' ');
  if (b == std::string::npos) return std::nullopt;
  text = text.substr(b, e - b + 1);
  static const Date kFar{year(2000), month(1), day(1)};
  auto dates = FindDates(text, kFar);
  if (dates.size() != 1) return std::nullopt;
  const DateMention& d = dates[0];
  // A birth date names its year: 「4月1日」 or 「今日」 are not one.
  if (d.precision != DateMention::Precision::kDay || d.begin != 0 || !d.year_given) {
    return std::nullopt;
  }
  // Allow a trailing 生まれ / です and similar, but nothing with digits.
  for (size_t i = d.end; i < text.size(); ++i) {
    if (text[i] >= '0' && text[i] <= '9') return std::nullopt;
  }
  return d.date;
}

std::vector<NumberMention> FindNumbers(std::string_view raw) {
  std::vector<NumberMention> out;
  std::string text = KanjiNumeralsToDigits(raw);
  for (size_t i = 0; i < text.size();) {
    if (text[i] < '0' || text[i] > '9') {
      ++i;
      continue;
    }
    size_t j = i;
    long long v = 0;
    while (j < text.size()) {
      if (text[j] >= '0' && text[j] <= '9') {
        if (v < 1'000'000'000'000LL) v = v * 10 + (text[j] - '0');
        ++j;
      } else if (text[j] == ',' && j + 3 < text.size() + 0 && j + 3 <= text.size() &&
                 std::isdigit(static_cast<unsigned char>(text[j + 1])) &&
                 std::isdigit(static_cast<unsigned char>(text[j + 2])) &&
                 std::isdigit(static_cast<unsigned char>(text[j + 3]))) {
        ++j;  // thousands separator
      } else {
        break;
      }
    }
    out.push_back({v, i, j});
    i = j;
  }
  return out;
}

}  // namespace madoguchi::text
