// Claims "dup_type", like the other dup_ plugin: loading both must fail.
#include "simple_plugin.h"

namespace {
constexpr char kType[] = "dup_type";
using TestPlugin = wind::test_plugins::Simple<kType>;
}  // namespace

WIND_PLUGIN(dup_a, TestPlugin::info, TestPlugin)
