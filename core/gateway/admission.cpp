#include "gateway/admission.h"

#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>

namespace wind::gateway {
namespace {

bool sameOrigin(std::string_view a, std::string_view b) {
  return Poco::icompare(std::string(a), std::string(b)) == 0;
}

// "scheme://host[:port]" of an absolute URL, or empty.
std::string originOf(std::string_view url) {
  try {
    const Poco::URI uri{std::string(url)};
    if (uri.getScheme().empty() || uri.getHost().empty()) return {};
    std::string out = uri.getScheme() + "://" + uri.getAuthority();
    return out;
  } catch (const Poco::Exception&) {
    return {};
  }
}

}  // namespace

bool AddressSlots::tryAcquire(const std::string& address) {
  std::lock_guard lock(mutex_);
  std::size_t& count = held_[address];
  if (count >= perAddress_) {
    if (count == 0) held_.erase(address);
    return false;
  }
  ++count;
  return true;
}

void AddressSlots::release(const std::string& address) noexcept {
  std::lock_guard lock(mutex_);
  auto it = held_.find(address);
  if (it == held_.end()) return;
  if (--it->second == 0) held_.erase(it);
}

std::size_t AddressSlots::held(const std::string& address) const {
  std::lock_guard lock(mutex_);
  auto it = held_.find(address);
  return it == held_.end() ? 0 : it->second;
}

std::string hostOf(const std::string& peer) {
  try {
    return Poco::Net::SocketAddress(peer).host().toString();
  } catch (const Poco::Exception&) {
    return peer;
  }
}

bool originAllowed(std::string_view origin, std::string_view host, std::string_view publicUrl,
                   const std::vector<std::string>& allowed) {
  if (origin.empty()) return true;
  if (!allowed.empty()) {
    return std::any_of(allowed.begin(), allowed.end(), [origin](const std::string& entry) {
      return entry == "*" || sameOrigin(entry, origin);
    });
  }
  if (!host.empty()) {
    const std::string own(host);
    if (sameOrigin(origin, "http://" + own) || sameOrigin(origin, "https://" + own)) return true;
  }
  const std::string pub = originOf(publicUrl);
  return !pub.empty() && sameOrigin(origin, pub);
}

}  // namespace wind::gateway
