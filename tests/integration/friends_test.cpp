// PROTOCOL.md §3.6 (mutual_users) against the real server, with two devices.
#include "fixture.h"

namespace wind::itest {
namespace {

class Friends : public TwoUsersTest {
 protected:
  std::string act(const std::string& action, const std::string& field, const std::string& value) {
    return R"({"type":"mutual_users","payload":{"type":")" + action + R"(",")" + field + R"(":")" +
           value + R"("}})";
  }
  static std::string userId(const Poco::JSON::Object::Ptr& frame) {
    return frame->getObject("payload")->getObject("user")->getValue<std::string>("id");
  }
};

TEST_F(Friends, RequestThenResponseMakesFriends) {
  a1_->send(act("request", "id", b_.id));
  auto ok = a1_->expectType("ok");
  EXPECT_TRUE(ok->isNull("payload"));
  auto incoming = b1_->expectType("mutual_users");
  EXPECT_EQ(incoming->getObject("payload")->getValue<std::string>("type"), "request");
  EXPECT_EQ(userId(incoming), a_.id);
  auto mine = a2_->expectType("mutual_users");
  EXPECT_EQ(userId(mine), b_.id);
  EXPECT_TRUE(mine->getObject("payload")->getValue<bool>("by_me"));

  // b sees the pending request in a fresh snapshot.
  b1_->send(R"({"type":"auth","payload":{"auth":")" + b_.token + R"("}})");
  auto snap = b1_->expectType("auth")->getObject("payload");
  ASSERT_EQ(snap->getArray("mutual_requests")->size(), 1u);
  EXPECT_EQ(snap->getArray("mutual_requests")->getObject(0)->getValue<std::string>("id"), a_.id);

  b1_->send(act("response", "id", a_.id));
  b1_->expectType("ok");
  auto accepted = a1_->expectType("mutual_users");
  EXPECT_EQ(accepted->getObject("payload")->getValue<std::string>("type"), "response");
  a2_->expectType("mutual_users");

  a1_->send(R"({"type":"load","payload":{"type":"mutual_users"}})");
  auto list = a1_->expectType("mutual_users");
  ASSERT_EQ(list->getArray("payload")->size(), 1u);
  EXPECT_EQ(list->getArray("payload")->getObject(0)->getValue<std::string>("name"), "bob");
}

TEST_F(Friends, RequestByNameIgnoringCaseAndAutoAccept) {
  a1_->send(act("request", "name", "BOB"));
  a1_->expectType("ok");
  b1_->expectType("mutual_users");
  a2_->expectType("mutual_users");
  // b requests back: that accepts, and a receives "response".
  b1_->send(act("request", "name", "alice"));
  b1_->expectType("ok");
  auto ev = a1_->expectType("mutual_users");
  EXPECT_EQ(ev->getObject("payload")->getValue<std::string>("type"), "response");
  a1_->send(R"({"type":"auth","payload":{"auth":")" + a_.token + R"("}})");
  auto snap = a1_->expectType("auth")->getObject("payload");
  EXPECT_EQ(snap->getArray("mutual_users")->size(), 1u);
  EXPECT_EQ(snap->getArray("mutual_requests")->size(), 0u);
}

TEST_F(Friends, Errors) {
  a1_->send(act("request", "id", a_.id));
  a1_->expectError(4000);
  a1_->send(act("request", "id", "999999"));
  a1_->expectError(4004);
  a1_->send(act("request", "name", "nobody"));
  a1_->expectError(4004);
  a1_->send(act("request", "id", "-5"));
  a1_->expectError(4000);
  a1_->send(act("hug", "id", b_.id));
  a1_->expectError(4000);
  a1_->send(R"({"type":"mutual_users","payload":{"type":"request"}})");
  a1_->expectError(4000);
  a1_->send(R"({"type":"mutual_users","payload":{"type":"request","id":5}})");
  a1_->expectError(4000);
  a1_->send(act("response", "id", b_.id));  // nothing to accept
  a1_->expectError(4004);
  a1_->send(act("remove", "id", b_.id));  // nothing to withdraw
  a1_->expectError(4004);
  a1_->send(act("delete", "id", b_.id));  // not friends
  a1_->expectError(4004);

  a1_->send(act("request", "id", b_.id));
  a1_->expectType("ok");
  a1_->send(act("request", "id", b_.id));  // already requested
  a1_->expectError(4009);
  b1_->expectType("mutual_users");
  b1_->send(act("response", "id", a_.id));
  b1_->expectType("ok");
  a1_->expectType("mutual_users");
  a1_->send(act("request", "id", b_.id));  // already friends
  a1_->expectError(4009);
  b1_->send(act("response", "id", a_.id));
  b1_->expectError(4009);
  a1_->send(act("remove", "id", b_.id));  // friends: use delete
  a1_->expectError(4004);
}

TEST_F(Friends, RemoveWithdrawsOrDeclinesAndDeleteEnds) {
  a1_->send(act("request", "id", b_.id));
  a1_->expectType("ok");
  b1_->expectType("mutual_users");
  a2_->expectType("mutual_users");
  a1_->send(act("remove", "id", b_.id));  // withdraw
  a1_->expectType("ok");
  auto ev = b1_->expectType("mutual_users");
  EXPECT_EQ(ev->getObject("payload")->getValue<std::string>("type"), "remove");
  a2_->expectType("mutual_users");

  b1_->send(act("request", "id", a_.id));
  b1_->expectType("ok");
  a1_->expectType("mutual_users");
  a2_->expectType("mutual_users");
  a1_->send(act("remove", "id", b_.id));  // decline
  a1_->expectType("ok");
  b1_->expectType("mutual_users");
  a2_->expectType("mutual_users");

  befriend(a_, *a1_, b_, *b1_);
  a2_->expectType("mutual_users");
  a2_->expectType("mutual_users");
  b1_->send(act("delete", "id", a_.id));
  b1_->expectType("ok");
  auto del = a1_->expectType("mutual_users");
  EXPECT_EQ(del->getObject("payload")->getValue<std::string>("type"), "delete");
  a1_->send(R"({"type":"load","payload":{"type":"mutual_users"}})");
  EXPECT_EQ(a1_->expectType("mutual_users")->getArray("payload")->size(), 0u);
}

}  // namespace
}  // namespace wind::itest
