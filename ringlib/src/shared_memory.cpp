#include "ringlib/shared_memory.hpp"

#include <fcntl.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <string_view>
#include <thread>
#include <utility>

#include "ringlib/error.hpp"
#include "ringlib/sys.hpp"

namespace ringlib {

std::string_view ToString(ErrorCode code) noexcept {
  switch (code) {
    case ErrorCode::kInvalidArgument: return "invalid argument";
    case ErrorCode::kNotFound: return "not found";
    case ErrorCode::kAlreadyExists: return "already exists";
    case ErrorCode::kPermissionDenied: return "permission denied";
    case ErrorCode::kNoSpace: return "no space";
    case ErrorCode::kSystemError: return "system error";
    case ErrorCode::kLayoutMismatch: return "layout mismatch";
    case ErrorCode::kNotInitialized: return "not initialized";
    case ErrorCode::kWriterAlreadyActive: return "writer already active";
    case ErrorCode::kMessageTooLarge: return "message too large";
    case ErrorCode::kLapped: return "lapped";
    case ErrorCode::kWriterClosed: return "writer closed";
    case ErrorCode::kWriterDead: return "writer dead";
    case ErrorCode::kWriterRestarted: return "writer restarted";
    case ErrorCode::kCorrupt: return "corrupt";
  }
  return "unknown";
}

void ThrowSystemError(std::string_view what, std::string_view segment, int err) {
  ErrorCode code = ErrorCode::kSystemError;
  if (err == EACCES || err == EPERM) code = ErrorCode::kPermissionDenied;
  if (err == ENOSPC) code = ErrorCode::kNoSpace;
  if (err == ENOENT) code = ErrorCode::kNotFound;
  if (err == EEXIST) code = ErrorCode::kAlreadyExists;
  std::string message = std::string(what) + " segment \"" + std::string(segment) +
                        "\" (/dev/shm/" + std::string(segment) + "): " + std::strerror(err);
  if (code == ErrorCode::kNoSpace) message += " (is /dev/shm large enough for the capacity asked?)";
  throw Error(code, message);
}

namespace {

std::string ShmPath(const std::string& name) { return "/" + name; }

// One-byte open-file-description lock. OFD locks belong to the open file
// description (not the process): the kernel releases them on close and on
// process death, and two objects in one process conflict with each other.
int OfdLock(int fd, short type, off_t byte, bool wait) {
  struct flock lock {};
  lock.l_type = type;
  lock.l_whence = SEEK_SET;
  lock.l_start = byte;
  lock.l_len = 1;
  int rc;
  do {
    rc = ::fcntl(fd, wait ? F_OFD_SETLKW : F_OFD_SETLK, &lock);
  } while (rc != 0 && errno == EINTR);
  return rc;
}

void SleepBriefly() { std::this_thread::sleep_for(std::chrono::milliseconds(1)); }

// EACCES on open: name the segment's mode and owner and who we are, so the
// operator sees which side to change.
[[noreturn]] void ThrowAccessDenied(const std::string& name) {
  std::string message = "shm_open of segment \"" + name + "\" (/dev/shm/" + name +
                        "): Permission denied";
  struct stat st {};
  if (::stat(("/dev/shm/" + name).c_str(), &st) == 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    message += " (segment mode " + std::string(mode) + ", owner uid " + std::to_string(st.st_uid) +
               " gid " + std::to_string(st.st_gid) + "; this process is uid " +
               std::to_string(::geteuid()) + " gid " + std::to_string(::getegid()) +
               "; the writer grants other users access with a group or world mode)";
  }
  throw Error(ErrorCode::kPermissionDenied, message);
}

}  // namespace

void SharedMemory::ValidateName(const std::string& name) {
  bool ok = !name.empty() && name.size() <= 200 && name != "." && name != "..";
  for (char c : name) {
    const bool allowed = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                         (c >= '0' && c <= '9') || c == '_' || c == '.' || c == '-';
    ok = ok && allowed;
  }
  if (!ok) {
    throw Error(ErrorCode::kInvalidArgument,
                "invalid segment name \"" + name +
                    "\": expected 1 to 200 characters of A-Z a-z 0-9 _ . -");
  }
}

bool SharedMemory::Exists(const std::string& name) {
  struct stat st {};
  return ::stat(("/dev/shm/" + name).c_str(), &st) == 0;
}

void SharedMemory::Remove(const std::string& name) {
  if (sys::Get().shm_unlink(ShmPath(name).c_str()) != 0 && errno != ENOENT) {
    ThrowSystemError("shm_unlink of", name, errno);
  }
}

SharedMemory::SharedMemory(std::string name, OpenMode mode, std::size_t size_bytes,
                           const SharedMemoryOptions& options)
    : name_(std::move(name)) {
  ValidateName(name_);
  if (mode != OpenMode::kOpenExisting && size_bytes < sizeof(SegmentControl)) {
    throw Error(ErrorCode::kInvalidArgument,
                "segment \"" + name_ + "\": size " + std::to_string(size_bytes) +
                    " is smaller than the control block (" +
                    std::to_string(sizeof(SegmentControl)) + " bytes)");
  }
  Attach(mode, size_bytes, options);
}

void SharedMemory::Attach(OpenMode mode, std::size_t size_bytes,
                          const SharedMemoryOptions& options) {
  const auto deadline = std::chrono::steady_clock::now() + options.attach_timeout;
  const auto& calls = sys::Get();
  const std::string path = ShmPath(name_);
  for (;;) {
    bool creating = mode != OpenMode::kOpenExisting;
    int fd = -1;
    if (creating) {
      fd = calls.shm_open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, options.mode);
      if (fd < 0 && errno == EEXIST && mode == OpenMode::kCreateOrOpen) creating = false;
      if (fd < 0 && errno == EEXIST && mode == OpenMode::kCreateExclusive) {
        throw Error(ErrorCode::kAlreadyExists,
                    "segment \"" + name_ + "\" already exists (/dev/shm/" + name_ + ")");
      }
      if (fd < 0 && creating) ThrowSystemError("shm_open (create) of", name_, errno);
    }
    if (!creating) {
      fd = calls.shm_open(path.c_str(), O_RDWR | O_CLOEXEC, 0);
      if (fd < 0) {
        const int err = errno;
        if (err == ENOENT && mode == OpenMode::kCreateOrOpen) continue;  // unlinked meanwhile
        if (err == ENOENT && std::chrono::steady_clock::now() < deadline) {
          SleepBriefly();
          continue;
        }
        if (err == ENOENT) {
          throw Error(ErrorCode::kNotFound, "segment \"" + name_ + "\" does not exist (/dev/shm/" +
                                                name_ + "); is the writer running?");
        }
        if (err == EACCES) ThrowAccessDenied(name_);
        ThrowSystemError("shm_open of", name_, err);
      }
    }

    // From here on the descriptor is ours; close it on every error path.
    struct FdGuard {
      int fd;
      ~FdGuard() {
        if (fd >= 0) ::close(fd);
      }
    } guard{fd};

    // Take the participant lock first, before sizing: an opener that sees the
    // full size then also sees that the creator is a participant.
    if (OfdLock(fd, F_RDLCK, kParticipantLockByte, /*wait=*/true) != 0) {
      ThrowSystemError("fcntl(F_OFD_SETLKW) on", name_, errno);
    }
    if (creating) {
      if (calls.fchmod(fd, options.mode) != 0) {
        const int err = errno;
        calls.shm_unlink(path.c_str());
        ThrowSystemError("fchmod of", name_, err);
      }
      // A file size limit (ulimit -f) would make posix_fallocate raise
      // SIGXFSZ, which kills the process: check it first and say so.
      struct rlimit limit {};
      if (::getrlimit(RLIMIT_FSIZE, &limit) == 0 && limit.rlim_cur != RLIM_INFINITY &&
          size_bytes > limit.rlim_cur) {
        calls.shm_unlink(path.c_str());
        throw Error(ErrorCode::kNoSpace,
                    "segment \"" + name_ + "\" (/dev/shm/" + name_ + "): " +
                        std::to_string(size_bytes) +
                        " bytes exceed this process's file size limit (ulimit -f, RLIMIT_FSIZE) of " +
                        std::to_string(limit.rlim_cur) + " bytes");
      }
      // posix_fallocate makes a too-small /dev/shm an error now instead of a
      // SIGBUS on first touch of a page later.
      const int err = calls.posix_fallocate(fd, 0, static_cast<off_t>(size_bytes));
      if (err != 0) {
        calls.shm_unlink(path.c_str());
        ThrowSystemError("posix_fallocate of " + std::to_string(size_bytes) + " bytes for", name_,
                         err);
      }
    }
    struct stat st {};
    if (calls.fstat(fd, &st) != 0) ThrowSystemError("fstat of", name_, errno);
    if (st.st_nlink == 0) continue;  // unlinked by its last participant before we locked: retry
    if (static_cast<std::size_t>(st.st_size) < sizeof(SegmentControl)) {
      // A creator between shm_open and posix_fallocate, or one that died there.
      if (std::chrono::steady_clock::now() < deadline) {
        SleepBriefly();
        continue;
      }
      if (mode == OpenMode::kCreateOrOpen && OfdLock(fd, F_WRLCK, kParticipantLockByte, false) == 0) {
        // Nobody else holds it: a creator died before sizing it. Reclaim.
        calls.shm_unlink(path.c_str());
        continue;
      }
      throw Error(ErrorCode::kNotInitialized,
                  "segment \"" + name_ + "\" exists but was never sized (size " +
                      std::to_string(st.st_size) + " bytes); its creator may have died");
    }
    // Map what the file really is, never what a header claims.
    const auto mapped_size = static_cast<std::size_t>(st.st_size);
    const int flags = MAP_SHARED | (options.prefault ? MAP_POPULATE : 0);
    void* base = calls.mmap(nullptr, mapped_size, PROT_READ | PROT_WRITE, flags, fd, 0);
    if (base == MAP_FAILED) {
      const int err = errno;
      if (creating) calls.shm_unlink(path.c_str());  // never leave a segment nobody can use
      ThrowSystemError("mmap of", name_, err);
    }

    fd_ = fd;
    guard.fd = -1;
    base_ = base;
    size_bytes_ = mapped_size;
    created_ = creating;
    As<SegmentControl>()->ref_count.fetch_add(1, std::memory_order_relaxed);
    return;
  }
}

