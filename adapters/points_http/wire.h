// The points API's JSON (docs/points-api.md) to and from the domain's types, shared by the server
// and HttpPointsCore so the two cannot drift apart. Dates are "YYYY-MM-DD"; absent optional
// values are JSON null. Readers ignore unknown fields and report the first malformed one.
// Pure functions; thread-safe; nothing here throws.
#ifndef MADOGUCHI_ADAPTERS_POINTS_HTTP_WIRE_H_
#define MADOGUCHI_ADAPTERS_POINTS_HTTP_WIRE_H_

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "base/status.h"
#include "points/points_core.h"

namespace madoguchi::points_http {

using nlohmann::json;

// The Content-Type of every body the API sends and accepts.
inline constexpr char kJsonContentType[] = "application/json; charset=utf-8";

// Reads typed fields of one JSON object, remembering the first problem (invalid_argument with a
// Japanese message naming the field). After a problem, reads return empty values.
class FieldReader {
 public:
  explicit FieldReader(const json& object);

  std::string String(const char* key);  // required, non-empty
  std::optional<std::string> OptionalString(const char* key);
  int64_t Int(const char* key);  // required integer
  bool Bool(const char* key);
  Date DateField(const char* key);  // required YYYY-MM-DD
  std::optional<Date> OptionalDate(const char* key);
  const json& Array(const char* key);  // required array (an empty one after a problem)

  bool ok() const { return status_.ok(); }
  const Status& status() const { return status_; }

 private:
  const json* Find(const char* key);  // nullptr when absent or null
  void Fail(const char* key, const char* expected);

  const json& object_;
  Status status_;
};

// Dumps without throwing: invalid UTF-8 (which the core never stores) is replaced, not fatal.
std::string Dump(const json& j);

json DateOrNull(const std::optional<Date>& d);

// Requests (client writes, server reads).
json ToJson(const points::NewMember& m);
StatusOr<points::NewMember> NewMemberFromJson(const json& j);
json ToJson(const points::GrantRequest& g);
StatusOr<points::GrantRequest> GrantRequestFromJson(const json& j);
// requested_on may be absent; `today` fills it.
json ToJson(const points::RedeemRequest& r);
StatusOr<points::RedeemRequest> RedeemRequestFromJson(const json& j, const Date& today);
json ToJson(const points::StatusChange& c);
StatusOr<points::StatusChange> StatusChangeFromJson(const json& j);
json ToJson(const points::VerifyRequest& v);
StatusOr<points::VerifyRequest> VerifyRequestFromJson(const json& j);

// Responses (server writes, client reads).
json ToJson(const points::Member& m);
StatusOr<points::Member> MemberFromJson(const json& j);
json ToJson(const points::Lot& l);
StatusOr<points::Lot> LotFromJson(const json& j);
json ToJson(const points::PointBalance& b);
StatusOr<points::PointBalance> BalanceFromJson(const json& j);
json ToJson(const std::string& member_id, const std::vector<points::HistoryEntry>& h);
StatusOr<std::vector<points::HistoryEntry>> HistoryFromJson(const json& j);
json ToJson(const points::Redemption& r);
StatusOr<points::Redemption> RedemptionFromJson(const json& j);
json ToJson(const points::StatusChangeResult& r);
StatusOr<points::StatusChangeResult> StatusChangeResultFromJson(const json& j);
json ToJson(const points::ReissueRequest& r);
StatusOr<points::ReissueRequest> ReissueRequestFromJson(const json& j);
json ToJson(const points::Verification& v);
StatusOr<points::Verification> VerificationFromJson(const json& j);
json ToJson(const rules::ExchangeWindow& w);
StatusOr<rules::ExchangeWindow> ExchangeWindowFromJson(const json& j);
json ToJson(const points::MemberRank& r);
StatusOr<points::MemberRank> MemberRankFromJson(const json& j);

}  // namespace madoguchi::points_http

#endif  // MADOGUCHI_ADAPTERS_POINTS_HTTP_WIRE_H_
