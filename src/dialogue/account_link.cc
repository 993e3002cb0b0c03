#include "dialogue/account_link.h"

#include "base/date.h"

namespace madoguchi::dialogue {

std::string ConversationRequester(const store::ConversationKey& key) {
  return "conv-" + store::Sha256Hex(key.channel + '\n' + key.user);
}

AccountLinker::AccountLinker(store::ConversationStore* store, points::PointsCore* core,
                             const store::Sealer* sealer, const LinkOptions& options,
                             std::function<int64_t()> now)
    : store_(store), core_(core), sealer_(sealer), options_(options), now_(std::move(now)) {
  if (!now_) {
    now_ = UnixSeconds;
  }
}

StatusOr<std::string> AccountLinker::IssueLinkUrl(const store::ConversationKey& key,
                                                  const std::string& program,
                                                  const std::string& account) {
  std::string token = store::RandomToken(24);
  store::LinkToken t{key, program, now_() + options_.token_minutes * 60, account};
  MADOGUCHI_RETURN_IF_ERROR(store_->PutLinkToken(store::Sha256Hex(token), t));
  return options_.page_url + "?token=" + token;
}

StatusOr<store::LinkToken> AccountLinker::Peek(const std::string& token) {
  return store_->PeekLinkToken(store::Sha256Hex(token), now_());
}

StatusOr<VerifiedLink> AccountLinker::Verify(const std::string& token, const std::string& member_id,
                                             const Date& birth_date, const std::string& auth_code) {
  VerifiedLink verified;
  verified.token_hash_ = store::Sha256Hex(token);
  auto peeked = store_->PeekLinkToken(verified.token_hash_, now_());
  if (!peeked.ok()) return peeked.status();
  auto v = core_->Verify({member_id, birth_date, auth_code, {ConversationRequester(peeked->key)}});
  if (!v.ok()) return v.status();
  if (!v->verified || v->level != points::VerificationLevel::kStrong) {
    return Status(StatusCode::kPermissionDenied, "details do not match", "not_verified");
  }
  // The member must belong to the program the conversation is about.
  auto balance = core_->Balance(member_id, TokyoDate(now_()));
  if (!balance.ok()) return balance.status();
  if (balance->program != peeked->program) {
    return Status(StatusCode::kPermissionDenied, "member of another program", "wrong_program");
  }
  verified.token_ = std::move(peeked).value();
  // As registered (K1005), whatever case or width was typed.
  verified.member_id_ = balance->member_id;
  return verified;
}

Status AccountLinker::Complete(const std::string& token, const std::string& member_id,
                               const Date& birth_date, const std::string& auth_code) {
  auto verified = Verify(token, member_id, birth_date, auth_code);
  if (!verified.ok()) return verified.status();
  auto consumed = store_->ConsumeLinkToken(verified->token_hash_, now_());
  if (!consumed.ok()) return consumed.status();  // used by a concurrent request meanwhile
  store::Link link{consumed->program, sealer_->Seal(verified->member_id_), now_()};
  return store_->PutLink(consumed->key, link);
}

StatusOr<std::string> AccountLinker::IssueNonce(const VerifiedLink& verified) {
  // The page token goes first: of two submissions racing with one token, one gets a nonce.
  auto consumed = store_->ConsumeLinkToken(verified.token_hash_, now_());
  if (!consumed.ok()) return consumed.status();
  std::string nonce = store::RandomToken(24);
  store::LinkNonce n{consumed->key, consumed->account, consumed->program,
                     sealer_->Seal(verified.member_id_), now_() + options_.nonce_minutes * 60};
  MADOGUCHI_RETURN_IF_ERROR(store_->PutLinkNonce(store::Sha256Hex(nonce), n));
  return nonce;
}

Status AccountLinker::CompleteNonce(const store::ConversationKey& key, const std::string& account,
                                    const std::string& nonce) {
  auto consumed = store_->ConsumeLinkNonce(store::Sha256Hex(nonce), now_());
  if (!consumed.ok()) return consumed.status();
  // The event must come from the very chat account the page was opened for: a nonce that
  // turns up elsewhere was leaked or replayed, and binding there would hand over the member.
  if (consumed->key.channel != key.channel || consumed->key.user != key.user ||
      consumed->account != account) {
    return Status(StatusCode::kPermissionDenied, "nonce issued for another chat account",
                  "nonce_mismatch");
  }
  store::Link link{consumed->program, consumed->sealed_member_id, now_()};
  return store_->PutLink(consumed->key, link);
}

Status AccountLinker::DiscardNonce(const std::string& nonce) {
  return store_->ConsumeLinkNonce(store::Sha256Hex(nonce), now_()).status();
}

StatusOr<Turn> AccountLinker::FinishChannelLink(const store::ConversationKey& key,
                                                const std::string& account, bool succeeded,
                                                const std::string& nonce) {
  Reply r;
  r.outcome = Outcome::kAnswer;
  r.confidence = 1;
  r.action = "link";
  Status done = succeeded ? CompleteNonce(key, account, nonce) : DiscardNonce(nonce);
  if (done.code() == StatusCode::kUnavailable) return done;
  if (succeeded && done.ok()) {
    r.text =
        "アカウント連携が完了しました。「ポイント残高を教えて」などと送ると、ご自身のポイント"
        "残高や失効予定を確認できます。連携をやめるときは「連携解除」と送ってください。";
  } else {
    // LINE's failure, an expired or reused nonce, or another account's: all read the same.
    r.text =
        "アカウント連携は完了しませんでした。お手数ですが、もう一度「アカウント連携」と送り、"
        "表示されるリンクから10分以内に手続きをやり直してください。";
    r.choices = {{"アカウント連携", "link"}};
  }
  return Turn{{std::move(r)}};
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
