#pragma once
// Behaviour every storage::Database backend must show, checked the same way
// for SQLite (sqlite_database_test.cpp) and PostgreSQL
// (postgres_database_test.cpp). Tests only: each function is called from a
// TEST_F on the test's thread, takes a freshly created, empty database (or a
// factory opening the same one again) and reports through gtest EXPECTs.

#include <gtest/gtest.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.h"

namespace wind::storage::contract {

using Kind = StorageError::Kind;
// Opens the test's database again (each call a new handle on the same data).
using OpenDatabase = std::function<std::unique_ptr<Database>()>;

// The single integer a query returns, or -1 (and a failure) otherwise.
inline std::int64_t scalar(Database& db, const std::string& sql, std::vector<Value> params = {}) {
  const QueryResult result = db.query(sql, params);
  EXPECT_TRUE(result.ok()) << sql << ": " << result.error.message;
  if (!result.ok() || result.rows.size() != 1) return -1;
  return sdk::integerAt(result.rows[0], 0);
}

inline WriteResult writeOne(Database& db, std::string sql, std::vector<Value> params = {}) {
  const Statement statements[] = {{std::move(sql), std::move(params)}};
  return db.write(statements);
}

inline const std::vector<Migration> kCoreV1 = {
    {1,
     "CREATE TABLE core_notes(id INTEGER PRIMARY KEY, body TEXT NOT NULL);"
     "CREATE INDEX core_notes_body ON core_notes(body);"}};

// Versions run once each, in version order, per owner, across reopening.
inline void migrationsApplyOnceAndInOrder(const OpenDatabase& open) {
  open()->migrate("core", kCoreV1);
  // A second run of v1 would fail (CREATE TABLE without IF NOT EXISTS).
  auto db = open();
  std::vector<Migration> migrations = kCoreV1;
  migrations.push_back({3, "INSERT INTO core_notes(id, body) VALUES (1, 'from v3');"});
  migrations.push_back({2, "ALTER TABLE core_notes ADD COLUMN pinned INTEGER NOT NULL DEFAULT 0;"});
  ASSERT_NO_THROW(db->migrate("core", migrations));
  EXPECT_EQ(
      scalar(*db, "SELECT version FROM schema_migrations WHERE owner = ?", {std::string("core")}),
      3);
  // v3 ran after v2 although listed first: the row has the v2 column.
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM core_notes WHERE pinned = 0 AND body = 'from v3'"),
            1);
  const std::vector<Migration> chat = {{1, "CREATE TABLE chat_rooms(id INTEGER PRIMARY KEY);"}};
  db->migrate("chat", chat);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM schema_migrations"), 2);
  EXPECT_EQ(scalar(*db, "SELECT version FROM schema_migrations WHERE owner = 'chat'"), 1);
}

// Bad SQL and violated constraints come back as errors of the right kind.
inline void errorsAreReportedWithTheirKind(Database& db) {
  db.migrate("t",
             std::vector<Migration>{{1,
                                     "CREATE TABLE t_parent(id INTEGER PRIMARY KEY);"
                                     "CREATE TABLE t_child(p INTEGER REFERENCES t_parent(id));"}});
  const QueryResult syntax = db.query("SELEKT nothing", {});
  EXPECT_EQ(syntax.error.kind, Kind::other);
  EXPECT_FALSE(syntax.error.message.empty());
  EXPECT_EQ(db.query("SELECT ?", {}).error.kind, Kind::other);
  EXPECT_EQ(db.query("SELECT 1; SELECT 2", {}).error.kind, Kind::other);
  // Read connections refuse writes: those go through write().
  EXPECT_FALSE(db.query("CREATE TABLE sneaky(x INTEGER)", {}).ok());
  EXPECT_EQ(writeOne(db, "INSERT INTO t_nope VALUES (1)").error.kind, Kind::other);
  EXPECT_EQ(writeOne(db, "COMMIT").error.kind, Kind::other);
  EXPECT_EQ(writeOne(db, "INSERT INTO t_child VALUES (?)", {std::int64_t{7}}).error.kind,
            Kind::constraint);
  ASSERT_TRUE(writeOne(db, "INSERT INTO t_parent VALUES (?)", {std::int64_t{1}}).ok());
  const WriteResult duplicate = writeOne(db, "INSERT INTO t_parent VALUES (?)", {std::int64_t{1}});
  EXPECT_EQ(duplicate.error.kind, Kind::constraint);
  EXPECT_TRUE(duplicate.changes.empty());
  EXPECT_TRUE(db.write({}).ok());
}

