// `reauth`: C authenticated connections each keeping W `auth` frames (their
// own token again: a fresh snapshot, PROTOCOL.md 3.3) in flight; auths/s.
#include <cstdio>

#include "clock.h"
#include "report.h"
#include "scenarios.h"
#include "session.h"

namespace wind::bench {
namespace {

class Reauther final : public AuthedListener {
 public:
  Reauther(const std::vector<User>& users, int window) : AuthedListener(users), window_(window) {}
  std::uint64_t answered = 0;
  std::uint64_t errors = 0;
  bool running = false;

  void start(WsConn& conn) {
    for (int i = 0; i < window_; ++i) sendAuth(conn);
  }

 protected:
  void onFrame(WsConn& conn, std::string_view text) override {
    if (hasType(text, "auth")) {
      ++answered;
    } else if (hasType(text, "error")) {
      ++errors;
    } else {
      return;
    }
    if (running) sendAuth(conn);
  }

 private:
  void sendAuth(WsConn& conn) {
    const User& user = users_[static_cast<std::size_t>(conn.index()) % users_.size()];
    conn.sendText(R"({"type":"auth","payload":{"auth":")" + user.token + "\"}}");
  }

  int window_;
};

}  // namespace

int runReauth(const Options& options) {
  const auto users = loadUsers(options.text("state", "wind-bench.state"));
  const int connections = static_cast<int>(options.integer("connections", 50));
  const double seconds = options.number("seconds", 5);
  Loop loop(options.text("url"));
  Reauther reauther(users, static_cast<int>(options.integer("window", 4)));
  for (int i = 0; i < connections; ++i) loop.add(reauther);
  loop.runUntil([&] { return reauther.ready() + loop.failedCount() >= connections; },
                nowNs() + 60'000'000'000);
  reauther.running = true;
  for (auto& conn : loop.conns()) reauther.start(*conn);
  const auto never = [] { return false; };
  loop.runUntil(never, nowNs() + 1'000'000'000);
  const std::uint64_t before = reauther.answered;
  const std::int64_t start = nowNs();
  loop.runUntil(never, start + static_cast<std::int64_t>(seconds * 1e9));
  const double elapsed = static_cast<double>(nowNs() - start) / 1e9;
  reauther.running = false;
  Report report("reauth", options.text("label", options.text("url")));
  report.set("connections", reauther.ready());
  report.set("auths_per_s", static_cast<double>(reauther.answered - before) / elapsed, "auth/s");
  report.set("errors", static_cast<double>(reauther.errors));
  report.print();
  return 0;
}

}  // namespace wind::bench
