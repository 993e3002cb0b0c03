#include <pthread.h>
#include <unistd.h>

#include <csignal>
#include <cstdlib>
#include <iostream>

#include "cli/service.h"
#include "cli/service_commands.h"
#include "http/server.h"

namespace madoguchi::cli {

namespace {

void Usage() {
  std::cerr << "usage: madoguchi serve [--config FILE] [--listen HOST:PORT] [--data-dir DIR] "
               "[--today YYYY-MM-DD] [--kb DIR]\n"
               "The API token is read from $"
            << http::kApiTokenEnvVar
            << "; without it the API is open, which is allowed on loopback only.\n"
               "A plain staff token may be given in $"
            << kStaffTokenEnvVar << " (besides the config's staff_token_sha256).\n";
}

std::string Quoted(const std::string& json) { return "'" + json + "'"; }

// What to try, printed once the service answers. `chat_flags` repeat serve's own, so the
// terminal chat runs on the same data.
void PrintWelcome(const Service& service, const std::string& chat_flags) {
  const std::string& url = service.base_url();
  const std::string auth = service.api_open() ? ""
                                              : " -H \"Authorization: Bearer $" +
                                                    std::string(http::kApiTokenEnvVar) + "\"";
  std::cout << "madoguchi is serving " << url << " (points " << service.points_description()
            << "; conversations " << service.store_description() << ")\n";
  if (service.api_open()) {
    std::cout << "The API is open without a token: " << http::kApiTokenEnvVar
              << " is not set, and the service listens on loopback only.\n";
  }
  if (!service.demo_members().empty()) {
    std::cout << "\nデモ会員（認証コードはデモ用のため表示しています）:\n\n"
              << service.demo_members();
  }
  std::cout
      << "\nTry:\n"
      << "  curl -s " << url << "/api/v1/messages" << auth
      << " -H 'Content-Type: application/json' \\\n"
      << "    -d "
      << Quoted(R"({"channel_user":"demo","program":"kagawa","text":"ポイントの有効期限は？"})")
      << "\n"
      << "  curl -s " << url << "/api/v1/ask" << auth << " -H 'Content-Type: application/json' \\\n"
      << "    -d " << Quoted(R"({"program":"kagawa","text":"パスワード忘れた"})") << "\n"
      << "Members who send 「アカウント連携」 get a one-time link to " << service.link_page_url()
      << (service.demo_members().empty() ? ".\n" : "; the demo members above can link there.\n")
      << "The same conversation in a terminal: madoguchi chat --program kagawa" << chat_flags
      << "\n"
      << "kill -HUP " << getpid() << " (or POST /api/v1/kb/reload with the staff token) reloads "
      << "the knowledge base; Ctrl-C stops.\n"
      << std::flush;
}

}  // namespace

StatusOr<ServeConfig> ConfigFromFlags(const Flags& flags) {
  ServeConfig config = DefaultServeConfig();
  if (std::optional<std::string> file = flags.Get("config")) {
    StatusOr<ServeConfig> loaded = LoadServeConfig(*file);
    if (!loaded.ok()) return loaded.status();
    config = std::move(loaded).value();
  }
  if (auto v = flags.Get("listen")) config.listen = *v;
  if (auto v = flags.Get("data-dir")) config.data_dir = *v;
  if (auto v = flags.Get("kb")) config.kb_dir = *v;
  return config;
}

int RunServe(const std::vector<std::string>& args) {
  StatusOr<Flags> flags = ParseFlags(args, {"config", "listen", "data-dir", "today", "kb"}, {});
  if (!flags.ok() || !flags->positional.empty()) {
    if (!flags.ok()) std::cerr << "madoguchi serve: " << flags.status().message() << "\n";
    Usage();
    return 2;
  }
  StatusOr<ServeConfig> config = ConfigFromFlags(*flags);
  if (!config.ok()) {
    std::cerr << "madoguchi serve: " << config.status().message() << "\n";
    return 2;
  }
  ServiceOptions options;
  options.config = *config;
  options.log_requests = true;
  if (auto t = flags->Get("today")) {
    options.today = ParseIsoDate(*t);
    if (!options.today) {
      std::cerr << "madoguchi serve: --today must be YYYY-MM-DD, got \"" << *t << "\"\n";
      return 2;
    }
  }
  if (const char* token = std::getenv(http::kApiTokenEnvVar)) options.api_token = token;
  if (const char* token = std::getenv(kStaffTokenEnvVar)) options.staff_token = token;

  // Block the signals before any thread starts, so every thread inherits the mask and the
  // signal reaches sigwait below instead of ending the process mid-request. SIGHUP reloads the
  // knowledge base, as POST /api/v1/kb/reload does.
  sigset_t handled_signals;
  sigemptyset(&handled_signals);
  sigaddset(&handled_signals, SIGINT);
  sigaddset(&handled_signals, SIGTERM);
  sigaddset(&handled_signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &handled_signals, nullptr);

  StatusOr<std::unique_ptr<Service>> service = Service::Start(options);
  if (!service.ok()) {
    std::cerr << "madoguchi serve: " << service.status().message() << "\n";
    return 1;
  }
  std::string chat_flags;
  for (const char* name : {"config", "data-dir", "today", "kb"}) {
    if (auto v = flags->Get(name)) chat_flags += std::string(" --") + name + " " + *v;
  }
  PrintWelcome(**service, chat_flags);
  int sig = 0;
  while (sigwait(&handled_signals, &sig) == 0 && sig == SIGHUP) {
    // Logged as a JSON line ("kb_reload") with the request log.
    (*service)->ReloadKnowledge();
  }
  std::cerr << "madoguchi serve: stopping\n";
  // Stops the HTTP server, then the channel workers; the rest is destroyed in reverse order.
  (*service)->Stop();
  service->reset();
  return 0;
}

}  // namespace madoguchi::cli
