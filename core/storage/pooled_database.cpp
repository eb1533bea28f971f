#include "storage/pooled_database.h"

#include <exception>

#include "storage/migrations.h"

namespace wind::storage {

PooledDatabase::PooledDatabase(std::unique_ptr<Connection> writer, BatchLimits limits,
                               unsigned readers,
                               const std::function<std::unique_ptr<Connection>()>& openReader)
    : writer_(std::move(writer), std::move(limits)), readers_(readers, openReader) {}

void PooledDatabase::migrate(std::string_view owner, std::span<const Migration> migrations) {
  withWriter([&](Connection& connection) { applyMigrations(connection, owner, migrations); });
}

QueryResult PooledDatabase::query(std::string_view sql, std::span<const Value> params) noexcept {
  QueryResult result;
  try {
    auto reader = readers_.borrow();
    result.error = reader->run(sql, params, &result.rows);
  } catch (const std::exception& e) {
    result.error = {StorageError::Kind::other, e.what()};
  }
  if (!result.ok()) result.rows.clear();
  return result;
}

WriteResult PooledDatabase::write(std::span<const Statement> statements) noexcept {
  return writer_.write(statements);
}

void PooledDatabase::writeAsync(std::vector<Statement> statements,
                                std::function<void(WriteResult)> done) noexcept {
  writer_.writeAsync(std::move(statements), std::move(done));
}

void PooledDatabase::flush() noexcept { writer_.flush(); }

bool PooledDatabase::ping() noexcept { return query("SELECT 1", {}).ok(); }

}  // namespace wind::storage
