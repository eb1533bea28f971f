// SmtpMailer against a minimal in-process SMTP server on 127.0.0.1.
#include "mail/smtp_mailer.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <atomic>
#include <condition_variable>
#include <filesystem>
#include <mutex>
#include <random>
#include <thread>

#include "mail/eml.h"
#include "mail/spool.h"

namespace wind::mail {
namespace {

namespace fs = std::filesystem;
using namespace std::chrono_literals;

// Speaks just enough SMTP for Poco's client; optionally rejects recipients.
class FakeSmtp {
 public:
  explicit FakeSmtp(std::uint16_t port = 0, bool reject = false) : reject_(reject) {
    socket_.bind(Poco::Net::SocketAddress("127.0.0.1", port), true);
    socket_.listen();
    socket_.setReceiveTimeout(Poco::Timespan(0, 100000));
    thread_ = std::thread([this] { serve(); });
  }
  ~FakeSmtp() {
    stop_ = true;
    thread_.join();
  }
  std::uint16_t port() const { return socket_.address().port(); }

  // Waits (bounded) until `count` messages arrived; returns what arrived.
  std::vector<std::string> waitFor(std::size_t count) {
    std::unique_lock lock(mutex_);
    arrived_.wait_for(lock, 20s, [&] { return messages_.size() >= count; });
    return messages_;
  }
  std::vector<std::string> recipients() {
    std::lock_guard lock(mutex_);
    return recipients_;
  }
  // Bounded wait until `count` SMTP sessions were opened.
  bool waitForSessions(int count) const {
    for (int i = 0; i < 2000 && sessions_.load() < count; ++i) std::this_thread::sleep_for(10ms);
    return sessions_.load() >= count;
  }

 private:
  void serve() {
    while (!stop_) {
      try {
        auto connection = socket_.acceptConnection();
        ++sessions_;
        talk(connection);
      } catch (const Poco::TimeoutException&) {
      } catch (const Poco::Exception&) {
      }
    }
  }

  void talk(Poco::Net::StreamSocket& connection) {
    Poco::Net::SocketStream stream(connection);
    stream << "220 fake\r\n" << std::flush;
    std::string line;
    while (std::getline(stream, line)) {
      if (!line.empty() && line.back() == '\r') line.pop_back();
      const auto verb = line.substr(0, 4);
      if (verb == "QUIT") {
        stream << "221 bye\r\n" << std::flush;
        return;
      }
      if (verb == "STAR") {  // STARTTLS: this server has no TLS
        stream << "454 TLS not available\r\n" << std::flush;
        continue;
      }
      if (verb == "RCPT") {
        std::lock_guard lock(mutex_);
        recipients_.push_back(line);
        stream << (reject_ ? "550 no such user\r\n" : "250 ok\r\n") << std::flush;
      } else if (verb == "DATA") {
        stream << "354 go on\r\n" << std::flush;
        std::string message;
        while (std::getline(stream, line) && line != ".\r" && line != ".") message += line + "\n";
        {
          std::lock_guard lock(mutex_);
          messages_.push_back(message);
        }
        arrived_.notify_all();
        stream << "250 queued\r\n" << std::flush;
      } else {
        stream << "250 ok\r\n" << std::flush;
      }
    }
  }

  const bool reject_;
  Poco::Net::ServerSocket socket_;
  std::atomic<bool> stop_{false};
  std::atomic<int> sessions_{0};
  std::mutex mutex_;
  std::condition_variable arrived_;
  std::vector<std::string> messages_;
  std::vector<std::string> recipients_;
  std::thread thread_;
};

class SmtpMailerTest : public ::testing::Test {
 protected:
  SmtpMailerTest()
      : spool_(fs::temp_directory_path() /
               ("wind-smtp-test-" + std::to_string(std::random_device{}()))) {}
  ~SmtpMailerTest() override {
    std::error_code ignored;
    fs::remove_all(spool_, ignored);
  }

  SmtpOptions options(std::uint16_t port) const {
    SmtpOptions out;
    out.host = "127.0.0.1";
    out.port = port;
    out.starttls = false;
    out.from = "WIND <noreply@wind.test>";
    out.spool = spool_;
    out.firstRetry = 20ms;
    out.maxRetry = 100ms;
    return out;
  }

  // Bounded wait for the delivery thread to empty the spool.
  bool spoolDrains() const {
    for (int i = 0; i < 2000 && !listEml(spool_).empty(); ++i) std::this_thread::sleep_for(10ms);
    return listEml(spool_).empty();
  }

  fs::path spool_;
  Poco::Logger& logger_ = Poco::Logger::get("smtp_test");
};

TEST_F(SmtpMailerTest, DeliversAndEmptiesTheSpool) {
  FakeSmtp server;
  SmtpMailer mailer(options(server.port()), logger_);
  mailer.send({"ann@example.com", "Verify", "the link\nline two"});
  const auto messages = server.waitFor(1);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].find("the link"), std::string::npos);
  EXPECT_NE(messages[0].find("Subject: Verify"), std::string::npos);
  ASSERT_FALSE(server.recipients().empty());
  EXPECT_NE(server.recipients()[0].find("<ann@example.com>"), std::string::npos);
  EXPECT_TRUE(spoolDrains());
}

TEST_F(SmtpMailerTest, KeepsMailWhileTheServerIsDownAndRetries) {
  std::uint16_t port = 0;
  {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    port = probe.address().port();
  }
  SmtpMailer mailer(options(port), logger_);
  mailer.send({"bob@example.com", "Later", "body"});
  EXPECT_FALSE(listEml(spool_).empty());  // durable before any delivery
  FakeSmtp server(port);
  EXPECT_EQ(server.waitFor(1).size(), 1u);
  EXPECT_TRUE(spoolDrains());
}

TEST_F(SmtpMailerTest, SendsWhatAnEarlierRunLeftInTheSpool) {
  ensureDirectory(spool_);
  writeAtomically(
      spool_, "20200101T000000-0000000000000000.eml",
      renderEml({"old@example.com", "Left over", "from before"}, "WIND <noreply@wind.test>"));
  FakeSmtp server;
  SmtpMailer mailer(options(server.port()), logger_);
  const auto messages = server.waitFor(1);
  ASSERT_EQ(messages.size(), 1u);
  EXPECT_NE(messages[0].find("from before"), std::string::npos);
}

TEST_F(SmtpMailerTest, StarttlsNeverFallsBackToPlaintext) {
  FakeSmtp server;
  auto tls = options(server.port());
  tls.starttls = true;
  SmtpMailer mailer(tls, logger_);
  mailer.send({"ann@example.com", "s", "secret"});
  ASSERT_TRUE(server.waitForSessions(2));  // refused once and retried
  EXPECT_TRUE(server.recipients().empty());
  EXPECT_EQ(listEml(spool_).size(), 1u);
}

TEST_F(SmtpMailerTest, PermanentRejectionMovesTheMailAside) {
  FakeSmtp server(0, true);
  SmtpMailer mailer(options(server.port()), logger_);
  mailer.send({"nobody@example.com", "s", "b"});
  EXPECT_TRUE(spoolDrains());
  for (int i = 0; i < 2000 && listEml(spool_ / "failed").empty(); ++i)
    std::this_thread::sleep_for(10ms);
  EXPECT_EQ(listEml(spool_ / "failed").size(), 1u);
}

}  // namespace
}  // namespace wind::mail
