#include "storage/postgres_connection.h"

#include <libpq-fe.h>

#include <charconv>
#include <cstdio>
#include <cstdlib>
#include <memory>
#include <type_traits>

#include "storage/postgres_sql.h"

namespace wind::storage {
namespace {

// Type OIDs of pg_type (stable across releases; libpq has no header for them).
constexpr Oid kBool = 16;
constexpr Oid kInt8 = 20;
constexpr Oid kInt2 = 21;
constexpr Oid kInt4 = 23;
constexpr Oid kText = 25;
constexpr Oid kOid = 26;
constexpr Oid kFloat4 = 700;
constexpr Oid kFloat8 = 701;
constexpr Oid kNumeric = 1700;

// Beyond this many distinct (SQL, types) the prepared statements are dropped
// and prepared again as needed: the server uses a fixed set, so hitting it
// means SQL is built dynamically and keeping them would only grow memory.
constexpr std::size_t kMaxPreparedStatements = 512;

struct ResultDeleter {
  void operator()(PGresult* result) const noexcept { PQclear(result); }
};
using ResultPtr = std::unique_ptr<PGresult, ResultDeleter>;

struct ConninfoDeleter {
  void operator()(PQconninfoOption* options) const noexcept { PQconninfoFree(options); }
};

bool failed(const StorageError& error) noexcept { return error.kind != StorageError::Kind::none; }

std::string trimmed(const char* text) {
  std::string out = text != nullptr ? text : "";
  while (!out.empty() && (out.back() == '\n' || out.back() == ' ')) out.pop_back();
  return out;
}

// Parameters in the text format, each with its type: PostgreSQL then never
// has to guess a type from the context (see run()).
struct Parameters {
  std::vector<std::string> texts;
  std::vector<const char*> values;
  std::vector<Oid> types;

