#pragma once
// In-memory test doubles for plugin unit tests: FakeHost (a complete
// sdk::Host), FakeStorage (a real SQLite `:memory:` database behind
// sdk::Storage) and FakeReply (records what a handler answered).
//
// Unlike the rest of the SDK this header depends on sqlite3: a test that
// includes it links sqlite3 (in this tree: PkgConfig::SQLITE3). It is never
// included by a plugin itself, only by its tests. Everything is thread-safe
// (one mutex per object) so tests may call handlers from several threads.

#include <sqlite3.h>

#include <algorithm>
#include <cctype>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "wind/sdk/frame.h"
#include "wind/sdk/friends.h"
#include "wind/sdk/history.h"
#include "wind/sdk/host.h"
#include "wind/sdk/plugin.h"
#include "wind/sdk/storage.h"
#include "wind/sdk/user.h"

namespace wind::sdk::testing {

// sdk::Storage over a private SQLite in-memory database. write() runs its
// statements in one transaction (all or none) and reports constraint
// violations as Kind::constraint, like the server's storage.
class FakeStorage final : public Storage {
 public:
  FakeStorage() {
    if (sqlite3_open(":memory:", &db_) != SQLITE_OK)
      throw std::runtime_error("cannot open :memory:");
  }
  ~FakeStorage() override { sqlite3_close(db_); }
  FakeStorage(const FakeStorage&) = delete;
  FakeStorage& operator=(const FakeStorage&) = delete;

  // Applies every migration of `info` in version order, each in a
  // transaction, as the server does before create(). Throws on failure.
  void migrate(const PluginInfo& info) {
    std::vector<Migration> sorted = info.migrations;
    std::sort(sorted.begin(), sorted.end(),
              [](const auto& a, const auto& b) { return a.version < b.version; });
    std::lock_guard lock(mutex_);
    for (const Migration& migration : sorted) {
      const std::string sql = "BEGIN;" + migration.sql + ";COMMIT;";
      char* message = nullptr;
      if (sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &message) != SQLITE_OK) {
        std::string why = message ? message : "unknown";
        sqlite3_free(message);
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        throw std::runtime_error("migration " + std::to_string(migration.version) +
                                 " failed: " + why);
      }
    }
  }

  // From now on every query() / write() fails with Kind::other (or succeeds again).
  void failQueries(bool fail) {
    std::lock_guard lock(mutex_);
    failQueries_ = fail;
  }
  void failWrites(bool fail) {
    std::lock_guard lock(mutex_);
    failWrites_ = fail;
  }
  // Number of write() and writeAsync() calls so far (successful or not).
  int writeCount() const {
    std::lock_guard lock(mutex_);
    return writes_;
  }
  // While held, writeAsync() units are neither run nor completed: they wait
  // for releaseAsyncWrites(), which commits them in order and then calls
  // their completions on the releasing thread, like the server's writer
  // after a group commit. Not held (the default): they run inline.
  void holdAsyncWrites() {
    std::lock_guard lock(mutex_);
    holdAsync_ = true;
  }
  void releaseAsyncWrites() {
    std::vector<Pending> pending;
    {
      std::lock_guard lock(mutex_);
      holdAsync_ = false;
      pending.swap(pending_);
    }
    std::vector<WriteResult> results;
    for (Pending& unit : pending) results.push_back(runUnit(unit.statements));
    for (std::size_t i = 0; i < pending.size(); ++i) {
      if (pending[i].done) pending[i].done(std::move(results[i]));
    }
  }
  std::size_t heldAsyncWrites() const {
    std::lock_guard lock(mutex_);
    return pending_.size();
  }

  QueryResult query(std::string_view sql, std::span<const Value> params) noexcept override {
    std::lock_guard lock(mutex_);
    QueryResult result;
    if (failQueries_) {
      result.error = {StorageError::Kind::other, "injected query failure"};
      return result;
    }
    result.error = run(sql, params, &result.rows, nullptr);
    return result;
  }

