#include <gtest/gtest.h>
#include <sqlite3.h>

#include <chrono>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <limits>
#include <memory>
#include <set>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.h"
#include "storage/database_contract.h"
#include "storage/test_temp_dir.h"

namespace wind::storage {
namespace {

using Kind = StorageError::Kind;
using contract::kCoreV1;
using contract::scalar;
using contract::writeOne;

class SqliteDatabaseTest : public ::testing::Test {
 protected:
  SqliteOptions options(bool synchronousFull = true) const {
    SqliteOptions o;
    o.path = dir_.file("db/wind.db");
    o.synchronousFull = synchronousFull;
    o.readers = 3;
    return o;
  }
  // A database whose checkpoint thread starts at `threadFrames` WAL frames
  // and whose writer checkpoints itself at `writerFrames`.
  std::unique_ptr<Database> openWithCheckpoints(int threadFrames, int writerFrames) const {
    SqliteOptions o = options(false);
    o.checkpointFrames = threadFrames;
    o.writerCheckpointFrames = writerFrames;
    return openSqlite(o);
  }
  std::filesystem::path databaseFile() const { return dir_.path() / "db" / "wind.db"; }

  testing::TempDir dir_;
};

TEST_F(SqliteDatabaseTest, CreatesParentDirectoryAndUsesWal) {
  auto db = openSqlite(options());
  EXPECT_TRUE(std::filesystem::exists(dir_.path() / "db" / "wind.db"));
  const QueryResult mode = db->query("PRAGMA journal_mode", {});
  ASSERT_TRUE(mode.ok());
  EXPECT_EQ(sdk::textAt(mode.rows.at(0), 0), "wal");
  EXPECT_EQ(scalar(*db, "PRAGMA foreign_keys"), 1);
  EXPECT_EQ(scalar(*db, "PRAGMA busy_timeout"), 5000);
  EXPECT_TRUE(db->ping());
}

TEST_F(SqliteDatabaseTest, SynchronousFullIsApplied) {
  auto db = openSqlite(options(true));
  EXPECT_EQ(scalar(*db, "PRAGMA synchronous"), 2);
}

TEST_F(SqliteDatabaseTest, SynchronousNormalIsApplied) {
  auto db = openSqlite(options(false));
  EXPECT_EQ(scalar(*db, "PRAGMA synchronous"), 1);
}

TEST_F(SqliteDatabaseTest, MigrationsApplyAndRecordVersion) {
  auto db = openSqlite(options());
  db->migrate("core", kCoreV1);
  EXPECT_EQ(
      scalar(*db, "SELECT version FROM schema_migrations WHERE owner = ?", {std::string("core")}),
      1);
  EXPECT_EQ(
      scalar(*db,
             "SELECT count(*) FROM sqlite_master WHERE name IN ('core_notes', 'core_notes_body')"),
      2);
}

TEST_F(SqliteDatabaseTest, MigrationsAreIdempotentAcrossReopen) {
  openSqlite(options())->migrate("core", kCoreV1);
  // A second run of v1 would fail (CREATE TABLE without IF NOT EXISTS).
  auto db = openSqlite(options());
  EXPECT_NO_THROW(db->migrate("core", kCoreV1));
  EXPECT_EQ(scalar(*db, "SELECT version FROM schema_migrations WHERE owner = 'core'"), 1);
}

// Also checks that owners have separate versions.
TEST_F(SqliteDatabaseTest, LaterVersionsApplyOnlyTheNewOnes) {
  contract::migrationsApplyOnceAndInOrder([this] { return openSqlite(options()); });
}

TEST_F(SqliteDatabaseTest, FailingMigrationRollsBackAndThrows) {
  auto db = openSqlite(options());
  db->migrate("core", kCoreV1);
  std::vector<Migration> migrations = kCoreV1;
  migrations.push_back(
      {2,
       "CREATE TABLE core_half(x INTEGER); INSERT INTO core_notes(body) VALUES ('x');"
       "INSERT INTO core_missing VALUES (1);"});
  try {
    db->migrate("core", migrations);
    FAIL() << "migration 2 should have failed";
  } catch (const StorageFailure& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find("'core'"), std::string::npos) << message;
    EXPECT_NE(message.find("migration 2"), std::string::npos) << message;
  }
  EXPECT_EQ(scalar(*db, "SELECT version FROM schema_migrations WHERE owner = 'core'"), 1);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM sqlite_master WHERE name = 'core_half'"), 0);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM core_notes"), 0);
  // The writer is still usable after the failed migration.
  EXPECT_TRUE(writeOne(*db, "INSERT INTO core_notes(body) VALUES (?)", {std::string("ok")}).ok());
}

