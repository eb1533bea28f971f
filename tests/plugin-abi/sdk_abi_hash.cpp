#include "sdk_abi_hash.h"

#include <Poco/DigestEngine.h>
#include <Poco/SHA2Engine.h>

#include <algorithm>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <vector>

namespace wind::testing {

std::string sdkHeadersHash(const std::filesystem::path& sdkDir) {
  std::vector<std::filesystem::path> headers;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(sdkDir)) {
    if (!entry.is_regular_file() || entry.path().extension() != ".h") continue;
    auto relative = entry.path().lexically_relative(sdkDir);
    // Test doubles are not part of the ABI a plugin is built against.
    if (*relative.begin() == "testing") continue;
    headers.push_back(relative);
  }
  if (headers.empty()) throw std::runtime_error("no SDK headers under " + sdkDir.string());
  // Directory order is unspecified; a sorted list makes the hash stable.
  std::ranges::sort(headers);

  Poco::SHA2Engine engine(Poco::SHA2Engine::SHA_256);
  for (const auto& relative : headers) {
    std::ifstream in(sdkDir / relative, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + (sdkDir / relative).string());
    std::ostringstream content;
    content << in.rdbuf();
    engine.update(relative.generic_string() + "\n" + content.str() + "\n");
  }
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::optional<AbiLock> readAbiLock(const std::filesystem::path& lockFile) {
  std::ifstream in(lockFile);
  AbiLock lock;
  if (!(in >> lock.abi >> lock.hash) || lock.hash.size() != 64) return std::nullopt;
  return lock;
}

std::string formatAbiLock(const AbiLock& lock) {
  return std::to_string(lock.abi) + " " + lock.hash + "\n";
}

}  // namespace wind::testing
