// The PostgreSQL backend against a private server (tests/support): the same
// behaviours the SQLite tests check. Skipped when PostgreSQL is not installed.

#include <gtest/gtest.h>

#include <atomic>
#include <limits>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "private_postgres.h"
#include "storage/database.h"
#include "storage/database_contract.h"
#include "storage/test_temp_dir.h"

namespace wind::storage {
namespace {

using contract::kCoreV1;
using contract::scalar;
using contract::writeOne;

class PostgresDatabaseTest : public ::testing::Test {
 protected:
  // One server per test process (CTest runs each test in its own process).
  static void SetUpTestSuite() {
    if (!testsupport::postgresBinDir()) return;
    dir_ = std::make_unique<testing::TempDir>();
    server_ = std::make_unique<testsupport::PrivatePostgres>(dir_->path() / "pg");
  }
  static void TearDownTestSuite() {
    server_.reset();
    dir_.reset();
  }

  void SetUp() override {
    if (!server_) GTEST_SKIP() << testsupport::skipMessage();
    static std::atomic<int> counter{0};
    database_ = "wind_test_" + std::to_string(counter++);
    server_->createDatabase(database_);
  }

  PostgresOptions options() const {
    PostgresOptions o;
    o.url = server_->url(database_);
    o.readers = 3;
    return o;
  }

