// The points core as the domain sees it: the ledger of members' health points.
//
// Its implementations share one contract (tests/points_http runs one typed suite against all):
// SqlitePointsCore, embedded over a SQLite file; PostgresPointsCore, a ledger several processes
// share; and HttpPointsCore, a client of `madoguchi points serve` in front of either. Callers pass
// every date explicitly ("today" comes from the caller's Clock), so a core never guesses the day;
// only lockout timing reads a wall clock (NowSource).
//
// Errors are values. A failed call changes nothing. Statuses carry a machine reason the bot and the
// HTTP adapter branch on. Their messages are Japanese sentences fit to show staff or the member,
// except those of `unavailable` and `internal`, which hold operator detail (English) to be logged,
// not shown:
//   not_found            kNotFound            unknown member or program (or member of another
//   program) invalid_argument     kInvalidArgument     malformed input (empty item, points ≤ 0, bad
//   status …) already_exists       kAlreadyExists       CreateMember with a taken member number
//   exchange_closed      kFailedPrecondition  the program's exchange window is closed on that day
//   insufficient_points  kFailedPrecondition  the usable balance is short
//   not_eligible         kFailedPrecondition  the member's status forfeits points, or not yet
//   eligible no_ranks             kFailedPrecondition  Rank on a program without a rank table
//   locked               kResourceExhausted   verification is locked after repeated failures
//   unavailable          kUnavailable         the store or the remote core cannot be reached now
//   internal             kInternal            a bug or a broken invariant
//
// The structs below are plain values: copyable, thread-compatible, owning all they hold.
#ifndef MADOGUCHI_POINTS_POINTS_CORE_H_
#define MADOGUCHI_POINTS_POINTS_CORE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "base/date.h"
#include "base/status.h"
#include "rules/calendar_rules.h"

