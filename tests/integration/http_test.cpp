// PROTOCOL.md §2 against the real server: register, verify, login, logout,
// resend, health, and the error shape of everything else.
#include <Poco/JSON/Object.h>

#include <thread>

#include "fixture.h"

namespace wind::itest {
namespace {

class Http_ : public ServerTest {};

void expectError(const HttpResult& r, int status, int code) {
  EXPECT_EQ(r.status, status) << r.body;
  auto obj = r.json();
  EXPECT_EQ(obj->getValue<std::string>("type"), "error");
  EXPECT_EQ(r.code(), code) << r.body;
  EXPECT_FALSE(r.message().empty());
  EXPECT_NE(r.headers.at("content-type").find("application/json"), std::string::npos);
}

TEST_F(Http_, RegisterVerifyLoginTranscript) {
  auto reg = registerUser("alice", "alice@example.com", "password123");
  EXPECT_EQ(reg.status, 201);
  EXPECT_EQ(reg.body, R"({"type":"info","payload":{"message":"verification email sent."}})");

  // Cannot log in before the link is opened.
  auto early = login("alice@example.com", "password123");
  expectError(early, 403, 4005);

  auto key = server_->verifyKeyFor("alice@example.com");
  ASSERT_TRUE(key) << "no verification mail in " << server_->outbox();
  ASSERT_GE(key->size(), 22u);  // >= 128 bits, URL-safe
  auto mail = server_->mailsTo("alice@example.com").back();
  EXPECT_NE(mail.find("http://127.0.0.1/api/v1/auth/email_verify/" + *key), std::string::npos);

  auto verify = http().get("/api/v1/auth/email_verify/" + *key);
  EXPECT_EQ(verify.status, 201);
  EXPECT_EQ(verify.body,
            R"({"type":"info","payload":{"message":"account successfully created."}})");

  // Single use.
  auto again = http().get("/api/v1/auth/email_verify/" + *key);
  expectError(again, 404, 4004);
  EXPECT_EQ(again.message(), "The session has expired or does not exist.");

  auto ok = login("alice@example.com", "password123");
  EXPECT_EQ(ok.status, 201) << ok.body;
  EXPECT_EQ(ok.json()->getValue<std::string>("type"), "auth");
  std::string token = ok.json()->getObject("payload")->getValue<std::string>("token");
  EXPECT_GE(token.size(), 43u);  // >= 256 bits
}

TEST_F(Http_, JsonBodiesAreAcceptedLikeForms) {
  auto reg = http().post("/api/v1/auth/register",
                         R"({"name":"bob","email":"bob@example.com","password":"password123"})",
                         "application/json");
  EXPECT_EQ(reg.status, 201) << reg.body;
  auto key = server_->verifyKeyFor("bob@example.com");
  ASSERT_TRUE(key);
  EXPECT_EQ(http().get("/api/v1/auth/email_verify/" + *key).status, 201);
  auto res =
      http().post("/api/v1/auth/login", R"({"email":"bob@example.com","password":"password123"})",
                  "application/json");
  EXPECT_EQ(res.status, 201) << res.body;
}

TEST_F(Http_, RegisterValidationInProtocolOrder) {
  // missing field
  expectError(
      http().post("/api/v1/auth/register", form({{"name", "x"}, {"email", "x@example.com"}})), 400,
      4000);
  // bad names
  expectError(registerUser("", "a@example.com", "password123"), 400, 4000);
  expectError(registerUser(std::string(33, 'a'), "a@example.com", "password123"), 400, 4000);
  expectError(registerUser("bad name", "a@example.com", "password123"), 400, 4000);
  expectError(registerUser("n'; DROP TABLE users;--", "a@example.com", "password123"), 400, 4000);
  // bad emails
  expectError(registerUser("carol", "no-at-sign", "password123"), 400, 4000);
  expectError(registerUser("carol", "carol@localhost", "password123"), 400, 4000);
  expectError(registerUser("carol", std::string(250, 'c') + "@example.com", "password123"), 400,
              4000);
  // bad passwords
  expectError(registerUser("carol", "carol@example.com", "short"), 400, 4000);
  expectError(registerUser("carol", "carol@example.com", std::string(1025, 'p')), 400, 4000);
  // A bad name is reported before a bad password.
  auto both = registerUser("bad name", "carol@example.com", "short");
  EXPECT_NE(both.message().find("Name"), std::string::npos) << both.body;
  // Nothing was created: the name is still free.
  EXPECT_EQ(registerUser("carol", "carol@example.com", "password123").status, 201);
}

TEST_F(Http_, NameTakenIgnoringCaseButEmailNotRevealed) {
  EXPECT_EQ(registerUser("Dave", "dave@example.com", "password123").status, 201);
  expectError(registerUser("dAVE", "other@example.com", "password123"), 409, 4009);
  // Same email again: same 201, a notice instead of a key.
  auto dup = registerUser("dave2", "dave@example.com", "password123");
  EXPECT_EQ(dup.status, 201);
  EXPECT_EQ(dup.body, R"({"type":"info","payload":{"message":"verification email sent."}})");
  auto mails = server_->mailsTo("dave@example.com");
  ASSERT_EQ(mails.size(), 2u);
  EXPECT_EQ(mails[1].find("/api/v1/auth/email_verify/"), std::string::npos);
}

TEST_F(Http_, LoginFailuresShareOneMessage) {
  createUser("erin");
  auto wrongPassword = login("erin@example.com", "wrong password");
  auto unknownEmail = login("nobody@example.com", "wrong password");
  expectError(wrongPassword, 401, 4002);
  expectError(unknownEmail, 401, 4002);
  EXPECT_EQ(wrongPassword.message(), unknownEmail.message());
}

TEST_F(Http_, UnknownKeyIs404AndHtmlWhenAsked) {
  expectError(http().get("/api/v1/auth/email_verify/not-a-real-key"), 404, 4004);
  auto html = http().get("/api/v1/auth/email_verify/not-a-real-key", {{"Accept", "text/html"}});
  EXPECT_EQ(html.status, 404);
  EXPECT_NE(html.headers["content-type"].find("text/html"), std::string::npos);
  EXPECT_NE(html.body.find("expired"), std::string::npos);
}

TEST_F(Http_, VerifyAnswersHtmlToBrowsers) {
  registerUser("frank", "frank@example.com", "password123");
  auto key = server_->verifyKeyFor("frank@example.com");
  ASSERT_TRUE(key);
  auto page =
      http().get("/api/v1/auth/email_verify/" + *key,
                 {{"Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"}});
  EXPECT_EQ(page.status, 201);
  EXPECT_NE(page.headers["content-type"].find("text/html"), std::string::npos);
  EXPECT_NE(page.body.find("account successfully created."), std::string::npos);
}

TEST_F(Http_, LogoutRevokesTheToken) {
  auto a = createUser("gina");
  auto out = http().post("/api/v1/auth/logout", "", "", {{"Authorization", "Bearer " + a.token}});
  EXPECT_EQ(out.status, 200) << out.body;
  EXPECT_EQ(out.body, R"({"type":"info","payload":{"message":"logged out."}})");
  expectError(http().post("/api/v1/auth/logout", "", "", {{"Authorization", "Bearer " + a.token}}),
              401, 4002);
  expectError(http().post("/api/v1/auth/logout", "", ""), 401, 4002);
  // The revoked token no longer authenticates a socket.
  auto socket = ws();
  socket->send(R"({"type":"heartbeat","payload":1})");
  socket->expectType("heartbeat");
  socket->send(R"({"type":"auth","payload":{"auth":")" + a.token + R"("}})");
  socket->expectError(4002);
}

TEST_F(Http_, ResendVerificationNeverRevealsAccounts) {
  registerUser("hank", "hank@example.com", "password123");
  auto first = server_->verifyKeyFor("hank@example.com");
  ASSERT_TRUE(first);
  auto resend =
      http().post("/api/v1/auth/resend_verification", form({{"email", "hank@example.com"}}));
  EXPECT_EQ(resend.status, 201);
  EXPECT_EQ(resend.body, R"({"type":"info","payload":{"message":"verification email sent."}})");
  auto unknown =
      http().post("/api/v1/auth/resend_verification", form({{"email", "ghost@example.com"}}));
  EXPECT_EQ(unknown.status, 201);
  EXPECT_EQ(unknown.body, resend.body);
  auto second = server_->verifyKeyFor("hank@example.com");
  ASSERT_TRUE(second);
  EXPECT_NE(*first, *second);
  // The old key was invalidated, the new one works.
  EXPECT_EQ(http().get("/api/v1/auth/email_verify/" + *first).status, 404);
  EXPECT_EQ(http().get("/api/v1/auth/email_verify/" + *second).status, 201);
}

TEST_F(Http_, HealthAndReadiness) {
  auto health = http().get("/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.body, R"({"type":"health","payload":{"status":"ok"}})");
  auto ready = http().get("/readyz");
  EXPECT_EQ(ready.status, 200);
  EXPECT_EQ(ready.body, R"({"type":"health","payload":{"status":"ok"}})");
}

TEST_F(Http_, UnknownPathsAndMethods) {
  expectError(http().get("/no/such/path"), 404, 4004);
  expectError(http().get("/api/v1/auth/login"), 405, 4000);
  expectError(http().request("DELETE", "/api/v1/auth/register", "", "", {}), 405, 4000);
}

TEST_F(Http_, BadBodiesGet4000) {
  expectError(http().post("/api/v1/auth/login", "{not json", "application/json"), 400, 4000);
  expectError(http().post("/api/v1/auth/login", R"({"email":5,"password":[]})", "application/json"),
              400, 4000);
  expectError(http().post("/api/v1/auth/login", "\xff\xfe", "text/plain"), 400, 4000);
  expectError(
      http().post("/api/v1/auth/register", "name=%ff%fe&email=a%40b.com&password=password123"), 400,
      4000);
}

TEST_F(Http_, OversizeBodyIs413) {
  std::string big = "name=x&email=x%40example.com&password=" + std::string(200000, 'p');
  expectError(http().post("/api/v1/auth/register", big), 413, 4013);
  EXPECT_EQ(http().get("/healthz").status, 200);
}

TEST_F(Http_, HtmlFormsForTestingByHand) {
  auto reg = http().get("/register");
  EXPECT_EQ(reg.status, 200);
  EXPECT_NE(reg.headers["content-type"].find("text/html"), std::string::npos);
  EXPECT_NE(reg.body.find("/api/v1/auth/register"), std::string::npos);
  auto log = http().get("/login");
  EXPECT_EQ(log.status, 200);
  EXPECT_NE(log.body.find("/api/v1/auth/login"), std::string::npos);
}

TEST_F(Http_, RestartKeepsAccountsAndTokens) {
  auto a = createUser("ivan");
  EXPECT_EQ(server_->stop(), 0);
  server_->start();
  auto socket = ws();
  auto snapshot = socket->authenticate(a.token);
  EXPECT_EQ(snapshot->getObject("self_user")->getValue<std::string>("name"), "ivan");
  EXPECT_EQ(login(a.email, a.password).status, 201);
}

class HttpLimits : public ServerTest {
 protected:
  std::string extraConfig() const override {
    return "auth:\n  email_verification: true\n  login_attempts_per_minute: 3\n  token_ttl: "
           "\"2s\"\n"
           "  verify_ttl: \"1s\"\n";
  }
};

TEST_F(HttpLimits, TooManyFailedLoginsGet429WithRetryAfter) {
  auto a = createUser("judy");
  for (int i = 0; i < 3; ++i) EXPECT_EQ(login(a.email, "wrong password").status, 401);
  auto limited = login(a.email, "wrong password");
  expectError(limited, 429, 4029);
  ASSERT_TRUE(limited.headers.count("retry-after"));
  int retry = std::stoi(limited.headers["retry-after"]);
  EXPECT_GE(retry, 1);
  EXPECT_LE(retry, 60);
  // Also the right password is refused while limited.
  EXPECT_EQ(login(a.email, a.password).status, 429);
}

TEST_F(HttpLimits, TokensAndKeysExpire) {
  auto a = createUser("karl");
  registerUser("lena", "lena@example.com", "password123");
  auto key = server_->verifyKeyFor("lena@example.com");
  ASSERT_TRUE(key);
  std::this_thread::sleep_for(std::chrono::milliseconds(2200));
  expectError(http().get("/api/v1/auth/email_verify/" + *key), 404, 4004);
  auto socket = ws();
  socket->send(R"({"type":"heartbeat","payload":1})");
  socket->expectType("heartbeat");
  socket->send(R"({"type":"auth","payload":{"auth":")" + a.token + R"("}})");
  socket->expectError(4002);
}

class HttpNoVerification : public ServerTest {
 protected:
  std::string extraConfig() const override { return "auth:\n  email_verification: false\n"; }
};

TEST_F(HttpNoVerification, AccountIsActiveAtOnce) {
  auto reg = registerUser("mona", "mona@example.com", "password123");
  EXPECT_EQ(reg.status, 201);
  EXPECT_EQ(reg.body, R"({"type":"info","payload":{"message":"account successfully created."}})");
  EXPECT_EQ(login("mona@example.com", "password123").status, 201);
}

}  // namespace
}  // namespace wind::itest
