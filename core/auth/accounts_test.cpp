#include "auth/accounts.h"

#include <gtest/gtest.h>

#include <mutex>
#include <vector>

#include "auth/secrets.h"
#include "auth/test_database.h"

namespace wind::auth {
namespace {

class FakeClock final : public ids::Clock {
 public:
  std::int64_t nowMicros() const noexcept override { return now; }
  void advance(std::chrono::seconds by) { now += by.count() * 1000000; }
  std::int64_t now = 1'700'000'000'000'000;
};

class FakeMailer final : public mail::Mailer {
 public:
  void send(const mail::Mail& mail) override {
    std::lock_guard lock(mutex_);
    sent.push_back(mail);
  }
  std::vector<mail::Mail> sent;

 private:
  std::mutex mutex_;
};

class RecordingListener final : public RevocationListener {
 public:
  void tokenRevoked(std::string_view tokenHash) noexcept override {
    revoked.emplace_back(tokenHash);
  }
  std::vector<std::string> revoked;
};

constexpr const char* kPrefix = "http://chat.test/api/v1/auth/email_verify/";

std::string keyIn(const mail::Mail& mail) {
  const auto at = mail.body.find(kPrefix);
  if (at == std::string::npos) return {};
  const auto start = at + std::string(kPrefix).size();
  return mail.body.substr(start, mail.body.find('\n', start) - start);
}

class AccountsTest : public ::testing::Test {
 protected:
  AccountsTest() : ids_(1, clock_) {
    config_.server.publicUrl = "http://chat.test/";
    database_.migrate("core", Accounts::migrations());
  }

  Accounts& accounts() {
    if (!accounts_) accounts_ = makeAccounts(PasswordCost::minimum());
    return *accounts_;
  }

  std::unique_ptr<Accounts> makeAccounts(PasswordCost cost) {
    AccountsOptions options;
    options.passwordCost = cost;
    return std::make_unique<Accounts>(database_, mailer_, ids_, clock_, config_,
                                      Poco::Logger::get("auth_test"), options);
  }

  Outcome registerAnn() {
    return accounts().registerAccount({"Ann", "ann@example.com", "password1"});
  }

  // Registers, verifies and logs in; returns the token.
  std::string activeAnn() {
    EXPECT_EQ(registerAnn().status, 201);
    EXPECT_EQ(accounts().verifyEmail(keyIn(mailer_.sent.back())).status, 201);
    const auto login = accounts().login("ann@example.com", "password1", "10.0.0.1");
    EXPECT_EQ(login.kind, Outcome::Kind::auth);
    return login.text;
  }

  std::int64_t count(const std::string& table) {
    return sdk::integerAt(database_.query("SELECT COUNT(*) FROM " + table, {}).rows.at(0), 0);
  }