  WriteResult write(std::span<const Statement> statements) noexcept override {
    std::lock_guard lock(mutex_);
    ++writes_;
    return runLocked(statements);
  }

  void writeAsync(std::vector<Statement> statements,
                  std::function<void(WriteResult)> done) noexcept override {
    {
      std::lock_guard lock(mutex_);
      ++writes_;
      if (holdAsync_) {
        try {
          pending_.push_back({std::move(statements), std::move(done)});
          return;
        } catch (...) {
          if (done) done({{}, {StorageError::Kind::other, "out of memory"}});
          return;
        }
      }
    }
    WriteResult result = runUnit(statements);
    if (done) done(std::move(result));
  }

 private:
  struct Pending {
    std::vector<Statement> statements;
    std::function<void(WriteResult)> done;
  };

  WriteResult runUnit(std::span<const Statement> statements) {
    std::lock_guard lock(mutex_);
    return runLocked(statements);
  }

  WriteResult runLocked(std::span<const Statement> statements) {
    WriteResult result;
    if (failWrites_) {
      result.error = {StorageError::Kind::other, "injected write failure"};
      return result;
    }
    sqlite3_exec(db_, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr);
    for (const Statement& statement : statements) {
      std::int64_t changed = 0;
      result.error = run(statement.sql, statement.params, nullptr, &changed);
      if (!result.ok()) {
        sqlite3_exec(db_, "ROLLBACK", nullptr, nullptr, nullptr);
        result.changes.clear();
        return result;
      }
      result.changes.push_back(changed);
    }
    sqlite3_exec(db_, "COMMIT", nullptr, nullptr, nullptr);
    return result;
  }

  static StorageError errorOf(int code, sqlite3* db) {
    StorageError::Kind kind = StorageError::Kind::other;
    switch (code & 0xFF) {
      case SQLITE_CONSTRAINT:
        kind = StorageError::Kind::constraint;
        break;
      case SQLITE_BUSY:
      case SQLITE_LOCKED:
        kind = StorageError::Kind::busy;
        break;
      case SQLITE_FULL:
        kind = StorageError::Kind::full;
        break;
      default:
        break;
    }
    return {kind, sqlite3_errmsg(db)};
  }

  static bool bind(sqlite3_stmt* stmt, std::span<const Value> params) {
    for (std::size_t i = 0; i < params.size(); ++i) {
      const int at = static_cast<int>(i + 1);
      int rc = SQLITE_OK;
      if (std::holds_alternative<std::monostate>(params[i])) {
        rc = sqlite3_bind_null(stmt, at);
      } else if (auto* integer = std::get_if<std::int64_t>(&params[i])) {
        rc = sqlite3_bind_int64(stmt, at, *integer);
      } else if (auto* real = std::get_if<double>(&params[i])) {
        rc = sqlite3_bind_double(stmt, at, *real);
      } else {
        const auto& text = std::get<std::string>(params[i]);
        rc = sqlite3_bind_text(stmt, at, text.data(), static_cast<int>(text.size()),
                               SQLITE_TRANSIENT);
      }
      if (rc != SQLITE_OK) return false;
    }
    return true;
  }

  static Row rowOf(sqlite3_stmt* stmt) {
    Row row;
    const int columns = sqlite3_column_count(stmt);
    for (int c = 0; c < columns; ++c) {
      switch (sqlite3_column_type(stmt, c)) {
        case SQLITE_INTEGER:
          row.emplace_back(std::int64_t{sqlite3_column_int64(stmt, c)});
          break;
        case SQLITE_FLOAT:
          row.emplace_back(sqlite3_column_double(stmt, c));
          break;
        case SQLITE_NULL:
          row.emplace_back(std::monostate{});
          break;
        default: {
          const auto* text = reinterpret_cast<const char*>(sqlite3_column_text(stmt, c));
          row.emplace_back(
              std::string(text, static_cast<std::size_t>(sqlite3_column_bytes(stmt, c))));
        }
      }
    }
    return row;
  }

