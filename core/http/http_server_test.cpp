// The routes over real sockets, against Accounts on a real SQLite file.
#include "http/http_server.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <mutex>
#include <sstream>

#include "auth/test_database.h"
#include "http/static_files.h"

namespace wind::http {
namespace {

using Poco::Net::HTTPRequest;

class FakeMailer final : public mail::Mailer {
 public:
  void send(const mail::Mail& mail) override {
    std::lock_guard lock(mutex_);
    last = mail;
  }
  std::string lastKey() {
    std::lock_guard lock(mutex_);
    const auto at = last.body.find("/email_verify/");
    if (at == std::string::npos) return {};
    const auto start = at + 14;
    return last.body.substr(start, last.body.find('\n', start) - start);
  }
  mail::Mail last;

 private:
  std::mutex mutex_;
};

class FakeUpgrade final : public UpgradeHandler {
 public:
  void upgrade(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& response) override {
    ++calls;
    response.setStatus(Poco::Net::HTTPResponse::HTTP_UPGRADE_REQUIRED);
    response.setContentLength(0);
    response.send();
  }
  std::atomic<int> calls{0};
};

struct Reply {
  int status = 0;
  std::string body;
  std::string contentType;
  std::string retryAfter;
  std::string allow;
  std::map<std::string, std::string> headers;

  Poco::JSON::Object::Ptr json() const {
    return Poco::JSON::Parser().parse(body).extract<Poco::JSON::Object::Ptr>();
  }
  int code() const { return json()->getObject("payload")->getValue<int>("code"); }
  std::string payload(const std::string& key) const {
    return json()->getObject("payload")->getValue<std::string>(key);
  }
};

class HttpServerTest : public ::testing::Test {
 protected:
  HttpServerTest() : ids_(0, clock_) {
    config_.server.listenHost = "127.0.0.1";
    config_.server.listenPort = 0;
    config_.server.httpThreads = 4;
    config_.server.maxBodyBytes = 1024;
    config_.server.publicUrl = "http://localhost";
    database_.migrate("core", auth::Accounts::migrations());
    auth::AccountsOptions options;
    options.passwordCost = auth::PasswordCost::minimum();
    accounts_ = std::make_unique<auth::Accounts>(database_, mailer_, ids_, clock_, config_,
                                                 Poco::Logger::get("http_test"), options);
    server_ = std::make_unique<HttpServer>(
        config_, *accounts_, upgrade_, [this] { return ready_.load(); },
        [] { return std::string("wind_up 1\n"); }, Poco::Logger::get("http_test"));
    server_->start();
  }

