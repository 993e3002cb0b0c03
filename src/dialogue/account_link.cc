#include "dialogue/account_link.h"

#include <chrono>

#include "base/date.h"

namespace madoguchi::dialogue {

AccountLinker::AccountLinker(store::ConversationStore* store, points::PointsCore* core,
                             const store::Sealer* sealer, const LinkOptions& options,
                             std::function<int64_t()> now)
    : store_(store), core_(core), sealer_(sealer), options_(options), now_(std::move(now)) {
  if (!now_) {
    now_ = UnixSeconds;
  }
}

StatusOr<std::string> AccountLinker::IssueLinkUrl(const store::ConversationKey& key,
                                                  const std::string& program) {
  std::string token = store::RandomToken(24);
  store::LinkToken t{key, program, now_() + options_.token_minutes * 60};
  MADOGUCHI_RETURN_IF_ERROR(store_->PutLinkToken(store::Sha256Hex(token), t));
  return options_.page_url + "?token=" + token;
}

StatusOr<store::LinkToken> AccountLinker::Peek(const std::string& token) {
  return store_->PeekLinkToken(store::Sha256Hex(token), now_());
}

Status AccountLinker::Complete(const std::string& token, const std::string& member_id,
                               const Date& birth_date, const std::string& auth_code) {
  const std::string hash = store::Sha256Hex(token);
  auto peeked = store_->PeekLinkToken(hash, now_());
  if (!peeked.ok()) return peeked.status();
  auto v = core_->Verify({member_id, birth_date, auth_code});
  if (!v.ok()) return v.status();
  if (!v->verified || v->level != points::VerificationLevel::kStrong) {
    return Status(StatusCode::kPermissionDenied, "details do not match", "not_verified");
  }
  // The member must belong to the program the conversation is about.
  const auto tokyo = std::chrono::sys_seconds(std::chrono::seconds(now_() + 9 * 3600));
  auto balance = core_->Balance(member_id, Date(std::chrono::floor<std::chrono::days>(tokyo)));
  if (!balance.ok()) return balance.status();
  if (balance->program != peeked->program) {
    return Status(StatusCode::kPermissionDenied, "member of another program", "wrong_program");
  }
  auto consumed = store_->ConsumeLinkToken(hash, now_());
  if (!consumed.ok()) return consumed.status();  // used by a concurrent request meanwhile
  store::Link link{consumed->program, sealer_->Seal(member_id), now_()};
  return store_->PutLink(consumed->key, link);
}

Status AccountLinker::Unlink(const store::ConversationKey& key) { return store_->DeleteLink(key); }

StatusOr<std::optional<std::string>> AccountLinker::LinkedMember(const store::ConversationKey& key,
                                                                 const std::string& program) {
  auto link = store_->GetLink(key);
  if (!link.ok()) return link.status();
  if (!link->has_value() || (*link)->program != program) return std::optional<std::string>();
  auto member = sealer_->Open((*link)->sealed_member_id);
  if (!member.ok()) return Internal("a stored link does not open with the current state key");
  return std::optional<std::string>(*member);
}

}  // namespace madoguchi::dialogue
