#pragma once
// A Listener that brings each connection to the authenticated state the way a
// client must (heartbeat first, then auth) and hands frames after that to the
// scenario. Connection i authenticates as users[i % users.size()].
#include <string>
#include <vector>

#include "loop.h"
#include "text.h"
#include "users.h"

namespace wind::bench {

class AuthedListener : public Listener {
 public:
  explicit AuthedListener(const std::vector<User>& users) : users_(users) {}

  void onOpen(WsConn& conn) override {
    conn.sendText(R"({"type":"heartbeat","payload":{"count":0}})");
    const User& user = users_[static_cast<std::size_t>(conn.index()) % users_.size()];
    conn.sendText(R"({"type":"auth","payload":{"auth":")" + user.token + "\"}}");
  }

  void onText(WsConn& conn, std::string_view text) override {
    if (conn.userId == 0) {
      if (hasType(text, "auth")) {
        conn.userId = parseU64(stringValue(text, "id", text.find("self_user")));
        ++ready_;
        onReady(conn);
      } else if (hasType(text, "error")) {
        ++authErrors_;
      }
      return;
    }
    onFrame(conn, text);
  }

  void onClosed(WsConn& /*conn*/) override { ++closed_; }

  int ready() const { return ready_; }
  int authErrors() const { return authErrors_; }

 protected:
  virtual void onReady(WsConn& /*conn*/) {}
  virtual void onFrame(WsConn& conn, std::string_view text) = 0;

  const std::vector<User>& users_;
  int ready_ = 0;
  int authErrors_ = 0;
  int closed_ = 0;
};

}  // namespace wind::bench
