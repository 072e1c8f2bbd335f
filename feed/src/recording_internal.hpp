// Private to the recording readers (feed/src/recording*.cpp): the streaming
// file buffer they share and the constructors of each reader.
#pragma once

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <vector>

#include "feed/decode.hpp"
#include "feed/recording.hpp"

namespace feed::detail {

// Reads a file front to back through one fixed buffer, so memory stays
// constant whatever the file size. Peek(n) makes n bytes contiguous (fewer
// only at the end of the file); what it returns stays valid until the next
// Peek, Consume or Rewind.
class StreamingFile {
 public:
  // Throws InputFileError when the file cannot be opened or stat'ed.
  StreamingFile(const std::string& path, std::size_t buffer_bytes);
  StreamingFile(const StreamingFile&) = delete;
  StreamingFile& operator=(const StreamingFile&) = delete;
  ~StreamingFile();

  std::span<const std::byte> Peek(std::size_t bytes);
  void Consume(std::size_t bytes) noexcept { read_pos_ += bytes; }
  void Rewind();

  std::uint64_t position_bytes() const noexcept { return buffer_file_offset_ + read_pos_; }
  std::uint64_t size_bytes() const noexcept { return size_bytes_; }
  const std::string& path() const noexcept { return path_; }
  std::size_t buffer_bytes() const noexcept { return buffer_.size(); }

 private:
  std::string path_;
  int fd_ = -1;
  std::uint64_t size_bytes_ = 0;
  std::vector<std::byte> buffer_;
  std::uint64_t buffer_file_offset_ = 0;  // file offset of buffer_[0]
  std::size_t read_pos_ = 0;              // next unread byte in buffer_
  std::size_t fill_ = 0;                  // valid bytes in buffer_
  bool at_eof_ = false;
};

InputError MakeError(const std::string& file, std::uint64_t record_index,
                     std::uint64_t offset_bytes, std::string message,
                     std::string_view unit = "record");

// Short names for the shared wire loaders (feed/decode.hpp) used by the framing.
inline std::uint16_t LoadU16Be(const std::byte* p) noexcept {
  return wire::LoadBigEndian<std::uint16_t>(p);
}
inline std::uint64_t LoadU48Be(const std::byte* p) noexcept { return wire::LoadBigEndian48(p); }
inline std::uint16_t LoadU16Le(const std::byte* p) noexcept {
  return wire::LoadLittleEndian<std::uint16_t>(p);
}
inline std::uint64_t LoadU64Le(const std::byte* p) noexcept {
  return wire::LoadLittleEndian<std::uint64_t>(p);
}

std::unique_ptr<RecordingReader> OpenItchReader(const std::string& path);
std::unique_ptr<RecordingReader> OpenPcapReader(const std::string& path);
std::unique_ptr<RecordingReader> OpenLinesReader(const std::string& path);
std::unique_ptr<RecordingReader> OpenFeedRecordingReader(const std::string& path);

}  // namespace feed::detail