  explicit Parameters(std::span<const Value> params) {
    texts.reserve(params.size());
    for (const Value& value : params) {
      std::visit(
          [this](const auto& v) {
            using T = std::decay_t<decltype(v)>;
            if constexpr (std::is_same_v<T, std::monostate>) {
              texts.emplace_back();
              types.push_back(0);  // NULL: the server infers the type
            } else if constexpr (std::is_same_v<T, std::int64_t>) {
              texts.push_back(std::to_string(v));
              types.push_back(kInt8);
            } else if constexpr (std::is_same_v<T, double>) {
              char buffer[32];
              std::snprintf(buffer, sizeof buffer, "%.17g", v);
              texts.emplace_back(buffer);
              types.push_back(kFloat8);
            } else {
              texts.push_back(v);
              types.push_back(kText);
            }
          },
          value);
    }
    for (std::size_t i = 0; i < params.size(); ++i) {
      values.push_back(std::holds_alternative<std::monostate>(params[i]) ? nullptr
                                                                         : texts[i].c_str());
    }
  }
};

std::int64_t integerOf(const char* text) {
  std::int64_t value = 0;
  std::from_chars(text, text + std::char_traits<char>::length(text), value);
  return value;
}

Value columnValue(const PGresult* result, int row, int column) {
  if (PQgetisnull(result, row, column) != 0) return std::monostate{};
  const char* text = PQgetvalue(result, row, column);
  switch (PQftype(result, column)) {
    case kInt2:
    case kInt4:
    case kInt8:
    case kOid:
      return integerOf(text);
    case kBool:
      return std::int64_t{text[0] == 't' ? 1 : 0};
    case kFloat4:
    case kFloat8:
      return std::strtod(text, nullptr);
    case kNumeric:
      // sum() of BIGINT is NUMERIC: an integral one stays an integer, as in SQLite.
      if (std::string_view(text).find_first_of(".eEN") == std::string_view::npos) {
        return integerOf(text);
      }
      return std::strtod(text, nullptr);
    default:
      return std::string(text, static_cast<std::size_t>(PQgetlength(result, row, column)));
  }
}

StorageError errorOf(const PGresult* result, PGconn* connection) {
  const char* sqlstate = result != nullptr ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
  std::string message = trimmed(result != nullptr ? PQresultErrorMessage(result) : nullptr);
  if (message.empty()) message = trimmed(PQerrorMessage(connection));
  if (message.empty()) message = "PostgreSQL reported an error without a message";
  return {errorKindOfSqlstate(sqlstate != nullptr ? sqlstate : ""), message};
}

bool writes(const PGresult* result) {
  const std::string_view status = PQcmdStatus(const_cast<PGresult*>(result));
  for (std::string_view verb : {"INSERT", "UPDATE", "DELETE", "MERGE"}) {
    if (status.substr(0, verb.size()) == verb) return true;
  }
  return false;
}

void appendQuoted(std::string& out, std::string_view key, std::string_view value) {
  out += key;
  out += "='";
  for (char c : value) {
    if (c == '\'' || c == '\\') out += '\\';
    out += c;
  }
  out += "' ";
}

}  // namespace

StorageError::Kind errorKindOfSqlstate(std::string_view sqlstate) noexcept {
  if (sqlstate.size() != 5) return StorageError::Kind::other;
  if (sqlstate.substr(0, 2) == "23") return StorageError::Kind::constraint;
  if (sqlstate == "40001" || sqlstate == "40P01" || sqlstate == "55P03") {
    return StorageError::Kind::busy;
  }
  if (sqlstate.substr(0, 2) == "53") return StorageError::Kind::full;
  return StorageError::Kind::other;
}

std::string postgresConninfo(const std::string& url, const std::string& password,
                             int connectTimeoutSeconds, std::string& name) {
  char* error = nullptr;
  const std::unique_ptr<PQconninfoOption, ConninfoDeleter> options(
      PQconninfoParse(url.c_str(), &error));
  if (options == nullptr) {
    const std::string reason = trimmed(error != nullptr ? error : "out of memory");
    PQfreemem(error);
    throw StorageFailure("storage: storage.url is not a PostgreSQL connection string: " + reason);
  }
  std::string conninfo;
  std::string host = "localhost";
  std::string port = "5432";
  std::string user;
  std::string dbname;
  bool hasTimeout = false;
  bool hasApplication = false;
  for (const PQconninfoOption* option = options.get(); option->keyword != nullptr; ++option) {
    if (option->val == nullptr) continue;
    const std::string_view key = option->keyword;
    if (key == "password" && !password.empty()) continue;
    if (key == "host") host = option->val;
    if (key == "port") port = option->val;
    if (key == "user") user = option->val;
    if (key == "dbname") dbname = option->val;
    hasTimeout = hasTimeout || key == "connect_timeout";
    hasApplication = hasApplication || key == "application_name";
    appendQuoted(conninfo, key, option->val);
  }
  if (!password.empty()) appendQuoted(conninfo, "password", password);
  if (!hasTimeout) appendQuoted(conninfo, "connect_timeout", std::to_string(connectTimeoutSeconds));
  if (!hasApplication) appendQuoted(conninfo, "application_name", "wind-server");
  name = "postgresql://" + (user.empty() ? "" : user + "@") + host + ":" + port + "/" + dbname;
  return conninfo;
}

void PostgresConnection::ConnectionDeleter::operator()(pg_conn* connection) const noexcept {
  PQfinish(connection);
}

PostgresConnection::PostgresConnection(PostgresConnectionOptions options)
    : options_(std::move(options)) {
  if (options_.readOnly) options_.conninfo += "options='-c default_transaction_read_only=on' ";
  connection_.reset(PQconnectdb(options_.conninfo.c_str()));
  if (connection_ == nullptr)
    throw StorageFailure("storage: out of memory connecting to PostgreSQL");
  if (PQstatus(connection_.get()) != CONNECTION_OK) {
    throw StorageFailure("storage: cannot connect to PostgreSQL at '" + options_.name +
                         "': " + trimmed(PQerrorMessage(connection_.get())));
  }
  // Notices ("relation already exists, skipping") would go to stderr; errors
  // come back in results. Kept across PQreset: it belongs to the PGconn.
  PQsetNoticeProcessor(
      connection_.get(), [](void*, const char*) {}, nullptr);
}

PostgresConnection::~PostgresConnection() = default;

bool PostgresConnection::lost() noexcept { return PQstatus(connection_.get()) != CONNECTION_OK; }

StorageError PostgresConnection::ensureConnected() noexcept {
  if (!lost()) return {};
  // The server forgot the prepared statements with the session.
  statements_.clear();
  PQreset(connection_.get());
  if (!lost()) return {};
  return {StorageError::Kind::other, "PostgreSQL at '" + options_.name + "' is unreachable: " +
                                         trimmed(PQerrorMessage(connection_.get()))};
}

bool PostgresConnection::autocommit() const noexcept {
  const PGTransactionStatusType status = PQtransactionStatus(connection_.get());
  return status != PQTRANS_INTRANS && status != PQTRANS_INERROR && status != PQTRANS_ACTIVE;
}

StorageError PostgresConnection::run(std::string_view sql, std::span<const Value> params,
                                     std::vector<Row>* rows, std::int64_t* changes) noexcept {
  const bool idle = autocommit();
  if (idle) {
    if (auto error = ensureConnected(); failed(error)) return error;
  }
  auto error = runOnce(sql, params, rows, changes);
  // A read on a read-only connection can run again: it changed nothing.
  if (failed(error) && idle && options_.readOnly && lost() && !failed(ensureConnected())) {
    if (rows != nullptr) rows->clear();
    error = runOnce(sql, params, rows, changes);
  }
  return error;
}

// Prepares `text` with parameter `types` once per connection. Null with
// `error` set when the server refused it (a syntax error, two statements).
const std::string* PostgresConnection::prepared(const std::string& text,
                                                const std::vector<unsigned>& types,
                                                StorageError& error) {
  std::string key = text;
  key += '\0';
  for (const unsigned type : types) key += std::to_string(type) + ",";
  if (const auto it = statements_.find(key); it != statements_.end()) return &it->second;
  PGconn* connection = connection_.get();
  if (statements_.size() >= kMaxPreparedStatements) {
    PQclear(PQexec(connection, "DEALLOCATE ALL"));
    statements_.clear();
  }
  const std::string name = "wind_" + std::to_string(nextStatement_++);
  const ResultPtr result(PQprepare(connection, name.c_str(), text.c_str(),
                                   static_cast<int>(types.size()), types.data()));
  if (result == nullptr || PQresultStatus(result.get()) != PGRES_COMMAND_OK) {
    error = errorOf(result.get(), connection);
    return nullptr;
  }
  return &statements_.emplace(std::move(key), name).first->second;
}

// Why typed parameters (PQprepare with types), unlike Poco's binder: Poco
// binds every value as untyped text, so PostgreSQL infers each parameter's type from its context,
// and in `INSERT INTO t(bigint_column) SELECT ?, ? WHERE …` (mutual_users)
// the context says text, which then cannot go into a BIGINT column. Sending
// the type of each value (INT8, FLOAT8, TEXT) gives SQLite's semantics.
StorageError PostgresConnection::runOnce(std::string_view sql, std::span<const Value> params,
                                         std::vector<Row>* rows, std::int64_t* changes) noexcept {
  try {
    if (changes != nullptr) *changes = 0;
    const NumberedSql numbered = numberPlaceholders(sql);
    if (numbered.placeholders != params.size()) {
      return {StorageError::Kind::other, "statement has " + std::to_string(numbered.placeholders) +
                                             " placeholders but " + std::to_string(params.size()) +
                                             " values were given"};
    }
    const Parameters parameters(params);
    StorageError prepareError;
    const std::string* statement = prepared(numbered.text, parameters.types, prepareError);
    if (statement == nullptr) return prepareError;
    PGconn* connection = connection_.get();
    const ResultPtr result(PQexecPrepared(connection, statement->c_str(),
                                          static_cast<int>(params.size()), parameters.values.data(),
                                          nullptr, nullptr, 0));
    const ExecStatusType status =
        result != nullptr ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status != PGRES_COMMAND_OK && status != PGRES_TUPLES_OK) {
      return errorOf(result.get(), connection);
    }
    // COMMIT of a transaction that had failed answers "ROLLBACK", not an error.
    if (std::string_view(PQcmdStatus(result.get())) == "ROLLBACK" && sql == "COMMIT") {
      return {StorageError::Kind::other, "the transaction was rolled back"};
    }
    if (changes != nullptr && writes(result.get())) *changes = integerOf(PQcmdTuples(result.get()));
    if (rows != nullptr && status == PGRES_TUPLES_OK) {
      const int count = PQntuples(result.get());
      const int columns = PQnfields(result.get());
      rows->reserve(rows->size() + static_cast<std::size_t>(count));
      for (int r = 0; r < count; ++r) {
        Row& row = rows->emplace_back();
        row.reserve(static_cast<std::size_t>(columns));
        for (int c = 0; c < columns; ++c) row.push_back(columnValue(result.get(), r, c));
      }
    }
    return {};
  } catch (const std::exception& e) {
    return {StorageError::Kind::other, e.what()};
  }
}

StorageError PostgresConnection::exec(const std::string& sql) noexcept {
  try {
    if (autocommit()) {
      if (auto error = ensureConnected(); failed(error)) return error;
    }
    PGconn* connection = connection_.get();
    const ResultPtr result(PQexec(connection, portableDdl(sql).c_str()));
    const ExecStatusType status =
        result != nullptr ? PQresultStatus(result.get()) : PGRES_FATAL_ERROR;
    if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY) {
      return {};
    }
    return errorOf(result.get(), connection);
  } catch (const std::exception& e) {
    return {StorageError::Kind::other, e.what()};
  }
}

StorageError PostgresConnection::begin() noexcept {
  auto error = run("BEGIN", {}, nullptr);
  // BEGIN changes nothing either: on a connection lost since its last use, once more.
  if (failed(error) && lost() && !failed(ensureConnected())) error = run("BEGIN", {}, nullptr);
  return error;
}

}  // namespace wind::storage