void SharedMemory::Detach() noexcept {
  if (base_ == nullptr) return;
  As<SegmentControl>()->ref_count.fetch_sub(1, std::memory_order_relaxed);
  // Drop our shared lock, then try for an exclusive one: whoever gets it is
  // the last participant. (Converting in place is not enough: two detaching
  // at once could each fail while the other still holds its shared lock, and
  // nobody would unlink.) While we hold the exclusive lock nobody can attach
  // or unlink, so checking st_nlink first guarantees we never unlink a newer
  // segment of the same name.
  OfdLock(fd_, F_UNLCK, kParticipantLockByte, false);
  if (OfdLock(fd_, F_WRLCK, kParticipantLockByte, false) == 0) {
    struct stat st {};
    if (::fstat(fd_, &st) == 0 && st.st_nlink > 0) ::shm_unlink(ShmPath(name_).c_str());
  }
  ::munmap(base_, size_bytes_);
  ::close(fd_);
  base_ = nullptr;
  fd_ = -1;
}

SharedMemory::~SharedMemory() { Detach(); }

SharedMemory::SharedMemory(SharedMemory&& other) noexcept
    : name_(std::move(other.name_)),
      fd_(std::exchange(other.fd_, -1)),
      base_(std::exchange(other.base_, nullptr)),
      size_bytes_(std::exchange(other.size_bytes_, 0)),
      created_(other.created_) {}

