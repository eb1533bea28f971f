#include "http/static_files.h"

#include <Poco/DigestEngine.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/SHA1Engine.h>
#include <Poco/String.h>

#include <fstream>
#include <sstream>
#include <system_error>
#include <utility>
#include <vector>

namespace wind::http {
namespace {

namespace fs = std::filesystem;

const std::string kStaticPrefix = "/static/";
const std::string kVersionMark = "@VERSION@";
const std::string kIndex = "index.html";
const std::string kImmutable = "public, max-age=31536000, immutable";
const std::string kRevalidate = "no-cache";

std::string sha1Hex(const std::string& text) {
  Poco::SHA1Engine engine;
  engine.update(text);
  return Poco::DigestEngine::digestToHex(engine.digest());
}

std::string readAll(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream out;
  out << in.rdbuf();
  return out.str();
}

bool hidden(const fs::path& relative) {
  for (const auto& part : relative) {
    if (part.string().starts_with('.')) return true;
  }
  return false;
}

}  // namespace

std::string contentTypeFor(const std::string& fileName) {
  static const std::map<std::string, std::string> kTypes = {
      {".html", "text/html; charset=utf-8"},
      {".js", "text/javascript; charset=utf-8"},
      {".mjs", "text/javascript; charset=utf-8"},
      {".css", "text/css; charset=utf-8"},
      {".json", "application/json"},
      {".webmanifest", "application/manifest+json"},
      {".svg", "image/svg+xml"},
      {".png", "image/png"},
      {".ico", "image/x-icon"},
      {".woff2", "font/woff2"},
      {".txt", "text/plain; charset=utf-8"},
  };
  const auto found = kTypes.find(Poco::toLower(fs::path(fileName).extension().string()));
  return found == kTypes.end() ? "application/octet-stream" : found->second;
}

void setWebSecurityHeaders(Poco::Net::HTTPServerResponse& response) {
  response.set("Content-Security-Policy",
               "default-src 'self'; connect-src 'self' ws: wss:; img-src 'self' data:; "
               "style-src 'self'; script-src 'self'; frame-ancestors 'none'; "
               "base-uri 'none'; form-action 'self'");
  response.set("X-Content-Type-Options", "nosniff");
  response.set("X-Frame-Options", "DENY");
  response.set("Referrer-Policy", "no-referrer");
}

StaticFiles::StaticFiles(const fs::path& root, Poco::Logger& logger) {
  load(root, logger);
  // The version covers every file, so it changes whenever any asset does.
  std::string all;
  for (const auto& [name, file] : files_) all += name + '\n' + file.etag + '\n';
  version_ = sha1Hex(all).substr(0, 16);
  const auto index = files_.find(kIndex);
  if (index == files_.end()) {
    logger.warning("http: no %s in web root %s; / serves the plain start page", kIndex,
                   root.string());
    return;
  }
  Poco::replaceInPlace(index->second.body, kVersionMark, version_);
  index->second.etag = '"' + sha1Hex(index->second.body) + '"';
  logger.information("http: web client: %z files from %s, version %s", files_.size(), root.string(),
                     version_);
}

void StaticFiles::load(const fs::path& root, Poco::Logger& logger) {
  std::error_code error;
  fs::recursive_directory_iterator it(root, error);
  std::size_t bytes = 0;
  for (; !error && it != fs::recursive_directory_iterator(); it.increment(error)) {
    const auto status = it->symlink_status(error);
    if (error || !fs::is_regular_file(status)) continue;
    const auto relative = it->path().lexically_relative(root);
    if (hidden(relative)) continue;
    if (files_.size() == kMaxFiles || bytes + it->file_size(error) > kMaxBytes) {
      logger.error("http: web root %s holds more than %z files or %z bytes; the rest is not served",
                   root.string(), kMaxFiles, kMaxBytes);
      return;
    }
    File file{contentTypeFor(relative.string()), readAll(it->path()), {}};
    bytes += file.body.size();
    file.etag = '"' + sha1Hex(file.body) + '"';
    files_.emplace(relative.generic_string(), std::move(file));
  }
  if (error) logger.warning("http: web root %s: %s", root.string(), error.message());
}

bool StaticFiles::owns(const std::string& path) {
  return path == "/" || path.starts_with(kStaticPrefix);
}

bool StaticFiles::serve(const std::string& path, const Poco::Net::HTTPServerRequest& request,
                        Poco::Net::HTTPServerResponse& response) const {
  if (path == "/") {
    const auto index = files_.find(kIndex);
    if (index == files_.end()) return false;
    send(index->second, kRevalidate, request, response);
    return true;
  }
  if (!path.starts_with(kStaticPrefix)) return false;
  // "/static/<version>/<name>" → "static/<name>"
  const auto rest = path.substr(kStaticPrefix.size());
  const auto slash = rest.find('/');
  if (slash == std::string::npos) return false;
  const auto file = files_.find("static/" + rest.substr(slash + 1));
  if (file == files_.end()) return false;
  const bool current = rest.substr(0, slash) == version_;
  send(file->second, current ? kImmutable : kRevalidate, request, response);
  return true;
}

void StaticFiles::send(const File& file, const std::string& cacheControl,
                       const Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) const {
  setWebSecurityHeaders(response);
  response.set("Cache-Control", cacheControl);
  response.set("ETag", file.etag);
  if (request.get("If-None-Match", "") == file.etag) {
    response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_MODIFIED);
    response.setContentLength(0);
    response.send();
    return;
  }
  response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_OK);
  response.setContentType(file.contentType);
  response.setContentLength(static_cast<std::streamsize>(file.body.size()));
  response.send() << file.body;
}

}  // namespace wind::http
