#include "points/ledger_core.h"

#include <algorithm>
#include <limits>
#include <optional>

#include "points/errors.h"
#include "points/fifo.h"
#include "points/reissue.h"
#include "points/validation.h"
#include "text/era.h"

namespace madoguchi::points {

namespace {

using Access = LedgerDatabase::Access;

Status NotEligible() {
  return PointsError(
      kReasonNotEligible,
      "現在の資格ではポイントをご利用いただけません（退職・任意継続・被扶養者等）。");
}

// A member who may not use points on `on`: the status forfeits them, or eligibility has not
// started yet.
bool Ineligible(const kb::Program& program, const Member& m, const Date& on) {
  if (rules::StatusForfeitsPoints(program, MemberStatusName(m.status))) return true;
  return m.eligible_from && std::chrono::sys_days(on) < std::chrono::sys_days(*m.eligible_from);
}

int64_t Sum(const std::vector<Lot>& lots) {
  int64_t total = 0;
  for (const Lot& l : lots) total += l.remaining;
  return total;
}

Status MemberNumberTaken() {
  return PointsError(kReasonAlreadyExists, "その会員番号はすでに登録されています。");
}

}  // namespace

LedgerCore::LedgerCore(LedgerCoreOptions options, std::unique_ptr<LedgerDatabase> database)
    : options_(std::move(options)),
      now_(options_.now != nullptr ? options_.now : &SystemNow::Instance()),
      database_(std::move(database)) {
  for (const kb::Program& p : options_.programs) programs_[p.id] = p;
}

template <typename T, typename Fn>
StatusOr<T> LedgerCore::WithMember(Access access, const std::string& member_id, Fn fn) {
  std::optional<StatusOr<T>> result;
  Status done = database_->Transact(access, [&](LedgerStore& store) -> Status {
    result.reset();  // a run the database retries starts afresh
    StatusOr<std::optional<MemberRecord>> rec = store.FindMember(
        member_id, access == Access::kWrite ? RowLock::kForUpdate : RowLock::kNone);
    if (!rec.ok()) return rec.status();
    if (!rec->has_value()) return MemberNotFound();
    result.emplace(fn(store, **rec));
    return result->status();
  });
  if (!done.ok()) return done;
  return *std::move(result);
}

const kb::Program* LedgerCore::FindProgram(const std::string& id) const {
  auto it = programs_.find(id);
  return it == programs_.end() ? nullptr : &it->second;
}

StatusOr<const kb::Program*> LedgerCore::ProgramOf(const Member& member) const {
  const kb::Program* p = FindProgram(member.program);
  if (p == nullptr) return ProgramNotFound(member.program);
  return p;
}

const std::string& LedgerCore::DummyHash() {
  std::call_once(dummy_once_, [&] {
    StatusOr<std::string> h = HashAuthCode("no code issued", options_.pbkdf2_iterations);
    dummy_hash_ = h.ok() ? *h : "";
  });
  return dummy_hash_;
}

StatusOr<Member> LedgerCore::CreateMember(const NewMember& typed) {
  StatusOr<std::string> normalized = NormalizeMemberId(typed.member_id);
  if (!normalized.ok()) return normalized.status();
  NewMember m = typed;
  m.member_id = *std::move(normalized);
  MADOGUCHI_RETURN_IF_ERROR(ValidateBirthDate(m.birth_date, TokyoDate(ToUnixSeconds(Now()))));
  if (m.status_effective_on) {
    MADOGUCHI_RETURN_IF_ERROR(
        ValidateLedgerDate("資格の変更日（status_effective_on）", *m.status_effective_on));
  }
  if (m.eligible_from) {
    MADOGUCHI_RETURN_IF_ERROR(ValidateLedgerDate("利用開始日（eligible_from）", *m.eligible_from));
  }
  if (FindProgram(m.program) == nullptr) return ProgramNotFound(m.program);
  std::string hash;
  if (m.auth_code) {
    MADOGUCHI_RETURN_IF_ERROR(ValidateAuthCode(*m.auth_code));
    // Hashed before the transaction takes its locks: PBKDF2 is slow on purpose.
    StatusOr<std::string> h = HashAuthCode(*m.auth_code, options_.pbkdf2_iterations);
    if (!h.ok()) return h.status();
    hash = std::move(h).value();
  }
  Status created = database_->Transact(Access::kWrite, [&](LedgerStore& store) -> Status {
    StatusOr<std::optional<MemberRecord>> existing =
        store.FindMember(m.member_id, RowLock::kForUpdate);
    if (!existing.ok()) return existing.status();
    if (existing->has_value()) return MemberNumberTaken();
    StatusOr<int64_t> audit =
        store.Audit(Now(), m.member_id, "create_member",
                    "program=" + m.program + " status=" + MemberStatusName(m.status) +
                        " auth_code=" + (hash.empty() ? "none" : "set"));
    if (!audit.ok()) return audit.status();
    Status inserted = store.InsertMember(m, hash);
    // Two processes registering one number at once: no row to lock yet, so the database's
    // unique key decides, and the loser hears what it would have heard a moment later.
    if (inserted.code() == StatusCode::kAlreadyExists) return MemberNumberTaken();
    return inserted;
  });
  if (!created.ok()) return created;
  return Member{m.member_id,           m.program,       m.birth_date, m.status,
                m.status_effective_on, m.eligible_from, !hash.empty()};
}

StatusOr<Member> LedgerCore::GetMember(const std::string& typed_id) {
  StatusOr<std::string> normalized = NormalizeMemberId(typed_id);
  if (!normalized.ok()) return normalized.status();
  return WithMember<Member>(
      Access::kRead, *normalized,
      [&](LedgerStore&, const MemberRecord& rec) -> StatusOr<Member> { return rec.member; });
}

StatusOr<Lot> LedgerCore::Grant(const std::string& typed_id, const GrantRequest& grant) {
  StatusOr<std::string> normalized = NormalizeMemberId(typed_id);
  if (!normalized.ok()) return normalized.status();
  MADOGUCHI_RETURN_IF_ERROR(ValidateLabel("activity（付与の理由）", grant.activity));
  MADOGUCHI_RETURN_IF_ERROR(ValidatePoints(grant.points));
  MADOGUCHI_RETURN_IF_ERROR(ValidateLedgerDate("付与日（granted_on）", grant.granted_on));
  return WithMember<Lot>(
      Access::kWrite, *normalized,
      [&](LedgerStore& store, const MemberRecord& rec) -> StatusOr<Lot> {
        const std::string& member_id = rec.member.member_id;
        StatusOr<const kb::Program*> program = ProgramOf(rec.member);
        if (!program.ok()) return program.status();
        if (rules::StatusForfeitsPoints(**program, MemberStatusName(rec.member.status))) {
          return NotEligible();
        }
        Lot lot;
        lot.activity = grant.activity;
        lot.points = grant.points;
        lot.remaining = grant.points;
        lot.granted_on = grant.granted_on;
        lot.expires_on = rules::ExpiryOf(**program, grant.granted_on);
        StatusOr<int64_t> audit = store.Audit(Now(), member_id, "grant",
                                              "points=" + std::to_string(grant.points) +
                                                  " granted_on=" + FormatIsoDate(grant.granted_on));
        if (!audit.ok()) return audit.status();
        StatusOr<int64_t> id = store.InsertLot(member_id, grant, lot.expires_on, *audit);
        if (!id.ok()) return id.status();
        lot.lot_id = *id;
        return lot;
      });
}

StatusOr<PointBalance> LedgerCore::Balance(const std::string& typed_id, const Date& as_of) {
  StatusOr<std::string> normalized = NormalizeMemberId(typed_id);
  if (!normalized.ok()) return normalized.status();
  MADOGUCHI_RETURN_IF_ERROR(ValidateLedgerDate("基準日（as_of）", as_of));
  // A read transaction: the member and the lots come from one snapshot.
  return WithMember<PointBalance>(
      Access::kRead, *normalized,
      [&](LedgerStore& store, const MemberRecord& rec) -> StatusOr<PointBalance> {
        const std::string& member_id = rec.member.member_id;
        StatusOr<std::vector<Lot>> lots = store.LotsWithPointsLeft(member_id);
        if (!lots.ok()) return lots.status();
        PointBalance b;
        b.member_id = member_id;
        b.program = rec.member.program;
        b.as_of = as_of;
        b.lots = UsableInSpendingOrder(std::move(lots).value(), as_of);
        b.balance = Sum(b.lots);
        b.expiring = GroupByExpiry(b.lots);
        return b;
      });
}

StatusOr<std::vector<HistoryEntry>> LedgerCore::History(const std::string& typed_id, int limit) {
  StatusOr<std::string> normalized = NormalizeMemberId(typed_id);
  if (!normalized.ok()) return normalized.status();
  if (limit < 1 || limit > kMaxHistoryLimit) {
    return BadArgument("件数は1〜" + std::to_string(kMaxHistoryLimit) + "で指定してください。");
  }
  return WithMember<std::vector<HistoryEntry>>(Access::kRead, *normalized,
                                               [&](LedgerStore& store, const MemberRecord& rec) {
                                                 return store.History(rec.member.member_id, limit);
                                               });
}

StatusOr<Redemption> LedgerCore::Redeem(const std::string& typed_id, const RedeemRequest& request) {
  StatusOr<std::string> normalized = NormalizeMemberId(typed_id);
  if (!normalized.ok()) return normalized.status();
  MADOGUCHI_RETURN_IF_ERROR(ValidateLabel("item（交換する商品）", request.item));
  MADOGUCHI_RETURN_IF_ERROR(ValidatePoints(request.points));
  MADOGUCHI_RETURN_IF_ERROR(ValidateLedgerDate("申込日（requested_on）", request.requested_on));
  // The member's row is locked from its read to the commit, so the balance read below is the
  // balance the debits apply to: two redemptions can never both spend the same points.
  return WithMember<Redemption>(
      Access::kWrite, *normalized,
      [&](LedgerStore& store, const MemberRecord& rec) -> StatusOr<Redemption> {
        const std::string& member_id = rec.member.member_id;
        StatusOr<const kb::Program*> program = ProgramOf(rec.member);
        if (!program.ok()) return program.status();
        if (Ineligible(**program, rec.member, request.requested_on)) return NotEligible();
        rules::ExchangeWindow window = rules::ExchangeWindowOn(**program, request.requested_on);
        if (!window.open) {
          std::string msg =
              window.reason.empty() ? "現在はポイント交換を受け付けていません。" : window.reason;
          if (window.next_open) {
            msg += "（" + text::FormatGregorianDate(*window.next_open) + "から交換できます）";
          }
          return PointsError(kReasonExchangeClosed, std::move(msg));
        }
        StatusOr<std::vector<Lot>> open_lots = store.LotsWithPointsLeft(member_id);
        if (!open_lots.ok()) return open_lots.status();
        std::vector<Lot> usable =
            UsableInSpendingOrder(std::move(open_lots).value(), request.requested_on);
        int64_t balance = Sum(usable);
        std::optional<std::vector<Debit>> debits = PlanDebits(usable, request.points);
        if (!debits) {
          return PointsError(kReasonInsufficientPoints,
                             "ポイントが不足しています（利用できる残高 " + FormatPoints(balance) +
                                 "、必要 " + FormatPoints(request.points) + "）。");
        }
        StatusOr<int64_t> audit =
            store.Audit(Now(), member_id, "redeem",
                        "points=" + std::to_string(request.points) +
                            " requested_on=" + FormatIsoDate(request.requested_on));
        if (!audit.ok()) return audit.status();
        StatusOr<int64_t> id = store.InsertRedemption(member_id, request, *audit);
        if (!id.ok()) return id.status();
        for (const Debit& d : *debits) {
          MADOGUCHI_RETURN_IF_ERROR(store.ApplyDebit(d, *id, std::nullopt));
        }
        return Redemption{*id, request.item, request.points, request.requested_on,
                          balance - request.points};
      });
}

StatusOr<StatusChangeResult> LedgerCore::ChangeStatus(const std::string& typed_id,
                                                      const StatusChange& change) {
  StatusOr<std::string> normalized = NormalizeMemberId(typed_id);
  if (!normalized.ok()) return normalized.status();
  MADOGUCHI_RETURN_IF_ERROR(
      ValidateLedgerDate("資格の変更日（effective_on）", change.effective_on));
  return WithMember<StatusChangeResult>(
      Access::kWrite, *normalized,
      [&](LedgerStore& store, const MemberRecord& rec) -> StatusOr<StatusChangeResult> {
        const std::string& member_id = rec.member.member_id;
        StatusOr<const kb::Program*> program = ProgramOf(rec.member);
        if (!program.ok()) return program.status();
        StatusOr<int64_t> audit =
            store.Audit(Now(), member_id, "change_status",
                        std::string("from=") + MemberStatusName(rec.member.status) +
                            " to=" + MemberStatusName(change.status) +
                            " effective_on=" + FormatIsoDate(change.effective_on));
        if (!audit.ok()) return audit.status();
        MADOGUCHI_RETURN_IF_ERROR(
            store.UpdateStatus(member_id, change.status, change.effective_on));
        MADOGUCHI_RETURN_IF_ERROR(
            store.InsertStatusChange(member_id, change.status, change.effective_on, *audit));
        StatusChangeResult result{member_id, change.status, change.effective_on, 0};
        if (!rules::StatusForfeitsPoints(**program, MemberStatusName(change.status))) {
          return result;
        }
        StatusOr<std::vector<Lot>> lots = store.LotsWithPointsLeft(member_id);
        if (!lots.ok()) return lots.status();
        // Every point not lapsed by the effective day goes, including grants dated after it.
        std::erase_if(*lots, [&](const Lot& l) {
          return l.expires_on &&
                 std::chrono::sys_days(*l.expires_on) < std::chrono::sys_days(change.effective_on);
        });
        result.forfeited_points = Sum(*lots);
        if (result.forfeited_points == 0) return result;
        StatusOr<int64_t> forfeit = store.InsertForfeit(
            member_id, change.status, change.effective_on, result.forfeited_points, *audit);
        if (!forfeit.ok()) return forfeit.status();
        for (const Lot& l : *lots) {
          MADOGUCHI_RETURN_IF_ERROR(
              store.ApplyDebit(Debit{l.lot_id, l.remaining}, std::nullopt, *forfeit));
        }
        return result;
      });
}

StatusOr<ReissueRequest> LedgerCore::RequestReissue(const std::string& typed_id,
                                                    const std::string& idempotency_key,
                                                    const Date& today) {
  StatusOr<std::string> normalized = NormalizeMemberId(typed_id);
  if (!normalized.ok()) return normalized.status();
  MADOGUCHI_RETURN_IF_ERROR(ValidateIdempotencyKey(idempotency_key));
  MADOGUCHI_RETURN_IF_ERROR(ValidateLedgerDate("申込日（requested_on）", today));
  StatusOr<std::string> new_id = RandomHex(8);
  if (!new_id.ok()) return new_id.status();
  return WithMember<ReissueRequest>(
      Access::kWrite, *normalized,
      [&](LedgerStore& store, const MemberRecord& rec) -> StatusOr<ReissueRequest> {
        const std::string& member_id = rec.member.member_id;
        StatusOr<std::optional<ReissueRequest>> seen =
            store.FindReissueByKey(member_id, idempotency_key);
        if (!seen.ok()) return seen.status();
        if (seen->has_value()) return **seen;  // a replay: exactly the answer it had
        StatusOr<const kb::Program*> program = ProgramOf(rec.member);
        if (!program.ok()) return program.status();
        if (rules::StatusForfeitsPoints(**program, MemberStatusName(rec.member.status))) {
          return NotEligible();
        }
        const kb::ReissueRule& rule = (*program)->rules.reissue;
        StatusOr<std::optional<ReissueRequest>> latest = store.LatestReissue(member_id);
        if (!latest.ok()) return latest.status();
        ReissueRequest result;
        if (latest->has_value() && EarlierRequestStands(rule, (*latest)->requested_on, today)) {
          // Within the interval: the earlier postcard is on its way; this key now names it too.
          result = **latest;
          result.repeated = true;
          StatusOr<int64_t> audit =
              store.Audit(Now(), member_id, "reissue_repeated", "request_id=" + result.request_id);
          if (!audit.ok()) return audit.status();
        } else {
          result.request_id = "rq_" + *new_id;
          result.delivery = rule.delivery;
          result.requested_on = today;
          result.estimated_arrival = EstimatedArrival(rule, today);
          StatusOr<int64_t> audit = store.Audit(
              Now(), member_id, "reissue_requested",
              "request_id=" + result.request_id + " requested_on=" + FormatIsoDate(today));
          if (!audit.ok()) return audit.status();
          MADOGUCHI_RETURN_IF_ERROR(store.InsertReissue(member_id, result, *audit));
        }
        MADOGUCHI_RETURN_IF_ERROR(store.InsertReissueKey(member_id, idempotency_key, result));
        return result;
      });
}

StatusOr<Verification> LedgerCore::Verify(const VerifyRequest& request) {
  StatusOr<std::string> normalized = NormalizeMemberId(request.member_id);
  if (!normalized.ok()) return normalized.status();
  const TimePoint now = Now();
  MADOGUCHI_RETURN_IF_ERROR(ValidateBirthDate(request.birth_date, TokyoDate(ToUnixSeconds(now))));
  if (request.auth_code && request.auth_code->size() > kMaxAuthCodeLength) {
    return BadArgument("認証コードが長すぎます。");
  }
  MADOGUCHI_RETURN_IF_ERROR(ValidateRequesters(request.requesters));
  // Guards by salted hash: the number's (known or not: one code path, so neither the reply nor
  // the work tells them apart) and each requester's.
  const std::string number_key =
      GuardKey(database_->guard_salt(), kGuardNumber, MemberIdKey(*normalized));
  std::vector<std::string> requester_keys;
  for (const std::string& r : request.requesters) {
    requester_keys.push_back(GuardKey(database_->guard_salt(), kGuardRequester, r));
  }
  const LockoutPolicy& policy = options_.lockout;
  const Status locked = PointsError(
      kReasonLocked,
      "認証に続けて失敗したため、しばらくの間ロックされています。時間をおいてお試しください。");
  // Whether the guards as read let this attempt through: no requester locked, and the number
  // not locked unless every requester is clean.
  auto admitted = [&](const LockState& number, const std::vector<LockState>& requesters) {
    bool all_clean = !requesters.empty();
    for (const LockState& r : requesters) {
      if (IsLocked(r, now)) return false;
      all_clean = all_clean && IsClean(r, now, policy);
    }
    return !IsLocked(number, now) || all_clean;
  };
  auto read_guards = [&](LedgerStore& store, LockState* number,
                         std::vector<LockState>* requesters) -> Status {
    StatusOr<LockState> n = store.FindGuard(number_key);
    if (!n.ok()) return n.status();
    *number = *n;
    requesters->clear();
    for (const std::string& key : requester_keys) {
      StatusOr<LockState> r = store.FindGuard(key);
      if (!r.ok()) return r.status();
      requesters->push_back(*r);
    }
    return Status::Ok();
  };
  std::optional<MemberRecord> rec;
  bool admitted_before = false;
  // Read, then check the answers with no connection held: PBKDF2 takes a noticeable time, and
  // other calls should not wait for it.
  Status read = database_->Run([&](LedgerStore& store) -> Status {
    StatusOr<std::optional<MemberRecord>> found = store.FindMember(*normalized, RowLock::kNone);
    if (!found.ok()) return found.status();
    rec = std::move(found).value();
    LockState number;
    std::vector<LockState> requesters;
    MADOGUCHI_RETURN_IF_ERROR(read_guards(store, &number, &requesters));
    admitted_before = admitted(number, requesters);
    return Status::Ok();
  });
  if (!read.ok()) return read;
  if (!admitted_before) return locked;
  VerificationLevel level =
      CheckAnswers(rec ? std::optional<Date>(rec->member.birth_date) : std::nullopt,
                   rec ? rec->auth_code_hash : "", DummyHash(), request);
  const bool success = level != VerificationLevel::kNone;
  // Record the attempt against the guards as they are now: concurrent attempts each count, and
  // an attempt that finds a guard locked in the meantime reveals nothing.
  std::vector<std::string> all_keys = requester_keys;
  all_keys.push_back(number_key);
  bool locks_now = false;
  Status recorded = database_->Transact(Access::kWrite, [&](LedgerStore& store) -> Status {
    locks_now = false;
    MADOGUCHI_RETURN_IF_ERROR(store.LockGuards(all_keys));
    LockState number;
    std::vector<LockState> requesters;
    MADOGUCHI_RETURN_IF_ERROR(read_guards(store, &number, &requesters));
    if (!admitted(number, requesters)) return locked;
    // A number already locked stays locked until its time is up, whatever a clean requester's
    // attempt shows; only the member's own success lifts it.
    LockState number_after = success                 ? LockState{}
                             : IsLocked(number, now) ? number
                                                     : AfterAttempt(number, false, now, policy);
    locks_now = !IsLocked(number, now) && IsLocked(number_after, now);
    MADOGUCHI_RETURN_IF_ERROR(
        store.PutGuard(number_key, number_after, ForgetAt(number_after, policy)));
    for (size_t i = 0; i < requester_keys.size(); ++i) {
      LockState after = AfterAttempt(requesters[i], success, now, policy, /*success_clears=*/false);
      locks_now = locks_now || IsLocked(after, now);
      MADOGUCHI_RETURN_IF_ERROR(store.PutGuard(requester_keys[i], after, ForgetAt(after, policy)));
    }
    MADOGUCHI_RETURN_IF_ERROR(store.ForgetGuards(ToUnixSeconds(now)));
    // The audit names the member when there is one; an unknown number is not kept.
    std::string detail = success     ? std::string("level=") + VerificationLevelName(level)
                         : locks_now ? std::string("locked")
                                     : "failures=" + std::to_string(number_after.failed_attempts);
    StatusOr<int64_t> audit = store.Audit(now, rec ? rec->member.member_id : "",
                                          success ? "verify_ok" : "verify_failed", detail);
    return audit.status();
  });
  if (!recorded.ok()) return recorded;
  // The failure that locks is committed with the lock, then reported as the lock.
  if (locks_now) return locked;
  return Verification{success, level};
}

StatusOr<rules::ExchangeWindow> LedgerCore::ExchangeWindow(const std::string& program,
                                                           const Date& on) {
  MADOGUCHI_RETURN_IF_ERROR(ValidateLedgerDate("日付（on）", on));
  const kb::Program* p = FindProgram(program);
  if (p == nullptr) return ProgramNotFound(program);
  return rules::ExchangeWindowOn(*p, on);
}

StatusOr<MemberRank> LedgerCore::Rank(const std::string& program, const std::string& typed_id,
                                      const Date& as_of) {
  StatusOr<std::string> normalized = NormalizeMemberId(typed_id);
  if (!normalized.ok()) return normalized.status();
  MADOGUCHI_RETURN_IF_ERROR(ValidateLedgerDate("基準日（as_of）", as_of));
  const kb::Program* p = FindProgram(program);
  if (p == nullptr) return ProgramNotFound(program);
  if (p->rules.ranks.empty()) {
    return PointsError(kReasonNoRanks, "このプログラムにはランク制度がありません。");
  }
  return WithMember<MemberRank>(
      Access::kRead, *normalized,
      [&](LedgerStore& store, const MemberRecord& rec) -> StatusOr<MemberRank> {
        const std::string& member_id = rec.member.member_id;
        if (rec.member.program != program) return MemberNotFound();
        MemberRank rank;
        rank.season = rules::SeasonOf(*p, as_of);
        StatusOr<int64_t> points = store.PointsGrantedBetween(member_id, rank.season.start, as_of);
        if (!points.ok()) return points.status();
        rank.points = *points;
        rules::RankStatus rs = rules::RankFor(
            *p, static_cast<int>(std::min<int64_t>(rank.points, std::numeric_limits<int>::max())));
        rank.rank = rs.rank;
        rank.next_rank = rs.next_rank;
        rank.points_to_next = rs.points_to_next;
        return rank;
      });
}

}  // namespace madoguchi::points
