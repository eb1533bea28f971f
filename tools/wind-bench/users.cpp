#include "users.h"

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <atomic>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <thread>

#include "text.h"

namespace wind::bench {
namespace {

std::pair<int, std::string> post(Poco::Net::HTTPClientSession& session, const std::string& path,
                                 const std::string& body) {
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path,
                                 Poco::Net::HTTPMessage::HTTP_1_1);
  request.setContentType("application/x-www-form-urlencoded");
  request.setContentLength(static_cast<std::streamsize>(body.size()));
  request.setKeepAlive(true);
  session.sendRequest(request) << body;
  Poco::Net::HTTPResponse response;
  std::istream& in = session.receiveResponse(response);
  std::string text;
  Poco::StreamCopier::copyToString(in, text);
  return {static_cast<int>(response.getStatus()), text};
}

std::string form(const std::string& name, bool withName) {
  std::string body = withName ? "name=" + name + "&" : "";
  return body + "email=" + name + "%40bench.test&password=" + passwordOf();
}

std::unique_ptr<Poco::Net::HTTPClientSession> sessionFor(const std::string& url) {
  const Poco::URI uri(url);
  auto session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
  session->setKeepAlive(true);
  session->setTimeout(Poco::Timespan(60, 0));
  return session;
}

std::string tokenFrom(const std::pair<int, std::string>& reply) {
  return reply.first == 201 ? std::string(stringValue(reply.second, "token")) : std::string();
}

}  // namespace

std::string emailOf(const std::string& name) { return name + "@bench.test"; }
std::string passwordOf() { return "bench-password-1"; }

std::string login(const std::string& url, const std::string& email, const std::string& password) {
  auto session = sessionFor(url);
  std::string encoded = email;
  if (const auto at = encoded.find('@'); at != std::string::npos) encoded.replace(at, 1, "%40");
  return tokenFrom(
      post(*session, "/api/v1/auth/login", "email=" + encoded + "&password=" + password));
}

std::vector<User> registerUsers(const std::string& url, const std::string& prefix, int count,
                                int threads) {
  std::vector<User> users(static_cast<std::size_t>(count));
  std::atomic<int> next{0};
  std::atomic<int> failures{0};
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&] {
      auto session = sessionFor(url);
      for (int i = next++; i < count; i = next++) {
        User& user = users[static_cast<std::size_t>(i)];
        user.name = prefix + std::to_string(i);
        try {
          const auto registered = post(*session, "/api/v1/auth/register", form(user.name, true));
          if (registered.first != 201) throw std::runtime_error(registered.second);
          user.token = tokenFrom(post(*session, "/api/v1/auth/login", form(user.name, false)));
          if (user.token.empty()) throw std::runtime_error("login failed");
        } catch (const std::exception& e) {
          if (failures++ == 0)
            std::fprintf(stderr, "register %s: %s\n", user.name.c_str(), e.what());
          session->reset();
        }
      }
    });
  }
  for (auto& worker : workers) worker.join();
  if (failures > 0)
    throw std::runtime_error(std::to_string(failures.load()) + " users failed to register");
  return users;
}

void saveUsers(const std::string& path, const std::vector<User>& users) {
  std::ofstream out(path);
  for (const auto& user : users) out << user.name << ' ' << user.id << ' ' << user.token << '\n';
  if (!out) throw std::runtime_error("cannot write " + path);
}

std::vector<User> loadUsers(const std::string& path) {
  std::ifstream in(path);
  if (!in)
    throw std::runtime_error("cannot read state file " + path + " (run `wind-bench setup` first)");
  std::vector<User> users;
  User user;
  while (in >> user.name >> user.id >> user.token) users.push_back(user);
  return users;
}

}  // namespace wind::bench
