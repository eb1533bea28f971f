#include "plugin_host/entry_check.h"

#include <gtest/gtest.h>

#include "plugin_host/load_error.h"

namespace wind::plugin_host {
namespace {

const sdk::PluginInfo& emptyInfo() noexcept {
  static const sdk::PluginInfo kInfo;
  return kInfo;
}

sdk::Plugin* createNothing(const sdk::Settings&, sdk::Host&) noexcept { return nullptr; }

sdk::PluginEntry validEntry() {
  return {sdk::kAbiVersion, sdk::kSdkVersion, sdk::kBuildFingerprint,
          "chat",           &emptyInfo,       &createNothing};
}

std::string errorOf(const sdk::PluginEntry& entry, std::string_view name = "chat") {
  try {
    checkEntry(entry, name, "/usr/lib/wind/plugins/chat.so");
  } catch (const PluginLoadError& e) {
    return e.what();
  }
  return "";
}

TEST(EntryCheck, AcceptsAnEntryOfThisBuild) { EXPECT_EQ(errorOf(validEntry()), ""); }

TEST(EntryCheck, OlderPluginAbiAsksToRebuildThePlugin) {
  if (sdk::kAbiVersion == 0) GTEST_SKIP() << "no older ABI exists";
  sdk::PluginEntry entry = validEntry();
  entry.abi = sdk::kAbiVersion - 1;
  EXPECT_EQ(errorOf(entry), "plugin \"chat\" (/usr/lib/wind/plugins/chat.so) was built for ABI " +
                                std::to_string(sdk::kAbiVersion - 1) + ", this server speaks ABI " +
                                std::to_string(sdk::kAbiVersion) + ": rebuild the plugin");
}

TEST(EntryCheck, NewerPluginAbiAsksToUpgradeTheServer) {
  sdk::PluginEntry entry = validEntry();
  entry.abi = sdk::kAbiVersion + 7;
  EXPECT_EQ(errorOf(entry), "plugin \"chat\" (/usr/lib/wind/plugins/chat.so) was built for ABI " +
                                std::to_string(sdk::kAbiVersion + 7) + ", this server speaks ABI " +
                                std::to_string(sdk::kAbiVersion) + ": upgrade the server");
}

TEST(EntryCheck, AbiIsCheckedBeforeAnyOtherField) {
  // With another ABI the other fields may be anything: none may be read.
  sdk::PluginEntry entry{sdk::kAbiVersion + 1, nullptr, nullptr, nullptr, nullptr, nullptr};
  EXPECT_NE(errorOf(entry).find("upgrade the server"), std::string::npos);
}

TEST(EntryCheck, DifferentFingerprintNamesBoth) {
  sdk::PluginEntry entry = validEntry();
  entry.buildFingerprint = "clang-99;libc++-1;std=202302L";
  std::string message = errorOf(entry);
  EXPECT_NE(message.find("was built with \"clang-99;libc++-1;std=202302L\""), std::string::npos)
      << message;
  EXPECT_NE(message.find(std::string("this server with \"") + sdk::kBuildFingerprint + "\""),
            std::string::npos)
      << message;
}

TEST(EntryCheck, MissingFieldsAreRefused) {
  for (int field = 0; field < 4; ++field) {
    sdk::PluginEntry entry = validEntry();
    if (field == 0) entry.buildFingerprint = nullptr;
    if (field == 1) entry.name = nullptr;
    if (field == 2) entry.info = nullptr;
    if (field == 3) entry.create = nullptr;
    EXPECT_NE(errorOf(entry).find("incomplete entry point"), std::string::npos) << field;
  }
}

TEST(EntryCheck, NameMustMatchTheConfiguredName) {
  EXPECT_EQ(errorOf(validEntry(), "load"),
            "plugin \"load\" (/usr/lib/wind/plugins/chat.so) calls itself \"chat\": the file name "
            "and the plugin "
            "name must match");
}

}  // namespace
}  // namespace wind::plugin_host
