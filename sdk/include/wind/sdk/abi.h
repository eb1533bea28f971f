#pragma once
// ABI identity of the WIND plugin SDK.
//
// The server refuses a plugin whose `kAbiVersion` differs from its own, or
// whose build fingerprint differs, before it calls any C++ of the plugin.
// Bump kAbiVersion whenever any header under wind/sdk changes in a way that
// alters layout, a virtual table or a signature (a test hashes these headers).

#include <cstdint>

namespace wind::sdk {

inline constexpr std::uint32_t kAbiVersion = 4;
inline constexpr const char* kSdkVersion = "0.1.0";

#define WIND_SDK_STR2(x) #x
#define WIND_SDK_STR(x) WIND_SDK_STR2(x)

#if defined(__clang__)
#define WIND_SDK_COMPILER "clang-" WIND_SDK_STR(__clang_major__)
#elif defined(__GNUC__)
#define WIND_SDK_COMPILER "gcc-" WIND_SDK_STR(__GNUC__)
#else
#define WIND_SDK_COMPILER "unknown"
#endif

#if defined(_GLIBCXX_RELEASE)
#define WIND_SDK_STDLIB \
  "libstdc++-" WIND_SDK_STR(_GLIBCXX_RELEASE) ";cxx11abi=" WIND_SDK_STR(_GLIBCXX_USE_CXX11_ABI)
#elif defined(_LIBCPP_VERSION)
#define WIND_SDK_STDLIB "libc++-" WIND_SDK_STR(_LIBCPP_VERSION)
#else
#define WIND_SDK_STDLIB "unknown"
#endif

// Compiler family and major version, standard library and its ABI switch,
// C++ standard: everything that must match for std:: types to cross the line.
inline constexpr const char* kBuildFingerprint =
    WIND_SDK_COMPILER ";" WIND_SDK_STDLIB ";std=" WIND_SDK_STR(__cplusplus);

}  // namespace wind::sdk
