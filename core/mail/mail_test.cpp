#include <Poco/Net/MailMessage.h>
#include <Poco/Net/NullPartHandler.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "config/config.h"
#include "mail/eml.h"
#include "mail/file_mailer.h"
#include "mail/log_mailer.h"
#include "mail/mailer.h"
#include "mail/spool.h"

namespace wind::mail {
namespace {

namespace fs = std::filesystem;

class TempDir {
 public:
  TempDir()
      : path_(fs::temp_directory_path() /
              ("wind-mail-test-" + std::to_string(std::random_device{}()))) {}
  ~TempDir() {
    std::error_code ignored;
    fs::remove_all(path_, ignored);
  }
  const fs::path& path() const { return path_; }

 private:
  fs::path path_;
};

std::string readFile(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

TEST(Eml, HasEveryRequiredHeaderAndParses) {
  const auto eml = renderEml({"ann@example.com", "Verify your WIND account", "Open\nhttp://x/k\n"},
                             "WIND <noreply@example.org>");
  std::istringstream in(eml);
  Poco::Net::MailMessage message;
  message.read(in);
  EXPECT_EQ(message.get("From"), "WIND <noreply@example.org>");
  EXPECT_NE(message.get("To").find("ann@example.com"), std::string::npos);
  EXPECT_EQ(message.getSubject(), "Verify your WIND account");
  EXPECT_TRUE(message.has("Date"));
  EXPECT_NE(message.get("Message-ID").find("@example.org>"), std::string::npos);
  EXPECT_EQ(message.get("MIME-Version"), "1.0");
  EXPECT_EQ(message.getContentType(), "text/plain; charset=utf-8");
  EXPECT_EQ(message.get("Content-Transfer-Encoding"), "8bit");
  EXPECT_EQ(message.getContent(), "Open\r\nhttp://x/k\r\n");
}

TEST(Eml, EncodesNonAsciiSubjectAndKeepsUtf8Body) {
  const auto eml = renderEml({"a@b.c", "Grüße", "héllo"}, "x@y.z");
  EXPECT_NE(eml.find("Subject: =?UTF-8?"), std::string::npos);
  EXPECT_NE(eml.find("héllo\r\n"), std::string::npos);
}

TEST(Eml, RefusesHeaderInjection) {
  EXPECT_THROW(renderEml({"a@b.c\r\nBcc: evil@x.y", "s", "b"}, "x@y.z"), std::invalid_argument);
  EXPECT_THROW(renderEml({"", "s", "b"}, "x@y.z"), std::invalid_argument);
}

TEST(Eml, SubjectWithLineBreakIsDropped) {
  const auto eml = renderEml({"a@b.c", "s\r\nBcc: evil@x.y", "b"}, "x@y.z");
  EXPECT_EQ(eml.find("Bcc:"), std::string::npos);
}

TEST(Eml, EnvelopeAddressStripsNameAndBrackets) {
  EXPECT_EQ(envelopeAddress("WIND <noreply@localhost>"), "noreply@localhost");
  EXPECT_EQ(envelopeAddress("<a@b.c>"), "a@b.c");
  EXPECT_EQ(envelopeAddress("a@b.c"), "a@b.c");
}

TEST(Eml, SurvivesAReadWriteRoundTrip) {
  // The smtp transport re-reads spooled files with MailMessage::read.
  const auto eml = renderEml({"a@b.c", "s", "héllo\nworld"}, "WIND <x@y.z>");
  std::istringstream in(eml);
  Poco::Net::MailMessage message;
  message.read(in);
  std::ostringstream out;
  message.write(out);
  EXPECT_NE(out.str().find("héllo\r\nworld\r\n"), std::string::npos);
  EXPECT_NE(out.str().find("To: <a@b.c>"), std::string::npos);
}

TEST(FileMailer, CreatesOutboxAndWritesOneParseableEmlPerMail) {
  TempDir dir;
  const auto outbox = dir.path() / "nested" / "outbox";
  FileMailer mailer(outbox, "WIND <noreply@localhost>");
  mailer.send({"bob@example.com", "first", "key: abc"});
  mailer.send({"bob@example.com", "second", "body two"});
  const auto files = listEml(outbox);
  ASSERT_EQ(files.size(), 2u);
  std::size_t temporary = 0;
  for (const auto& entry : fs::directory_iterator(outbox)) {
    if (entry.path().filename().string().starts_with(".")) ++temporary;
  }
  EXPECT_EQ(temporary, 0u);
  std::string bodies;
  for (const auto& file : files) {
    EXPECT_EQ(file.extension(), ".eml");
    std::istringstream in(readFile(file));
    Poco::Net::MailMessage message;
    message.read(in);
    bodies += message.getContent();
  }
  EXPECT_NE(bodies.find("key: abc"), std::string::npos);
  EXPECT_NE(bodies.find("body two"), std::string::npos);
}

TEST(FileMailer, BadAddressIsRuntimeError) {
  TempDir dir;
  FileMailer mailer(dir.path(), "x@y.z");
  EXPECT_THROW(mailer.send({"a@b.c\nX: y", "s", "b"}), std::runtime_error);
  EXPECT_TRUE(listEml(dir.path()).empty());
}

TEST(Spool, WriteAtomicallyLeavesOnlyTheFinalName) {
  TempDir dir;
  ensureDirectory(dir.path());
  const auto path = writeAtomically(dir.path(), "a.eml", "content");
  EXPECT_EQ(path, dir.path() / "a.eml");
  EXPECT_EQ(readFile(path), "content");
  EXPECT_FALSE(fs::exists(dir.path() / ".a.eml.tmp"));
}

TEST(Spool, ListsOnlyFinishedEmlInNameOrder) {
  TempDir dir;
  ensureDirectory(dir.path());
  writeAtomically(dir.path(), "2.eml", "b");
  writeAtomically(dir.path(), "1.eml", "a");
  std::ofstream(dir.path() / ".3.eml.tmp") << "partial";
  std::ofstream(dir.path() / "notes.txt") << "x";
  const auto files = listEml(dir.path());
  ASSERT_EQ(files.size(), 2u);
  EXPECT_EQ(files[0].filename(), "1.eml");
  EXPECT_EQ(files[1].filename(), "2.eml");
}

TEST(UniqueEmlName, DiffersBetweenCalls) {
  EXPECT_NE(uniqueEmlName(), uniqueEmlName());
  EXPECT_TRUE(uniqueEmlName().ends_with(".eml"));
}

TEST(LogMailer, DoesNotThrow) {
  LogMailer mailer(Poco::Logger::get("mail_test"));
  EXPECT_NO_THROW(mailer.send({"a@b.c", "subject", "secret key"}));
}

TEST(MakeMailer, BuildsTheConfiguredTransport) {
  TempDir dir;
  config::Config config;
  config.email.outbox = (dir.path() / "out").string();
  config.email.transport = config::MailTransport::file;
  auto file = makeMailer(config);
  file->send({"a@b.c", "s", "b"});
  EXPECT_EQ(listEml(dir.path() / "out").size(), 1u);
  config.email.transport = config::MailTransport::log;
  auto log = makeMailer(config);
  EXPECT_NE(dynamic_cast<LogMailer*>(log.get()), nullptr);
}

}  // namespace
}  // namespace wind::mail
