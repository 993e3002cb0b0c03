#include "cli/serve_config.h"

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
      CheckKeys(j, "", {"listen", "data_dir", "kb", "link_page_url", "points", "limits"}));
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
  if (auto it = j.find("limits"); it != j.end()) {
    if (!it->is_object()) return Bad("limits", "must be an object");
    MADOGUCHI_RETURN_IF_ERROR(CheckKeys(*it, "limits.", {"max_body_bytes", "max_text_chars"}));
    MADOGUCHI_RETURN_IF_ERROR(
        ReadInt(*it, "limits.", "max_body_bytes", 1024, 16 * 1024 * 1024, &c.max_body_bytes));
    MADOGUCHI_RETURN_IF_ERROR(
        ReadInt(*it, "limits.", "max_text_chars", 1, 100000, &c.max_text_chars));
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
