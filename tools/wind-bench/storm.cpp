// `login-storm` and `slow-reader`: the DM open loop measured before and
// during a disturbance; the figure is how much the DM p99 moves. In
// `slow-reader` a flood to one reader runs in both phases; only in the
// second does that reader stop reading.
#include <atomic>
#include <cstdio>
#include <thread>

#include "clock.h"
#include "dm.h"
#include "report.h"
#include "scenarios.h"

namespace wind::bench {
namespace {

struct Phase {
  double p50 = 0;
  double p99 = 0;
  double lost = 0;
};

Phase measure(DmLoad& load, double rate, double seconds, const std::function<void()>& extra = {}) {
  Samples samples;
  load.sentMeasured = 0;
  load.receivedMeasured = 0;
  load.runOpen(rate, seconds, samples, extra);
  load.drain(2);
  return {samples.ms(50), samples.ms(99),
          static_cast<double>(load.sentMeasured - load.receivedMeasured)};
}

void put(Report& report, const std::string& prefix, const Phase& phase) {
  report.set(prefix + "_p50_ms", phase.p50, "ms");
  report.set(prefix + "_p99_ms", phase.p99, "ms");
  report.set(prefix + "_lost", phase.lost);
}

// Both phases and the scenario's figure: how much the p99 moved.
void putPhases(Report& report, const Phase& before, const Phase& during) {
  put(report, "before", before);
  put(report, "during", during);
  report.set("p99_change_pct", before.p99 > 0 ? (during.p99 / before.p99 - 1) * 100 : 0, "%");
}

}  // namespace

int runLoginStorm(const Options& options) {
  const auto users = loadUsers(options.text("state", "wind-bench.state"));
  const int pairs = static_cast<int>(options.integer("pairs", 50));
  const double rate = options.number("rate", 10000);
  const double seconds = options.number("seconds", 5);
  // --control: no logins in the second phase, so the change is what the
  // order of the phases alone does (a control run).
  const bool control = options.flag("control");
  const int threads = control ? 0 : static_cast<int>(options.integer("login-threads", 4));
  Loop loop(options.text("url"));
  DmLoad load(users, loop, pairs);
  if (!load.connect(60)) return 1;
  const Phase before = measure(load, rate, seconds);
  std::atomic<bool> stop{false};
  std::atomic<long> logins{0};
  std::atomic<long> failures{0};
  std::vector<std::thread> stormers;
  const std::string url = options.text("url");
  const std::int64_t stormStart = nowNs();
  for (int t = 0; t < threads; ++t) {
    stormers.emplace_back([&, t] {
      for (std::size_t i = static_cast<std::size_t>(t); !stop;
           i += static_cast<std::size_t>(threads)) {
        const User& user = users[i % users.size()];
        (login(url, emailOf(user.name), passwordOf()).empty() ? failures : logins)++;
      }
    });
  }
  const Phase during = measure(load, rate, seconds);
  stop = true;
  for (auto& thread : stormers) thread.join();
  const double stormSeconds = static_cast<double>(nowNs() - stormStart) / 1e9;
  Report report("login-storm", options.text("label", url));
  report.set("rate", rate, "msg/s");
  report.set("control", control ? 1 : 0);
  putPhases(report, before, during);
  report.set("logins_per_s", static_cast<double>(logins) / stormSeconds, "logins/s");
  report.set("login_failures", static_cast<double>(failures));
  report.print();
  return 0;
}

int runSlowReader(const Options& options) {
  const auto users = loadUsers(options.text("state", "wind-bench.state"));
  const int pairs = static_cast<int>(options.integer("pairs", 50));
  const double rate = options.number("rate", 10000);
  const double seconds = options.number("seconds", 5);
  const double floodRate = options.number("flood-rate", 2000);
  // --control: the reader goes on reading in the second phase, so the
  // change is what the order of the phases alone does (a control run).
  const bool control = options.flag("control");
  Loop loop(options.text("url"));
  DmLoad load(users, loop, pairs);
  if (!load.connect(60)) return 1;
  load.excludedPair = 0;
  WsConn& reader = *loop.conns()[0];
  WsConn& writer = *loop.conns()[1];
  // The writer sends 3,000-character messages to the reader in both phases,
  // so that the phases differ only in whether the reader reads: the figure
  // is what a stalled reader costs the others, not what the flood costs.
  const std::string big = std::string(R"({"type":"chat","payload":{"type":"send","chat_id":")") +
                          std::to_string(writer.roomId) + R"(","content":")" +
                          std::string(3000, 'x') + "\"}}";
  const auto interval = static_cast<std::int64_t>(1e9 / floodRate);
  std::int64_t nextFlood = nowNs();
  long flooded = 0;
  const auto flood = [&] {
    const std::int64_t now = nowNs();
    while (nextFlood <= now && writer.state() == WsConn::State::open) {
      writer.sendText(big);
      ++flooded;
      nextFlood += interval;
    }
  };
  const Phase before = measure(load, rate, seconds, flood);
  const bool readerOpenBefore = reader.state() == WsConn::State::open;
  if (!control) reader.pauseReading(true);
  nextFlood = nowNs();  // no catch-up burst for the drain between the phases
  const Phase during = measure(load, rate, seconds, flood);
  if (!control) {
    // The reader's socket only reports the cut once we read what the kernel holds.
    loop.resume(reader);
    loop.runUntil([&] { return reader.state() != WsConn::State::open; }, nowNs() + 3'000'000'000);
  }
  Report report("slow-reader", options.text("label", options.text("url")));
  report.set("rate", rate, "msg/s");
  report.set("control", control ? 1 : 0);
  putPhases(report, before, during);
  report.set("flooded_msgs", static_cast<double>(flooded));
  // A reader cut while it still read would be a server fault, not the bound.
  report.set("reader_open_while_reading", readerOpenBefore ? 1 : 0);
  report.set("reader_cut", reader.state() != WsConn::State::open ? 1 : 0);
  report.set("reader_close_code", reader.closeCode());
  report.print();
  return 0;
}

}  // namespace wind::bench
