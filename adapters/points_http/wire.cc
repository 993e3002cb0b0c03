#include "points_http/wire.h"

#include <limits>

namespace madoguchi::points_http {

namespace {

using points::HistoryEntry;

Status NotAnObject() {
  return Status(StatusCode::kInvalidArgument, "JSONオブジェクトで指定してください。",
                points::kReasonInvalidArgument);
}

StatusOr<points::MemberStatus> ParseStatusField(const std::string& name) {
  std::optional<points::MemberStatus> s = points::ParseMemberStatus(name);
  if (s) return *s;
  return Status(StatusCode::kInvalidArgument,
                "「status」は active, retired, voluntary, dependent のいずれかで指定してください。",
                points::kReasonInvalidArgument);
}

json StringOrNull(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// Runs `read` over `j` when it is an object; returns its result or the first problem.
template <typename T, typename Fn>
StatusOr<T> Read(const json& j, Fn read) {
  if (!j.is_object()) return NotAnObject();
  FieldReader r(j);
  T value = read(r);
  if (!r.ok()) return r.status();
  return value;
}

}  // namespace

FieldReader::FieldReader(const json& object) : object_(object) {}

const json* FieldReader::Find(const char* key) {
  if (!status_.ok() || !object_.is_object()) return nullptr;
  auto it = object_.find(key);
  if (it == object_.end() || it->is_null()) return nullptr;
  return &*it;
}

void FieldReader::Fail(const char* key, const char* expected) {
  if (!status_.ok()) return;
  status_ = Status(StatusCode::kInvalidArgument,
                   std::string("「") + key + "」は" + expected + "で指定してください。",
                   points::kReasonInvalidArgument);
}

std::string FieldReader::String(const char* key) {
  std::optional<std::string> s = OptionalString(key);
  if (!s || s->empty()) {
    Fail(key, "空でない文字列");
    return {};
  }
  return *s;
}

std::optional<std::string> FieldReader::OptionalString(const char* key) {
  const json* v = Find(key);
  if (v == nullptr) return std::nullopt;
  if (!v->is_string()) {
    Fail(key, "文字列");
    return std::nullopt;
  }
  return v->get<std::string>();
}

int64_t FieldReader::Int(const char* key) {
  const json* v = Find(key);
  if (v == nullptr || !v->is_number_integer() ||
      (v->is_number_unsigned() &&
       v->get<uint64_t>() > static_cast<uint64_t>(std::numeric_limits<int64_t>::max()))) {
    Fail(key, "整数");
    return 0;
  }
  return v->get<int64_t>();
}

bool FieldReader::Bool(const char* key) {
  const json* v = Find(key);
  if (v == nullptr || !v->is_boolean()) {
    Fail(key, "true または false");
    return false;
  }
  return v->get<bool>();
}

Date FieldReader::DateField(const char* key) {
  std::optional<Date> d = OptionalDate(key);
  if (!d) Fail(key, "YYYY-MM-DD 形式の日付");
  return d.value_or(Date{});
}

std::optional<Date> FieldReader::OptionalDate(const char* key) {
  const json* v = Find(key);
  if (v == nullptr) return std::nullopt;
  std::optional<Date> d = v->is_string() ? ParseIsoDate(v->get<std::string>()) : std::nullopt;
  if (!d) Fail(key, "YYYY-MM-DD 形式の日付");
  return d;
}

const json& FieldReader::Array(const char* key) {
  static const json kEmpty = json::array();
  const json* v = Find(key);
  if (v == nullptr || !v->is_array()) {
    Fail(key, "配列");
    return kEmpty;
  }
  return *v;
}

std::string Dump(const json& j) { return j.dump(-1, ' ', false, json::error_handler_t::replace); }

json DateOrNull(const std::optional<Date>& d) {
  return d ? json(FormatIsoDate(*d)) : json(nullptr);
}

// --- requests -------------------------------------------------------------------------------

json ToJson(const points::NewMember& m) {
  json j = {{"member_id", m.member_id},
            {"program", m.program},
            {"birth_date", FormatIsoDate(m.birth_date)},
            {"status", points::MemberStatusName(m.status)},
            {"status_effective_on", DateOrNull(m.status_effective_on)},
            {"eligible_from", DateOrNull(m.eligible_from)}};
  if (m.auth_code) j["auth_code"] = *m.auth_code;
  return j;
}

StatusOr<points::NewMember> NewMemberFromJson(const json& j) {
  if (!j.is_object()) return NotAnObject();
  FieldReader r(j);
  points::NewMember m;
  m.member_id = r.String("member_id");
  m.program = r.String("program");
  m.birth_date = r.DateField("birth_date");
  std::string status = r.OptionalString("status").value_or("active");
  m.status_effective_on = r.OptionalDate("status_effective_on");
  m.eligible_from = r.OptionalDate("eligible_from");
  m.auth_code = r.OptionalString("auth_code");
  if (!r.ok()) return r.status();
  StatusOr<points::MemberStatus> s = ParseStatusField(status);
  if (!s.ok()) return s.status();
  m.status = *s;
  return m;
}

json ToJson(const points::GrantRequest& g) {
  return {
      {"activity", g.activity}, {"points", g.points}, {"granted_on", FormatIsoDate(g.granted_on)}};
}

StatusOr<points::GrantRequest> GrantRequestFromJson(const json& j) {
  return Read<points::GrantRequest>(j, [](FieldReader& r) {
    return points::GrantRequest{r.String("activity"), r.Int("points"), r.DateField("granted_on")};
  });
}

json ToJson(const points::RedeemRequest& r) {
  return {{"item", r.item}, {"points", r.points}, {"requested_on", FormatIsoDate(r.requested_on)}};
}

StatusOr<points::RedeemRequest> RedeemRequestFromJson(const json& j, const Date& today) {
  return Read<points::RedeemRequest>(j, [&](FieldReader& r) {
    points::RedeemRequest req;
    req.item = r.String("item");
    req.points = r.Int("points");
    req.requested_on = r.OptionalDate("requested_on").value_or(today);
    return req;
  });
}

json ToJson(const points::StatusChange& c) {
  return {{"status", points::MemberStatusName(c.status)},
          {"effective_on", FormatIsoDate(c.effective_on)}};
}

StatusOr<points::StatusChange> StatusChangeFromJson(const json& j) {
  if (!j.is_object()) return NotAnObject();
  FieldReader r(j);
  std::string status = r.String("status");
  Date effective_on = r.DateField("effective_on");
  if (!r.ok()) return r.status();
  StatusOr<points::MemberStatus> s = ParseStatusField(status);
  if (!s.ok()) return s.status();
  return points::StatusChange{*s, effective_on};
}

json ToJson(const points::VerifyRequest& v) {
  json j = {{"member_id", v.member_id}, {"birth_date", FormatIsoDate(v.birth_date)}};
  if (v.auth_code) j["auth_code"] = *v.auth_code;
  if (!v.requesters.empty()) j["requesters"] = v.requesters;
  return j;
}

StatusOr<points::VerifyRequest> VerifyRequestFromJson(const json& j) {
  return Read<points::VerifyRequest>(j, [&j](FieldReader& r) {
    points::VerifyRequest v;
    v.member_id = r.String("member_id");
    v.birth_date = r.DateField("birth_date");
    v.auth_code = r.OptionalString("auth_code");
    // Optional: an array of strings (the core checks their form).
    if (j.contains("requesters") && !j["requesters"].is_null()) {
      for (const json& e : r.Array("requesters")) {
        // Anything but a string reads as an empty label, which the core refuses.
        v.requesters.push_back(e.is_string() ? e.get<std::string>() : std::string());
      }
    }
    return v;
  });
}

// --- responses ------------------------------------------------------------------------------

json ToJson(const points::Member& m) {
  return {{"member_id", m.member_id},
          {"program", m.program},
          {"birth_date", FormatIsoDate(m.birth_date)},
          {"status", points::MemberStatusName(m.status)},
          {"status_effective_on", DateOrNull(m.status_effective_on)},
          {"eligible_from", DateOrNull(m.eligible_from)},
          {"has_auth_code", m.has_auth_code}};
}

StatusOr<points::Member> MemberFromJson(const json& j) {
  if (!j.is_object()) return NotAnObject();
  FieldReader r(j);
  points::Member m;
  m.member_id = r.String("member_id");
  m.program = r.String("program");
  m.birth_date = r.DateField("birth_date");
  std::string status = r.String("status");
  m.status_effective_on = r.OptionalDate("status_effective_on");
  m.eligible_from = r.OptionalDate("eligible_from");
  m.has_auth_code = r.Bool("has_auth_code");
  if (!r.ok()) return r.status();
  m.status = points::ParseMemberStatus(status).value_or(points::MemberStatus::kActive);
  return m;
}

json ToJson(const points::Lot& l) {
  return {{"lot_id", l.lot_id},
          {"activity", l.activity},
          {"points", l.points},
          {"remaining", l.remaining},
          {"granted_on", FormatIsoDate(l.granted_on)},
          {"expires_on", DateOrNull(l.expires_on)}};
}

StatusOr<points::Lot> LotFromJson(const json& j) {
  return Read<points::Lot>(j, [](FieldReader& r) {
    points::Lot l;
    l.lot_id = r.Int("lot_id");
    l.activity = r.String("activity");
    l.points = r.Int("points");
    l.remaining = r.Int("remaining");
    l.granted_on = r.DateField("granted_on");
    l.expires_on = r.OptionalDate("expires_on");
    return l;
  });
}

json ToJson(const points::PointBalance& b) {
  json lots = json::array();
  for (const points::Lot& l : b.lots) lots.push_back(ToJson(l));
  json expiring = json::array();
  for (const points::ExpiringPoints& e : b.expiring) {
    expiring.push_back({{"points", e.points}, {"expires_on", FormatIsoDate(e.expires_on)}});
  }
  return {{"member_id", b.member_id}, {"program", b.program},
          {"balance", b.balance},     {"as_of", FormatIsoDate(b.as_of)},
          {"lots", std::move(lots)},  {"expiring", std::move(expiring)}};
}

StatusOr<points::PointBalance> BalanceFromJson(const json& j) {
  if (!j.is_object()) return NotAnObject();
  FieldReader r(j);
  points::PointBalance b;
  b.member_id = r.String("member_id");
  b.program = r.String("program");
  b.balance = r.Int("balance");
  b.as_of = r.DateField("as_of");
  const json& lots = r.Array("lots");
  const json& expiring = r.Array("expiring");
  if (!r.ok()) return r.status();
  for (const json& lj : lots) {
    StatusOr<points::Lot> l = LotFromJson(lj);
    if (!l.ok()) return l.status();
    b.lots.push_back(std::move(l).value());
  }
  for (const json& ej : expiring) {
    StatusOr<points::ExpiringPoints> e = Read<points::ExpiringPoints>(ej, [](FieldReader& er) {
      return points::ExpiringPoints{er.Int("points"), er.DateField("expires_on")};
    });
    if (!e.ok()) return e.status();
    b.expiring.push_back(*e);
  }
  return b;
}

namespace {
// The field that names what an entry is about, per kind.
const char* LabelKey(HistoryEntry::Kind kind) {
  switch (kind) {
    case HistoryEntry::Kind::kGrant:
      return "activity";
    case HistoryEntry::Kind::kRedemption:
      return "item";
    case HistoryEntry::Kind::kForfeit:
      return "status";
  }
  return "activity";
}
}  // namespace

json ToJson(const std::string& member_id, const std::vector<HistoryEntry>& h) {
  json entries = json::array();
  for (const HistoryEntry& e : h) {
    json je = {{"type", points::HistoryKindName(e.kind)},
               {"on", FormatIsoDate(e.on)},
               {"points", e.points},
               {LabelKey(e.kind), e.label}};
    if (e.kind == HistoryEntry::Kind::kGrant) je["expires_on"] = DateOrNull(e.expires_on);
    entries.push_back(std::move(je));
  }
  return {{"member_id", member_id}, {"history", std::move(entries)}};
}

StatusOr<std::vector<HistoryEntry>> HistoryFromJson(const json& j) {
  if (!j.is_object()) return NotAnObject();
  FieldReader r(j);
  const json& entries = r.Array("history");
  if (!r.ok()) return r.status();
  std::vector<HistoryEntry> out;
  for (const json& ej : entries) {
    if (!ej.is_object()) return NotAnObject();
    FieldReader er(ej);
    HistoryEntry e;
    std::string type = er.String("type");
    if (type == "grant") {
      e.kind = HistoryEntry::Kind::kGrant;
    } else if (type == "redemption") {
      e.kind = HistoryEntry::Kind::kRedemption;
    } else if (type == "forfeit") {
      e.kind = HistoryEntry::Kind::kForfeit;
    } else if (er.ok()) {
      return Status(StatusCode::kInvalidArgument, "unknown history type " + type,
                    points::kReasonInvalidArgument);
    }
    e.on = er.DateField("on");
    e.points = er.Int("points");
    e.label = er.String(LabelKey(e.kind));
    e.expires_on = er.OptionalDate("expires_on");
    if (!er.ok()) return er.status();
    out.push_back(std::move(e));
  }
  return out;
}

json ToJson(const points::Redemption& r) {
  return {{"redemption_id", r.redemption_id},
          {"item", r.item},
          {"points", r.points},
          {"requested_on", FormatIsoDate(r.requested_on)},
          {"balance_after", r.balance_after}};
}

StatusOr<points::Redemption> RedemptionFromJson(const json& j) {
  return Read<points::Redemption>(j, [](FieldReader& r) {
    points::Redemption x;
    x.redemption_id = r.Int("redemption_id");
    x.item = r.String("item");
    x.points = r.Int("points");
    x.requested_on = r.DateField("requested_on");
    x.balance_after = r.Int("balance_after");
    return x;
  });
}

json ToJson(const points::StatusChangeResult& r) {
  return {{"member_id", r.member_id},
          {"status", points::MemberStatusName(r.status)},
          {"effective_on", FormatIsoDate(r.effective_on)},
          {"forfeited_points", r.forfeited_points}};
}

StatusOr<points::StatusChangeResult> StatusChangeResultFromJson(const json& j) {
  if (!j.is_object()) return NotAnObject();
  FieldReader r(j);
  points::StatusChangeResult x;
  x.member_id = r.String("member_id");
  std::string status = r.String("status");
  x.effective_on = r.DateField("effective_on");
  x.forfeited_points = r.Int("forfeited_points");
  if (!r.ok()) return r.status();
  x.status = points::ParseMemberStatus(status).value_or(points::MemberStatus::kActive);
  return x;
}

json ToJson(const points::ReissueRequest& r) {
  return {{"request_id", r.request_id},
          {"delivery", r.delivery},
          {"requested_on", FormatIsoDate(r.requested_on)},
          {"estimated_arrival", FormatIsoDate(r.estimated_arrival)},
          {"repeated", r.repeated}};
}

StatusOr<points::ReissueRequest> ReissueRequestFromJson(const json& j) {
  return Read<points::ReissueRequest>(j, [](FieldReader& r) {
    points::ReissueRequest x;
    x.request_id = r.String("request_id");
    x.delivery = r.String("delivery");
    x.requested_on = r.DateField("requested_on");
    x.estimated_arrival = r.DateField("estimated_arrival");
    x.repeated = r.Bool("repeated");
    return x;
  });
}

json ToJson(const points::Verification& v) {
  return {{"verified", v.verified}, {"level", points::VerificationLevelName(v.level)}};
}

StatusOr<points::Verification> VerificationFromJson(const json& j) {
  if (!j.is_object()) return NotAnObject();
  FieldReader r(j);
  points::Verification v;
  v.verified = r.Bool("verified");
  std::string level = r.String("level");
  if (!r.ok()) return r.status();
  v.level = level == "strong" ? points::VerificationLevel::kStrong
            : level == "weak" ? points::VerificationLevel::kWeak
                              : points::VerificationLevel::kNone;
  return v;
}

json ToJson(const rules::ExchangeWindow& w) {
  return {
      {"open", w.open}, {"reason", StringOrNull(w.reason)}, {"next_open", DateOrNull(w.next_open)}};
}

StatusOr<rules::ExchangeWindow> ExchangeWindowFromJson(const json& j) {
  return Read<rules::ExchangeWindow>(j, [](FieldReader& r) {
    rules::ExchangeWindow w;
    w.open = r.Bool("open");
    w.reason = r.OptionalString("reason").value_or("");
    w.next_open = r.OptionalDate("next_open");
    return w;
  });
}

json ToJson(const points::MemberRank& r) {
  return {
      {"season", {{"start", FormatIsoDate(r.season.start)}, {"end", FormatIsoDate(r.season.end)}}},
      {"points", r.points},
      {"rank", StringOrNull(r.rank)},
      {"next_rank", StringOrNull(r.next_rank)},
      {"points_to_next", r.points_to_next}};
}

StatusOr<points::MemberRank> MemberRankFromJson(const json& j) {
  if (!j.is_object()) return NotAnObject();
  auto season = j.find("season");
  if (season == j.end() || !season->is_object()) {
    return Status(StatusCode::kInvalidArgument, "「season」がありません。",
                  points::kReasonInvalidArgument);
  }
  FieldReader sr(*season);
  FieldReader r(j);
  points::MemberRank x;
  x.season.start = sr.DateField("start");
  x.season.end = sr.DateField("end");
  x.points = r.Int("points");
  x.rank = r.OptionalString("rank").value_or("");
  x.next_rank = r.OptionalString("next_rank").value_or("");
  x.points_to_next = r.Int("points_to_next");
  if (!sr.ok()) return sr.status();
  if (!r.ok()) return r.status();
  return x;
}

}  // namespace madoguchi::points_http