  FakeClock clock_;
  ids::SnowflakeGenerator ids_;
  config::Config config_;
  testing::TestDatabase database_;
  FakeMailer mailer_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsTest, RegisterMailsAKeyThatActivatesOnce) {
  const auto registered = registerAnn();
  EXPECT_EQ(registered.status, 201);
  EXPECT_EQ(registered.kind, Outcome::Kind::info);
  EXPECT_EQ(registered.text, "verification email sent.");
  ASSERT_EQ(mailer_.sent.size(), 1u);
  EXPECT_EQ(mailer_.sent[0].to, "ann@example.com");
  const auto key = keyIn(mailer_.sent[0]);
  ASSERT_GE(key.size(), 22u);  // 128 bits in base64

  const auto stored = database_.query("SELECT key_hash FROM verification_keys", {});
  ASSERT_EQ(stored.rows.size(), 1u);
  EXPECT_EQ(sdk::textAt(stored.rows[0], 0), sha256Hex(key));

  EXPECT_FALSE(accounts().findUserByName("ann"));  // not active yet
  const auto verified = accounts().verifyEmail(key);
  EXPECT_EQ(verified.status, 201);
  EXPECT_EQ(verified.text, "account successfully created.");
  const auto again = accounts().verifyEmail(key);
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.code, 4004);
  EXPECT_EQ(again.text, "The session has expired or does not exist.");
  EXPECT_TRUE(accounts().findUserByName("ANN"));
}

TEST_F(AccountsTest, UnknownAndExpiredKeysAre404) {
  EXPECT_EQ(accounts().verifyEmail("nope").code, 4004);
  EXPECT_EQ(accounts().verifyEmail("").code, 4004);
  registerAnn();
  clock_.advance(config_.auth.verifyTtl);
  EXPECT_EQ(accounts().verifyEmail(keyIn(mailer_.sent.back())).code, 4004);
}

TEST_F(AccountsTest, InvalidFormIs400) {
  const auto outcome = accounts().registerAccount({"bad name", "ann@example.com", "password1"});
  EXPECT_EQ(outcome.status, 400);
  EXPECT_EQ(outcome.code, 4000);
  EXPECT_EQ(count("users"), 0);
}

TEST_F(AccountsTest, NameIsUniqueWithoutRegardToCase) {
  registerAnn();
  const auto outcome = accounts().registerAccount({"aNN", "other@example.com", "password1"});
  EXPECT_EQ(outcome.status, 409);
  EXPECT_EQ(outcome.code, 4009);
  EXPECT_EQ(count("users"), 1);
}

TEST_F(AccountsTest, KnownEmailGetsTheSameAnswerAndANoticeWithoutKey) {
  registerAnn();
  const auto outcome = accounts().registerAccount({"Bob", "ANN@example.com", "password2"});
  EXPECT_EQ(outcome.status, 201);
  EXPECT_EQ(outcome.text, "verification email sent.");
  ASSERT_EQ(mailer_.sent.size(), 2u);
  EXPECT_EQ(mailer_.sent[1].to, "ANN@example.com");
  EXPECT_EQ(keyIn(mailer_.sent[1]), "");
  EXPECT_EQ(count("users"), 1);
}

TEST_F(AccountsTest, WithoutVerificationTheAccountIsActiveAtOnce) {
  config_.auth.emailVerification = false;
  const auto outcome = registerAnn();
  EXPECT_EQ(outcome.status, 201);
  EXPECT_EQ(outcome.text, "account successfully created.");
  EXPECT_TRUE(mailer_.sent.empty());
  EXPECT_EQ(accounts().login("ann@example.com", "password1", "a").status, 201);
}

TEST_F(AccountsTest, LoginAnswers) {
  registerAnn();
  const auto unverified = accounts().login("ann@example.com", "password1", "a");
  EXPECT_EQ(unverified.status, 403);
  EXPECT_EQ(unverified.code, 4005);
  const auto wrong = accounts().login("ann@example.com", "password2", "a");
  const auto unknown = accounts().login("zed@example.com", "password1", "a");
  EXPECT_EQ(wrong.status, 401);
  EXPECT_EQ(wrong.code, 4002);
  EXPECT_EQ(unknown.status, 401);
  EXPECT_EQ(unknown.text, wrong.text);
  EXPECT_EQ(accounts().login(std::nullopt, "x", "a").code, 4000);
  EXPECT_EQ(accounts().login("a@b.c", std::nullopt, "a").code, 4000);
}

TEST_F(AccountsTest, TokenAuthenticatesUntilLogoutAndListenersHearIt) {
  const auto token = activeAnn();
  EXPECT_EQ(token.size(), 43u);
  const auto identity = accounts().authenticate(token);
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->tokenHash, sha256Hex(token));
  const auto user = accounts().findUser(identity->user);
  ASSERT_TRUE(user);
  EXPECT_EQ(user->name, "Ann");
  EXPECT_FALSE(user->profile);

  RecordingListener listener;
  accounts().addRevocationListener(listener);
  const auto out = accounts().logout(token);
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.text, "logged out.");
  ASSERT_EQ(listener.revoked.size(), 1u);
  EXPECT_EQ(listener.revoked[0], sha256Hex(token));
  EXPECT_FALSE(accounts().authenticate(token));
  EXPECT_EQ(accounts().logout(token).status, 401);
  EXPECT_EQ(accounts().logout("garbage").code, 4002);
  EXPECT_EQ(listener.revoked.size(), 1u);
}

TEST_F(AccountsTest, TokensExpire) {
  const auto token = activeAnn();
  clock_.advance(config_.auth.tokenTtl - std::chrono::seconds{1});
  EXPECT_TRUE(accounts().authenticate(token));
  clock_.advance(std::chrono::seconds{1});
  EXPECT_FALSE(accounts().authenticate(token));
  EXPECT_EQ(accounts().logout(token).status, 401);
}

TEST_F(AccountsTest, FailedLoginsAreLimitedPerAddress) {
  activeAnn();
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(
        accounts().login("u" + std::to_string(i) + "@example.com", "wrongpass", "10.9.9.9").status,
        401);
  }
  const auto limited = accounts().login("ann@example.com", "password1", "10.9.9.9");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.code, 4029);
  ASSERT_TRUE(limited.retryAfter);
  EXPECT_EQ(limited.retryAfter->count(), 60);
  EXPECT_EQ(accounts().login("ann@example.com", "password1", "10.0.0.2").status, 201);
  clock_.advance(std::chrono::seconds{60});
  EXPECT_EQ(accounts().login("ann@example.com", "password1", "10.9.9.9").status, 201);
}

