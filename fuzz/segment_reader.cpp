// libFuzzer target: a ringlib Reader attached to an arbitrary segment image,
// as a hostile or broken writer could leave it. Header and data are fuzzed;
// after the reader attaches, the "writer" moves commit, reserve, generation
// and the closed flag to fuzzed values. The reader must not access anything
// out of bounds; every outcome must be a clean ReadStatus or ringlib::Error.
//
// Input: byte 0 selects the mode.
//   even: structured. A valid header for a 4 or 8 KiB ring (bit 1), then
//         bytes 1..: u64 commit at attach, u64 commit after, u64 reserve after,
//         u8 flags (bit 0 closed, bit 1 bump generation, bit 2 corrupt one
//         header field with the next 8 bytes at the offset in the next byte),
//         then the data area.
//   odd:  raw. The rest of the input is the whole file (the "initialized"
//         word is forced, so the reader does not wait for it).
#include <fcntl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "ringlib/circular_buffer.hpp"

namespace {

namespace cb = ringlib::CircularBuffer;
namespace layout = ringlib::layout;

struct Cursor {
  const std::uint8_t* data;
  std::size_t size;
  std::size_t at = 0;
  template <class T>
  T Take() {
    T value{};
    const std::size_t n = std::min(sizeof(T), size - std::min(size, at));
    if (n != 0) std::memcpy(&value, data + at, n);
    at += sizeof(T);
    return value;
  }
  [[nodiscard]] std::size_t remaining() const { return at < size ? size - at : 0; }
  [[nodiscard]] const std::uint8_t* here() const { return data + std::min(at, size); }
};

const std::string& RingName() {
  static const std::string name = "fuzz_" + std::to_string(::getpid());
  return name;
}

bool WriteSegment(const std::vector<std::uint8_t>& image) {
  const std::string path = "/" + cb::IWrapper::SegmentName(RingName());
  ::shm_unlink(path.c_str());
  const int fd = ::shm_open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
  if (fd < 0) return false;
  bool ok = ::ftruncate(fd, static_cast<off_t>(image.size())) == 0;
  std::size_t written = 0;
  while (ok && written < image.size()) {
    const ssize_t n =
        ::pwrite(fd, image.data() + written, image.size() - written, static_cast<off_t>(written));
    ok = n > 0;
    if (ok) written += static_cast<std::size_t>(n);
  }
  ::close(fd);
  return ok;
}

void ValidHeader(std::vector<std::uint8_t>& image, std::uint64_t capacity, std::uint64_t commit) {
  auto* segment = reinterpret_cast<layout::Segment*>(image.data());
  segment->header.magic = layout::kMagic;
  segment->header.layout_version = layout::kLayoutVersion;
  segment->header.header_bytes = static_cast<std::uint32_t>(layout::kDataOffset);
  segment->header.capacity_bytes = capacity;
  segment->header.max_message_bytes = static_cast<std::uint32_t>(layout::MaxMessageBytes(capacity));
  segment->header.reader_slot_count = layout::kReaderSlots;
  segment->header.generation.store(1, std::memory_order_relaxed);
  segment->commit.value.store(commit, std::memory_order_relaxed);
  segment->reserve.value.store(commit, std::memory_order_relaxed);
  segment->header.initialized.store(layout::kInitializedValue, std::memory_order_relaxed);
}

void Exercise(cb::Reader& reader) {
  std::vector<std::byte> buffer(layout::kMaxMessageBytes + 1);
  for (int i = 0; i < 64; ++i) {
    ringlib::ReadResult result{ringlib::ReadStatus::kEmpty, 0};
    if (i % 2 == 0) {
      result = reader.TryRead(buffer);
    } else {
      std::size_t seen = 0;
      result = reader.TryReadInPlace([&seen](std::span<const std::byte> bytes) {
        volatile std::uint8_t sink = 0;
        for (std::byte b : bytes) sink = sink ^ static_cast<std::uint8_t>(b);
        (void)sink;
        seen = bytes.size();
      });
      if (result.ok() && seen != result.size) std::abort();
    }
    if (result.ok() && result.size > reader.max_message_bytes()) std::abort();
    if (result.status == ringlib::ReadStatus::kLapped) reader.Resync();
    if (result.status != ringlib::ReadStatus::kMessage &&
        result.status != ringlib::ReadStatus::kLapped &&
        result.status != ringlib::ReadStatus::kBufferTooSmall) {
      break;  // empty, corrupt, writer closed / dead / restarted: the end of this stream
    }
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  Cursor input{data + 1, size - 1};
  std::vector<std::uint8_t> image;
  std::uint64_t commit_after = 0, reserve_after = 0;
  std::uint8_t flags = 0;
  const bool structured = (data[0] & 1) == 0;
  if (structured) {
    const std::uint64_t capacity = (data[0] & 2) != 0 ? 8192 : 4096;
    image.assign(layout::kDataOffset + capacity, 0);
    const auto commit_at_attach = input.Take<std::uint64_t>();
    commit_after = input.Take<std::uint64_t>();
    reserve_after = input.Take<std::uint64_t>();
    flags = input.Take<std::uint8_t>();
    ValidHeader(image, capacity, commit_at_attach);
    if ((flags & 4) != 0) {
      const auto offset = input.Take<std::uint8_t>();
      const auto value = input.Take<std::uint64_t>();
      std::memcpy(image.data() + 128 + offset % 120, &value, sizeof value);
      // Keep the "initialized" word: without it a reader waits 2 s for the
      // creator (tests/reliability covers that path), too slow to fuzz.
      reinterpret_cast<layout::Segment*>(image.data())
          ->header.initialized.store(layout::kInitializedValue, std::memory_order_relaxed);
    }
    const std::size_t data_bytes = std::min<std::size_t>(input.remaining(), capacity);
    if (data_bytes != 0) std::memcpy(image.data() + layout::kDataOffset, input.here(), data_bytes);
  } else {
    image.assign(input.here(), input.here() + input.remaining());
    const std::size_t word =
        offsetof(layout::Segment, header) + offsetof(layout::RingHeader, initialized);
    if (image.size() >= word + 4) std::memcpy(image.data() + word, &layout::kInitializedValue, 4);
  }
  if (!WriteSegment(image)) std::abort();
  try {
    cb::ReaderOptions options;
    options.lap_policy = ringlib::LapPolicy::kReport;  // kTerminate would exit the fuzzer
    options.liveness_interval = std::chrono::milliseconds(0);
    options.register_slot = structured && (flags & 8) != 0;
    cb::Reader reader(RingName(), options);
    if (structured) {
      // The hostile writer moves its counters after the reader attached.
      auto& segment = reader.segment();
      segment.reserve.value.store(reserve_after, std::memory_order_relaxed);
      segment.commit.value.store(commit_after, std::memory_order_release);
      if ((flags & 1) != 0) segment.writer.closed.store(1, std::memory_order_release);
      if ((flags & 2) != 0) segment.header.generation.fetch_add(1, std::memory_order_release);
    }
    Exercise(reader);
  } catch (const ringlib::Error& error) {
    if (std::string(error.what()).empty()) std::abort();
  }
  ringlib::SharedMemory::Remove(cb::IWrapper::SegmentName(RingName()));
  return 0;
}
