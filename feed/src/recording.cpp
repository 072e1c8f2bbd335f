// Shared parts of the recording readers: the streaming file, errors, format
// detection and OpenRecording.
#include "feed/recording.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <utility>

#include <fmt/format.h>

#include "feed/itch.hpp"
#include "recording_internal.hpp"

namespace feed {

std::string InputError::ToString() const {
  if (record_index == 0) return fmt::format("{}: {}", file, message);
  return fmt::format("{}: {} {} at byte {}: {}", file, unit, record_index, offset_bytes, message);
}

InputFileError::InputFileError(InputError error)
    : std::runtime_error(error.ToString()), error_(std::move(error)) {}

namespace detail {

InputError MakeError(const std::string& file, std::uint64_t record_index,
                     std::uint64_t offset_bytes, std::string message, std::string_view unit) {
  InputError error;
  error.file = file;
  error.record_index = record_index;
  error.offset_bytes = offset_bytes;
  error.message = std::move(message);
  error.unit = unit;
  return error;
}

StreamingFile::StreamingFile(const std::string& path, std::size_t buffer_bytes)
    : path_(path), buffer_(buffer_bytes) {
  fd_ = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd_ < 0) {
    throw InputFileError(
        MakeError(path, 0, 0, fmt::format("cannot open for reading: {}", std::strerror(errno))));
  }
  struct stat info {};
  if (::fstat(fd_, &info) != 0) {
    const int saved = errno;
    ::close(fd_);
    throw InputFileError(MakeError(path, 0, 0, fmt::format("cannot stat: {}", std::strerror(saved))));
  }
  if (S_ISDIR(info.st_mode)) {
    ::close(fd_);
    throw InputFileError(MakeError(path, 0, 0, "is a directory, expected a recording file"));
  }
  size_bytes_ = static_cast<std::uint64_t>(info.st_size);
  // The readers go front to back once per loop: let the kernel read ahead.
  (void)::posix_fadvise(fd_, 0, 0, POSIX_FADV_SEQUENTIAL);
}

StreamingFile::~StreamingFile() {
  if (fd_ >= 0) ::close(fd_);
}

std::span<const std::byte> StreamingFile::Peek(std::size_t bytes) {
  bytes = std::min(bytes, buffer_.size());
  if (fill_ - read_pos_ < bytes && !at_eof_) {
    // Move the unread tail to the front, then fill the rest of the buffer.
    const std::size_t unread = fill_ - read_pos_;
    if (read_pos_ > 0) {
      std::memmove(buffer_.data(), buffer_.data() + read_pos_, unread);
      buffer_file_offset_ += read_pos_;
      read_pos_ = 0;
      fill_ = unread;
    }
    while (fill_ < bytes && !at_eof_) {
      const ssize_t got = ::read(fd_, buffer_.data() + fill_, buffer_.size() - fill_);
      if (got < 0) {
        if (errno == EINTR) continue;
        throw InputFileError(MakeError(path_, 0, position_bytes(),
                                       fmt::format("read failed: {}", std::strerror(errno))));
      }
      if (got == 0) at_eof_ = true;
      fill_ += static_cast<std::size_t>(got);
    }
  }
  return {buffer_.data() + read_pos_, std::min(bytes, fill_ - read_pos_)};
}

void StreamingFile::Rewind() {
  if (::lseek(fd_, 0, SEEK_SET) != 0) {
    throw InputFileError(
        MakeError(path_, 0, 0, fmt::format("cannot rewind: {}", std::strerror(errno))));
  }
  buffer_file_offset_ = 0;
  read_pos_ = 0;
  fill_ = 0;
  at_eof_ = false;
}

}  // namespace detail

