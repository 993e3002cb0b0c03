#include "points/demo_seed.h"

#include <algorithm>

#include "points/errors.h"
#include "rules/calendar_rules.h"
#include "text/era.h"

namespace madoguchi::points {

namespace {

using std::chrono::day;
using std::chrono::month;
using std::chrono::year;

Date Ymd(int y, unsigned m, unsigned d) { return Date{year(y), month(m), day(d)}; }

Date Earlier(const Date& a, const Date& b) {
  return std::chrono::sys_days(a) < std::chrono::sys_days(b) ? a : b;
}

// Collects the rows and stops at the first error, so SeedDemo reads as the story it tells.
class Seeder {
 public:
  Seeder(PointsCore& core, const Date& today) : core_(core), today_(today) {}

  Status Create(const std::string& id, const std::string& program, const Date& birth) {
    NewMember m;
    m.member_id = id;
    m.program = program;
    m.birth_date = birth;
    m.auth_code = "DEMO-" + id;
    StatusOr<Member> created = core_.CreateMember(m);
    if (!created.ok()) return created.status();
    rows_.push_back(DemoMember{id, program, birth, *m.auth_code, ""});
    return Status::Ok();
  }

  Status Grant(const std::string& id, const std::string& activity, int64_t points, const Date& on) {
    return core_.Grant(id, GrantRequest{activity, points, Earlier(on, today_)}).status();
  }

  // "残高 650ポイント（うち 500ポイントは 2027年3月31日に失効）"
  StatusOr<std::string> DescribeBalance(const std::string& id) {
    StatusOr<PointBalance> b = core_.Balance(id, today_);
    if (!b.ok()) return b.status();
    std::string s = "残高 " + FormatPoints(b->balance);
    if (!b->expiring.empty()) {
      s += "（うち " + FormatPoints(b->expiring.front().points) + "は" +
           text::FormatGregorianDate(b->expiring.front().expires_on) + "に失効）";
    }
    return s;
  }

  void Describe(std::string state) { rows_.back().state = std::move(state); }
  PointsCore& core() { return core_; }
  const Date& today() const { return today_; }
  std::vector<DemoMember>& rows() { return rows_; }

