#include "ringlib/inspect.hpp"

#include <dirent.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "ringlib/circular_buffer.hpp"
#include "ringlib/layout.hpp"

namespace ringlib {
namespace {

// Does some open file description other than ours hold a lock on `byte`?
bool LockedByOther(int fd, off_t byte) {
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = byte;
  lock.l_len = 1;
  if (::fcntl(fd, F_OFD_GETLK, &lock) != 0) return false;
  return lock.l_type != F_UNLCK;
}

}  // namespace

std::optional<RingSnapshot> InspectRing(const std::string& ring_name, std::string* error) {
  RingSnapshot snapshot;
  snapshot.ring_name = ring_name;
  snapshot.segment_name = CircularBuffer::IWrapper::SegmentName(ring_name);
  const int fd = ::shm_open(("/" + snapshot.segment_name).c_str(), O_RDONLY | O_CLOEXEC, 0);
  if (fd < 0) {
    if (error != nullptr) *error = snapshot.segment_name + ": " + std::strerror(errno);
    return std::nullopt;
  }
  struct stat st {};
  if (::fstat(fd, &st) != 0) {
    if (error != nullptr) *error = snapshot.segment_name + ": fstat: " + std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  snapshot.segment_bytes = static_cast<std::uint64_t>(st.st_size);
  snapshot.any_participant = LockedByOther(fd, SharedMemory::kParticipantLockByte);
  snapshot.writer_alive = LockedByOther(fd, layout::kWriterLockByte);
  if (snapshot.segment_bytes < layout::kDataOffset) {
    snapshot.problem = "segment of " + std::to_string(snapshot.segment_bytes) +
                       " bytes is smaller than the ring header (" +
                       std::to_string(layout::kDataOffset) + ")";
    ::close(fd);
    return snapshot;
  }
  // Map only the header pages, read-only: nothing here can disturb the ring.
  void* base = ::mmap(nullptr, layout::kDataOffset, PROT_READ, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    if (error != nullptr) *error = snapshot.segment_name + ": mmap: " + std::strerror(errno);
    ::close(fd);
    return std::nullopt;
  }
  const auto* segment = static_cast<const layout::Segment*>(base);
  const auto& header = segment->header;
  snapshot.initialized = header.initialized.load(std::memory_order_acquire) == layout::kInitializedValue;
  snapshot.layout_version = header.layout_version;
  snapshot.capacity_bytes = header.capacity_bytes;
  snapshot.max_message_bytes = header.max_message_bytes;
  snapshot.generation = header.generation.load(std::memory_order_acquire);
  snapshot.creator_pid = header.creator_pid;
  snapshot.reference_count = segment->control.ref_count.load(std::memory_order_relaxed);
  snapshot.reserve_position = segment->reserve.value.load(std::memory_order_acquire);
  snapshot.commit_position = segment->commit.value.load(std::memory_order_acquire);
  snapshot.sleepers = segment->wake.sleepers.load(std::memory_order_relaxed);
  snapshot.writer_pid = segment->writer.pid.load(std::memory_order_relaxed);
  snapshot.writer_closed = segment->writer.closed.load(std::memory_order_acquire) != 0;
  if (!snapshot.initialized) {
    snapshot.problem = "not initialised by a writer";
  } else if (header.magic != layout::kMagic || header.layout_version != layout::kLayoutVersion) {
    snapshot.problem = "magic or layout version " + std::to_string(header.layout_version) +
                       " is not this build's (" + std::to_string(layout::kLayoutVersion) + ")";
  } else {
    for (std::uint32_t i = 0; i < layout::kReaderSlots; ++i) {
      const auto& slot = segment->slots[i];
      const std::uint32_t flags = slot.flags.load(std::memory_order_acquire);
      if (flags == 0) continue;
      ReaderSlotSnapshot reader;
      reader.index = i;
      reader.pid = slot.pid.load(std::memory_order_relaxed);
      reader.flags = flags;
      reader.position = slot.position.load(std::memory_order_acquire);
      reader.lapped_count = slot.lapped_count.load(std::memory_order_relaxed);
      reader.alive = LockedByOther(fd, layout::kReaderSlotLockByte0 + static_cast<off_t>(i));
      snapshot.readers.push_back(reader);
    }
  }
  ::munmap(base, layout::kDataOffset);
  ::close(fd);
  return snapshot;
}

std::vector<std::string> ListRings() {
  std::vector<std::string> rings;
  DIR* dir = ::opendir("/dev/shm");
  if (dir == nullptr) return rings;
  const std::string prefix = CircularBuffer::IWrapper::SegmentName("");
  while (const dirent* entry = ::readdir(dir)) {
    const std::string name = entry->d_name;
    if (name.size() > prefix.size() && name.compare(0, prefix.size(), prefix) == 0) {
      rings.push_back(name.substr(prefix.size()));
    }
  }
  ::closedir(dir);
  return rings;
}

}  // namespace ringlib
