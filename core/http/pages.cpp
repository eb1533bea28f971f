#include "http/pages.h"

namespace wind::http::pages {
namespace {

std::string page(const std::string& title, const std::string& body) {
  return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
         "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
         "<title>" +
         title +
         " · WIND</title>"
         "<style>body{font-family:sans-serif;max-width:28rem;margin:3rem auto;padding:0 1rem}"
         "label{display:block;margin:.6rem 0}input{width:100%;padding:.4rem;box-sizing:border-box}"
         "button{margin-top:.8rem;padding:.4rem "
         "1rem}pre{background:#f4f4f4;padding:.6rem;white-space:pre-wrap}"
         "</style></head><body>\n" +
         body + "\n</body></html>\n";
}

// Posts the form as application/x-www-form-urlencoded and shows the JSON
// answer; without JavaScript the browser posts it and shows the JSON itself.
constexpr const char* kShowAnswer =
    "<pre id=\"answer\" hidden></pre>\n"
    "<script>\n"
    "document.querySelector('form').addEventListener('submit', async (event) => {\n"
    "  event.preventDefault();\n"
    "  const form = event.target;\n"
    "  const out = document.getElementById('answer');\n"
    "  try {\n"
    "    const response = await fetch(form.action, {method: 'POST', body: new URLSearchParams(new "
    "FormData(form))});\n"
    "    out.textContent = response.status + ' ' + await response.text();\n"
    "  } catch (error) { out.textContent = String(error); }\n"
    "  out.hidden = false;\n"
    "});\n"
    "</script>";

}  // namespace

std::string home() {
  return page("WIND",
              "<h1>WIND</h1>\n<p>The chat server is running.</p>\n"
              "<ul><li><a href=\"/register\">Create an account</a></li>"
              "<li><a href=\"/login\">Log in</a></li></ul>");
}

std::string registerForm(unsigned passwordMinLength) {
  return page("Register",
              "<h1>Create an account</h1>\n"
              "<form method=\"post\" action=\"/api/v1/auth/register\">\n"
              "<label>Name <input name=\"name\" required maxlength=\"32\" "
              "pattern=\"[A-Za-z0-9_.\\-]{1,32}\" "
              "autocomplete=\"username\"></label>\n"
              "<label>Email <input name=\"email\" type=\"email\" required maxlength=\"254\" "
              "autocomplete=\"email\"></label>\n"
              "<label>Password <input name=\"password\" type=\"password\" required minlength=\"" +
                  std::to_string(passwordMinLength) +
                  "\" autocomplete=\"new-password\"></label>\n"
                  "<button type=\"submit\">Register</button>\n</form>\n" +
                  kShowAnswer + "\n<p><a href=\"/login\">Log in</a></p>");
}

std::string loginForm() {
  return page(
      "Log in",
      "<h1>Log in</h1>\n"
      "<form method=\"post\" action=\"/api/v1/auth/login\">\n"
      "<label>Email <input name=\"email\" type=\"email\" required autocomplete=\"email\"></label>\n"
      "<label>Password <input name=\"password\" type=\"password\" required "
      "autocomplete=\"current-password\"></label>\n"
      "<button type=\"submit\">Log in</button>\n</form>\n" +
          std::string(kShowAnswer) + "\n<p><a href=\"/register\">Create an account</a></p>");
}

std::string verified() {
  return page("Account activated",
              "<h1>account successfully created.</h1>\n"
              "<p>Your email address is verified. You can now <a href=\"/\">log in</a>.</p>");
}

std::string verifyFailed() {
  return page(
      "Link expired",
      "<h1>The session has expired or does not exist.</h1>\n"
      "<p>This link was already used or has expired. If you opened it before, your account is "
      "probably active: <a href=\"/\">log in</a>.</p>\n"
      "<p>Otherwise request a new link:</p>\n"
      "<form method=\"post\" action=\"/api/v1/auth/resend_verification\">\n"
      "<label>Email <input name=\"email\" type=\"email\" required autocomplete=\"email\"></label>\n"
      "<button type=\"submit\">Send a new link</button>\n</form>");
}

}  // namespace wind::http::pages
