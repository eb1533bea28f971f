#pragma once
// Schema versions per owner, recorded in schema_migrations(owner, version).

#include <span>
#include <string_view>

#include "storage/connection.h"
#include "storage/database.h"

namespace wind::storage {

// Creates schema_migrations when missing. Throws StorageFailure.
void ensureMigrationTable(Connection& connection);

// Applies the migrations of `owner` above its recorded version in ascending
// order, each with its version bump in one transaction (Connection::begin). Throws
// StorageFailure naming owner and version; a failed migration leaves nothing
// of itself behind. Also throws when versions repeat or are below 1, or when
// the database records a version newer than any in `migrations`.
void applyMigrations(Connection& connection, std::string_view owner,
                     std::span<const Migration> migrations);

}  // namespace wind::storage
