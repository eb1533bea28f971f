#include "storage/reader_pool.h"

#include <algorithm>

namespace wind::storage {

ReaderPool::ReaderPool(const ConnectionOptions& options, unsigned count) {
  ConnectionOptions readOptions = options;
  readOptions.readOnly = true;
  const unsigned n = std::max(count, 1U);
  connections_.reserve(n);
  idle_.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    connections_.push_back(std::make_unique<SqliteConnection>(readOptions));
    idle_.push_back(connections_.back().get());
  }
}

ReaderPool::Lease ReaderPool::borrow() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !idle_.empty(); });
  SqliteConnection& connection = *idle_.back();
  idle_.pop_back();
  return Lease(*this, connection);
}

void ReaderPool::giveBack(SqliteConnection& connection) noexcept {
  {
    const std::lock_guard lock(mutex_);
    // Never reallocates: capacity is the number of connections.
    idle_.push_back(&connection);
  }
  available_.notify_one();
}

}  // namespace wind::storage
