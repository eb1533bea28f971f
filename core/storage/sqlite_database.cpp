#include <exception>
#include <filesystem>
#include <system_error>

#include "storage/database.h"
#include "storage/group_writer.h"
#include "storage/migrations.h"
#include "storage/reader_pool.h"
#include "storage/sqlite_connection.h"

namespace wind::storage {
namespace {

class SqliteDatabase final : public Database {
 public:
  explicit SqliteDatabase(const SqliteOptions& options)
      : writer_(openWriter(options),
                BatchLimits{options.maxBatchDelay, options.maxBatchStatements, options.onCommit}),
        readers_(connectionOptions(options), options.readers) {}

  void migrate(std::string_view owner, std::span<const Migration> migrations) override {
    writer_.withConnection(
        [&](SqliteConnection& connection) { applyMigrations(connection, owner, migrations); });
  }

  QueryResult query(std::string_view sql, std::span<const Value> params) noexcept override {
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

  WriteResult write(std::span<const Statement> statements) noexcept override {
    return writer_.write(statements);
  }

  void writeAsync(std::vector<Statement> statements, std::function<void(WriteResult)> done) noexcept override {
    writer_.writeAsync(std::move(statements), std::move(done));
  }

  void flush() noexcept override { writer_.flush(); }

  bool ping() noexcept override { return query("SELECT 1", {}).ok(); }

  void backup(const std::string& path) override { readers_.borrow()->backupTo(path); }

 private:
  static ConnectionOptions connectionOptions(const SqliteOptions& options) {
    return ConnectionOptions{options.path, options.synchronousFull, options.busyTimeout, false};
  }

  static std::unique_ptr<SqliteConnection> openWriter(const SqliteOptions& options) {
    const std::filesystem::path parent = std::filesystem::path(options.path).parent_path();
    std::error_code error;
    if (!parent.empty()) std::filesystem::create_directories(parent, error);
    if (error) {
      throw StorageFailure("storage: cannot create the directory of database '" + options.path +
                           "': " + error.message());
    }
    auto connection = std::make_unique<SqliteConnection>(connectionOptions(options));
    ensureMigrationTable(*connection);
    return connection;
  }

  // Destroyed readers first, then the writer, which commits what is queued.
  GroupWriter writer_;
  ReaderPool readers_;
};

}  // namespace

std::unique_ptr<Database> openSqlite(const SqliteOptions& options) {
  return std::make_unique<SqliteDatabase>(options);
}

}  // namespace wind::storage
