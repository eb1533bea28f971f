#include "offline.h"

#include <sqlite3.h>

#include <filesystem>
#include <stdexcept>

namespace wind::windctl {
namespace {

namespace fs = std::filesystem;

// The first column of the first row of `sql` as text ("" when no row).
std::string scalar(sqlite3* db, const char* sql) {
  sqlite3_stmt* statement = nullptr;
  if (sqlite3_prepare_v2(db, sql, -1, &statement, nullptr) != SQLITE_OK) {
    throw std::runtime_error(sqlite3_errmsg(db));
  }
  std::string value;
  if (sqlite3_step(statement) == SQLITE_ROW) {
    const auto* text = sqlite3_column_text(statement, 0);
    if (text != nullptr) value = reinterpret_cast<const char*>(text);
  }
  sqlite3_finalize(statement);
  return value;
}

void verifyBackup(const std::string& path) {
  if (!fs::is_regular_file(path)) throw std::runtime_error("no backup file '" + path + "'");
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
    sqlite3_close(db);
    throw std::runtime_error("'" + path + "' is not an SQLite database");
  }
  std::string problem;
  try {
    if (scalar(db, "PRAGMA integrity_check") != "ok")
      problem = "fails integrity_check";
    else if (scalar(db, "SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'users'")
                 .empty())
      problem = "is not a WIND database (no users table)";
  } catch (const std::exception& e) {
    problem = e.what();
  }
  sqlite3_close(db);
  if (!problem.empty()) throw std::runtime_error("backup '" + path + "' " + problem);
}

}  // namespace

void restoreDatabase(const std::string& backupPath, const std::string& databasePath) {
  verifyBackup(backupPath);
  const fs::path target(databasePath);
  if (target.has_parent_path()) fs::create_directories(target.parent_path());
  const fs::path staging = target.string() + ".restoring";
  fs::copy_file(backupPath, staging, fs::copy_options::overwrite_existing);
  for (const char* suffix : {"-wal", "-shm", "-journal"}) fs::remove(target.string() + suffix);
  fs::rename(staging, target);
}

}  // namespace wind::windctl
