#include "storage/postgres_sql.h"

#include <cctype>
#include <functional>

namespace wind::storage {
namespace {

// Where the SQL code (outside literals, quoted identifiers and comments)
// starts and ends; `code` is called with each such run, `other` with the rest.
void scan(std::string_view sql, const std::function<void(std::string_view)>& code,
          const std::function<void(std::string_view)>& other) {
  std::size_t i = 0;
  std::size_t runStart = 0;
  while (i < sql.size()) {
    std::size_t end = std::string_view::npos;
    if (sql[i] == '\'' || sql[i] == '"') {
      // A doubled quote inside is an escaped quote: the scan resumes in the literal.
      end = i + 1;
      while (end < sql.size()) {
        if (sql[end] == sql[i]) {
          if (end + 1 < sql.size() && sql[end + 1] == sql[i]) {
            end += 2;
            continue;
          }
          ++end;
          break;
        }
        ++end;
      }
    } else if (sql.substr(i, 2) == "--") {
      end = sql.find('\n', i);
      end = end == std::string_view::npos ? sql.size() : end;
    } else if (sql.substr(i, 2) == "/*") {
      end = sql.find("*/", i + 2);
      end = end == std::string_view::npos ? sql.size() : end + 2;
    }
    if (end == std::string_view::npos) {
      ++i;
      continue;
    }
    code(sql.substr(runStart, i - runStart));
    other(sql.substr(i, end - i));
    i = end;
    runStart = end;
  }
  code(sql.substr(runStart));
}

bool isWordChar(char c) noexcept {
  return std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '_' || c == '$';
}

bool wordEquals(std::string_view word, std::string_view upper) noexcept {
  if (word.size() != upper.size()) return false;
  for (std::size_t i = 0; i < word.size(); ++i) {
    if (std::toupper(static_cast<unsigned char>(word[i])) != upper[i]) return false;
  }
  return true;
}

std::string mapTypes(std::string_view code) {
  std::string out;
  std::size_t i = 0;
  while (i < code.size()) {
    if (!isWordChar(code[i])) {
      out += code[i++];
      continue;
    }
    std::size_t end = i;
    while (end < code.size() && isWordChar(code[end])) ++end;
    const std::string_view word = code.substr(i, end - i);
    if (wordEquals(word, "INTEGER")) {
      out += "BIGINT";
    } else if (wordEquals(word, "REAL")) {
      out += "DOUBLE PRECISION";
    } else {
      out += word;
    }
    i = end;
  }
  return out;
}

}  // namespace

NumberedSql numberPlaceholders(std::string_view sql) {
  NumberedSql result;
  result.text.reserve(sql.size() + 16);
  const auto append = [&result](std::string_view text) { result.text += text; };
  scan(
      sql,
      [&result](std::string_view code) {
        for (char c : code) {
          if (c == '?') {
            result.text += '$';
            result.text += std::to_string(++result.placeholders);
          } else {
            result.text += c;
          }
        }
      },
      append);
  return result;
}

std::string portableDdl(std::string_view sql) {
  std::string out;
  out.reserve(sql.size() + 32);
  scan(
      sql, [&out](std::string_view code) { out += mapTypes(code); },
      [&out](std::string_view text) { out += text; });
  return out;
}

}  // namespace wind::storage
