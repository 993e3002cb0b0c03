// Stands in for LINE's Messaging API while scripts/bench-http.sh loads the webhook: answers
// every POST with 200 and a body shaped like LINE's, at once, and counts what it received.
// In C++ so that the stand-in costs the two cores little next to the service it measures.
//
// Usage: madoguchi_line_sink PORT   (stops on SIGINT/SIGTERM, printing how many calls came)
#include <httplib.h>
#include <pthread.h>

#include <atomic>
#include <csignal>
#include <cstdlib>
#include <iostream>
#include <thread>

int main(int argc, char** argv) {
  if (argc != 2) {
    std::cerr << "usage: madoguchi_line_sink PORT\n";
    return 2;
  }
  const int port = std::atoi(argv[1]);
  sigset_t stop;
  sigemptyset(&stop);
  sigaddset(&stop, SIGINT);
  sigaddset(&stop, SIGTERM);
  pthread_sigmask(SIG_BLOCK, &stop, nullptr);

  std::atomic<long> calls{0};
  httplib::Server server;
  server.new_task_queue = [] { return new httplib::ThreadPool(8); };
  server.set_tcp_nodelay(true);
  server.Post(".*", [&calls](const httplib::Request&, httplib::Response& res) {
    calls.fetch_add(1, std::memory_order_relaxed);
    res.set_content(R"({"sentMessages":[{"id":"1","quoteToken":"q"}]})", "application/json");
  });
  if (!server.bind_to_port("127.0.0.1", port)) {
    std::cerr << "madoguchi_line_sink: cannot listen on 127.0.0.1:" << port << "\n";
    return 1;
  }
  std::thread loop([&server] { server.listen_after_bind(); });
  int sig = 0;
  sigwait(&stop, &sig);
  server.stop();
  loop.join();
  std::cout << calls.load() << " calls\n";
  return 0;
}
