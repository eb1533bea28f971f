// libFuzzer target: the WebSocket frame decoder (core/gateway/codec.h) fed a
// client byte stream cut into chunks at fuzzer-chosen points, as read()
// would deliver it. Checks the codec's promises: delivered text is valid
// UTF-8 within the size limit, and nothing is delivered after a close or a
// protocol error.
#include <fuzzer/FuzzedDataProvider.h>

#include <cstdlib>
#include <string>
#include <vector>

#include "gateway/codec.h"

namespace {

using wind::gateway::Codec;

constexpr std::size_t kMaxMessage = 4096;

class CheckingEvents final : public wind::gateway::CodecEvents {
 public:
  void onText(std::string_view message) override {
    live();
    if (message.size() > kMaxMessage || !wind::gateway::isValidUtf8(message)) std::abort();
  }
  void onBinary(std::string_view message) override {
    live();
    if (message.size() > kMaxMessage) std::abort();
  }
  void onPing(std::string_view payload) override {
    live();
    if (payload.size() > 125) std::abort();
  }
  void onPong(std::string_view payload) override {
    live();
    if (payload.size() > 125) std::abort();
  }
  void onClose(std::uint16_t, std::string_view reason) override {
    live();
    if (reason.size() > 123 || !wind::gateway::isValidUtf8(reason)) std::abort();
    ended_ = true;
  }
  void onProtocolError(std::uint16_t code, std::string_view) override {
    live();
    if (code != 1002 && code != 1007 && code != 1009) std::abort();
    ended_ = true;
  }

 private:
  void live() const {
    if (ended_) std::abort();
  }
  bool ended_ = false;
};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  FuzzedDataProvider input(data, size);
  // The first bytes choose the chunk sizes; the rest is the stream.
  std::vector<std::size_t> cuts;
  const std::size_t cutCount = input.ConsumeIntegralInRange<std::size_t>(0, 16);
  for (std::size_t i = 0; i < cutCount; ++i)
    cuts.push_back(input.ConsumeIntegralInRange<std::size_t>(1, 64));
  std::string stream = input.ConsumeRemainingBytesAsString();

  Codec codec(kMaxMessage);
  CheckingEvents events;
  std::size_t at = 0;
  for (std::size_t i = 0; at < stream.size(); ++i) {
    const std::size_t chunk =
        cuts.empty() ? stream.size() : std::min(cuts[i % cuts.size()], stream.size() - at);
    // A fresh copy per chunk: the codec may keep views only during feed().
    std::string piece = stream.substr(at, chunk);
    codec.feed(piece.data(), piece.size(), events);
    at += chunk;
  }
  return 0;
}
