#include "fixture.h"

namespace wind::itest {

void ServerTest::SetUp() {
  server_ = std::make_unique<ServerProcess>(extraConfig());
  server_->start();
}

void ServerTest::TearDown() {
  if (HasFailure() && server_) {
    std::cerr << "---- server log ----\n" << server_->log() << "--------------------\n";
  }
  server_.reset();
}

HttpResult ServerTest::registerUser(const std::string& name, const std::string& email,
                                    const std::string& password) {
  return http().post("/api/v1/auth/register",
                     form({{"name", name}, {"email", email}, {"password", password}}));
}

HttpResult ServerTest::login(const std::string& email, const std::string& password) {
  return http().post("/api/v1/auth/login", form({{"email", email}, {"password", password}}));
}

Account ServerTest::createUser(const std::string& name) {
  Account a{name, name + "@example.com", "correct horse " + name, "", ""};
  auto reg = registerUser(a.name, a.email, a.password);
  EXPECT_EQ(reg.status, 201) << reg.body;
  auto key = server_->verifyKeyFor(a.email);
  if (key) {
    auto verify = http().get("/api/v1/auth/email_verify/" + *key);
    EXPECT_EQ(verify.status, 201) << verify.body;
  }
  auto res = login(a.email, a.password);
  EXPECT_EQ(res.status, 201) << res.body;
  a.token = res.json()->getObject("payload")->getValue<std::string>("token");
  Ws socket(server_->port());
  auto snapshot = socket.authenticate(a.token);
  a.id = snapshot->getObject("self_user")->getValue<std::string>("id");
  return a;
}

std::unique_ptr<Ws> ServerTest::connectAs(const Account& account) {
  auto socket = ws();
  socket->authenticate(account.token);
  return socket;
}

void ServerTest::befriend(const Account& a, Ws& aSocket, const Account& b, Ws& bSocket) {
  aSocket.send(R"({"type":"mutual_users","payload":{"type":"request","id":")" + b.id + R"("}})");
  aSocket.expectType("ok");
  bSocket.expectType("mutual_users");
  bSocket.send(R"({"type":"mutual_users","payload":{"type":"response","id":")" + a.id + R"("}})");
  bSocket.expectType("ok");
  aSocket.expectType("mutual_users");
}

void TwoUsersTest::SetUp() {
  ServerTest::SetUp();
  a_ = createUser("alice");
  b_ = createUser("bob");
  a1_ = connectAs(a_);
  a2_ = connectAs(a_);
  b1_ = connectAs(b_);
}

}  // namespace wind::itest
