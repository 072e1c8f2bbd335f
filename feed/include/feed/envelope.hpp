// The envelope in front of every ring message, and the bodies of the two
// control messages (start-of-stream, end-of-stream). With it a subscriber can
// prove end to end: no gap (sequence), no corruption (checksum), same count and
// same digest as the publisher (end-of-stream). Wire format: docs/config.md,
// "Ring message format".
//
// Sequence numbers: every message the publisher writes takes the next number,
// starting at 0 for start-of-stream; data messages are 1..N and end-of-stream
// is N+1. A subscriber detects a gap with one comparison, whatever the kind.
#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "feed/format.hpp"
#include "feed/wire.hpp"

namespace feed {

enum class MessageKind : std::uint8_t {
  kData = 1,           // a recorded payload
  kStartOfStream = 2,  // body: StartOfStream
  kEndOfStream = 3,    // body: EndOfStream
};

// Fixed 32-byte little-endian wire layout:
//   0 sequence u64 | 8 publish_time_ns u64 | 16 payload_checksum u64 |
//   24 payload_size u32 | 28 kind u8 | 29 payload_kind u8 | 30 reserved u16 (0)
struct Envelope {
  std::uint64_t sequence = 0;
  // Publisher clock at write time (CLOCK_MONOTONIC: one machine), or 0 when
  // the message is not stamped: at top speed the publisher stamps only every
  // kTopSpeedStampEvery-th data message; subscribers sample latency on those.
  std::uint64_t publish_time_ns = 0;
  std::uint64_t payload_checksum = 0;  // Checksum(payload), for every kind
  std::uint32_t payload_size = 0;      // bytes after the envelope
  MessageKind kind = MessageKind::kData;
  PayloadKind payload_kind = PayloadKind::kOpaque;
  std::uint16_t reserved = 0;
};

inline constexpr std::size_t kEnvelopeBytes = 32;
// At top speed, data messages with sequence % kTopSpeedStampEvery == 1 carry
// a publish time (sequence 1 is the first data message); paced runs stamp all.
inline constexpr std::uint64_t kTopSpeedStampEvery = 64;
inline constexpr std::size_t kEnvelopeSequenceOffset = 0;
inline constexpr std::size_t kEnvelopePublishTimeOffset = 8;
inline constexpr std::size_t kEnvelopeChecksumOffset = 16;
inline constexpr std::size_t kEnvelopePayloadSizeOffset = 24;
inline constexpr std::size_t kEnvelopeKindOffset = 28;
inline constexpr std::size_t kEnvelopePayloadKindOffset = 29;
inline constexpr std::size_t kEnvelopeReservedOffset = 30;
static_assert(kEnvelopeReservedOffset + sizeof(std::uint16_t) == kEnvelopeBytes);
// The struct mirrors the wire layout (so a reader of one knows the other).
static_assert(sizeof(Envelope) == kEnvelopeBytes);
static_assert(offsetof(Envelope, sequence) == kEnvelopeSequenceOffset);
static_assert(offsetof(Envelope, publish_time_ns) == kEnvelopePublishTimeOffset);
static_assert(offsetof(Envelope, payload_checksum) == kEnvelopeChecksumOffset);
static_assert(offsetof(Envelope, payload_size) == kEnvelopePayloadSizeOffset);
static_assert(offsetof(Envelope, kind) == kEnvelopeKindOffset);
static_assert(offsetof(Envelope, payload_kind) == kEnvelopePayloadKindOffset);
static_assert(offsetof(Envelope, reserved) == kEnvelopeReservedOffset);

// The ring's message limit (ringlib: kMaxMessageBytes; smaller rings allow
// less, see ringlib::MaxMessageBytes(capacity)), and what is left for a payload.
inline constexpr std::size_t kMaxRingMessageBytes = 65'535;
inline constexpr std::size_t kMaxPayloadBytes = kMaxRingMessageBytes - kEnvelopeBytes;  // 65,503


// Writes the 32 envelope bytes to the front of `out` (which must hold them).
inline void EncodeEnvelope(const Envelope& envelope,
                           std::span<std::byte, kEnvelopeBytes> out) noexcept {
  std::byte* base = out.data();
  wire::StoreLittleEndian<std::uint64_t>(base + kEnvelopeSequenceOffset, envelope.sequence);
  wire::StoreLittleEndian<std::uint64_t>(base + kEnvelopePublishTimeOffset, envelope.publish_time_ns);
  wire::StoreLittleEndian<std::uint64_t>(base + kEnvelopeChecksumOffset, envelope.payload_checksum);
  wire::StoreLittleEndian<std::uint32_t>(base + kEnvelopePayloadSizeOffset, envelope.payload_size);
  wire::StoreLittleEndian<std::uint8_t>(base + kEnvelopeKindOffset, static_cast<std::uint8_t>(envelope.kind));
  wire::StoreLittleEndian<std::uint8_t>(base + kEnvelopePayloadKindOffset,
                              static_cast<std::uint8_t>(envelope.payload_kind));
  wire::StoreLittleEndian<std::uint16_t>(base + kEnvelopeReservedOffset, envelope.reserved);
}

// Envelope + payload into `out`; returns the message size, or 0 when `out` is
// too small or the payload exceeds kMaxPayloadBytes. envelope.payload_size is
// taken from `payload`, not from the caller's struct.
inline std::size_t EncodeMessage(Envelope envelope, std::span<const std::byte> payload,
                                 std::span<std::byte> out) noexcept {
  if (payload.size() > kMaxPayloadBytes || out.size() < kEnvelopeBytes + payload.size()) return 0;
  envelope.payload_size = static_cast<std::uint32_t>(payload.size());
  EncodeEnvelope(envelope, out.first<kEnvelopeBytes>());
  if (!payload.empty()) std::memcpy(out.data() + kEnvelopeBytes, payload.data(), payload.size());
  return kEnvelopeBytes + payload.size();
}

enum class EnvelopeError : std::uint8_t {
  kNone = 0,
  kTooShort,             // fewer than kEnvelopeBytes bytes
  kUnknownKind,          // kind is not a MessageKind
  kUnknownPayloadKind,   // payload_kind is not a PayloadKind
  kReservedNotZero,      // reserved bits set: not written by this version
  kPayloadSizeMismatch,  // payload_size != bytes after the envelope
};

std::string_view Describe(EnvelopeError error) noexcept;

struct DecodedMessage {
  EnvelopeError error = EnvelopeError::kNone;
  Envelope envelope;
  std::span<const std::byte> payload;  // points into the decoded buffer
  bool ok() const noexcept { return error == EnvelopeError::kNone; }
};

// Validates and splits one ring message. Never reads outside `message`.
inline DecodedMessage DecodeEnvelope(std::span<const std::byte> message) noexcept {
  DecodedMessage decoded;
  if (message.size() < kEnvelopeBytes) {
    decoded.error = EnvelopeError::kTooShort;
    return decoded;
  }
  const std::byte* base = message.data();
  Envelope& envelope = decoded.envelope;
  envelope.sequence = wire::LoadLittleEndian<std::uint64_t>(base + kEnvelopeSequenceOffset);
  envelope.publish_time_ns = wire::LoadLittleEndian<std::uint64_t>(base + kEnvelopePublishTimeOffset);
  envelope.payload_checksum = wire::LoadLittleEndian<std::uint64_t>(base + kEnvelopeChecksumOffset);
  envelope.payload_size = wire::LoadLittleEndian<std::uint32_t>(base + kEnvelopePayloadSizeOffset);
  const auto kind = wire::LoadLittleEndian<std::uint8_t>(base + kEnvelopeKindOffset);
  const auto payload_kind = wire::LoadLittleEndian<std::uint8_t>(base + kEnvelopePayloadKindOffset);
  envelope.reserved = wire::LoadLittleEndian<std::uint16_t>(base + kEnvelopeReservedOffset);
  if (kind < static_cast<std::uint8_t>(MessageKind::kData) ||
      kind > static_cast<std::uint8_t>(MessageKind::kEndOfStream)) {
    decoded.error = EnvelopeError::kUnknownKind;
    return decoded;
  }
  envelope.kind = static_cast<MessageKind>(kind);
  if (payload_kind > static_cast<std::uint8_t>(PayloadKind::kIexDeep10)) {
    decoded.error = EnvelopeError::kUnknownPayloadKind;
    return decoded;
  }
  envelope.payload_kind = static_cast<PayloadKind>(payload_kind);
  if (envelope.reserved != 0) {
    decoded.error = EnvelopeError::kReservedNotZero;
    return decoded;
  }
  if (envelope.payload_size != message.size() - kEnvelopeBytes) {
    decoded.error = EnvelopeError::kPayloadSizeMismatch;
    return decoded;
  }
  decoded.payload = message.subspan(kEnvelopeBytes);
  return decoded;
}

// ---- Control message bodies (cold path) ------------------------------------
// Layout: fixed little-endian fields, strings as u16 length + bytes. Each body
// starts with a u16 body version so a newer publisher is reported, not misread.
inline constexpr std::uint16_t kControlBodyVersion = 1;

// Body of the first message of a stream.
struct StartOfStream {
  std::string source_path;  // the recording being replayed
  Format format = Format::kFeedRecording;
  PayloadKind payload_kind = PayloadKind::kOpaque;
  std::uint64_t expected_messages =
      0;               // data messages to come; 0 = unknown (loops, windows, forever)
  std::string pacing;  // human-readable, e.g. "recorded x2", DescribePace()
  bool operator==(const StartOfStream&) const = default;
};

// Why the publisher ended the stream.
enum class EndReason : std::uint8_t {
  kCompleted = 1,    // input exhausted or a configured stop limit reached
  kInterrupted = 2,  // SIGINT/SIGTERM
  kInputError = 3,   // the input could not be read to the end; `detail` says why
};
std::string_view EndReasonName(
    EndReason reason) noexcept;  // "completed", "interrupted", "input_error"
std::optional<EndReason> ParseEndReason(std::string_view name) noexcept;

// Body of the last message of a stream.
struct EndOfStream {
  EndReason reason = EndReason::kCompleted;
  std::uint64_t message_count = 0;  // data messages published
  std::uint64_t payload_bytes = 0;  // sum of their payload sizes
  std::uint64_t digest = 0;         // StreamDigest over them
  std::string detail;               // free text, e.g. the input error message
  bool operator==(const EndOfStream&) const = default;
};

// Encoders throw std::length_error if the body would exceed kMaxPayloadBytes
// (a string longer than 65,535 bytes, or both strings together too long).
std::vector<std::byte> EncodeStartOfStream(const StartOfStream& body);
std::vector<std::byte> EncodeEndOfStream(const EndOfStream& body);

// Decoders never read past the end of `body`; on failure `value` is empty
// and `error` names the field and byte offset that did not fit.
template <typename Body>
struct BodyDecodeResult {
  std::optional<Body> value;
  std::string error;
  bool ok() const noexcept { return value.has_value(); }
};
BodyDecodeResult<StartOfStream> DecodeStartOfStream(std::span<const std::byte> body);
BodyDecodeResult<EndOfStream> DecodeEndOfStream(std::span<const std::byte> body);

}  // namespace feed
