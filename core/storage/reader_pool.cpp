#include "storage/reader_pool.h"

#include <algorithm>

namespace wind::storage {

ReaderPool::ReaderPool(unsigned count, const std::function<std::unique_ptr<Connection>()>& open) {
  const unsigned n = std::max(count, 1U);
  connections_.reserve(n);
  idle_.reserve(n);
  for (unsigned i = 0; i < n; ++i) {
    connections_.push_back(open());
    idle_.push_back(connections_.back().get());
  }
}

ReaderPool::ReaderPool(const ConnectionOptions& options, unsigned count)
    : ReaderPool(count, [&options] {
        ConnectionOptions readOptions = options;
        readOptions.readOnly = true;
        return std::make_unique<SqliteConnection>(readOptions);
      }) {}

ReaderPool::Lease ReaderPool::borrow() {
  std::unique_lock lock(mutex_);
  available_.wait(lock, [this] { return !idle_.empty(); });
  Connection& connection = *idle_.back();
  idle_.pop_back();
  return Lease(*this, connection);
}

void ReaderPool::giveBack(Connection& connection) noexcept {
  {
    const std::lock_guard lock(mutex_);
    // Never reallocates: capacity is the number of connections.
    idle_.push_back(&connection);
  }
  available_.notify_one();
}

}  // namespace wind::storage
