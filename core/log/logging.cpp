#include "log/logging.h"

#include <Poco/AutoPtr.h>
#include <Poco/ConsoleChannel.h>
#include <Poco/FormattingChannel.h>
#include <Poco/PatternFormatter.h>

#include <iostream>

#include "log/json_formatter.h"

namespace wind::log {
namespace {

int pocoLevel(config::LogLevel level) {
  switch (level) {
    case config::LogLevel::trace:
      return Poco::Message::PRIO_TRACE;
    case config::LogLevel::debug:
      return Poco::Message::PRIO_DEBUG;
    case config::LogLevel::info:
      return Poco::Message::PRIO_INFORMATION;
    case config::LogLevel::warn:
      return Poco::Message::PRIO_WARNING;
    case config::LogLevel::error:
      return Poco::Message::PRIO_ERROR;
  }
  return Poco::Message::PRIO_INFORMATION;
}

}  // namespace

void configure(const config::Config::Log& settings) {
  Poco::AutoPtr<Poco::Formatter> formatter;
  if (settings.format == config::LogFormat::json) {
    formatter = new JsonFormatter;
  } else {
    formatter = new Poco::PatternFormatter("%Y-%m-%d %H:%M:%S.%i %q %s: %t");
  }
  // Stderr is unbuffered, so a crash loses no line; the journal timestamps too.
  Poco::AutoPtr<Poco::Channel> console(new Poco::ConsoleChannel(std::cerr));
  Poco::AutoPtr<Poco::FormattingChannel> channel(new Poco::FormattingChannel(formatter, console));
  Poco::Logger::root().setChannel(channel);
  Poco::Logger::root().setLevel(pocoLevel(settings.level));
}

Poco::Logger& get(const std::string& name) { return Poco::Logger::get(name); }

void setLevel(config::LogLevel level) { Poco::Logger::setLevel("", pocoLevel(level)); }

}  // namespace wind::log
