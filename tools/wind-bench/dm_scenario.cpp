// `dm`: open loop at --rate messages/s, or --closed for the maximum.
#include <cstdio>

#include "dm.h"
#include "report.h"
#include "scenarios.h"

namespace wind::bench {

int runDm(const Options& options) {
  const auto users = loadUsers(options.text("state", "wind-bench.state"));
  const int pairs = static_cast<int>(options.integer("pairs", 50));
  const double seconds = options.number("seconds", 5);
  Loop loop(options.text("url"));
  DmLoad load(users, loop, pairs);
  if (!load.connect(60)) {
    std::fprintf(stderr, "dm: only %d of %d connections authenticated\n", load.ready(), 2 * pairs);
    return 1;
  }
  Samples samples;
  Report report("dm", options.text("label", options.text("url")));
  report.set("pairs", pairs);
  if (options.flag("closed")) {
    const int window = static_cast<int>(options.integer("window", 4));
    const double rate = load.runClosed(window, seconds, samples);
    load.drain(3);
    report.note("mode", "closed");
    report.set("window", window);
    report.set("msgs_per_s", rate, "msg/s delivered to peers");
  } else {
    const double rate = options.number("rate", 10000);
    load.runOpen(rate, seconds, samples);
    load.drain(3);
    report.note("mode", "open");
    report.set("rate", rate, "msg/s offered");
  }
  report.set("sent", static_cast<double>(load.sentMeasured));
  report.set("received", static_cast<double>(load.receivedMeasured));
  report.set("lost", static_cast<double>(load.sentMeasured - load.receivedMeasured));
  report.set("errors", static_cast<double>(load.errors));
  report.setLatencies(samples);
  report.print();
  return 0;
}

}  // namespace wind::bench
