// Recorded feeds, read one record at a time from a file in constant memory
// (each reader streams the file through a fixed buffer, whatever its size),
// and the project's own recording format with its writer.
//
// Formats (feed/format.hpp):
//   kItch50BinaryFile  NASDAQ TotalView-ITCH 5.0 BinaryFILE (u16 big-endian length + message)
//   kIexTpPcap         pcap / pcapng capture of IEX-TP over Ethernet/IPv4/UDP (TOPS 1.6, DEEP 1.0)
//   kTimestampedLines  "<nanoseconds> <payload>\n" per message
//   kFeedRecording     the project's own format, docs/recording-format.md
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>

#include "feed/format.hpp"

namespace feed {

// Largest payload a recording may hold: the own format's u16 length field.
// (What fits in one ring message after the envelope is smaller:
// kMaxPayloadBytes in envelope.hpp.)
inline constexpr std::size_t kMaxRecordPayloadBytes = 65'535;

struct Record {  // valid until the next call to Next() or Rewind()
  std::span<const std::byte> payload;
  std::uint64_t timestamp_ns = 0;  // as recorded (ITCH: ns since midnight; IEX: send time ns since
                                   // the epoch; lines and own format: as in the file)
  std::uint64_t index = 0;         // 1-based record number in the file
  std::uint64_t offset_bytes = 0;  // byte offset in the file of the record (ITCH: of its length
                                   // prefix; pcap: of the packet record; lines: of the line start)
};

struct InputError {
  std::string file;
  std::uint64_t record_index = 0;  // 1-based; counts what `unit` names (0: the file as a whole)
  std::uint64_t offset_bytes = 0;
  std::string message;
  // What record_index counts: "record" (ITCH, own format), "line", "packet" (pcap).
  std::string_view unit = "record";

  // "demo.itch: record 17 at byte 4242: length 12 does not match ..."
  std::string ToString() const;
};

// Thrown when a file cannot be opened at all: unreadable, empty where that is
// not allowed, format not recognised, bad own-format header.
class InputFileError : public std::runtime_error {
 public:
  explicit InputFileError(InputError error);
  const InputError& error() const noexcept { return error_; }

 private:
  InputError error_;
};

enum class ReadOutcome { kRecord, kEnd, kError };

class RecordingReader {
 public:
  virtual ~RecordingReader() = default;
  // After kError the reader continues with the next record where the framing
  // allows it (a bad line, an over-long line, a bad pcap packet, an ITCH
  // message too short for a timestamp); after a framing break (truncated file)
  // it returns kEnd next. Throws InputFileError only if reading the file
  // itself fails (an I/O error), never for its content.
  virtual ReadOutcome Next(Record& out, InputError& error) = 0;
  virtual void Rewind() = 0;  // back to the first record, for looping; may throw InputFileError
  virtual Format format() const = 0;
  // pcap: decided when the file is opened, by the first IEX-TP segment's
  // message protocol id (kOpaque if the capture has none).
  virtual PayloadKind payload_kind() const = 0;
  // Own format: the count in a cleanly closed file's header; others: nullopt.
  virtual std::optional<std::uint64_t> expected_count() const = 0;
  virtual std::uint64_t position_bytes() const = 0;  // for progress
  virtual std::uint64_t size_bytes() const = 0;
  // pcap: packets read so far, heartbeats and bad packets included (a packet
  // carries several records); other formats: 0.
  virtual std::uint64_t packets_read() const { return 0; }
};

// Recognises a file by its first bytes where that is unambiguous: pcap /
// pcapng magic, the own format's magic, ITCH 5.0 (a chain of length prefixes
// each matching its type letter's spec length), timestamped lines (digits then
// a space). On failure returns nullopt and, if why_not is given, says why.
std::optional<Format> DetectFormat(const std::string& path, std::string* why_not = nullptr);

// Opens a reader; format nullopt means DetectFormat. Throws InputFileError.
std::unique_ptr<RecordingReader> OpenRecording(const std::string& path,
                                               std::optional<Format> format);

// The own format (docs/recording-format.md). All integers little-endian.
namespace recording_format {
inline constexpr std::array<char, 8> kMagic{'F', 'E', 'E', 'D', 'R', 'E', 'C', '\n'};
inline constexpr std::uint16_t kVersion = 1;
inline constexpr std::size_t kHeaderBytes = 32;
inline constexpr std::size_t kRecordHeaderBytes = 10;  // u64 timestamp_ns + u16 length
inline constexpr std::uint16_t kFlagCountFinal = 0x0001;  // record_count is exact (closed cleanly)
// Header field offsets.
inline constexpr std::size_t kMagicOffset = 0;
inline constexpr std::size_t kVersionOffset = 8;
inline constexpr std::size_t kHeaderBytesOffset = 10;
inline constexpr std::size_t kPayloadKindOffset = 12;
inline constexpr std::size_t kFlagsOffset = 14;
inline constexpr std::size_t kRecordCountOffset = 16;
}  // namespace recording_format

// Writes the own format. The header is written first with flags 0 and count
// 0; Close() sets the count and kFlagCountFinal, so a file whose writer died
// is still readable up to its last complete record.
class RecordingWriter {
 public:
  RecordingWriter(const std::string& path, PayloadKind kind);  // throws InputFileError
  RecordingWriter(const RecordingWriter&) = delete;
  RecordingWriter& operator=(const RecordingWriter&) = delete;
  ~RecordingWriter();  // closes if still open; errors there are swallowed: call Close()

  // Throws std::invalid_argument for a payload over kMaxRecordPayloadBytes,
  // std::runtime_error on a write error or after Close().
  void Append(std::uint64_t timestamp_ns, std::span<const std::byte> payload);
  void Close();  // finalizes the header; throws std::runtime_error on a write error

  std::uint64_t record_count() const noexcept { return record_count_; }
  std::uint64_t bytes_written() const noexcept { return bytes_written_; }

 private:
  std::string path_;
  std::FILE* file_ = nullptr;
  std::uint64_t record_count_ = 0;
  std::uint64_t bytes_written_ = 0;
};

}  // namespace feed
