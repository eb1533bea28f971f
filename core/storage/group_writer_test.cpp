#include "storage/group_writer.h"

#include <gtest/gtest.h>

#include <future>
#include <thread>
#include <vector>

#include "storage/sqlite_connection.h"
#include "storage/test_temp_dir.h"

namespace wind::storage {
namespace {

using Kind = StorageError::Kind;

class GroupWriterTest : public ::testing::Test {
 protected:
  ConnectionOptions connectionOptions() const {
    return {dir_.file("w.db"), false, std::chrono::milliseconds(5000), false};
  }

  std::unique_ptr<GroupWriter> makeWriter(BatchLimits limits = {}) {
    auto connection = std::make_unique<SqliteConnection>(connectionOptions());
    EXPECT_EQ(connection->exec("CREATE TABLE IF NOT EXISTS t(k INTEGER PRIMARY KEY, v TEXT)").kind,
              Kind::none);
    return std::make_unique<GroupWriter>(std::move(connection), limits);
  }

  std::int64_t count(const std::string& where = "1") {
    SqliteConnection reader(connectionOptions());
    std::vector<Row> rows;
    EXPECT_EQ(reader.run("SELECT count(*) FROM t WHERE " + where, {}, &rows).kind, Kind::none);
    return rows.empty() ? -1 : sdk::integerAt(rows[0], 0);
  }

  // Holds the writer connection on another thread until release() so that
  // units pile up in the queue and the next batch takes them all.
  class Hold {
   public:
    explicit Hold(GroupWriter& writer) {
      std::promise<void> held;
      auto isHeld = held.get_future();
      thread_ = std::thread([&writer, &held, this] {
        writer.withConnection([&](Connection&) {
          held.set_value();
          release_.get_future().wait();
        });
      });
      isHeld.wait();
    }
    ~Hold() {
      if (thread_.joinable()) release();
    }
    void release() {
      release_.set_value();
      thread_.join();
    }

   private:
    std::promise<void> release_;
    std::thread thread_;
  };

  static void waitQueued(GroupWriter& writer, std::size_t n) {
    while (writer.queuedUnits() < n) std::this_thread::yield();
  }

  static std::vector<Statement> insert(std::int64_t k) {
    return {{"INSERT INTO t(k, v) VALUES (?, ?)", {k, "v" + std::to_string(k)}}};
  }

  testing::TempDir dir_;
};

TEST_F(GroupWriterTest, OneBatchWithAFailingUnitCommitsTheOthers) {
  auto writer = makeWriter();
  ASSERT_TRUE(writer->write(insert(1)).ok());

  const std::vector<std::vector<Statement>> units = {
      insert(10),
      {{"INSERT INTO t(k) VALUES (?)", {std::int64_t{11}}},
       {"INSERT INTO t(k) VALUES (?)", {std::int64_t{1}}}},
      insert(12),
  };
  std::vector<std::future<WriteResult>> results;
  {
    Hold hold(*writer);
    for (const auto& unit : units) {
      results.push_back(
          std::async(std::launch::async, [&writer, &unit] { return writer->write(unit); }));
    }
    waitQueued(*writer, units.size());
    hold.release();
  }
  EXPECT_TRUE(results[0].get().ok());
  const WriteResult failed = results[1].get();
  EXPECT_EQ(failed.error.kind, Kind::constraint);
  EXPECT_TRUE(failed.changes.empty());
  EXPECT_TRUE(results[2].get().ok());
  EXPECT_EQ(count(), 3);
  EXPECT_EQ(count("k = 11"), 0);
}

TEST_F(GroupWriterTest, StatementLimitSplitsBatchesWithoutLosingUnits) {
  auto writer = makeWriter(BatchLimits{std::chrono::microseconds(2000), 3, {}});
  std::vector<std::future<WriteResult>> results;
  const std::vector<Statement> big = {
      {"INSERT INTO t(k) VALUES (?)", {std::int64_t{100}}},
      {"INSERT INTO t(k) VALUES (?)", {std::int64_t{101}}},
      {"INSERT INTO t(k) VALUES (?)", {std::int64_t{102}}},
      {"INSERT INTO t(k) VALUES (?)", {std::int64_t{103}}},
  };
  std::vector<std::vector<Statement>> units;
  for (std::int64_t k = 0; k < 7; ++k) units.push_back(insert(k));
  {
    Hold hold(*writer);
    for (const auto& unit : units) {
      results.push_back(
          std::async(std::launch::async, [&writer, &unit] { return writer->write(unit); }));
    }
    results.push_back(
        std::async(std::launch::async, [&writer, &big] { return writer->write(big); }));
    waitQueued(*writer, units.size() + 1);
    hold.release();
  }
  for (auto& result : results) EXPECT_TRUE(result.get().ok());
  EXPECT_EQ(count(), 11);
}

TEST_F(GroupWriterTest, DestructionCommitsEverythingQueued) {
  auto writer = makeWriter();
  constexpr std::int64_t kUnits = 20;
  std::vector<std::vector<Statement>> units;
  for (std::int64_t k = 0; k < kUnits; ++k) units.push_back(insert(k));
  std::vector<std::future<WriteResult>> results;
  {
    Hold hold(*writer);
    for (const auto& unit : units) {
      results.push_back(
          std::async(std::launch::async, [&writer, &unit] { return writer->write(unit); }));
    }
    waitQueued(*writer, units.size());
    hold.release();
    writer.reset();
  }
  for (auto& result : results) EXPECT_TRUE(result.get().ok());
  EXPECT_EQ(count(), kUnits);
}

TEST_F(GroupWriterTest, FullDatabaseFailsTheUnitAndNeverAcknowledgesLostWork) {
  auto writer = makeWriter();
  writer->withConnection([](Connection& connection) {
    std::vector<Row> rows;
    ASSERT_EQ(connection.run("PRAGMA page_count", {}, &rows).kind, Kind::none);
    const std::string limit =
        "PRAGMA max_page_count=" + std::to_string(sdk::integerAt(rows.at(0), 0) + 4);
    ASSERT_EQ(connection.exec(limit).kind, Kind::none);
  });
  const std::vector<Statement> huge = {
      {"INSERT INTO t(k, v) VALUES (?, ?)", {std::int64_t{999}, std::string(200'000, 'x')}}};
  std::vector<std::vector<Statement>> units;
  for (std::int64_t k = 0; k < 5; ++k) units.push_back(insert(k));
  std::vector<std::future<WriteResult>> results;
  std::future<WriteResult> hugeResult;
  {
    Hold hold(*writer);
    for (std::size_t i = 0; i < units.size(); ++i) {
      if (i == 2) {
        hugeResult =
            std::async(std::launch::async, [&writer, &huge] { return writer->write(huge); });
        waitQueued(*writer, i + 1);
      }
      const auto& unit = units[i];
      results.push_back(
          std::async(std::launch::async, [&writer, &unit] { return writer->write(unit); }));
      waitQueued(*writer, i + 1 + (i >= 2 ? 1 : 0));
    }
    hold.release();
  }
  EXPECT_EQ(hugeResult.get().error.kind, Kind::full);
  EXPECT_EQ(count("k = 999"), 0);
  // Whatever SQLite decided about the rest of the transaction, an
  // acknowledged unit is in the file and an unacknowledged one is not.
  for (std::size_t k = 0; k < results.size(); ++k) {
    const bool ok = results[k].get().ok();
    EXPECT_EQ(count("k = " + std::to_string(k)), ok ? 1 : 0) << "unit " << k;
  }
}

}  // namespace
}  // namespace wind::storage