  // One statement; rows go to `rows` when given, the change count to `changed`.
  StorageError run(std::string_view sql, std::span<const Value> params, std::vector<Row>* rows,
                   std::int64_t* changed) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.data(), static_cast<int>(sql.size()), &stmt, nullptr);
    if (rc != SQLITE_OK) return errorOf(rc, db_);
    std::unique_ptr<sqlite3_stmt, int (*)(sqlite3_stmt*)> owner(stmt, &sqlite3_finalize);
    if (static_cast<int>(params.size()) != sqlite3_bind_parameter_count(stmt) ||
        !bind(stmt, params)) {
      return {StorageError::Kind::other, "parameter count mismatch"};
    }
    while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
      if (rows) rows->push_back(rowOf(stmt));
    }
    if (rc != SQLITE_DONE) return errorOf(sqlite3_extended_errcode(db_), db_);
    if (changed) *changed = sqlite3_changes(db_);
    return {};
  }

  mutable std::mutex mutex_;
  sqlite3* db_ = nullptr;
  bool failQueries_ = false;
  bool failWrites_ = false;
  int writes_ = 0;
  bool holdAsync_ = false;
  std::vector<Pending> pending_;
};

class FakeCounter final : public Counter {
 public:
  void add(std::uint64_t n = 1) noexcept override {
    std::lock_guard lock(mutex_);
    value_ += n;
  }
  std::uint64_t value() const {
    std::lock_guard lock(mutex_);
    return value_;
  }

 private:
  mutable std::mutex mutex_;
  std::uint64_t value_ = 0;
};

class FakeHistogram final : public Histogram {
 public:
  void observe(double seconds) noexcept override {
    std::lock_guard lock(mutex_);
    observations_.push_back(seconds);
  }
  std::vector<double> observations() const {
    std::lock_guard lock(mutex_);
    return observations_;
  }

 private:
  mutable std::mutex mutex_;
  std::vector<double> observations_;
};

// One frame the plugin sent through the host. Exactly one of `connection`
// (sendToConnection) and `user` (sendToUser) is set.
struct SentFrame {
  std::optional<ConnectionId> connection;
  std::optional<UserId> user;
  std::optional<ConnectionId> except;
  std::string type;
  std::string payload;
};

struct LogLine {
  LogLevel level;
  std::string message;
};

class FakeHost final : public Host {
 public:
  // The clock starts at 2021-12-23 00:19:16.000880 UTC; ids count up from
  // 1'000'000 (increasing, like snowflakes from one node).
  static constexpr std::int64_t kStartMicros = 1640218756000880;

  // Test setup -------------------------------------------------------------

  // Adds an active user; id 0 picks the next id from nextId().
  User addUser(std::string name, std::uint64_t id = 0,
               std::optional<std::string> profile = std::nullopt) {
    User user{UserId{id == 0 ? nextId() : id}, std::move(name), std::move(profile)};
    std::lock_guard lock(mutex_);
    users_[value(user.id)] = user;
    return user;
  }
  void removeUser(UserId id) {
    std::lock_guard lock(mutex_);
    users_.erase(value(id));
  }
  void setNow(std::int64_t micros) {
    std::lock_guard lock(mutex_);
    now_ = micros;
  }
  void advance(std::int64_t micros) {
    std::lock_guard lock(mutex_);
    now_ += micros;
  }
  FakeStorage& fakeStorage() noexcept { return storage_; }

  // Inspection ---------------------------------------------------------------