namespace {

bool StartsWith(std::span<const std::byte> bytes, std::initializer_list<unsigned> prefix) {
  if (bytes.size() < prefix.size()) return false;
  std::size_t i = 0;
  for (const unsigned value : prefix) {
    if (std::to_integer<unsigned>(bytes[i++]) != value) return false;
  }
  return true;
}

// Why the first bytes are not an ITCH 5.0 BinaryFILE, or empty if they are.
// Checks up to four messages: each length prefix must equal the spec length
// of the type letter that follows.
std::string WhyNotItch(std::span<const std::byte> head, bool whole_file) {
  std::size_t pos = 0;
  for (int message = 1; message <= 4; ++message) {
    if (pos == head.size() && (whole_file || message > 1)) return {};
    if (head.size() - pos < 3) {
      return whole_file ? fmt::format("message {} is truncated", message)
                        : std::string{};
    }
    const std::size_t length = detail::LoadU16Be(head.data() + pos);
    const auto type = std::to_integer<std::uint8_t>(head[pos + 2]);
    const std::size_t spec_length = itch::ExpectedLength(static_cast<char>(type));
    if (spec_length == 0) {
      return fmt::format("message {} type byte 0x{:02x} is not an ITCH 5.0 message type", message,
                         type);
    }
    if (length != spec_length) {
      return fmt::format("message {} length {} does not match type '{}' length {}", message,
                         length, static_cast<char>(type), spec_length);
    }
    pos += 2 + length;
    if (pos > head.size()) return whole_file ? "last message is truncated" : std::string{};
  }
  return {};
}

bool IsDigit(std::byte b) { return b >= std::byte{'0'} && b <= std::byte{'9'}; }

}  // namespace

std::optional<Format> DetectFormat(const std::string& path, std::string* why_not) {
  auto fail = [&](std::string reason) -> std::optional<Format> {
    if (why_not != nullptr) *why_not = std::move(reason);
    return std::nullopt;
  };
  std::optional<detail::StreamingFile> file;
  try {
    file.emplace(path, 4096);
  } catch (const InputFileError& e) {
    return fail(e.error().message);
  }
  const std::span<const std::byte> head = file->Peek(4096);
  if (head.empty()) return fail("file is empty");

  // pcap in either byte order, with micro- or nanosecond timestamps; pcapng
  // starts with its Section Header Block type.
  if (StartsWith(head, {0xd4, 0xc3, 0xb2, 0xa1}) || StartsWith(head, {0xa1, 0xb2, 0xc3, 0xd4}) ||
      StartsWith(head, {0x4d, 0x3c, 0xb2, 0xa1}) || StartsWith(head, {0xa1, 0xb2, 0x3c, 0x4d}) ||
      StartsWith(head, {0x0a, 0x0d, 0x0d, 0x0a})) {
    return Format::kIexTpPcap;
  }
  if (head.size() >= recording_format::kMagic.size() &&
      std::memcmp(head.data(), recording_format::kMagic.data(), recording_format::kMagic.size()) ==
          0) {
    return Format::kFeedRecording;
  }
  // Lines start with a digit; an ITCH message's third byte is a type letter,
  // never a digit or a space, so the two cannot be confused.
  if (IsDigit(head[0])) {
    std::size_t digits = 0;
    while (digits < head.size() && IsDigit(head[digits])) ++digits;
    if (digits <= 20 && digits < head.size() && head[digits] == std::byte{' '}) {
      return Format::kTimestampedLines;
    }
    return fail(
        "not a recognised format: starts with digits but not '<nanoseconds> ' (timestamped "
        "lines need at most 20 digits then one space)");
  }
  const bool whole_file = file->size_bytes() <= head.size();
  const std::string itch_problem = WhyNotItch(head, whole_file);
  if (itch_problem.empty()) return Format::kItch50BinaryFile;
  return fail(fmt::format(
      "not a recognised format: no pcap/pcapng magic, no feed recording magic \"FEEDREC\\n\", "
      "does not start with '<nanoseconds> ' (timestamped lines), and not ITCH 5.0 BinaryFILE ({})",
      itch_problem));
}

std::unique_ptr<RecordingReader> OpenRecording(const std::string& path,
                                               std::optional<Format> format) {
  if (!format) {
    std::string why_not;
    format = DetectFormat(path, &why_not);
    if (!format) {
      // The hint helps only when the file could be read but not recognised.
      const bool readable = ::access(path.c_str(), R_OK) == 0;
      throw InputFileError(detail::MakeError(
          path, 0, 0,
          readable ? fmt::format("{}; give the format explicitly if it is one of "
                                 "itch, pcap, lines, recording",
                                 why_not)
                   : why_not));
    }
  }
  switch (*format) {
    case Format::kItch50BinaryFile:
      return detail::OpenItchReader(path);
    case Format::kIexTpPcap:
      return detail::OpenPcapReader(path);
    case Format::kTimestampedLines:
      return detail::OpenLinesReader(path);
    case Format::kFeedRecording:
      return detail::OpenFeedRecordingReader(path);
  }
  throw InputFileError(detail::MakeError(path, 0, 0, "unknown format value"));
}

}  // namespace feed
