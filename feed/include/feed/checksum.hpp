// The one checksum of the project (XXH3, 64 bits) and the stream digest built
// on it. The publisher puts Checksum(payload) in every envelope and the final
// StreamDigest in the end-of-stream record; the subscriber recomputes both.
#pragma once

#include <cstddef>
#include <cstdint>
#include <span>

// Inline XXH3 into the callers: the per-message checksum is on the hot path
// of both publisher and subscriber. XXH_INLINE_ALL renames the symbols, so this
// coexists with translation units that use the linked libxxhash.
#ifndef XXH_INLINE_ALL
#define XXH_INLINE_ALL
#endif
#include <xxhash.h>

namespace feed {

// XXH3_64bits with the default (zero) seed.
inline std::uint64_t Checksum(std::span<const std::byte> bytes) noexcept {
  return XXH3_64bits(bytes.data(), bytes.size());
}

// A digest over every payload of a stream, in order. Each message contributes
// its checksum and its size, chained through the seed of the next hash, so the
// digest changes if a payload changes, if messages are reordered, dropped or
// duplicated, or if the bytes are split differently between messages.
// Adding a message costs one 16-byte hash on top of its checksum, which both
// sides compute anyway (AddChecksum avoids hashing the payload twice).
class StreamDigest {
 public:
  void Add(std::span<const std::byte> payload) noexcept {
    AddChecksum(Checksum(payload), payload.size());
  }

  // For callers that already computed Checksum(payload).
  void AddChecksum(std::uint64_t payload_checksum, std::size_t payload_size) noexcept {
    // Host byte order: publisher and subscriber share one machine's memory.
    const std::uint64_t link[2] = {payload_checksum, static_cast<std::uint64_t>(payload_size)};
    state_ = XXH3_64bits_withSeed(link, sizeof(link), state_);
    ++message_count_;
  }

  std::uint64_t value() const noexcept { return state_; }
  std::uint64_t message_count() const noexcept { return message_count_; }

 private:
  // Arbitrary non-zero start, so an empty stream's digest is not the
  // default-constructed zero of some other variable.
  static constexpr std::uint64_t kInitialState = 0x6665'6564'5f64'6967ULL;  // "feed_dig"
  std::uint64_t state_ = kInitialState;
  std::uint64_t message_count_ = 0;
};

}  // namespace feed