  Reply call(const std::string& method, const std::string& path, const std::string& body = "",
             const std::string& contentType = "",
             const std::map<std::string, std::string>& headers = {}) {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    HTTPRequest request(method, path, HTTPRequest::HTTP_1_1);
    for (const auto& [name, value] : headers) request.set(name, value);
    if (!contentType.empty()) request.setContentType(contentType);
    if (!body.empty() || method == HTTPRequest::HTTP_POST) {
      request.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(request) << body;
    Poco::Net::HTTPResponse response;
    auto& in = session.receiveResponse(response);
    Reply reply;
    reply.status = response.getStatus();
    reply.contentType = response.getContentType();
    reply.retryAfter = response.get("Retry-After", "");
    reply.allow = response.get("Allow", "");
    for (const auto& [name, value] : response) reply.headers[name] = value;
    Poco::StreamCopier::copyToString(in, reply.body);
    return reply;
  }

  Reply postJson(const std::string& path, const std::string& body) {
    return call(HTTPRequest::HTTP_POST, path, body, "application/json");
  }

  std::string activeToken() {
    EXPECT_EQ(postJson("/api/v1/auth/register",
                       R"({"name":"ann","email":"ann@x.org","password":"password1"})")
                  .status,
              201);
    EXPECT_EQ(call("GET", "/api/v1/auth/email_verify/" + mailer_.lastKey()).status, 201);
    const auto login =
        postJson("/api/v1/auth/login", R"({"email":"ann@x.org","password":"password1"})");
    EXPECT_EQ(login.status, 201);
    return login.payload("token");
  }

  ids::SystemClock clock_;
  ids::SnowflakeGenerator ids_;
  config::Config config_;
  auth::testing::TestDatabase database_;
  FakeMailer mailer_;
  FakeUpgrade upgrade_;
  std::atomic<bool> ready_{true};
  std::unique_ptr<auth::Accounts> accounts_;
  std::unique_ptr<HttpServer> server_;
};

TEST_F(HttpServerTest, BindsAnEphemeralPort) { EXPECT_NE(server_->port(), 0); }

TEST_F(HttpServerTest, HealthReadinessMetrics) {
  const auto health = call("GET", "/healthz");
  EXPECT_EQ(health.status, 200);
  EXPECT_EQ(health.contentType, "application/json");
  EXPECT_EQ(health.json()->getValue<std::string>("type"), "health");
  EXPECT_EQ(health.payload("status"), "ok");
  EXPECT_EQ(call("GET", "/readyz").status, 200);
  ready_ = false;
  const auto unready = call("GET", "/readyz");
  EXPECT_EQ(unready.status, 503);
  EXPECT_EQ(unready.payload("status"), "unavailable");
  const auto metrics = call("GET", "/metrics");
  EXPECT_EQ(metrics.body, "wind_up 1\n");
  EXPECT_EQ(metrics.contentType.rfind("text/plain", 0), 0u);
}

TEST_F(HttpServerTest, PagesAndUnknownPaths) {
  for (const char* path : {"/", "/register", "/login"}) {
    const auto page = call("GET", path);
    EXPECT_EQ(page.status, 200) << path;
    EXPECT_EQ(page.contentType, "text/html; charset=utf-8");
  }
  EXPECT_NE(call("GET", "/register").body.find("action=\"/api/v1/auth/register\""),
            std::string::npos);
  const auto missing = call("GET", "/nope");
  EXPECT_EQ(missing.status, 404);
  EXPECT_EQ(missing.code(), 4004);
  EXPECT_EQ(call("GET", "/api/v1/auth/nope").status, 404);
  EXPECT_EQ(call("GET", "/api/v1/auth/email_verify/a/b").status, 404);
}

TEST_F(HttpServerTest, WrongMethodIs405WithAllow) {
  const auto get = call("GET", "/api/v1/auth/login");
  EXPECT_EQ(get.status, 405);
  EXPECT_EQ(get.code(), 4000);
  EXPECT_EQ(get.allow, "POST");
  const auto post = call("POST", "/healthz");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.allow, "GET");
  EXPECT_EQ(call("POST", "/api/v1/auth/email_verify/k").allow, "GET");
}

TEST_F(HttpServerTest, WebSocketPathGoesToTheUpgradeHandler) {
  EXPECT_EQ(call("GET", "/ws").status, 426);
  EXPECT_EQ(upgrade_.calls.load(), 1);
  EXPECT_EQ(call("POST", "/ws").status, 405);
  EXPECT_EQ(upgrade_.calls.load(), 1);
}

TEST_F(HttpServerTest, RegisterVerifyLoginLogout) {
  const auto registered =
      call("POST", "/api/v1/auth/register", "name=ann&email=ann%40x.org&password=password1",
           "application/x-www-form-urlencoded");
  EXPECT_EQ(registered.status, 201);
  EXPECT_EQ(registered.json()->getValue<std::string>("type"), "info");
  EXPECT_EQ(registered.payload("message"), "verification email sent.");
  EXPECT_EQ(
      postJson("/api/v1/auth/login", R"({"email":"ann@x.org","password":"password1"})").code(),
      4005);

  const auto key = mailer_.lastKey();
  const auto verified = call("GET", "/api/v1/auth/email_verify/" + key);
  EXPECT_EQ(verified.status, 201);
  EXPECT_EQ(verified.payload("message"), "account successfully created.");
  const auto again =
      call("GET", "/api/v1/auth/email_verify/" + key, "", "", {{"Accept", "text/html"}});
  EXPECT_EQ(again.status, 404);
  EXPECT_EQ(again.contentType, "text/html; charset=utf-8");
  EXPECT_NE(again.body.find("<a href=\"/\">log in</a>"), std::string::npos);  // the web client
  const auto againJson = call("GET", "/api/v1/auth/email_verify/" + key);
  EXPECT_EQ(againJson.code(), 4004);
  EXPECT_EQ(againJson.payload("message"), "The session has expired or does not exist.");

  const auto login =
      postJson("/api/v1/auth/login", R"({"email":"ann@x.org","password":"password1"})");
  EXPECT_EQ(login.status, 201);
  EXPECT_EQ(login.json()->getValue<std::string>("type"), "auth");
  const auto token = login.payload("token");
  EXPECT_TRUE(accounts_->authenticate(token));

  EXPECT_EQ(call("POST", "/api/v1/auth/logout").code(), 4002);
  EXPECT_EQ(call("POST", "/api/v1/auth/logout", "", "", {{"Authorization", "Basic eDp5"}}).status,
            401);
  const auto out =
      call("POST", "/api/v1/auth/logout", "", "", {{"Authorization", "Bearer " + token}});
  EXPECT_EQ(out.status, 200);
  EXPECT_EQ(out.payload("message"), "logged out.");
  EXPECT_EQ(
      call("POST", "/api/v1/auth/logout", "", "", {{"Authorization", "Bearer " + token}}).status,
      401);
}

TEST_F(HttpServerTest, BadBodies) {
  const auto missing = postJson("/api/v1/auth/register", R"({"name":"ann"})");
  EXPECT_EQ(missing.status, 400);
  EXPECT_EQ(missing.code(), 4000);
  EXPECT_EQ(postJson("/api/v1/auth/register", "{").status, 400);
  EXPECT_EQ(postJson("/api/v1/auth/login", R"({"email":1,"password":"x"})").status, 400);
  EXPECT_EQ(call("POST", "/api/v1/auth/login", "email=a", "text/plain").status, 400);
  const auto large = postJson("/api/v1/auth/register", std::string(2000, ' '));
  EXPECT_EQ(large.status, 413);
  EXPECT_EQ(large.code(), 4013);
  const auto huge = postJson("/api/v1/auth/register", std::string(300000, ' '));
  EXPECT_EQ(huge.status, 413);
  EXPECT_EQ(huge.code(), 4013);
}

TEST_F(HttpServerTest, NameTakenIs409) {
  activeToken();
  const auto taken = postJson("/api/v1/auth/register",
                              R"({"name":"ANN","email":"b@x.org","password":"password1"})");
  EXPECT_EQ(taken.status, 409);
  EXPECT_EQ(taken.code(), 4009);
}

TEST_F(HttpServerTest, FailedLoginsGet429WithRetryAfter) {
  for (int i = 0; i < 10; ++i) {
    EXPECT_EQ(
        postJson("/api/v1/auth/login", R"({"email":"z@x.org","password":"wrongpass"})").status,
        401);
  }
  const auto limited =
      postJson("/api/v1/auth/login", R"({"email":"z@x.org","password":"wrongpass"})");
  EXPECT_EQ(limited.status, 429);
  EXPECT_EQ(limited.code(), 4029);
  EXPECT_FALSE(limited.retryAfter.empty());
  EXPECT_GE(std::stoi(limited.retryAfter), 1);
}

TEST_F(HttpServerTest, ResendAlwaysAnswers201) {
  const auto resend = postJson("/api/v1/auth/resend_verification", R"({"email":"nobody@x.org"})");
  EXPECT_EQ(resend.status, 201);
  EXPECT_EQ(resend.payload("message"), "verification email sent.");
}

TEST_F(HttpServerTest, KeepAliveSurvivesAnUnreadBody) {
  Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
  for (int i = 0; i < 2; ++i) {
    HTTPRequest request(HTTPRequest::HTTP_GET, "/healthz", HTTPRequest::HTTP_1_1);
    request.setContentLength(5);
    session.sendRequest(request) << "hello";
    Poco::Net::HTTPResponse response;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(response), body);
    EXPECT_EQ(response.getStatus(), 200);
  }
}

TEST_F(HttpServerTest, SurvivesMalformedRequests) {
  const std::vector<std::string> inputs{
      "GARBAGE\r\n\r\n",
      "POST /api/v1/auth/login HTTP/1.1\r\nContent-Length: -5\r\n\r\nabc",
      "POST /api/v1/auth/login HTTP/1.1\r\nContent-Length: abc\r\n\r\nabc",
      "POST /api/v1/auth/login HTTP/1.1\r\nTransfer-Encoding: chunked\r\nContent-Type: "
      "application/json\r\n\r\n"
      "zz\r\nabc\r\n0\r\n\r\n",
      "GET /%zz HTTP/1.1\r\n\r\n",
      "GET /healthz HTTP/1.1\r\nX: " + std::string(20000, 'a') + "\r\n\r\n",
      "POST /api/v1/auth/logout HTTP/1.1\r\nAuthorization: Bearer\r\nContent-Length: 0\r\n\r\n",
      std::string("POST /api/v1/auth/login HTTP/1.1\r\nContent-Type: "
                  "application/json\r\nContent-Length: 8\r\n\r\n"
                  "{\"a\":\0}",
                  94),
  };
  for (const auto& input : inputs) {
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", server_->port()));
    socket.setReceiveTimeout(Poco::Timespan(5, 0));
    char buffer[4096];
    std::string answer;
    // The server may answer and reset before the whole input is sent (the
    // oversized header): a reset while sending is a refusal too.
    try {
      socket.sendBytes(input.data(), static_cast<int>(input.size()));
      socket.shutdownSend();
      for (int n = 0; (n = socket.receiveBytes(buffer, sizeof buffer)) > 0;)
        answer.append(buffer, static_cast<std::size_t>(n));
    } catch (const Poco::Exception&) {
    }
    // Each is refused (or, for logout, unauthorized), never served as valid.
    EXPECT_EQ(answer.find("HTTP/1.1 2"), std::string::npos)
        << input.substr(0, 60) << " -> " << answer.substr(0, 80);
  }
  EXPECT_EQ(call("GET", "/healthz").status, 200);
}

// The bundled web client: a temporary web root beside a file that must never
// be served.
class WebClientTest : public HttpServerTest {
 protected:
  WebClientTest() {
    char pattern[] = "/tmp/wind-web-test-XXXXXX";
    dir_ = mkdtemp(pattern);
    root_ = dir_ / "www";
    std::filesystem::create_directories(root_ / "static" / "js");
    write(root_ / "index.html", "<script src=\"/static/@VERSION@/js/app.js\"></script>");
    write(root_ / "static" / "js" / "app.js", "import './ui.js';");
    write(root_ / "static" / "app.css", "body{}");
    write(root_ / "static" / ".secret", "hidden");
    write(dir_ / "secret.txt", "outside");
    std::filesystem::create_symlink(dir_ / "secret.txt", root_ / "static" / "link.txt");
    server_.reset();
    config_.server.webRoot = root_.string();
    server_ = std::make_unique<HttpServer>(
        config_, *accounts_, upgrade_, [] { return true; }, [] { return std::string(); },
        Poco::Logger::get("http_test"));
    server_->start();
  }
  ~WebClientTest() override {
    server_.reset();
    std::filesystem::remove_all(dir_);
  }