TEST_F(SqliteDatabaseTest, DuplicateMigrationVersionsThrow) {
  auto db = openSqlite(options());
  const std::vector<Migration> migrations = {{1, "CREATE TABLE a_x(x);"},
                                             {1, "CREATE TABLE a_y(y);"}};
  EXPECT_THROW(db->migrate("a", migrations), StorageFailure);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM sqlite_master WHERE name IN ('a_x', 'a_y')"), 0);
}

TEST_F(SqliteDatabaseTest, RecordedVersionNewerThanBuildThrows) {
  std::vector<Migration> migrations = kCoreV1;
  migrations.push_back({2, "CREATE TABLE core_more(x);"});
  openSqlite(options())->migrate("core", migrations);
  auto db = openSqlite(options());
  EXPECT_THROW(db->migrate("core", kCoreV1), StorageFailure);
}

TEST_F(SqliteDatabaseTest, RoundTripsEveryValueType) {
  auto db = openSqlite(options());
  db->migrate("t", std::vector<Migration>{
                       {1, "CREATE TABLE t_values(i INTEGER, r REAL, s TEXT, b BLOB, n TEXT);"}});
  const std::string withNul("a\0b\xff", 4);
  const std::vector<Value> row = {std::numeric_limits<std::int64_t>::min(), 2.5,
                                  std::string("héllo"), withNul, std::monostate{}};
  const Statement statements[] = {{"INSERT INTO t_values VALUES (?, ?, ?, ?, ?)", row},
                                  {"INSERT INTO t_values VALUES (?, ?, ?, ?, ?)",
                                   {std::numeric_limits<std::int64_t>::max(), -0.125, std::string(),
                                    std::string(), std::monostate{}}}};
  const WriteResult written = db->write(statements);
  ASSERT_TRUE(written.ok()) << written.error.message;
  EXPECT_EQ(written.changes, (std::vector<std::int64_t>{1, 1}));

  const QueryResult result = db->query("SELECT i, r, s, b, n FROM t_values WHERE i < ? ORDER BY i",
                                       std::vector<Value>{std::int64_t{0}});
  ASSERT_TRUE(result.ok()) << result.error.message;
  ASSERT_EQ(result.rows.size(), 1U);
  EXPECT_EQ(result.rows[0], row);

  const QueryResult both = db->query("SELECT i, r, typeof(b) FROM t_values ORDER BY i", {});
  ASSERT_EQ(both.rows.size(), 2U);
  EXPECT_EQ(both.rows[1][0], Value{std::numeric_limits<std::int64_t>::max()});
  EXPECT_EQ(both.rows[1][1], Value{-0.125});
}

// Also checks that a failing unit rolls back all its statements.
TEST_F(SqliteDatabaseTest, ChangesCountRowsPerStatement) {
  contract::failingUnitRollsBackAndChangesAreCounted(*openSqlite(options()));
}

// Also checks that foreign keys are enforced.
TEST_F(SqliteDatabaseTest, ErrorsAreReportedWithTheirKind) {
  contract::errorsAreReportedWithTheirKind(*openSqlite(options()));
}

TEST_F(SqliteDatabaseTest, QueryThatWritesChangesNothing) {
  auto db = openSqlite(options());
  EXPECT_FALSE(db->query("CREATE TABLE sneaky(x)", {}).ok());
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM sqlite_master WHERE name = 'sneaky'"), 0);
}

TEST_F(SqliteDatabaseTest, WriteWithMissingParameterIsAnError) {
  auto db = openSqlite(options());
  db->migrate("t", std::vector<Migration>{{1, "CREATE TABLE t_u(k INTEGER PRIMARY KEY);"}});
  EXPECT_EQ(writeOne(*db, "INSERT INTO t_u VALUES (?)", {}).error.kind, Kind::other);
}

