#include "cluster/redis_bus.h"

#include <Poco/Redis/Client.h>
#include <Poco/Redis/Exception.h>
#include <Poco/Timespan.h>

#include <algorithm>
#include <random>

#include "cluster/redis_keys.h"

namespace wind::cluster {
namespace {

using std::chrono::milliseconds;

std::string randomInstance() {
  std::random_device random;
  std::string text;
  static constexpr char kHex[] = "0123456789abcdef";
  for (int i = 0; i < 32; ++i) text += kHex[random() % 16];
  return text;
}

Poco::Timespan timespan(milliseconds duration) {
  return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(duration.count()) * 1000);
}

}  // namespace

RedisBus::RedisBus(RedisBusOptions options, metrics::Registry& metrics, Poco::Logger& logger)
    : options_(std::move(options)),
      instance_(randomInstance()),
      logger_(logger),
      published_(
          metrics.counter("wind_cluster_messages_published_total",
                          "Messages this node published to other nodes over the cluster bus")),
      received_(
          metrics.counter("wind_cluster_messages_received_total",
                          "Messages this node received from other nodes over the cluster bus")),
      dropped_(metrics.counter(
          "wind_cluster_messages_dropped_total",
          "Messages for other nodes dropped because Redis was unreachable or the queue full")) {
  metrics.gaugeFunction("wind_cluster_bus_connected",
                        "1 while both cluster bus connections to Redis are up", {},
                        [this] { return connected() ? 1 : 0; });
}

RedisBus::~RedisBus() { stop(); }

std::unique_ptr<Poco::Redis::Client> RedisBus::connect(milliseconds receiveTimeout) const {
  auto client = std::make_unique<Poco::Redis::Client>();
  client->connect(options_.address, timespan(kConnectTimeout));
  client->setReceiveTimeout(timespan(receiveTimeout));
  return client;
}

bool RedisBus::takeLease(Poco::Redis::Client& client) const {
  return client.execute<Poco::Int64>(keys::takeLease(options_.nodeId, instance_, options_.ttl)) ==
         1;
}

std::int64_t RedisBus::nowMs() const {
  return std::chrono::duration_cast<milliseconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

void RedisBus::start(Inbox& inbox) {
  inbox_ = &inbox;
  const std::string where = "Redis at " + options_.address + " (cluster.bus)";
  std::unique_ptr<Poco::Redis::Client> publisher;
  std::unique_ptr<Poco::Redis::Client> subscriber;
  try {
    publisher = connect(kCommandTimeout);
    if (!takeLease(*publisher)) {
      throw ClusterError("server.node_id " + std::to_string(options_.nodeId) +
                         " is held by another live node (" + keys::nodeKey(options_.nodeId) +
                         " in " + where + "); give every node its own server.node_id");
    }
    subscriber = connect(kListenTimeout);
    subscribe(*subscriber);
  } catch (const Poco::Exception& e) {
    if (publisher) {
      try {
        publisher->execute<Poco::Int64>(keys::releaseLease(options_.nodeId, instance_));
      } catch (const Poco::Exception&) {
      }
    }
    throw ClusterError("cannot use " + where + ": " + e.displayText());
  }
  publisherUp_ = true;
  subscriberUp_ = true;
  subscriber_ = std::thread(
      [this, client = std::move(subscriber)]() mutable { subscriberLoop(std::move(client)); });
  publisher_ = std::thread(
      [this, client = std::move(publisher)]() mutable { publisherLoop(std::move(client)); });
  logger_.information("cluster bus: node " + std::to_string(options_.nodeId) + " joined through " +
                      where);
}

void RedisBus::stop() noexcept {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  if (publisher_.joinable()) publisher_.join();
  if (subscriber_.joinable()) subscriber_.join();
}

void RedisBus::enqueue(Item item) noexcept {
  try {
    const bool frame = item.op == Item::Op::user || item.op == Item::Op::revoke;
    {
      std::lock_guard lock(mutex_);
      // Presence is re-published whole on reconnect, so changes made while
      // Redis is away need not wait; frames are dropped (they are stored).
      if (stopping_ || !publisherUp_.load() || queue_.size() >= kMaxQueued) {
        if (frame) dropped_.add();
        return;
      }
      queue_.push_back(std::move(item));
    }
    wake_.notify_one();
  } catch (...) {
    dropped_.add();
  }
}

void RedisBus::userOnline(sdk::UserId user) noexcept {
  enqueue(Item{Item::Op::online, sdk::value(user), {}});
}
void RedisBus::userOffline(sdk::UserId user) noexcept {
  enqueue(Item{Item::Op::offline, sdk::value(user), {}});
}

void RedisBus::sendToUser(sdk::UserId user, const std::string& frame) noexcept {
  try {
    enqueue(Item{Item::Op::user, sdk::value(user), frame});
  } catch (...) {
    dropped_.add();
  }
}

void RedisBus::revokeToken(std::string_view tokenHash) noexcept {
  try {
    enqueue(Item{Item::Op::revoke, 0, std::string(tokenHash)});
  } catch (...) {
    dropped_.add();
  }
}

}  // namespace wind::cluster
