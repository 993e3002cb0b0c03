// The per-user message limit for channels that cannot answer 429. A LINE webhook must be
// acknowledged with 200 whatever happens next, and Slack retries anything else, so for these
// channels the limit is applied where the worker hands a message to the conversation: a
// limited member gets one polite notice, then nothing until the limit lets them through again.
//
// The "once" is the rate limiter's (ops::MessageLimiter::Admit): the flag that tells the first
// refusal of a limited spell from the rest lives in the member's bucket, so it ends exactly when
// the limit does, is swept with the bucket, and needs no second table or lock here.
#ifndef MADOGUCHI_CLI_RATE_LIMITED_HANDLE_H_
#define MADOGUCHI_CLI_RATE_LIMITED_HANDLE_H_

#include <functional>
#include <string>

#include "base/status.h"
#include "dialogue/message.h"
#include "ops/rate_limiter.h"

namespace madoguchi::cli {

using HandleFn = std::function<StatusOr<dialogue::Turn>(const dialogue::Message&)>;

inline constexpr char kRateLimitedNotice[] =
    "短い時間にたくさんのメッセージを受け取ったため、"
    "少し時間をおいてからもう一度お送りください。";

struct RateLimitedHandleOptions {
  // What a member is told on the first limited message of a spell. Default: kRateLimitedNotice.
  std::string notice = kRateLimitedNotice;
  // Called for every limited message, `noticed` telling whether the notice was sent; for
  // metrics. Optional; must be thread-safe.
  std::function<void(const dialogue::Message& message, bool noticed)> on_limited;
};

// `handle` behind `limiter`, keyed by the conversation key ("line:U4af4…"), so one limiter may
// serve several channels without their users meeting. Texts and postbacks (taps) count; a
// follow does not (it is not the member writing, and the welcome must go out). Within the
// limit `handle` answers; the first limited message of a spell gets the notice (a Turn with one
// reply); later ones get an empty Turn, which the workers complete without sending anything.
//
// A message the worker hands over again (the conversation was unavailable) is counted again:
// that is rare, and errs on the side of the limit.
//
// Borrows `limiter`, which must outlive the returned function. The function is as thread-safe
// as `handle` and `on_limited`.
HandleFn RateLimitedHandle(HandleFn handle, ops::MessageLimiter* limiter,
                           RateLimitedHandleOptions options = {});

}  // namespace madoguchi::cli

#endif  // MADOGUCHI_CLI_RATE_LIMITED_HANDLE_H_
