#include "mail/spool.h"

#include <fcntl.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <system_error>

namespace wind::mail {
namespace {

[[noreturn]] void fail(const std::string& what, const std::filesystem::path& path, int error) {
  throw std::runtime_error(what + " " + path.string() + ": " + std::strerror(error));
}

// POSIX I/O because the durability promise needs fsync, which streams lack.
void writeAndSync(const std::filesystem::path& path, const std::string& content) {
  const int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
  if (fd < 0) fail("cannot create", path, errno);
  std::size_t done = 0;
  while (done < content.size()) {
    const auto n = ::write(fd, content.data() + done, content.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      const int error = errno;
      ::close(fd);
      fail("cannot write", path, error);
    }
    done += static_cast<std::size_t>(n);
  }
  if (::fsync(fd) != 0) {
    const int error = errno;
    ::close(fd);
    fail("cannot sync", path, error);
  }
  ::close(fd);
}

}  // namespace

void ensureDirectory(const std::filesystem::path& dir) {
  std::error_code error;
  std::filesystem::create_directories(dir, error);
  if (error || !std::filesystem::is_directory(dir)) {
    throw std::runtime_error("cannot create mail directory " + dir.string() + ": " +
                             error.message());
  }
}

std::filesystem::path writeAtomically(const std::filesystem::path& dir, const std::string& name,
                                      const std::string& content) {
  const auto temp = dir / ("." + name + ".tmp");
  const auto final = dir / name;
  writeAndSync(temp, content);
  std::error_code error;
  std::filesystem::rename(temp, final, error);
  if (error) {
    std::filesystem::remove(temp, error);
    throw std::runtime_error("cannot rename mail into " + final.string());
  }
  return final;
}

std::vector<std::filesystem::path> listEml(const std::filesystem::path& dir) {
  std::vector<std::filesystem::path> out;
  std::error_code error;
  for (const auto& entry : std::filesystem::directory_iterator(dir, error)) {
    const auto name = entry.path().filename().string();
    if (entry.is_regular_file() && !name.starts_with(".") && name.ends_with(".eml"))
      out.push_back(entry.path());
  }
  std::sort(out.begin(), out.end());
  return out;
}

}  // namespace wind::mail