// A unit is all or nothing; a committed one reports rows changed per statement.
inline void failingUnitRollsBackAndChangesAreCounted(Database& db) {
  db.migrate("t", std::vector<Migration>{{1,
                                          "CREATE TABLE t_u(k INTEGER PRIMARY KEY, v INTEGER);"
                                          "INSERT INTO t_u VALUES (1, 0), (2, 0), (3, 5);"}});
  const Statement bad[] = {{"INSERT INTO t_u VALUES (?, 0)", {std::int64_t{4}}},
                           {"INSERT INTO t_u VALUES (?, 0)", {std::int64_t{1}}}};
  EXPECT_EQ(db.write(bad).error.kind, Kind::constraint);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM t_u"), 3);
  const Statement good[] = {{"UPDATE t_u SET v = v + 1 WHERE v = ?", {std::int64_t{0}}},
                            {"DELETE FROM t_u WHERE k = ?", {std::int64_t{99}}},
                            {"SELECT count(*) FROM t_u", {}},
                            {"DELETE FROM t_u WHERE v > ?", {std::int64_t{4}}}};
  const WriteResult result = db.write(good);
  ASSERT_TRUE(result.ok()) << result.error.message;
  EXPECT_EQ(result.changes, (std::vector<std::int64_t>{2, 0, 0, 1}));
}

// `writers` threads each write `units` units, every third one failing on a
// constraint after its first statement: group commit keeps units apart (each
// gets its own outcome, a failing one leaves no row) and a returned write is
// visible to a read at once. Returns the number of good units.
inline std::int64_t concurrentFailingUnitsDoNotAffectOthers(Database& db, int writers, int units) {
  db.migrate("t", std::vector<Migration>{{1,
                                          "CREATE TABLE t_k(k INTEGER PRIMARY KEY, w INTEGER);"
                                          "INSERT INTO t_k VALUES (-1, -1);"}});
  std::vector<int> wrong(static_cast<std::size_t>(writers), 0);
  std::vector<std::thread> threads;
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      for (int s = 0; s < units; ++s) {
        const std::int64_t key = std::int64_t{w} * units + s;
        const bool bad = s % 3 == 0;
        // A bad unit inserts its own row, then collides with row -1.
        std::vector<Statement> unit = {{"INSERT INTO t_k VALUES (?, ?)", {key, std::int64_t{w}}}};
        if (bad)
          unit.push_back({"INSERT INTO t_k VALUES (?, ?)", {std::int64_t{-1}, std::int64_t{w}}});
        const WriteResult result = db.write(unit);
        if (result.error.kind != (bad ? Kind::constraint : Kind::none)) ++wrong[w];
        // Returned means committed: a reader sees a good unit's row at once.
        if (!bad && scalar(db, "SELECT count(*) FROM t_k WHERE k = ?", {key}) != 1) ++wrong[w];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int w = 0; w < writers; ++w) EXPECT_EQ(wrong[w], 0) << "writer " << w;
  const std::int64_t good = std::int64_t{writers} * (units - (units + 2) / 3);
  EXPECT_EQ(scalar(db, "SELECT count(*) FROM t_k WHERE k >= 0"), good);
  EXPECT_EQ(
      scalar(db, "SELECT count(*) FROM t_k WHERE k >= 0 AND k % ? % 3 = 0", {std::int64_t{units}}),
      0);
  return good;
}

}  // namespace wind::storage::contract
