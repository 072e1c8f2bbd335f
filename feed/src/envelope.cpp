#include "feed/envelope.hpp"

#include <fmt/format.h>

#include <array>
#include <limits>
#include <stdexcept>
#include <utility>

namespace feed {
namespace {

constexpr std::array<std::pair<EndReason, std::string_view>, 3> kEndReasonNames{{
    {EndReason::kCompleted, "completed"},
    {EndReason::kInterrupted, "interrupted"},
    {EndReason::kInputError, "input_error"},
}};

class BodyWriter {
 public:
  explicit BodyWriter(std::string_view body_name) : body_name_(body_name) {}

  template <typename Unsigned>
  void Put(Unsigned value) {
    std::array<std::byte, sizeof(Unsigned)> bytes{};
    wire::StoreLittleEndian<Unsigned>(bytes.data(), value);
    bytes_.insert(bytes_.end(), bytes.begin(), bytes.end());
  }

  void PutString(std::string_view field, std::string_view text) {
    if (text.size() > std::numeric_limits<std::uint16_t>::max()) {
      throw std::length_error(
          fmt::format("{}: {} is {} bytes, at most 65535 fit", body_name_, field, text.size()));
    }
    Put<std::uint16_t>(static_cast<std::uint16_t>(text.size()));
    const auto* first = reinterpret_cast<const std::byte*>(text.data());
    bytes_.insert(bytes_.end(), first, first + text.size());
  }

  std::vector<std::byte> Finish() && {
    if (bytes_.size() > kMaxPayloadBytes) {
      throw std::length_error(fmt::format("{}: body is {} bytes, at most {} fit in a ring message",
                                          body_name_, bytes_.size(), kMaxPayloadBytes));
    }
    return std::move(bytes_);
  }

 private:
  std::string_view body_name_;
  std::vector<std::byte> bytes_;
};

// Bounds-checked reads; the first failure is remembered with its field and offset.
class BodyReader {
 public:
  BodyReader(std::string_view body_name, std::span<const std::byte> body)
      : body_name_(body_name), body_(body) {}

  template <typename Unsigned>
  Unsigned Get(std::string_view field) {
    if (!Need(field, sizeof(Unsigned))) return 0;
    const auto value = wire::LoadLittleEndian<Unsigned>(body_.data() + offset_);
    offset_ += sizeof(Unsigned);
    return value;
  }

  std::string GetString(std::string_view field) {
    const auto length = Get<std::uint16_t>(field);
    if (!Need(field, length)) return {};
    std::string text(reinterpret_cast<const char*>(body_.data() + offset_), length);
    offset_ += length;
    return text;
  }

  void Fail(std::string message) {
    if (error_.empty()) error_ = fmt::format("{}: {}", body_name_, message);
  }

  void ExpectEnd() {
    if (error_.empty() && offset_ != body_.size()) {
      Fail(fmt::format("{} unexpected trailing bytes at offset {}", body_.size() - offset_,
                       offset_));
    }
  }

  const std::string& error() const { return error_; }
  std::size_t offset() const { return offset_; }

 private:
  bool Need(std::string_view field, std::size_t bytes) {
    if (!error_.empty()) return false;
    if (body_.size() - offset_ < bytes) {
      Fail(fmt::format("{} needs {} bytes at offset {}, only {} left of {}", field, bytes, offset_,
                       body_.size() - offset_, body_.size()));
      return false;
    }
    return true;
  }

