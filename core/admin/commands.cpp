#include "admin/commands.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>

#include <sstream>
#include <stdexcept>

#include "admin/config_check.h"
#include "wind/sdk/abi.h"

namespace wind::admin {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

// A request the operator got wrong: reported as is, not logged as a failure.
class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

std::string stringify(const Object::Ptr& object) {
  std::ostringstream out;
  Poco::JSON::Stringifier::condense(object, out);
  return out.str();
}

Object::Ptr failure(const std::string& message) {
  Object::Ptr response = new Object;
  response->set("ok", false);
  response->set("error", message);
  return response;
}

std::string textField(const Object::Ptr& request, const std::string& key) {
  if (!request->has(key) || !request->get(key).isString())
    throw BadRequest("missing string field \"" + key + "\"");
  return request->getValue<std::string>(key);
}

Array::Ptr strings(const std::vector<std::string>& values) {
  Array::Ptr array = new Array;
  for (const auto& value : values) array->add(value);
  return array;
}

void checkWrite(const storage::WriteResult& result) {
  if (!result.ok()) throw std::runtime_error("storage: " + result.error.message);
}

storage::QueryResult checkedQuery(storage::Database& database, const std::string& sql,
                                  const std::vector<storage::Value>& params) {
  auto result = database.query(sql, params);
  if (!result.ok()) throw std::runtime_error("storage: " + result.error.message);
  return result;
}

Object::Ptr userObject(const storage::Row& row) {
  Object::Ptr user = new Object;
  user->set("id", std::to_string(sdk::integerAt(row, 0)));
  user->set("name", sdk::textAt(row, 1));
  user->set("email", sdk::textAt(row, 2));
  user->set("verified", sdk::integerAt(row, 3) != 0);
  user->set("disabled", sdk::integerAt(row, 4) != 0);
  user->set("created_at", sdk::integerAt(row, 5));
  return user;
}

constexpr const char* kUserColumns =
    "SELECT id, name, email, verified, disabled, created_at FROM users";

}  // namespace

Commands::Commands(ServerParts parts)
    : parts_(std::move(parts)), started_(std::chrono::steady_clock::now()) {}

std::string Commands::handle(const std::string& requestLine) noexcept {
  std::string command = "?";
  try {
    Poco::JSON::Parser parser;
    const auto parsed = parser.parse(requestLine);
    const auto request = parsed.extract<Object::Ptr>();
    if (!request) throw BadRequest("the request is not a JSON object");
    command = textField(request, "command");
    Object::Ptr response = new Object;
    response->set("ok", true);
    response->set("result", run(command, request));
    parts_.logger.information("admin: " + command);
    return stringify(response);
  } catch (const BadRequest& e) {
    return stringify(failure(e.what()));
  } catch (const Poco::Exception& e) {
    return stringify(failure("bad request: " + e.displayText()));
  } catch (const std::exception& e) {
    parts_.logger.error("admin: " + command + " failed: " + e.what());
    return stringify(failure(e.what()));
  }
}

Object::Ptr Commands::run(const std::string& command, const Object::Ptr& request) {
  if (command == "status") return status();
  if (command == "plugins.list") return pluginList();
  if (command == "users.list") return usersList();
  if (command == "users.show") return userShow(request);
  if (command == "users.disable") return setDisabled(request, true);
  if (command == "users.enable") return setDisabled(request, false);
  if (command == "tokens.revoke") return revokeTokens(request);
  if (command == "config.check") return configCheck(request);
  if (command == "backup") return backup(request);
  if (command == "reload") return reload();
  throw BadRequest("unknown command \"" + command + "\"");
}

Object::Ptr Commands::status() {
  Object::Ptr result = new Object;
  result->set("version", std::string(WIND_VERSION));
  result->set("abi", static_cast<int>(sdk::kAbiVersion));
  result->set("sdk", std::string(sdk::kSdkVersion));
  const auto uptime = std::chrono::steady_clock::now() - started_;
  result->set("uptime_seconds", std::chrono::duration_cast<std::chrono::seconds>(uptime).count());
  result->set("connections", parts_.openConnections());
  result->set("authenticated", parts_.authenticatedConnections());
  result->set("config", parts_.configPath);
  result->set("plugins", pluginList()->getArray("plugins"));
  return result;
}

Object::Ptr Commands::pluginList() {
  Array::Ptr plugins = new Array;
  for (const auto& info : parts_.plugins()) {
    Object::Ptr plugin = new Object;
    plugin->set("name", info.name);
    plugin->set("version", info.version);
    plugin->set("types", strings(info.types));
    plugins->add(plugin);
  }
  Object::Ptr result = new Object;
  result->set("plugins", plugins);
  return result;
}

Object::Ptr Commands::usersList() {
  const auto rows = checkedQuery(parts_.database, std::string(kUserColumns) + " ORDER BY id", {});
  Array::Ptr users = new Array;
  for (const auto& row : rows.rows) users->add(userObject(row));
  Object::Ptr result = new Object;
  result->set("users", users);
  return result;
}

