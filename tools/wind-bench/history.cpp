// `history`: fill one room with M messages (closed loop, --messages; 0 skips),
// then fetch pages of --count (50) walking back from the newest, one request
// in flight; latency = request sent to the end marker received.
#include <cstdio>

#include "clock.h"
#include "report.h"
#include "scenarios.h"
#include "session.h"
#include "stats.h"

namespace wind::bench {
namespace {

class Historian final : public AuthedListener {
 public:
  Historian(const std::vector<User>& users, std::uint64_t room)
      : AuthedListener(users), room_(room) {}

  void fill(WsConn& conn, long messages, int window) {
    target_ = messages;
    for (int i = 0; i < window && sent_ < target_; ++i) sendOne(conn);
  }
  void requestPage(WsConn& conn, int count) {
    std::string frame = R"({"type":"load","payload":{"type":"chat","load_id":")" +
                        std::to_string(room_) + R"(","count":)" + std::to_string(count);
    if (!conn.cursor.empty()) frame += R"(,"datetime":")" + conn.cursor + "\"";
    frame += "}}";
    pageFrames_ = 0;
    pageDone_ = false;
    conn.mark = nowNs();
    conn.sendText(frame);
  }

  long stored = 0;
  int pageFrames_ = 0;
  bool pageDone_ = false;
  std::int64_t pageNs = 0;
  std::uint64_t errors = 0;

 protected:
  void onFrame(WsConn& conn, std::string_view text) override {
    if (hasType(text, "chat")) {
      if (sent_ > stored) {
        ++stored;
        if (sent_ < target_) sendOne(conn);
        return;
      }
      if (pageFrames_++ == 0) conn.cursor = std::string(stringValue(text, "created_at"));
    } else if (hasType(text, "load")) {
      pageNs = nowNs() - conn.mark;
      pageDone_ = true;
    } else if (hasType(text, "error")) {
      ++errors;
      pageDone_ = true;
    }
  }

 private:
  void sendOne(WsConn& conn) {
    conn.sendText(R"({"type":"chat","payload":{"type":"send","chat_id":")" + std::to_string(room_) +
                  R"(","content":"history message )" + std::to_string(++sent_) + "\"}}");
  }

  std::uint64_t room_;
  long target_ = 0;
  long sent_ = 0;
};

}  // namespace

int runHistory(const Options& options) {
  const auto users = loadUsers(options.text("state", "wind-bench.state"));
  const long messages = options.integer("messages", 100000);
  const int count = static_cast<int>(options.integer("count", 50));
  const long pages = options.integer("pages", 2000);
  const auto pair =
      static_cast<std::size_t>(options.integer("pair", static_cast<long>(users.size() / 2) - 1));
  const std::vector<User> mine{users.at(2 * pair), users.at(2 * pair + 1)};
  Loop loop(options.text("url"));
  Historian historian(mine, mine[0].id ^ mine[1].id);
  WsConn& conn = loop.add(historian);
  loop.runUntil([&] { return historian.ready() == 1 || loop.failedCount() > 0; },
                nowNs() + 30'000'000'000);
  if (historian.ready() != 1) {
    std::fprintf(stderr, "history: connection did not authenticate\n");
    return 1;
  }
  const std::int64_t fillStart = nowNs();
  historian.fill(conn, messages, 64);
  // A large fill outlasts the server's heartbeat deadline: keep the socket alive.
  constexpr std::int64_t kBeatNs = 15'000'000'000;
  std::int64_t nextBeat = fillStart + kBeatNs;
  const auto beat = [&] {
    if (nowNs() < nextBeat || conn.state() != WsConn::State::open) return;
    conn.sendText(R"({"type":"heartbeat","payload":{"count":1}})");
    nextBeat = nowNs() + kBeatNs;
  };
  loop.runUntil([&] { return historian.stored >= messages || conn.state() != WsConn::State::open; },
                fillStart + 600'000'000'000, beat, [&] { return nextBeat; });
  const double fillSeconds = static_cast<double>(nowNs() - fillStart) / 1e9;
  Samples samples;
  long shortPages = 0;
  for (long i = 0; i < pages && conn.state() == WsConn::State::open; ++i) {
    historian.requestPage(conn, count);
    if (!loop.runUntil([&] { return historian.pageDone_; }, nowNs() + 10'000'000'000)) break;
    samples.add(historian.pageNs);
    if (historian.pageFrames_ < count) {
      ++shortPages;
      conn.cursor.clear();
    }
  }
  Report report("history", options.text("label", options.text("url")));
  report.set("filled", static_cast<double>(historian.stored));
  report.set("fill_msgs_per_s",
             fillSeconds > 0 ? static_cast<double>(historian.stored) / fillSeconds : 0, "msg/s");
  report.set("pages", static_cast<double>(samples.count()));
  report.set("short_pages", static_cast<double>(shortPages));
  report.set("errors", static_cast<double>(historian.errors));
  report.setLatencies(samples);
  report.print();
  return 0;
}

}  // namespace wind::bench
