#pragma once
// Adapts the portable SQL subset (see sdk/include/wind/sdk/storage.h) to
// PostgreSQL. Pure text functions; any thread.

#include <cstddef>
#include <string>
#include <string_view>

namespace wind::storage {

struct NumberedSql {
  std::string text;              // `?` replaced by $1, $2, … in order
  std::size_t placeholders = 0;  // how many were replaced
};

// Replaces each `?` outside string literals ('…'), quoted identifiers ("…")
// and comments (-- …, /* … */) by $1, $2, … in order.
NumberedSql numberPlaceholders(std::string_view sql);

// Migration DDL: the type names INTEGER → BIGINT (snowflake ids need 63
// bits; SQLite's INTEGER is 64-bit already) and REAL → DOUBLE PRECISION
// (SQLite's REAL is 8 bytes, PostgreSQL's 4), as whole words outside literals,
// quoted identifiers and comments. Everything else is unchanged.
std::string portableDdl(std::string_view sql);

}  // namespace wind::storage
