#pragma once
// Benchmark users: registered over HTTP (verification off on the server),
// logged in for a token, and kept in a state file `name id token` per line so
// every scenario reuses them. Users 2k and 2k+1 are friends.
#include <cstdint>
#include <string>
#include <vector>

namespace wind::bench {

struct User {
  std::string name;
  std::uint64_t id = 0;
  std::string token;
};

// Registers and logs in `count` users named <prefix><i> with `threads` HTTP clients.
std::vector<User> registerUsers(const std::string& url, const std::string& prefix, int count,
                                int threads);
// Logs one user in again; returns the token or "" on failure (used by login-storm).
std::string login(const std::string& url, const std::string& email, const std::string& password);
std::string emailOf(const std::string& name);
std::string passwordOf();

void saveUsers(const std::string& path, const std::vector<User>& users);
std::vector<User> loadUsers(const std::string& path);

}  // namespace wind::bench
