#include "auth/validation.h"

#include <gtest/gtest.h>

namespace wind::auth {
namespace {

Registration valid() { return {"ann_1.x-y", "ann@example.com", "password1"}; }

TEST(Validation, NameRules) {
  EXPECT_TRUE(isValidName("a"));
  EXPECT_TRUE(isValidName(std::string(32, 'z')));
  EXPECT_TRUE(isValidName("A.b_c-9"));
  EXPECT_FALSE(isValidName(""));
  EXPECT_FALSE(isValidName(std::string(33, 'z')));
  EXPECT_FALSE(isValidName("with space"));
  EXPECT_FALSE(isValidName("ünï"));
  EXPECT_FALSE(isValidName("a@b"));
  EXPECT_FALSE(isValidName(std::string("a\0b", 3)));
}

TEST(Validation, EmailRules) {
  EXPECT_TRUE(isValidEmail("a@b.c"));
  EXPECT_TRUE(isValidEmail("first.last+tag@sub.example.org"));
  EXPECT_FALSE(isValidEmail("no-at.example.com"));
  EXPECT_FALSE(isValidEmail("@example.com"));
  EXPECT_FALSE(isValidEmail("a@localhost"));
  EXPECT_FALSE(isValidEmail("a@.com"));
  EXPECT_FALSE(isValidEmail("a@com."));
  EXPECT_FALSE(isValidEmail("a@b..c"));
  EXPECT_FALSE(isValidEmail("a@b@c.d"));
  EXPECT_FALSE(isValidEmail("a b@c.d"));
  EXPECT_FALSE(isValidEmail("a@c.d\r\nBcc: x@y.z"));
  const std::string domain = "@example.com";
  EXPECT_TRUE(isValidEmail(std::string(254 - domain.size(), 'a') + domain));
  EXPECT_FALSE(isValidEmail(std::string(255 - domain.size(), 'a') + domain));
}

TEST(Validation, CountsCodePointsNotBytes) {
  EXPECT_EQ(codePoints("abc"), 3u);
  EXPECT_EQ(codePoints("ééé"), 3u);
  EXPECT_EQ(codePoints("😀"), 1u);
}

TEST(Validation, AcceptsAValidForm) { EXPECT_FALSE(registrationError(valid(), 8)); }

TEST(Validation, MissingFieldComesFirst) {
  auto form = valid();
  form.name = "bad name";
  form.password.reset();
  EXPECT_EQ(registrationError(form, 8), "Missing field: password.");
  form = valid();
  form.name.reset();
  form.email.reset();
  EXPECT_EQ(registrationError(form, 8), "Missing field: name.");
}

TEST(Validation, NameIsCheckedBeforeEmailAndPassword) {
  auto form = valid();
  form.name = "";
  form.email = "bad";
  form.password = "x";
  EXPECT_EQ(registrationError(form, 8)->rfind("Name", 0), 0u);
}

TEST(Validation, EmailIsCheckedBeforePassword) {
  auto form = valid();
  form.email = "bad";
  form.password = "x";
  EXPECT_EQ(registrationError(form, 8), "Invalid email address.");
}

TEST(Validation, PasswordLengthInCharactersAndBytes) {
  auto form = valid();
  form.password = "ééééééé";  // 7 characters, 14 bytes
  EXPECT_EQ(registrationError(form, 8), "Password must be at least 8 characters.");
  form.password = "éééééééé";  // 8 characters
  EXPECT_FALSE(registrationError(form, 8));
  form.password = std::string(1024, 'p');
  EXPECT_FALSE(registrationError(form, 8));
  form.password = std::string(1025, 'p');
  EXPECT_EQ(registrationError(form, 8), "Password must be at most 1024 bytes.");
  form.password = "abc";
  EXPECT_FALSE(registrationError(form, 3));
}

TEST(Validation, CanonicalKeyLowersAsciiOnly) {
  EXPECT_EQ(canonicalKey("AnN.X@Example.COM"), "ann.x@example.com");
  EXPECT_EQ(canonicalKey("Ä"), "Ä");
}

}  // namespace
}  // namespace wind::auth
