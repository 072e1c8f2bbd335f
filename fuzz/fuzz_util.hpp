// Shared by the fuzz targets: the input as a file (a memfd, so nothing
// touches the disk) and a bounded loop over a recording reader.
#pragma once

#include <sys/mman.h>
#include <unistd.h>

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <optional>
#include <string>

#include "feed/recording.hpp"

namespace fuzz {

// The fuzz input as a readable path: /proc/self/fd/N of a memfd.
class MemoryFile {
 public:
  MemoryFile(const std::uint8_t* data, std::size_t size) {
    fd_ = ::memfd_create("fuzz-input", MFD_CLOEXEC);
    if (fd_ < 0) std::abort();
    std::size_t written = 0;
    while (written < size) {
      const ssize_t n = ::write(fd_, data + written, size - written);
      if (n <= 0) std::abort();
      written += static_cast<std::size_t>(n);
    }
    path_ = "/proc/self/fd/" + std::to_string(fd_);
  }
  ~MemoryFile() { ::close(fd_); }
  MemoryFile(const MemoryFile&) = delete;
  MemoryFile& operator=(const MemoryFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  int fd_ = -1;
  std::string path_;
};

// Opens the input as `format` (nullopt: detect) and reads every record.
// Clean outcomes: InputFileError at open, kError records, kEnd. Anything
// else (a crash, a sanitizer report, another exception, a record that
// breaks the reader's own contract, a loop that never ends) is a finding.
inline void ReadAll(const std::uint8_t* data, std::size_t size,
                    std::optional<feed::Format> format) {
  MemoryFile file(data, size);
  std::unique_ptr<feed::RecordingReader> reader;
  try {
    reader = feed::OpenRecording(file.path(), format);
  } catch (const feed::InputFileError& error) {
    if (error.error().message.empty()) std::abort();  // an error must say what is wrong
    return;
  }
  for (int pass = 0; pass < 2; ++pass) {  // the second pass checks Rewind()
    feed::Record record;
    feed::InputError error;
    std::uint64_t records = 0;
    // Every outcome consumes input or ends: more outcomes than bytes (+2) is a loop.
    for (std::uint64_t step = 0;; ++step) {
      if (step > size + 2) std::abort();
      const feed::ReadOutcome outcome = reader->Next(record, error);
      if (outcome == feed::ReadOutcome::kEnd) break;
      if (outcome == feed::ReadOutcome::kError) {
        if (error.message.empty()) std::abort();
        if (error.offset_bytes > size) std::abort();
        continue;
      }
      ++records;
      if (record.payload.size() > feed::kMaxRecordPayloadBytes) std::abort();
      if (record.offset_bytes > size) std::abort();
      // Touch every payload byte: ASan checks the span really is readable.
      volatile std::uint8_t sink = 0;
      for (std::byte b : record.payload) sink = sink ^ static_cast<std::uint8_t>(b);
      (void)sink;
    }
    (void)records;
    if (reader->position_bytes() > reader->size_bytes()) std::abort();
    reader->Rewind();
  }
}

}  // namespace fuzz
