// NASDAQ TotalView-ITCH 5.0 BinaryFILE: u16 big-endian length, then the
// message (type letter, stock locate, tracking number, 6-byte timestamp).
// Framing only: checking each type's length is the decoder's job.
#include <fmt/format.h>

#include "feed/decode.hpp"
#include "recording_internal.hpp"

namespace feed::detail {
namespace {

constexpr std::size_t kLengthPrefixBytes = 2;
constexpr std::size_t kTimestampOffset = 5;
constexpr std::size_t kMinMessageBytes = kTimestampOffset + 6;  // through the timestamp
// Room for the largest possible message (64 KiB - 1) plus its prefix, with
// plenty to spare so refills are rare.
constexpr std::size_t kBufferBytes = 1 << 20;

class ItchReader final : public RecordingReader {
 public:
  explicit ItchReader(const std::string& path) : file_(path, kBufferBytes) {}

  ReadOutcome Next(Record& out, InputError& error) override {
    if (ended_) return ReadOutcome::kEnd;
    const std::uint64_t offset = file_.position_bytes();
    const std::span<const std::byte> prefix = file_.Peek(kLengthPrefixBytes);
    if (prefix.empty()) {
      ended_ = true;
      return ReadOutcome::kEnd;
    }
    const std::uint64_t index = ++records_seen_;
    if (prefix.size() < kLengthPrefixBytes) {
      ended_ = true;
      error = MakeError(file_.path(), index, offset,
                        "truncated length prefix: 1 byte left at the end of the file, expected 2");
      return ReadOutcome::kError;
    }
    const std::size_t length = LoadU16Be(prefix.data());
    const std::span<const std::byte> whole = file_.Peek(kLengthPrefixBytes + length);
    if (whole.size() < kLengthPrefixBytes + length) {
      ended_ = true;
      error = MakeError(file_.path(), index, offset,
                        fmt::format("truncated message: length prefix says {} bytes but only {} "
                                    "are left in the file",
                                    length, whole.size() - kLengthPrefixBytes));
      return ReadOutcome::kError;
    }
    file_.Consume(whole.size());
    if (length < kMinMessageBytes) {
      // The framing is intact, so the next record is still found.
      error = MakeError(file_.path(), index, offset,
                        fmt::format("message of {} bytes is too short: an ITCH 5.0 message has at "
                                    "least {} (type, locate, tracking number, timestamp)",
                                    length, kMinMessageBytes));
      return ReadOutcome::kError;
    }
    out.payload = whole.subspan(kLengthPrefixBytes);
    // Each ITCH 5.0 type has one specified length (the decoder's table):
    // an unknown type or a length that does not match is a bad record, and
    // the framing still finds the next one.
    const auto type = static_cast<std::uint8_t>(out.payload[0]);
    const std::uint16_t expected = itch::ExpectedLength(static_cast<char>(type));
    if (expected != length) {
      DecodeResult result;
      result.status = expected == 0 ? DecodeStatus::kUnknownType : DecodeStatus::kWrongLength;
      result.type = type;
      result.expected_length = expected;
      result.actual_length = length;
      error = MakeError(file_.path(), index, offset,
                        DescribeDecodeResult(PayloadKind::kItch50, result));
      return ReadOutcome::kError;
    }
    out.timestamp_ns = LoadU48Be(out.payload.data() + kTimestampOffset);
    out.index = index;
    out.offset_bytes = offset;
    return ReadOutcome::kRecord;
  }

  void Rewind() override {
    file_.Rewind();
    records_seen_ = 0;
    ended_ = false;
  }
  Format format() const override { return Format::kItch50BinaryFile; }
  PayloadKind payload_kind() const override { return PayloadKind::kItch50; }
  std::optional<std::uint64_t> expected_count() const override { return std::nullopt; }
  std::uint64_t position_bytes() const override { return file_.position_bytes(); }
  std::uint64_t size_bytes() const override { return file_.size_bytes(); }

 private:
  StreamingFile file_;
  std::uint64_t records_seen_ = 0;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<RecordingReader> OpenItchReader(const std::string& path) {
  return std::make_unique<ItchReader>(path);
}

}  // namespace feed::detail
