#pragma once
// Outgoing mail (ARCHITECTURE.md §5): file outbox, SMTP with a retry queue, or log.

#include <memory>
#include <string>

namespace wind::config {
struct Config;
}

namespace wind::mail {

struct Mail {
  std::string to;       // a single address
  std::string subject;  // plain text
  std::string body;     // plain text, UTF-8
};

class Mailer {
 public:
  virtual ~Mailer() = default;
  // Hands `mail` to the transport. The file transport has written the .eml
  // (atomically renamed into the outbox) when this returns; smtp queues it
  // durably and delivers it in the background. Throws std::runtime_error when
  // the mail cannot be accepted at all.
  virtual void send(const Mail& mail) = 0;
};

std::unique_ptr<Mailer> makeMailer(const config::Config& config);

}  // namespace wind::mail