  std::string_view body_name_;
  std::span<const std::byte> body_;
  std::size_t offset_ = 0;
  std::string error_;
};

void CheckVersion(BodyReader& reader) {
  const auto offset = reader.offset();
  const auto version = reader.Get<std::uint16_t>("version");
  if (reader.error().empty() && version != kControlBodyVersion) {
    reader.Fail(fmt::format("body version {} at offset {}, this program reads version {}", version,
                            offset, kControlBodyVersion));
  }
}

}  // namespace

std::string_view Describe(EnvelopeError error) noexcept {
  switch (error) {
    case EnvelopeError::kNone:
      return "valid";
    case EnvelopeError::kTooShort:
      return "message shorter than the 32-byte envelope";
    case EnvelopeError::kUnknownKind:
      return "unknown message kind (expected 1 data, 2 start, 3 end)";
    case EnvelopeError::kUnknownPayloadKind:
      return "unknown payload kind";
    case EnvelopeError::kReservedNotZero:
      return "reserved envelope field is not zero";
    case EnvelopeError::kPayloadSizeMismatch:
      return "envelope payload_size does not match the bytes after the envelope";
  }
  return "unknown envelope error";
}

std::string_view EndReasonName(EndReason reason) noexcept {
  for (const auto& [value, name] : kEndReasonNames) {
    if (value == reason) return name;
  }
  return "unknown";
}

std::optional<EndReason> ParseEndReason(std::string_view name) noexcept {
  for (const auto& [value, known] : kEndReasonNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

// version u16 | format u8 | payload_kind u8 | expected_messages u64 |
// source_path (u16 length + bytes) | pacing (u16 length + bytes)
std::vector<std::byte> EncodeStartOfStream(const StartOfStream& body) {
  BodyWriter writer("start-of-stream");
  writer.Put<std::uint16_t>(kControlBodyVersion);
  writer.Put<std::uint8_t>(static_cast<std::uint8_t>(body.format));
  writer.Put<std::uint8_t>(static_cast<std::uint8_t>(body.payload_kind));
  writer.Put<std::uint64_t>(body.expected_messages);
  writer.PutString("source_path", body.source_path);
  writer.PutString("pacing", body.pacing);
  return std::move(writer).Finish();
}

BodyDecodeResult<StartOfStream> DecodeStartOfStream(std::span<const std::byte> bytes) {
  BodyReader reader("start-of-stream", bytes);
  CheckVersion(reader);
  StartOfStream body;
  const auto format_offset = reader.offset();
  const auto format = reader.Get<std::uint8_t>("format");
  const auto payload_kind = reader.Get<std::uint8_t>("payload_kind");
  body.expected_messages = reader.Get<std::uint64_t>("expected_messages");
  body.source_path = reader.GetString("source_path");
  body.pacing = reader.GetString("pacing");
  reader.ExpectEnd();
  if (reader.error().empty()) {
    body.format = static_cast<Format>(format);
    body.payload_kind = static_cast<PayloadKind>(payload_kind);
    if (FormatName(body.format) == "unknown") {
      reader.Fail(fmt::format("unknown format {} at offset {}", format, format_offset));
    } else if (PayloadKindName(body.payload_kind) == "unknown") {
      reader.Fail(
          fmt::format("unknown payload kind {} at offset {}", payload_kind, format_offset + 1));
    }
  }
  BodyDecodeResult<StartOfStream> result;
  if (reader.error().empty()) {
    result.value = std::move(body);
  } else {
    result.error = reader.error();
  }
  return result;
}

// version u16 | reason u8 | reserved u8 | message_count u64 | payload_bytes u64 |
// digest u64 | detail (u16 length + bytes)
std::vector<std::byte> EncodeEndOfStream(const EndOfStream& body) {
  BodyWriter writer("end-of-stream");
  writer.Put<std::uint16_t>(kControlBodyVersion);
  writer.Put<std::uint8_t>(static_cast<std::uint8_t>(body.reason));
  writer.Put<std::uint8_t>(0);
  writer.Put<std::uint64_t>(body.message_count);
  writer.Put<std::uint64_t>(body.payload_bytes);
  writer.Put<std::uint64_t>(body.digest);
  writer.PutString("detail", body.detail);
  return std::move(writer).Finish();
}

BodyDecodeResult<EndOfStream> DecodeEndOfStream(std::span<const std::byte> bytes) {
  BodyReader reader("end-of-stream", bytes);
  CheckVersion(reader);
  EndOfStream body;
  const auto reason_offset = reader.offset();
  const auto reason = reader.Get<std::uint8_t>("reason");
  reader.Get<std::uint8_t>("reserved");
  body.message_count = reader.Get<std::uint64_t>("message_count");
  body.payload_bytes = reader.Get<std::uint64_t>("payload_bytes");
  body.digest = reader.Get<std::uint64_t>("digest");
  body.detail = reader.GetString("detail");
  reader.ExpectEnd();
  if (reader.error().empty()) {
    body.reason = static_cast<EndReason>(reason);
    if (EndReasonName(body.reason) == "unknown") {
      reader.Fail(fmt::format("unknown end reason {} at offset {}", reason, reason_offset));
    }
  }
  BodyDecodeResult<EndOfStream> result;
  if (reader.error().empty()) {
    result.value = std::move(body);
  } else {
    result.error = reader.error();
  }
  return result;
}

}  // namespace feed
