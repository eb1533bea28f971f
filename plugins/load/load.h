#pragma once
// The load plugin: the `load` type (PROTOCOL.md §3.5). Chat history comes
// from the sdk::History service (offered by chat), the friend list from the
// sdk::Friends service (offered by mutual_users); this plugin owns no table.
//
// Created once on the main thread; onFrame runs on worker threads
// concurrently. Holds only its settings.

#include <cstdint>

#include "common/payload.h"
#include "wind/sdk/host.h"
#include "wind/sdk/plugin.h"

namespace wind::plugins::load {

const sdk::PluginInfo& info() noexcept;

class Load final : public sdk::PluginBase {
 public:
  static constexpr std::int64_t kDefaultCount = 50;
  static constexpr std::int64_t kMaxMaxCount = 100000;  // bound of the max_count setting

  // Reads max_count (default 100 when absent; std::invalid_argument outside 1…kMaxMaxCount).
  Load(const sdk::Settings& settings, sdk::Host& host);

 protected:
  void onFrame(const sdk::Request& request, sdk::Reply& reply) override;

 private:
  void loadChat(const Payload& payload, const sdk::Request& request, sdk::Reply& reply);
  void loadFriends(const sdk::Request& request, sdk::Reply& reply);
  std::int64_t beforeOf(const Payload& payload);
  int countOf(const Payload& payload) const;

  sdk::Host& host_;
  std::int64_t maxCount_;
};

}  // namespace wind::plugins::load