// auth.registrations_per_hour well-formed attempts per address, then 429 4029
// with Retry-After until the oldest leaves the hour; other addresses unaffected.
TEST_F(AccountsTest, RegistrationsAreLimitedPerAddress) {
  config_.auth.registrationsPerHour = 3;
  for (int i = 0; i < 3; ++i) {
    const std::string name = "user" + std::to_string(i);
    EXPECT_EQ(
        accounts().registerAccount({name, name + "@example.com", "password1"}, "10.7.7.7").status,
        201);
  }
  const auto limited =
      accounts().registerAccount({"late", "late@example.com", "password1"}, "10.7.7.7");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.code, 4029);
  ASSERT_TRUE(limited.retryAfter);
  EXPECT_EQ(limited.retryAfter->count(), 3600);
  EXPECT_EQ(count("users"), 3);
  EXPECT_EQ(
      accounts().registerAccount({"other", "other@example.com", "password1"}, "10.7.7.8").status,
      201);
  clock_.advance(std::chrono::seconds{3600});
  EXPECT_EQ(
      accounts().registerAccount({"late", "late@example.com", "password1"}, "10.7.7.7").status,
      201);
}

TEST_F(AccountsTest, FailedLoginsAreLimitedPerEmail) {
  activeAnn();
  for (int i = 0; i < 10; ++i)
    accounts().login("Ann@Example.com", "wrongpass", "10.1.0." + std::to_string(i));
  EXPECT_EQ(accounts().login("ann@example.com", "password1", "10.2.0.1").status, 429);
  EXPECT_EQ(accounts().login("zed@example.com", "password1", "10.2.0.1").status, 401);
}

TEST_F(AccountsTest, ResendReplacesTheKeyOfAnUnverifiedAccount) {
  registerAnn();
  const auto oldKey = keyIn(mailer_.sent.back());
  const auto outcome = accounts().resendVerification("ann@example.com", "a");
  EXPECT_EQ(outcome.status, 201);
  EXPECT_EQ(outcome.text, "verification email sent.");
  ASSERT_EQ(mailer_.sent.size(), 2u);
  const auto newKey = keyIn(mailer_.sent.back());
  EXPECT_NE(newKey, oldKey);
  EXPECT_EQ(accounts().verifyEmail(oldKey).status, 404);
  EXPECT_EQ(accounts().verifyEmail(newKey).status, 201);
}

TEST_F(AccountsTest, ResendMailsNothingForUnknownOrActiveAccounts) {
  activeAnn();
  const auto mails = mailer_.sent.size();
  EXPECT_EQ(accounts().resendVerification("ann@example.com", "a").status, 201);
  EXPECT_EQ(accounts().resendVerification("zed@example.com", "b").status, 201);
  EXPECT_EQ(mailer_.sent.size(), mails);
  EXPECT_EQ(accounts().resendVerification(std::nullopt, "a").status, 400);
}

TEST_F(AccountsTest, ResendIsRateLimited) {
  for (int i = 0; i < 3; ++i)
    EXPECT_EQ(accounts().resendVerification("x@example.com", "a").status, 201);
  const auto limited = accounts().resendVerification("y@example.com", "a");
  EXPECT_EQ(limited.status, 429);
  EXPECT_TRUE(limited.retryAfter);
  EXPECT_EQ(accounts().resendVerification("x@example.com", "b").status, 429);
  EXPECT_EQ(accounts().resendVerification("y@example.com", "b").status, 201);
}

TEST_F(AccountsTest, LoginRehashesOutdatedHashes) {
  activeAnn();
  const auto before =
      sdk::textAt(database_.query("SELECT password_hash FROM users", {}).rows.at(0), 0);
  auto stronger =
      makeAccounts({PasswordCost::minimum().opsLimit + 1, PasswordCost::minimum().memLimit});
  EXPECT_EQ(stronger->login("ann@example.com", "password1", "a").status, 201);
  const auto after =
      sdk::textAt(database_.query("SELECT password_hash FROM users", {}).rows.at(0), 0);
  EXPECT_NE(before, after);
  EXPECT_EQ(stronger->login("ann@example.com", "password1", "a").status, 201);
}

TEST_F(AccountsTest, StorageFailureIs500) {
  registerAnn();
  accounts().verifyEmail(keyIn(mailer_.sent.back()));
  database_.breakIt();
  const auto outcome = accounts().login("ann@example.com", "password1", "a");
  EXPECT_EQ(outcome.status, 500);
  EXPECT_EQ(outcome.code, 5000);
  EXPECT_FALSE(accounts().authenticate("whatever"));
}

TEST_F(AccountsTest, LookupsSeeOnlyActiveAccounts) {
  registerAnn();
  EXPECT_FALSE(accounts().findUserByName("Ann"));
  EXPECT_FALSE(accounts().findUser(sdk::UserId{12345}));
  accounts().verifyEmail(keyIn(mailer_.sent.back()));
  const auto byName = accounts().findUserByName("aNn");
  ASSERT_TRUE(byName);
  EXPECT_EQ(accounts().findUser(byName->id)->name, "Ann");
}

}  // namespace
}  // namespace wind::auth
