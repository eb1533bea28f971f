#include "log/json_formatter.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Message.h>

#include "wind/sdk/json.h"

namespace wind::log {
namespace {

const char* levelName(Poco::Message::Priority priority) {
  switch (priority) {
    case Poco::Message::PRIO_TRACE:
      return "trace";
    case Poco::Message::PRIO_DEBUG:
      return "debug";
    case Poco::Message::PRIO_INFORMATION:
    case Poco::Message::PRIO_NOTICE:
      return "info";
    case Poco::Message::PRIO_WARNING:
      return "warn";
    default:
      return "error";
  }
}

}  // namespace

void JsonFormatter::format(const Poco::Message& message, std::string& text) {
  text += "{\"time\":";
  sdk::json::appendQuoted(text, Poco::DateTimeFormatter::format(
                                    message.getTime(), Poco::DateTimeFormat::ISO8601_FRAC_FORMAT));
  text += ",\"level\":\"";
  text += levelName(message.getPriority());
  text += "\",\"logger\":";
  sdk::json::appendQuoted(text, message.getSource());
  text += ",\"message\":";
  sdk::json::appendQuoted(text, message.getText());
  text += '}';
}

}  // namespace wind::log
