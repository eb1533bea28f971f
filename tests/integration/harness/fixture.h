#pragma once
// Shared fixture: one fresh server per test, and helpers that create users
// through the public HTTP API exactly as a client would.

#include <gtest/gtest.h>

#include <memory>
#include <string>

#include "client.h"
#include "server.h"

namespace wind::itest {

struct Account {
  std::string name;
  std::string email;
  std::string password;
  std::string token;
  std::string id;  // decimal string, from the auth snapshot
};

class ServerTest : public ::testing::Test {
 protected:
  // Override to add YAML to the generated config before start.
  virtual std::string extraConfig() const { return {}; }

  void SetUp() override;
  void TearDown() override;

  Http http() const { return Http(server_->port()); }
  std::unique_ptr<Ws> ws() const { return std::make_unique<Ws>(server_->port()); }

  HttpResult registerUser(const std::string& name, const std::string& email,
                          const std::string& password);
  HttpResult login(const std::string& email, const std::string& password);
  // Register, open the mailed link, log in, and read the id from an auth snapshot.
  Account createUser(const std::string& name);
  // A socket that has sent its first heartbeat and authenticated as `account`.
  std::unique_ptr<Ws> connectAs(const Account& account);
  // Makes a and b friends (a requests, b accepts) and drains the frames it caused.
  void befriend(const Account& a, Ws& aSocket, const Account& b, Ws& bSocket);

  std::unique_ptr<ServerProcess> server_;
};

// alice with two devices (a1_, a2_) and bob with one (b1_), all authenticated.
class TwoUsersTest : public ServerTest {
 protected:
  void SetUp() override;

  Account a_, b_;
  std::unique_ptr<Ws> a1_, a2_, b1_;
};

}  // namespace wind::itest
