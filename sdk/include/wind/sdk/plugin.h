#pragma once
// The plugin interface, its description, and the exported entry point.
//
// Life of a plugin, all on the server's main thread unless said otherwise:
//  1. The server maps the library and reads the `wind_plugin_entry` alias:
//     a PluginEntry. It compares `abi` and `buildFingerprint` to its own and
//     refuses the plugin on any difference, before calling into it.
//  2. It calls info(), validates the plugin's YAML settings against it,
//     runs the declared migrations, and routes the declared types to it.
//  3. It calls create(settings, host) once. The returned Plugin is owned by
//     the server and destroyed (with `delete`, through the virtual
//     destructor, so the plugin's own code frees it) before the library is
//     unmapped, at shutdown.
//  4. Between create and destruction, handle() and contributeToAuth() are
//     called from worker threads, concurrently for different connections and
//     in order for one connection (one frame after the other, unless the type
//     is TypeSpec::pipelined). Completions of Storage::writeAsync run on
//     the storage writer's thread; every one has returned before the
//     plugin is destroyed.

#include <cstdint>
#include <exception>
#include <string>
#include <utility>
#include <vector>

#include "wind/sdk/abi.h"
#include "wind/sdk/frame.h"
#include "wind/sdk/host.h"
#include "wind/sdk/settings.h"
#include "wind/sdk/storage.h"
#include "wind/sdk/visibility.h"

namespace wind::sdk {

// Where a type's handler may run.
enum class Execution {
  worker,     // a worker thread; may block (storage, other services)
  eventLoop,  // the connection's event-loop thread: must never block or take locks held long
  // The event loop while storage is embedded (SQLite, where a point read is
  // local and takes microseconds), a worker when storage is reached over the
  // network (PostgreSQL, where one read could stall every connection of the
  // loop). For handlers whose usual path reads nothing (caches, writeAsync)
  // and whose occasional reads are indexed point reads.
  eventLoopWhenStorageIsLocal,
};

struct TypeSpec {
  std::string type;  // the envelope "type" this plugin handles
  Execution execution = Execution::worker;
  bool beforeAuth =
      false;  // delivered before the connection authenticated (heartbeat only, in practice)
  // Whether frames of this type may overlap on one connection. By default a
  // deferred answer (Reply::defer) holds back the connection's next frames
  // until it finishes. When pipelined, the connection's next frames of this
  // same type are handled at once while earlier answers are still deferred;
  // a frame of any other type still waits for all of them. The core sends
  // the answers in frame order whatever order they finish in, and holds at
  // most 64 of them per connection (later frames wait).
  // Only for handlers whose effects are ordered without them: each frame's
  // writes go through Storage::writeAsync, whose units commit in submission
  // order, and whatever a unit depends on is re-checked inside the unit, not
  // only read before it (the handler of frame n+1 may run before frame n's
  // unit committed). Takes effect on the event loop only: handlers run on
  // workers still see one frame of a connection at a time.
  bool pipelined = false;
};

struct PluginInfo {
  std::string version;  // the plugin's own version, for status output
  std::vector<TypeSpec> types;
  std::vector<SettingSpec> settings;
  std::vector<Migration> migrations;
};

// The outcome of handle(): ok, or an internal failure the core turns into
// error 5000 (logged with `message`, counted; the connection stays open).
struct Status {
  bool ok = true;
  std::string message;
  static Status success() { return {}; }
  static Status failure(std::string why) { return {false, std::move(why)}; }
};

class WIND_SDK_VISIBLE Plugin {
 public:
  virtual ~Plugin() = default;

  // One frame of a declared type. Threads: see Execution. `reply` and the
  // views in `request` are valid only during the call. To answer later
  // without holding the thread (e.g. after Storage::writeAsync commits),
  // call reply.defer() and finish the returned DeferredReply from any
  // thread; the connection's next frame waits until it finishes (unless
  // both are of a TypeSpec::pipelined type).
  virtual Status handle(const Request& request, Reply& reply) noexcept = 0;

  // Adds fields to the auth snapshot of `user` (worker thread). Default: none.
  virtual Status contributeToAuth(UserId user, AuthSnapshot& snapshot) noexcept {
    (void)user;
    (void)snapshot;
    return Status::success();
  }

  // A reload (SIGHUP / `windctl reload`, on the server's main or admin
  // thread, while handlers run) changed only settings declared reloadable:
  // `settings` is the full new, validated snapshot. Apply it thread-safely
  // (e.g. atomics); a failure keeps the old settings in the server's view.
  // Default: nothing to do.
  virtual Status reconfigure(const Settings& settings) noexcept {
    (void)settings;
    return Status::success();
  }
};

// Convenience base for plugin authors: implement onFrame() and throw
// RequestError to answer an error; any other exception becomes error 5000.
// Exceptions are caught here, inside the plugin, and never cross the boundary.
class PluginBase : public Plugin {
 public:
  Status handle(const Request& request, Reply& reply) noexcept final {
    return guard([&] { onFrame(request, reply); }, &reply);
  }
  Status contributeToAuth(UserId user, AuthSnapshot& snapshot) noexcept final {
    return guard([&] { onAuth(user, snapshot); }, nullptr);
  }

 protected:
  virtual void onFrame(const Request& request, Reply& reply) = 0;
  virtual void onAuth(UserId user, AuthSnapshot& snapshot) {
    (void)user;
    (void)snapshot;
  }

 private:
  template <typename Fn>
  static Status guard(Fn&& fn, Reply* reply) noexcept {
    try {
      fn();
      return Status::success();
    } catch (const RequestError& e) {
      // Outside a frame (onAuth) there is nobody to answer: that is a failure.
      if (!reply) return Status::failure(e.what());
      reply->error(e.code(), e.what());
      return Status::success();
    } catch (const std::exception& e) {
      return Status::failure(e.what());
    } catch (...) {
      return Status::failure("unknown exception");
    }
  }
};

using InfoFunction = const PluginInfo& (*)() noexcept;
// Returns nullptr when the plugin cannot start (it logs why through host).
using CreateFunction = Plugin* (*)(const Settings& settings, Host& host) noexcept;

// The exported entry. Plain data: `abi` is the first field and never moves,
// so any server can read it from any plugin.
struct PluginEntry {
  std::uint32_t abi;
  const char* sdkVersion;
  const char* buildFingerprint;
  const char* name;
  InfoFunction info;
  CreateFunction create;
};

inline constexpr const char* kEntrySymbol = "wind_plugin_entry";

}  // namespace wind::sdk