TEST_F(SqliteDatabaseTest, ReadsSeeCommittedWrites) {
  auto db = openSqlite(options());
  db->migrate("t", std::vector<Migration>{{1, "CREATE TABLE t_seq(v INTEGER);"}});
  for (std::int64_t i = 1; i <= 50; ++i) {
    ASSERT_TRUE(writeOne(*db, "INSERT INTO t_seq VALUES (?)", {i}).ok());
    ASSERT_EQ(scalar(*db, "SELECT max(v) FROM t_seq"), i);
  }
}

TEST_F(SqliteDatabaseTest, ConcurrentWritersEachCommitExactlyOnce) {
  auto db = openSqlite(options(false));
  db->migrate("t", std::vector<Migration>{
                       {1,
                        "CREATE TABLE t_rows(writer INTEGER, seq INTEGER, UNIQUE(writer, seq));"
                        "CREATE TABLE t_total(n INTEGER); INSERT INTO t_total VALUES (0);"}});
  constexpr int kWriters = 16;
  constexpr int kUnits = 150;
  std::vector<int> failures(kWriters, 0);
  std::vector<std::thread> threads;
  for (int w = 0; w < kWriters; ++w) {
    threads.emplace_back([&, w] {
      for (int s = 0; s < kUnits; ++s) {
        const Statement unit[] = {
            {"INSERT INTO t_rows VALUES (?, ?)", {std::int64_t{w}, std::int64_t{s}}},
            {"UPDATE t_total SET n = n + 1", {}}};
        const WriteResult result = db->write(unit);
        if (!result.ok() || result.changes != std::vector<std::int64_t>{1, 1}) ++failures[w];
      }
    });
  }
  for (auto& thread : threads) thread.join();
  for (int w = 0; w < kWriters; ++w) EXPECT_EQ(failures[w], 0) << "writer " << w;
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM t_rows"), kWriters * kUnits);
  EXPECT_EQ(scalar(*db, "SELECT n FROM t_total"), kWriters * kUnits);
  EXPECT_EQ(scalar(*db, "SELECT count(DISTINCT writer * 1000 + seq) FROM t_rows"),
            kWriters * kUnits);
}

TEST_F(SqliteDatabaseTest, ConcurrentFailingUnitsDoNotAffectOthers) {
  contract::concurrentFailingUnitsDoNotAffectOthers(*openSqlite(options(false)), 8, 100);
}

TEST_F(SqliteDatabaseTest, DataSurvivesReopen) {
  {
    auto db = openSqlite(options());
    db->migrate("core", kCoreV1);
    for (int i = 0; i < 20; ++i) {
      ASSERT_TRUE(
          writeOne(*db, "INSERT INTO core_notes(body) VALUES (?)", {"note " + std::to_string(i)})
              .ok());
    }
  }
  auto db = openSqlite(options());
  db->migrate("core", kCoreV1);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM core_notes"), 20);
  const QueryResult last = db->query("SELECT body FROM core_notes ORDER BY id DESC LIMIT 1", {});
  ASSERT_TRUE(last.ok());
  EXPECT_EQ(sdk::textAt(last.rows.at(0), 0), "note 19");
}

// Pages reach the database file only through a checkpoint: with SQLite's
// own checkpoint (1000 frames) out of reach, the file grows only when ours
// runs. Fills 200 commits of 2 KiB each.
std::uintmax_t fillAndMeasure(Database& db, const std::filesystem::path& file) {
  db.migrate("t", std::vector<Migration>{{1, "CREATE TABLE t_blob(b BLOB);"}});
  const std::uintmax_t before = std::filesystem::file_size(file);
  for (int i = 0; i < 200; ++i) {
    EXPECT_TRUE(writeOne(db, "INSERT INTO t_blob VALUES (?)", {std::string(2048, 'x')}).ok());
  }
  return before;
}

TEST_F(SqliteDatabaseTest, TheCheckpointThreadCopiesTheWalBackWithoutTheWriter) {
  auto db = openWithCheckpoints(20, 1000000);
  const std::filesystem::path file = databaseFile();
  const std::uintmax_t before = fillAndMeasure(*db, file);
  const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(20);
  while (std::filesystem::file_size(file) < before + 200 * 1024 &&
         std::chrono::steady_clock::now() < giveUp) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GE(std::filesystem::file_size(file), before + 200 * 1024);
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM t_blob"), 200);
}

