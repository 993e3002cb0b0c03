#include "cli/serve_config.h"

#include <cctype>
#include <fstream>
#include <nlohmann/json.hpp>
#include <set>
#include <sstream>

namespace madoguchi::cli {

namespace {

using nlohmann::json;

Status Bad(const std::string& key, const std::string& what) {
  return InvalidArgument("config: \"" + key + "\" " + what);
}

Status CheckKeys(const json& object, const std::string& where, const std::set<std::string>& known) {
  for (const auto& [key, value] : object.items()) {
    if (known.count(key) == 0) {
      return InvalidArgument("config: unknown key \"" + where + key + "\"");
    }
  }
  return Status::Ok();
}

Status ReadString(const json& object, const std::string& where, const char* key, std::string* out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::Ok();
  if (!it->is_string() || it->get<std::string>().empty()) {
    return Bad(where + key, "must be a non-empty string");
  }
  *out = it->get<std::string>();
  return Status::Ok();
}

template <typename T>
Status ReadInt(const json& object, const std::string& where, const char* key, long long min,
               long long max, T* out) {
  auto it = object.find(key);
  if (it == object.end()) return Status::Ok();
  if (!it->is_number_integer() || it->get<long long>() < min || it->get<long long>() > max) {
    return Bad(where + key,
               "must be a whole number from " + std::to_string(min) + " to " + std::to_string(max));
  }
  *out = static_cast<T>(it->get<long long>());
  return Status::Ok();
}

bool IsHttpUrl(const std::string& url) {
  return url.rfind("http://", 0) == 0 || url.rfind("https://", 0) == 0;
}

Status ReadPoints(const json& p, PointsConfig* points) {
  if (!p.is_object()) return Bad("points", "must be an object");
  MADOGUCHI_RETURN_IF_ERROR(CheckKeys(
      p, "points.",
      {"mode", "seed_demo", "url", "token_env", "connect_timeout_ms", "read_timeout_ms"}));
  std::string mode = "embedded";
  MADOGUCHI_RETURN_IF_ERROR(ReadString(p, "points.", "mode", &mode));
  if (mode == "embedded") {
    points->mode = PointsConfig::Mode::kEmbedded;
  } else if (mode == "http") {
    points->mode = PointsConfig::Mode::kHttp;
  } else {
    return Bad("points.mode", "must be \"embedded\" or \"http\"");
  }
  if (auto it = p.find("seed_demo"); it != p.end()) {
    if (!it->is_boolean()) return Bad("points.seed_demo", "must be true or false");
    points->seed_demo = it->get<bool>();
  }
  MADOGUCHI_RETURN_IF_ERROR(ReadString(p, "points.", "url", &points->url));
  MADOGUCHI_RETURN_IF_ERROR(ReadString(p, "points.", "token_env", &points->token_env));
  MADOGUCHI_RETURN_IF_ERROR(
      ReadInt(p, "points.", "connect_timeout_ms", 1, 60000, &points->connect_timeout_ms));
  MADOGUCHI_RETURN_IF_ERROR(
      ReadInt(p, "points.", "read_timeout_ms", 1, 600000, &points->read_timeout_ms));
  if (points->mode == PointsConfig::Mode::kHttp) {
    if (points->url.empty()) return Bad("points.url", "is required when points.mode is \"http\"");
    if (!IsHttpUrl(points->url)) return Bad("points.url", "must start with http:// or https://");
    if (points->seed_demo) return Bad("points.seed_demo", "applies to the embedded mode only");
  } else if (!points->url.empty()) {
    return Bad("points.url", "applies to the http mode only");
  }
  return Status::Ok();
}

// True when URL's user part carries a password ("postgresql://user:pass@host") or its query
// does ("?password=…"): the password belongs in the environment, never in the file.
bool UrlHoldsPassword(const std::string& url) {
  const size_t scheme_end = url.find("://");
  const size_t authority_begin = scheme_end == std::string::npos ? 0 : scheme_end + 3;
  const size_t authority_end = url.find_first_of("/?#", authority_begin);
  const std::string authority = url.substr(authority_begin, authority_end == std::string::npos
                                                                ? std::string::npos
                                                                : authority_end - authority_begin);
  const size_t at = authority.rfind('@');
  if (at != std::string::npos && authority.substr(0, at).find(':') != std::string::npos) {
    return true;
  }
  const size_t query = url.find('?');
  if (query == std::string::npos) return false;
  std::string rest = url.substr(query + 1);
  for (char& ch : rest) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  return rest.rfind("password=", 0) == 0 || rest.find("&password=") != std::string::npos;
}

Status ReadStore(const json& s, StoreConfig* store) {
  if (!s.is_object()) return Bad("store", "must be an object");
  MADOGUCHI_RETURN_IF_ERROR(CheckKeys(s, "store.", {"postgres", "password_env", "pool_size"}));
  MADOGUCHI_RETURN_IF_ERROR(ReadString(s, "store.", "postgres", &store->postgres_url));
  MADOGUCHI_RETURN_IF_ERROR(ReadString(s, "store.", "password_env", &store->password_env));
  MADOGUCHI_RETURN_IF_ERROR(ReadInt(s, "store.", "pool_size", 1, 1000, &store->pool_size));
  const std::string& url = store->postgres_url;
  if (!url.empty()) {
    if (url.rfind("postgresql://", 0) != 0 && url.rfind("postgres://", 0) != 0) {
      return Bad("store.postgres", "must start with postgresql://");
    }
    if (UrlHoldsPassword(url)) {
      return Bad("store.postgres",
                 "must not hold a password: put it in the environment variable "
                 "store.password_env names");
    }
  }
  return Status::Ok();
}

Status ReadLineChannels(const json& list, std::vector<LineChannelConfig>* out) {
  if (!list.is_array()) return Bad("line_channels", "must be an array");
  std::set<std::string> names;
  for (size_t i = 0; i < list.size(); ++i) {
    const json& c = list[i];
    const std::string where = "line_channels[" + std::to_string(i) + "].";
    if (!c.is_object()) return Bad(where.substr(0, where.size() - 1), "must be an object");
    MADOGUCHI_RETURN_IF_ERROR(
        CheckKeys(c, where, {"name", "program", "secret_env", "token_env", "api_base_url"}));
    LineChannelConfig lc;
    MADOGUCHI_RETURN_IF_ERROR(ReadString(c, where, "name", &lc.name));
    MADOGUCHI_RETURN_IF_ERROR(ReadString(c, where, "program", &lc.program));
    MADOGUCHI_RETURN_IF_ERROR(ReadString(c, where, "secret_env", &lc.secret_env));
    MADOGUCHI_RETURN_IF_ERROR(ReadString(c, where, "token_env", &lc.token_env));
    MADOGUCHI_RETURN_IF_ERROR(ReadString(c, where, "api_base_url", &lc.api_base_url));
    for (const char* key : {"name", "program", "secret_env", "token_env"}) {
      if (!c.contains(key)) return Bad(where + key, "is required");
    }
    // The name is a path segment: keep it to what needs no escaping.
    for (char ch : lc.name) {
      if (!std::isalnum(static_cast<unsigned char>(ch)) && ch != '-' && ch != '_') {
        return Bad(where + "name", "may hold only letters, digits, - and _");
      }
    }
    if (!names.insert(lc.name).second) return Bad(where + "name", "is used twice");
    if (!lc.api_base_url.empty() && !IsHttpUrl(lc.api_base_url)) {
      return Bad(where + "api_base_url", "must start with http:// or https://");
    }
    out->push_back(std::move(lc));
  }
  return Status::Ok();
}

Status ReadSlack(const json& s, SlackConfig* out) {
  if (!s.is_object()) return Bad("slack", "must be an object");
  MADOGUCHI_RETURN_IF_ERROR(
      CheckKeys(s, "slack.", {"signing_secret_env", "workspaces", "api_base_url"}));
  MADOGUCHI_RETURN_IF_ERROR(
      ReadString(s, "slack.", "signing_secret_env", &out->signing_secret_env));
  if (out->signing_secret_env.empty()) return Bad("slack.signing_secret_env", "is required");
  MADOGUCHI_RETURN_IF_ERROR(ReadString(s, "slack.", "api_base_url", &out->api_base_url));
  if (!out->api_base_url.empty() && !IsHttpUrl(out->api_base_url)) {
    return Bad("slack.api_base_url", "must start with http:// or https://");
  }
  auto it = s.find("workspaces");
  if (it == s.end() || !it->is_array() || it->empty()) {
    return Bad("slack.workspaces", "must be a non-empty array");
  }
  std::set<std::string> teams;
  for (size_t i = 0; i < it->size(); ++i) {
    const json& w = (*it)[i];
    const std::string where = "slack.workspaces[" + std::to_string(i) + "].";
    if (!w.is_object()) return Bad(where.substr(0, where.size() - 1), "must be an object");
    MADOGUCHI_RETURN_IF_ERROR(
        CheckKeys(w, where, {"team_id", "bot_token_env", "program", "channel_programs"}));
    SlackWorkspaceConfig ws;
    MADOGUCHI_RETURN_IF_ERROR(ReadString(w, where, "team_id", &ws.team_id));
    MADOGUCHI_RETURN_IF_ERROR(ReadString(w, where, "bot_token_env", &ws.bot_token_env));
    MADOGUCHI_RETURN_IF_ERROR(ReadString(w, where, "program", &ws.program));
    if (ws.bot_token_env.empty()) return Bad(where + "bot_token_env", "is required");
    if (auto cp = w.find("channel_programs"); cp != w.end()) {
      if (!cp->is_object()) return Bad(where + "channel_programs", "must be an object");
      for (const auto& [channel, program] : cp->items()) {
        if (!program.is_string() || program.get<std::string>().empty()) {
          return Bad(where + "channel_programs." + channel, "must be a non-empty string");
        }
        ws.channel_programs[channel] = program.get<std::string>();
      }
    }
    if (!teams.insert(ws.team_id).second) return Bad(where + "team_id", "is used twice");
    out->workspaces.push_back(std::move(ws));
  }
  return Status::Ok();
}

Status ReadStaffTokens(const json& list, std::vector<std::string>* out) {
  if (!list.is_array()) return Bad("staff_token_sha256", "must be an array");
  for (const json& h : list) {
    std::string hex = h.is_string() ? h.get<std::string>() : std::string();
    bool ok = hex.size() == 64;
    for (char& ch : hex) {
      ok = ok && std::isxdigit(static_cast<unsigned char>(ch));
      ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    }
    if (!ok) return Bad("staff_token_sha256", "must hold 64-digit hex SHA-256 hashes");
    out->push_back(std::move(hex));
  }
  return Status::Ok();
}

}  // namespace

ServeConfig DefaultServeConfig() {
  ServeConfig c;
  c.points.seed_demo = true;
  return c;
}

StatusOr<ServeConfig> ParseServeConfig(std::string_view json_text) {
  json j = json::parse(json_text, nullptr, /*allow_exceptions=*/false);
  if (j.is_discarded()) return InvalidArgument("config: not valid JSON");
  if (!j.is_object()) return InvalidArgument("config: the top level must be an object");
  MADOGUCHI_RETURN_IF_ERROR(
      CheckKeys(j, "",
                {"listen", "data_dir", "kb", "link_page_url", "points", "store", "limits",
                 "line_channels", "line_access_base_url", "slack", "staff_token_sha256"}));
  ServeConfig c;
  MADOGUCHI_RETURN_IF_ERROR(ReadString(j, "", "listen", &c.listen));
  MADOGUCHI_RETURN_IF_ERROR(ReadString(j, "", "data_dir", &c.data_dir));
  MADOGUCHI_RETURN_IF_ERROR(ReadString(j, "", "kb", &c.kb_dir));
  MADOGUCHI_RETURN_IF_ERROR(ReadString(j, "", "link_page_url", &c.link_page_url));
  if (!c.link_page_url.empty() && !IsHttpUrl(c.link_page_url)) {
    return Bad("link_page_url", "must start with http:// or https://");
  }
  if (auto it = j.find("points"); it != j.end()) {
    MADOGUCHI_RETURN_IF_ERROR(ReadPoints(*it, &c.points));
  }
  if (auto it = j.find("store"); it != j.end()) {
    MADOGUCHI_RETURN_IF_ERROR(ReadStore(*it, &c.store));
  }
  if (auto it = j.find("limits"); it != j.end()) {
    if (!it->is_object()) return Bad("limits", "must be an object");
    MADOGUCHI_RETURN_IF_ERROR(CheckKeys(*it, "limits.",
                                        {"max_body_bytes", "max_text_chars", "messages_per_minute",
                                         "messages_burst", "http_threads", "inbox_max_depth"}));
    MADOGUCHI_RETURN_IF_ERROR(
        ReadInt(*it, "limits.", "max_body_bytes", 1024, 16 * 1024 * 1024, &c.max_body_bytes));
    MADOGUCHI_RETURN_IF_ERROR(
        ReadInt(*it, "limits.", "max_text_chars", 1, 100000, &c.max_text_chars));
    MADOGUCHI_RETURN_IF_ERROR(ReadInt(*it, "limits.", "http_threads", 1, 4096, &c.http_threads));
    MADOGUCHI_RETURN_IF_ERROR(
        ReadInt(*it, "limits.", "inbox_max_depth", 0, 10'000'000, &c.inbox_max_depth));
    MADOGUCHI_RETURN_IF_ERROR(
        ReadInt(*it, "limits.", "messages_per_minute", 1, 1000000, &c.rate_limit.per_minute));
    MADOGUCHI_RETURN_IF_ERROR(
        ReadInt(*it, "limits.", "messages_burst", 1, 1000000, &c.rate_limit.burst));
  }
  if (auto it = j.find("line_channels"); it != j.end()) {
    MADOGUCHI_RETURN_IF_ERROR(ReadLineChannels(*it, &c.line_channels));
  }
  MADOGUCHI_RETURN_IF_ERROR(ReadString(j, "", "line_access_base_url", &c.line_access_base_url));
  if (!c.line_access_base_url.empty() && !IsHttpUrl(c.line_access_base_url)) {
    return Bad("line_access_base_url", "must start with http:// or https://");
  }
  if (auto it = j.find("slack"); it != j.end()) {
    MADOGUCHI_RETURN_IF_ERROR(ReadSlack(*it, &c.slack));
  }
  if (auto it = j.find("staff_token_sha256"); it != j.end()) {
    MADOGUCHI_RETURN_IF_ERROR(ReadStaffTokens(*it, &c.staff_token_sha256));
  }
  return c;
}

StatusOr<ServeConfig> LoadServeConfig(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) return NotFound("cannot read the config file " + path);
  std::stringstream buffer;
  buffer << in.rdbuf();
  StatusOr<ServeConfig> c = ParseServeConfig(buffer.str());
  if (!c.ok()) return InvalidArgument(path + ": " + c.status().message());
  return c;
}

}  // namespace madoguchi::cli
