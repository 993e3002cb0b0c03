#include "ops/log.h"

#include <chrono>
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
  line["ts"] = UnixMillis();
  line["level"] = level;
  line["event"] = event;
  std::string s = line.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace) + "\n";
  std::lock_guard<std::mutex> lock(mu_);
  std::fwrite(s.data(), 1, s.size(), out_);
  std::fflush(out_);
}

}  // namespace madoguchi::ops
