#include <filesystem>
#include <system_error>

#include "storage/database.h"
#include "storage/migrations.h"
#include "storage/pooled_database.h"
#include "storage/sqlite_checkpointer.h"
#include "storage/sqlite_connection.h"

namespace wind::storage {
namespace {

class SqliteDatabase final : public PooledDatabase {
 public:
  explicit SqliteDatabase(const SqliteOptions& options)
      : PooledDatabase(openWriter(options),
                       BatchLimits{options.maxBatchDelay, options.maxBatchStatements,
                                   options.onCommit, options.completionScope},
                       options.readers,
                       [&options] {
                         ConnectionOptions readOptions = connectionOptions(options);
                         readOptions.readOnly = true;
                         return std::make_unique<SqliteConnection>(readOptions);
                       }),
        checkpointer_(connectionOptions(options),
                      CheckpointLimits{options.checkpointFrames, options.writerCheckpointFrames}) {
    withWriter([this](Connection& writer) {
      static_cast<SqliteConnection&>(writer).setWalHook(
          [this](int walFrames) { return checkpointer_.committed(walFrames); });
    });
  }

  ~SqliteDatabase() override {
    // The writer commits what is still queued after this body (in
    // ~PooledDatabase), when the checkpointer is gone: back to SQLite's own.
    withWriter([](Connection& writer) { static_cast<SqliteConnection&>(writer).setWalHook({}); });
  }

  bool local() const noexcept override { return true; }

  void backup(const std::string& path) override {
    // Every connection of this pool is an SqliteConnection: the constructor opened them.
    static_cast<SqliteConnection&>(*readers().borrow()).backupTo(path);
  }

 private:
  static ConnectionOptions connectionOptions(const SqliteOptions& options) {
    return ConnectionOptions{options.path, options.synchronousFull, options.busyTimeout, false};
  }

  static std::unique_ptr<Connection> openWriter(const SqliteOptions& options);

  SqliteCheckpointer checkpointer_;
};

std::unique_ptr<Connection> SqliteDatabase::openWriter(const SqliteOptions& options) {
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

}  // namespace

std::unique_ptr<Database> openSqlite(const SqliteOptions& options) {
  return std::make_unique<SqliteDatabase>(options);
}

}  // namespace wind::storage
