#pragma once
// Fakes for the session tests: a Link that records, a Transport whose posted
// work runs when the test says so, and in-memory accounts.

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "auth/identity.h"
#include "gateway/link.h"

namespace wind::session::testing {

class FakeLink final : public gateway::Link {
 public:
  explicit FakeLink(std::uint64_t id) : id_(sdk::ConnectionId{id}) {}

  sdk::ConnectionId id() const noexcept override { return id_; }
  const std::string& peer() const noexcept override { return peer_; }
  bool sendText(std::string_view frame) noexcept override {
    if (closed) return true;  // like the gateway: dropped silently once closing
    sent.emplace_back(frame);
    return acceptSends;
  }
  void close(std::uint16_t code, std::string_view reason) noexcept override {
    if (!closed) closed = std::make_pair(code, std::string(reason));
  }
  void setDeadline(gateway::SteadyTime at) noexcept override { deadline = at; }
  gateway::SteadyTime now() const noexcept override { return clock; }

  void advance(std::chrono::milliseconds by) { clock += by; }

  std::vector<std::string> sent;
  std::optional<std::pair<std::uint16_t, std::string>> closed;
  std::optional<gateway::SteadyTime> deadline;
  gateway::SteadyTime clock{std::chrono::hours(1000)};
  bool acceptSends = true;

 private:
  sdk::ConnectionId id_;
  std::string peer_ = "127.0.0.1:1";
};

// A connection handler that ignores everything: for tests that only need a
// registered connection.
class NullHandler final : public gateway::ConnectionHandler {
 public:
  void onText(std::string_view) override {}
  void onBinary() override {}
  void onDeadline() override {}
  void onClosed() override {}
};

// Posted work waits in a queue until runPosted()/awaitPosts(); connections
// that were detached are skipped, as the real transport does.
class FakeTransport final : public gateway::Transport {
 public:
  void attach(FakeLink& link, gateway::ConnectionHandler& handler) {
    std::lock_guard lock(mutex_);
    connections_[sdk::value(link.id())] = {&link, &handler};
  }
  void detach(sdk::ConnectionId id) {
    std::lock_guard lock(mutex_);
    connections_.erase(sdk::value(id));
  }

  void post(
      sdk::ConnectionId connection,
      std::function<void(gateway::Link&, gateway::ConnectionHandler&)> work) noexcept override {
    {
      std::lock_guard lock(mutex_);
      queue_.emplace_back(connection, std::move(work));
    }
    changed_.notify_all();
  }
  void send(sdk::ConnectionId connection, std::string frame) noexcept override {
    post(connection, [frame = std::move(frame)](gateway::Link& link, gateway::ConnectionHandler&) {
      link.sendText(frame);
    });
  }

  // Runs everything queued so far (and what that queues), on this thread.
  void runPosted() {
    while (true) {
      std::pair<sdk::ConnectionId, std::function<void(gateway::Link&, gateway::ConnectionHandler&)>>
          item;
      std::pair<FakeLink*, gateway::ConnectionHandler*> target{nullptr, nullptr};
      {
        std::lock_guard lock(mutex_);
        if (queue_.empty()) return;
        item = std::move(queue_.front());
        queue_.pop_front();
        auto it = connections_.find(sdk::value(item.first));
        if (it != connections_.end()) target = it->second;
      }
      if (target.first) item.second(*target.first, *target.second);
    }
  }

  // Waits until `count` items are queued (workers finishing), then runs them.
  void awaitPosts(std::size_t count) {
    {
      std::unique_lock lock(mutex_);
      const bool arrived =
          changed_.wait_for(lock, std::chrono::seconds(20), [&] { return queue_.size() >= count; });
      if (!arrived)
        ADD_FAILURE() << "expected " << count << " posted completions, got " << queue_.size();
    }
    runPosted();
  }

  // Runs posted work as it arrives until `done()` holds (workers finish at
  // their own pace; each completion may enable the next).
  template <typename Pred>
  void runUntil(Pred done) {
    const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (true) {
      runPosted();
      if (done()) return;
      std::unique_lock lock(mutex_);
      if (!changed_.wait_until(lock, giveUp, [&] { return !queue_.empty(); })) {
        ADD_FAILURE() << "gave up waiting for posted completions";
        return;
      }
    }
  }

  std::size_t queued() {
    std::lock_guard lock(mutex_);
    return queue_.size();
  }

 private:
  std::mutex mutex_;
  std::condition_variable changed_;
  std::deque<std::pair<sdk::ConnectionId,
                       std::function<void(gateway::Link&, gateway::ConnectionHandler&)>>>
      queue_;
  std::map<std::uint64_t, std::pair<FakeLink*, gateway::ConnectionHandler*>> connections_;
};

// Tokens and users set up before the test starts; read-only afterwards except
// through the mutex.
class FakeAccounts final : public auth::TokenAuthenticator, public auth::UserDirectory {
 public:
  void addUser(std::uint64_t id, std::string name) {
    std::lock_guard lock(mutex_);
    users_[id] = sdk::User{sdk::UserId{id}, std::move(name), std::nullopt};
  }
  void addToken(std::string token, std::uint64_t user) {
    std::lock_guard lock(mutex_);
    tokens_[token] = auth::Identity{sdk::UserId{user}, "hash-" + token};
  }

  std::optional<auth::Identity> authenticate(std::string_view token) noexcept override {
    std::lock_guard lock(mutex_);
    auto it = tokens_.find(std::string(token));
    if (it == tokens_.end()) return std::nullopt;
    return it->second;
  }
  std::optional<sdk::User> findUser(sdk::UserId id) noexcept override {
    std::lock_guard lock(mutex_);
    auto it = users_.find(sdk::value(id));
    if (it == users_.end()) return std::nullopt;
    return it->second;
  }
  std::optional<sdk::User> findUserByName(std::string_view name) noexcept override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, user] : users_) {
      if (user.name == name) return user;
    }
    return std::nullopt;
  }

 private:
  std::mutex mutex_;
  std::map<std::string, auth::Identity> tokens_;
  std::map<std::uint64_t, sdk::User> users_;
};

}  // namespace wind::session::testing
