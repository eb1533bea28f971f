// Rows per second through Database::write(), one single-row INSERT per unit,
// with 1 and 16 concurrent writers, synchronous NORMAL and FULL.
// Run by hand: storage_bench <scratch-directory> [seconds-per-case].

#include <atomic>
#include <chrono>
#include <cstdio>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "storage/database.h"

namespace {

using namespace wind::storage;

double measure(const std::filesystem::path& dir, bool full, int writers, double seconds) {
  const std::filesystem::path file =
      dir / ("bench-" + std::to_string(writers) + (full ? "-full.db" : "-normal.db"));
  std::filesystem::remove(file);
  SqliteOptions options;
  options.path = file.string();
  options.synchronousFull = full;
  auto db = openSqlite(options);
  db->migrate("bench",
              std::vector<Migration>{
                  {1, "CREATE TABLE bench_rows(id INTEGER PRIMARY KEY, w INTEGER, body TEXT)"}});

  // Fill past the WAL auto-checkpoint (1000 pages) so that commits overwrite
  // a reused WAL, as in a long-running server: appending to a growing WAL
  // makes every fsync also flush file-size metadata, several times slower.
  const std::vector<Statement> warmUnit(
      256, Statement{"INSERT INTO bench_rows(w, body) VALUES (-1, ?)", {std::string(64, 'w')}});
  for (int i = 0; i < 300; ++i) db->write(warmUnit);

  std::atomic<bool> stop{false};
  std::atomic<long> rows{0};
  std::vector<std::thread> threads;
  const auto start = std::chrono::steady_clock::now();
  for (int w = 0; w < writers; ++w) {
    threads.emplace_back([&, w] {
      const std::string body(64, 'm');
      while (!stop) {
        const Statement unit[] = {
            {"INSERT INTO bench_rows(w, body) VALUES (?, ?)", {std::int64_t{w}, body}}};
        if (db->write(unit).ok()) ++rows;
      }
    });
  }
  std::this_thread::sleep_for(std::chrono::duration<double>(seconds));
  stop = true;
  for (auto& thread : threads) thread.join();
  const double elapsed =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  db.reset();
  std::filesystem::remove(file);
  return static_cast<double>(rows.load()) / elapsed;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) {
    std::fprintf(stderr, "usage: storage_bench <scratch-directory> [seconds-per-case]\n");
    return 2;
  }
  const std::filesystem::path dir = argv[1];
  const double seconds = argc > 2 ? std::stod(argv[2]) : 3.0;
  std::filesystem::create_directories(dir);
  for (bool full : {false, true}) {
    for (int writers : {1, 16}) {
      std::printf("synchronous=%-6s writers=%2d  %9.0f rows/s\n", full ? "FULL" : "NORMAL", writers,
                  measure(dir, full, writers, seconds));
      std::fflush(stdout);
    }
  }
  return 0;
}
