#pragma once
// The small HTML pages served for testing by hand (PROTOCOL.md §2): fixed
// text, no user input is ever echoed into them.

#include <string>

namespace wind::http::pages {

std::string home();
std::string registerForm(unsigned passwordMinLength);
std::string loginForm();
std::string verified();
std::string verifyFailed();

}  // namespace wind::http::pages
