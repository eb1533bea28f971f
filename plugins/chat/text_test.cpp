#include "text.h"

#include <gtest/gtest.h>

#include <string>

namespace wind::plugins::chat {
namespace {

std::string utf8(char32_t c) {
  std::string out;
  if (c < 0x80) {
    out += static_cast<char>(c);
  } else if (c < 0x800) {
    out += static_cast<char>(0xC0 | (c >> 6));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else if (c < 0x10000) {
    out += static_cast<char>(0xE0 | (c >> 12));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (c >> 18));
    out += static_cast<char>(0x80 | ((c >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((c >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (c & 0x3F));
  }
  return out;
}

TEST(TextTest, CountsCodePointsNotBytes) {
  EXPECT_EQ(codePointCount(""), 0u);
  EXPECT_EQ(codePointCount("abc"), 3u);
  EXPECT_EQ(codePointCount(utf8(0xE9) + utf8(0x4E2D) + utf8(0x1F600)), 3u);
  EXPECT_EQ(codePointCount("\xFF\xFE"), 2u);  // malformed bytes count one each
}

TEST(TextTest, EveryWhiteSpaceCodePointIsBlank) {
  const char32_t whiteSpace[] = {0x09,   0x0A,   0x0B,   0x0C,   0x0D,   0x20,   0x85,
                                 0xA0,   0x1680, 0x2000, 0x2001, 0x2002, 0x2003, 0x2004,
                                 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200A, 0x2028,
                                 0x2029, 0x202F, 0x205F, 0x3000};
  std::string all;
  for (char32_t c : whiteSpace) {
    EXPECT_TRUE(isBlank(utf8(c))) << std::hex << static_cast<unsigned>(c);
    all += utf8(c);
  }
  EXPECT_TRUE(isBlank(all));
  EXPECT_TRUE(isBlank(""));
}

TEST(TextTest, OtherCodePointsAreNotBlank) {
  // Zero-width space, BOM, Mongolian vowel separator and friends lack White_Space.
  for (char32_t c : {char32_t{0x200B}, char32_t{0xFEFF}, char32_t{0x180E}, char32_t{0x1F},
                     char32_t{0x2060}, char32_t{'a'}, char32_t{0x1F600}}) {
    EXPECT_FALSE(isBlank(utf8(c))) << std::hex << static_cast<unsigned>(c);
  }
  EXPECT_FALSE(isBlank("  x  "));
  EXPECT_FALSE(isBlank(" \xFF "));
}

}  // namespace
}  // namespace wind::plugins::chat
