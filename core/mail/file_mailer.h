#pragma once
// email.transport: file. One .eml per mail in the outbox (development, tests).

#include <filesystem>
#include <string>

#include "mail/mailer.h"

namespace wind::mail {

class FileMailer final : public Mailer {
 public:
  // Creates `outbox` when missing; throws std::runtime_error when it cannot.
  FileMailer(std::filesystem::path outbox, std::string from);

  // Any thread. The .eml is in the outbox under its final name on return.
  void send(const Mail& mail) override;

 private:
  const std::filesystem::path outbox_;
  const std::string from_;
};

}  // namespace wind::mail
