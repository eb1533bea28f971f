#include "auth/secrets.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>

namespace wind::auth {
namespace {

bool urlSafe(const std::string& text) {
  return std::all_of(text.begin(), text.end(), [](char c) {
    return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-' ||
           c == '_';
  });
}

TEST(Secrets, TokenIs256BitsUrlSafeUnpadded) {
  const auto token = randomUrlSafe(kTokenBytes);
  EXPECT_EQ(token.size(), 43u);  // ceil(32 * 8 / 6)
  EXPECT_TRUE(urlSafe(token));
}

TEST(Secrets, VerificationKeyHasAtLeast128Bits) {
  EXPECT_GE(kVerificationKeyBytes, 16u);
  const auto key = randomUrlSafe(kVerificationKeyBytes);
  EXPECT_EQ(key.size(), 32u);
  EXPECT_TRUE(urlSafe(key));
}

TEST(Secrets, TokensDiffer) {
  std::set<std::string> seen;
  for (int i = 0; i < 100; ++i) seen.insert(randomUrlSafe(kTokenBytes));
  EXPECT_EQ(seen.size(), 100u);
}

TEST(Secrets, Sha256HexMatchesKnownVector) {
  EXPECT_EQ(sha256Hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  EXPECT_EQ(sha256Hex("").size(), 64u);
}

}  // namespace
}  // namespace wind::auth
