#include "http/responses.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

namespace wind::http {
namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
  return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

TEST(Responses, ErrorEnvelope) {
  const auto json = errorJson(4004, "Not \"found\".");
  EXPECT_EQ(json.rfind("{\"type\":\"error\"", 0), 0u);
  const auto root = parse(json);
  EXPECT_EQ(root->getValue<std::string>("type"), "error");
  const auto payload = root->getObject("payload");
  EXPECT_EQ(payload->getValue<int>("code"), 4004);
  EXPECT_EQ(payload->getValue<std::string>("message"), "Not \"found\".");
}

TEST(Responses, InfoEnvelope) {
  const auto root = parse(envelopeJson("info", "message", "verification email sent."));
  EXPECT_EQ(root->getValue<std::string>("type"), "info");
  EXPECT_EQ(root->getObject("payload")->getValue<std::string>("message"),
            "verification email sent.");
}

}  // namespace
}  // namespace wind::http
