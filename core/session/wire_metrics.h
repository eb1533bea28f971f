#pragma once
// Per-type traffic counters for /metrics: frames in and out by type, error
// frames by code, closes the server initiates by code.
//
// Made by main and handed to the sessions and the SessionRegistry; outlives
// them. Thread-safe: each call finds its counter under a shared lock (a new
// label takes the exclusive lock once). Labels are bounded: frames in are
// labelled only with types the server knows (others are "unknown"), and at
// most kMaxLabels distinct values per metric are kept (then "other").

#include <cstdint>
#include <map>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "metrics/registry.h"

namespace wind::session {

class WireMetrics {
 public:
  static constexpr std::size_t kMaxLabels = 256;

  explicit WireMetrics(metrics::Registry& registry);

  // A frame arrived with a valid envelope of `type`; `known` when the core or
  // a plugin handles that type. Loop thread.
  void frameIn(std::string_view type, bool known) noexcept;
  // A frame the server queued for one connection (any frame made by
  // dispatch::makeFrame: {"type":"…",…}); error frames also count their code.
  void frameOut(std::string_view frame) noexcept;
  // The server closed a connection with `code`.
  void closed(std::uint16_t code) noexcept;

 private:
  using Family = std::map<std::string, metrics::Counter*, std::less<>>;
  void count(Family& family, std::string_view name, std::string_view help, std::string_view label,
             std::string_view value) noexcept;

  metrics::Registry& registry_;
  std::shared_mutex mutex_;
  Family in_;
  Family out_;
  Family errors_;
  Family closes_;
};

}  // namespace wind::session
