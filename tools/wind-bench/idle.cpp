// `idle`: C authenticated connections that only send a heartbeat every 30 s;
// server RSS per connection and idle CPU over a window (--server-pid).
#include <sys/resource.h>

#include <algorithm>
#include <cstdio>

#include "clock.h"
#include "proc.h"
#include "report.h"
#include "scenarios.h"
#include "session.h"

namespace wind::bench {
namespace {

class Idler final : public AuthedListener {
 public:
  using AuthedListener::AuthedListener;

 protected:
  void onFrame(WsConn& /*conn*/, std::string_view /*text*/) override {}
};

void raiseFdLimit() {
  rlimit limit{};
  ::getrlimit(RLIMIT_NOFILE, &limit);
  limit.rlim_cur = limit.rlim_max;
  ::setrlimit(RLIMIT_NOFILE, &limit);
}

}  // namespace

int runIdle(const Options& options) {
  raiseFdLimit();
  const auto users = loadUsers(options.text("state", "wind-bench.state"));
  const int connections = static_cast<int>(options.integer("connections", 1000));
  const long pid = options.integer("server-pid", 0);
  const double window = options.number("window", 10);
  Loop loop(options.text("url"));
  Idler idler(users);
  // RSS is sampled after a first tenth of the connections and after all of
  // them, so memory the server freed or grew for other reasons (setup's
  // password hashing) does not count as per-connection cost.
  const int first = std::max(1, connections / 10);
  const std::int64_t start = nowNs();
  const auto never = [] { return false; };
  // Heartbeat every connection every 30 s so a long connect phase stays inside the deadline.
  std::int64_t nextBeat = start + 30'000'000'000;
  const auto beat = [&] {
    if (nowNs() < nextBeat) return;
    for (auto& conn : loop.conns()) conn->sendText(R"({"type":"heartbeat","payload":{"count":1}})");
    nextBeat += 30'000'000'000;
  };
  const auto wake = [&] { return nextBeat; };
  for (int i = 0; i < first; ++i) loop.add(idler);
  loop.runUntil([&] { return idler.ready() + loop.failedCount() >= first; },
                start + 120'000'000'000, beat, wake);
  loop.runUntil(never, nowNs() + 1'000'000'000, beat, wake);
  const int readyBefore = idler.ready();
  const long rssBefore = pid > 0 ? rssKiB(pid) : -1;
  for (int i = first; i < connections; ++i) loop.add(idler);
  loop.runUntil([&] { return idler.ready() + loop.failedCount() >= connections; },
                start + 120'000'000'000, beat, wake);
  const double connectSeconds = static_cast<double>(nowNs() - start) / 1e9;
  loop.runUntil(never, nowNs() + 2'000'000'000, beat, [&] { return nextBeat; });
  const long rssAfter = pid > 0 ? rssKiB(pid) : -1;
  const double cpuBefore = pid > 0 ? cpuSeconds(pid) : 0;
  const std::int64_t windowStart = nowNs();
  loop.runUntil(never, windowStart + static_cast<std::int64_t>(window * 1e9), beat,
                [&] { return nextBeat; });
  const double elapsed = static_cast<double>(nowNs() - windowStart) / 1e9;
  const double cpuAfter = pid > 0 ? cpuSeconds(pid) : 0;
  int stillOpen = 0;
  for (auto& conn : loop.conns()) stillOpen += conn->state() == WsConn::State::open ? 1 : 0;

  Report report("idle", options.text("label", options.text("url")));
  report.set("connections", idler.ready());
  report.set("still_open", stillOpen);
  report.set("failed", loop.failedCount());
  report.set("connect_s", connectSeconds, "s");
  if (pid > 0) {
    report.set("rss_before_kib", static_cast<double>(rssBefore), "KiB");
    report.set("rss_after_kib", static_cast<double>(rssAfter), "KiB");
    report.set("bytes_per_conn",
               idler.ready() > readyBefore ? static_cast<double>(rssAfter - rssBefore) * 1024.0 /
                                                 (idler.ready() - readyBefore)
                                           : 0,
               "B");
    report.set("idle_cpu_pct", (cpuAfter - cpuBefore) / elapsed * 100.0, "% of one core");
  }
  report.print();
  return 0;
}

}  // namespace wind::bench
