// Cold part of payload decoding: names and report lines.
#include "feed/decode.hpp"

#include <algorithm>

#include <fmt/format.h>

namespace feed {

std::string_view MessageTypeName(PayloadKind kind, std::uint8_t type) noexcept {
  switch (kind) {
    case PayloadKind::kItch50:
      return itch::MessageName(static_cast<char>(type));
    case PayloadKind::kIexTops16:
    case PayloadKind::kIexDeep10:
      return iex::MessageName(kind, type);
    case PayloadKind::kOpaque:
    default:
      return {};
  }
}

std::string_view ProtocolName(PayloadKind kind) noexcept {
  switch (kind) {
    case PayloadKind::kItch50: return "ITCH 5.0";
    case PayloadKind::kIexTops16: return "IEX TOPS 1.6";
    case PayloadKind::kIexDeep10: return "IEX DEEP 1.0";
    case PayloadKind::kOpaque:
    default: return "opaque";
  }
}

namespace {

// 'A' for printable type bytes, 0x07 otherwise, so a report never prints control bytes.
std::string TypeLabel(std::uint8_t type) {
  if (type >= 0x20 && type < 0x7f) return fmt::format("'{}'", static_cast<char>(type));
  return fmt::format("0x{:02x}", type);
}

}  // namespace

std::string DescribeDecodeResult(PayloadKind kind, const DecodeResult& result) {
  const std::string_view protocol = ProtocolName(kind);
  switch (result.status) {
    case DecodeStatus::kOk:
      return fmt::format("{} message type {} ({}): {} bytes, ok", protocol,
                         TypeLabel(result.type), MessageTypeName(kind, result.type),
                         result.actual_length);
    case DecodeStatus::kEmpty:
      return fmt::format("{} message is empty (0 bytes): expected at least a type byte", protocol);
    case DecodeStatus::kUnknownType:
      return fmt::format("{} message type {} is not in the specification ({} bytes)", protocol,
                         TypeLabel(result.type), result.actual_length);
    case DecodeStatus::kWrongLength:
      return fmt::format("{} message type {} ({}): {} bytes, expected {}", protocol,
                         TypeLabel(result.type), MessageTypeName(kind, result.type),
                         result.actual_length, result.expected_length);
  }
  return fmt::format("{} message: unknown decode status {}", protocol,
                     static_cast<int>(result.status));
}

std::vector<TypeCount> TypeCounts(PayloadKind kind, const MessageCounter& counter) {
  std::vector<TypeCount> counts;
  for (std::size_t type = 0; type < counter.type_counts().size(); ++type) {
    const std::uint64_t count = counter.type_counts()[type];
    if (count == 0) continue;
    const auto type_byte = static_cast<std::uint8_t>(type);
    counts.push_back(TypeCount{type_byte, MessageTypeName(kind, type_byte), count});
  }
  std::stable_sort(counts.begin(), counts.end(),
                   [](const TypeCount& a, const TypeCount& b) { return a.count > b.count; });
  return counts;
}

}  // namespace feed
