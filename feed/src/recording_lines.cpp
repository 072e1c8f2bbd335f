// Timestamped lines: "<nanoseconds> <payload>\n" per message. The payload is
// every byte after the single space up to the newline (a trailing '\r' is
// dropped); a last line without a newline is complete. Record.index is the
// line number, so a bad line keeps the numbering of the file.
#include <algorithm>
#include <cstring>

#include <fmt/format.h>

#include "recording_internal.hpp"

namespace feed::detail {
namespace {

constexpr std::size_t kMaxDigits = 20;  // UINT64_MAX has 20 digits
// The longest valid line: digits, space, payload, '\r', '\n'.
constexpr std::size_t kMaxLineBytes = kMaxDigits + 1 + kMaxRecordPayloadBytes + 2;
constexpr std::size_t kBufferBytes = 1 << 20;
static_assert(kBufferBytes > kMaxLineBytes, "Peek must be able to hold a whole line");

class LinesReader final : public RecordingReader {
 public:
  explicit LinesReader(const std::string& path) : file_(path, kBufferBytes) {}

  ReadOutcome Next(Record& out, InputError& error) override {
    const std::uint64_t offset = file_.position_bytes();
    const std::span<const std::byte> window = file_.Peek(kMaxLineBytes);
    if (window.empty()) return ReadOutcome::kEnd;
    const std::uint64_t line_number = ++lines_seen_;

    const auto* newline = static_cast<const std::byte*>(
        std::memchr(window.data(), '\n', window.size()));
    if (newline == nullptr && window.size() == kMaxLineBytes) {
      const std::uint64_t line_bytes = SkipPastNewline();
      error = MakeError(file_.path(), line_number, offset,
                        fmt::format("line of {} bytes is too long: a payload may have at most "
                                    "{} bytes (a line at most {} with timestamp and newline)",
                                    line_bytes, kMaxRecordPayloadBytes, kMaxLineBytes),
                        "line");
      return ReadOutcome::kError;
    }
    // Without a newline this is the last line of the file, complete as it is.
    std::size_t line_bytes = newline == nullptr
                                 ? window.size()
                                 : static_cast<std::size_t>(newline - window.data());
    file_.Consume(newline == nullptr ? line_bytes : line_bytes + 1);
    if (line_bytes > 0 && window[line_bytes - 1] == std::byte{'\r'}) --line_bytes;
    const std::span<const std::byte> line = window.first(line_bytes);

    std::uint64_t timestamp_ns = 0;
    std::size_t digits = 0;
    bool overflow = false;
    while (digits < line.size() && line[digits] >= std::byte{'0'} &&
           line[digits] <= std::byte{'9'}) {
      const auto digit = std::to_integer<std::uint64_t>(line[digits]) - '0';
      if (timestamp_ns > (UINT64_MAX - digit) / 10) overflow = true;
      timestamp_ns = timestamp_ns * 10 + digit;
      ++digits;
    }
    if (digits == 0 || digits >= line.size() || line[digits] != std::byte{' '}) {
      error = MakeError(file_.path(), line_number, offset,
                        "line does not start with '<nanoseconds> ' (decimal digits then one space)",
                        "line");
      return ReadOutcome::kError;
    }
    if (overflow) {
      error = MakeError(file_.path(), line_number, offset,
                        "timestamp does not fit in 64 bits (nanoseconds)", "line");
      return ReadOutcome::kError;
    }
    const std::span<const std::byte> payload = line.subspan(digits + 1);
    if (payload.size() > kMaxRecordPayloadBytes) {
      error = MakeError(file_.path(), line_number, offset,
                        fmt::format("payload of {} bytes is over the {}-byte limit",
                                    payload.size(), kMaxRecordPayloadBytes),
                        "line");
      return ReadOutcome::kError;
    }
    out.payload = payload;
    out.timestamp_ns = timestamp_ns;
    out.index = line_number;
    out.offset_bytes = offset;
    return ReadOutcome::kRecord;
  }

  void Rewind() override {
    file_.Rewind();
    lines_seen_ = 0;
  }
  Format format() const override { return Format::kTimestampedLines; }
  PayloadKind payload_kind() const override { return PayloadKind::kOpaque; }
  std::optional<std::uint64_t> expected_count() const override { return std::nullopt; }
  std::uint64_t position_bytes() const override { return file_.position_bytes(); }
  std::uint64_t size_bytes() const override { return file_.size_bytes(); }

 private:
  // Consumes an over-long line through its newline (or the end of the file);
  // returns its length without the newline.
  std::uint64_t SkipPastNewline() {
    std::uint64_t skipped = 0;
    for (;;) {
      const std::span<const std::byte> chunk = file_.Peek(kMaxLineBytes);
      if (chunk.empty()) return skipped;
      const void* newline = std::memchr(chunk.data(), '\n', chunk.size());
      if (newline != nullptr) {
        const auto before = static_cast<std::size_t>(static_cast<const std::byte*>(newline) -
                                                     chunk.data());
        file_.Consume(before + 1);
        return skipped + before;
      }
      file_.Consume(chunk.size());
      skipped += chunk.size();
    }
  }

  StreamingFile file_;
  std::uint64_t lines_seen_ = 0;
};

}  // namespace

std::unique_ptr<RecordingReader> OpenLinesReader(const std::string& path) {
  return std::make_unique<LinesReader>(path);
}

}  // namespace feed::detail
