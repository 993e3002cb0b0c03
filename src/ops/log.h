// Structured logs: one JSON object per line, with personal data redacted before it is written.
//
// Every string value is passed through text::Redact (member numbers, birth dates, phone numbers,
// auth codes and e-mail addresses, full-width digits included) except the values of keys that
// never hold personal data (route, method, status, event, level, program, outcome, entry_id,
// channel, duration_ms…), which are written as they are.
// Thread safety: Log() may be called from any thread; lines never interleave.
#ifndef MADOGUCHI_OPS_LOG_H_
#define MADOGUCHI_OPS_LOG_H_

#include <cstdio>
#include <mutex>
#include <nlohmann/json.hpp>
#include <string>

#include "text/normalizer.h"

namespace madoguchi::ops {

class Logger {
 public:
  // Borrows the normalizer (for redaction) and writes to `out` (default stderr).
  explicit Logger(const text::Normalizer* normalizer, std::FILE* out = stderr);

  // Writes {"ts": RFC 3339 UTC with milliseconds, "level": level, "event": event, …fields} as
  // one line; float values of keys ending in "_ms" are rounded to the microsecond.
  void Log(const char* level, const std::string& event, nlohmann::json fields = {}) const;
  void Info(const std::string& event, nlohmann::json fields = {}) const {
    Log("info", event, std::move(fields));
  }
  void Warn(const std::string& event, nlohmann::json fields = {}) const {
    Log("warn", event, std::move(fields));
  }

  // The redacted form of a JSON value, as Log writes it (for tests and other sinks).
  nlohmann::json Redacted(const nlohmann::json& fields) const;

 private:
  const text::Normalizer* normalizer_;
  std::FILE* out_;
  mutable std::mutex mu_;
};

}  // namespace madoguchi::ops

#endif  // MADOGUCHI_OPS_LOG_H_
