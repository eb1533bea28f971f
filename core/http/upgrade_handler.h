#pragma once
// The HTTP server hands `GET /ws` to this, and knows nothing else about
// WebSockets or plugins. Implemented by core/gateway.

namespace Poco::Net {
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace wind::http {

class UpgradeHandler {
 public:
  virtual ~UpgradeHandler() = default;
  // Called on an HTTP pool thread. Either completes the handshake and takes
  // the socket away from the HTTP session (returning at once), or answers an
  // HTTP error itself (400, 426, 503 …).
  virtual void upgrade(Poco::Net::HTTPServerRequest& request,
                       Poco::Net::HTTPServerResponse& response) = 0;
};

}  // namespace wind::http
