// Linking a chat account to a member, proven on the service's own link page: the bot hands out
// a one-time URL (10 minutes, single use); the member proves who they are there with member
// number + birth date + auth code (strong verification by the points core, which locks the
// member after repeated failures); only then may the chat see that member's points.
//
// On LINE the page binds nothing itself: LINE's account-link flow confirms which LINE account
// is the member's. The page verifies (Verify), the adapter asks LINE for a link token, the page
// token is exchanged for a nonce (IssueNonce: random, single use, 10 minutes, stored by its
// SHA-256 with the member number sealed) and the member is sent to LINE's account-link dialog;
// LINE's accountLink event then brings the nonce back and FinishChannelLink binds the
// conversation, only when the event is from the user and LINE channel the nonce was issued for.
//
// Thread safety: safe to share; every method may run on many threads at once. Borrows the
// store, core and sealer, which must outlive it.
#ifndef MADOGUCHI_DIALOGUE_ACCOUNT_LINK_H_
#define MADOGUCHI_DIALOGUE_ACCOUNT_LINK_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>

#include "base/date.h"
#include "base/status.h"
#include "dialogue/message.h"
#include "points/points_core.h"
#include "store/conversation_store.h"
#include "store/sealer.h"

namespace madoguchi::dialogue {

struct LinkOptions {
  // Where members open the link page; the token is appended as ?token=…
  // Default: the embedded service on loopback.
  std::string page_url = "http://127.0.0.1:8080/link";
  int token_minutes = 10;
  // How long a nonce of LINE's account-link flow waits for LINE's event; LINE's link token
  // lasts 10 minutes too.
  int nonce_minutes = 10;
};

// What AccountLinker::Verify proved: the link page's token and the member who proved who they
// are. Only the linker makes one, so a nonce is never issued for an unverified member. Holds
// the member number in clear: keep it for the one request. Plain data; thread-compatible.
class VerifiedLink {
 public:
  // The page token's conversation, program and account.
  const store::LinkToken& token() const { return token_; }

 private:
  friend class AccountLinker;
  VerifiedLink() = default;

  std::string token_hash_;
  store::LinkToken token_;
  std::string member_id_;
};

// The requester the points core counts this conversation's failed verifications under
// (points::VerifyRequest::requesters): "conv-" and a SHA-256 of channel and user, so no chat user
// id reaches the core. The chat's reissue flow and the link page opened from the conversation
// share it: failures in one count for the other, and a conversation that has never failed stays
// clean, so a stranger's failures on a member number do not lock the member out here.
std::string ConversationRequester(const store::ConversationKey& key);

class AccountLinker {
 public:
  // `now` returns unix seconds; default: the system clock.
  AccountLinker(store::ConversationStore* store, points::PointsCore* core,
                const store::Sealer* sealer, const LinkOptions& options,
                std::function<int64_t()> now = {});

  // A fresh one-time URL for this conversation. `account` names the channel account the member
  // asked through (Message::account), kept with the token for flows that finish there.
  StatusOr<std::string> IssueLinkUrl(const store::ConversationKey& key, const std::string& program,
                                     const std::string& account = "");
  // The token's conversation and program, without using it up. NotFound when unknown, used or
  // expired.
  StatusOr<store::LinkToken> Peek(const std::string& token);
  // Verifies strongly and binds the conversation to the member. The token is used up only on
  // success, so a typo can be corrected. Failures count for the member number and for the
  // token's conversation (ConversationRequester), which is the page's client: the core locks
  // either after repeated failures, but a member number locked by others' failures still admits
  // the member from a conversation that has not failed (points::PointsCore::Verify). The
  // client's network address is not counted: behind a proxy or TLS terminator every member
  // would share one. `member_id` is read as typed (case and width do not matter).
  // Errors: NotFound (token), PermissionDenied (details do not match, or the member belongs to
  // another program), ResourceExhausted (locked), Unavailable (core down).
  Status Complete(const std::string& token, const std::string& member_id, const Date& birth_date,
                  const std::string& auth_code);
  Status Unlink(const store::ConversationKey& key);

  // --- LINE's account-link flow ----------------------------------------------------------------

  // Verifies like Complete, with the same errors and lockout, but binds nothing and leaves the
  // token unused: for a channel whose own flow confirms the chat account afterwards.
  StatusOr<VerifiedLink> Verify(const std::string& token, const std::string& member_id,
                                const Date& birth_date, const std::string& auth_code);
  // Uses up the verified page token and returns a fresh nonce for the channel's account-link
  // URL: 24 random bytes (192 bits) in URL-safe base64, 32 characters. Only its SHA-256 is
  // stored, with the conversation, the token's account and program and the sealed member number;
  // it works once, within nonce_minutes. NotFound when the token was used or expired meanwhile;
  // Unavailable when the store is.
  StatusOr<std::string> IssueNonce(const VerifiedLink& verified);
  // The channel reported a completed link for `key` on `account`: uses the nonce up and binds
  // the conversation to its member (the same link Complete writes). Errors: NotFound (unknown,
  // used or expired), PermissionDenied (issued for another conversation or account: nothing is
  // bound, and the nonce is used up all the same), Unavailable (store). The nonce is used up
  // before the link is written, so a store failure in between costs the member a new attempt,
  // never a second binding.
  Status CompleteNonce(const store::ConversationKey& key, const std::string& account,
                       const std::string& nonce);
  // The channel reported a failed link: uses the nonce up, binds nothing. NotFound as above.
  Status DiscardNonce(const std::string& nonce);
  // What the member is told when the channel's flow ends (LINE's accountLink event): on
  // `succeeded`, CompleteNonce and a short confirmation; otherwise, or when the nonce is
  // refused, nothing is bound and the Turn says linking did not complete and how to start
  // again. Unavailable only when the store fails (worth a retry; see CompleteNonce).
  StatusOr<Turn> FinishChannelLink(const store::ConversationKey& key, const std::string& account,
                                   bool succeeded, const std::string& nonce);
  // The linked member number for this conversation and program, if any.
  StatusOr<std::optional<std::string>> LinkedMember(const store::ConversationKey& key,
                                                    const std::string& program);

 private:
  store::ConversationStore* store_;
  points::PointsCore* core_;
  const store::Sealer* sealer_;
  LinkOptions options_;
  std::function<int64_t()> now_;
};

}  // namespace madoguchi::dialogue

#endif  // MADOGUCHI_DIALOGUE_ACCOUNT_LINK_H_
