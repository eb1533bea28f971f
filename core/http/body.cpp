#include "http/body.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/MediaType.h>
#include <Poco/Net/MessageHeader.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/UTF8Encoding.h>

#include <sstream>

namespace wind::http {
namespace {

BodyError invalid(const std::string& message) { return BodyError(400, 4000, message); }

void keepWanted(Fields& fields, const std::string& name, const std::string& value) {
  if (!isValidUtf8(value)) throw invalid("Field " + name + " is not valid UTF-8.");
  fields.emplace(name, value);
}

Fields parseForm(const std::string& body, const std::vector<std::string>& wanted) {
  // HTMLForm also merges the request URI's query: a bare "/" keeps the body alone.
  Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, "/");
  request.setContentType(Poco::Net::HTMLForm::ENCODING_URL);
  Poco::Net::HTMLForm form;
  std::istringstream in(body);
  try {
    form.load(request, in);
  } catch (const Poco::Exception&) {
    throw invalid("Malformed form body.");
  }
  Fields fields;
  for (const auto& name : wanted) {
    if (form.has(name)) keepWanted(fields, name, form.get(name));
  }
  return fields;
}

Fields parseJson(const std::string& body, const std::vector<std::string>& wanted) {
  Poco::Dynamic::Var parsed;
  try {
    Poco::JSON::Parser parser;
    parser.setDepth(32);  // deep nesting is never a valid request, and recursion costs stack
    parsed = parser.parse(body);
  } catch (const Poco::Exception&) {
    throw invalid("Malformed JSON body.");
  }
  if (parsed.type() != typeid(Poco::JSON::Object::Ptr))
    throw invalid("The JSON body must be an object.");
  const auto object = parsed.extract<Poco::JSON::Object::Ptr>();
  Fields fields;
  for (const auto& name : wanted) {
    if (!object->has(name)) continue;
    const auto value = object->get(name);
    if (value.type() != typeid(std::string)) throw invalid("Field " + name + " must be a string.");
    keepWanted(fields, name, value.extract<std::string>());
  }
  return fields;
}

// The q of `type`/`subtype` in an Accept header: an exact match wins over
// "type/*", which wins over "*/*"; 0 when nothing matches.
double qualityOf(const std::string& accept, const std::string& type, const std::string& subtype) {
  std::vector<std::string> elements;
  Poco::Net::MessageHeader::splitElements(accept, elements);
  double best = 0;
  int bestSpecificity = -1;
  for (const auto& element : elements) {
    std::string value;
    Poco::Net::NameValueCollection parameters;
    Poco::Net::MessageHeader::splitParameters(element, value, parameters);
    const auto slash = value.find('/');
    if (slash == std::string::npos) continue;
    const auto t = Poco::toLower(value.substr(0, slash));
    const auto s = Poco::toLower(value.substr(slash + 1));
    int specificity = -1;
    if (t == type && s == subtype)
      specificity = 2;
    else if (t == type && s == "*")
      specificity = 1;
    else if (t == "*" && s == "*")
      specificity = 0;
    if (specificity <= bestSpecificity) continue;
    double q = 1;
    if (parameters.has("q") && !Poco::NumberParser::tryParseFloat(parameters.get("q"), q)) q = 0;
    best = q;
    bestSpecificity = specificity;
  }
  return best;
}

}  // namespace

Fields parseFields(const std::string& contentType, const std::string& body,
                   const std::vector<std::string>& wanted) {
  if (contentType.empty()) {
    if (body.empty()) return {};
    throw invalid(
        "Missing Content-Type: use application/x-www-form-urlencoded or application/json.");
  }
  Poco::Net::MediaType type("application/octet-stream");
  try {
    type = Poco::Net::MediaType(contentType);
  } catch (const Poco::Exception&) {
    throw invalid("Malformed Content-Type.");
  }
  if (type.matches("application", "x-www-form-urlencoded")) return parseForm(body, wanted);
  if (type.matches("application", "json")) return parseJson(body, wanted);
  throw invalid(
      "Unsupported Content-Type: use application/x-www-form-urlencoded or application/json.");
}

std::string readLimited(std::istream& in, std::size_t maxBytes) {
  std::string body;
  char chunk[8192];
  while (in) {
    in.read(chunk, sizeof chunk);
    body.append(chunk, static_cast<std::size_t>(in.gcount()));
    if (body.size() > maxBytes) throw BodyError(413, 4013, "Request body too large.");
  }
  return body;
}

bool drain(std::istream& in, std::size_t maxBytes) {
  char chunk[8192];
  std::size_t dropped = 0;
  while (in && dropped <= maxBytes) {
    in.read(chunk, sizeof chunk);
    dropped += static_cast<std::size_t>(in.gcount());
  }
  return !in;
}

bool isValidUtf8(std::string_view text) noexcept {
  Poco::UTF8Encoding utf8;
  const auto* p = reinterpret_cast<const unsigned char*>(text.data());
  auto left = static_cast<int>(text.size());
  while (left > 0) {
    if (*p < 0x80) {
      ++p;
      --left;
      continue;
    }
    // Negative: an illegal or truncated sequence (Poco checks overlongs and surrogates).
    if (utf8.queryConvert(p, left) < 0) return false;
    const int length = utf8.sequenceLength(p, left);
    if (length <= 0 || length > left) return false;
    p += length;
    left -= length;
  }
  return true;
}

bool prefersHtml(const std::string& accept) {
  if (accept.empty()) return false;
  const double html = qualityOf(accept, "text", "html");
  return html > 0 && html > qualityOf(accept, "application", "json");
}

std::optional<std::string> fieldOf(const Fields& fields, std::string_view name) {
  const auto it = fields.find(name);
  if (it == fields.end()) return std::nullopt;
  return it->second;
}

}  // namespace wind::http
