#include "gateway/admission.h"

#include <gtest/gtest.h>

namespace wind::gateway {
namespace {

TEST(AddressSlots, CapsEachAddressAndReleases) {
  AddressSlots slots(2);
  EXPECT_TRUE(slots.tryAcquire("10.0.0.1"));
  EXPECT_TRUE(slots.tryAcquire("10.0.0.1"));
  EXPECT_FALSE(slots.tryAcquire("10.0.0.1"));
  EXPECT_TRUE(slots.tryAcquire("10.0.0.2"));
  slots.release("10.0.0.1");
  EXPECT_EQ(slots.held("10.0.0.1"), 1U);
  EXPECT_TRUE(slots.tryAcquire("10.0.0.1"));
  slots.release("10.0.0.9");  // unknown: ignored
  EXPECT_EQ(slots.held("10.0.0.9"), 0U);
}

TEST(AddressSlots, HostOfDropsThePort) {
  EXPECT_EQ(hostOf("127.0.0.1:5555"), "127.0.0.1");
  EXPECT_EQ(hostOf("[::1]:80"), "::1");
}

TEST(OriginAllowed, NoOriginIsANativeClient) {
  EXPECT_TRUE(originAllowed("", "h:1", "http://x", {}));
}

TEST(OriginAllowed, SameOriginByHostOrPublicUrl) {
  EXPECT_TRUE(
      originAllowed("http://127.0.0.1:8080", "127.0.0.1:8080", "https://chat.example.org", {}));
  EXPECT_TRUE(
      originAllowed("https://chat.example.org", "10.0.0.1:8080", "https://chat.example.org/", {}));
  EXPECT_TRUE(
      originAllowed("HTTPS://Chat.Example.org", "10.0.0.1:8080", "https://chat.example.org", {}));
}

TEST(OriginAllowed, ForeignOriginRefusedUnlessListed) {
  EXPECT_FALSE(
      originAllowed("https://evil.example", "127.0.0.1:8080", "http://localhost:8080", {}));
  EXPECT_FALSE(originAllowed("null", "127.0.0.1:8080", "http://localhost:8080", {}));
  EXPECT_TRUE(originAllowed("https://app.example", "127.0.0.1:8080", "http://localhost:8080",
                            {"https://other.example", "https://app.example"}));
  // A list replaces the same-origin default.
  EXPECT_FALSE(originAllowed("http://127.0.0.1:8080", "127.0.0.1:8080", "http://x",
                             {"https://app.example"}));
  EXPECT_TRUE(originAllowed("https://any.example", "h", "http://x", {"*"}));
}

}  // namespace
}  // namespace wind::gateway
