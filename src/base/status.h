// Status and StatusOr: errors as values, never exceptions across module boundaries.
//
// A Status is either OK or carries a code and a message meant for the operator (English)
// plus, where a person will read it, a Japanese message. Copyable; thread-compatible.
#ifndef MADOGUCHI_BASE_STATUS_H_
#define MADOGUCHI_BASE_STATUS_H_

#include <cassert>
#include <optional>
#include <string>
#include <utility>
#include <variant>

namespace madoguchi {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is malformed
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // a create that collides
  kFailedPrecondition,  // refused by a rule (window closed, not eligible, short balance)
  kPermissionDenied,    // identity not proven
  kResourceExhausted,   // rate limited or locked out
  kUnavailable,         // a dependency cannot be reached right now
  kInternal,            // a bug or a broken invariant
};

// The stable lowercase name of a code ("invalid_argument"), for logs and wire formats.
const char* StatusCodeName(StatusCode code);

class Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message, std::string reason = {})
      : code_(code), message_(std::move(message)), reason_(std::move(reason)) {}

  static Status Ok() { return Status(); }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // A machine-readable refinement of code(), e.g. "exchange_closed"; empty when none.
  const std::string& reason() const { return reason_; }
  std::string ToString() const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string reason_;
};

inline Status InvalidArgument(std::string m) {
  return {StatusCode::kInvalidArgument, std::move(m)};
}
inline Status NotFound(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
inline Status Internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }
inline Status Unavailable(std::string m) { return {StatusCode::kUnavailable, std::move(m)}; }

// Holds a T or a non-OK Status. Accessing value() of an error is a programming error.
template <typename T>
class StatusOr {
 public:
  StatusOr(T value) : v_(std::move(value)) {}        // NOLINT: implicit like absl::StatusOr
  StatusOr(Status status) : v_(std::move(status)) {  // NOLINT
    assert(!std::get<Status>(v_).ok() && "StatusOr built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  const Status& status() const {
    static const Status kOk;
    return ok() ? kOk : std::get<Status>(v_);
  }
  const T& value() const& { return std::get<T>(v_); }
  T& value() & { return std::get<T>(v_); }
  T&& value() && { return std::get<T>(std::move(v_)); }
  const T& operator*() const& { return value(); }
  T& operator*() & { return value(); }
  const T* operator->() const { return &value(); }
  T* operator->() { return &value(); }

 private:
  std::variant<T, Status> v_;
};

}  // namespace madoguchi

#define MADOGUCHI_RETURN_IF_ERROR(expr) \
  do {                                  \
    ::madoguchi::Status _st = (expr);   \
    if (!_st.ok()) return _st;          \
  } while (0)

#endif  // MADOGUCHI_BASE_STATUS_H_
