// Accounts on the production storage (openSqlite): the constraint kinds and
// per-statement change counts that Accounts relies on.
#include <gtest/gtest.h>

#include <filesystem>
#include <future>
#include <random>
#include <vector>

#include "auth/accounts.h"
#include "storage/database.h"

namespace wind::auth {
namespace {

class CapturingMailer final : public mail::Mailer {
 public:
  void send(const mail::Mail& mail) override { sent.push_back(mail); }
  std::string lastKey() const {
    const auto at = sent.back().body.find("/email_verify/");
    if (at == std::string::npos) return {};
    const auto start = at + 14;
    return sent.back().body.substr(start, sent.back().body.find('\n', start) - start);
  }
  std::vector<mail::Mail> sent;
};

class AccountsStorageTest : public ::testing::Test {
 protected:
  AccountsStorageTest()
      : dir_(std::filesystem::temp_directory_path() /
             ("wind-auth-storage-" + std::to_string(std::random_device{}()))),
        ids_(2, clock_) {
    storage::SqliteOptions options;
    options.path = (dir_ / "wind.db").string();
    options.synchronousFull = false;
    database_ = storage::openSqlite(options);
    database_->migrate("core", Accounts::migrations());
    AccountsOptions accountOptions;
    accountOptions.passwordCost = PasswordCost::minimum();
    accounts_ = std::make_unique<Accounts>(*database_, mailer_, ids_, clock_, config_,
                                           Poco::Logger::get("auth_storage_test"), accountOptions);
  }
  ~AccountsStorageTest() override {
    accounts_.reset();
    database_.reset();
    std::error_code ignored;
    std::filesystem::remove_all(dir_, ignored);
  }

  std::filesystem::path dir_;
  ids::SystemClock clock_;
  ids::SnowflakeGenerator ids_;
  config::Config config_;
  CapturingMailer mailer_;
  std::unique_ptr<storage::Database> database_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsStorageTest, MigrationsRunTwiceSafely) {
  EXPECT_NO_THROW(database_->migrate("core", Accounts::migrations()));
}

TEST_F(AccountsStorageTest, FullFlow) {
  EXPECT_EQ(accounts_->registerAccount({"Ann", "ann@example.com", "password1"}).status, 201);
  EXPECT_EQ(accounts_->login("ann@example.com", "password1", "a").status, 403);
  const auto key = mailer_.lastKey();
  EXPECT_EQ(accounts_->verifyEmail(key).status, 201);
  EXPECT_EQ(accounts_->verifyEmail(key).status, 404);
  const auto login = accounts_->login("ann@example.com", "password1", "a");
  ASSERT_EQ(login.status, 201);
  const auto identity = accounts_->authenticate(login.text);
  ASSERT_TRUE(identity);
  EXPECT_EQ(accounts_->findUser(identity->user)->name, "Ann");
  EXPECT_EQ(accounts_->logout(login.text).status, 200);
  EXPECT_FALSE(accounts_->authenticate(login.text));
  EXPECT_EQ(accounts_->logout(login.text).status, 401);
}

TEST_F(AccountsStorageTest, DuplicateEmailIsAConstraintAnsweredWith201) {
  EXPECT_EQ(accounts_->registerAccount({"Ann", "ann@example.com", "password1"}).status, 201);
  const auto again = accounts_->registerAccount({"Bob", "Ann@Example.com", "password1"});
  EXPECT_EQ(again.status, 201);
  EXPECT_EQ(mailer_.lastKey(), "");  // the notice, no key
  EXPECT_EQ(accounts_->registerAccount({"ANN", "c@example.com", "password1"}).status, 409);
}

TEST_F(AccountsStorageTest, ConcurrentUsesOfOneKeySucceedOnce) {
  accounts_->registerAccount({"Ann", "ann@example.com", "password1"});
  const auto key = mailer_.lastKey();
  std::vector<std::future<int>> uses;
  for (int i = 0; i < 8; ++i) {
    uses.push_back(
        std::async(std::launch::async, [&] { return accounts_->verifyEmail(key).status; }));
  }
  int created = 0;
  for (auto& use : uses) created += use.get() == 201 ? 1 : 0;
  EXPECT_EQ(created, 1);
}

TEST_F(AccountsStorageTest, ConcurrentRegistrationsOfOneNameCreateOne) {
  std::vector<std::future<int>> attempts;
  for (int i = 0; i < 6; ++i) {
    attempts.push_back(std::async(std::launch::async, [&, i] {
      return accounts_
          ->registerAccount({"Same", "u" + std::to_string(i) + "@example.com", "password1"})
          .status;
    }));
  }
  int created = 0;
  for (auto& attempt : attempts) created += attempt.get() == 201 ? 1 : 0;
  EXPECT_EQ(created, 1);
}

}  // namespace
}  // namespace wind::auth
