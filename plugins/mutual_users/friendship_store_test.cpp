#include "friendship_store.h"

#include <gtest/gtest.h>

#include "mutual_users.h"
#include "wind/sdk/testing/fake_host.h"

namespace wind::plugins::mutual_users {
namespace {

using sdk::UserId;

class FriendshipStoreTest : public ::testing::Test {
 protected:
  FriendshipStoreTest() { storage_.migrate(info()); }
  sdk::testing::FakeStorage storage_;
  FriendshipStore store_{storage_};
  UserId a_{10}, b_{20};
};

TEST_F(FriendshipStoreTest, RelationSeesEachDirection) {
  EXPECT_EQ(store_.relation(a_, b_), Relation::none);
  ASSERT_TRUE(store_.insertRequest(a_, b_, 1));
  EXPECT_EQ(store_.relation(a_, b_), Relation::iRequested);
  EXPECT_EQ(store_.relation(b_, a_), Relation::theyRequested);
  ASSERT_TRUE(store_.acceptRequest(b_, a_, 2));
  EXPECT_EQ(store_.relation(a_, b_), Relation::friends);
  EXPECT_EQ(store_.relation(b_, a_), Relation::friends);
}

// The guards resolve races: a unit decided on a state that changed since changes nothing.
TEST_F(FriendshipStoreTest, RequestIsRefusedWhenTheReverseRequestAppeared) {
  ASSERT_TRUE(store_.insertRequest(b_, a_, 1));
  EXPECT_FALSE(store_.insertRequest(a_, b_, 2));
  EXPECT_EQ(store_.requestedBy(a_), std::vector<UserId>{});
}

TEST_F(FriendshipStoreTest, RequestIsRefusedBetweenFriendsAndWhenDuplicate) {
  ASSERT_TRUE(store_.insertRequest(a_, b_, 1));
  EXPECT_FALSE(store_.insertRequest(a_, b_, 2));
  ASSERT_TRUE(store_.acceptRequest(b_, a_, 3));
  EXPECT_FALSE(store_.insertRequest(a_, b_, 4));
  EXPECT_FALSE(store_.insertRequest(b_, a_, 4));
}

TEST_F(FriendshipStoreTest, AcceptWithoutARequestChangesNothing) {
  EXPECT_FALSE(store_.acceptRequest(a_, b_, 1));
  EXPECT_EQ(store_.relation(a_, b_), Relation::none);
  ASSERT_TRUE(store_.insertRequest(a_, b_, 1));
  EXPECT_FALSE(store_.acceptRequest(a_, b_, 2));  // only the target accepts
  EXPECT_EQ(store_.relation(a_, b_), Relation::iRequested);
}

TEST_F(FriendshipStoreTest, DeletesReportWhetherAnythingWasThere) {
  EXPECT_FALSE(store_.deleteRequests(a_, b_));
  EXPECT_FALSE(store_.deleteFriendship(a_, b_));
  ASSERT_TRUE(store_.insertRequest(a_, b_, 1));
  EXPECT_TRUE(store_.deleteRequests(b_, a_));
  ASSERT_TRUE(store_.insertRequest(a_, b_, 1));
  ASSERT_TRUE(store_.acceptRequest(b_, a_, 2));
  EXPECT_TRUE(store_.deleteFriendship(b_, a_));
  EXPECT_EQ(store_.relation(a_, b_), Relation::none);
}

TEST_F(FriendshipStoreTest, StorageFailureThrows) {
  storage_.failQueries(true);
  EXPECT_THROW(store_.relation(a_, b_), std::runtime_error);
  storage_.failWrites(true);
  EXPECT_THROW(store_.insertRequest(a_, b_, 1), std::runtime_error);
}

}  // namespace
}  // namespace wind::plugins::mutual_users
