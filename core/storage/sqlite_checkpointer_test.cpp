#include "storage/sqlite_checkpointer.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <thread>

#include "storage/test_temp_dir.h"

namespace wind::storage {
namespace {

class SqliteCheckpointerTest : public ::testing::Test {
 protected:
  // Waits until the thread finished `count` checkpoints in all.
  bool reaches(std::uint64_t count) {
    const auto giveUp = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (checkpointer_.checkpoints() < count && std::chrono::steady_clock::now() < giveUp) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    return checkpointer_.checkpoints() == count;
  }
  // The count after a pause long enough for an asked checkpoint to run.
  std::uint64_t settled() {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    return checkpointer_.checkpoints();
  }

  testing::TempDir dir_;
  SqliteCheckpointer checkpointer_{{.path = dir_.file("wind.db"), .synchronousFull = false},
                                   {.threshold = 100, .limit = 1000}};
};

TEST_F(SqliteCheckpointerTest, AsksOncePerThresholdFramesWritten) {
  EXPECT_FALSE(checkpointer_.committed(99));
  EXPECT_EQ(settled(), 0u);
  EXPECT_FALSE(checkpointer_.committed(100));
  EXPECT_TRUE(reaches(1));
  // The WAL still holds more than the threshold; too few new frames to ask again.
  EXPECT_FALSE(checkpointer_.committed(150));
  EXPECT_FALSE(checkpointer_.committed(199));
  EXPECT_EQ(settled(), 1u);
  EXPECT_FALSE(checkpointer_.committed(200));
  EXPECT_TRUE(reaches(2));
}

TEST_F(SqliteCheckpointerTest, CountsAfreshWhenTheWalStartsOver) {
  EXPECT_FALSE(checkpointer_.committed(500));
  EXPECT_TRUE(reaches(1));
  EXPECT_FALSE(checkpointer_.committed(20));  // the writer started the WAL over
  EXPECT_FALSE(checkpointer_.committed(99));
  EXPECT_EQ(settled(), 1u);
  EXPECT_FALSE(checkpointer_.committed(100));
  EXPECT_TRUE(reaches(2));
}

TEST_F(SqliteCheckpointerTest, AsksAfterEveryCommitInTheLastThresholdBeforeTheLimit) {
  EXPECT_FALSE(checkpointer_.committed(900));
  EXPECT_TRUE(reaches(1));
  EXPECT_FALSE(checkpointer_.committed(901));
  EXPECT_TRUE(reaches(2));
  EXPECT_FALSE(checkpointer_.committed(902));
  EXPECT_TRUE(reaches(3));
  EXPECT_TRUE(checkpointer_.committed(1000));  // the writer's own, not the thread's
  EXPECT_EQ(settled(), 3u);
}

}  // namespace
}  // namespace wind::storage
