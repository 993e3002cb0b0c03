#include "cli/serve_config.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>
#include <string>
#include <vector>

namespace madoguchi::cli {
namespace {

TEST(ServeConfig, TheEmbeddedDefault) {
  ServeConfig c = DefaultServeConfig();
  EXPECT_EQ(c.listen, "127.0.0.1:8080");
  EXPECT_EQ(c.data_dir, "./madoguchi-data");
  EXPECT_TRUE(c.kb_dir.empty());
  EXPECT_TRUE(c.link_page_url.empty());
  EXPECT_EQ(c.points.mode, PointsConfig::Mode::kEmbedded);
  EXPECT_TRUE(c.points.seed_demo);
}

TEST(ServeConfig, AnEmptyFileMeansTheDefaultsWithoutDemoMembers) {
  auto c = ParseServeConfig("{}");
  ASSERT_TRUE(c.ok());
  EXPECT_EQ(c->listen, "127.0.0.1:8080");
  EXPECT_EQ(c->points.mode, PointsConfig::Mode::kEmbedded);
  EXPECT_FALSE(c->points.seed_demo);  // never in production by accident
}

TEST(ServeConfig, TheExampleInDeployParses) {
  auto c = LoadServeConfig(std::string(MADOGUCHI_SOURCE_DIR) + "/deploy/madoguchi.example.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->listen, "0.0.0.0:8080");
  EXPECT_EQ(c->data_dir, "/var/lib/madoguchi");
  EXPECT_EQ(c->kb_dir, "/opt/madoguchi/faq");
  EXPECT_EQ(c->link_page_url, "https://madoguchi.example.jp/link");
  EXPECT_EQ(c->points.mode, PointsConfig::Mode::kHttp);
  EXPECT_EQ(c->points.url, "http://points.internal:8081");
  EXPECT_EQ(c->points.token_env, "MADOGUCHI_POINTS_TOKEN");
  EXPECT_EQ(c->max_body_bytes, 65536u);
  EXPECT_EQ(c->max_text_chars, 2000u);
}

std::string ReadSourceFile(const std::string& relative) {
  std::ifstream in(std::string(MADOGUCHI_SOURCE_DIR) + "/" + relative, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// The operator's files describe one installation: the config the ConfigMap mounts is the
// example, every secret it names is in the Secret, and its paths are where the image, the unit
// and the Deployment put things.
TEST(ServeConfig, TheDeployFilesFitTogether) {
  auto c = LoadServeConfig(std::string(MADOGUCHI_SOURCE_DIR) + "/deploy/madoguchi.example.json");
  ASSERT_TRUE(c.ok()) << c.status().ToString();

  const std::string configmap = ReadSourceFile("deploy/kubernetes/configmap.yaml");
  const size_t block = configmap.find("madoguchi.json: |\n");
  ASSERT_NE(block, std::string::npos);
  std::string embedded;
  std::istringstream lines(configmap.substr(block + 18));
  for (std::string line; std::getline(lines, line);) {
    embedded += (line.rfind("    ", 0) == 0 ? line.substr(4) : line) + "\n";
  }
  EXPECT_EQ(embedded, ReadSourceFile("deploy/madoguchi.example.json"))
      << "configmap.yaml must hold deploy/madoguchi.example.json verbatim";

  std::vector<std::string> secrets = {"MADOGUCHI_API_TOKEN", "MADOGUCHI_STAFF_TOKEN",
                                      "MADOGUCHI_STATE_KEY", c->points.token_env};
  for (const LineChannelConfig& ch : c->line_channels) {
    secrets.push_back(ch.secret_env);
    secrets.push_back(ch.token_env);
  }
  secrets.push_back(c->slack.signing_secret_env);
  for (const SlackWorkspaceConfig& ws : c->slack.workspaces) secrets.push_back(ws.bot_token_env);
  const std::string secret_yaml = ReadSourceFile("deploy/kubernetes/secrets.example.yaml");
  for (const std::string& name : secrets) {
    EXPECT_NE(secret_yaml.find("  " + name + ":"), std::string::npos) << name;
  }

  const std::string containerfile = ReadSourceFile("deploy/Containerfile");
  EXPECT_NE(containerfile.find("COPY faq " + c->kb_dir + "\n"), std::string::npos);
  EXPECT_NE(containerfile.find("VOLUME " + c->data_dir), std::string::npos);
  EXPECT_NE(containerfile.find("--config\", \"/etc/madoguchi/madoguchi.json"), std::string::npos);
  const std::string unit = ReadSourceFile("deploy/madoguchi.service");
  EXPECT_NE(unit.find("--config /etc/madoguchi/madoguchi.json"), std::string::npos);
  EXPECT_NE(unit.find("ReadWritePaths=" + c->data_dir + "\n"), std::string::npos);
  EXPECT_NE(unit.find("MADOGUCHI_HOME=/opt/madoguchi\n"), std::string::npos);
  EXPECT_EQ(c->kb_dir, "/opt/madoguchi/faq") << "where the unit and the image install it";
  const std::string deployment = ReadSourceFile("deploy/kubernetes/madoguchi.yaml");
  EXPECT_NE(deployment.find("mountPath: " + c->data_dir), std::string::npos);
  EXPECT_NE(deployment.find("configMap: {name: madoguchi-config}"), std::string::npos);
  EXPECT_NE(deployment.find("secretRef: {name: madoguchi-secrets}"), std::string::npos);
  EXPECT_NE(deployment.find("runAsUser: 10001"), std::string::npos);
  EXPECT_NE(containerfile.find("--uid 10001"), std::string::npos);
}

TEST(ServeConfig, LineAccessBaseUrlDefaultsToLinesOwn) {
  EXPECT_TRUE(ParseServeConfig("{}")->line_access_base_url.empty());  // the service's default
  auto c = ParseServeConfig(R"({"line_access_base_url": "http://127.0.0.1:9000"})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->line_access_base_url, "http://127.0.0.1:9000");
}

TEST(ServeConfig, HttpThreadsDefaultTo64AndAreRead) {
  EXPECT_EQ(ParseServeConfig("{}")->http_threads, 64);
  auto c = ParseServeConfig(R"({"limits": {"http_threads": 256}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->http_threads, 256);
}

TEST(ServeConfig, InboxMaxDepthDefaultsTo2000AndZeroLifts) {
  EXPECT_EQ(ParseServeConfig("{}")->inbox_max_depth, 2000);
  auto c = ParseServeConfig(R"({"limits": {"inbox_max_depth": 500}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->inbox_max_depth, 500);
  EXPECT_EQ(ParseServeConfig(R"({"limits": {"inbox_max_depth": 0}})")->inbox_max_depth, 0);
}

TEST(ServeConfig, TheStoreIsTheEmbeddedSqliteUnlessPostgresIsNamed) {
  auto plain = ParseServeConfig("{}");
  ASSERT_TRUE(plain.ok());
  EXPECT_TRUE(plain->store.postgres_url.empty());
  EXPECT_EQ(plain->store.password_env, "MADOGUCHI_POSTGRES_PASSWORD");
  EXPECT_EQ(plain->store.pool_size, 8);

  auto c = ParseServeConfig(
      R"({"store": {"postgres": "postgresql://madoguchi@db.internal:5432/madoguchi",
                    "password_env": "PG_PASSWORD", "pool_size": 16}})");
  ASSERT_TRUE(c.ok()) << c.status().ToString();
  EXPECT_EQ(c->store.postgres_url, "postgresql://madoguchi@db.internal:5432/madoguchi");
  EXPECT_EQ(c->store.password_env, "PG_PASSWORD");
  EXPECT_EQ(c->store.pool_size, 16);

  // A user without a password, and libpq's shorter scheme, are fine.
  EXPECT_TRUE(ParseServeConfig(R"({"store": {"postgres": "postgres://db/madoguchi"}})").ok());
  EXPECT_TRUE(
      ParseServeConfig(R"({"store": {"postgres": "postgresql://u@db/m?sslmode=require"}})").ok());
}

TEST(ServeConfig, AStoreUrlWithAPasswordIsRefusedWithoutEchoingIt) {
  for (const char* json : {
           R"({"store": {"postgres": "postgresql://madoguchi:hunter22@db/madoguchi"}})",
           R"({"store": {"postgres": "postgresql://madoguchi:hunter22@db"}})",
           R"({"store": {"postgres": "postgresql://db/madoguchi?password=hunter22"}})",
           R"({"store": {"postgres": "postgresql://db/m?sslmode=require&PASSWORD=hunter22"}})",
       }) {
    auto c = ParseServeConfig(json);
    ASSERT_FALSE(c.ok()) << json;
    EXPECT_EQ(c.status().code(), StatusCode::kInvalidArgument);
    EXPECT_NE(c.status().message().find("\"store.postgres\""), std::string::npos)
        << c.status().message();
    EXPECT_EQ(c.status().message().find("hunter22"), std::string::npos) << c.status().message();
  }
}

TEST(ServeConfig, EmbeddedWithDemoMembers) {
  auto c = ParseServeConfig(R"({"points": {"mode": "embedded", "seed_demo": true}})");
  ASSERT_TRUE(c.ok());
  EXPECT_TRUE(c->points.seed_demo);
}

TEST(ServeConfig, RefusesMistakesNamingTheKey) {
  struct Case {
    const char* json;
    const char* key;
  };
  const Case cases[] = {
      {R"({"listn": "127.0.0.1:8080"})", "listn"},
      {R"({"listen": 8080})", "listen"},
      {R"({"data_dir": ""})", "data_dir"},
      {R"({"points": {"mode": "ftp"}})", "points.mode"},
      {R"({"points": {"mode": "http"}})", "points.url"},
      {R"({"points": {"mode": "http", "url": "points:8081"}})", "points.url"},
      {R"({"points": {"mode": "http", "url": "http://p", "seed_demo": true}})", "points.seed_demo"},
      {R"({"points": {"url": "http://p"}})", "points.url"},
      {R"({"points": {"token": "secret"}})", "points.token"},
      {R"({"points": "http"})", "points"},
      {R"({"points": {"mode": "http", "url": "http://p", "read_timeout_ms": 0}})",
       "points.read_timeout_ms"},
      {R"({"store": "postgresql://db/m"})", "store"},
      {R"({"store": {"postgres": "mysql://db/m"}})", "store.postgres"},
      {R"({"store": {"postgres": ""}})", "store.postgres"},
      {R"({"store": {"password": "x"}})", "store.password"},
      {R"({"store": {"password_env": ""}})", "store.password_env"},
      {R"({"store": {"pool_size": 0}})", "store.pool_size"},
      {R"({"limits": {"max_body_bytes": 10}})", "limits.max_body_bytes"},
      {R"({"limits": {"max_text_chars": "many"}})", "limits.max_text_chars"},
      {R"({"limits": {"http_threads": 0}})", "limits.http_threads"},
      {R"({"limits": {"inbox_max_depth": -1}})", "limits.inbox_max_depth"},
      {R"({"link_page_url": "/link"})", "link_page_url"},
      {R"({"line_access_base_url": "access.line.me"})", "line_access_base_url"},
  };
  for (const Case& c : cases) {
    auto parsed = ParseServeConfig(c.json);
    ASSERT_FALSE(parsed.ok()) << c.json;
    EXPECT_NE(parsed.status().message().find(std::string("\"") + c.key + "\""), std::string::npos)
        << c.json << ": " << parsed.status().message();
  }
  EXPECT_FALSE(ParseServeConfig("{").ok());
  EXPECT_FALSE(ParseServeConfig("[]").ok());
  EXPECT_EQ(LoadServeConfig("/nonexistent/madoguchi.json").status().code(), StatusCode::kNotFound);
}

}  // namespace
}  // namespace madoguchi::cli
