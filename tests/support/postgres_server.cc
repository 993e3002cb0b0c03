#include "support/postgres_server.h"

#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <libpq-fe.h>
#include <pwd.h>
#include <signal.h>
#include <sys/file.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <mutex>
#include <sstream>
#include <thread>
#include <vector>

#include "support/child_process.h"

namespace madoguchi::testing {

namespace {

namespace fs = std::filesystem;

// The newest installed server's binaries (Debian keeps them out of PATH).
std::string FindBinDir() {
  if (const char* dir = std::getenv("MADOGUCHI_POSTGRES_BIN")) {
    return fs::exists(fs::path(dir) / "initdb") ? std::string(dir) : std::string();
  }
  std::string best;
  int best_version = 0;
  std::error_code ec;
  for (const auto& entry : fs::directory_iterator("/usr/lib/postgresql", ec)) {
    int version = std::atoi(entry.path().filename().c_str());
    if (version > best_version && fs::exists(entry.path() / "bin" / "initdb")) {
      best_version = version;
      best = (entry.path() / "bin").string();
    }
  }
  return best;
}

// Where clusters live: memory (/dev/shm) when there is one, since a cluster is tens of
// megabytes written per test process and a disk-backed /tmp makes that a second each.
std::string ScratchDir() {
  if (access("/dev/shm", W_OK | X_OK) == 0) return "/dev/shm";
  return "/tmp";
}

std::string ReadFile(const std::string& path) {
  std::ifstream in(path);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `argv` as the server's user, output to `log`; returns its exit status. In the child,
// the parent-death signal is set after dropping privileges (a change of uid clears it), so a
// server outlives no test binary.
pid_t Spawn(const std::vector<std::string>& argv, uid_t uid, gid_t gid, const std::string& log,
            bool die_with_parent) {
  pid_t parent = getpid();
  pid_t pid = fork();
  if (pid != 0) return pid;
  int fd = open(log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
  if (fd >= 0) {
    dup2(fd, 1);
    dup2(fd, 2);
    close(fd);
  }
  if (getuid() == 0) {
    if (setgroups(0, nullptr) != 0 || setgid(gid) != 0 || setuid(uid) != 0) _exit(126);
  }
  if (die_with_parent) {
    prctl(PR_SET_PDEATHSIG, SIGQUIT);
    if (getppid() != parent) _exit(0);  // the parent died before prctl
  }
  std::vector<char*> args;
  for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
  args.push_back(nullptr);
  execv(args[0], args.data());
  _exit(127);
}

int WaitExit(pid_t pid) {
  int status = 0;
  while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
  }
  return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
}

}  // namespace

StatusOr<std::unique_ptr<PostgresServer>> PostgresServer::Start() {
  std::unique_ptr<PostgresServer> server(new PostgresServer());
  server->bin_dir_ = FindBinDir();
  if (server->bin_dir_.empty()) {
    return NotFound(
        "PostgreSQL is not installed (no /usr/lib/postgresql/*/bin/initdb); "
        "scripts/install-deps.sh installs it");
  }
  if (getuid() == 0) {
    passwd* pw = getpwnam("postgres");
    if (pw == nullptr) return NotFound("PostgreSQL's user `postgres` does not exist");
    server->uid_ = pw->pw_uid;
    server->gid_ = pw->pw_gid;
  } else {
    server->uid_ = getuid();
    server->gid_ = getgid();
  }
  std::string pattern = ScratchDir() + "/madoguchi-pg-XXXXXX";
  if (mkdtemp(pattern.data()) == nullptr) return Internal("cannot make a temporary directory");
  server->dir_ = pattern;
  if (chown(pattern.c_str(), server->uid_, server->gid_) != 0) {
    return Internal("cannot hand " + server->dir_ + " to the postgres user");
  }
  const std::string data = server->dir_ + "/data";
  auto tmpl = server->Template();
  if (!tmpl.ok()) return tmpl.status();
  // A copy of one initdb per machine: initdb costs a second, and CTest runs every test of a
  // suite in its own process.
  pid_t pid = Spawn({"/bin/cp", "-a", *tmpl, data}, server->uid_, server->gid_,
                    server->dir_ + "/copy.log", /*die_with_parent=*/true);
  if (int rc = WaitExit(pid); rc != 0) {
    return Internal("cannot copy the template cluster: " + ReadFile(server->dir_ + "/copy.log"));
  }
  server->port_ = FreeLoopbackPort();
  if (Status s = server->Launch(); !s.ok()) return s;
  PGconn* conn = PQconnectdb(server->Url("postgres").c_str());
  PGresult* r = PQexec(conn, "CREATE ROLE madoguchi_pw LOGIN PASSWORD 'pw-secret'");
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  PQclear(r);
  PQfinish(conn);
  if (!ok) return Internal("cannot create the password role");
  return server;
}

StatusOr<std::string> PostgresServer::Template() {
  const std::string path = ScratchDir() + "/madoguchi-pg-template-" + std::to_string(uid_) + "-" +
                           fs::path(bin_dir_).parent_path().filename().string();
  // Test binaries start at once under a parallel CTest: one makes the template, the others
  // wait on the lock and find it made.
  int lock = open((ScratchDir() + "/madoguchi-pg-template.lock").c_str(), O_RDWR | O_CREAT, 0666);
  if (lock < 0) return Internal("cannot open the template lock");
  flock(lock, LOCK_EX);
  struct Unlock {
    int fd;
    ~Unlock() { close(fd); }
  } unlock{lock};
  if (fs::exists(path + "/PG_VERSION") && fs::exists(path + "/madoguchi-template-ready")) {
    return path;
  }
  std::error_code ec;
  fs::remove_all(path, ec);
  const std::string building = path + ".building";
  fs::remove_all(building, ec);
  const std::string log = dir_ + "/initdb.log";
  pid_t pid = Spawn({bin_dir_ + "/initdb", "-D", building, "-U", "postgres", "-A", "trust", "-E",
                     "UTF8", "--locale=C", "--no-sync"},
                    uid_, gid_, log, /*die_with_parent=*/true);
  if (int rc = WaitExit(pid); rc != 0) {
    return Internal("initdb failed (" + std::to_string(rc) + "): " + ReadFile(log));
  }
  // Loopback only. One role must give a password, so the password-from-environment path is
  // tested against a server that checks it.
  {
    std::ofstream hba(building + "/pg_hba.conf", std::ios::trunc);
    hba << "local all all trust\n"
           "host all madoguchi_pw 127.0.0.1/32 scram-sha-256\n"
           "host all all 127.0.0.1/32 trust\n";
    std::ofstream ready(building + "/madoguchi-template-ready");
  }
  if (chown((building + "/pg_hba.conf").c_str(), uid_, gid_) != 0 ||
      chown((building + "/madoguchi-template-ready").c_str(), uid_, gid_) != 0) {
    return Internal("cannot hand the template's files to the postgres user");
  }
  fs::rename(building, path, ec);
  if (ec) return Internal("cannot move the template into place: " + ec.message());
  return path;
}

Status PostgresServer::Launch() {
  const std::string data = dir_ + "/data";
  const std::string log = dir_ + "/server.log";
  // Durability is not under test here (the stores' own tests kill our processes, not the
  // server's host), so fsync is off to keep the suites fast; connections are plenty for
  // several replicas' pools at once.
  pid_ = Spawn({bin_dir_ + "/postgres", "-D", data, "-p", std::to_string(port_), "-c",
                "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=" + dir_, "-c",
                "fsync=off", "-c", "full_page_writes=off", "-c", "max_connections=300"},
               uid_, gid_, log, /*die_with_parent=*/true);
  const std::string url = Url("postgres");
  for (int i = 0; i < 600; ++i) {
    if (PQping(url.c_str()) == PQPING_OK) return Status::Ok();
    int status = 0;
    if (waitpid(pid_, &status, WNOHANG) == pid_) {
      pid_ = -1;
      return Internal("postgres exited at start: " + ReadFile(log));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
  }
  return Internal("postgres did not answer within 30 s: " + ReadFile(log));
}

PostgresServer::~PostgresServer() {
  (void)Stop();
  if (!dir_.empty()) {
    std::error_code ec;
    fs::remove_all(dir_, ec);
  }
}

Status PostgresServer::Stop() {
  if (pid_ <= 0) return Status::Ok();
  kill(pid_, SIGINT);  // fast shutdown: clients are disconnected, data is kept
  WaitExit(pid_);
  pid_ = -1;
  return Status::Ok();
}

Status PostgresServer::Restart() {
  if (Status s = Stop(); !s.ok()) return s;
  return Launch();
}

std::string PostgresServer::Url(const std::string& database, const std::string& user) const {
  return "postgresql://" + user + "@127.0.0.1:" + std::to_string(port_) + "/" + database;
}

StatusOr<std::string> PostgresServer::CreateDatabase(const std::string& name) {
  PGconn* conn = PQconnectdb(Url("postgres").c_str());
  if (PQstatus(conn) != CONNECTION_OK) {
    std::string why = PQerrorMessage(conn);
    PQfinish(conn);
    return Unavailable("cannot connect to the test server: " + why);
  }
  // Owned by the password role too, so it may create its tables there.
  PGresult* r = PQexec(conn, ("CREATE DATABASE " + name + " OWNER madoguchi_pw").c_str());
  bool ok = PQresultStatus(r) == PGRES_COMMAND_OK;
  std::string why = ok ? "" : PQresultErrorMessage(r);
  PQclear(r);
  PQfinish(conn);
  if (!ok) return Internal("CREATE DATABASE " + name + ": " + why);
  return Url(name);
}

PostgresServer* SharedPostgresServer(std::string* why) {
  static std::mutex mu;
  static std::unique_ptr<PostgresServer> server;
  static std::string failure;
  static bool tried = false;
  std::lock_guard<std::mutex> lock(mu);
  if (!tried) {
    tried = true;
    auto started = PostgresServer::Start();
    if (started.ok()) {
      server = std::move(*started);
      // Stopped by the static's destructor at exit; the parent-death signal covers a crash.
    } else {
      failure = started.status().message();
    }
  }
  if (why) *why = failure;
  return server.get();
}

namespace {

// Without PostgreSQL a test skips, or fails where MADOGUCHI_REQUIRE_POSTGRES says it must be
// here (CI). Failures are fatal (FAIL in a lambda, since FAIL and GTEST_SKIP return from the
// function they are in): in a fixture's SetUp either keeps the test body from running.
void SkipOrFailWithout(const std::string& why) {
  const char* required = std::getenv("MADOGUCHI_REQUIRE_POSTGRES");
  if (required && *required && std::string(required) != "0") {
    [&] { FAIL() << "PostgreSQL is required (MADOGUCHI_REQUIRE_POSTGRES) but: " << why; }();
  } else {
    [&] { GTEST_SKIP() << "PostgreSQL not available: " << why; }();
  }
}

}  // namespace

std::string FreshPostgresDatabase(const std::string& prefix) {
  std::string why;
  PostgresServer* server = SharedPostgresServer(&why);
  if (server == nullptr) {
    SkipOrFailWithout(why);
    return "";
  }
  static std::atomic<int> counter{0};
  std::string name = prefix + "_" + std::to_string(getpid()) + "_" + std::to_string(++counter);
  for (char& c : name) {
    if (!std::isalnum(static_cast<unsigned char>(c))) c = '_';
    c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  }
  auto url = server->CreateDatabase(name);
  if (!url.ok()) {
    [&] { FAIL() << url.status().message(); }();
    return "";
  }
  return *url;
}

std::unique_ptr<PostgresServer> OwnPostgresServer(const std::string& database, std::string* url) {
  auto server = PostgresServer::Start();
  if (!server.ok()) {
    if (server.status().code() == StatusCode::kNotFound) {
      SkipOrFailWithout(server.status().message());
    } else {
      [&] { FAIL() << server.status().message(); }();
    }
    return nullptr;
  }
  auto created = (*server)->CreateDatabase(database);
  if (!created.ok()) {
    [&] { FAIL() << created.status().message(); }();
    return nullptr;
  }
  *url = *created;
  return std::move(server).value();
}

}  // namespace madoguchi::testing
