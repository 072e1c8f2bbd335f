// What every payload decoder shares: the decode status, explicit byte-order
// loads, and MessageCounter, which dispatches a payload to the decoder of its
// PayloadKind, counts it by message type and flags malformed messages.
//
// Hot path: everything here is inline, allocation-free and without virtual
// calls. Names and reports (cold) are in decode.cpp.
//
// Include order: itch.hpp and iex.hpp include this header for DecodeResult and
// the byte loads; this header includes them at its end so that including
// decode.hpp alone gives everything. MessageCounter only needs the two
// protocol entry points declared below, not their definitions, which is what
// lets the headers be included in any order.
#pragma once

#include <array>
#include <bit>
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

enum class DecodeStatus : std::uint8_t {
  kOk = 0,
  kEmpty = 1,        // zero-length payload: there is not even a type byte
  kUnknownType = 2,  // the type byte names no message of the protocol
  kWrongLength = 3,  // known type, but the payload length is not the specified one
};

// Outcome of decoding one message. For kWrongLength, expected_length is the
// specification's length for `type` and actual_length the payload's length.
struct DecodeResult {
  DecodeStatus status = DecodeStatus::kEmpty;
  std::uint8_t type = 0;             // first byte of the payload (0 when empty)
  std::uint16_t expected_length = 0;  // 0 when the type is unknown
  std::size_t actual_length = 0;

  [[nodiscard]] constexpr bool ok() const noexcept { return status == DecodeStatus::kOk; }
  friend constexpr bool operator==(const DecodeResult&, const DecodeResult&) = default;
};


// Mixes one decoded field into a running 64-bit value (FNV-1a-style multiply),
// so that decoding is observable and cannot be optimized away.
constexpr std::uint64_t FoldField(std::uint64_t fold, std::uint64_t field) noexcept {
  return (fold ^ field) * 0x100000001b3ULL;
}

// Protocol entry points used by MessageCounter: decode one message and fold a
// few of its fields (timestamp, price, size, reference) into `fold`.
// Defined in itch.hpp / iex.hpp.
namespace itch {
inline DecodeResult DecodeAndFold(std::span<const std::byte> message, std::uint64_t& fold) noexcept;
}
namespace iex {
inline DecodeResult DecodeAndFold(PayloadKind kind, std::span<const std::byte> message,
                                  std::uint64_t& fold) noexcept;
}

// A malformed message and its position among the payloads given to Decode.
struct MalformedMessage {
  std::uint64_t message_number = 0;  // 0-based count of Decode calls before it
  DecodeResult result;
};

// Per-type counts of decoded messages for one stream of payloads.
class MessageCounter {
 public:
  // Decodes `payload` as `kind`, counts it and returns what happened.
  // kOpaque payloads are counted (messages(), opaque()) but not decoded.
  DecodeResult Decode(PayloadKind kind, std::span<const std::byte> payload) noexcept {
    const std::uint64_t message_number = messages_++;
    DecodeResult result;
    switch (kind) {
      case PayloadKind::kItch50:
        result = itch::DecodeAndFold(payload, fold_);
        break;
      case PayloadKind::kIexTops16:
      case PayloadKind::kIexDeep10:
        result = iex::DecodeAndFold(kind, payload, fold_);
        break;
      case PayloadKind::kOpaque:
      default:
        ++opaque_;
        return DecodeResult{DecodeStatus::kOk, 0, 0, payload.size()};
    }
    switch (result.status) {
      case DecodeStatus::kOk:
        ++type_counts_[result.type];
        return result;
      case DecodeStatus::kEmpty:
        ++empty_;
        break;
      case DecodeStatus::kUnknownType:
        ++unknown_type_;
        break;
      case DecodeStatus::kWrongLength:
        ++wrong_length_;
        break;
    }
    if (!first_malformed_) first_malformed_ = MalformedMessage{message_number, result};
    return result;
  }

  // Correctly decoded messages whose type byte is `type`.
  [[nodiscard]] std::uint64_t count(std::uint8_t type) const noexcept { return type_counts_[type]; }
  [[nodiscard]] std::uint64_t count(char type) const noexcept {
    return type_counts_[static_cast<unsigned char>(type)];
  }
  [[nodiscard]] const std::array<std::uint64_t, 256>& type_counts() const noexcept {
    return type_counts_;
  }

  [[nodiscard]] std::uint64_t messages() const noexcept { return messages_; }
  [[nodiscard]] std::uint64_t decoded() const noexcept {
    return messages_ - opaque_ - malformed();
  }
  [[nodiscard]] std::uint64_t opaque() const noexcept { return opaque_; }
  [[nodiscard]] std::uint64_t empty() const noexcept { return empty_; }
  [[nodiscard]] std::uint64_t unknown_type() const noexcept { return unknown_type_; }
  [[nodiscard]] std::uint64_t wrong_length() const noexcept { return wrong_length_; }
  [[nodiscard]] std::uint64_t malformed() const noexcept {
    return empty_ + unknown_type_ + wrong_length_;
  }
  // The first malformed message seen, for the error report.
  [[nodiscard]] const std::optional<MalformedMessage>& first_malformed() const noexcept {
    return first_malformed_;
  }
  // Running fold of decoded fields (timestamps, prices, sizes, references).
  [[nodiscard]] std::uint64_t decoded_fields_fold() const noexcept { return fold_; }

 private:
  std::array<std::uint64_t, 256> type_counts_{};
  std::uint64_t messages_ = 0;
  std::uint64_t opaque_ = 0;
  std::uint64_t empty_ = 0;
  std::uint64_t unknown_type_ = 0;
  std::uint64_t wrong_length_ = 0;
  std::uint64_t fold_ = 0xcbf29ce484222325ULL;  // FNV offset basis: a fold of nothing
  std::optional<MalformedMessage> first_malformed_;
};

// ---- Cold: names and reports (decode.cpp) ----

// The specification's name of a message type, e.g. ITCH 'A' -> "Add Order",
// TOPS 'Q' -> "Quote Update", DEEP '8' -> "Price Level Update (Buy)".
// Empty for a type the protocol does not define, and for kOpaque.
std::string_view MessageTypeName(PayloadKind kind, std::uint8_t type) noexcept;

// The protocol's printable name: "ITCH 5.0", "IEX TOPS 1.6", "IEX DEEP 1.0", "opaque".
std::string_view ProtocolName(PayloadKind kind) noexcept;

// One line for an error report, e.g.
// "ITCH 5.0 message type 'A' (Add Order): 35 bytes, expected 36".
std::string DescribeDecodeResult(PayloadKind kind, const DecodeResult& result);

struct TypeCount {
  std::uint8_t type = 0;
  std::string_view name;  // MessageTypeName(kind, type)
  std::uint64_t count = 0;
};

// Non-zero per-type counts, largest first (ties by type byte), for reports.
std::vector<TypeCount> TypeCounts(PayloadKind kind, const MessageCounter& counter);

}  // namespace feed

#include "feed/iex.hpp"   // IWYU pragma: export
#include "feed/itch.hpp"  // IWYU pragma: export
