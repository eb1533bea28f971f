#pragma once
// The fingerprint of the SDK headers that sdk_abi.lock records next to
// kAbiVersion: any edit of a header under wind/sdk (except testing/) changes it.

#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace wind::testing {

// SHA-256 (hex) over every *.h below `sdkDir` except testing/, in path
// order, each as "<relative path>\n<content>\n". Throws std::runtime_error
// when a header cannot be read or there is none.
std::string sdkHeadersHash(const std::filesystem::path& sdkDir);

struct AbiLock {
  std::uint32_t abi = 0;
  std::string hash;
};

// Reads "<abi> <hash>" from `lockFile`; nullopt when missing or malformed.
std::optional<AbiLock> readAbiLock(const std::filesystem::path& lockFile);
std::string formatAbiLock(const AbiLock& lock);  // "<abi> <hash>\n"

}  // namespace wind::testing
