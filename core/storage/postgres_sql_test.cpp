#include "storage/postgres_sql.h"

#include <gtest/gtest.h>

#include <fstream>

#include "storage/database.h"
#include "storage/postgres_connection.h"
#include "storage/test_temp_dir.h"

namespace wind::storage {
namespace {

using Kind = StorageError::Kind;

TEST(PostgresSql, NumbersPlaceholdersInOrder) {
  const NumberedSql numbered = numberPlaceholders("SELECT a FROM t WHERE b = ? AND c IN (?, ?)");
  EXPECT_EQ(numbered.text, "SELECT a FROM t WHERE b = $1 AND c IN ($2, $3)");
  EXPECT_EQ(numbered.placeholders, 3U);
}

TEST(PostgresSql, LeavesLiteralsIdentifiersAndCommentsAlone) {
  const NumberedSql numbered = numberPlaceholders(
      "SELECT 'it''s ?', \"col?\" FROM t -- why?\nWHERE x = ? /* and? */ AND y = '?'");
  EXPECT_EQ(numbered.text,
            "SELECT 'it''s ?', \"col?\" FROM t -- why?\nWHERE x = $1 /* and? */ AND y = '?'");
  EXPECT_EQ(numbered.placeholders, 1U);
  EXPECT_EQ(numberPlaceholders("SELECT 'unterminated ?").placeholders, 0U);
}

TEST(PostgresSql, MapsIntegerAndRealTypesInDdlOnly) {
  EXPECT_EQ(portableDdl("CREATE TABLE t(id INTEGER PRIMARY KEY, r real, integer_count integer,"
                        " note TEXT DEFAULT 'INTEGER');"),
            "CREATE TABLE t(id BIGINT PRIMARY KEY, r DOUBLE PRECISION, integer_count BIGINT,"
            " note TEXT DEFAULT 'INTEGER');");
  EXPECT_EQ(portableDdl("ALTER TABLE t ADD COLUMN \"INTEGER\" TEXT"),
            "ALTER TABLE t ADD COLUMN \"INTEGER\" TEXT");
}

TEST(PostgresSql, SqlstateClassesMapToKinds) {
  EXPECT_EQ(errorKindOfSqlstate("23505"), Kind::constraint);
  EXPECT_EQ(errorKindOfSqlstate("23503"), Kind::constraint);
  EXPECT_EQ(errorKindOfSqlstate("40001"), Kind::busy);
  EXPECT_EQ(errorKindOfSqlstate("40P01"), Kind::busy);
  EXPECT_EQ(errorKindOfSqlstate("55P03"), Kind::busy);
  EXPECT_EQ(errorKindOfSqlstate("53100"), Kind::full);
  EXPECT_EQ(errorKindOfSqlstate("42P01"), Kind::other);
  EXPECT_EQ(errorKindOfSqlstate(""), Kind::other);
}

TEST(PostgresSql, ConninfoAddsPasswordAndTimeoutAndHidesThePassword) {
  std::string name;
  const std::string conninfo =
      postgresConninfo("postgresql://wind:inurl@db.example:6543/chat", "s3'cret", 7, name);
  EXPECT_NE(conninfo.find("password='s3\\'cret'"), std::string::npos) << conninfo;
  EXPECT_EQ(conninfo.find("inurl"), std::string::npos) << conninfo;
  EXPECT_NE(conninfo.find("connect_timeout='7'"), std::string::npos) << conninfo;
  EXPECT_EQ(name, "postgresql://wind@db.example:6543/chat");
  postgresConninfo("host=127.0.0.1 dbname=wind connect_timeout=2", "", 7, name);
  EXPECT_EQ(name, "postgresql://127.0.0.1:5432/wind");
  EXPECT_THROW(postgresConninfo("host", "", 7, name), StorageFailure);
  EXPECT_THROW(postgresConninfo("postgresql://[oops", "", 7, name), StorageFailure);
}

TEST(PostgresPasswordFile, FirstLineIsThePasswordAndAMissingFileIsNamed) {
  testing::TempDir dir;
  std::ofstream(dir.file("pw")) << "s3cret \r\nsecond line\n";
  EXPECT_EQ(readPasswordFile(dir.file("pw")), "s3cret ");
  EXPECT_EQ(readPasswordFile(""), "");
  try {
    readPasswordFile(dir.file("missing"));
    FAIL() << "read a missing file";
  } catch (const StorageFailure& e) {
    EXPECT_NE(std::string(e.what()).find(dir.file("missing")), std::string::npos) << e.what();
  }
}

TEST(PostgresOpen, AnEmptyUrlIsAClearError) {
  try {
    openPostgres(PostgresOptions{});
    FAIL() << "opened without a url";
  } catch (const StorageFailure& e) {
    EXPECT_NE(std::string(e.what()).find("storage.url"), std::string::npos) << e.what();
  }
}

}  // namespace
}  // namespace wind::storage
