#include "plugin_host/host_impl.h"

#include <gtest/gtest.h>

namespace wind::plugin_host {
namespace {

class NoFriends final : public sdk::Friends {
 public:
  bool areFriends(sdk::UserId, sdk::UserId) const noexcept override { return false; }
  std::optional<std::vector<sdk::UserId>> friendsOf(sdk::UserId) const noexcept override {
    return std::nullopt;
  }
};

TEST(ServiceSlot, KeepsTheFirstProviderUntilCleared) {
  ServiceSlot<sdk::Friends> slot;
  NoFriends first;
  NoFriends second;
  EXPECT_EQ(slot.get(), nullptr);
  EXPECT_TRUE(slot.provide(first));
  EXPECT_FALSE(slot.provide(second));
  EXPECT_EQ(slot.get(), &first);
  slot.clear();
  EXPECT_EQ(slot.get(), nullptr);
}

TEST(ServiceSlot, WithdrawClearsOnlyItsOwnProvider) {
  ServiceSlot<sdk::Friends> slot;
  NoFriends first;
  NoFriends second;
  ASSERT_TRUE(slot.provide(first));
  slot.withdraw(second);
  EXPECT_EQ(slot.get(), &first);
  slot.withdraw(first);
  EXPECT_EQ(slot.get(), nullptr);
}

TEST(PluginCounterName, PrefixesSuffixesAndSanitises) {
  EXPECT_EQ(pluginCounterName("messages_sent"), "wind_plugin_messages_sent_total");
  // "é" is two bytes in UTF-8, so two underscores.
  EXPECT_EQ(pluginCounterName("bad name-é"), "wind_plugin_bad_name____total");
  EXPECT_TRUE(metrics::isValidMetricName(pluginCounterName("a.b/c")));
}

TEST(PluginHistogramName, PrefixesSuffixesAndSanitises) {
  EXPECT_EQ(pluginHistogramName("send_write"), "wind_plugin_send_write_seconds");
  EXPECT_EQ(pluginHistogramName("a.b/c"), "wind_plugin_a_b_c_seconds");
  EXPECT_TRUE(metrics::isValidMetricName(pluginHistogramName("bad name-é")));
}

}  // namespace
}  // namespace wind::plugin_host