std::int64_t Commands::userId(const Object::Ptr& request) {
  const std::string user = textField(request, "user");
  std::int64_t numeric = -1;
  if (!user.empty() && user.find_first_not_of("0123456789") == std::string::npos &&
      user.size() < 19) {
    numeric = std::stoll(user);
  }
  const auto rows =
      checkedQuery(parts_.database, "SELECT id FROM users WHERE name_key = lower(?) OR id = ?",
                   {storage::Value{user}, storage::Value{numeric}});
  if (rows.rows.empty()) throw BadRequest("no user \"" + user + "\"");
  return sdk::integerAt(rows.rows.front(), 0);
}

Object::Ptr Commands::userShow(const Object::Ptr& request) {
  const std::int64_t id = userId(request);
  const auto rows = checkedQuery(parts_.database, std::string(kUserColumns) + " WHERE id = ?",
                                 {storage::Value{id}});
  Object::Ptr user = userObject(rows.rows.front());
  const auto tokens = checkedQuery(
      parts_.database,
      "SELECT count(*) FROM tokens WHERE user_id = ? AND revoked = 0 AND expires_at > ?",
      {storage::Value{id}, storage::Value{static_cast<std::int64_t>(
                               std::chrono::duration_cast<std::chrono::microseconds>(
                                   std::chrono::system_clock::now().time_since_epoch())
                                   .count())}});
  user->set("active_tokens", sdk::integerAt(tokens.rows.front(), 0));
  return user;
}

std::size_t Commands::revokeAll(std::int64_t user) {
  const auto hashes = checkedQuery(
      parts_.database, "SELECT token_hash FROM tokens WHERE user_id = ? AND revoked = 0",
      {storage::Value{user}});
  const std::vector<storage::Statement> update{
      {"UPDATE tokens SET revoked = 1 WHERE user_id = ? AND revoked = 0", {storage::Value{user}}}};
  checkWrite(parts_.database.write(update));
  for (const auto& row : hashes.rows) parts_.revocations.tokenRevoked(sdk::textAt(row, 0));
  return hashes.rows.size();
}

Object::Ptr Commands::setDisabled(const Object::Ptr& request, bool disabled) {
  const std::int64_t id = userId(request);
  const std::vector<storage::Statement> update{
      {"UPDATE users SET disabled = ? WHERE id = ?",
       {storage::Value{std::int64_t{disabled ? 1 : 0}}, storage::Value{id}}}};
  checkWrite(parts_.database.write(update));
  Object::Ptr result = new Object;
  result->set("id", std::to_string(id));
  result->set("disabled", disabled);
  // After the flag is committed no new token can be issued, so revoking now catches them all.
  if (disabled) result->set("revoked_tokens", revokeAll(id));
  return result;
}

Object::Ptr Commands::revokeTokens(const Object::Ptr& request) {
  const std::int64_t id = userId(request);
  Object::Ptr result = new Object;
  result->set("id", std::to_string(id));
  result->set("revoked_tokens", revokeAll(id));
  return result;
}

Object::Ptr Commands::configCheck(const Object::Ptr& request) {
  const std::string path = request->has("path") ? textField(request, "path") : parts_.configPath;
  const ConfigCheck check = checkConfiguration(path, parts_.environment);
  Object::Ptr result = new Object;
  result->set("path", path);
  result->set("valid", check.ok);
  if (!check.ok) result->set("error", check.error);
  Array::Ptr plugins = new Array;
  for (const auto& checked : check.plugins) {
    Object::Ptr plugin = new Object;
    plugin->set("name", checked.name);
    plugin->set("version", checked.version);
    plugin->set("library", checked.library);
    plugin->set("types", strings(checked.types));
    plugins->add(plugin);
  }
  result->set("plugins", plugins);
  return result;
}

Object::Ptr Commands::backup(const Object::Ptr& request) {
  const std::string path = textField(request, "path");
  if (path.empty() || path.front() != '/') throw BadRequest("the backup path must be absolute");
  const auto started = std::chrono::steady_clock::now();
  try {
    parts_.database.backup(path);
  } catch (const storage::StorageFailure& e) {
    throw BadRequest(e.what());
  }
  Object::Ptr result = new Object;
  result->set("path", path);
  result->set("milliseconds", std::chrono::duration_cast<std::chrono::milliseconds>(
                                  std::chrono::steady_clock::now() - started)
                                  .count());
  return result;
}

Object::Ptr Commands::reload() {
  const ReloadResult reloaded = parts_.reloader.reload();
  if (!reloaded.ok)
    throw BadRequest("configuration rejected, the old one stays: " + reloaded.error);
  Object::Ptr result = new Object;
  result->set("applied", strings(reloaded.applied));
  result->set("need_restart", strings(reloaded.needRestart));
  return result;
}

}  // namespace wind::admin
