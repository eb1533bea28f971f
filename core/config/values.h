#pragma once
// Parsers for the textual scalar values of the configuration, shared by the
// YAML loader and the environment overrides. Each throws std::invalid_argument
// with a message meant to follow "<file>:<line>:<col>: <key>: ".

#include <chrono>
#include <cstdint>
#include <string>

namespace wind::config::detail {

// A decimal integer in [min, max]; no sign, no spaces.
std::uint64_t parseInteger(const std::string& text, std::uint64_t min, std::uint64_t max);

// "true" or "false" (any case).
bool parseBool(const std::string& text);

// A duration (parseDuration) that is a whole number of `Unit`s in [min, max].
template <class Unit>
Unit parseDurationIn(const std::string& text, Unit min, Unit max);

struct Listen {
  std::string host;
  std::uint16_t port = 0;
};

// "host:port" or "[ipv6]:port"; the host is an IPv4 address or a hostname;
// port 0..65535 (0 picks a free port).
Listen parseListen(const std::string& text);

// Rejects an empty value.
std::string parseNonEmpty(const std::string& text);

// An http:// or https:// URL with a host.
std::string parseHttpUrl(const std::string& text);

}  // namespace wind::config::detail