namespace madoguchi::points {

// Stable wire and storage names of the reasons above.
inline constexpr char kReasonNotFound[] = "not_found";
inline constexpr char kReasonInvalidArgument[] = "invalid_argument";
inline constexpr char kReasonAlreadyExists[] = "already_exists";
inline constexpr char kReasonExchangeClosed[] = "exchange_closed";
inline constexpr char kReasonInsufficientPoints[] = "insufficient_points";
inline constexpr char kReasonNotEligible[] = "not_eligible";
inline constexpr char kReasonNoRanks[] = "no_ranks";
inline constexpr char kReasonLocked[] = "locked";
inline constexpr char kReasonUnavailable[] = "unavailable";
inline constexpr char kReasonInternal[] = "internal";

enum class MemberStatus {
  kActive,     // active: a member in service
  kRetired,    // retired: left the employer
  kVoluntary,  // voluntary: 任意継続 (voluntary continuation)
  kDependent,  // dependent: 被扶養者
};
// "active", "retired", "voluntary", "dependent": the names program.json's forfeit_on_status uses.
const char* MemberStatusName(MemberStatus status);
std::optional<MemberStatus> ParseMemberStatus(std::string_view name);

struct NewMember {
  std::string member_id;  // 1–32 of [0-9A-Za-z_-]; the member number printed on the card
  std::string program;    // a program id the core knows
  Date birth_date;
  MemberStatus status = MemberStatus::kActive;
  // When the status took effect. Default: unset (the member has always had it).
  std::optional<Date> status_effective_on;
  // First day the member may redeem. Default: unset (no restriction).
  std::optional<Date> eligible_from;
  // The code printed on the member's postcard, 4–64 characters. Stored only as a salted hash; a
  // member created without one can be verified weakly but never strongly. Default: none.
  std::optional<std::string> auth_code;
};

struct Member {
  std::string member_id;
  std::string program;
  Date birth_date;
  MemberStatus status = MemberStatus::kActive;
  std::optional<Date> status_effective_on;
  std::optional<Date> eligible_from;
  bool has_auth_code = false;
};

struct GrantRequest {
  std::string activity;  // what earned the points (健診受診), 1–200 bytes of UTF-8
  int64_t points = 0;    // 1–10,000,000
  Date granted_on;
};

// A grant of points and what is left of it.
struct Lot {
  int64_t lot_id = 0;
  std::string activity;
  int64_t points = 0;
  int64_t remaining = 0;
  Date granted_on;
  std::optional<Date> expires_on;  // last usable day; unset when the program's points never lapse
};

struct ExpiringPoints {
  int64_t points = 0;
  Date expires_on;
};

struct PointBalance {
  std::string member_id;
  std::string program;
  int64_t balance = 0;  // sum of `lots[].remaining`
  Date as_of;
  std::vector<Lot> lots;  // usable on as_of: granted by then, not lapsed, remaining > 0
  std::vector<ExpiringPoints> expiring;  // lots' remaining points by lapse date, soonest first
};

struct HistoryEntry {
  enum class Kind { kGrant, kRedemption, kForfeit };
  Kind kind = Kind::kGrant;
  Date on;                         // granted_on, requested_on or the status's effective_on
  int64_t points = 0;              // always positive; the kind gives the direction
  std::string label;               // activity, item, or the forfeiting status's name
  std::optional<Date> expires_on;  // grants only
};
const char* HistoryKindName(HistoryEntry::Kind kind);  // "grant", "redemption", "forfeit"

struct RedeemRequest {
  std::string item;  // what the points are exchanged for, 1–200 bytes of UTF-8
  int64_t points = 0;
  Date requested_on;  // decides the exchange window and which lots are usable
};

struct Redemption {
  int64_t redemption_id = 0;
  std::string item;
  int64_t points = 0;
  Date requested_on;
  int64_t balance_after = 0;
};

struct StatusChange {
  MemberStatus status = MemberStatus::kActive;
  Date effective_on;
};

struct StatusChangeResult {
  std::string member_id;
  MemberStatus status = MemberStatus::kActive;
  Date effective_on;
  // Points forfeited by this change (0 when the status keeps points or nothing was left). The
  // forfeit is recorded and shows in History; lots are zeroed, never deleted.
  int64_t forfeited_points = 0;
};

// A request to post a new auth code. The code itself is never part of it.
struct ReissueRequest {
  std::string request_id;
  std::string delivery;  // "postcard"
  Date requested_on;
  Date estimated_arrival;  // requested_on + the program's arrival_days
  // True when no new request was made: the idempotency key was seen before, or the member
  // already asked within the program's min_interval_days (this is that earlier request).
  bool repeated = false;
};

struct VerifyRequest {
  std::string member_id;
  Date birth_date;
  std::optional<std::string> auth_code;  // absent: ask only for weak verification
  // Who is asking, as opaque labels the caller derives (a conversation, a client); at most 4,
  // each 1–128 printable ASCII characters. Their failures are counted across every member
  // number (see Verify). Pass a hash, not a raw chat user id. Default: none (the strict
  // per-number lock alone).
  std::vector<std::string> requesters;
};

enum class VerificationLevel { kNone, kWeak, kStrong };
const char* VerificationLevelName(VerificationLevel level);  // "none", "weak", "strong"

// "1,250ポイント": how amounts of points are written for members.
std::string FormatPoints(int64_t points);

struct Verification {
  bool verified = false;
  // kWeak: member number and birth date match (enough to request a reissue by post).
  // kStrong: and the auth code matches (enough to link an account and see the ledger).
  VerificationLevel level = VerificationLevel::kNone;
};

struct MemberRank {
  rules::Season season;
  int64_t points = 0;  // points granted in the season up to as_of (redemptions do not lower it)
  std::string rank;    // empty below the first threshold
  std::string next_rank;
  int64_t points_to_next = 0;
};

// Member numbers: every call accepts them as typed — full-width letters and digits fold to ASCII,
// spaces are dropped, and letters compare case-insensitively (ｋ１００５, k1005 and K1005 are one
// member); results carry the number as registered. CreateMember refuses a number that differs
// from a registered one only in case (already_exists).
//
// Dates: ledger dates (granted_on, requested_on, as_of, on, effective_on, eligible_from,
// status_effective_on, a reissue's today) must lie in 2000-01-01..2099-12-31 and birth dates in
// 1900-01-01..today (by the core's clock); anything else is invalid_argument naming the field
// (validation.h: kFirstLedgerDate, kLastLedgerDate, kFirstBirthDate).
//
// Thread safety: implementations are thread-safe; one instance serves every thread.
// Ownership: callers own the instance; it holds no reference to arguments after a call returns.
class PointsCore {
 public:
  virtual ~PointsCore() = default;

