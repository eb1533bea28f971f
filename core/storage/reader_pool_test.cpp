#include "storage/reader_pool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

#include "storage/test_temp_dir.h"

namespace wind::storage {
namespace {

using Kind = StorageError::Kind;

std::int64_t pragma(Connection& connection, const std::string& name) {
  std::vector<Row> rows;
  EXPECT_EQ(connection.run("PRAGMA " + name, {}, &rows).kind, Kind::none);
  return rows.empty() ? -1 : sdk::integerAt(rows[0], 0);
}

TEST(ReaderPool, EveryConnectionHasTheSettings) {
  testing::TempDir dir;
  const ConnectionOptions options{dir.file("r.db"), true, std::chrono::milliseconds(1234), false};
  ReaderPool pool(options, 3);
  auto a = pool.borrow();
  auto b = pool.borrow();
  auto c = pool.borrow();
  for (Connection* connection : {&*a, &*b, &*c}) {
    EXPECT_EQ(pragma(*connection, "synchronous"), 2);
    EXPECT_EQ(pragma(*connection, "busy_timeout"), 1234);
    EXPECT_EQ(pragma(*connection, "foreign_keys"), 1);
    EXPECT_EQ(pragma(*connection, "query_only"), 1);
  }
  EXPECT_NE(&*a, &*b);
  EXPECT_NE(&*b, &*c);
}

TEST(ReaderPool, BorrowBlocksUntilAConnectionReturns) {
  testing::TempDir dir;
  ReaderPool pool({dir.file("r.db"), false, std::chrono::milliseconds(1000), false}, 1);
  std::atomic<bool> borrowed{false};
  std::thread second;
  {
    auto first = pool.borrow();
    second = std::thread([&] {
      auto lease = pool.borrow();
      borrowed = true;
    });
    // Cannot prove "still blocked" without timing; prove it completes once returned.
  }
  second.join();
  EXPECT_TRUE(borrowed);
}

}  // namespace
}  // namespace wind::storage
