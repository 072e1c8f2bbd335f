#include "feed/format.hpp"

#include <array>
#include <utility>

namespace feed {
namespace {
constexpr std::array<std::pair<Format, std::string_view>, 4> kFormatNames{{
    {Format::kItch50BinaryFile, "itch"},
    {Format::kIexTpPcap, "pcap"},
    {Format::kTimestampedLines, "lines"},
    {Format::kFeedRecording, "recording"},
}};
constexpr std::array<std::pair<PayloadKind, std::string_view>, 4> kPayloadKindNames{{
    {PayloadKind::kOpaque, "opaque"},
    {PayloadKind::kItch50, "itch"},
    {PayloadKind::kIexTops16, "tops"},
    {PayloadKind::kIexDeep10, "deep"},
}};
}  // namespace

std::string_view FormatName(Format format) noexcept {
  for (const auto& [value, name] : kFormatNames) {
    if (value == format) return name;
  }
  return "unknown";
}

std::optional<Format> ParseFormat(std::string_view name) noexcept {
  for (const auto& [value, known] : kFormatNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::string_view PayloadKindName(PayloadKind kind) noexcept {
  for (const auto& [value, name] : kPayloadKindNames) {
    if (value == kind) return name;
  }
  return "unknown";
}

std::optional<PayloadKind> ParsePayloadKind(std::string_view name) noexcept {
  for (const auto& [value, known] : kPayloadKindNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

}  // namespace feed
