// The segment layout. All offsets are fixed; nothing in shared memory is a
// pointer. docs/design.md draws this picture; the static_asserts below pin it.
//
//   0     SegmentControl: reference count                 (SharedMemory's, 128 B)
//   128   RingHeader: magic, version, sizes, generation, "initialized" (128 B)
//   256   reserve position: writer's "tail intent"          (own 128 B line)
//   384   commit position                                   (own 128 B line)
//   512   futex wake word + sleeping-reader count           (own 128 B line)
//   640   writer liveness: pid, start time, closed flag     (own 128 B line)
//   768   reader slots for monitoring, kReaderSlots x 64 B
//   8192  data: capacity_bytes, a power of two
//
// Lines are 128 bytes, not 64: Intel's adjacent-line prefetcher pulls pairs of
// 64-byte lines, so 64-byte padding still lets the writer's and readers' hot
// counters disturb each other.
#pragma once

#include <atomic>
#include <cstddef>
#include <cstdint>

#include "ringlib/shared_memory.hpp"

namespace ringlib::layout {

inline constexpr std::size_t kLineBytes = 128;
inline constexpr std::uint64_t kMagic = 0x31474e4952424c52ULL;  // "RLBRING1" little-endian
inline constexpr std::uint32_t kLayoutVersion = 2;
inline constexpr std::uint32_t kInitializedValue = 0x52454459;  // "READY"

// Records: an 8-byte header word, then the payload, padded to 8 bytes.
//   bits  0-31  payload length
//   bits 32-47  record type
//   bits 48-63  the low 16 bits of the generation of the writer that wrote it
// The writer stores the header word last (release), so it publishes its
// record: a reader polls the header word at its position, not the commit
// word. The word after the last record is 0 ("nothing yet"): the writer
// zeroes it before it publishes the record in front of it. A valid header is
// never 0 (the type is not). docs/design.md, "Ordering protocol".
inline constexpr std::uint64_t kRecordHeaderBytes = 8;
inline constexpr std::uint64_t kRecordAlignment = 8;
inline constexpr std::uint32_t kDataRecordType = 1;
inline constexpr std::uint32_t kPaddingRecordType = 2;  // PADDING_MSG_TYPE_ID in Aeron's terms

// The high 32 bits of a header word: type and generation tag.
constexpr std::uint64_t RecordKind(std::uint32_t type, std::uint64_t generation) noexcept {
  return (std::uint64_t{type} & 0xffff) | ((generation & 0xffff) << 16);
}
constexpr std::uint64_t RecordHeader(std::uint64_t payload_bytes, std::uint32_t type,
                                     std::uint64_t generation) noexcept {
  return payload_bytes | (RecordKind(type, generation) << 32);
}
// The kinds (high halves of the header words) of one writer generation's
// records: a header is that stream's record only if its kind is one of them.
struct RecordKinds {
  std::uint64_t data = 0;
  std::uint64_t padding = 0;
  [[nodiscard]] constexpr bool Contains(std::uint64_t kind) const noexcept {
    return kind == data || kind == padding;
  }
};
constexpr RecordKinds KindsOf(std::uint64_t generation) noexcept {
  return {RecordKind(kDataRecordType, generation), RecordKind(kPaddingRecordType, generation)};
}

// The ring's message limit: below 2^16 bytes.
inline constexpr std::uint64_t kMaxMessageBytes = 65535;
inline constexpr std::uint64_t kMinCapacityBytes = std::uint64_t{1} << 12;  // 4 KiB
inline constexpr std::uint64_t kMaxCapacityBytes = std::uint64_t{1} << 34;  // 16 GiB

constexpr std::uint64_t AlignedRecordBytes(std::uint64_t payload_bytes) noexcept {
  return (kRecordHeaderBytes + payload_bytes + kRecordAlignment - 1) & ~(kRecordAlignment - 1);
}
// MAX_MESSAGE_LENGTH(capacity): a record may take at most half the ring, so a
// reader always has room to be behind by at least one message.
constexpr std::uint64_t MaxMessageBytes(std::uint64_t capacity_bytes) noexcept {
  const std::uint64_t half = capacity_bytes / 2 - kRecordHeaderBytes;
  return half < kMaxMessageBytes ? half : kMaxMessageBytes;
}
// The one check of a header word read from the ring (it may be garbage: a
// lap, a corrupt segment). The aligned size of the record it heads at
// `offset` if that is a whole record of `kinds`' stream: data of at most
// `max_message` bytes ending within the data area, or padding reaching
// exactly its end. 0 (never a record's size) otherwise.
// WholeDataRecordBytes is its data half, which Reader's inline path checks
// alone (data records only: 0 for padding).
constexpr std::uint64_t WholeDataRecordBytes(std::uint64_t header, std::uint64_t offset,
                                             std::uint64_t capacity, std::uint64_t max_message,
                                             std::uint64_t data_kind) noexcept {
  const auto length = static_cast<std::uint32_t>(header);
  const std::uint64_t record_bytes = AlignedRecordBytes(length);
  const bool is_data = (header >> 32) == data_kind && length <= max_message &&
                       offset + record_bytes <= capacity;
  return is_data ? record_bytes : 0;
}
constexpr std::uint64_t WholeRecordBytes(std::uint64_t header, std::uint64_t offset,
                                         std::uint64_t capacity, std::uint64_t max_message,
                                         RecordKinds kinds) noexcept {
  const std::uint64_t record_bytes = AlignedRecordBytes(static_cast<std::uint32_t>(header));
  const bool is_data = WholeDataRecordBytes(header, offset, capacity, max_message, kinds.data) != 0;
  const bool is_padding = (header >> 32) == kinds.padding && offset + record_bytes == capacity;
  return is_data || is_padding ? record_bytes : 0;
}

struct alignas(kLineBytes) RingHeader {
  std::uint64_t magic;
  std::uint32_t layout_version;
  std::uint32_t header_bytes;  // offset of the data area
  std::uint64_t capacity_bytes;
  std::uint32_t max_message_bytes;
  std::uint32_t reader_slot_count;
  std::int32_t creator_pid;
  std::uint32_t flags;  // reserved, 0
  // Bumped (release) by a writer that takes over from a dead one; readers
  // compare it with the value they attached with whenever they reload commit.
  std::atomic<std::uint64_t> generation;
  // Written last by the creator (release); openers wait for it (acquire)
  // before trusting any other field.
  std::atomic<std::uint32_t> initialized;
};

struct alignas(kLineBytes) PositionLine {
  std::atomic<std::uint64_t> value;
};

struct alignas(kLineBytes) WakeLine {
  std::atomic<std::uint32_t> wake_sequence;  // futex word: bumped by the writer to wake sleepers
  std::atomic<std::uint32_t> sleepers;       // readers inside futex_wait (or about to be)
};

struct alignas(kLineBytes) WriterLine {
  std::atomic<std::int32_t> pid;
  std::atomic<std::uint32_t> closed;  // 1 after a clean Close(); release, after the last commit
  std::atomic<std::uint64_t> start_time_ticks;  // /proc/<pid>/stat field 22, tells pid reuse apart
};

struct alignas(64) ReaderSlot {
  std::atomic<std::int32_t> pid;
  std::atomic<std::uint32_t> flags;
  std::atomic<std::uint64_t> position;
  std::atomic<std::uint64_t> lapped_count;
};
inline constexpr std::uint32_t kReaderSlots = 64;

struct Segment {
  SegmentControl control;
  RingHeader header;
  PositionLine reserve;
  PositionLine commit;
  WakeLine wake;
  WriterLine writer;
  ReaderSlot slots[kReaderSlots];
};

inline constexpr std::size_t kDataOffset = 8192;
static_assert(sizeof(Segment) <= kDataOffset);
static_assert(offsetof(Segment, control) == 0);
static_assert(offsetof(Segment, header) == 128);
static_assert(offsetof(Segment, reserve) == 256);
static_assert(offsetof(Segment, commit) == 384);
static_assert(offsetof(Segment, wake) == 512);
static_assert(offsetof(Segment, writer) == 640);
static_assert(offsetof(Segment, slots) == 768);
static_assert(offsetof(RingHeader, generation) == 40);
static_assert(offsetof(RingHeader, initialized) == 48);
static_assert(std::atomic<std::uint64_t>::is_always_lock_free);
static_assert(std::atomic<std::uint32_t>::is_always_lock_free);
static_assert(std::atomic<std::int32_t>::is_always_lock_free);

// OFD lock bytes (file offsets) beside SharedMemory's participant byte.
inline constexpr off_t kWriterLockByte = 1;         // held exclusively by the live writer
inline constexpr off_t kReaderSlotLockByte0 = 64;   // + slot index: held by a registered reader

}  // namespace ringlib::layout
