#pragma once
// Logging setup: Poco loggers writing text or JSON lines to stderr (the
// journal, under systemd), at the configured level.

#include <Poco/Logger.h>

#include "config/config.h"

namespace wind::log {

// Points the root logger (and so every logger made afterwards) at stderr
// with the configured format and level. Call once, on the main thread,
// before any other thread starts.
void configure(const config::Config::Log& settings);

// Configuration reload: the root logger and every logger made so far take
// `level` at once. Any thread (Poco's logger registry is locked).
void setLevel(config::LogLevel level);

// The logger named `name` ("wind.http", "wind.gateway", …).
Poco::Logger& get(const std::string& name);

}  // namespace wind::log
