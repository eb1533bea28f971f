#pragma once
// One PostgreSQL connection, through libpq. Used by one thread at a time,
// like every Connection.
//
// Why libpq and not Poco Data PostgreSQL (Debian's Poco 1.11):
//  - Poco's SessionHandle never PQfinish()es a connection that is not
//    CONNECTION_OK, so every failed connect and every connection lost with
//    the server leaks its PGconn (LeakSanitizer in storage_test).
//  - Poco's binder sends every value as untyped text; see run() in the .cpp.

#include <memory>
#include <string>
#include <unordered_map>
#include <vector>

#include "storage/connection.h"

struct pg_conn;  // libpq's PGconn

namespace wind::storage {

// Maps a PostgreSQL SQLSTATE (five characters; empty when there is none, as
// for a lost connection) to the SDK's error kind.
StorageError::Kind errorKindOfSqlstate(std::string_view sqlstate) noexcept;

struct PostgresConnectionOptions {
  std::string conninfo;   // libpq key=value string, password included (see postgresConninfo)
  std::string name;       // for messages, without the password
  bool readOnly = false;  // default_transaction_read_only: the connection refuses writes
};

// Turns `url` (a libpq URI or key=value string) into a key=value string with
// `password` (when non-empty), a connect_timeout (when `url` has none) and
// application_name=wind-server (when `url` has none). `name` receives a
// description without the password. Throws StorageFailure on a malformed url.
std::string postgresConninfo(const std::string& url, const std::string& password,
                             int connectTimeoutSeconds, std::string& name);

class PostgresConnection final : public Connection {
 public:
  // Connects. Throws StorageFailure naming the server when it cannot.
  explicit PostgresConnection(PostgresConnectionOptions options);
  ~PostgresConnection() override;
  PostgresConnection(const PostgresConnection&) = delete;
  PostgresConnection& operator=(const PostgresConnection&) = delete;

  // `?` placeholders become $n; values are sent with their types (INT8,
  // FLOAT8, TEXT; NULL untyped). A connection found lost outside a
  // transaction is re-established first; a read-only connection also retries
  // a statement once when the connection was lost during it.
  StorageError run(std::string_view sql, std::span<const Value> params, std::vector<Row>* rows,
                   std::int64_t* changes = nullptr) noexcept override;

  // Migration text, with INTEGER → BIGINT and REAL → DOUBLE PRECISION (portableDdl).
  StorageError exec(const std::string& sql) noexcept override;

  // BEGIN (reconnecting first when the connection was lost).
  StorageError begin() noexcept override;

  // True when idle, and when the connection is lost (its transaction is gone).
  bool autocommit() const noexcept override;

  // False: a failed statement aborts the whole PostgreSQL transaction, so
  // every unit needs its savepoint.
  bool undoesFailedStatement(std::string_view) const noexcept override { return false; }

  const std::string& name() const noexcept override { return options_.name; }

 private:
  StorageError runOnce(std::string_view sql, std::span<const Value> params, std::vector<Row>* rows,
                       std::int64_t* changes) noexcept;
  StorageError ensureConnected() noexcept;
  const std::string* prepared(const std::string& text, const std::vector<unsigned>& types,
                              StorageError& error);
  bool lost() noexcept;

  PostgresConnectionOptions options_;
  struct ConnectionDeleter {
    void operator()(pg_conn* connection) const noexcept;
  };
  std::unique_ptr<pg_conn, ConnectionDeleter> connection_;
  // Statement names by SQL text and parameter types (the types are part of
  // a prepared statement). Emptied when the connection is re-established:
  // the server forgot them.
  std::unordered_map<std::string, std::string> statements_;
  std::size_t nextStatement_ = 0;
};

}  // namespace wind::storage
