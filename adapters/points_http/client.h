// HttpPointsCore: PointsCore over the points API of a remote `madoguchi points serve`.
//
// Fails like SqlitePointsCore (same codes and reasons, from the server's error bodies). When the
// server cannot be reached, or answers 503, calls fail with `unavailable` after the attempts
// below, so the bot can say it cannot check right now. Only calls that are safe to repeat are
// retried: GETs, and the reissue POST, which carries an Idempotency-Key. Other POSTs are sent
// once; if such a call times out after the server received it, its outcome is unknown (check
// History before repeating a redemption).
//
// Thread safety: thread-safe; keeps a small pool of keep-alive connections.
// Ownership: owns its connections; holds nothing of the caller's after a call returns.
#ifndef MADOGUCHI_ADAPTERS_POINTS_HTTP_CLIENT_H_
#define MADOGUCHI_ADAPTERS_POINTS_HTTP_CLIENT_H_

#include <chrono>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

#include "points/points_core.h"

namespace httplib {
class Client;
}

namespace madoguchi::points_http {

struct HttpPointsCoreOptions {
  // Where the server listens: "http://127.0.0.1:8081". Required.
  std::string base_url;
  // The server's bearer token. Required.
  std::string token;
  // Giving up on connecting. Default: 1 s.
  std::chrono::milliseconds connect_timeout{1000};
  // Giving up on an answer. Verification runs PBKDF2, so not much lower. Default: 5 s.
  std::chrono::milliseconds read_timeout{5000};
  // Tries of a retryable call, the first included. Default: 3.
  int max_attempts = 3;
  // Wait before the first retry, doubled for each further one. Default: 100 ms.
  std::chrono::milliseconds retry_backoff{100};
  // Idle connections kept for reuse. Default: 4.
  size_t max_idle_connections = 4;
};

class HttpPointsCore final : public points::PointsCore {
 public:
  explicit HttpPointsCore(HttpPointsCoreOptions options);
  ~HttpPointsCore() override;

  StatusOr<points::Member> CreateMember(const points::NewMember& member) override;
  StatusOr<points::Member> GetMember(const std::string& member_id) override;
  StatusOr<points::Lot> Grant(const std::string& member_id,
                              const points::GrantRequest& grant) override;
  StatusOr<points::PointBalance> Balance(const std::string& member_id, const Date& as_of) override;
  StatusOr<std::vector<points::HistoryEntry>> History(const std::string& member_id,
                                                      int limit) override;
  StatusOr<points::Redemption> Redeem(const std::string& member_id,
                                      const points::RedeemRequest& request) override;
  StatusOr<points::StatusChangeResult> ChangeStatus(const std::string& member_id,
                                                    const points::StatusChange& change) override;
  StatusOr<points::ReissueRequest> RequestReissue(const std::string& member_id,
                                                  const std::string& idempotency_key,
                                                  const Date& today) override;
  StatusOr<points::Verification> Verify(const points::VerifyRequest& request) override;
  StatusOr<rules::ExchangeWindow> ExchangeWindow(const std::string& program,
                                                 const Date& on) override;
  StatusOr<points::MemberRank> Rank(const std::string& program, const std::string& member_id,
                                    const Date& as_of) override;

 private:
  struct Call;
  struct Answer;
  StatusOr<Answer> Send(const Call& call);
  std::unique_ptr<httplib::Client> TakeConnection();
  void ReturnConnection(std::unique_ptr<httplib::Client> client);

  HttpPointsCoreOptions options_;
  std::mutex mu_;
  std::vector<std::unique_ptr<httplib::Client>> idle_;  // guarded by mu_
};

}  // namespace madoguchi::points_http

#endif  // MADOGUCHI_ADAPTERS_POINTS_HTTP_CLIENT_H_
