#include "cli/rate_limited_handle.h"

#include <utility>

namespace madoguchi::cli {

HandleFn RateLimitedHandle(HandleFn handle, ops::MessageLimiter* limiter,
                           RateLimitedHandleOptions options) {
  return [handle = std::move(handle), limiter,
          options = std::move(options)](const dialogue::Message& m) -> StatusOr<dialogue::Turn> {
    if (m.follow) return handle(m);
    const ops::MessageLimiter::Admission admission = limiter->Admit(m.key.ToString());
    if (admission == ops::MessageLimiter::Admission::kAllowed) return handle(m);
    const bool notice = admission == ops::MessageLimiter::Admission::kFirstRefusal;
    if (options.on_limited) options.on_limited(m, notice);
    dialogue::Turn turn;
    if (notice) {
      dialogue::Reply r;
      r.outcome = dialogue::Outcome::kAnswer;
      r.confidence = 1;
      r.text = options.notice;
      turn.messages.push_back(std::move(r));
    }
    return turn;
  };
}

}  // namespace madoguchi::cli
