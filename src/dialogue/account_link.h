// Linking a chat account to a member, proven on the service's own link page: the bot hands out
// a one-time URL (10 minutes, single use); the member proves who they are there with member
// number + birth date + auth code (strong verification by the points core, which locks the
// member after repeated failures); only then may the chat see that member's points.
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
#include "points/points_core.h"
#include "store/conversation_store.h"
#include "store/sealer.h"

namespace madoguchi::dialogue {

struct LinkOptions {
  // Where members open the link page; the token is appended as ?token=…
  // Default: the embedded service on loopback.
  std::string page_url = "http://127.0.0.1:8080/link";
  int token_minutes = 10;
};

class AccountLinker {
 public:
  // `now` returns unix seconds; default: the system clock.
  AccountLinker(store::ConversationStore* store, points::PointsCore* core,
                const store::Sealer* sealer, const LinkOptions& options,
                std::function<int64_t()> now = {});

  // A fresh one-time URL for this conversation.
  StatusOr<std::string> IssueLinkUrl(const store::ConversationKey& key, const std::string& program);
  // The token's conversation and program, without using it up. NotFound when unknown, used or
  // expired.
  StatusOr<store::LinkToken> Peek(const std::string& token);
  // Verifies strongly and binds the conversation to the member. The token is used up only on
  // success, so a typo can be corrected; repeated failures lock the member (the core's rule).
  // Errors: NotFound (token), PermissionDenied (details do not match, or the member belongs to
  // another program), ResourceExhausted (locked), Unavailable (core down).
  Status Complete(const std::string& token, const std::string& member_id, const Date& birth_date,
                  const std::string& auth_code);
  Status Unlink(const store::ConversationKey& key);
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
