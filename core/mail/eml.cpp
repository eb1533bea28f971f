#include "mail/eml.h"

#include <Poco/DateTimeFormat.h>
#include <Poco/DateTimeFormatter.h>
#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Timestamp.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <random>
#include <sstream>
#include <stdexcept>

namespace wind::mail {
namespace {

bool hasControl(const std::string& text) {
  return std::any_of(text.begin(), text.end(), [](char c) {
    const auto u = static_cast<unsigned char>(c);
    return u < 0x20 || u == 0x7f;
  });
}

bool isAscii(const std::string& text) {
  return std::all_of(text.begin(), text.end(),
                     [](char c) { return static_cast<unsigned char>(c) < 0x80; });
}

// An 8bit body must use CRLF line ends (RFC 5322); callers write '\n'.
std::string toCrlf(const std::string& text) {
  std::string out;
  out.reserve(text.size() + text.size() / 32 + 2);
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] == '\n' && (i == 0 || text[i - 1] != '\r')) out += '\r';
    out += text[i];
  }
  if (out.size() < 2 || out.compare(out.size() - 2, 2, "\r\n") != 0) out += "\r\n";
  return out;
}

std::string randomHex(std::size_t bytes) {
  std::random_device device;
  std::string out;
  for (std::size_t i = 0; i < bytes; ++i) {
    std::array<char, 3> pair{};
    std::snprintf(pair.data(), pair.size(), "%02x", static_cast<unsigned>(device() & 0xffu));
    out += pair.data();
  }
  return out;
}

// The domain of the From address, for the Message-ID's right-hand side.
std::string domainOf(const std::string& from) {
  const auto at = from.rfind('@');
  if (at == std::string::npos) return "localhost";
  auto domain = from.substr(at + 1);
  const auto close = domain.find('>');
  if (close != std::string::npos) domain.resize(close);
  return domain.empty() ? "localhost" : domain;
}

}  // namespace

std::string renderEml(const Mail& mail, const std::string& from) {
  if (mail.to.empty() || hasControl(mail.to) || hasControl(from)) {
    throw std::invalid_argument("mail address holds control characters or is empty");
  }
  Poco::Net::MailMessage message;
  message.setSender(from);
  message.addRecipient(
      Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT, mail.to));
  const std::string subject = hasControl(mail.subject) ? std::string{} : mail.subject;
  message.setSubject(isAscii(subject) ? subject
                                      : Poco::Net::MailMessage::encodeWord(subject, "UTF-8"));
  message.setDate(Poco::Timestamp());
  message.set("Message-ID", "<" + randomHex(16) + "@" + domainOf(from) + ">");
  message.set("MIME-Version", "1.0");
  message.setContentType("text/plain; charset=utf-8");
  message.setContent(toCrlf(mail.body), Poco::Net::MailMessage::ENCODING_8BIT);
  std::ostringstream out;
  message.write(out);
  return out.str();
}

std::string envelopeAddress(const std::string& header) {
  const auto open = header.rfind('<');
  const auto close = header.rfind('>');
  if (open == std::string::npos || close == std::string::npos || close < open) return header;
  return header.substr(open + 1, close - open - 1);
}

std::string uniqueEmlName() {
  return Poco::DateTimeFormatter::format(Poco::Timestamp(), "%Y%m%dT%H%M%S") + "-" + randomHex(8) +
         ".eml";
}

}  // namespace wind::mail