 private:
  PointsCore& core_;
  Date today_;
  std::vector<DemoMember> rows_;
};

Status SeedKagawa(Seeder& s, const kb::Program& p) {
  const Date& today = s.today();
  const int fy = rules::FiscalYearOf(p, today);
  const Date this_fy_start = AddDays(rules::FiscalYearEnd(p, fy - 1), 1);
  const Date last_fy_start = AddDays(rules::FiscalYearEnd(p, fy - 2), 1);
  rules::ExchangeWindow window = rules::ExchangeWindowOn(p, today);
  const std::string window_note =
      window.open ? ""
                  : "。本日は交換受付停止中" +
                        (window.next_open ? "（" + FormatIsoDate(*window.next_open) + "から）"
                                          : std::string());

  // Points from last fiscal year lapse at the end of this one.
  MADOGUCHI_RETURN_IF_ERROR(s.Create("K1001", p.id, Ymd(1980, 6, 15)));
  MADOGUCHI_RETURN_IF_ERROR(s.Grant("K1001", "特定健診の受診", 300, AddDays(last_fy_start, 60)));
  MADOGUCHI_RETURN_IF_ERROR(
      s.Grant("K1001", "ウォーキング（月間目標達成）", 200, AddDays(last_fy_start, 150)));
  MADOGUCHI_RETURN_IF_ERROR(s.Grant("K1001", "歯科健診の受診", 150, this_fy_start));
  StatusOr<std::string> balance = s.DescribeBalance("K1001");
  if (!balance.ok()) return balance.status();
  s.Describe(*balance + window_note);

  MADOGUCHI_RETURN_IF_ERROR(s.Create("K1002", p.id, Ymd(1958, 3, 31)));
  MADOGUCHI_RETURN_IF_ERROR(s.Grant("K1002", "特定健診の受診", 400, this_fy_start));
  StatusOr<StatusChangeResult> retired =
      s.core().ChangeStatus("K1002", StatusChange{MemberStatus::kRetired, today});
  if (!retired.ok()) return retired.status();
  s.Describe("退職（" + FormatIsoDate(today) + "）により " +
             FormatPoints(retired->forfeited_points) + "失効・交換不可");

  MADOGUCHI_RETURN_IF_ERROR(s.Create("K1003", p.id, Ymd(1972, 2, 29)));
  MADOGUCHI_RETURN_IF_ERROR(s.Grant("K1003", "特定健診の受診", 100, this_fy_start));
  // Wrong codes until the core locks the member (5 by default).
  bool locked = false;
  for (int i = 0; i < 50 && !locked; ++i) {
    StatusOr<Verification> v =
        s.core().Verify(VerifyRequest{"K1003", Ymd(1972, 2, 29), std::string("WRONG-CODE"), {}});
    if (!v.ok() && v.status().reason() == kReasonLocked) locked = true;
    if (!v.ok() && !locked) return v.status();
  }
  s.Describe("認証コードの誤入力が続いたためロック中（1時間で解除）");

  MADOGUCHI_RETURN_IF_ERROR(s.Create("K1004", p.id, Ymd(1995, 11, 3)));
  StatusOr<ReissueRequest> reissue = s.core().RequestReissue("K1004", "demo-seed", today);
  if (!reissue.ok()) return reissue.status();
  s.Describe("認証コードはがきを申込済み（到着予定 " + FormatIsoDate(reissue->estimated_arrival) +
             "、" + std::to_string(p.rules.reissue.min_interval_days) + "日間は再申込不可）");

  MADOGUCHI_RETURN_IF_ERROR(s.Create("K1005", p.id, Ymd(2001, 4, 1)));
  s.Describe("新規登録・ポイントなし");
  return Status::Ok();
}

Status SeedIbaraki(Seeder& s, const kb::Program& p) {
  const Date& today = s.today();
  rules::Season season = rules::SeasonOf(p, today);
  // Just short of the second rank, so "あと何ポイント" has an answer.
  const int64_t target = p.rules.ranks.size() >= 2 ? p.rules.ranks[1].points - 200 : 4800;
  MADOGUCHI_RETURN_IF_ERROR(s.Create("I2001", p.id, Ymd(1985, 5, 1)));
  MADOGUCHI_RETURN_IF_ERROR(s.Grant("I2001", "健診の受診", target * 5 / 8, season.start));
  MADOGUCHI_RETURN_IF_ERROR(s.Grant("I2001", "ウォーキング", target - target * 5 / 8, today));
  StatusOr<MemberRank> rank = s.core().Rank(p.id, "I2001", today);
  if (!rank.ok()) return rank.status();
  std::string state = "今シーズン " + FormatPoints(rank->points);
  if (!rank->rank.empty()) state += "（" + rank->rank + "）";
  if (!rank->next_rank.empty()) {
    state += "、" + rank->next_rank + "まであと " + FormatPoints(rank->points_to_next);
  }
  s.Describe(state + "、" + text::FormatGregorianDate(season.end) + "に失効");

  MADOGUCHI_RETURN_IF_ERROR(s.Create("I2002", p.id, Ymd(2019, 5, 1)));  // 令和元年生まれ
  s.Describe("新規登録・ポイントなし（令和元年5月1日生まれ）");
  return Status::Ok();
}

}  // namespace

StatusOr<std::vector<DemoMember>> SeedDemo(PointsCore& core,
                                           const std::vector<kb::Program>& programs,
                                           const Date& today) {
  Seeder seeder(core, today);
  bool any = false;
  for (const kb::Program& p : programs) {
    Status s;
    if (p.id == "kagawa") {
      s = SeedKagawa(seeder, p);
    } else if (p.id == "ibaraki" && !p.rules.ranks.empty()) {
      s = SeedIbaraki(seeder, p);
    } else {
      continue;
    }
    if (s.code() == StatusCode::kAlreadyExists) {
      return Status(
          StatusCode::kAlreadyExists,
          "デモ会員はすでに登録されています。新しいデータベースファイルを指定してください。",
          kReasonAlreadyExists);
    }
    MADOGUCHI_RETURN_IF_ERROR(s);
    any = true;
  }
  if (!any) {
    return PointsError(
        kReasonNotFound,
        "デモ会員を用意しているプログラム（kagawa, ibaraki）が読み込まれていません。");
  }
  return std::move(seeder.rows());
}

}  // namespace madoguchi::points
