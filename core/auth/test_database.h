#pragma once
// Test only: storage::Database on one plain sqlite3 connection, so the
// Accounts tests run against real SQL without the production storage.

#include <sqlite3.h>

#include <filesystem>
#include <map>
#include <mutex>
#include <random>
#include <stdexcept>
#include <string>

#include "storage/database.h"

namespace wind::auth::testing {

class TestDatabase final : public storage::Database {
 public:
  TestDatabase()
      : path_(std::filesystem::temp_directory_path() /
              ("wind-auth-test-" + std::to_string(std::random_device{}()) + ".db")) {
    if (sqlite3_open(path_.c_str(), &db_) != SQLITE_OK)
      throw std::runtime_error("cannot open test database");
    exec("PRAGMA foreign_keys = ON");
  }
  ~TestDatabase() override {
    sqlite3_close(db_);
    std::error_code ignored;
    std::filesystem::remove(path_, ignored);
  }

  void migrate(std::string_view owner, std::span<const storage::Migration> migrations) override {
    auto& applied = versions_[std::string(owner)];
    for (const auto& migration : migrations) {
      if (migration.version <= applied) continue;
      exec(migration.sql);
      applied = migration.version;
    }
  }

  storage::QueryResult query(std::string_view sql,
                             std::span<const storage::Value> params) noexcept override {
    std::lock_guard lock(mutex_);
    storage::QueryResult result;
    auto* statement = prepare(sql, params, result.error);
    if (!statement) return result;
    int rc = 0;
    while ((rc = sqlite3_step(statement)) == SQLITE_ROW) result.rows.push_back(rowOf(statement));
    if (rc != SQLITE_DONE) result.error = errorOf(rc);
    sqlite3_finalize(statement);
    return result;
  }

  storage::WriteResult write(std::span<const storage::Statement> statements) noexcept override {
    std::lock_guard lock(mutex_);
    storage::WriteResult result;
    sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (const auto& unit : statements) {
      auto* statement = prepare(unit.sql, unit.params, result.error);
      if (!statement) break;
      const int rc = sqlite3_step(statement);
      sqlite3_finalize(statement);
      if (rc != SQLITE_DONE) {
        result.error = errorOf(rc);
        break;
      }
      result.changes.push_back(sqlite3_changes(db_));
    }
    sqlite3_exec(db_, result.ok() ? "COMMIT" : "ROLLBACK", nullptr, nullptr, nullptr);
    if (!result.ok()) result.changes.clear();
    return result;
  }

  bool ping() noexcept override { return true; }
  bool local() const noexcept override { return true; }

  void exec(const std::string& sql) {
    std::lock_guard lock(mutex_);
    char* error = nullptr;
    if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error) != SQLITE_OK) {
      std::string message = error ? error : "?";
      sqlite3_free(error);
      throw std::runtime_error(message);
    }
  }

  // Makes every following call fail, as a broken disk would.
  void breakIt() { exec("DROP TABLE tokens"); }

 private:
  sqlite3_stmt* prepare(std::string_view sql, std::span<const storage::Value> params,
                        storage::StorageError& error) {
    sqlite3_stmt* statement = nullptr;
    const int rc =
        sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &statement, nullptr);
    if (rc != SQLITE_OK) {
      error = errorOf(rc);
      return nullptr;
    }
    for (std::size_t i = 0; i < params.size(); ++i)
      bind(statement, static_cast<int>(i + 1), params[i]);
    return statement;
  }

  static void bind(sqlite3_stmt* statement, int index, const storage::Value& value) {
    if (const auto* integer = std::get_if<std::int64_t>(&value)) {
      sqlite3_bind_int64(statement, index, *integer);
    } else if (const auto* real = std::get_if<double>(&value)) {
      sqlite3_bind_double(statement, index, *real);
    } else if (const auto* text = std::get_if<std::string>(&value)) {
      sqlite3_bind_text(statement, index, text->data(), static_cast<int>(text->size()),
                        SQLITE_TRANSIENT);
    } else {
      sqlite3_bind_null(statement, index);
    }
  }

  static storage::Row rowOf(sqlite3_stmt* statement) {
    storage::Row row;
    for (int i = 0; i < sqlite3_column_count(statement); ++i) {
      switch (sqlite3_column_type(statement, i)) {
        case SQLITE_INTEGER:
          row.emplace_back(static_cast<std::int64_t>(sqlite3_column_int64(statement, i)));
          break;
        case SQLITE_FLOAT:
          row.emplace_back(sqlite3_column_double(statement, i));
          break;
        case SQLITE_NULL:
          row.emplace_back(std::monostate{});
          break;
        default:
          row.emplace_back(
              std::string(reinterpret_cast<const char*>(sqlite3_column_text(statement, i)),
                          static_cast<std::size_t>(sqlite3_column_bytes(statement, i))));
      }
    }
    return row;
  }

  storage::StorageError errorOf(int rc) const {
    const auto kind = (rc & 0xff) == SQLITE_CONSTRAINT ? storage::StorageError::Kind::constraint
                                                       : storage::StorageError::Kind::other;
    return {kind, sqlite3_errmsg(db_)};
  }

  std::filesystem::path path_;
  sqlite3* db_ = nullptr;
  std::mutex mutex_;
  std::map<std::string, int> versions_;
};

}  // namespace wind::auth::testing
