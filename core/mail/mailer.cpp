#include "mail/mailer.h"

#include <Poco/Logger.h>

#include "config/config.h"
#include "mail/file_mailer.h"
#include "mail/log_mailer.h"
#include "mail/smtp_mailer.h"

namespace wind::mail {

std::unique_ptr<Mailer> makeMailer(const config::Config& config) {
  const auto& email = config.email;
  // Poco's named logger, so the transport logs under the server's channel
  // without makeMailer needing one more parameter.
  auto& logger = Poco::Logger::get("wind.mail");
  switch (email.transport) {
    case config::MailTransport::file:
      return std::make_unique<FileMailer>(email.outbox, email.from);
    case config::MailTransport::log:
      return std::make_unique<LogMailer>(logger);
    case config::MailTransport::smtp: {
      SmtpOptions options;
      options.host = email.smtp.host;
      options.port = email.smtp.port;
      options.starttls = email.smtp.starttls;
      options.username = email.smtp.username;
      options.password = email.smtp.password;
      options.from = email.from;
      options.spool = email.outbox;
      return std::make_unique<SmtpMailer>(std::move(options), logger);
    }
  }
  throw std::runtime_error("unknown email.transport");
}

}  // namespace wind::mail
