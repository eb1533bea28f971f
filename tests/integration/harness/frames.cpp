#include "frames.h"

namespace wind::itest {

std::string roomOf(const Account& a, const Account& b) {
  return std::to_string(std::stoull(a.id) ^ std::stoull(b.id));
}

std::string sendFrame(const std::string& room, const std::string& content) {
  return R"({"type":"chat","payload":{"type":"send","chat_id":")" + room + R"(","content":")" +
         content + R"("}})";
}

std::string editFrame(const std::string& room, const std::string& id, const std::string& content) {
  return R"({"type":"chat","payload":{"type":"edit","chat_id":")" + room + R"(","id":")" + id +
         R"(","content":")" + content + R"("}})";
}

std::string loadFrame(const std::string& room, const std::string& extra) {
  return R"({"type":"load","payload":{"type":"chat","load_id":")" + room + "\"" + extra + "}}";
}

}  // namespace wind::itest
