#include "client.h"

#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>
#include <gtest/gtest.h>

#include <sstream>

namespace wind::itest {

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
  Poco::JSON::Parser parser;
  return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

Poco::JSON::Object::Ptr HttpResult::json() const { return parseObject(body); }

int HttpResult::code() const { return json()->getObject("payload")->getValue<int>("code"); }

std::string HttpResult::message() const {
  return json()->getObject("payload")->getValue<std::string>("message");
}

HttpResult Http::get(const std::string& path,
                     const std::map<std::string, std::string>& headers) const {
  return request("GET", path, "", "", headers);
}

HttpResult Http::post(const std::string& path, const std::string& body,
                      const std::string& contentType,
                      const std::map<std::string, std::string>& headers) const {
  return request("POST", path, body, contentType, headers);
}

HttpResult Http::request(const std::string& method, const std::string& path,
                         const std::string& body, const std::string& contentType,
                         const std::map<std::string, std::string>& headers) const {
  Poco::Net::HTTPClientSession session("127.0.0.1", port_);
  session.setTimeout(Poco::Timespan(30, 0));
  Poco::Net::HTTPRequest req(method, path, Poco::Net::HTTPMessage::HTTP_1_1);
  for (const auto& [k, v] : headers) req.set(k, v);
  if (!contentType.empty()) req.setContentType(contentType);
  if (method != "GET" || !body.empty())
    req.setContentLength(static_cast<std::streamsize>(body.size()));
  session.sendRequest(req) << body;
  Poco::Net::HTTPResponse res;
  std::istream& in = session.receiveResponse(res);
  HttpResult out;
  out.status = res.getStatus();
  for (const auto& [k, v] : res) out.headers[Poco::toLower(k)] = v;
  std::ostringstream text;
  Poco::StreamCopier::copyStream(in, text);
  out.body = text.str();
  return out;
}

std::string form(const std::map<std::string, std::string>& fields) {
  Poco::Net::HTMLForm f;
  for (const auto& [k, v] : fields) f.set(k, v);
  std::ostringstream out;
  f.write(out);
  return out.str();
}

Ws::Ws(std::uint16_t port, const std::string& path) {
  session_ = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", port);
  Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, path,
                             Poco::Net::HTTPMessage::HTTP_1_1);
  Poco::Net::HTTPResponse res;
  socket_ = std::make_unique<Poco::Net::WebSocket>(*session_, req, res);
  socket_->setMaxPayloadSize(16 * 1024 * 1024);
}

Ws::~Ws() = default;

void Ws::send(const std::string& text) { sendRaw(text, Poco::Net::WebSocket::FRAME_TEXT); }

void Ws::sendBinary(const std::string& bytes) {
  sendRaw(bytes, Poco::Net::WebSocket::FRAME_BINARY);
}

void Ws::sendRaw(const std::string& bytes, int flags) {
  socket_->sendFrame(bytes.data(), static_cast<int>(bytes.size()), flags);
}

Received Ws::receive(std::chrono::milliseconds timeout) {
  using Poco::Net::WebSocket;
  Received out;
  auto deadline = std::chrono::steady_clock::now() + timeout;
  for (;;) {
    auto left = std::chrono::duration_cast<std::chrono::microseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) return out;
    socket_->setReceiveTimeout(Poco::Timespan(left.count()));
    Poco::Buffer<char> buffer(0);
    int flags = 0;
    int n = 0;
    try {
      n = socket_->receiveFrame(buffer, flags);
    } catch (const Poco::TimeoutException&) {
      return out;
    } catch (const Poco::Net::NetException&) {
      out.kind = Received::Kind::close;
      out.closeCode = 1006;
      return out;
    } catch (const Poco::IOException&) {
      out.kind = Received::Kind::close;
      out.closeCode = 1006;
      return out;
    }
    int opcode = flags & WebSocket::FRAME_OP_BITMASK;
    std::string data(buffer.begin(), buffer.begin() + n);
    if (n == 0 && flags == 0) {
      out.kind = Received::Kind::close;
      out.closeCode = 1006;
      return out;
    }
    if (opcode == WebSocket::FRAME_OP_PONG || opcode == WebSocket::FRAME_OP_PING) continue;
    if (opcode == WebSocket::FRAME_OP_CLOSE) {
      out.kind = Received::Kind::close;
      if (data.size() >= 2) {
        out.closeCode =
            (static_cast<unsigned char>(data[0]) << 8) | static_cast<unsigned char>(data[1]);
        out.closeReason = data.substr(2);
      } else {
        out.closeCode = 1005;
      }
      return out;
    }
    out.kind = opcode == WebSocket::FRAME_OP_BINARY ? Received::Kind::binary : Received::Kind::text;
    out.text = std::move(data);
    return out;
  }
}

Poco::JSON::Object::Ptr Ws::expectJson(std::chrono::milliseconds timeout) {
  Received r = receive(timeout);
  if (r.kind != Received::Kind::text) {
    ADD_FAILURE() << "expected a text frame, got kind " << static_cast<int>(r.kind)
                  << " close code " << r.closeCode << " " << r.closeReason;
    return new Poco::JSON::Object;
  }
  try {
    return parseObject(r.text);
  } catch (const std::exception& e) {
    ADD_FAILURE() << "not a JSON object: " << r.text;
    return new Poco::JSON::Object;
  }
}

void Ws::expectText(const std::string& text) {
  Received r = receive();
  EXPECT_EQ(r.kind, Received::Kind::text) << "close " << r.closeCode;
  EXPECT_EQ(r.text, text);
}

Poco::JSON::Object::Ptr Ws::expectType(const std::string& type) {
  auto obj = expectJson();
  EXPECT_EQ(obj->optValue<std::string>("type", "<none>"), type);
  return obj;
}

Poco::JSON::Object::Ptr Ws::expectError(int code) {
  auto obj = expectType("error");
  auto payload = obj->getObject("payload");
  if (!payload) {
    ADD_FAILURE() << "error frame without payload";
    return new Poco::JSON::Object;
  }
  EXPECT_EQ(payload->optValue<int>("code", 0), code);
  EXPECT_TRUE(payload->has("reason"));
  return payload;
}

void Ws::expectClose(int code) {
  for (int i = 0; i < 1000; ++i) {
    Received r = receive();
    if (r.kind == Received::Kind::text) continue;  // frames queued before the close
    EXPECT_EQ(r.kind, Received::Kind::close);
    EXPECT_EQ(r.closeCode, code) << r.closeReason;
    return;
  }
}

void Ws::expectSilence(std::chrono::milliseconds quiet) {
  Received r = receive(quiet);
  EXPECT_EQ(r.kind, Received::Kind::timeout)
      << "unexpected frame: " << r.text << " close " << r.closeCode;
}

Poco::JSON::Object::Ptr Ws::authenticate(const std::string& token) {
  send(R"({"type":"heartbeat","payload":{"count":0}})");
  expectType("heartbeat");
  send(R"({"type":"auth","payload":{"auth":")" + token + R"("}})");
  auto obj = expectType("auth");
  return obj->getObject("payload");
}

}  // namespace wind::itest
