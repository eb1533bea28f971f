#include "mail/file_mailer.h"

#include <stdexcept>

#include "mail/eml.h"
#include "mail/spool.h"

namespace wind::mail {

FileMailer::FileMailer(std::filesystem::path outbox, std::string from)
    : outbox_(std::move(outbox)), from_(std::move(from)) {
  ensureDirectory(outbox_);
}

void FileMailer::send(const Mail& mail) {
  std::string eml;
  try {
    eml = renderEml(mail, from_);
  } catch (const std::invalid_argument& error) {
    throw std::runtime_error(error.what());
  }
  writeAtomically(outbox_, uniqueEmlName(), eml);
}

}  // namespace wind::mail
