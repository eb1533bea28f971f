// `echo`: C connections each keeping W heartbeats in flight; frames/s echoed.
// Heartbeats need no account, so this measures the gateway + dispatch path.
#include <sys/resource.h>

#include <cstdio>

#include "clock.h"
#include "loop.h"
#include "report.h"
#include "scenarios.h"
#include "text.h"

namespace wind::bench {
namespace {

class Echoer final : public Listener {
 public:
  explicit Echoer(int inFlight) : inFlight_(inFlight) {}
  void onOpen(WsConn& conn) override {
    ++open;
    for (int i = 0; i < inFlight_; ++i) conn.sendText(kFrame);
  }
  void onText(WsConn& conn, std::string_view text) override {
    if (!hasType(text, "heartbeat")) return;
    ++received;
    conn.sendText(kFrame);
  }
  void onClosed(WsConn& /*conn*/) override { ++closed; }

  static constexpr std::string_view kFrame = R"({"type":"heartbeat","payload":{"count":12345}})";
  int open = 0;
  int closed = 0;
  std::uint64_t received = 0;

 private:
  int inFlight_;
};

double ownCpuSeconds() {
  rusage usage{};
  ::getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) +
         static_cast<double>(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6;
}

}  // namespace

int runEcho(const Options& options) {
  const int connections = static_cast<int>(options.integer("connections", 1000));
  const int inFlight = static_cast<int>(options.integer("inflight", 8));
  const double seconds = options.number("seconds", 5);
  const double warmup = options.number("warmup", 1);
  Loop loop(options.text("url"));
  Echoer echoer(inFlight);
  for (int i = 0; i < connections; ++i) loop.add(echoer);
  const auto never = [] { return false; };
  loop.runUntil([&] { return echoer.open + loop.failedCount() >= connections; },
                nowNs() + 30'000'000'000);
  loop.runUntil(never, nowNs() + static_cast<std::int64_t>(warmup * 1e9));
  const std::uint64_t before = echoer.received;
  const double cpuBefore = ownCpuSeconds();
  const std::int64_t start = nowNs();
  loop.runUntil(never, start + static_cast<std::int64_t>(seconds * 1e9));
  const double elapsed = static_cast<double>(nowNs() - start) / 1e9;
  const double cpu = ownCpuSeconds() - cpuBefore;
  const auto frames = static_cast<double>(echoer.received - before);
  Report report("echo", options.text("label", options.text("url")));
  report.set("connections", echoer.open);
  report.set("inflight", inFlight);
  report.set("frames_per_s", frames / elapsed, "frames/s");
  // wind-bench's own ceiling: the rate at which it could go if it had its core to itself.
  report.set("client_cpu_pct", cpu / elapsed * 100, "% of one core (wind-bench)");
  report.set("client_ceiling_frames_per_s", cpu > 0 ? frames / cpu : 0, "frames/s per client core");
  report.set("closed", echoer.closed);
  report.set("failed", loop.failedCount());
  report.print();
  return 0;
}

}  // namespace wind::bench