  std::vector<SentFrame> sent() const {
    std::lock_guard lock(mutex_);
    return sent_;
  }
  // Frames sent with sendToUser(user, …), in order.
  std::vector<SentFrame> sentToUser(UserId user) const {
    std::lock_guard lock(mutex_);
    std::vector<SentFrame> out;
    for (const SentFrame& frame : sent_) {
      if (frame.user == user) out.push_back(frame);
    }
    return out;
  }
  void clearSent() {
    std::lock_guard lock(mutex_);
    sent_.clear();
  }
  std::vector<LogLine> logs() const {
    std::lock_guard lock(mutex_);
    return logs_;
  }
  std::uint64_t counterValue(std::string_view name) const {
    std::lock_guard lock(mutex_);
    auto it = counters_.find(std::string(name));
    return it == counters_.end() ? 0 : it->second->value();
  }
  // Every value observed on the histogram `name`, in order.
  std::vector<double> histogramObservations(std::string_view name) const {
    std::lock_guard lock(mutex_);
    auto it = histograms_.find(std::string(name));
    return it == histograms_.end() ? std::vector<double>{} : it->second->observations();
  }
  const Friends* providedFriends() const {
    std::lock_guard lock(mutex_);
    return friends_;
  }
  const History* providedHistory() const {
    std::lock_guard lock(mutex_);
    return history_;
  }
  // Lets a test stand in for the plugin that provides a service.
  void setFriends(const Friends* friends) {
    std::lock_guard lock(mutex_);
    friends_ = friends;
  }
  void setHistory(const History* history) {
    std::lock_guard lock(mutex_);
    history_ = history;
  }

  // sdk::Host ---------------------------------------------------------------

  void sendToConnection(ConnectionId connection, std::string_view type,
                        std::string_view payloadJson) noexcept override {
    std::lock_guard lock(mutex_);
    sent_.push_back(
        {connection, std::nullopt, std::nullopt, std::string(type), std::string(payloadJson)});
  }
  void sendToUser(UserId user, std::string_view type, std::string_view payloadJson,
                  std::optional<ConnectionId> except = std::nullopt) noexcept override {
    std::lock_guard lock(mutex_);
    sent_.push_back({std::nullopt, user, except, std::string(type), std::string(payloadJson)});
  }
  std::optional<User> findUser(UserId id) noexcept override {
    std::lock_guard lock(mutex_);
    auto it = users_.find(value(id));
    if (it == users_.end()) return std::nullopt;
    return it->second;
  }
  std::optional<User> findUserByName(std::string_view name) noexcept override {
    std::lock_guard lock(mutex_);
    for (const auto& [id, user] : users_) {
      if (equalIgnoringCase(user.name, name)) return user;
    }
    return std::nullopt;
  }
  std::uint64_t nextId() noexcept override {
    std::lock_guard lock(mutex_);
    return ++lastId_;
  }
  std::int64_t nowMicros() noexcept override {
    std::lock_guard lock(mutex_);
    return now_;
  }
  void log(LogLevel level, std::string_view message) noexcept override {
    std::lock_guard lock(mutex_);
    logs_.push_back({level, std::string(message)});
  }
  Counter& counter(std::string_view name) noexcept override {
    std::lock_guard lock(mutex_);
    auto& slot = counters_[std::string(name)];
    if (!slot) slot = std::make_unique<FakeCounter>();
    return *slot;
  }
  Storage& storage() noexcept override { return storage_; }
  void provideFriends(const Friends& friends) noexcept override {
    std::lock_guard lock(mutex_);
    friends_ = &friends;
  }
  const Friends* friends() noexcept override {
    std::lock_guard lock(mutex_);
    return friends_;
  }
  void provideHistory(const History& history) noexcept override {
    std::lock_guard lock(mutex_);
    history_ = &history;
  }
  const History* history() noexcept override {
    std::lock_guard lock(mutex_);
    return history_;
  }
  Histogram& histogram(std::string_view name) noexcept override {
    std::lock_guard lock(mutex_);
    auto& slot = histograms_[std::string(name)];
    if (!slot) slot = std::make_unique<FakeHistogram>();
    return *slot;
  }

