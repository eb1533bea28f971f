// sdk_abi_hash SDK_DIR [LOCK_FILE]: prints "<kAbiVersion> <hash of the SDK
// headers>" and, given LOCK_FILE, writes it there (target update_sdk_abi_lock).
#include <exception>
#include <fstream>
#include <iostream>

#include "sdk_abi_hash.h"
#include "wind/sdk/abi.h"

int main(int argc, char** argv) {
  if (argc != 2 && argc != 3) {
    std::cerr << "usage: sdk_abi_hash SDK_DIR [LOCK_FILE]\n";
    return 2;
  }
  try {
    std::string line = wind::testing::formatAbiLock(
        {wind::sdk::kAbiVersion, wind::testing::sdkHeadersHash(argv[1])});
    std::cout << line;
    if (argc == 3) {
      std::ofstream out(argv[2], std::ios::trunc);
      out << line;
      if (!out) throw std::runtime_error(std::string("cannot write ") + argv[2]);
    }
  } catch (const std::exception& e) {
    std::cerr << "sdk_abi_hash: " << e.what() << "\n";
    return 1;
  }
  return 0;
}
