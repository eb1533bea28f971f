#include <fstream>
#include <string>
#include <vector>

#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/pooled_database.h"
#include "storage/postgres_connection.h"

namespace wind::storage {
namespace {

// Several nodes may start at once on one database: the schema is changed by
// one of them at a time (a session-level advisory lock of the writer
// connection; the key is arbitrary but fixed).
constexpr std::int64_t kMigrationLock = 0x77696e64;  // "wind"

class MigrationLock {
 public:
  explicit MigrationLock(Connection& connection) : connection_(connection) {
    const Value key[] = {kMigrationLock};
    if (auto error = connection_.run("SELECT pg_advisory_lock(?)", key, nullptr);
        error.kind != StorageError::Kind::none) {
      throw StorageFailure("storage: PostgreSQL at '" + connection_.name() +
                           "': cannot take the migration lock: " + error.message);
    }
  }
  ~MigrationLock() {
    const Value key[] = {kMigrationLock};
    connection_.run("SELECT pg_advisory_unlock(?)", key, nullptr);
  }
  MigrationLock(const MigrationLock&) = delete;
  MigrationLock& operator=(const MigrationLock&) = delete;

 private:
  Connection& connection_;
};

class PostgresDatabase final : public PooledDatabase {
 public:
  PostgresDatabase(const PostgresOptions& options, const PostgresConnectionOptions& connection)
      : PooledDatabase(openWriter(connection),
                       BatchLimits{options.maxBatchDelay, options.maxBatchStatements,
                                   options.onCommit, options.completionScope},
                       options.readers, [connection] {
                         PostgresConnectionOptions readOptions = connection;
                         readOptions.readOnly = true;
                         return std::make_unique<PostgresConnection>(readOptions);
                       }) {}

  bool local() const noexcept override { return false; }

  void migrate(std::string_view owner, std::span<const Migration> migrations) override {
    withWriter([&](Connection& writer) {
      const MigrationLock lock(writer);
      applyMigrations(writer, owner, migrations);
    });
  }

 private:
  static std::unique_ptr<Connection> openWriter(const PostgresConnectionOptions& options) {
    auto connection = std::make_unique<PostgresConnection>(options);
    const MigrationLock lock(*connection);
    ensureMigrationTable(*connection);
    return connection;
  }
};

PostgresConnectionOptions connectionOptions(const PostgresOptions& options) {
  PostgresConnectionOptions connection;
  connection.conninfo = postgresConninfo(options.url, options.password,
                                         options.connectTimeoutSeconds, connection.name);
  return connection;
}

}  // namespace

std::string readPasswordFile(const std::string& path) {
  if (path.empty()) return {};
  std::ifstream in(path);
  std::string password;
  if (!in || !std::getline(in, password)) {
    throw StorageFailure("storage: cannot read storage.password_file '" + path + "'");
  }
  if (!password.empty() && password.back() == '\r') password.pop_back();
  return password;
}

std::unique_ptr<Database> openPostgres(const PostgresOptions& options) {
  if (options.url.empty()) {
    throw StorageFailure("storage: storage.url must be set when storage.driver is postgresql");
  }
  return std::make_unique<PostgresDatabase>(options, connectionOptions(options));
}

}  // namespace wind::storage
