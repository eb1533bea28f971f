#pragma once
// Accounts (PROTOCOL.md §2): registration, email verification, login tokens,
// logout, and the lookups the WebSocket side needs. Owns the core tables
// users, verification_keys and tokens (migrations owner "core").
//
// Every operation blocks on storage and, where a password is involved, on the
// bounded hashing pool; call them from HTTP or worker threads, never from an
// event loop. All methods are thread-safe.

#include <Poco/Logger.h>

#include <functional>
#include <memory>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "auth/identity.h"
#include "auth/outcome.h"
#include "auth/password_hasher.h"
#include "auth/rate_limiter.h"
#include "auth/validation.h"
#include "config/config.h"
#include "ids/clock.h"
#include "ids/snowflake.h"
#include "mail/mailer.h"
#include "storage/database.h"

namespace wind::auth {

struct AccountsOptions {
  PasswordCost passwordCost = PasswordCost::interactive();
  HasherLimits hasher;
  unsigned resendPerWindow = 3;  // resend_verification, per address and per email
  std::chrono::seconds resendWindow{600};
};

class Accounts final : public TokenAuthenticator, public UserDirectory {
 public:
  // The core schema (owner "core"): users, verification_keys, tokens.
  static std::span<const storage::Migration> migrations();

  // Startup only. Applies migrations() (a no-op when already applied; throws
  // storage::StorageFailure) and computes one dummy hash (the cost of one
  // password hash). Every reference must outlive this.
  Accounts(storage::Database& database, mail::Mailer& mailer, ids::SnowflakeGenerator& ids,
           const ids::Clock& clock, const config::Config& config, Poco::Logger& logger,
           AccountsOptions options = {});

  // Startup only, before serving. `listener` must outlive this.
  void addRevocationListener(RevocationListener& listener);

  // POST /api/v1/auth/register. 201 / 400 4000 / 409 4009 / 429 4029 when
  // `clientAddress` already made auth.registrations_per_hour well-formed
  // attempts within the hour (an empty address is not limited).
  Outcome registerAccount(const Registration& form, const std::string& clientAddress = {});
  // GET /api/v1/auth/email_verify/<key>. 201 / 404 4004.
  Outcome verifyEmail(std::string_view key);
  // POST /api/v1/auth/login. 201 auth / 400 / 401 4002 / 403 4005 / 429 4029.
  Outcome login(const std::optional<std::string>& email, const std::optional<std::string>& password,
                const std::string& clientAddress);
  // POST /api/v1/auth/logout with the bearer token. 200 / 401 4002.
  Outcome logout(std::string_view token);
  // POST /api/v1/auth/resend_verification. 201 / 400 / 429 4029.
  Outcome resendVerification(const std::optional<std::string>& email,
                             const std::string& clientAddress);

  // Startup only: told the HTTP status of every login attempt (for metrics).
  void setLoginObserver(std::function<void(int status)> observer) {
    loginObserver_ = std::move(observer);
  }

  // Configuration reload: the new auth.login_attempts_per_minute. Any thread.
  void setLoginAttemptsPerMinute(unsigned limit) noexcept {
    loginFailures_.setLimit(limit);
    loginLimiter_->setLimit(limit);
  }
  // Startup only, before serving: count failed logins in `limiter` (shared by
  // the nodes of a cluster) instead of this process. Outlives this.
  void setLoginLimiter(AttemptLimiter& limiter) noexcept { loginLimiter_ = &limiter; }

  std::optional<Identity> authenticate(std::string_view token) noexcept override;
  std::optional<sdk::User> findUser(sdk::UserId id) noexcept override;
  std::optional<sdk::User> findUserByName(std::string_view name) noexcept override;

 private:
  struct Account {
    std::int64_t id = 0;
    std::string name;
    std::string email;
    std::string passwordHash;
    bool verified = false;
    bool disabled = false;
  };

  Outcome attemptLogin(const std::optional<std::string>& email,
                       const std::optional<std::string>& password,
                       const std::string& clientAddress);
  std::optional<Account> accountByEmail(const std::string& email);
  bool nameTaken(const std::string& name);
  Outcome createAccount(const Registration& form, const std::string& passwordHash);
  Outcome registered() const;
  void mailKey(const std::string& to, const std::string& name, const std::string& key);
  void mailNotice(const std::string& to);
  void send(const mail::Mail& mail);
  std::optional<sdk::User> userWhere(std::string_view condition,
                                     const storage::Value& value) noexcept;
  Outcome issueToken(const Account& account, bool rehash, const std::string& password);
  Outcome rateLimited(std::chrono::seconds retryAfter) const;
  Outcome internal(const std::string& what, const std::string& detail);
  std::int64_t now() const noexcept { return clock_.nowMicros(); }

  storage::Database& database_;
  mail::Mailer& mailer_;
  ids::SnowflakeGenerator& ids_;
  const ids::Clock& clock_;
  const config::Config& config_;
  Poco::Logger& logger_;
  PasswordHasher hasher_;
  const std::string dummyHash_;
  SlidingWindowLimiter loginFailures_;
  AttemptLimiter* loginLimiter_ = &loginFailures_;
  SlidingWindowLimiter resendRequests_;
  SlidingWindowLimiter registrations_;
  std::vector<RevocationListener*> listeners_;
  std::function<void(int status)> loginObserver_;
};

}  // namespace wind::auth