TEST_F(SqliteDatabaseTest, TheWriterCheckpointsItselfWhenTheWalReachesItsLimit) {
  auto db = openWithCheckpoints(1000000, 20);  // the thread is never asked
  const std::uintmax_t before = fillAndMeasure(*db, databaseFile());
  // Synchronous: the last checkpoint ran inside a commit, at most 20 frames ago.
  EXPECT_GE(std::filesystem::file_size(databaseFile()), before + 150 * 1024);
}

TEST_F(SqliteDatabaseTest, WithoutACheckpointTheFileDoesNotGrow) {
  auto db = openWithCheckpoints(1000000, 1000000);
  const std::uintmax_t before = fillAndMeasure(*db, databaseFile());
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  EXPECT_LT(std::filesystem::file_size(databaseFile()), before + 64 * 1024);
}

TEST_F(SqliteDatabaseTest, FileThatIsNotADatabaseThrowsNamingThePath) {
  const std::string path = dir_.file("garbage.db");
  {
    std::ofstream out(path, std::ios::binary);
    for (int i = 0; i < 1000; ++i) out << "this is not an sqlite database at all ";
  }
  SqliteOptions o = options();
  o.path = path;
  try {
    openSqlite(o);
    FAIL() << "opening garbage should fail";
  } catch (const StorageFailure& e) {
    EXPECT_NE(std::string(e.what()).find(path), std::string::npos) << e.what();
  }
}

TEST_F(SqliteDatabaseTest, CorruptHeaderThrows) {
  {
    auto db = openSqlite(options());
    db->migrate("core", kCoreV1);
  }
  {
    std::fstream file(options().path, std::ios::binary | std::ios::in | std::ios::out);
    file.seekp(0);
    file << "SQLite formit 3";  // the 16-byte magic header, damaged
  }
  EXPECT_THROW(openSqlite(options()), StorageFailure);
}

TEST_F(SqliteDatabaseTest, LockedFileThrowsAfterBusyTimeout) {
  SqliteOptions o = options();
  o.path = dir_.file("locked.db");
  o.busyTimeout = std::chrono::milliseconds(50);
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(o.path.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(
      sqlite3_exec(other, "PRAGMA locking_mode=EXCLUSIVE; CREATE TABLE x(y); BEGIN EXCLUSIVE;",
                   nullptr, nullptr, nullptr),
      SQLITE_OK);
  try {
    openSqlite(o);
    FAIL() << "a locked file should not open";
  } catch (const StorageFailure& e) {
    const std::string message = e.what();
    EXPECT_NE(message.find(o.path), std::string::npos) << message;
    EXPECT_NE(message.find("locked"), std::string::npos) << message;
  }
  sqlite3_close(other);
}

TEST_F(SqliteDatabaseTest, PathThatIsADirectoryThrows) {
  SqliteOptions o = options();
  o.path = dir_.path().string();
  EXPECT_THROW(openSqlite(o), StorageFailure);
}

TEST_F(SqliteDatabaseTest, BackupCopiesEveryCommittedRowAndNeverOverwrites) {
  std::size_t commits = 0;
  auto o = options();
  o.onCommit = [&commits](std::size_t statements, std::chrono::microseconds) {
    commits += statements;
  };
  auto db = openSqlite(o);
  ASSERT_TRUE(writeOne(*db, "CREATE TABLE t (v INTEGER)").ok());
  for (int i = 0; i < 10; ++i)
    ASSERT_TRUE(writeOne(*db, "INSERT INTO t VALUES (?)", {std::int64_t{i}}).ok());
  EXPECT_EQ(commits, 11u);

  const std::string copy = dir_.file("backup.db");
  db->backup(copy);
  EXPECT_THROW(db->backup(copy), StorageFailure);
  SqliteOptions restored = options();
  restored.path = copy;
  auto fromCopy = openSqlite(restored);
  EXPECT_EQ(scalar(*fromCopy, "SELECT count(*) FROM t"), 10);
}

}  // namespace
}  // namespace wind::storage
