// Built as bad_name.so but calls itself "other_name".
#include "simple_plugin.h"

namespace {
constexpr char kType[] = "bad_name_type";
using TestPlugin = wind::test_plugins::Simple<kType>;
}  // namespace

WIND_PLUGIN(other_name, TestPlugin::info, TestPlugin)
