#pragma once
// A fixed set of read connections lent out one caller at a time. A caller
// blocks while all are lent.

#include <condition_variable>
#include <memory>
#include <mutex>
#include <vector>

#include "storage/sqlite_connection.h"

namespace wind::storage {

class ReaderPool {
 public:
  // Opens `count` (at least one) read-only connections. Throws StorageFailure.
  ReaderPool(const ConnectionOptions& options, unsigned count);

  // A lent connection; returns it to the pool when destroyed.
  class Lease {
   public:
    Lease(ReaderPool& pool, SqliteConnection& connection) : pool_(pool), connection_(connection) {}
    ~Lease() { pool_.giveBack(connection_); }
    Lease(const Lease&) = delete;
    Lease& operator=(const Lease&) = delete;
    SqliteConnection& operator*() const noexcept { return connection_; }
    SqliteConnection* operator->() const noexcept { return &connection_; }

   private:
    ReaderPool& pool_;
    SqliteConnection& connection_;
  };

  // Any thread; blocks until a connection is free.
  Lease borrow();

 private:
  void giveBack(SqliteConnection& connection) noexcept;

  std::vector<std::unique_ptr<SqliteConnection>> connections_;
  std::mutex mutex_;
  std::condition_variable available_;
  std::vector<SqliteConnection*> idle_;
};

}  // namespace wind::storage
