#pragma once
// The hello plugin: answers a `hello` frame from an authenticated user with
// a `hello` frame {"text": "<greeting>, <name>!", "user": "<user id>"}, where
// <name> is the payload's "name" string ("world" when absent) and <greeting>
// the `greeting` setting.
//
// Created once on the server's main thread; onFrame runs on worker threads,
// concurrently for different connections. It only reads what it copied at
// construction, so it needs no lock.

#include <string>

#include "wind/sdk/host.h"
#include "wind/sdk/plugin.h"

namespace hello {

const wind::sdk::PluginInfo& info() noexcept;

class Hello final : public wind::sdk::PluginBase {
 public:
  Hello(const wind::sdk::Settings& settings, wind::sdk::Host& host);

 protected:
  void onFrame(const wind::sdk::Request& request, wind::sdk::Reply& reply) override;

 private:
  std::string greeting_;
};

// The "name" string of a payload like {"name": "Ada"}, decoded; "world" when
// the payload is not an object with a non-empty string "name". Read with the
// SDK's JSON reader (wind/sdk/json_reader.h).
std::string nameFrom(std::string_view payload);

}  // namespace hello
