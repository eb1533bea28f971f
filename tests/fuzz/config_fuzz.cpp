// libFuzzer target: the YAML configuration loader (core/config/config.h).
// The input is written to wind.yaml in a private temporary directory and
// loaded; the loader's contract is "a Config or a ConfigError", nothing else.
#include <stdlib.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <string>

#include "config/config.h"

namespace {

// The directory lives as long as the fuzzing process.
class FuzzDir {
 public:
  FuzzDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "wind-config-fuzz-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    dir_ = pattern;
  }
  ~FuzzDir() {
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }
  FuzzDir(const FuzzDir&) = delete;
  FuzzDir& operator=(const FuzzDir&) = delete;
  std::string file() const { return (dir_ / "wind.yaml").string(); }

 private:
  std::filesystem::path dir_;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  static const FuzzDir dir;
  const std::string path = dir.file();
  {
    std::ofstream out(path, std::ios::binary | std::ios::trunc);
    out.write(reinterpret_cast<const char*>(data), static_cast<std::streamsize>(size));
  }
  try {
    (void)wind::config::load(path, {});
  } catch (const wind::config::ConfigError&) {
  }
  return 0;
}
