#include "store/inbox_admission.h"

namespace madoguchi::store {

InboxAdmission::InboxAdmission(Inbox* inbox, InboxAdmissionOptions options)
    : inbox_(inbox), options_(options) {}

int64_t InboxAdmission::Depth() {
  std::lock_guard<std::mutex> lock(mu_);
  const auto now = std::chrono::steady_clock::now();
  if (!counted_ || now - counted_at_ >= options_.refresh) {
    // Counted under the lock: concurrent webhooks wait for one count instead of each making
    // their own.
    StatusOr<int64_t> depth = inbox_->Depth();
    depth_ = depth.ok() ? *depth : -1;
    counted_ = true;
    counted_at_ = now;
  }
  return depth_;
}

bool InboxAdmission::Admit() {
  if (options_.max_depth <= 0) return true;
  return Depth() < options_.max_depth;
}

}  // namespace madoguchi::store
