#pragma once
// The chat plugin: direct messages between two users (PROTOCOL.md §3.4),
// stored under their ordered pair, and the sdk::History service through
// which the `load` plugin reads them (§3.5).
//
// Created once on the main thread. onFrame runs on the connections' event
// loops while storage is embedded (Execution::eventLoopWhenStorageIsLocal;
// on workers with PostgreSQL), concurrently across loops: a send never
// waits there, its checks hit caches (KnownUsers here, mutual_users'
// friend cache) and its write is asynchronous; the answer and the delivery
// continue on the storage writer's thread after the commit
// (sdk::Storage::writeAsync, sdk::Reply::defer). The type is pipelined
// (sdk::TypeSpec::pipelined): a connection's next chat frame may run before
// the previous one committed. A cache miss or an edit reads storage
// (indexed point reads, tens of µs on SQLite).
// History::before runs on worker threads. Holds
// its settings and a short-lived cache of existing peers; state is in storage.

#include <atomic>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "common/payload.h"
#include "known_users.h"
#include "message_store.h"
#include "wind/sdk/history.h"
#include "wind/sdk/host.h"
#include "wind/sdk/plugin.h"

namespace wind::plugins::chat {

const sdk::PluginInfo& info() noexcept;

enum class DmPolicy { friends, anyone };

class Chat final : public sdk::PluginBase, public sdk::History {
 public:
  // Reads max_length and dm_policy (defaults for absent keys; throws
  // std::invalid_argument for invalid values). Registers itself with
  // host.provideHistory().
  Chat(const sdk::Settings& settings, sdk::Host& host);

  std::optional<std::vector<sdk::HistoryEntry>> before(sdk::UserId a, sdk::UserId b,
                                                       std::int64_t beforeMicros,
                                                       int count) const noexcept override;

  // Reload (server main or admin thread, concurrent with handlers): takes
  // the new max_length, the one setting declared reloadable.
  sdk::Status reconfigure(const sdk::Settings& settings) noexcept override;

 protected:
  void onFrame(const sdk::Request& request, sdk::Reply& reply) override;

 private:
  void send(const Payload& payload, const sdk::Request& request, sdk::Reply& reply);
  void edit(const Payload& payload, const sdk::Request& request, sdk::Reply& reply);
  void checkLength(const std::string& content) const;
  void requirePeer(sdk::UserId peer);
  // A stored message on its way out once its commit returned.
  struct Delivery {
    std::string payload;
    sdk::UserId author;
    sdk::ConnectionId connection;  // the author's sending connection, answered through the reply
    sdk::UserId peer;
  };
  // To the author's other connections and the peer's (any thread, e.g. the storage writer's).
  void fanOut(const Delivery& delivery) noexcept;

  sdk::Host& host_;
  mutable MessageStore store_;
  std::atomic<std::int64_t> maxLength_;  // reloadable
  DmPolicy policy_;
  sdk::Counter& sent_;
  sdk::Counter& edited_;
  sdk::Histogram&
      sendWrite_;  // storage write time of each stored send (wind_plugin_send_write_seconds)
  KnownUsers knownUsers_;  // peers found recently (requirePeer)
};

}  // namespace wind::plugins::chat
