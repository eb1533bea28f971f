// Fails when the SDK headers change while kAbiVersion stays the same: a
// changed header may change a layout or a vtable that built plugins rely on.
#include <gtest/gtest.h>
#include <unistd.h>

#include <fstream>

#include "sdk_abi_hash.h"
#include "wind/sdk/abi.h"

namespace wind::testing {
namespace {

TEST(SdkAbi, HeadersMatchTheRecordedHashForThisAbi) {
  auto lock = readAbiLock(WIND_SDK_ABI_LOCK);
  ASSERT_TRUE(lock.has_value()) << WIND_SDK_ABI_LOCK
                                << " is missing or malformed; run `ninja update_sdk_abi_lock`";
  std::string hash = sdkHeadersHash(WIND_SDK_HEADER_DIR);
  ASSERT_EQ(lock->abi, sdk::kAbiVersion)
      << "kAbiVersion is " << sdk::kAbiVersion << " but sdk_abi.lock records ABI " << lock->abi
      << ": run `ninja update_sdk_abi_lock` after bumping kAbiVersion";
  EXPECT_EQ(lock->hash, hash) << "SDK headers changed: bump kAbiVersion and update sdk_abi.lock "
                                 "(`ninja update_sdk_abi_lock`)";
}

TEST(SdkAbi, HashIsStableAndIgnoresTestingHeaders) {
  std::string first = sdkHeadersHash(WIND_SDK_HEADER_DIR);
  EXPECT_EQ(first, sdkHeadersHash(WIND_SDK_HEADER_DIR));
  EXPECT_EQ(first.size(), 64U);
}

TEST(SdkAbi, AnyHeaderEditChangesTheHash) {
  namespace fs = std::filesystem;
  fs::path copy = fs::temp_directory_path() / ("wind_sdk_abi_test_" + std::to_string(getpid()));
  fs::remove_all(copy);
  fs::copy(WIND_SDK_HEADER_DIR, copy, fs::copy_options::recursive);
  std::string original = sdkHeadersHash(copy);
  { std::ofstream(copy / "testing" / "extra.h") << "// test doubles do not count\n"; }
  std::string withTestingEdit = sdkHeadersHash(copy);
  { std::ofstream(copy / "abi.h", std::ios::app) << "// one more line\n"; }
  std::string withAbiEdit = sdkHeadersHash(copy);
  fs::remove_all(copy);
  EXPECT_EQ(original, withTestingEdit);
  EXPECT_NE(original, withAbiEdit);
}

}  // namespace
}  // namespace wind::testing
