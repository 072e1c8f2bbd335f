// SharedMemory: RAII over one named POSIX shared-memory segment.
//
// Lifetime is decided by the kernel, not by a counter that a crash can leave
// behind. Every attached SharedMemory holds a shared open-file-description
// lock (F_OFD_SETLK) on byte kParticipantLockByte of the segment; the kernel
// drops it when the process dies, however it dies. On detach, an object that
// can convert its lock to an exclusive one is the last participant and
// unlinks the segment. The atomic reference count at the start of the segment
// is kept for operators (ringctl, tests): it is exact for clean exits and
// too high after a kill -9, which is why it never decides anything.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>

namespace ringlib {

enum class OpenMode {
  kCreateExclusive,  // fail with kAlreadyExists if the name exists
  kCreateOrOpen,     // create, or attach to the existing segment
  kOpenExisting,     // attach; wait up to attach_timeout for it to appear
};

struct SharedMemoryOptions {
  // Permissions of a created segment. Owner-only by default; applied with
  // fchmod after creation so the umask cannot change them.
  mode_t mode = 0600;
  // kOpenExisting: how long to wait for the segment to appear and reach its
  // full size (a creator may still be sizing it). Zero: do not wait.
  std::chrono::milliseconds attach_timeout{0};
  // Map every page at attach (MAP_POPULATE), so the first touch of each page
  // is not a page fault later, in the middle of the traffic. Costs time at
  // attach in proportion to the size (zeroing it, for the creator).
  bool prefault = true;
};

// The first bytes of every segment belong to SharedMemory.
struct alignas(128) SegmentControl {
  std::atomic<std::uint64_t> ref_count;  // diagnostic; see the note above
};
static_assert(sizeof(SegmentControl) == 128);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);

class SharedMemory {
 public:
  // Byte offsets used for OFD locks (locks cover file offsets, not memory).
  static constexpr off_t kParticipantLockByte = 0;

  // size_bytes: total size when creating (including SegmentControl); ignored
  // when opening (the fstat size is mapped).
  SharedMemory(std::string name, OpenMode mode, std::size_t size_bytes,
               const SharedMemoryOptions& options = {});
  ~SharedMemory();
  SharedMemory(SharedMemory&& other) noexcept;
  SharedMemory& operator=(SharedMemory&& other) noexcept;
  SharedMemory(const SharedMemory&) = delete;
  SharedMemory& operator=(const SharedMemory&) = delete;

  [[nodiscard]] const std::string& name() const noexcept { return name_; }
  [[nodiscard]] std::size_t size_bytes() const noexcept { return size_bytes_; }
  [[nodiscard]] bool created() const noexcept { return created_; }
  [[nodiscard]] int fd() const noexcept { return fd_; }

  // The whole mapping, SegmentControl included.
  [[nodiscard]] std::span<std::byte> bytes() const noexcept {
    return {static_cast<std::byte*>(base_), size_bytes_};
  }
  // A typed view at a byte offset. The caller guarantees the type fits.
  template <class T>
  [[nodiscard]] T* As(std::size_t offset_bytes = 0) const noexcept {
    return reinterpret_cast<T*>(static_cast<std::byte*>(base_) + offset_bytes);
  }
  [[nodiscard]] std::uint64_t ref_count() const noexcept {
    return As<SegmentControl>()->ref_count.load(std::memory_order_relaxed);
  }

  // True when no other participant holds the segment (tries to convert this
  // object's shared lock to an exclusive one, and converts back).
  [[nodiscard]] bool IsSoleParticipant() const;
  // Try to take an exclusive lock on one byte of the file for the lifetime of
  // this object (or until UnlockByte). False if another holder has it.
  [[nodiscard]] bool TryLockByteExclusive(off_t byte) const;
  void UnlockByte(off_t byte) const;
  // True when some other open file description holds a lock on `byte`;
  // *holder_pid gets its pid when the kernel reports one (OFD locks report -1).
  [[nodiscard]] bool IsByteLockedByOther(off_t byte) const;

  // Remove the name now (the mapping stays valid). Used by stale reclaim.
  void Unlink() const;

  // Detach now, as the destructor would (unlinking if this is the last
  // participant), for a process about to _Exit. The mapping is gone after.
  void DetachNow() noexcept { Detach(); }

  // POSIX name rules for this library: 1-200 characters of [A-Za-z0-9_.-].
  static void ValidateName(const std::string& name);
  static bool Exists(const std::string& name);
  // Unlink by name, ignoring ENOENT (tests, ringctl clean).
  static void Remove(const std::string& name);

 private:
  void Attach(OpenMode mode, std::size_t size_bytes, const SharedMemoryOptions& options);
  void Detach() noexcept;

  std::string name_;
  int fd_ = -1;
  void* base_ = nullptr;
  std::size_t size_bytes_ = 0;
  bool created_ = false;
};

}  // namespace ringlib
