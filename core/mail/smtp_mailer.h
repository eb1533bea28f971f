#pragma once
// email.transport: smtp. send() spools the .eml durably; one background
// thread delivers the spool in name order through Poco's SMTPClientSession,
// retrying with exponential backoff. Mail left in the spool at shutdown is
// sent after the next start. A permanent rejection (5xx) moves the file to
// "<spool>/failed/" so it never blocks the queue.

#include <Poco/Logger.h>

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <filesystem>
#include <mutex>
#include <string>
#include <thread>

#include "mail/mailer.h"

namespace wind::mail {

struct SmtpOptions {
  std::string host = "localhost";
  std::uint16_t port = 587;
  bool starttls = true;
  std::string username;  // empty: no AUTH
  std::string password;
  std::string from;
  std::filesystem::path spool;
  std::chrono::milliseconds firstRetry{1000};
  std::chrono::milliseconds maxRetry{300000};
};

class SmtpMailer final : public Mailer {
 public:
  // Creates the spool and starts the delivery thread. Throws
  // std::runtime_error when the spool cannot be created, or when starttls is
  // requested but this build has no TLS support. `logger` must outlive this.
  SmtpMailer(SmtpOptions options, Poco::Logger& logger);
  // Stops the delivery thread (an SMTP dialogue in progress finishes first).
  ~SmtpMailer() override;
  SmtpMailer(const SmtpMailer&) = delete;
  SmtpMailer& operator=(const SmtpMailer&) = delete;

  // Any thread. The mail is on disk in the spool when this returns.
  void send(const Mail& mail) override;

 private:
  void run();
  // Delivers every spooled mail in order; false when a transient failure
  // means the rest should wait for the backoff.
  bool drainSpool();
  // True when `file` is done with (sent, or moved aside as rejected).
  bool deliver(const std::filesystem::path& file);
  void transmit(const std::string& eml);

  const SmtpOptions options_;
  Poco::Logger& logger_;
  std::mutex mutex_;
  std::condition_variable wake_;
  bool stopping_ = false;
  bool pending_ = true;  // deliver what an earlier run left in the spool
  std::thread thread_;
};

}  // namespace wind::mail
