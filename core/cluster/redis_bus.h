#pragma once
// The bus over Redis (cluster.bus: "redis://host:port"), with Poco Redis.
// Two threads of its own, never the event loops or workers:
//  - the publisher drains one ordered queue (so frames leave in the order
//    they were queued), looks up which nodes hold each user, publishes on
//    their channels in one pipeline, renews the node-id lease and this
//    node's presence every ttl/3, and keeps a keep-alive flowing to its own
//    channel;
//  - the subscriber listens on wind:node:<id> and wind:all and hands what
//    arrives to the Inbox.
// Either reconnects with backoff when Redis goes away; the publisher then
// takes the lease again and re-publishes presence. While Redis is away,
// frames for other nodes are dropped (counted): they are stored, and
// clients `load` them. Callers only ever queue; nothing blocks them.

#include <Poco/Logger.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <vector>

#include "cluster/bus.h"
#include "metrics/registry.h"

namespace Poco::Redis {
class Client;
}

namespace wind::cluster {

struct RedisBusOptions {
  std::string address;                   // "host:port"
  unsigned nodeId = 0;                   // server.node_id
  std::chrono::milliseconds ttl{15000};  // cluster.ttl: lease and presence lifetime
  // Called once, on the publisher thread, when another instance took this
  // node's id while Redis was unreachable (main shuts the node down).
  std::function<void()> onLeaseLost;
};

class RedisBus final : public Bus {
 public:
  // `metrics` and `logger` outlive this. Nothing connects before start().
  RedisBus(RedisBusOptions options, metrics::Registry& metrics, Poco::Logger& logger);
  ~RedisBus() override;
  RedisBus(const RedisBus&) = delete;
  RedisBus& operator=(const RedisBus&) = delete;

  // Connects (throws ClusterError when Redis is unreachable or the node id
  // is held by a live node), subscribes, starts both threads.
  void start(Inbox& inbox) override;
  void stop() noexcept override;

  void userOnline(sdk::UserId user) noexcept override;
  void userOffline(sdk::UserId user) noexcept override;
  void sendToUser(sdk::UserId user, const std::string& frame) noexcept override;
  void revokeToken(std::string_view tokenHash) noexcept override;

  // Both threads are connected (for tests and the wind_cluster_bus_connected gauge).
  bool connected() const noexcept { return publisherUp_.load() && subscriberUp_.load(); }
  const std::string& instance() const noexcept { return instance_; }

 private:
  struct Item {
    enum class Op { online, offline, user, revoke };
    Op op;
    std::uint64_t user = 0;
    std::string text;
  };
  using Clock = std::chrono::steady_clock;
  static constexpr std::chrono::milliseconds kConnectTimeout{2000};
  static constexpr std::chrono::milliseconds kCommandTimeout{3000};
  // The publisher pings its own channel every kPingEvery, so a subscriber
  // that hears nothing for kListenTimeout knows its connection is dead.
  static constexpr std::chrono::milliseconds kPingEvery{1000};
  static constexpr std::chrono::milliseconds kListenTimeout{5000};
  static constexpr std::chrono::milliseconds kMinBackoff{100};
  static constexpr std::chrono::milliseconds kMaxBackoff{2000};
  static constexpr std::size_t kMaxQueued =
      100000;  // past this, frames are dropped, memory is not grown
  static constexpr std::size_t kPresenceChunk = 1000;  // users per presence-refresh pipeline

  void enqueue(Item item) noexcept;
  std::unique_ptr<Poco::Redis::Client> connect(std::chrono::milliseconds receiveTimeout) const;
  bool takeLease(Poco::Redis::Client& client) const;
  void refreshPresence(Poco::Redis::Client& client);
  std::unordered_map<std::uint64_t, std::vector<unsigned>> lookUp(Poco::Redis::Client& client,
                                                                  const std::deque<Item>& batch);
  void publishBatch(Poco::Redis::Client& client, const std::deque<Item>& batch);
  std::int64_t nowMs() const;

  void publisherLoop(std::unique_ptr<Poco::Redis::Client> client);
  bool reconnectPublisher(std::unique_ptr<Poco::Redis::Client>& client);
  void leaseLost();
  void subscriberLoop(std::unique_ptr<Poco::Redis::Client> client);
  void subscribe(Poco::Redis::Client& client) const;
  void listen(Poco::Redis::Client& client);
  void handle(std::string_view text);
  bool stopping();
  // Sleeps `delay` unless stopping; then doubles it up to the maximum.
  void backoff(std::chrono::milliseconds& delay);

  const RedisBusOptions options_;
  const std::string instance_;  // random; tells this process's lease from another's
  Poco::Logger& logger_;
  metrics::Counter& published_;
  metrics::Counter& received_;
  metrics::Counter& dropped_;
  Inbox* inbox_ = nullptr;

  std::mutex mutex_;
  std::condition_variable wake_;
  std::deque<Item> queue_;
  bool stopping_ = false;
  bool leaseLost_ = false;  // publisher thread only
  std::atomic<bool> publisherUp_{false};
  std::atomic<bool> subscriberUp_{false};
  std::thread publisher_;
  std::thread subscriber_;
};

}  // namespace wind::cluster
