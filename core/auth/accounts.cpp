#include "auth/accounts.h"

#include <sodium.h>

#include "auth/secrets.h"

namespace wind::auth {
namespace {

using storage::Statement;
using storage::Value;

constexpr std::int64_t kMicrosPerSecond = 1000000;
constexpr std::size_t kMaxSecretLength = 512;  // longer strings are no token or key of ours

std::int64_t micros(std::chrono::seconds duration) { return duration.count() * kMicrosPerSecond; }

std::string trimSlash(std::string url) {
  while (!url.empty() && url.back() == '/') url.pop_back();
  return url;
}

// Limiter keys stay small whatever a client sends as its email.
std::string emailLimitKey(const std::string& email) {
  const auto key = canonicalKey(email);
  return "email:" + (key.size() <= kMaxEmailBytes ? key : sha256Hex(key));
}

std::string humanDuration(std::chrono::seconds duration) {
  const auto hours = duration.count() / 3600;
  if (hours >= 1 && duration.count() % 3600 == 0)
    return std::to_string(hours) + (hours == 1 ? " hour" : " hours");
  const auto minutes = (duration.count() + 59) / 60;
  return std::to_string(minutes) + (minutes == 1 ? " minute" : " minutes");
}

}  // namespace

std::span<const storage::Migration> Accounts::migrations() {
  static const std::vector<storage::Migration> list{
      {1,
       "CREATE TABLE users ("
       " id INTEGER PRIMARY KEY,"
       " name TEXT NOT NULL,"
       " name_key TEXT NOT NULL UNIQUE,"
       " email TEXT NOT NULL,"
       " email_key TEXT NOT NULL UNIQUE,"
       " password_hash TEXT NOT NULL,"
       " verified INTEGER NOT NULL,"
       " profile TEXT,"
       " created_at INTEGER NOT NULL);"
       "CREATE TABLE verification_keys ("
       " key_hash TEXT PRIMARY KEY,"
       " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
       " expires_at INTEGER NOT NULL);"
       "CREATE INDEX verification_keys_user ON verification_keys(user_id);"
       "CREATE TABLE tokens ("
       " token_hash TEXT PRIMARY KEY,"
       " user_id INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,"
       " expires_at INTEGER NOT NULL,"
       " revoked INTEGER NOT NULL DEFAULT 0);"
       "CREATE INDEX tokens_user ON tokens(user_id);"},
      // windctl users disable: a disabled account cannot log in and its tokens stop working.
      {2, "ALTER TABLE users ADD COLUMN disabled INTEGER NOT NULL DEFAULT 0;"},
  };
  return list;
}

Accounts::Accounts(storage::Database& database, mail::Mailer& mailer, ids::SnowflakeGenerator& ids,
                   const ids::Clock& clock, const config::Config& config, Poco::Logger& logger,
                   AccountsOptions options)
    : database_(database),
      mailer_(mailer),
      ids_(ids),
      clock_(clock),
      config_(config),
      logger_(logger),
      hasher_(options.passwordCost, options.hasher),
      dummyHash_(hasher_.hashNow(randomUrlSafe(kTokenBytes))),
      loginFailures_(config.auth.loginAttemptsPerMinute, std::chrono::seconds{60}, clock),
      resendRequests_(options.resendPerWindow, options.resendWindow, clock),
      registrations_(config.auth.registrationsPerHour, std::chrono::seconds{3600}, clock) {
  database_.migrate("core", migrations());
}

void Accounts::addRevocationListener(RevocationListener& listener) {
  listeners_.push_back(&listener);
}

// ---- register -------------------------------------------------------------

Outcome Accounts::registerAccount(const Registration& form, const std::string& clientAddress) {
  const std::string addressKey = "register:" + clientAddress;
  if (!clientAddress.empty()) {
    if (auto blocked = registrations_.blockedFor(addressKey)) return rateLimited(*blocked);
  }
  if (auto problem = registrationError(form, config_.auth.passwordMinLength)) {
    return Outcome::error(400, 4000, *problem);
  }
  // Counted once the form is well-formed: each such attempt costs a password hash.
  if (!clientAddress.empty()) registrations_.record(addressKey);
  if (nameTaken(*form.name)) return Outcome::error(409, 4009, messages::kNameTaken);
  // Hashing before looking at the email keeps a known and an unknown address
  // equally slow, so timing does not reveal which addresses have accounts.
  const auto hash = hasher_.hash(*form.password);
  if (!hash)
    return Outcome{503, Outcome::Kind::error, 5000, messages::kBusy, std::chrono::seconds{1}};
  return createAccount(form, *hash);
}

bool Accounts::nameTaken(const std::string& name) {
  const Value key{canonicalKey(name)};
  const auto result = database_.query("SELECT 1 FROM users WHERE name_key = ?", std::span(&key, 1));
  return result.ok() && !result.rows.empty();
}

Outcome Accounts::createAccount(const Registration& form, const std::string& passwordHash) {
  const bool verify = config_.auth.emailVerification;
  const auto id = static_cast<std::int64_t>(ids_.next());
  const auto key = randomUrlSafe(kVerificationKeyBytes);
  std::vector<Statement> unit{
      {"INSERT INTO users (id, name, name_key, email, email_key, password_hash, verified, profile, "
       "created_at)"
       " VALUES (?, ?, ?, ?, ?, ?, ?, NULL, ?)",
       {id, *form.name, canonicalKey(*form.name), *form.email, canonicalKey(*form.email),
        passwordHash, std::int64_t{verify ? 0 : 1}, now()}},
      {"DELETE FROM verification_keys WHERE expires_at <= ?", {now()}},
  };
  if (verify) {
    unit.push_back(
        {"INSERT INTO verification_keys (key_hash, user_id, expires_at) VALUES (?, ?, ?)",
         {sha256Hex(key), id, now() + micros(config_.auth.verifyTtl)}});
  }
  const auto result = database_.write(unit);
  if (result.error.kind == storage::StorageError::Kind::constraint) {
    // Lost a race for the name, or the email is already registered.
    if (nameTaken(*form.name)) return Outcome::error(409, 4009, messages::kNameTaken);
    mailNotice(*form.email);
    return registered();
  }
  if (!result.ok()) return internal("register", result.error.message);
  if (verify) mailKey(*form.email, *form.name, key);
  return registered();
}

Outcome Accounts::registered() const {
  return Outcome::info(201, config_.auth.emailVerification ? messages::kVerificationSent
                                                           : messages::kAccountCreated);
}

// ---- mail -----------------------------------------------------------------

void Accounts::mailKey(const std::string& to, const std::string& name, const std::string& key) {
  const auto link = trimSlash(config_.server.publicUrl) + "/api/v1/auth/email_verify/" + key;
  send({to, "Verify your WIND account",
        "Hello " + name + ",\n\nopen this link to activate your WIND account:\n\n" + link +
            "\n\nThe link works once and expires in " + humanDuration(config_.auth.verifyTtl) +
            ".\nIf you did not register, ignore this mail.\n"});
}

void Accounts::mailNotice(const std::string& to) {
  send({to, "Your WIND account",
        "Someone (perhaps you) tried to register a new WIND account with this address,\n"
        "but it already belongs to an account. If that was you, log in instead; if the\n"
        "account is not activated yet, request a new verification link.\n"
        "If it was not you, ignore this mail.\n"});
}

void Accounts::send(const mail::Mail& mail) {
  // The account stays valid without the mail: resend_verification recovers.
  try {
    mailer_.send(mail);
  } catch (const std::exception& error) {
    logger_.error("auth: cannot send mail \"%s\": %s", mail.subject, std::string(error.what()));
  }
}

// ---- email_verify ---------------------------------------------------------

Outcome Accounts::verifyEmail(std::string_view key) {
  const auto notFound = Outcome::error(404, 4004, messages::kSessionExpired);
  if (key.empty() || key.size() > kMaxSecretLength) return notFound;
  const auto hash = sha256Hex(key);
  const std::vector<Value> params{hash, now()};
  const auto found = database_.query(
      "SELECT user_id FROM verification_keys WHERE key_hash = ? AND expires_at > ?", params);
  if (!found.ok()) return internal("email_verify", found.error.message);
  if (found.rows.empty()) return notFound;
  const auto userId = sdk::integerAt(found.rows.front(), 0);
  // The single writer serializes units, so of two concurrent uses of one key
  // only the first deletes it; the second sees 0 changes and gets 404.
  const std::vector<Statement> unit{
      {"DELETE FROM verification_keys WHERE key_hash = ? AND expires_at > ?", {hash, now()}},
      {"UPDATE users SET verified = 1 WHERE id = ?", {userId}},
      {"DELETE FROM verification_keys WHERE user_id = ?", {userId}},
  };
  const auto result = database_.write(unit);
  if (!result.ok()) return internal("email_verify", result.error.message);
  if (result.changes.empty() || result.changes.front() == 0) return notFound;
  return Outcome::info(201, messages::kAccountCreated);
}

// ---- login / logout -------------------------------------------------------

std::optional<Accounts::Account> Accounts::accountByEmail(const std::string& email) {
  const Value key{canonicalKey(email)};
  const auto result = database_.query(
      "SELECT id, name, email, password_hash, verified, disabled FROM users WHERE email_key = ?",
      std::span(&key, 1));
  if (!result.ok()) throw std::runtime_error(result.error.message);
  if (result.rows.empty()) return std::nullopt;
  const auto& row = result.rows.front();
  return Account{sdk::integerAt(row, 0), sdk::textAt(row, 1),         sdk::textAt(row, 2),
                 sdk::textAt(row, 3),    sdk::integerAt(row, 4) != 0, sdk::integerAt(row, 5) != 0};
}

Outcome Accounts::login(const std::optional<std::string>& email,
                        const std::optional<std::string>& password,
                        const std::string& clientAddress) {
  Outcome outcome = attemptLogin(email, password, clientAddress);
  if (loginObserver_) loginObserver_(outcome.status);
  return outcome;
}

Outcome Accounts::attemptLogin(const std::optional<std::string>& email,
                               const std::optional<std::string>& password,
                               const std::string& clientAddress) {
  if (!email) return Outcome::error(400, 4000, "Missing field: email.");
  if (!password) return Outcome::error(400, 4000, "Missing field: password.");
  const auto addressKey = "addr:" + clientAddress;
  const auto emailKey = emailLimitKey(*email);
  auto blocked = loginLimiter_->blockedFor(addressKey);
  if (!blocked) blocked = loginLimiter_->blockedFor(emailKey);
  if (blocked) return rateLimited(*blocked);

  std::optional<Account> account;
  try {
    account = accountByEmail(*email);
  } catch (const std::exception& error) {
    return internal("login", error.what());
  }
  const bool tooLong = password->size() > kMaxPasswordBytes;
  // An unknown email still costs one verification, against a dummy hash.
  const auto check =
      hasher_.verify(account ? account->passwordHash : dummyHash_, tooLong ? "" : *password);
  if (check.verdict == PasswordHasher::Verdict::busy) {
    return Outcome{503, Outcome::Kind::error, 5000, messages::kBusy, std::chrono::seconds{1}};
  }
  if (!account || tooLong || check.verdict != PasswordHasher::Verdict::match) {
    loginLimiter_->record(addressKey);
    loginLimiter_->record(emailKey);
    return Outcome::error(401, 4002, messages::kWrongCredentials);
  }
  if (!account->verified) return Outcome::error(403, 4005, messages::kNotVerified);
  if (account->disabled) return Outcome::error(403, 4005, "This account is disabled.");
  return issueToken(*account, check.needsRehash, *password);
}

Outcome Accounts::issueToken(const Account& account, bool rehash, const std::string& password) {
  const auto token = randomUrlSafe(kTokenBytes);
  std::vector<Statement> unit{
      {"DELETE FROM tokens WHERE user_id = ? AND expires_at <= ?", {account.id, now()}},
      {"INSERT INTO tokens (token_hash, user_id, expires_at, revoked) VALUES (?, ?, ?, 0)",
       {sha256Hex(token), account.id, now() + micros(config_.auth.tokenTtl)}},
  };
  if (rehash) {
    // Parameters changed since this hash was made; a busy pool just defers it.
    if (auto fresh = hasher_.hash(password)) {
      unit.push_back({"UPDATE users SET password_hash = ? WHERE id = ?", {*fresh, account.id}});
    }
  }
  const auto result = database_.write(unit);
  if (!result.ok()) return internal("login", result.error.message);
  return Outcome::token(token);
}

Outcome Accounts::logout(std::string_view token) {
  const auto invalid = Outcome::error(401, 4002, messages::kInvalidToken);
  if (token.empty() || token.size() > kMaxSecretLength) return invalid;
  const auto hash = sha256Hex(token);
  const std::vector<Statement> unit{
      {"UPDATE tokens SET revoked = 1 WHERE token_hash = ? AND revoked = 0 AND expires_at > ?",
       {hash, now()}},
  };
  const auto result = database_.write(unit);
  if (!result.ok()) return internal("logout", result.error.message);
  if (result.changes.empty() || result.changes.front() == 0) return invalid;
  for (auto* listener : listeners_) listener->tokenRevoked(hash);
  return Outcome::info(200, messages::kLoggedOut);
}

// ---- resend_verification --------------------------------------------------

Outcome Accounts::resendVerification(const std::optional<std::string>& email,
                                     const std::string& clientAddress) {
  if (!email) return Outcome::error(400, 4000, "Missing field: email.");
  const auto addressKey = "addr:" + clientAddress;
  const auto emailKey = emailLimitKey(*email);
  auto blocked = resendRequests_.blockedFor(addressKey);
  if (!blocked) blocked = resendRequests_.blockedFor(emailKey);
  if (blocked) return rateLimited(*blocked);
  resendRequests_.record(addressKey);
  resendRequests_.record(emailKey);

  std::optional<Account> account;
  try {
    account = accountByEmail(*email);
  } catch (const std::exception& error) {
    return internal("resend_verification", error.what());
  }
  if (!account || account->verified || !config_.auth.emailVerification) return registered();
  const auto key = randomUrlSafe(kVerificationKeyBytes);
  const std::vector<Statement> unit{
      {"DELETE FROM verification_keys WHERE user_id = ?", {account->id}},
      {"INSERT INTO verification_keys (key_hash, user_id, expires_at) VALUES (?, ?, ?)",
       {sha256Hex(key), account->id, now() + micros(config_.auth.verifyTtl)}},
  };
  const auto result = database_.write(unit);
  if (!result.ok()) return internal("resend_verification", result.error.message);
  mailKey(account->email, account->name, key);
  return registered();
}

// ---- WebSocket side -------------------------------------------------------

std::optional<Identity> Accounts::authenticate(std::string_view token) noexcept {
  if (token.empty() || token.size() > kMaxSecretLength) return std::nullopt;
  try {
    auto hash = sha256Hex(token);
    const std::vector<Value> params{hash, now()};
    const auto result = database_.query(
        "SELECT t.user_id FROM tokens t JOIN users u ON u.id = t.user_id"
        " WHERE t.token_hash = ? AND t.revoked = 0 AND t.expires_at > ? AND u.verified = 1"
        " AND u.disabled = 0",
        params);
    if (!result.ok()) {
      logger_.error("auth: authenticate: %s", result.error.message);
      return std::nullopt;
    }
    if (result.rows.empty()) return std::nullopt;
    return Identity{sdk::UserId{static_cast<std::uint64_t>(sdk::integerAt(result.rows.front(), 0))},
                    std::move(hash)};
  } catch (const std::exception& error) {
    logger_.error("auth: authenticate: %s", std::string(error.what()));
    return std::nullopt;
  }
}

std::optional<sdk::User> Accounts::findUser(sdk::UserId id) noexcept {
  if (sdk::value(id) > sdk::kMaxId) return std::nullopt;
  return userWhere("id = ?", Value{static_cast<std::int64_t>(sdk::value(id))});
}

std::optional<sdk::User> Accounts::findUserByName(std::string_view name) noexcept {
  try {
    return userWhere("name_key = ?", Value{canonicalKey(name)});
  } catch (const std::exception&) {
    return std::nullopt;
  }
}

std::optional<sdk::User> Accounts::userWhere(std::string_view condition,
                                             const Value& value) noexcept {
  try {
    const auto sql =
        "SELECT id, name, profile FROM users WHERE verified = 1 AND " + std::string(condition);
    const auto result = database_.query(sql, std::span(&value, 1));
    if (!result.ok()) {
      logger_.error("auth: user lookup: %s", result.error.message);
      return std::nullopt;
    }
    if (result.rows.empty()) return std::nullopt;
    const auto& row = result.rows.front();
    sdk::User user{
        sdk::UserId{static_cast<std::uint64_t>(sdk::integerAt(row, 0))}, sdk::textAt(row, 1), {}};
    if (!sdk::isNullAt(row, 2)) user.profile = sdk::textAt(row, 2);
    return user;
  } catch (const std::exception& error) {
    logger_.error("auth: user lookup: %s", std::string(error.what()));
    return std::nullopt;
  }
}

// ---- shared answers -------------------------------------------------------

Outcome Accounts::rateLimited(std::chrono::seconds retryAfter) const {
  auto outcome = Outcome::error(429, 4029, messages::kTooManyAttempts);
  outcome.retryAfter = retryAfter;
  return outcome;
}

Outcome Accounts::internal(const std::string& what, const std::string& detail) {
  logger_.error("auth: %s: storage failed: %s", what, detail);
  return Outcome::error(500, 5000, messages::kInternal);
}

}  // namespace wind::auth