  // Registers a member. already_exists when the number is taken; not_found for an unknown program.
  virtual StatusOr<Member> CreateMember(const NewMember& member) = 0;

  // The member as registered: birth date and status (never the auth code). not_found when
  // unknown. For answers that depend on who asks (an age's variant, a retired member's exchange).
  virtual StatusOr<Member> GetMember(const std::string& member_id) = 0;

  // Adds a lot whose expiry follows the program's rule. not_eligible when the member's status
  // forfeits points (they would be forfeited at once).
  virtual StatusOr<Lot> Grant(const std::string& member_id, const GrantRequest& grant) = 0;

  // Usable points on `as_of`. Redemptions and forfeits already recorded count whatever their
  // date; `as_of` decides which lots have been granted and which have lapsed.
  virtual StatusOr<PointBalance> Balance(const std::string& member_id, const Date& as_of) = 0;

  // Grants, redemptions and forfeits, newest first; at most `limit` (1–500) entries.
  virtual StatusOr<std::vector<HistoryEntry>> History(const std::string& member_id, int limit) = 0;

  // Spends points from the usable lots that lapse first (FIFO by expiry, then by grant). Checked
  // in this order, each refusing the whole request: not_eligible, exchange_closed,
  // insufficient_points. Atomic: concurrent redemptions never spend the same point twice.
  virtual StatusOr<Redemption> Redeem(const std::string& member_id,
                                      const RedeemRequest& request) = 0;

  // Sets the member's status. When the program's forfeit_on_status lists the new status, every
  // point usable on effective_on is forfeited (recorded). Returning to active restores nothing.
  virtual StatusOr<StatusChangeResult> ChangeStatus(const std::string& member_id,
                                                    const StatusChange& change) = 0;

  // Asks for a new auth code by post. Idempotent per (member, idempotency_key): a key seen
  // before gets exactly its first answer again (the same request, the same `repeated`), and
  // nothing is written. At most one new request per member per min_interval_days; a new key
  // within that time gets the earlier request (repeated = true). not_eligible when the member's
  // status forfeits points. idempotency_key: 1–128 printable ASCII characters chosen by the
  // caller (one per user action).
  virtual StatusOr<ReissueRequest> RequestReissue(const std::string& member_id,
                                                  const std::string& idempotency_key,
                                                  const Date& today) = 0;

  // Checks member number + birth date (+ auth code). A mismatch returns verified = false and
  // counts as a failure. An unknown member number is indistinguishable from a known one with a
  // wrong birth date: the same reply, the same count and lock, the same work (one write
  // transaction and one audit row each; PBKDF2 once whenever a code is given). After 5 failures
  // within an hour (the configured policy) the number is locked for an hour: calls then fail
  // with `locked`, even with the right answers, unless every requester named is clean (has not
  // failed within the hour) — so strangers cannot lock a member out of the postal reissue or of
  // linking from their own conversation. Each requester is locked the same way after 5 failures
  // on any numbers. A success resets the number's count, never a requester's. A malformed
  // number, birth date or requester is invalid_argument and counts nowhere. The full design is
  // in verification.h.
  virtual StatusOr<Verification> Verify(const VerifyRequest& request) = 0;

  // Whether the program's exchange is open on `on`, why not, and when it reopens.
  virtual StatusOr<rules::ExchangeWindow> ExchangeWindow(const std::string& program,
                                                         const Date& on) = 0;

  // The member's rank in the season containing `as_of`. not_found when the member is not in
  // `program`; no_ranks when the program has no rank table.
  virtual StatusOr<MemberRank> Rank(const std::string& program, const std::string& member_id,
                                    const Date& as_of) = 0;
};

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_POINTS_CORE_H_
