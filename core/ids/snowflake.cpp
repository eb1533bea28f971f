#include "ids/snowflake.h"

#include <stdexcept>
#include <string>

namespace wind::ids {
namespace {

constexpr unsigned kNodeBits = 10;
constexpr unsigned kSequenceBits = 12;
constexpr unsigned kMaxNode = (1U << kNodeBits) - 1;
constexpr std::uint32_t kMaxSequence = (1U << kSequenceBits) - 1;
constexpr std::int64_t kMaxMillis = (std::int64_t{1} << 41) - 1;

}  // namespace

SnowflakeGenerator::SnowflakeGenerator(unsigned nodeId, const Clock& clock)
    : nodeId_(nodeId), clock_(clock) {
  if (nodeId > kMaxNode) {
    throw std::invalid_argument("snowflake node id " + std::to_string(nodeId) + " is above " +
                                std::to_string(kMaxNode));
  }
}

std::uint64_t SnowflakeGenerator::next() {
  // A clock before 2021 counts as the epoch itself rather than a negative field.
  std::int64_t now = clock_.nowMicros() / 1000 - kEpochMillis;
  if (now < 0) now = 0;

  const std::lock_guard lock(mutex_);
  if (now > lastMillis_) {
    lastMillis_ = now;
    sequence_ = 0;
  } else if (sequence_ < kMaxSequence) {
    ++sequence_;
  } else {
    // Borrowing the next millisecond keeps ids unique without waiting for the
    // clock, which may have stepped back by hours.
    ++lastMillis_;
    sequence_ = 0;
  }
  if (lastMillis_ > kMaxMillis) throw std::overflow_error("snowflake millisecond field exhausted");
  return (static_cast<std::uint64_t>(lastMillis_) << (kNodeBits + kSequenceBits)) |
         (static_cast<std::uint64_t>(nodeId_) << kSequenceBits) | sequence_;
}

std::int64_t SnowflakeGenerator::millisOf(std::uint64_t id) noexcept {
  return static_cast<std::int64_t>(id >> (kNodeBits + kSequenceBits)) + kEpochMillis;
}

unsigned SnowflakeGenerator::nodeOf(std::uint64_t id) noexcept {
  return static_cast<unsigned>((id >> kSequenceBits) & kMaxNode);
}

}  // namespace wind::ids
