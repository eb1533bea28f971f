#include "storage/migrations.h"

#include <algorithm>
#include <string>
#include <vector>

namespace wind::storage {
namespace {

bool failed(const StorageError& error) noexcept { return error.kind != StorageError::Kind::none; }

std::vector<const Migration*> ordered(std::string_view owner,
                                      std::span<const Migration> migrations) {
  std::vector<const Migration*> sorted;
  for (const Migration& migration : migrations) sorted.push_back(&migration);
  std::stable_sort(sorted.begin(), sorted.end(),
                   [](const Migration* a, const Migration* b) { return a->version < b->version; });
  for (std::size_t i = 0; i < sorted.size(); ++i) {
    if (sorted[i]->version < 1 || (i > 0 && sorted[i]->version == sorted[i - 1]->version)) {
      throw StorageFailure("storage: migrations of '" + std::string(owner) +
                           "' must have distinct versions from 1 up; found " +
                           std::to_string(sorted[i]->version) + " twice or below 1");
    }
  }
  return sorted;
}

std::int64_t recordedVersion(Connection& connection, std::string_view owner) {
  std::vector<Row> rows;
  const Value params[] = {std::string(owner)};
  if (auto error =
          connection.run("SELECT version FROM schema_migrations WHERE owner = ?", params, &rows);
      failed(error)) {
    throw StorageFailure("storage: database '" + connection.name() +
                         "': cannot read the schema version of '" + std::string(owner) +
                         "': " + error.message);
  }
  return rows.empty() ? 0 : std::get<std::int64_t>(rows.front().at(0));
}

StorageError applyOne(Connection& connection, std::string_view owner, const Migration& migration) {
  if (auto error = connection.begin(); failed(error)) return error;
  auto error = connection.exec(migration.sql);
  if (!failed(error)) {
    const Value params[] = {std::string(owner), std::int64_t{migration.version}};
    error = connection.run(
        "INSERT INTO schema_migrations(owner, version) VALUES(?, ?) "
        "ON CONFLICT(owner) DO UPDATE SET version = excluded.version",
        params, nullptr);
  }
  if (!failed(error)) error = connection.run("COMMIT", {}, nullptr);
  if (failed(error) && !connection.autocommit()) connection.run("ROLLBACK", {}, nullptr);
  return error;
}

}  // namespace

void ensureMigrationTable(Connection& connection) {
  if (auto error = connection.exec("CREATE TABLE IF NOT EXISTS schema_migrations("
                                   "owner TEXT PRIMARY KEY, version INTEGER NOT NULL)");
      failed(error)) {
    throw StorageFailure("storage: database '" + connection.name() +
                         "': cannot create schema_migrations: " + error.message);
  }
}

void applyMigrations(Connection& connection, std::string_view owner,
                     std::span<const Migration> migrations) {
  const auto sorted = ordered(owner, migrations);
  const std::int64_t current = recordedVersion(connection, owner);
  const int newest = sorted.empty() ? 0 : sorted.back()->version;
  if (current > newest) {
    throw StorageFailure("storage: database '" + connection.name() + "' has schema version " +
                         std::to_string(current) + " of '" + std::string(owner) +
                         "', newer than this build knows (" + std::to_string(newest) + ")");
  }
  for (const Migration* migration : sorted) {
    if (migration->version <= current) continue;
    if (auto error = applyOne(connection, owner, *migration); failed(error)) {
      throw StorageFailure("storage: database '" + connection.name() + "': migration " +
                           std::to_string(migration->version) + " of '" + std::string(owner) +
                           "' failed: " + error.message);
    }
  }
}

}  // namespace wind::storage
