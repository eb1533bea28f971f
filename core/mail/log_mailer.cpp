#include "mail/log_mailer.h"

namespace wind::mail {

void LogMailer::send(const Mail& mail) {
  logger_.information("mail (log transport, not sent) to=%s subject=\"%s\"", mail.to, mail.subject);
}

}  // namespace wind::mail
