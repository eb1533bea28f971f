#include "storage/group_writer.h"

#include <gtest/gtest.h>
#include <sched.h>

#include <condition_variable>
#include <future>
#include <mutex>
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

  // Writes every unit from its own thread and lets them all into one batch.
  static std::vector<WriteResult> writeInOneBatch(
      GroupWriter& writer, const std::vector<std::vector<Statement>>& units) {
    std::vector<std::future<WriteResult>> pending;
    {
      Hold hold(writer);
      for (const auto& unit : units) {
        pending.push_back(
            std::async(std::launch::async, [&writer, &unit] { return writer.write(unit); }));
      }
      waitQueued(writer, units.size());
      hold.release();
    }
    std::vector<WriteResult> results;
    for (auto& result : pending) results.push_back(result.get());
    return results;
  }

  static std::vector<Statement> insert(std::int64_t k) {
    return {{"INSERT INTO t(k, v) VALUES (?, ?)", {k, "v" + std::to_string(k)}}};
  }

  testing::TempDir dir_;
};

TEST_F(GroupWriterTest, OneBatchWithAFailingUnitCommitsTheOthers) {
  auto writer = makeWriter();
  ASSERT_TRUE(writer->write(insert(1)).ok());

  const auto results =
      writeInOneBatch(*writer, {
                                   insert(10),
                                   {{"INSERT INTO t(k) VALUES (?)", {std::int64_t{11}}},
                                    {"INSERT INTO t(k) VALUES (?)", {std::int64_t{1}}}},
                                   insert(12),
                               });
  EXPECT_TRUE(results[0].ok());
  EXPECT_EQ(results[1].error.kind, Kind::constraint);
  EXPECT_TRUE(results[1].changes.empty());
  EXPECT_TRUE(results[2].ok());
  EXPECT_EQ(count(), 3);
  EXPECT_EQ(count("k = 11"), 0);
}

// A unit of one statement runs without a savepoint where SQLite undoes the
// statement by itself; under FAIL it would keep the rows written before the
// failure, so there the savepoint stays.
TEST_F(GroupWriterTest, AFailedOneStatementUnitLeavesNothingBehind) {
  auto writer = makeWriter();
  ASSERT_TRUE(writer->write(insert(1)).ok());
  const auto results = writeInOneBatch(
      *writer, {
                   {{"INSERT INTO t(k) VALUES (20), (21), (?)", {std::int64_t{1}}}},
                   {{"insert or fail into t(k) values (30), (31), (?)", {std::int64_t{1}}}},
                   insert(12),
               });
  EXPECT_EQ(results[0].error.kind, Kind::constraint);
  EXPECT_EQ(results[1].error.kind, Kind::constraint);
  EXPECT_TRUE(results[2].ok());
  EXPECT_EQ(count(), 2);
  EXPECT_EQ(count("k >= 20"), 0);
}

TEST_F(GroupWriterTest, ATriggerThatFailsKeepsTheSavepoint) {
  auto writer = makeWriter();
  // Created through a unit: the writer's connection notices it.
  const std::vector<Statement> trigger = {
      {"CREATE TRIGGER no_99 AFTER INSERT ON t WHEN new.k = 99 "
       "BEGIN SELECT RAISE(FAIL, 'no 99'); END",
       {}}};
  ASSERT_TRUE(writer->write(trigger).ok());
  const auto results =
      writeInOneBatch(*writer, {{{"INSERT INTO t(k) VALUES (98), (99)", {}}}, insert(12)});
  EXPECT_EQ(results[0].error.kind, Kind::constraint);
  EXPECT_TRUE(results[1].ok());
  EXPECT_EQ(count(), 1);
  EXPECT_EQ(count("k = 98"), 0);
}

TEST(SqliteConnectionTest, UndoesAFailedStatementUnlessFailIsAsked) {
  testing::TempDir dir;
  SqliteConnection connection({dir.file("s.db"), false, std::chrono::milliseconds(5000), false});
  ASSERT_EQ(connection.exec("CREATE TABLE t(k INTEGER PRIMARY KEY); CREATE TABLE u(k)").kind,
            Kind::none);
  EXPECT_TRUE(connection.undoesFailedStatement("INSERT INTO t(k) VALUES (?)"));
  EXPECT_FALSE(connection.undoesFailedStatement("INSERT OR FAIL INTO t(k) VALUES (?)"));
  EXPECT_FALSE(connection.undoesFailedStatement("update or fail t set k = 2"));
  EXPECT_FALSE(connection.undoesFailedStatement("CREATE TRIGGER x AFTER INSERT ON t BEGIN END"));
  // Once migration text adds a trigger that may FAIL, no statement counts as undone.
  ASSERT_EQ(
      connection.exec("CREATE TRIGGER u_fail AFTER INSERT ON u BEGIN SELECT RAISE(FAIL, 'x'); END")
          .kind,
      Kind::none);
  EXPECT_FALSE(connection.undoesFailedStatement("INSERT INTO t(k) VALUES (?)"));
  ASSERT_EQ(connection.exec("DROP TRIGGER u_fail").kind, Kind::none);
  EXPECT_TRUE(connection.undoesFailedStatement("INSERT INTO t(k) VALUES (?)"));
}

