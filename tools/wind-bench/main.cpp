// wind-bench: an event-driven load generator for servers speaking the WIND
// protocol (PROTOCOL.md). One thread, one epoll loop; see README in this folder.
//   wind-bench <setup|echo|dm|idle|history|login-storm|slow-reader|reauth> --url
//   http://127.0.0.1:PORT [options]
#include <sys/prctl.h>

#include <cstdio>
#include <exception>

#include "scenarios.h"

int main(int argc, char** argv) {
  using namespace wind::bench;
  // Timers fire within a microsecond or so instead of the default 50 us slack.
  ::prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);
  try {
    const Options options(argc, argv);
    if (options.text("url").empty())
      throw std::runtime_error("--url http://127.0.0.1:PORT is required");
    const std::string& scenario = options.scenario();
    if (scenario == "setup") return runSetup(options);
    if (scenario == "echo") return runEcho(options);
    if (scenario == "dm") return runDm(options);
    if (scenario == "idle") return runIdle(options);
    if (scenario == "history") return runHistory(options);
    if (scenario == "login-storm") return runLoginStorm(options);
    if (scenario == "slow-reader") return runSlowReader(options);
    if (scenario == "reauth") return runReauth(options);
    std::fprintf(stderr, "unknown scenario %s\n", scenario.c_str());
    return 2;
  } catch (const std::exception& e) {
    std::fprintf(stderr, "wind-bench: %s\n", e.what());
    return 1;
  }
}
