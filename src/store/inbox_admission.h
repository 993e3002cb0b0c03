// Backpressure for the webhooks that write to an Inbox: while `max_depth` events or more are
// not yet finished, a webhook refuses new events (503, so the sender delivers them again later)
// instead of acknowledging work that would be done too late. A LINE event answered after its
// reply token expired costs a paid push; one refused now is redelivered by LINE when there is
// room again.
//
// The depth is counted (Inbox::Depth, a count over the open events' index) at most once per
// `refresh`, so the check costs a webhook a lock and a clock read most of the time; between two
// counts, admitted events may exceed the limit by what arrives within `refresh`.
//
// Thread safety: every method may be called from many threads at once. Borrows the inbox,
// which must outlive this.
#ifndef MADOGUCHI_STORE_INBOX_ADMISSION_H_
#define MADOGUCHI_STORE_INBOX_ADMISSION_H_

#include <chrono>
#include <cstdint>
#include <mutex>

#include "store/inbox.h"

namespace madoguchi::store {

// At the drain rate measured on two cores (100 to 400 LINE events a second), 2,000 waiting
// events are answered within 5 to 20 seconds: inside a reply token's life of about a minute,
// so what is acknowledged is still answered by a free reply.
inline constexpr int64_t kDefaultInboxMaxDepth = 2000;

struct InboxAdmissionOptions {
  // Events not yet finished (Inbox::Depth: waiting, retrying or in a worker's hands) at which
  // new ones are refused. 0: no limit (Admit always true, nothing is counted).
  int64_t max_depth = kDefaultInboxMaxDepth;
  // How old a count may be before it is counted again. 0: every Admit counts.
  std::chrono::milliseconds refresh{100};
};

class InboxAdmission {
 public:
  explicit InboxAdmission(Inbox* inbox, InboxAdmissionOptions options = {});
  InboxAdmission(const InboxAdmission&) = delete;
  InboxAdmission& operator=(const InboxAdmission&) = delete;

  // Whether new events may be enqueued now: the depth is below max_depth. An inbox that cannot
  // be counted admits: its Enqueue then fails on its own and the webhook reports that.
  bool Admit();
  // The depth as last counted, counting again when the count is older than `refresh`; -1 when
  // the inbox cannot be counted.
  int64_t Depth();
  const InboxAdmissionOptions& options() const { return options_; }

 private:
  Inbox* inbox_;
  InboxAdmissionOptions options_;
  std::mutex mu_;
  int64_t depth_ = 0;                                 // guarded by mu_
  bool counted_ = false;                              // guarded by mu_
  std::chrono::steady_clock::time_point counted_at_;  // guarded by mu_
};

}  // namespace madoguchi::store

#endif  // MADOGUCHI_STORE_INBOX_ADMISSION_H_
