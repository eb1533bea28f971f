// `setup`: register + log in N users, learn their ids, make pairs 2k/2k+1 friends.
#include <cstdio>

#include "clock.h"
#include "report.h"
#include "scenarios.h"
#include "session.h"

namespace wind::bench {
namespace {

// Counts the replies (ok or error) each connection gets to its mutual_users frames.
class FriendMaker final : public AuthedListener {
 public:
  using AuthedListener::AuthedListener;
  int replies = 0;
  int errors = 0;

 protected:
  void onFrame(WsConn& /*conn*/, std::string_view text) override {
    if (hasType(text, "ok")) {
      ++replies;
    } else if (hasType(text, "error")) {
      ++replies;
      // 4009: already friends from an earlier setup; anything else is a failure.
      if (text.find("4009") == std::string_view::npos) ++errors;
    }
  }
};

std::string mutual(const char* action, std::uint64_t id) {
  return std::string(R"({"type":"mutual_users","payload":{"type":")") + action + R"(","id":")" +
         std::to_string(id) + "\"}}";
}

}  // namespace

int runSetup(const Options& options) {
  const std::string url = options.text("url");
  const int count = static_cast<int>(options.integer("users", 100)) & ~1;
  const std::string prefix = options.text("prefix", "wb" + std::to_string(nowNs() % 1000000) + "u");
  const std::int64_t start = nowNs();
  std::vector<User> users =
      registerUsers(url, prefix, count, static_cast<int>(options.integer("threads", 4)));
  const double registerSeconds = static_cast<double>(nowNs() - start) / 1e9;

  Loop loop(url);
  FriendMaker maker(users);
  for (int i = 0; i < count; ++i) loop.add(maker);
  const std::int64_t deadline = nowNs() + 60'000'000'000;
  if (!loop.runUntil([&] { return maker.ready() + loop.failedCount() >= count; }, deadline) ||
      maker.ready() < count) {
    std::fprintf(stderr, "setup: only %d of %d users authenticated\n", maker.ready(), count);
    return 1;
  }
  auto& conns = loop.conns();
  for (int i = 0; i < count; ++i)
    users[static_cast<std::size_t>(i)].id = conns[static_cast<std::size_t>(i)]->userId;
  for (int k = 0; k < count / 2; ++k)
    conns[2 * k]->sendText(mutual("request", users[2 * k + 1].id));
  loop.runUntil([&] { return maker.replies >= count / 2; }, deadline);
  for (int k = 0; k < count / 2; ++k)
    conns[2 * k + 1]->sendText(mutual("response", users[2 * k].id));
  loop.runUntil([&] { return maker.replies >= count; }, deadline);
  if (maker.replies < count || maker.errors > 0) {
    std::fprintf(stderr, "setup: friend pairs failed (%d replies, %d errors)\n", maker.replies,
                 maker.errors);
    return 1;
  }
  saveUsers(options.text("state", "wind-bench.state"), users);
  Report report("setup", options.text("label", url));
  report.set("users", count);
  report.set("register_login_s", registerSeconds, "s");
  report.set("total_s", static_cast<double>(nowNs() - start) / 1e9, "s");
  report.print();
  return 0;
}

}  // namespace wind::bench