  static std::unique_ptr<testing::TempDir> dir_;
  static std::unique_ptr<testsupport::PrivatePostgres> server_;
  std::string database_;
};

std::unique_ptr<testing::TempDir> PostgresDatabaseTest::dir_;
std::unique_ptr<testsupport::PrivatePostgres> PostgresDatabaseTest::server_;

TEST_F(PostgresDatabaseTest, MigrationsApplyOnceAndInOrder) {
  contract::migrationsApplyOnceAndInOrder([this] { return openPostgres(options()); });
}

TEST_F(PostgresDatabaseTest, NodesStartingTogetherMigrateOneAtATime) {
  // Without the advisory lock, both would CREATE TABLE core_notes (one fails).
  constexpr int kNodes = 4;
  std::vector<std::thread> nodes;
  std::atomic<int> failures{0};
  for (int n = 0; n < kNodes; ++n) {
    nodes.emplace_back([&] {
      try {
        openPostgres(options())->migrate("core", kCoreV1);
      } catch (const StorageFailure&) {
        ++failures;
      }
    });
  }
  for (auto& node : nodes) node.join();
  EXPECT_EQ(failures.load(), 0);
  auto db = openPostgres(options());
  EXPECT_EQ(scalar(*db, "SELECT version FROM schema_migrations WHERE owner = 'core'"), 1);
}

TEST_F(PostgresDatabaseTest, FailingMigrationLeavesNothingAndThrows) {
  auto db = openPostgres(options());
  db->migrate("core", kCoreV1);
  std::vector<Migration> migrations = kCoreV1;
  migrations.push_back({2,
                        "CREATE TABLE core_half(x INTEGER);"
                        "INSERT INTO core_notes(id, body) VALUES (1, NULL);"});
  EXPECT_THROW(db->migrate("core", migrations), StorageFailure);
  EXPECT_EQ(scalar(*db, "SELECT version FROM schema_migrations WHERE owner = 'core'"), 1);
  EXPECT_EQ(scalar(*db,
                   "SELECT count(*) FROM information_schema.tables "
                   "WHERE table_name = 'core_half'"),
            0);
}

TEST_F(PostgresDatabaseTest, RoundTripsEveryValueTypeAnd64BitIds) {
  auto db = openPostgres(options());
  db->migrate("t", std::vector<Migration>{
                       {1, "CREATE TABLE t_values(i INTEGER, r REAL, s TEXT, n TEXT);"}});
  const std::vector<Value> row = {std::numeric_limits<std::int64_t>::min(), 2.5,
                                  std::string("héllo"), std::monostate{}};
  const std::int64_t snowflake = (std::int64_t{1} << 62) + 12345;
  const Statement statements[] = {
      {"INSERT INTO t_values VALUES (?, ?, ?, ?)", row},
      {"INSERT INTO t_values VALUES (?, ?, ?, ?)",
       {std::numeric_limits<std::int64_t>::max(), 0.1, std::string(), std::monostate{}}},
      // Typed parameters: a SELECT list of ? goes into INTEGER (BIGINT) columns.
      {"INSERT INTO t_values (i, s) SELECT ?, ? WHERE NOT EXISTS (SELECT 1 FROM t_values WHERE i = "
       "?)",
       {snowflake, std::string("id"), snowflake}}};
  const WriteResult written = db->write(statements);
  ASSERT_TRUE(written.ok()) << written.error.message;
  EXPECT_EQ(written.changes, (std::vector<std::int64_t>{1, 1, 1}));

  const QueryResult result = db->query("SELECT i, r, s, n FROM t_values WHERE i < ? ORDER BY i",
                                       std::vector<Value>{std::int64_t{0}});
  ASSERT_TRUE(result.ok()) << result.error.message;
  ASSERT_EQ(result.rows.size(), 1U);
  EXPECT_EQ(result.rows[0], row);
  EXPECT_EQ(scalar(*db, "SELECT i FROM t_values WHERE s = 'id'"), snowflake);
  const QueryResult top = db->query("SELECT i, r FROM t_values WHERE s = ''", {});
  ASSERT_EQ(top.rows.size(), 1U);
  EXPECT_EQ(top.rows[0][0], Value{std::numeric_limits<std::int64_t>::max()});
  EXPECT_EQ(top.rows[0][1], Value{0.1});
}

TEST_F(PostgresDatabaseTest, QuestionMarksInLiteralsAreLeftAlone) {
  auto db = openPostgres(options());
  const QueryResult result = db->query("SELECT '?''?' || ? AS \"what?\" -- really?\n",
                                       std::vector<Value>{std::string("!")});
  ASSERT_TRUE(result.ok()) << result.error.message;
  EXPECT_EQ(sdk::textAt(result.rows.at(0), 0), "?'?!");
  // One SQL text with values of other types: each combination is its own statement.
  // A NULL is sent untyped: its context (here coalesce's other argument) types it.
  EXPECT_EQ(scalar(*db, "SELECT coalesce(?, 5)", {std::int64_t{7}}), 7);
  EXPECT_EQ(scalar(*db, "SELECT coalesce(?, 5)", {std::monostate{}}), 5);
  EXPECT_EQ(scalar(*db, "SELECT coalesce(?, 5)", {std::int64_t{8}}), 8);
}

TEST_F(PostgresDatabaseTest, ErrorsAreReportedWithTheirKind) {
  contract::errorsAreReportedWithTheirKind(*openPostgres(options()));
}

TEST_F(PostgresDatabaseTest, FailingUnitRollsBackAllItsStatementsAndChangesAreCounted) {
  contract::failingUnitRollsBackAndChangesAreCounted(*openPostgres(options()));
}

TEST_F(PostgresDatabaseTest, GroupCommitKeepsUnitsApartAndReadersSeeCommits) {
  std::atomic<std::size_t> committed{0};
  PostgresOptions o = options();
  o.onCommit = [&committed](std::size_t statements, std::chrono::microseconds) {
    committed += statements;
  };
  auto db = openPostgres(o);
  const std::int64_t good = contract::concurrentFailingUnitsDoNotAffectOthers(*db, 8, 30);
  EXPECT_GE(committed.load(), static_cast<std::size_t>(good));
}

TEST_F(PostgresDatabaseTest, ReconnectsAfterTheServerRestarted) {
  auto db = openPostgres(options());
  db->migrate("t", std::vector<Migration>{{1, "CREATE TABLE t_r(k INTEGER PRIMARY KEY);"}});
  ASSERT_TRUE(writeOne(*db, "INSERT INTO t_r VALUES (?)", {std::int64_t{1}}).ok());
  ASSERT_TRUE(db->ping());

  server_->stop();
  const WriteResult down = writeOne(*db, "INSERT INTO t_r VALUES (?)", {std::int64_t{2}});
  EXPECT_FALSE(down.ok());
  EXPECT_FALSE(db->ping());

  server_->start();
  EXPECT_TRUE(db->ping());
  const WriteResult up = writeOne(*db, "INSERT INTO t_r VALUES (?)", {std::int64_t{3}});
  EXPECT_TRUE(up.ok()) << up.error.message;
  EXPECT_EQ(scalar(*db, "SELECT count(*) FROM t_r"), 2);
}

TEST_F(PostgresDatabaseTest, UnreachableServerOrBadUrlThrows) {
  PostgresOptions o = options();
  o.url = "postgresql://wind@127.0.0.1:1/nowhere";
  try {
    openPostgres(o);
    FAIL() << "opened an unreachable server";
  } catch (const StorageFailure& e) {
    EXPECT_NE(std::string(e.what()).find("127.0.0.1:1/nowhere"), std::string::npos) << e.what();
  }
  o.url = "postgresql://[broken";
  EXPECT_THROW(openPostgres(o), StorageFailure);
}

TEST_F(PostgresDatabaseTest, BackupPointsToPgDump) {
  auto db = openPostgres(options());
  EXPECT_THROW(db->backup("/tmp/never-written.db"), StorageFailure);
}

}  // namespace
}  // namespace wind::storage