  static void write(const std::filesystem::path& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
  }

  // The version the server wrote into index.html.
  std::string version() {
    const auto body = call("GET", "/").body;
    const auto start = body.find("/static/") + 8;
    return body.substr(start, body.find('/', start) - start);
  }

  std::filesystem::path dir_;
  std::filesystem::path root_;
};

TEST_F(WebClientTest, IndexIsRevalidatedAndCarriesTheAssetVersion) {
  const auto index = call("GET", "/");
  EXPECT_EQ(index.status, 200);
  EXPECT_EQ(index.contentType, "text/html; charset=utf-8");
  EXPECT_EQ(index.headers.at("Cache-Control"), "no-cache");
  EXPECT_EQ(index.body.find("@VERSION@"), std::string::npos);
  EXPECT_EQ(version().size(), 16U);
  const auto again = call("GET", "/", "", "", {{"If-None-Match", index.headers.at("ETag")}});
  EXPECT_EQ(again.status, 304);
  EXPECT_TRUE(again.body.empty());
}

TEST_F(WebClientTest, EveryResponseCarriesTheSecurityHeaders) {
  for (const auto& path : {std::string("/"), "/static/" + version() + "/app.css"}) {
    const auto reply = call("GET", path);
    EXPECT_EQ(reply.status, 200) << path;
    const auto& csp = reply.headers.at("Content-Security-Policy");
    for (const char* directive :
         {"default-src 'self'", "connect-src 'self' ws: wss:", "img-src 'self' data:",
          "style-src 'self'", "script-src 'self'", "frame-ancestors 'none'"}) {
      EXPECT_NE(csp.find(directive), std::string::npos) << directive;
    }
    EXPECT_EQ(csp.find("unsafe"), std::string::npos);
    EXPECT_EQ(reply.headers.at("X-Content-Type-Options"), "nosniff");
  }
}

TEST_F(WebClientTest, AssetsHaveTheirTypeAndAreCachedOnlyUnderTheCurrentVersion) {
  const auto script = call("GET", "/static/" + version() + "/js/app.js");
  EXPECT_EQ(script.status, 200);
  EXPECT_EQ(script.body, "import './ui.js';");
  EXPECT_EQ(script.contentType, "text/javascript; charset=utf-8");
  EXPECT_EQ(script.headers.at("Cache-Control"), "public, max-age=31536000, immutable");
  const auto style = call("GET", "/static/old/app.css");
  EXPECT_EQ(style.status, 200);
  EXPECT_EQ(style.contentType, "text/css; charset=utf-8");
  EXPECT_EQ(style.headers.at("Cache-Control"), "no-cache");
  EXPECT_EQ(call("GET", "/static/" + version() + "/nope.js").status, 404);
  const auto post = call("POST", "/static/x/app.css");
  EXPECT_EQ(post.status, 405);
  EXPECT_EQ(post.allow, "GET, HEAD");
  const auto head = call("HEAD", "/static/" + version() + "/app.css");
  EXPECT_EQ(head.status, 200);
  EXPECT_EQ(head.contentType, "text/css; charset=utf-8");
  EXPECT_EQ(head.headers.at("Content-Length"), "6");
}

TEST_F(WebClientTest, NothingOutsideTheWebRootIsServed) {
  for (const char* path : {"/static/v/../../secret.txt", "/static/v/%2e%2e/%2e%2e/secret.txt",
                           "/static/v/..%2f..%2fsecret.txt", "/static/../secret.txt",
                           "/static/v/link.txt", "/static/v/.secret", "/static/v//etc/passwd",
                           "/static/v/static/app.css", "/static/app.css", "/index.html"}) {
    const auto reply = call("GET", path);
    EXPECT_EQ(reply.status, 404) << path;
    EXPECT_EQ(reply.body.find("outside"), std::string::npos) << path;
  }
}

TEST(ContentTypes, ByExtension) {
  EXPECT_EQ(contentTypeFor("a.html"), "text/html; charset=utf-8");
  EXPECT_EQ(contentTypeFor("a.SVG"), "image/svg+xml");
  EXPECT_EQ(contentTypeFor("a.png"), "image/png");
  EXPECT_EQ(contentTypeFor("a"), "application/octet-stream");
}

}  // namespace
}  // namespace wind::http
