#pragma once
// What each admin request does (protocol in README.md): status, users,
// tokens, plugins, config check, backup and reload, against the running
// server's parts. Runs on the admin socket's thread; every part it touches
// is thread-safe on its own.

#include <Poco/JSON/Object.h>
#include <Poco/Logger.h>

#include <chrono>
#include <functional>
#include <string>
#include <vector>

#include "admin/reloader.h"
#include "auth/identity.h"
#include "config/config.h"
#include "plugin_host/plugin_host.h"
#include "storage/database.h"

namespace wind::admin {

// The running server as the admin commands see it. Every reference must
// outlive the Commands; the functions are called on the admin thread.
struct ServerParts {
  storage::Database& database;
  auth::RevocationListener& revocations;  // closes a revoked token's sockets with 4002
  std::function<std::size_t()> openConnections;
  std::function<std::size_t()> authenticatedConnections;
  std::function<std::vector<plugin_host::LoadedPluginInfo>()> plugins;
  Reloader& reloader;
  std::string configPath;
  config::Environment environment;
  Poco::Logger& logger;
};

class Commands {
 public:
  explicit Commands(ServerParts parts);

  // One request line → one response line; never throws.
  std::string handle(const std::string& requestLine) noexcept;

 private:
  using Json = Poco::JSON::Object::Ptr;
  Json run(const std::string& command, const Json& request);
  Json status();
  Json pluginList();
  Json usersList();
  Json userShow(const Json& request);
  Json setDisabled(const Json& request, bool disabled);
  Json revokeTokens(const Json& request);
  Json configCheck(const Json& request);
  Json backup(const Json& request);
  Json reload();

  // The user named (or numbered) by request["user"]; throws when unknown.
  std::int64_t userId(const Json& request);
  // Revokes every token of `user` and closes its sockets; returns how many.
  std::size_t revokeAll(std::int64_t user);

  ServerParts parts_;
  const std::chrono::steady_clock::time_point started_;
};

}  // namespace wind::admin
