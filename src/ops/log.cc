#include "ops/log.h"

#include <chrono>
#include <cmath>
#include <cstdio>
#include <ctime>
#include <set>

#include "base/date.h"
#include "text/redact.h"

namespace madoguchi::ops {

namespace {
const std::set<std::string>& SafeKeys() {
  static const std::set<std::string> kKeys = {
      "ts",      "level",       "event",   "route",       "method", "status", "program",
      "outcome", "entry_id",    "channel", "duration_ms", "bytes",  "action", "error",
      "attempt", "inbox_depth", "events",  "listen",      "mode",   "version"};
  return kKeys;
}

// RFC 3339 in UTC with milliseconds, "2026-12-03T09:12:34.567Z": what log collectors parse
// without configuration, and what a person reads.
std::string Rfc3339Utc(int64_t unix_ms) {
  const std::time_t seconds = static_cast<std::time_t>(unix_ms / 1000);
  std::tm utc{};
  gmtime_r(&seconds, &utc);
  // Sized for any int fields, so the compiler can prove nothing is cut.
  char buf[96];
  std::snprintf(buf, sizeof(buf), "%04d-%02d-%02dT%02d:%02d:%02d.%03dZ", utc.tm_year + 1900,
                utc.tm_mon + 1, utc.tm_mday, utc.tm_hour, utc.tm_min, utc.tm_sec,
                static_cast<int>(unix_ms % 1000));
  return buf;
}

// Durations ("duration_ms", "age_ms") to the microsecond: further digits are noise.
void RoundDurations(nlohmann::json& line) {
  for (auto& [key, value] : line.items()) {
    if (value.is_number_float() && key.size() > 3 && key.compare(key.size() - 3, 3, "_ms") == 0) {
      value = std::round(value.get<double>() * 1000.0) / 1000.0;
    }
  }
}
}  // namespace

Logger::Logger(const text::Normalizer* normalizer, std::FILE* out)
    : normalizer_(normalizer), out_(out) {}

nlohmann::json Logger::Redacted(const nlohmann::json& fields) const {
  if (fields.is_string()) return text::Redact(fields.get<std::string>(), *normalizer_);
  if (fields.is_array()) {
    nlohmann::json out = nlohmann::json::array();
    for (const auto& v : fields) out.push_back(Redacted(v));
    return out;
  }
  if (!fields.is_object()) return fields;
  nlohmann::json out = nlohmann::json::object();
  for (const auto& [k, v] : fields.items()) out[k] = SafeKeys().count(k) ? v : Redacted(v);
  return out;
}

void Logger::Log(const char* level, const std::string& event, nlohmann::json fields) const {
  nlohmann::json line = fields.is_object() ? Redacted(fields) : nlohmann::json::object();
  RoundDurations(line);
  line["ts"] = Rfc3339Utc(UnixMillis());
  line["level"] = level;
  line["event"] = event;
  std::string s = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(s.data(), 1, s.size(), out_);
  std::fflush(out_);
}

}  // namespace madoguchi::ops
