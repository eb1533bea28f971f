// RedisBus: the publisher and subscriber threads (see redis_bus.h).
#include <Poco/Redis/Client.h>
#include <Poco/Redis/Exception.h>

#include <algorithm>
#include <unordered_map>
#include <vector>

#include "cluster/message.h"
#include "cluster/redis_bus.h"
#include "cluster/redis_keys.h"

namespace wind::cluster {
namespace {

using std::chrono::milliseconds;

// The node ids of a ZRANGEBYSCORE reply.
std::vector<unsigned> nodesOf(const Poco::Redis::Array& reply) {
  std::vector<unsigned> nodes;
  for (std::size_t i = 0; i < reply.size(); ++i) {
    const auto member = reply.get<Poco::Redis::BulkString>(i);
    if (member.isNull()) continue;
    try {
      nodes.push_back(static_cast<unsigned>(std::stoul(member.value())));
    } catch (const std::exception&) {
      // Not written by a node: ignored.
    }
  }
  return nodes;
}

// Reads `count` replies of a pipeline, discarding them (an error reply throws).
void readReplies(Poco::Redis::Client& client, std::size_t count) {
  for (std::size_t i = 0; i < count; ++i) {
    const auto reply = client.readReply();
    if (reply->isError()) throw Poco::Redis::RedisException(reply->toString());
  }
}

}  // namespace

bool RedisBus::stopping() {
  std::lock_guard lock(mutex_);
  return stopping_;
}

void RedisBus::backoff(milliseconds& delay) {
  std::unique_lock lock(mutex_);
  wake_.wait_for(lock, delay, [this] { return stopping_; });
  delay = std::min(delay * 2, kMaxBackoff);
}

void RedisBus::leaseLost() {
  if (leaseLost_) return;
  leaseLost_ = true;
  logger_.fatal("cluster bus: another node took server.node_id " + std::to_string(options_.nodeId) +
                " while Redis was unreachable; this node stops");
  if (options_.onLeaseLost) options_.onLeaseLost();
}

void RedisBus::refreshPresence(Poco::Redis::Client& client) {
  const std::vector<sdk::UserId> users = inbox_->localUsers();
  const std::int64_t expires = nowMs() + options_.ttl.count();
  const milliseconds keyTtl = options_.ttl * 2;
  for (std::size_t at = 0; at < users.size(); at += kPresenceChunk) {
    const std::size_t end = std::min(users.size(), at + kPresenceChunk);
    for (std::size_t i = at; i < end; ++i) {
      client.execute<void>(keys::addPresence(sdk::value(users[i]), options_.nodeId, expires));
      client.execute<void>(keys::expirePresenceKey(sdk::value(users[i]), keyTtl));
    }
    client.flush();
    readReplies(client, 2 * (end - at));
  }
}

// Which other nodes hold each user of `batch`, with this node's presence
// changes applied first, in queue order: one pipeline, one look-up per user.
std::unordered_map<std::uint64_t, std::vector<unsigned>> RedisBus::lookUp(
    Poco::Redis::Client& client, const std::deque<Item>& batch) {
  const std::int64_t now = nowMs();
  std::vector<std::uint64_t> replies;   // per command sent: the user looked up, or kNoUser
  constexpr std::uint64_t kNoUser = 0;  // snowflake user ids are never 0
  std::unordered_map<std::uint64_t, std::vector<unsigned>> nodes;
  for (const Item& item : batch) {
    if (item.op == Item::Op::online) {
      client.execute<void>(
          keys::addPresence(item.user, options_.nodeId, now + options_.ttl.count()));
      client.execute<void>(keys::expirePresenceKey(item.user, options_.ttl * 2));
      replies.insert(replies.end(), 2, kNoUser);
    } else if (item.op == Item::Op::offline) {
      client.execute<void>(keys::removePresence(item.user, options_.nodeId));
      replies.push_back(kNoUser);
    } else if (item.op == Item::Op::user && nodes.try_emplace(item.user).second) {
      client.execute<void>(keys::livePresence(item.user, now));
      replies.push_back(item.user);
    }
  }
  if (replies.empty()) return nodes;
  client.flush();
  for (const std::uint64_t user : replies) {
    if (user == kNoUser) {
      readReplies(client, 1);
      continue;
    }
    Poco::Redis::Array members;
    client.readReply(members);
    std::erase(nodes[user] = nodesOf(members), options_.nodeId);
  }
  return nodes;
}

// Publishes `batch` in queue order, in one pipeline.
void RedisBus::publishBatch(Poco::Redis::Client& client, const std::deque<Item>& batch) {
  if (batch.empty()) return;
  const auto nodes = lookUp(client, batch);
  std::size_t publishes = 0;
  for (const Item& item : batch) {
    if (item.op == Item::Op::revoke) {
      client.execute<void>(keys::publish(
          keys::kAllChannel, encode({BusMessage::Kind::revoke, options_.nodeId, 0, item.text})));
      ++publishes;
    }
    if (item.op != Item::Op::user) continue;
    const auto& targets = nodes.at(item.user);
    if (targets.empty()) continue;
    const std::string message =
        encode({BusMessage::Kind::user, options_.nodeId, item.user, item.text});
    for (unsigned node : targets)
      client.execute<void>(keys::publish(keys::nodeChannel(node), message));
    publishes += targets.size();
  }
  if (publishes == 0) return;
  client.flush();
  readReplies(client, publishes);
  published_.add(publishes);
}

bool RedisBus::reconnectPublisher(std::unique_ptr<Poco::Redis::Client>& client) {
  try {
    auto fresh = connect(kCommandTimeout);
    if (!takeLease(*fresh)) leaseLost();
    // Up before the snapshot of local users: a user arriving after it is queued.
    publisherUp_ = true;
    refreshPresence(*fresh);
    client = std::move(fresh);
    logger_.information("cluster bus: publisher reconnected to Redis at " + options_.address);
    return true;
  } catch (const std::exception& e) {
    publisherUp_ = false;
    logger_.debug(std::string("cluster bus: Redis still unreachable: ") + e.what());
    return false;
  }
}

void RedisBus::publisherLoop(std::unique_ptr<Poco::Redis::Client> client) {
  auto nextRenew = Clock::now() + options_.ttl / 3;
  auto nextPing = Clock::now() + kPingEvery;
  milliseconds delay = kMinBackoff;
  for (;;) {
    std::deque<Item> batch;
    bool stop = false;
    {
      std::unique_lock lock(mutex_);
      if (client) {
        wake_.wait_until(lock, std::min(nextRenew, nextPing),
                         [&] { return stopping_ || !queue_.empty(); });
      }
      stop = stopping_;
      batch.swap(queue_);
    }
    if (!client) {
      dropped_.add(static_cast<std::uint64_t>(
          std::count_if(batch.begin(), batch.end(), [](const Item& item) {
            return item.op == Item::Op::user || item.op == Item::Op::revoke;
          })));
      if (stop) break;
      if (reconnectPublisher(client)) {
        delay = kMinBackoff;
        nextRenew = Clock::now() + options_.ttl / 3;
      } else {
        backoff(delay);
      }
      continue;
    }
    try {
      publishBatch(*client, batch);
      const auto now = Clock::now();
      // The keep-alive also wakes the subscriber when stopping.
      if (now >= nextPing || stop) {
        client->execute<Poco::Int64>(
            keys::publish(keys::nodeChannel(options_.nodeId),
                          encode({BusMessage::Kind::ping, options_.nodeId, 0, {}})));
        nextPing = now + kPingEvery;
      }
      if (now >= nextRenew && !stop) {
        if (!takeLease(*client)) leaseLost();
        refreshPresence(*client);
        nextRenew = now + options_.ttl / 3;
      }
    } catch (const std::exception& e) {
      logger_.warning(std::string("cluster bus: lost the Redis publisher connection: ") + e.what());
      publisherUp_ = false;
      client.reset();
    }
    if (stop) break;
  }
  if (client) {
    try {
      client->execute<Poco::Int64>(keys::releaseLease(options_.nodeId, instance_));
    } catch (const std::exception&) {
      // The lease expires after cluster.ttl anyway.
    }
  }
  publisherUp_ = false;
}

void RedisBus::subscribe(Poco::Redis::Client& client) const {
  Poco::Redis::Array command;
  command.add(std::string("SUBSCRIBE"))
      .add(keys::nodeChannel(options_.nodeId))
      .add(std::string(keys::kAllChannel));
  client.execute<void>(command);
  client.flush();
  readReplies(client, 2);  // one confirmation per channel
}

void RedisBus::handle(std::string_view text) {
  const auto message = decode(text);
  if (!message) return;
  switch (message->kind) {
    case BusMessage::Kind::user:
      received_.add();
      inbox_->deliverToUser(sdk::UserId{message->user}, std::move(message->payload));
      break;
    case BusMessage::Kind::revoke:
      if (message->origin == options_.nodeId) break;  // applied here before it was published
      received_.add();
      inbox_->revokeToken(message->payload);
      break;
    case BusMessage::Kind::ping:
      break;
  }
}

void RedisBus::listen(Poco::Redis::Client& client) {
  while (!stopping()) {
    Poco::Redis::Array reply;
    client.readReply(reply);
    if (reply.size() == 3 && reply.get<Poco::Redis::BulkString>(0).value() == "message") {
      handle(reply.get<Poco::Redis::BulkString>(2).value());
    }
  }
}

void RedisBus::subscriberLoop(std::unique_ptr<Poco::Redis::Client> client) {
  milliseconds delay = kMinBackoff;
  while (!stopping()) {
    if (!client) {
      try {
        auto fresh = connect(kListenTimeout);
        subscribe(*fresh);
        client = std::move(fresh);
        subscriberUp_ = true;
        delay = kMinBackoff;
        logger_.information("cluster bus: subscriber reconnected to Redis at " + options_.address);
      } catch (const std::exception& e) {
        logger_.debug(std::string("cluster bus: Redis still unreachable: ") + e.what());
        backoff(delay);
        continue;
      }
    }
    try {
      listen(*client);
    } catch (const std::exception& e) {
      if (!stopping())
        logger_.warning(std::string("cluster bus: lost the Redis subscriber connection: ") +
                        e.what());
      subscriberUp_ = false;
      client.reset();
    }
  }
  subscriberUp_ = false;
}

}  // namespace wind::cluster
