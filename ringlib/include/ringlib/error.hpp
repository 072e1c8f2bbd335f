// Errors of ringlib: an enum class for programs to act on, and an exception
// whose message names the segment and, for system calls, the errno text.
#pragma once

#include <stdexcept>
#include <string>
#include <string_view>

namespace ringlib {

enum class ErrorCode {
  kInvalidArgument,       // a bad name, capacity or option
  kNotFound,              // open-existing: no such segment (after the attach timeout)
  kAlreadyExists,         // create-exclusive: the segment exists
  kPermissionDenied,      // shm_open/open: EACCES/EPERM
  kNoSpace,               // posix_fallocate: /dev/shm too small (ENOSPC)
  kSystemError,           // any other failed system call
  kLayoutMismatch,        // magic, version or sizes differ from this build's
  kNotInitialized,        // the creator did not finish initialising in time
  kWriterAlreadyActive,   // a second live writer on one segment
  kMessageTooLarge,       // Write() of more than max_message_bytes(); nothing written
  kLapped,                // Reader::Read under LapPolicy::kReport
  kWriterClosed,          // Reader::Read: the writer closed the stream
  kWriterDead,            // Reader::Read: the writer died without closing
  kWriterRestarted,       // Reader::Read: a new writer took over the segment
  kCorrupt,               // a record header that no writer of this build writes
};

std::string_view ToString(ErrorCode code) noexcept;

class Error : public std::runtime_error {
 public:
  Error(ErrorCode code, const std::string& message) : std::runtime_error(message), code_(code) {}
  [[nodiscard]] ErrorCode code() const noexcept { return code_; }

 private:
  ErrorCode code_;
};

// Builds "<what> segment "<name>": <strerror(err)>" and the matching code.
[[noreturn]] void ThrowSystemError(std::string_view what, std::string_view segment, int err);

}  // namespace ringlib
