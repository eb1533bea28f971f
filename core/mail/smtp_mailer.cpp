#include "mail/smtp_mailer.h"

#include <Poco/Net/MailMessage.h>
#include <Poco/Net/MailRecipient.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SMTPClientSession.h>

#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "mail/eml.h"
#include "mail/spool.h"

#ifdef WIND_HAVE_NETSSL
#include <Poco/Net/Context.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/SecureSMTPClientSession.h>
#endif

namespace wind::mail {
namespace {

std::string readFile(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  if (!in) throw std::runtime_error("cannot read " + path.string());
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

#ifdef WIND_HAVE_NETSSL
// Poco's TLS client settings live in its SSLManager singleton. Without an
// explicit handler it would consult a Poco Application's configuration; a
// certificate that fails verification (system CAs, host name) is refused.
void initializeTls() {
  Poco::Net::Context::Ptr context(new Poco::Net::Context(
      Poco::Net::Context::TLS_CLIENT_USE, "", Poco::Net::Context::VERIFY_RELAXED, 9, true));
  Poco::Net::SSLManager::instance().initializeClient(
      nullptr, new Poco::Net::RejectCertificateHandler(false), context);
}
#endif

bool isPermanent(const Poco::Net::SMTPException& error) {
  return error.code() >= 500 && error.code() < 600;
}

}  // namespace

SmtpMailer::SmtpMailer(SmtpOptions options, Poco::Logger& logger)
    : options_(std::move(options)), logger_(logger) {
#ifdef WIND_HAVE_NETSSL
  if (options_.starttls) initializeTls();
#else
  if (options_.starttls)
    throw std::runtime_error("email.smtp.starttls needs Poco NetSSL, absent from this build");
#endif
  ensureDirectory(options_.spool);
  thread_ = std::thread([this] { run(); });
}

SmtpMailer::~SmtpMailer() {
  {
    std::lock_guard lock(mutex_);
    stopping_ = true;
  }
  wake_.notify_all();
  thread_.join();
}

void SmtpMailer::send(const Mail& mail) {
  std::string eml;
  try {
    eml = renderEml(mail, options_.from);
  } catch (const std::invalid_argument& error) {
    throw std::runtime_error(error.what());
  }
  writeAtomically(options_.spool, uniqueEmlName(), eml);
  {
    std::lock_guard lock(mutex_);
    pending_ = true;
  }
  wake_.notify_all();
}

void SmtpMailer::run() {
  auto backoff = options_.firstRetry;
  std::unique_lock lock(mutex_);
  while (!stopping_) {
    wake_.wait(lock, [this] { return stopping_ || pending_; });
    if (stopping_) break;
    pending_ = false;
    lock.unlock();
    const bool drained = drainSpool();
    lock.lock();
    if (drained) {
      backoff = options_.firstRetry;
      continue;
    }
    // Retry after the backoff even if nobody sends anything new.
    wake_.wait_for(lock, backoff, [this] { return stopping_; });
    pending_ = true;
    backoff = std::min(backoff * 2, options_.maxRetry);
  }
}

bool SmtpMailer::drainSpool() {
  for (const auto& file : listEml(options_.spool)) {
    {
      std::lock_guard lock(mutex_);
      if (stopping_) return true;
    }
    if (!deliver(file)) return false;
  }
  return true;
}

bool SmtpMailer::deliver(const std::filesystem::path& file) {
  try {
    transmit(readFile(file));
    std::filesystem::remove(file);
    return true;
  } catch (const Poco::Net::SMTPException& error) {
    if (!isPermanent(error)) {
      logger_.warning("smtp: %s: %s; will retry", file.filename().string(), error.displayText());
      return false;
    }
    logger_.error("smtp: rejected %s: %s; moved to failed/", file.filename().string(),
                  error.displayText());
  } catch (const Poco::Exception& error) {
    logger_.warning("smtp: %s: %s; will retry", file.filename().string(), error.displayText());
    return false;
  } catch (const std::exception& error) {
    logger_.warning("smtp: %s: %s; will retry", file.filename().string(),
                    std::string(error.what()));
    return false;
  }
  std::error_code ignored;
  const auto failed = options_.spool / "failed";
  std::filesystem::create_directories(failed, ignored);
  std::filesystem::rename(file, failed / file.filename(), ignored);
  return true;
}

void SmtpMailer::transmit(const std::string& eml) {
  // The envelope comes from the spooled file's own headers, so a spool
  // written by an earlier run needs nothing else.
  std::istringstream in(eml);
  Poco::Net::MailMessage message;
  message.read(in);
  message.addRecipient(Poco::Net::MailRecipient(Poco::Net::MailRecipient::PRIMARY_RECIPIENT,
                                                envelopeAddress(message.get("To", ""))));
#ifdef WIND_HAVE_NETSSL
  Poco::Net::SecureSMTPClientSession session(options_.host, options_.port);
#else
  Poco::Net::SMTPClientSession session(options_.host, options_.port);
#endif
  session.login();
#ifdef WIND_HAVE_NETSSL
  if (options_.starttls && !session.startTLS())
    throw Poco::Net::SMTPException("server does not offer STARTTLS");
#endif
  if (!options_.username.empty()) {
    session.login(Poco::Net::SMTPClientSession::AUTH_LOGIN, options_.username, options_.password);
  } else if (options_.starttls) {
    session.login();  // EHLO again, as RFC 3207 requires after STARTTLS
  }
  session.sendMessage(message);
  session.close();
}

}  // namespace wind::mail
