#include "session/wire_metrics.h"

#include <mutex>

namespace wind::session {
namespace {

// The value of the first string member `"key":"…"` or number `"key":…` of a
// frame made by dispatch::makeFrame (no whitespace, type first).
std::string_view memberText(std::string_view frame, std::string_view key, bool quoted) {
  std::string pattern = "\"" + std::string(key) + "\":";
  if (quoted) pattern += '"';
  const auto start = frame.find(pattern);
  if (start == std::string_view::npos) return {};
  const auto from = start + pattern.size();
  const auto end = quoted ? frame.find('"', from) : frame.find_first_not_of("0123456789", from);
  if (end == std::string_view::npos) return {};
  return frame.substr(from, end - from);
}

}  // namespace

WireMetrics::WireMetrics(metrics::Registry& registry) : registry_(registry) {}

void WireMetrics::count(Family& family, std::string_view name, std::string_view help,
                        std::string_view label, std::string_view value) noexcept {
  try {
    {
      std::shared_lock lock(mutex_);
      const auto it = family.find(value);
      if (it != family.end()) {
        it->second->add();
        return;
      }
    }
    std::unique_lock lock(mutex_);
    const std::string key = family.size() < kMaxLabels ? std::string(value) : std::string("other");
    auto& counter = family[key];
    if (counter == nullptr) counter = &registry_.counter(name, help, {{std::string(label), key}});
    counter->add();
  } catch (...) {
    // Out of memory: one count is lost, the traffic goes on.
  }
}

void WireMetrics::frameIn(std::string_view type, bool known) noexcept {
  count(in_, "wind_frames_in_total", "WebSocket frames received, by type.", "type",
        known ? type : "unknown");
}

void WireMetrics::frameOut(std::string_view frame) noexcept {
  const std::string_view type = memberText(frame, "type", true);
  count(out_, "wind_frames_out_total", "WebSocket frames sent, by type.", "type",
        type.empty() ? "unknown" : type);
  if (type == "error") {
    const std::string_view code = memberText(frame, "code", false);
    count(errors_, "wind_errors_total", "Error frames sent, by code.", "code",
          code.empty() ? "unknown" : code);
  }
}

void WireMetrics::closed(std::uint16_t code) noexcept {
  count(closes_, "wind_closes_total", "Connections the server closed, by close code.", "code",
        std::to_string(code));
}

}  // namespace wind::session
