#pragma once
// A fixed set of read connections lent out one caller at a time. A caller
// blocks while all are lent.

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/connection.h"
#include "storage/sqlite_connection.h"

namespace wind::storage {

class ReaderPool {
 public:
  // Opens `count` (at least one) connections with `open`, which throws
  // StorageFailure when it cannot.
  ReaderPool(unsigned count, const std::function<std::unique_ptr<Connection>()>& open);
  // Opens `count` (at least one) read-only SQLite connections. Throws StorageFailure.
  ReaderPool(const ConnectionOptions& options, unsigned count);

  // A lent connection; returns it to the pool when destroyed.
  class Lease {
   public:
    Lease(ReaderPool& pool, Connection& connection) : pool_(pool), connection_(connection) {}
    ~Lease() { pool_.giveBack(connection_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    Connection& operator*() const noexcept { return connection_; }
    Connection* operator->() const noexcept { return &connection_; }

   private:
    ReaderPool& pool_;
    Connection& connection_;
  };

  // Any thread; blocks until a connection is free.
  Lease borrow();

 private:
  void giveBack(Connection& connection) noexcept;

  std::vector<std::unique_ptr<Connection>> connections_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<Connection*> idle_;
};

}  // namespace wind::storage
