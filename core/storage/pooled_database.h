#pragma once
// The Database of every engine: one writer connection behind the group
// commit thread, a pool of reader connections. An engine (SQLite,
// PostgreSQL) only opens the connections; SQLite adds backups.

#include <functional>
#include <memory>
#include <vector>

#include "storage/connection.h"
#include "storage/database.h"
#include "storage/group_writer.h"
#include "storage/reader_pool.h"

namespace wind::storage {

class PooledDatabase : public Database {
 public:
  // Owns `writer` (whose schema_migrations table exists) and opens `readers`
  // connections with `openReader`. Throws StorageFailure.
  PooledDatabase(std::unique_ptr<Connection> writer, BatchLimits limits, unsigned readers,
                 const std::function<std::unique_ptr<Connection>()>& openReader);

  void migrate(std::string_view owner, std::span<const Migration> migrations) override;
  QueryResult query(std::string_view sql, std::span<const Value> params) noexcept override;
  WriteResult write(std::span<const Statement> statements) noexcept override;
  void writeAsync(std::vector<Statement> statements,
                  std::function<void(WriteResult)> done) noexcept override;
  void flush() noexcept override;
  bool ping() noexcept override;

 protected:
  ReaderPool& readers() noexcept { return readers_; }
  // Runs `fn(Connection&)` on the writer connection between batches (startup).
  template <typename Fn>
  decltype(auto) withWriter(Fn&& fn) {
    return writer_.withConnection(std::forward<Fn>(fn));
  }

 private:
  // Destroyed readers first, then the writer, which commits what is queued.
  GroupWriter writer_;
  ReaderPool readers_;
};

}  // namespace wind::storage
