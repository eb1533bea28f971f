#pragma once
// email.transport: log. Logs recipient and subject only: the body may hold a
// verification key, which must never reach a log.

#include <Poco/Logger.h>

#include "mail/mailer.h"

namespace wind::mail {

class LogMailer final : public Mailer {
 public:
  // `logger` must outlive this.
  explicit LogMailer(Poco::Logger& logger) : logger_(logger) {}

  // Any thread; never throws for a well-formed Mail.
  void send(const Mail& mail) override;

 private:
  Poco::Logger& logger_;
};

}  // namespace wind::mail