SharedMemory& SharedMemory::operator=(SharedMemory&& other) noexcept {
  if (this != &other) {
    Detach();
    name_ = std::move(other.name_);
    fd_ = std::exchange(other.fd_, -1);
    base_ = std::exchange(other.base_, nullptr);
    size_bytes_ = std::exchange(other.size_bytes_, 0);
    created_ = other.created_;
  }
  return *this;
}

bool SharedMemory::IsSoleParticipant() const {
  if (OfdLock(fd_, F_WRLCK, kParticipantLockByte, false) != 0) return false;
  OfdLock(fd_, F_RDLCK, kParticipantLockByte, false);  // downgrade never fails
  return true;
}

bool SharedMemory::TryLockByteExclusive(off_t byte) const {
  return OfdLock(fd_, F_WRLCK, byte, false) == 0;
}

void SharedMemory::UnlockByte(off_t byte) const { OfdLock(fd_, F_UNLCK, byte, false); }

bool SharedMemory::IsByteLockedByOther(off_t byte) const {
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = byte;
  lock.l_len = 1;
  if (::fcntl(fd_, F_OFD_GETLK, &lock) != 0) return false;
  return lock.l_type != F_UNLCK;
}

void SharedMemory::Unlink() const { ::shm_unlink(ShmPath(name_).c_str()); }

}  // namespace ringlib
