// What tests that run the built `madoguchi` binary share: a free loopback port, and a child
// process whose stdout and stderr go to a log file, killed if the test leaves it running.
//
// Thread safety: a ChildProcess is driven by one thread.
#ifndef MADOGUCHI_TESTS_SUPPORT_CHILD_PROCESS_H_
#define MADOGUCHI_TESTS_SUPPORT_CHILD_PROCESS_H_

#include <sys/types.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

namespace madoguchi::testing {

// A TCP port on 127.0.0.1 that nothing listened on a moment ago.
int FreeLoopbackPort();

// Polls `condition` every 50 ms until it holds or `timeout` passes; its last value.
bool WaitFor(const std::function<bool()>& condition, std::chrono::milliseconds timeout);

class ChildProcess {
 public:
  // Starts argv[0] with `argv` and the test's environment; stdout and stderr are appended to
  // `log_path`. started() says whether it could be started.
  ChildProcess(std::vector<std::string> argv, std::string log_path);
  // SIGKILL and a wait, if it still runs: a test's leftovers need no grace.
  ~ChildProcess();
  ChildProcess(const ChildProcess&) = delete;
  ChildProcess& operator=(const ChildProcess&) = delete;

  bool started() const { return pid_ > 0; }
  // Waits for it to end by itself: its exit code, or -1 when it was killed or never started.
  int Wait();
  // Sends `sig` and waits for the end: the exit code, 128 + the signal's number when a signal
  // ended it, or -1 when it was not running.
  int Stop(int sig);
  // Whether it still runs.
  bool Running();
  // What it wrote so far.
  std::string Log() const;

 private:
  int Reap(int status);

  std::string log_path_;
  pid_t pid_ = -1;
  bool exited_ = false;
};

}  // namespace madoguchi::testing

#endif  // MADOGUCHI_TESTS_SUPPORT_CHILD_PROCESS_H_
