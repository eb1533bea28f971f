#pragma once
// What an account operation answers, independent of HTTP rendering:
// core/http turns it into {"type":…,"payload":…} with `status`.

#include <chrono>
#include <optional>
#include <string>

namespace wind::auth {

struct Outcome {
  enum class Kind { info, auth, error };
  int status = 200;  // HTTP status
  Kind kind = Kind::info;
  int code = 0;      // error code (PROTOCOL.md §3.7) when kind == error
  std::string text;  // info or error message; the token when kind == auth
  std::optional<std::chrono::seconds> retryAfter;  // 429 and 503

  static Outcome info(int status, std::string message) {
    return {status, Kind::info, 0, std::move(message), {}};
  }
  static Outcome token(std::string value) { return {201, Kind::auth, 0, std::move(value), {}}; }
  static Outcome error(int status, int code, std::string message) {
    return {status, Kind::error, code, std::move(message), {}};
  }
};

// The fixed texts of PROTOCOL.md §2 and the ones this server chose.
namespace messages {
inline constexpr const char* kVerificationSent = "verification email sent.";
inline constexpr const char* kAccountCreated = "account successfully created.";
inline constexpr const char* kSessionExpired = "The session has expired or does not exist.";
inline constexpr const char* kLoggedOut = "logged out.";
inline constexpr const char* kNameTaken = "This name is already taken.";
inline constexpr const char* kWrongCredentials = "Invalid email or password.";
inline constexpr const char* kNotVerified =
    "Email address not verified. Open the link we mailed you, or request a new one.";
inline constexpr const char* kTooManyAttempts = "Too many attempts. Try again later.";
inline constexpr const char* kInvalidToken = "Missing, invalid or expired token.";
inline constexpr const char* kBusy = "The server is busy. Try again shortly.";
inline constexpr const char* kInternal = "Internal server error.";
}  // namespace messages

}  // namespace wind::auth
