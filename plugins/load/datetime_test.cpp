#include "datetime.h"

#include <gtest/gtest.h>

namespace wind::plugins::load {
namespace {

constexpr std::int64_t kMicros = 1640218756000880;  // 2021-12-23 00:19:16.000880

TEST(DatetimeTest, AcceptsThePlainForm) {
  EXPECT_EQ(parseLoadDatetime("2021-12-23 00:19:16.000880"), kMicros);
}

TEST(DatetimeTest, AcceptsBase64WithAndWithoutPadding) {
  EXPECT_EQ(parseLoadDatetime("MjAyMS0xMi0yMyAwMDoxOToxNi4wMDA4ODA="), kMicros);
  EXPECT_EQ(parseLoadDatetime("MjAyMS0xMi0yMyAwMDoxOToxNi4wMDA4ODA"), kMicros);
}

TEST(DatetimeTest, RefusesEverythingElse) {
  for (const char* text :
       {"", "yesterday", "MjAyMS0xMi0yMyAwMDoxOToxNi4wMDA4ODA==",
        "MjAyMS0xMi0yMyAwMDoxOToxNi4wMDA4OD", "bm90IGEgZGF0ZQ==", "2021-12-23 00:19:16",
        "MjAyMS0xMi0yMyAwMDoxOToxNi4wMDA4ODA=\n", "MjAyMS0xMi0yMyAwMDoxOToxNi4w MDA4ODA="}) {
    EXPECT_FALSE(parseLoadDatetime(text)) << text;
  }
}

TEST(DatetimeTest, DecodesBothAlphabetsButNotAMixture) {
  EXPECT_EQ(decodeBase64("+/8="), std::string("\xFB\xFF"));
  EXPECT_EQ(decodeBase64("+/8"), std::string("\xFB\xFF"));
  EXPECT_EQ(decodeBase64("-_8"), std::string("\xFB\xFF"));
  EXPECT_EQ(decodeBase64("-_8="), std::string("\xFB\xFF"));
  EXPECT_FALSE(decodeBase64("+_8="));
  EXPECT_FALSE(decodeBase64("-/8="));
}

TEST(DatetimeTest, RefusesBrokenBase64) {
  for (const char* text : {"", "=", "A", "AB=C", "AB*=", "QUJD=", "QQ==="}) {
    EXPECT_FALSE(decodeBase64(text)) << text;
  }
  EXPECT_EQ(decodeBase64("QQ=="), "A");
  EXPECT_EQ(decodeBase64("QQ"), "A");
}

}  // namespace
}  // namespace wind::plugins::load