TEST_F(GroupWriterTest, StatementLimitSplitsBatchesWithoutLosingUnits) {
  auto writer = makeWriter(BatchLimits{std::chrono::microseconds(2000), 3, {}, {}});
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

// Collects the outcomes of writeAsync completions, in the order they ran.
class Completions {
 public:
  GroupWriter::Completion next(int tag) {
    return [this, tag](WriteResult result) {
      const std::lock_guard lock(mutex_);
      seen_.push_back({tag, std::move(result), std::this_thread::get_id()});
      ready_.notify_all();
    };
  }
  struct Seen {
    int tag;
    WriteResult result;
    std::thread::id thread;
  };
  std::vector<Seen> waitFor(std::size_t n) {
    std::unique_lock lock(mutex_);
    ready_.wait(lock, [&] { return seen_.size() >= n; });
    return seen_;
  }

 private:
  std::mutex mutex_;
  std::condition_variable ready_;
  std::vector<Seen> seen_;
};

TEST_F(GroupWriterTest, AsyncUnitsCompleteOnTheWriterThreadAfterTheirCommit) {
  auto writer = makeWriter();
  Completions completions;
  std::vector<Statement> failing = {{"INSERT INTO t(k) VALUES (?)", {std::int64_t{7}}},
                                    {"INSERT INTO t(k) VALUES (?)", {std::int64_t{7}}}};
  {
    Hold hold(*writer);
    writer->writeAsync(insert(1), completions.next(1));
    writer->writeAsync(std::move(failing), completions.next(2));
    writer->writeAsync(insert(3), completions.next(3));
    waitQueued(*writer, 3);
    // Held: nothing committed, so nothing may have been answered yet.
    EXPECT_EQ(count(), 0);
    hold.release();
  }
  const auto seen = completions.waitFor(3);
  ASSERT_EQ(seen.size(), 3u);
  for (std::size_t i = 0; i < seen.size(); ++i) {
    EXPECT_EQ(seen[i].tag, static_cast<int>(i + 1)) << "completions keep the queue's order";
    EXPECT_NE(seen[i].thread, std::this_thread::get_id());
  }
  EXPECT_TRUE(seen[0].result.ok());
  EXPECT_EQ(seen[0].result.changes, std::vector<std::int64_t>{1});
  EXPECT_EQ(seen[1].result.error.kind, Kind::constraint);
  EXPECT_TRUE(seen[2].result.ok());
  EXPECT_EQ(count(), 2);
  EXPECT_EQ(count("k = 7"), 0);
}

TEST_F(GroupWriterTest, AsyncAndBlockingUnitsShareOneBatch) {
  std::vector<std::size_t> batches;
  std::mutex batchesMutex;
  auto writer = makeWriter(BatchLimits{std::chrono::microseconds(2000),
                                       256,
                                       [&](std::size_t statements, std::chrono::microseconds) {
                                         const std::lock_guard lock(batchesMutex);
                                         batches.push_back(statements);
                                       },
                                       {}});
  Completions completions;
  const auto blockingUnit = insert(2);
  std::future<WriteResult> blocking;
  {
    Hold hold(*writer);
    writer->writeAsync(insert(1), completions.next(1));
    blocking = std::async(std::launch::async, [&] { return writer->write(blockingUnit); });
    waitQueued(*writer, 2);
    writer->writeAsync(insert(3), completions.next(3));
    waitQueued(*writer, 3);
    hold.release();
  }
  EXPECT_TRUE(blocking.get().ok());
  const auto seen = completions.waitFor(2);
  EXPECT_TRUE(seen[0].result.ok());
  EXPECT_TRUE(seen[1].result.ok());
  EXPECT_EQ(count(), 3);
  const std::lock_guard lock(batchesMutex);
  EXPECT_EQ(batches, std::vector<std::size_t>{3});
}

TEST_F(GroupWriterTest, OneScopeWrapsEveryCompletionOfABatch) {
  std::vector<std::string> events;  // writer thread only, read after the destructor joined it
  BatchLimits limits;
  limits.completionScope = [&events](const std::function<void()>& completeAll) {
    events.push_back("enter");
    completeAll();
    events.push_back("exit");
  };
  auto writer = makeWriter(limits);
  {
    Hold hold(*writer);
    for (std::int64_t k = 1; k <= 3; ++k) {
      writer->writeAsync(insert(k), [&events, k](WriteResult result) {
        events.push_back((result.ok() ? "done " : "failed ") + std::to_string(k));
      });
    }
    waitQueued(*writer, 3);
    hold.release();
  }
  writer.reset();
  EXPECT_EQ(events, (std::vector<std::string>{"enter", "done 1", "done 2", "done 3", "exit"}));
}

TEST_F(GroupWriterTest, DestructionCompletesEveryQueuedAsyncUnit) {
  auto writer = makeWriter();
  Completions completions;
  {
    Hold hold(*writer);
    for (int k = 0; k < 5; ++k) writer->writeAsync(insert(k), completions.next(k));
    waitQueued(*writer, 5);
    hold.release();
    writer.reset();
  }
  const auto seen = completions.waitFor(5);
  for (const auto& s : seen) EXPECT_TRUE(s.result.ok()) << s.tag;
  EXPECT_EQ(count(), 5);
}

TEST_F(GroupWriterTest, AnEmptyAsyncUnitCompletesAtOnce) {
  auto writer = makeWriter();
  Completions completions;
  writer->writeAsync({}, completions.next(1));
  const auto seen = completions.waitFor(1);
  EXPECT_TRUE(seen[0].result.ok());
  EXPECT_TRUE(seen[0].result.changes.empty());
}

TEST_F(GroupWriterTest, TheWriterRunsAtTheBatchSchedulingClass) {
  auto writer = makeWriter();
  std::promise<int> policy;
  writer->writeAsync(insert(1),
                     [&policy](WriteResult) { policy.set_value(sched_getscheduler(0)); });
  // Completions run on the writer thread: its policy is what it reports.
  EXPECT_EQ(policy.get_future().get(), SCHED_BATCH);
}

}  // namespace
}  // namespace wind::storage
