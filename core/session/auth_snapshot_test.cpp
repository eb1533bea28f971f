#include "session/auth_snapshot.h"

#include <gtest/gtest.h>

namespace wind::session {
namespace {

class FieldsPlugin final : public sdk::Plugin {
 public:
  explicit FieldsPlugin(std::vector<std::pair<std::string, std::string>> fields, bool fail = false)
      : fields_(std::move(fields)), fail_(fail) {}
  sdk::Status handle(const sdk::Request&, sdk::Reply&) noexcept override {
    return sdk::Status::success();
  }
  sdk::Status contributeToAuth(sdk::UserId, sdk::AuthSnapshot& snapshot) noexcept override {
    for (const auto& [k, v] : fields_) snapshot.add(k, v);
    return fail_ ? sdk::Status::failure("nope") : sdk::Status::success();
  }

 private:
  std::vector<std::pair<std::string, std::string>> fields_;
  bool fail_;
};

const sdk::User kMe{sdk::UserId{5}, "me \"q\"", std::string("https://x/p.png")};

TEST(AuthSnapshot, DefaultsWhenNoContributors) {
  std::string failure;
  EXPECT_EQ(buildSnapshotPayload(kMe, {}, failure),
            R"({"self_user":{"id":"5","name":"me \"q\"","profile":"https://x/p.png"},)"
            R"("mutual_requests":[],"mutual_users":[]})");
}

TEST(AuthSnapshot, ContributionsReplaceDefaultsInPlaceAndAppendTheRest) {
  FieldsPlugin friends({{"mutual_users", "[1]"}, {"outgoing_requests", "[]"}});
  FieldsPlugin requests(
      {{"mutual_requests", "[2]"}, {"outgoing_requests", "[3]"}, {"self_user", "0"}});
  std::string failure;
  EXPECT_EQ(buildSnapshotPayload(kMe, {&friends, &requests}, failure),
            R"({"self_user":{"id":"5","name":"me \"q\"","profile":"https://x/p.png"},)"
            R"("mutual_requests":[2],"mutual_users":[1],"outgoing_requests":[3]})");
}

TEST(AuthSnapshot, FailingContributorIsReported) {
  FieldsPlugin ok({});
  FieldsPlugin bad({}, true);
  std::string failure;
  EXPECT_FALSE(buildSnapshotPayload(kMe, {&ok, &bad}, failure));
  EXPECT_EQ(failure, "auth contributor #1: nope");
}

}  // namespace
}  // namespace wind::session
