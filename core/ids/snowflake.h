#pragma once
// Snowflake ids (PROTOCOL.md §1): 41 bits of milliseconds since
// 2021-01-01T00:00:00Z | 10 bits node id | 12 bits sequence; top bit 0.

#include <cstdint>
#include <mutex>

#include "ids/clock.h"

namespace wind::ids {

inline constexpr std::int64_t kEpochMillis = 1609459200000;  // 2021-01-01T00:00:00Z

class SnowflakeGenerator {
 public:
  // Throws std::invalid_argument when nodeId > 1023. `clock` must outlive this.
  SnowflakeGenerator(unsigned nodeId, const Clock& clock);

  // Strictly greater than every id this generator returned before, even when
  // the clock steps back (it then keeps counting on the last millisecond,
  // borrowing the next millisecond when the sequence is exhausted). Thread-safe.
  std::uint64_t next();

  // Unix-epoch milliseconds encoded in `id` (its 41-bit field plus kEpochMillis).
  static std::int64_t millisOf(std::uint64_t id) noexcept;
  // The 10-bit node id encoded in `id`.
  static unsigned nodeOf(std::uint64_t id) noexcept;

 private:
  const unsigned nodeId_;
  const Clock& clock_;
  std::mutex mutex_;
  std::int64_t lastMillis_ = -1;
  std::uint32_t sequence_ = 0;
};

}  // namespace wind::ids
