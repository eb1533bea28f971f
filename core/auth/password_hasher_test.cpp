#include "auth/password_hasher.h"

#include <gtest/gtest.h>

#include <future>
#include <vector>

namespace wind::auth {
namespace {

TEST(PasswordHasher, HashVerifiesAndRejectsOtherPasswords) {
  PasswordHasher hasher(PasswordCost::minimum(), {});
  const auto hash = hasher.hash("correct horse");
  ASSERT_TRUE(hash);
  EXPECT_EQ(hash->rfind("$argon2id$", 0), 0u);
  EXPECT_EQ(hasher.verify(*hash, "correct horse").verdict, PasswordHasher::Verdict::match);
  EXPECT_EQ(hasher.verify(*hash, "wrong horse").verdict, PasswordHasher::Verdict::mismatch);
  EXPECT_EQ(hasher.verify("not a hash", "x").verdict, PasswordHasher::Verdict::mismatch);
}

TEST(PasswordHasher, SaltsEachHash) {
  PasswordHasher hasher(PasswordCost::minimum(), {});
  EXPECT_NE(*hasher.hash("same"), *hasher.hash("same"));
}

TEST(PasswordHasher, ReportsRehashWhenParametersChanged) {
  PasswordHasher weak(PasswordCost::minimum(), {});
  PasswordHasher stronger({PasswordCost::minimum().opsLimit + 1, PasswordCost::minimum().memLimit},
                          {});
  const auto hash = *weak.hash("pw");
  EXPECT_FALSE(weak.verify(hash, "pw").needsRehash);
  const auto check = stronger.verify(hash, "pw");
  EXPECT_EQ(check.verdict, PasswordHasher::Verdict::match);
  EXPECT_TRUE(check.needsRehash);
}

TEST(PasswordHasher, RefusesBeyondTheQueueBound) {
  // The bound is checked before a job may wait: a bound of 0 refuses all.
  PasswordHasher hasher(PasswordCost::minimum(), {1, 0});
  EXPECT_FALSE(hasher.hash("x"));
  EXPECT_EQ(hasher.verify("h", "x").verdict, PasswordHasher::Verdict::busy);
}

TEST(PasswordHasher, ConcurrentCallersAllGetAnswers) {
  PasswordHasher hasher(PasswordCost::minimum(), {2, 64});
  std::vector<std::future<std::optional<std::string>>> results;
  for (int i = 0; i < 16; ++i)
    results.push_back(std::async(std::launch::async, [&] { return hasher.hash("p"); }));
  for (auto& result : results) EXPECT_TRUE(result.get());
}

}  // namespace
}  // namespace wind::auth
