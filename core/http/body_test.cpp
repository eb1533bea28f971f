#include "http/body.h"

#include <gtest/gtest.h>

#include <sstream>

namespace wind::http {
namespace {

const std::vector<std::string> kWanted{"name", "email", "password"};

int statusOf(const std::string& contentType, const std::string& body) {
  try {
    parseFields(contentType, body, kWanted);
    return 0;
  } catch (const BodyError& error) {
    EXPECT_EQ(error.code(), error.status() == 413 ? 4013 : 4000);
    return error.status();
  }
}

TEST(ParseFields, FormUrlEncoded) {
  const auto fields = parseFields("application/x-www-form-urlencoded",
                                  "name=Ann&email=a%40b.c&password=p+w%20d&extra=1", kWanted);
  EXPECT_EQ(fieldOf(fields, "name"), "Ann");
  EXPECT_EQ(fieldOf(fields, "email"), "a@b.c");
  EXPECT_EQ(fieldOf(fields, "password"), "p w d");
  EXPECT_FALSE(fieldOf(fields, "extra"));
}

TEST(ParseFields, FormWithCharsetParameterAndMissingFields) {
  const auto fields =
      parseFields("application/x-www-form-urlencoded; charset=UTF-8", "name=", kWanted);
  EXPECT_EQ(fieldOf(fields, "name"), "");
  EXPECT_FALSE(fieldOf(fields, "email"));
}

TEST(ParseFields, Json) {
  const auto fields =
      parseFields("application/json; charset=utf-8",
                  R"({"name":"Ann","email":"a@b.c","password":"p\u00e9","other":5})", kWanted);
  EXPECT_EQ(fieldOf(fields, "name"), "Ann");
  EXPECT_EQ(fieldOf(fields, "password"), "pé");
  EXPECT_EQ(fields.size(), 3u);
}

TEST(ParseFields, JsonRejections) {
  EXPECT_EQ(statusOf("application/json", R"({"name":5})"), 400);
  EXPECT_EQ(statusOf("application/json", R"({"name":null})"), 400);
  EXPECT_EQ(statusOf("application/json", R"({"name":["x"]})"), 400);
  EXPECT_EQ(statusOf("application/json", R"({"name":"x")"), 400);
  EXPECT_EQ(statusOf("application/json", R"(["name"])"), 400);
  EXPECT_EQ(statusOf("application/json", R"("name")"), 400);
  EXPECT_EQ(statusOf("application/json", ""), 400);
  EXPECT_EQ(statusOf("application/json", std::string(10000, '[') + std::string(10000, ']')), 400);
  EXPECT_EQ(statusOf("application/json", R"({"other":5})"), 0);
}

TEST(ParseFields, InvalidUtf8IsRejected) {
  EXPECT_EQ(statusOf("application/json", "{\"name\":\"\xff\"}"), 400);
  EXPECT_EQ(statusOf("application/x-www-form-urlencoded", "name=%C3%28"), 400);
  EXPECT_EQ(statusOf("application/x-www-form-urlencoded", "name=%ED%A0%80"), 400);  // a surrogate
  EXPECT_EQ(statusOf("application/x-www-form-urlencoded", "other=%FF&name=ok"), 0);
}

TEST(ParseFields, ContentTypes) {
  EXPECT_EQ(statusOf("text/plain", "name=x"), 400);
  EXPECT_EQ(statusOf("multipart/form-data; boundary=x", "--x--"), 400);
  EXPECT_EQ(statusOf("", "name=x"), 400);
  EXPECT_EQ(statusOf("", ""), 0);
  EXPECT_EQ(statusOf("application/x-www-form-urlencoded", "name=%zz"), 400);
}

TEST(ReadLimited, ReadsUpToTheLimitAndRefusesMore) {
  std::istringstream fits(std::string(100, 'a'));
  EXPECT_EQ(readLimited(fits, 100).size(), 100u);
  std::istringstream over(std::string(20000, 'a'));
  try {
    readLimited(over, 100);
    FAIL() << "no error";
  } catch (const BodyError& error) {
    EXPECT_EQ(error.status(), 413);
    EXPECT_EQ(error.code(), 4013);
  }
}

TEST(Drain, StopsAtTheBound) {
  std::istringstream small(std::string(100, 'a'));
  EXPECT_TRUE(drain(small, 1000));
  std::istringstream big(std::string(100000, 'a'));
  EXPECT_FALSE(drain(big, 1000));
}

TEST(IsValidUtf8, AcceptsAndRejects) {
  EXPECT_TRUE(isValidUtf8(""));
  EXPECT_TRUE(isValidUtf8("plain"));
  EXPECT_TRUE(isValidUtf8("é中😀"));
  EXPECT_FALSE(isValidUtf8("\xc3"));              // truncated
  EXPECT_FALSE(isValidUtf8("\x80"));              // lone continuation
  EXPECT_FALSE(isValidUtf8("\xc0\xaf"));          // overlong
  EXPECT_FALSE(isValidUtf8("\xf4\x90\x80\x80"));  // above U+10FFFF
}

TEST(PrefersHtml, BrowserVersusApiClients) {
  EXPECT_TRUE(prefersHtml("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8"));
  EXPECT_TRUE(prefersHtml("text/html"));
  EXPECT_FALSE(prefersHtml(""));
  EXPECT_FALSE(prefersHtml("*/*"));
  EXPECT_FALSE(prefersHtml("application/json"));
  EXPECT_FALSE(prefersHtml("application/json, text/html;q=0.5"));
  EXPECT_FALSE(prefersHtml("text/html;q=0"));
}

}  // namespace
}  // namespace wind::http
