#pragma once
// The bundled web client (PROTOCOL.md §2 `GET /`): the files under
// server.web_root, read into memory once at startup. Serving only what was
// read there, looked up by exact relative path, is what keeps every request
// inside the web root (no path from a request ever reaches the file system);
// it also means a changed file is served after a restart.
//
// URLs: `/` is index.html; `/static/<version>/<path>` is web_root/static/<path>.
// <version> is a hash of every file, written into index.html where it says
// @VERSION@, so an asset under the current version never changes and is
// cached for a year, while index.html is revalidated on every load. ES
// modules import each other by relative URL and so inherit the version.
// An asset asked for under another version (a page from before an upgrade)
// gets the current file, not cached.

#include <Poco/Logger.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <cstddef>
#include <filesystem>
#include <map>
#include <string>

namespace wind::http {

class StaticFiles {
 public:
  // Reads every regular file under `root` (symbolic links and names starting
  // with '.' are skipped; at most kMaxFiles files and kMaxBytes bytes).
  // A missing or unreadable root leaves it empty and logs a warning.
  // Called once, from the main thread, before the HTTP server starts.
  StaticFiles(const std::filesystem::path& root, Poco::Logger& logger);

  // True when `path` is one of the URLs above (the caller answers 404 when
  // the file does not exist, 405 for a method other than GET).
  static bool owns(const std::string& path);

  // Any HTTP pool thread (const, shared without locks). Sends the file for
  // `path` and returns true, or returns false without sending anything when
  // there is no such file.
  bool serve(const std::string& path, const Poco::Net::HTTPServerRequest& request,
             Poco::Net::HTTPServerResponse& response) const;

  const std::string& version() const { return version_; }
  std::size_t fileCount() const { return files_.size(); }

  static constexpr std::size_t kMaxFiles = 1000;
  static constexpr std::size_t kMaxBytes = 64u << 20;

 private:
  struct File {
    std::string contentType;
    std::string body;
    std::string etag;  // quoted, from a hash of the body
  };

  void load(const std::filesystem::path& root, Poco::Logger& logger);
  void send(const File& file, const std::string& cacheControl,
            const Poco::Net::HTTPServerRequest& request,
            Poco::Net::HTTPServerResponse& response) const;

  std::map<std::string, File> files_;  // key: path relative to the root, '/'-separated
  std::string version_;
};

// The headers every web client response carries: a Content-Security-Policy
// that allows only the server's own origin (and its WebSocket), nosniff,
// no framing, no referrer.
void setWebSecurityHeaders(Poco::Net::HTTPServerResponse& response);

// "text/javascript; charset=utf-8" for "app.js"; application/octet-stream
// for an unknown extension.
std::string contentTypeFor(const std::string& fileName);

}  // namespace wind::http
