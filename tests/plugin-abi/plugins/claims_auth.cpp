// Claims the core's own "auth" type: loading it must fail.
#include "simple_plugin.h"

namespace {
constexpr char kType[] = "auth";
using TestPlugin = wind::test_plugins::Simple<kType>;
}  // namespace

WIND_PLUGIN(claims_auth, TestPlugin::info, TestPlugin)
