#pragma once
// Core-side test doubles for loading real plugins: a recording Database,
// UserDirectory, Delivery, Clock, Reply and Poco log channel.

#include <Poco/Channel.h>
#include <Poco/Message.h>

#include <cctype>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "auth/identity.h"
#include "ids/clock.h"
#include "session/delivery.h"
#include "storage/database.h"
#include "wind/sdk/frame.h"

namespace wind::testing {

class FakeDatabase final : public storage::Database {
 public:
  struct Migrated {
    std::string owner;
    std::vector<sdk::Migration> migrations;
  };

  void migrate(std::string_view owner, std::span<const sdk::Migration> migrations) override {
    if (failMigrations) throw storage::StorageFailure("disk on fire");
    migrated.push_back({std::string(owner), {migrations.begin(), migrations.end()}});
  }
  sdk::QueryResult query(std::string_view, std::span<const sdk::Value>) noexcept override {
    return {};
  }
  sdk::WriteResult write(std::span<const sdk::Statement>) noexcept override { return {}; }
  bool ping() noexcept override { return true; }
  bool local() const noexcept override { return localStorage; }

  bool failMigrations = false;
  bool localStorage = true;
  std::vector<Migrated> migrated;
};

class FakeUsers final : public auth::UserDirectory {
 public:
  std::optional<sdk::User> findUser(sdk::UserId id) noexcept override {
    for (const auto& user : users) {
      if (user.id == id) return user;
    }
    return std::nullopt;
  }
  std::optional<sdk::User> findUserByName(std::string_view name) noexcept override {
    for (const auto& user : users) {
      if (equalIgnoringCase(user.name, name)) return user;
    }
    return std::nullopt;
  }
  std::vector<sdk::User> users;

 private:
  static bool equalIgnoringCase(std::string_view a, std::string_view b) {
    if (a.size() != b.size()) return false;
    for (std::size_t i = 0; i < a.size(); ++i) {
      if (std::tolower(static_cast<unsigned char>(a[i])) !=
          std::tolower(static_cast<unsigned char>(b[i]))) {
        return false;
      }
    }
    return true;
  }
};

class FakeDelivery final : public session::Delivery {
 public:
  struct Sent {
    std::optional<sdk::ConnectionId> connection;
    std::optional<sdk::UserId> user;
    std::optional<sdk::ConnectionId> except;
    std::string frame;
  };
  void sendToConnection(sdk::ConnectionId connection, std::string frame) noexcept override {
    std::lock_guard lock(mutex_);
    sent_.push_back({connection, std::nullopt, std::nullopt, std::move(frame)});
  }
  void sendToUser(sdk::UserId user, std::string frame,
                  std::optional<sdk::ConnectionId> except) noexcept override {
    std::lock_guard lock(mutex_);
    sent_.push_back({std::nullopt, user, except, std::move(frame)});
  }
  std::vector<Sent> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<Sent> sent_;
};

class FixedClock final : public ids::Clock {
 public:
  explicit FixedClock(std::int64_t micros) : micros_(micros) {}
  std::int64_t nowMicros() const noexcept override { return micros_; }

 private:
  std::int64_t micros_;
};

class RecordingReply final : public sdk::Reply {
 public:
  struct Frame {
    std::string type;
    std::string payload;
  };
  void send(std::string_view type, std::string_view payloadJson) noexcept override {
    frames.push_back({std::string(type), std::string(payloadJson)});
  }
  void error(sdk::ErrorCode code, std::string_view reason) noexcept override {
    frames.push_back({"error", std::to_string(static_cast<int>(code)) + " " + std::string(reason)});
  }
  // The deferred answer records into this reply too. Only for tests whose
  // deferred answers finish before the reply dies (FakeDatabase completes
  // writeAsync inline).
  sdk::DeferredReply defer() override { return sdk::DeferredReply(std::make_shared<Sink>(*this)); }
  std::vector<Frame> frames;
  bool finished = false;

 private:
  class Sink final : public sdk::DeferredSink {
   public:
    explicit Sink(RecordingReply& reply) : reply_(reply) {}
    ~Sink() override { finish({}); }
    void send(std::string_view type, std::string_view payloadJson) noexcept override {
      reply_.send(type, payloadJson);
    }
    void error(sdk::ErrorCode code, std::string_view reason) noexcept override {
      reply_.error(code, reason);
    }
    void finish(std::string_view) noexcept override { reply_.finished = true; }

   private:
    RecordingReply& reply_;
  };
};

// Poco channels are reference counted and destroyed through release().
class RecordingChannel final : public Poco::Channel {
 public:
  void log(const Poco::Message& message) override {
    std::lock_guard lock(mutex_);
    lines_.push_back(message.getText());
  }
  std::vector<std::string> lines() const {
    std::lock_guard lock(mutex_);
    return lines_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<std::string> lines_;
};

}  // namespace wind::testing