 private:
  // User names are ASCII (PROTOCOL.md §2), so ASCII case folding is enough.
  static bool equalIgnoringCase(std::string_view a, std::string_view b) {
    return a.size() == b.size() && std::equal(a.begin(), a.end(), b.begin(), [](char x, char y) {
             return std::tolower(static_cast<unsigned char>(x)) ==
                    std::tolower(static_cast<unsigned char>(y));
           });
  }

  mutable std::mutex mutex_;
  FakeStorage storage_;
  std::map<std::uint64_t, User> users_;
  std::vector<SentFrame> sent_;
  std::vector<LogLine> logs_;
  std::map<std::string, std::unique_ptr<FakeCounter>> counters_;
  std::map<std::string, std::unique_ptr<FakeHistogram>> histograms_;
  const Friends* friends_ = nullptr;
  const History* history_ = nullptr;
  std::int64_t now_ = kStartMicros;
  std::uint64_t lastId_ = 1000000;
};

// Records what a handler sent to the requesting connection, in order,
// including what it sent later through a DeferredReply (from any thread).
// Read frames() once the handler and any deferred answer are done.
class FakeReply final : public Reply {
 public:
  struct Frame {
    std::string type;               // "error" for error()
    std::string payload;            // the payload JSON text; the reason for error()
    std::optional<ErrorCode> code;  // set for error()
  };

  FakeReply() : state_(std::make_shared<State>()) {}

  void send(std::string_view type, std::string_view payloadJson) noexcept override {
    state_->add({std::string(type), std::string(payloadJson), std::nullopt});
  }
  void error(ErrorCode code, std::string_view reason) noexcept override {
    state_->add({"error", std::string(reason), code});
  }
  DeferredReply defer() override {
    const std::lock_guard lock(state_->mutex);
    state_->deferred = true;
    return DeferredReply(std::make_shared<Sink>(state_));
  }

  const std::vector<Frame>& frames() const noexcept { return state_->frames; }
  // The code of the only error, or nullopt when none was sent.
  std::optional<ErrorCode> errorCode() const {
    for (const Frame& frame : frames()) {
      if (frame.code) return frame.code;
    }
    return std::nullopt;
  }
  // defer() was called / the deferred answer finished (explicitly or by
  // dropping every handle) / the failure it finished with ("" = success).
  bool deferred() const {
    const std::lock_guard lock(state_->mutex);
    return state_->deferred;
  }
  bool finished() const {
    const std::lock_guard lock(state_->mutex);
    return state_->finished;
  }
  std::string failure() const {
    const std::lock_guard lock(state_->mutex);
    return state_->failure;
  }
  void clear() noexcept {
    const std::lock_guard lock(state_->mutex);
    state_->frames.clear();
    state_->deferred = state_->finished = false;
    state_->failure.clear();
  }

 private:
  // Shared with the deferred sink, which may outlive this reply.
  struct State {
    mutable std::mutex mutex;
    std::vector<Frame> frames;
    bool deferred = false;
    bool finished = false;
    std::string failure;
    void add(Frame frame) noexcept {
      try {
        const std::lock_guard lock(mutex);
        if (!finished) frames.push_back(std::move(frame));
      } catch (...) {
      }
    }
  };
  class Sink final : public DeferredSink {
   public:
    explicit Sink(std::shared_ptr<State> state) : state_(std::move(state)) {}
    ~Sink() override { finish({}); }
    void send(std::string_view type, std::string_view payloadJson) noexcept override {
      state_->add({std::string(type), std::string(payloadJson), std::nullopt});
    }
    void error(ErrorCode code, std::string_view reason) noexcept override {
      state_->add({"error", std::string(reason), code});
    }
    void finish(std::string_view failure) noexcept override {
      try {
        const std::lock_guard lock(state_->mutex);
        if (state_->finished) return;
        state_->finished = true;
        state_->failure = std::string(failure);
      } catch (...) {
      }
    }

   private:
    std::shared_ptr<State> state_;
  };

  std::shared_ptr<State> state_;
};

}  // namespace wind::sdk::testing
