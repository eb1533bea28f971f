#include "plugin_host/settings_validation.h"

#include <gtest/gtest.h>

#include "plugin_host/load_error.h"

namespace wind::plugin_host {
namespace {

sdk::SettingSpec spec(std::string name, sdk::SettingType type, std::string fallback) {
  sdk::SettingSpec out;
  out.name = std::move(name);
  out.type = type;
  out.defaultValue = std::move(fallback);
  return out;
}

config::PluginSetting setting(std::string key, std::string value) {
  return {std::move(key), std::move(value), {"conf.d/chat.yaml", 4, 3}};
}

std::vector<sdk::SettingSpec> chatSpecs() {
  auto length = spec("max_length", sdk::SettingType::integer, "4000");
  length.min = 1;
  length.max = 65536;
  auto policy = spec("dm_policy", sdk::SettingType::string, "friends");
  policy.choices = {"friends", "anyone"};
  return {length, policy, spec("edits", sdk::SettingType::boolean, "true"),
          spec("motd", sdk::SettingType::string, "")};
}

std::string errorOf(std::vector<config::PluginSetting> configured,
                    std::vector<sdk::SettingSpec> specs = chatSpecs()) {
  try {
    validateSettings("chat", specs, configured);
  } catch (const PluginLoadError& e) {
    return e.what();
  }
  return "";
}

TEST(SettingsValidation, DefaultsFillEveryDeclaredKey) {
  auto specs = chatSpecs();
  sdk::Settings settings = validateSettings("chat", specs, {});
  EXPECT_EQ(settings.integer("max_length"), 4000);
  EXPECT_EQ(settings.string("dm_policy"), "friends");
  EXPECT_TRUE(settings.boolean("edits"));
  EXPECT_EQ(settings.string("motd"), "");
  EXPECT_EQ(settings.all().size(), 4U);
  EXPECT_FALSE(settings.has("other"));
}

TEST(SettingsValidation, ConfiguredValuesWinAndAreNormalised) {
  auto specs = chatSpecs();
  std::vector<config::PluginSetting> configured = {
      setting("max_length", "-0"), setting("edits", "FALSE"), setting("dm_policy", "anyone"),
      setting("motd", "hi there")};
  specs[0].min = INT64_MIN;
  sdk::Settings settings = validateSettings("chat", specs, configured);
  EXPECT_EQ(settings.string("max_length"), "0");
  EXPECT_EQ(settings.string("edits"), "false");
  EXPECT_EQ(settings.string("dm_policy"), "anyone");
  EXPECT_EQ(settings.string("motd"), "hi there");
}

TEST(SettingsValidation, UnknownKeyNamesFileLineColumnAndKey) {
  EXPECT_EQ(errorOf({setting("max_lenght", "5")}),
            "conf.d/chat.yaml:4:3: plugins.chat.max_lenght: unknown setting");
}

TEST(SettingsValidation, IntegersMustBeWholeDecimalNumbersInRange) {
  EXPECT_EQ(errorOf({setting("max_length", "12abc")}),
            "conf.d/chat.yaml:4:3: plugins.chat.max_length: expected an integer, got \"12abc\"");
  EXPECT_EQ(errorOf({setting("max_length", "")}),
            "conf.d/chat.yaml:4:3: plugins.chat.max_length: expected an integer, got \"\"");
  EXPECT_EQ(errorOf({setting("max_length", "99999999999999999999")}),
            "conf.d/chat.yaml:4:3: plugins.chat.max_length: expected an integer, got "
            "\"99999999999999999999\"");
  EXPECT_EQ(errorOf({setting("max_length", "0")}),
            "conf.d/chat.yaml:4:3: plugins.chat.max_length: must be between 1 and 65536, got 0");
  EXPECT_EQ(
      errorOf({setting("max_length", "65537")}),
      "conf.d/chat.yaml:4:3: plugins.chat.max_length: must be between 1 and 65536, got 65537");
  EXPECT_EQ(errorOf({setting("max_length", "65536")}), "");
}

TEST(SettingsValidation, OneSidedBoundsAreWorded) {
  auto only = spec("n", sdk::SettingType::integer, "0");
  only.min = 0;
  EXPECT_EQ(errorOf({setting("n", "-1")}, {only}),
            "conf.d/chat.yaml:4:3: plugins.chat.n: must be at least 0, got -1");
  only.min = INT64_MIN;
  only.max = 10;
  EXPECT_EQ(errorOf({setting("n", "11")}, {only}),
            "conf.d/chat.yaml:4:3: plugins.chat.n: must be at most 10, got 11");
}

TEST(SettingsValidation, BooleansAreTrueOrFalse) {
  EXPECT_EQ(errorOf({setting("edits", "yes")}),
            "conf.d/chat.yaml:4:3: plugins.chat.edits: expected true or false, got \"yes\"");
  EXPECT_EQ(errorOf({setting("edits", "True")}), "");
}

TEST(SettingsValidation, ChoicesAreEnforced) {
  EXPECT_EQ(errorOf({setting("dm_policy", "Friends")}),
            "conf.d/chat.yaml:4:3: plugins.chat.dm_policy: must be one of friends, anyone; got "
            "\"Friends\"");
}

TEST(SettingsValidation, AnInvalidDeclaredDefaultIsThePluginsFault) {
  auto broken = spec("n", sdk::SettingType::integer, "");
  EXPECT_EQ(errorOf({}, {broken}),
            "plugin \"chat\" declares an invalid default for setting \"n\": expected an "
            "integer, got \"\"");
}

}  // namespace
}  // namespace wind::plugin_host
