#include <gtest/gtest.h>

#include "wind/sdk/time.h"

namespace wind::sdk::time {
namespace {

TEST(WireTimeTest, FormatsUtcWithSixFractionalDigits) {
  EXPECT_EQ(formatMicros(0), "1970-01-01 00:00:00.000000");
  EXPECT_EQ(formatMicros(1640218756000880), "2021-12-23 00:19:16.000880");
  EXPECT_EQ(formatMicros(-1), "1969-12-31 23:59:59.999999");
  EXPECT_EQ(formatMicros(951782400000000 + 1), "2000-02-29 00:00:00.000001");
}

TEST(WireTimeTest, ParsesWhatItFormats) {
  for (std::int64_t micros : {std::int64_t{0}, std::int64_t{1640218756000880}, std::int64_t{-1},
                              std::int64_t{253402300799999999}, std::int64_t{1709164800123456}}) {
    EXPECT_EQ(parseMicros(formatMicros(micros)), micros) << micros;
  }
}

TEST(WireTimeTest, RefusesAnythingButTheExactFormat) {
  for (const char* text :
       {"", "2021-12-23 00:19:16", "2021-12-23 00:19:16.00088", "2021-12-23 00:19:16.0008800",
        "2021-12-23T00:19:16.000880", "2021-12-23 00:19:16,000880", " 2021-12-23 00:19:16.00088",
        "2021-13-01 00:00:00.000000", "2021-00-01 00:00:00.000000", "2021-02-29 00:00:00.000000",
        "2021-04-31 00:00:00.000000", "2021-12-23 24:00:00.000000", "2021-12-23 00:60:00.000000",
        "2021-12-23 00:00:60.000000", "+021-12-23 00:19:16.000880", "2021-12-23 00:19:16.00088a"}) {
    EXPECT_FALSE(parseMicros(text)) << text;
  }
  EXPECT_TRUE(parseMicros("2024-02-29 23:59:59.999999"));
}

}  // namespace
}  // namespace wind::sdk::time
