#pragma once
// WIND_PLUGIN(name, InfoFn, Class): exports a plugin's entry point.
//
//   const wind::sdk::PluginInfo& helloInfo() noexcept;   // returns a static
//   class Hello final : public wind::sdk::PluginBase {
//    public: Hello(const wind::sdk::Settings&, wind::sdk::Host&);  …
//   };
//   WIND_PLUGIN(hello, helloInfo, Hello)
//
// Use it in exactly one .cpp file of the plugin. The class is constructed
// with (const Settings&, Host&); a constructor that throws makes create()
// return nullptr after logging the reason through the host.

#include <boost/dll/alias.hpp>

#include "wind/sdk/plugin.h"

#define WIND_PLUGIN(NAME, INFO_FN, CLASS)                                                       \
  namespace wind_plugin_entry_detail {                                                          \
  ::wind::sdk::Plugin* create(const ::wind::sdk::Settings& settings,                            \
                              ::wind::sdk::Host& host) noexcept {                               \
    try {                                                                                       \
      return new CLASS(settings, host);                                                         \
    } catch (const std::exception& e) {                                                         \
      host.log(::wind::sdk::LogLevel::error, std::string("cannot create plugin: ") + e.what()); \
    } catch (...) {                                                                             \
      host.log(::wind::sdk::LogLevel::error, "cannot create plugin");                           \
    }                                                                                           \
    return nullptr;                                                                             \
  }                                                                                             \
  const ::wind::sdk::PluginEntry entry = {::wind::sdk::kAbiVersion,                             \
                                          ::wind::sdk::kSdkVersion,                             \
                                          ::wind::sdk::kBuildFingerprint,                       \
                                          #NAME,                                                \
                                          &INFO_FN,                                             \
                                          &create};                                             \
  }                                                                                             \
  BOOST_DLL_ALIAS(wind_plugin_entry_detail::entry, wind_plugin_entry)
