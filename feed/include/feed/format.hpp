// Names shared by every part of the feed library: what a recording file is
// (its container format) and what its payloads are (the protocol the
// subscriber decodes).
#pragma once

#include <cstdint>
#include <optional>
#include <string_view>

namespace feed {

// The container a recording file uses.
enum class Format : std::uint8_t {
  kItch50BinaryFile = 1,  // NASDAQ TotalView-ITCH 5.0 "BinaryFILE": u16 big-endian length + message
  kIexTpPcap = 2,         // pcap capture of IEX-TP over UDP (TOPS 1.6 or DEEP 1.0)
  kTimestampedLines = 3,  // "<nanoseconds> <payload>\n" per message
  kFeedRecording = 4,     // the project's own binary recording format (docs/recording-format.md)
};

// What the payloads are, so the subscriber knows how to decode them.
enum class PayloadKind : std::uint8_t {
  kOpaque = 0,     // counted and checksummed, not decoded
  kItch50 = 1,     // one ITCH 5.0 message (type letter first)
  kIexTops16 = 2,  // one IEX TOPS 1.6 message (type byte first)
  kIexDeep10 = 3,  // one IEX DEEP 1.0 message (type byte first)
};

// Lower-case names used in YAML, on the command line and in JSON output:
// "itch", "pcap", "lines", "recording" / "opaque", "itch", "tops", "deep".
std::string_view FormatName(Format format) noexcept;
std::optional<Format> ParseFormat(std::string_view name) noexcept;
std::string_view PayloadKindName(PayloadKind kind) noexcept;
std::optional<PayloadKind> ParsePayloadKind(std::string_view name) noexcept;

}  // namespace feed
