// The wall-clock instant lockouts are timed by. base/date.h's Clock gives only civil dates, and a
// one-hour lockout needs the time of day, so the points core takes this instead (injectable for
// tests, like Clock).
#ifndef MADOGUCHI_POINTS_NOW_H_
#define MADOGUCHI_POINTS_NOW_H_

#include <atomic>
#include <chrono>
#include <cstdint>

namespace madoguchi::points {

using TimePoint = std::chrono::system_clock::time_point;

// Supplies the current instant. Implementations are thread-safe.
class NowSource {
 public:
  virtual ~NowSource() = default;
  virtual TimePoint Now() const = 0;
};

// The system clock. Stateless; one shared instance is enough.
class SystemNow final : public NowSource {
 public:
  TimePoint Now() const override { return std::chrono::system_clock::now(); }
  static const SystemNow& Instance();
};

// A clock that moves only when told to. Thread-safe: tests advance it while other threads read.
class ManualNow final : public NowSource {
 public:
  explicit ManualNow(TimePoint start) : now_(start.time_since_epoch().count()) {}
  TimePoint Now() const override { return TimePoint(TimePoint::duration(now_.load())); }
  void Set(TimePoint t) { now_.store(t.time_since_epoch().count()); }
  void Advance(std::chrono::system_clock::duration d) { now_.fetch_add(d.count()); }

 private:
  std::atomic<TimePoint::rep> now_;
};

// Seconds since the Unix epoch: how instants are stored.
inline int64_t ToUnixSeconds(TimePoint t) {
  return std::chrono::duration_cast<std::chrono::seconds>(t.time_since_epoch()).count();
}
inline TimePoint FromUnixSeconds(int64_t s) { return TimePoint(std::chrono::seconds(s)); }

}  // namespace madoguchi::points

#endif  // MADOGUCHI_POINTS_NOW_H_
