// Cold paths of the ring: creating, validating, attaching, reporting, idling.
#include "ringlib/circular_buffer.hpp"

#include <linux/futex.h>
#include <linux/membarrier.h>
#include <sched.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cinttypes>
#include <climits>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <algorithm>
#include <limits>
#include <sstream>
#include <thread>

namespace ringlib {

std::string_view ToString(ReadStatus status) noexcept {
  switch (status) {
    case ReadStatus::kMessage: return "message";
    case ReadStatus::kEmpty: return "empty";
    case ReadStatus::kLapped: return "lapped";
    case ReadStatus::kWriterClosed: return "writer closed";
    case ReadStatus::kWriterDead: return "writer dead";
    case ReadStatus::kWriterRestarted: return "writer restarted";
    case ReadStatus::kTimedOut: return "timed out";
    case ReadStatus::kBufferTooSmall: return "buffer too small";
    case ReadStatus::kCorrupt: return "corrupt";
  }
  return "unknown";
}

namespace CircularBuffer {
namespace detail_cold {

constexpr std::string_view kSegmentPrefix = "ringlib.";

std::uint64_t ProcessStartTimeTicks() {
  // Field 22 of /proc/self/stat; the command name (field 2) may hold spaces,
  // so count from the last ')'.
  std::ifstream stat("/proc/self/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return 0;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  for (int index = 3; index <= 22 && fields >> field; ++index) {
    if (index == 22) return std::strtoull(field.c_str(), nullptr, 10);
  }
  return 0;
}

std::string Describe(const std::string& segment) {
  return "segment \"" + segment + "\" (/dev/shm/" + segment + ")";
}

[[noreturn]] void Mismatch(const std::string& segment, const char* what, std::uint64_t found,
                           std::uint64_t expected) {
  throw Error(ErrorCode::kLayoutMismatch, Describe(segment) + ": " + what + " is " +
                                              std::to_string(found) + " in the segment, expected " +
                                              std::to_string(expected));
}

void ValidateCapacity(std::uint64_t capacity_bytes) {
  const bool power_of_two = capacity_bytes != 0 && (capacity_bytes & (capacity_bytes - 1)) == 0;
  if (!power_of_two || capacity_bytes < layout::kMinCapacityBytes ||
      capacity_bytes > layout::kMaxCapacityBytes) {
    throw Error(ErrorCode::kInvalidArgument,
                "capacity " + std::to_string(capacity_bytes) +
                    " bytes: expected a power of two from 4096 (4 KiB) to 17179869184 (16 GiB)");
  }
}

// Everything an opener checks before trusting the header. The mapping is the
// fstat size, so a lying header cannot send any access out of bounds.
void ValidateSegment(const SharedMemory& shm) {
  const std::string& name = shm.name();
  if (shm.size_bytes() < layout::kDataOffset) {
    Mismatch(name, "the mapped size (bytes)", shm.size_bytes(), layout::kDataOffset);
  }
  const auto& header = shm.As<layout::Segment>()->header;
  if (header.initialized.load(std::memory_order_acquire) != layout::kInitializedValue) {
    throw Error(ErrorCode::kNotInitialized, Describe(name) + " was never initialised by a writer");
  }
  if (header.magic != layout::kMagic) Mismatch(name, "the magic", header.magic, layout::kMagic);
  if (header.layout_version != layout::kLayoutVersion) {
    Mismatch(name, "the layout version", header.layout_version, layout::kLayoutVersion);
  }
  if (header.header_bytes != layout::kDataOffset) {
    Mismatch(name, "the header size (bytes)", header.header_bytes, layout::kDataOffset);
  }
  try {
    ValidateCapacity(header.capacity_bytes);
  } catch (const Error& error) {
    throw Error(ErrorCode::kLayoutMismatch, Describe(name) + ": " + error.what());
  }
  if (shm.size_bytes() != layout::kDataOffset + header.capacity_bytes) {
    Mismatch(name, "the header's size (data offset + capacity, bytes)",
             layout::kDataOffset + header.capacity_bytes, shm.size_bytes());
  }
  if (header.max_message_bytes != layout::MaxMessageBytes(header.capacity_bytes)) {
    Mismatch(name, "the maximum message size (bytes)", header.max_message_bytes,
             layout::MaxMessageBytes(header.capacity_bytes));
  }
  if (header.reader_slot_count != layout::kReaderSlots) {
    Mismatch(name, "the reader slot count", header.reader_slot_count, layout::kReaderSlots);
  }
}

void InitializeSegment(const SharedMemory& shm, std::uint64_t capacity_bytes) {
  auto* segment = shm.As<layout::Segment>();
  auto& header = segment->header;
  header.magic = layout::kMagic;
  header.layout_version = layout::kLayoutVersion;
  header.header_bytes = static_cast<std::uint32_t>(layout::kDataOffset);
  header.capacity_bytes = capacity_bytes;
  header.max_message_bytes = static_cast<std::uint32_t>(layout::MaxMessageBytes(capacity_bytes));
  header.reader_slot_count = layout::kReaderSlots;
  header.creator_pid = static_cast<std::int32_t>(::getpid());
  header.flags = 0;
  header.generation.store(1, std::memory_order_relaxed);
  segment->reserve.value.store(0, std::memory_order_relaxed);
  segment->commit.value.store(0, std::memory_order_relaxed);
  // Pairs with the acquire load in WaitInitialized / ValidateSegment: a
  // reader that sees the word sees every field above.
  header.initialized.store(layout::kInitializedValue, std::memory_order_release);
}

bool WaitInitialized(const SharedMemory& shm, std::chrono::milliseconds timeout) {
  if (shm.size_bytes() < layout::kDataOffset) return true;  // ValidateSegment reports it
  const auto& word = shm.As<layout::Segment>()->header.initialized;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (word.load(std::memory_order_acquire) != layout::kInitializedValue) {
    if (std::chrono::steady_clock::now() >= deadline) return false;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

}  // namespace detail_cold

using namespace detail_cold;

std::string IWrapper::SegmentName(std::string_view ring_name) {
  return std::string(kSegmentPrefix) + std::string(ring_name);
}
bool IWrapper::Exists(std::string_view ring_name) {
  return SharedMemory::Exists(SegmentName(ring_name));
}
void IWrapper::Remove(std::string_view ring_name) { SharedMemory::Remove(SegmentName(ring_name)); }

IWrapper::IWrapper(std::string ring_name, SharedMemory shm)
    : ring_name_(std::move(ring_name)), shm_(std::move(shm)) {
  ValidateSegment(shm_);
  segment_ = shm_.As<layout::Segment>();
  capacity_ = segment_->header.capacity_bytes;
  mask_ = capacity_ - 1;
  max_message_ = segment_->header.max_message_bytes;
}

std::uint32_t IWrapper::registered_readers() const noexcept {
  std::uint32_t count = 0;
  for (const auto& slot : segment_->slots) {
    // Acquire pairs with RegisterSlot's release store of the flags.
    if ((slot.flags.load(std::memory_order_acquire) & kSlotInUse) != 0) ++count;
  }
  return count;
}

// ----------------------------------------------------------------- Writer

Writer::Attachment Writer::AttachWriter(const std::string& ring_name,
                                        const WriterOptions& options) {
  ValidateCapacity(options.capacity_bytes);
  const std::string segment = SegmentName(ring_name);
  const std::size_t total_bytes = layout::kDataOffset + options.capacity_bytes;
  for (int attempt = 0;; ++attempt) {
    SharedMemory shm(segment, OpenMode::kCreateOrOpen, total_bytes,
                     SharedMemoryOptions{options.mode, {}, options.prefault});
    if (!shm.TryLockByteExclusive(layout::kWriterLockByte)) {
      const auto* seg = shm.As<layout::Segment>();
      const std::int32_t pid = shm.size_bytes() >= layout::kDataOffset
                                   ? seg->writer.pid.load(std::memory_order_relaxed)
                                   : 0;
      throw Error(ErrorCode::kWriterAlreadyActive,
                  Describe(segment) + " already has a live writer (pid " + std::to_string(pid) +
                      "); one writer per ring");
    }
    if (shm.created()) {
      InitializeSegment(shm, options.capacity_bytes);
      return {std::move(shm), false};
    }
    // An existing segment without a live writer.
    if (shm.IsSoleParticipant() && attempt < 8) {
      // Nobody holds it: a leftover of processes that were killed. Reclaim
      // it by unlinking and creating afresh (our mapping stays valid until
      // `shm` goes out of scope, and its destructor sees st_nlink == 0).
      shm.Unlink();
      continue;
    }
    // Readers are attached (waiting for a writer, or left by a dead one):
    // take the stream over if the layout is ours and the capacity matches.
    if (!WaitInitialized(shm, std::chrono::milliseconds(0)) &&
        shm.size_bytes() == total_bytes) {
      InitializeSegment(shm, options.capacity_bytes);  // its creator died mid-way
      return {std::move(shm), false};
    }
    ValidateSegment(shm);
    const std::uint64_t capacity = shm.As<layout::Segment>()->header.capacity_bytes;
    if (capacity != options.capacity_bytes) {
      throw Error(ErrorCode::kLayoutMismatch,
                  Describe(segment) + " has readers attached and a capacity of " +
                      std::to_string(capacity) + " bytes; this writer asked for " +
                      std::to_string(options.capacity_bytes) + " bytes");
    }
    return {std::move(shm), true};
  }
}

Writer::Writer(const std::string& ring_name, const WriterOptions& options)
    : Writer(ring_name, options, AttachWriter(ring_name, options)) {}

Writer::Writer(const std::string& ring_name, const WriterOptions& options, Attachment attachment)
    : IWrapper(ring_name, std::move(attachment.first)),
      took_over_(attachment.second),
      tethered_(options.tethered),
      asymmetric_w1_(detail::RegisterAsymmetricBarrierTarget()),
      tether_liveness_interval_(options.tether_liveness_interval),
      release_tether_(options.release_tether) {
  reserve_ahead_ = options.reserve_ahead_bytes == WriterOptions::kAutoReserveAhead
                       ? capacity_ / 16
                       : options.reserve_ahead_bytes;
  if (reserve_ahead_ > capacity_ / 4) {
    throw Error(ErrorCode::kInvalidArgument,
                "reserve_ahead_bytes " + std::to_string(reserve_ahead_) +
                    ": expected at most capacity / 4 = " + std::to_string(capacity_ / 4));
  }
  // Aligned up: only a corrupt segment holds an unaligned commit.
  position_ = (segment_->commit.value.load(std::memory_order_acquire) + layout::kRecordAlignment - 1) &
              ~(layout::kRecordAlignment - 1);
  reserve_published_ = segment_->reserve.value.load(std::memory_order_relaxed);
  std::uint64_t generation = segment_->header.generation.load(std::memory_order_acquire);
  if (took_over_) {
    // Readers follow header words, so they may have read records of the
    // previous writer beyond its last commit (it died between publishing a
    // record and storing commit). Continue after the last record it
    // published: a reader that read it is then not misaligned with this
    // stream, and nothing it read is overwritten before a lap. Commit covers
    // those records before the generation moves, so a reader that attaches
    // with the new generation starts where this writer does.
    position_ = EndOfPublishedRecords(position_, generation);
    EnsureReserved(position_ + layout::kRecordHeaderBytes);
    detail::StoreWord(data() + (position_ & mask_), 0);  // "nothing yet", as after every record
    segment_->commit.value.store(position_, std::memory_order_release);
    // Readers notice the new stream before reading anything of it: its
    // headers carry the new generation's tag, which sends a reader of the
    // old one to reload commit and compare the generation (acquire).
    generation = segment_->header.generation.fetch_add(1, std::memory_order_release) + 1;
  }
  kinds_ = layout::KindsOf(generation);
  segment_->writer.start_time_ticks.store(ProcessStartTimeTicks(), std::memory_order_relaxed);
  segment_->writer.pid.store(static_cast<std::int32_t>(::getpid()), std::memory_order_relaxed);
  segment_->writer.closed.store(0, std::memory_order_release);
}

Writer::~Writer() { Close(); }

void Writer::Close() noexcept {
  if (closed_ || segment_ == nullptr) return;
  closed_ = true;
  // Release after the last commit: a reader that sees `closed` and then
  // reloads commit sees the final position (pairs with ReloadCommit's acquire).
  segment_->writer.closed.store(1, std::memory_order_release);
  // No fence needed: the wake is unconditional, and its release CAS on the
  // futex word follows the closed store. A reader whose mark (seq_cst RMW)
  // comes after the CAS reads from it and so sees closed = 1; one whose mark
  // comes before waits on a value the CAS changes, so its wait returns.
  Wake();
}

void Writer::Wake() noexcept {
  // Clear the sleeper mark and change the value in one step: (v | mark) + 1
  // is even and differs from v, so every futex_wait on an earlier value
  // returns, and the next message makes no system call unless a reader
  // marks the word again (a stopped sleeper never does).
  auto& word = segment_->wake.wake_sequence;
  std::uint32_t value = word.load(std::memory_order_relaxed);
  while (!word.compare_exchange_weak(value, (value | detail::kSleeperMark) + 1,
                                     std::memory_order_release, std::memory_order_relaxed)) {
  }
  detail::FutexWakeAll(&word);
}

void Writer::ThrowTooLarge(std::size_t payload_bytes) const {
  throw Error(ErrorCode::kMessageTooLarge,
              "message of " + std::to_string(payload_bytes) + " bytes for ring \"" + ring_name_ +
                  "\": the maximum is " + std::to_string(max_message_) +
                  " bytes (below 65,536 and at most half the capacity of " +
                  std::to_string(capacity_) + " bytes); nothing was written");
}

std::uint64_t Writer::MinTetheredPosition(bool check_liveness) noexcept {
  std::uint64_t minimum = std::numeric_limits<std::uint64_t>::max();
  for (std::uint32_t i = 0; i < layout::kReaderSlots; ++i) {
    auto& slot = segment_->slots[i];
    const std::uint32_t flags = slot.flags.load(std::memory_order_acquire);
    if ((flags & kSlotTethered) == 0) continue;
    if (check_liveness &&
        !shm_.IsByteLockedByOther(layout::kReaderSlotLockByte0 + static_cast<off_t>(i))) {
      // Its owner died: the kernel released the slot lock. Stop waiting for it.
      std::uint32_t expected = flags;
      slot.flags.compare_exchange_strong(expected, 0, std::memory_order_relaxed);
      continue;
    }
    // Acquire pairs with the reader's release store of its position: the
    // reader's copies of the bytes below it are complete.
    minimum = std::min(minimum, slot.position.load(std::memory_order_acquire));
  }
  return minimum;
}

std::uint64_t Writer::EndOfPublishedRecords(std::uint64_t commit,
                                            std::uint64_t generation) const noexcept {
  // The previous writer is dead (we hold the writer lock): its records are
  // stable. At most a padding record and one data record lie beyond its
  // commit (which the caller aligned); the walk is bounded by its reserve
  // anyway, and stops at the first word that is not a whole record of that
  // generation ("nothing yet" after a well-formed stream).
  const layout::RecordKinds kinds = layout::KindsOf(generation);
  const std::uint64_t reserve = segment_->reserve.value.load(std::memory_order_acquire);
  std::uint64_t position = commit;
  while (position < reserve && position - commit < capacity_) {
    const std::uint64_t offset = position & mask_;
    const std::uint64_t record_bytes = layout::WholeRecordBytes(
        detail::LoadHeader(data() + offset), offset, capacity_, max_message_, kinds);
    if (record_bytes == 0 || position + record_bytes > reserve) break;
    position += record_bytes;
  }
  return position;
}

std::uint64_t Writer::TetheredReserve(std::uint64_t end) noexcept {
  auto next_liveness_check = std::chrono::steady_clock::now() + tether_liveness_interval_;
  for (std::uint32_t round = 0;; ++round) {
    // Only a writer that has been blocked for a while asks the kernel which
    // tethered readers are still alive (one fcntl per slot).
    bool check = false;
    if (round >= 64) {
      const auto now = std::chrono::steady_clock::now();
      if (now >= next_liveness_check) {
        check = true;
        next_liveness_check = now + tether_liveness_interval_;
      }
    }
    const std::uint64_t slowest = MinTetheredPosition(check);
    if (slowest == std::numeric_limits<std::uint64_t>::max()) return end + reserve_ahead_;
    // Publish no reserve beyond slowest + capacity: a tethered reader is then
    // never reported lapped, not even by the conservative reserve-ahead check.
    // Wait for a whole block of room (up to reserve_ahead_ beyond end), not
    // just for `end`: a writer that runs ahead of its readers then scans the
    // slots once per block instead of once per message (ring_bench measured
    // 5 M messages/s with 32-byte messages when it rescanned per message).
    // The target never exceeds position_ + capacity: the readers can always
    // get there, since everything below position_ is committed.
    const std::uint64_t wanted = std::max(end, std::min(end + reserve_ahead_, position_ + capacity_));
    if (slowest + capacity_ >= wanted) {
      return std::min(end + reserve_ahead_, slowest + capacity_);
    }
    if (round < 64) {
      detail::CpuRelax();
    } else {
      // Relaxed: the flag carries no data, only "stop waiting".
      if (release_tether_ != nullptr && release_tether_->load(std::memory_order_relaxed)) {
        return end + reserve_ahead_;
      }
      sched_yield();
    }
  }
}

// ----------------------------------------------------------------- Reader

SharedMemory Reader::AttachReader(const std::string& ring_name, const ReaderOptions& options) {
  if (options.spin_before_idle < std::chrono::nanoseconds::zero()) {
    throw Error(ErrorCode::kInvalidArgument,
                "ring \"" + ring_name + "\": ReaderOptions::spin_before_idle is " +
                    std::to_string(options.spin_before_idle.count()) +
                    " ns; expected 0 or more");
  }
  if (options.catch_up_backoff < std::chrono::nanoseconds::zero()) {
    throw Error(ErrorCode::kInvalidArgument,
                "ring \"" + ring_name + "\": ReaderOptions::catch_up_backoff is " +
                    std::to_string(options.catch_up_backoff.count()) +
                    " ns; expected 0 (off) or more");
  }
  SharedMemory shm(SegmentName(ring_name), OpenMode::kOpenExisting, 0,
                   SharedMemoryOptions{0600, options.attach_timeout, options.prefault});
  // A writer may still be initialising the header (creation race).
  const auto wait = std::max(options.attach_timeout, std::chrono::milliseconds(2000));
  if (!WaitInitialized(shm, wait)) {
    throw Error(ErrorCode::kNotInitialized,
                Describe(shm.name()) + " was not initialised by its writer within " +
                    std::to_string(wait.count()) + " ms");
  }
  return shm;
}

Reader::Reader(const std::string& ring_name, const ReaderOptions& options)
    : IWrapper(ring_name, AttachReader(ring_name, options)), options_(options) {
  attached_generation_ = segment_->header.generation.load(std::memory_order_acquire);
  // Late join: the live end. The header word there reads "nothing yet" or
  // is the next record's: the writer zeroed it before storing this commit.
  position_ = segment_->commit.value.load(std::memory_order_acquire);
  cached_commit_ = position_;
  next_publish_ = position_ + capacity_ / 64;  // RegisterSlot stores position_ in the slot
  kinds_ = layout::KindsOf(attached_generation_);
  // The first liveness check is one interval after attaching, not at the
  // first empty poll: a reader that first finds the ring empty only after
  // its writer was replaced would otherwise call that writer dead at once,
  // although its interval (the bound on noticing a dead writer) had not
  // passed, and miss the takeover (writer_fault_test found this).
  next_liveness_check_ns_ = detail::CoarseNowNs() + LivenessIntervalNs();
  // Records start 8-byte aligned; a position that is not cannot come from a
  // writer of this layout, and reading a header there could run past the
  // end of the mapping.
  if (position_ % layout::kRecordAlignment != 0) {
    throw Error(ErrorCode::kCorrupt, Describe(shm_.name()) + ": commit position " +
                                         std::to_string(position_) +
                                         " is not a multiple of the record alignment (8)");
  }
  if (options.register_slot || options.tethered) RegisterSlot();
  pauses_per_poll_ = detail::PausesPerPoll();  // measured now, not in the first wait
}

Reader::Reader(Reader&& other) noexcept
    : IWrapper(std::move(other)),
      options_(other.options_),
      position_(other.position_),
      cached_commit_(other.cached_commit_),
      attached_generation_(other.attached_generation_),
      kinds_(other.kinds_),
      next_liveness_check_ns_(other.next_liveness_check_ns_),
      messages_read_(other.messages_read_),
      laps_(other.laps_),
      copies_rejected_(other.copies_rejected_),
      waits_(other.waits_),
      messages_read_at_last_wait_(other.messages_read_at_last_wait_),
      last_lap_(other.last_lap_),
      slot_(std::exchange(other.slot_, nullptr)),
      slot_index_(std::exchange(other.slot_index_, -1)),
      next_publish_(other.next_publish_),
      pauses_per_poll_(other.pauses_per_poll_) {}

Reader::~Reader() { ReleaseSlot(); }

void Reader::RegisterSlot() {
  for (std::uint32_t i = 0; i < layout::kReaderSlots; ++i) {
    // The slot's lock byte is the kernel's record of its owner being alive.
    if (!shm_.TryLockByteExclusive(layout::kReaderSlotLockByte0 + static_cast<off_t>(i))) continue;
    auto& slot = segment_->slots[i];
    slot.pid.store(static_cast<std::int32_t>(::getpid()), std::memory_order_relaxed);
    slot.lapped_count.store(0, std::memory_order_relaxed);
    slot.position.store(position_, std::memory_order_release);
    slot.flags.store(kSlotInUse | (options_.tethered ? kSlotTethered : 0), std::memory_order_release);
    slot_ = &slot;
    slot_index_ = static_cast<int>(i);
    return;
  }
  throw Error(ErrorCode::kInvalidArgument,
              "ring \"" + ring_name_ + "\": all " + std::to_string(layout::kReaderSlots) +
                  " reader slots are taken; read without register_slot/tethered");
}

void Reader::ReleaseSlot() noexcept {
  if (slot_ == nullptr) return;
  slot_->flags.store(0, std::memory_order_release);
  slot_->pid.store(0, std::memory_order_relaxed);
  shm_.UnlockByte(layout::kReaderSlotLockByte0 + static_cast<off_t>(slot_index_));
  slot_ = nullptr;
  slot_index_ = -1;
}

ReadStatus Reader::ReloadCommit(std::uint64_t header) noexcept {
  if (segment_->header.generation.load(std::memory_order_acquire) != attached_generation_) {
    return ReadStatus::kWriterRestarted;
  }
  const std::uint64_t now = detail::CoarseNowNs();
  const bool check_due = now >= next_liveness_check_ns_;
  // "Nothing yet" (0) with the writer's reserve within a ring of us: nothing
  // here was overwritten, and a record the writer publishes here shows in
  // this header word, which the next poll reads ([H1] -> [H2]). Then the
  // commit line is left alone (but once per liveness interval, below): the
  // writer stores it per message, and a caught-up reader that loaded it on
  // every empty poll took it away from the writer each time. With small
  // records zeroed ahead, that was most of what the round trip cost above
  // the bare atomic ping-pong (docs/benchmarks.md). Any other word here
  // (another generation's record, a corrupt header), or a reserve more than
  // a ring ahead (a lap), checks commit at once.
  const bool nothing_yet =
      header == 0 && segment_->reserve.value.load(std::memory_order_relaxed) - position_ <= capacity_;
  if (!nothing_yet || check_due) {
    // [C2] pairs with the writer's commit store [C1].
    const std::uint64_t commit = segment_->commit.value.load(std::memory_order_acquire);
    // Commit may trail this reader: the writer publishes a record by its
    // header word [H1] and stores commit after it.
    if (commit > position_) {
      cached_commit_ = commit;
      return ReadStatus::kMessage;
    }
  }
  // Caught up. Has the stream ended? `closed` is stored (release) after the
  // last commit, so reloading commit after seeing it gives the final position.
  if (segment_->writer.closed.load(std::memory_order_acquire) != 0) {
    const std::uint64_t commit = segment_->commit.value.load(std::memory_order_acquire);
    if (commit <= position_) return ReadStatus::kWriterClosed;
    cached_commit_ = commit;
    return ReadStatus::kMessage;
  }
  if (check_due) {
    next_liveness_check_ns_ = now + LivenessIntervalNs();
    if (!WriterAlive() &&
        segment_->commit.value.load(std::memory_order_acquire) <= position_ &&
        segment_->writer.closed.load(std::memory_order_acquire) == 0) {
      return ReadStatus::kWriterDead;
    }
  }
  return ReadStatus::kEmpty;
}

bool Reader::WriterAlive() const { return shm_.IsByteLockedByOther(layout::kWriterLockByte); }

ReadResult Reader::Lapped(bool after_copy) noexcept {
  const std::uint64_t reserve = segment_->reserve.value.load(std::memory_order_acquire);
  last_lap_.reader_position = position_;
  last_lap_.writer_position = reserve;
  last_lap_.bytes_behind = reserve - position_;
  last_lap_.bytes_lost = last_lap_.bytes_behind > capacity_ ? last_lap_.bytes_behind - capacity_ : 0;
  ++laps_;
  if (after_copy) ++copies_rejected_;
  if (slot_ != nullptr) {
    slot_->lapped_count.fetch_add(1, std::memory_order_relaxed);
    slot_->flags.fetch_or(kSlotLapped, std::memory_order_relaxed);
  }
  if (options_.lap_policy == LapPolicy::kTerminate) TerminateLapped();
  return {ReadStatus::kLapped, 0};
}

void Reader::TerminateLapped() noexcept {
  std::fprintf(stderr,
               "ringlib: reader of ring \"%s\" (/dev/shm/%s) was lapped: reader position %" PRIu64
               ", writer position %" PRIu64 ", %" PRIu64 " bytes behind a %" PRIu64
               "-byte ring, %" PRIu64 " unread bytes overwritten; exiting with code %d\n",
               ring_name_.c_str(), shm_.name().c_str(), last_lap_.reader_position,
               last_lap_.writer_position, last_lap_.bytes_behind, capacity_, last_lap_.bytes_lost,
               options_.lapped_exit_code);
  std::fflush(stderr);
  // Leave the ring as the destructor would: if the writer is already gone we
  // are the last participant and must unlink, or the segment would wait in
  // /dev/shm for the next start to reclaim it.
  ReleaseSlot();
  shm_.DetachNow();
  // _Exit: no destructors of other threads' objects run half-way.
  std::_Exit(options_.lapped_exit_code);
}

void Reader::Resync() noexcept {
  // Rounded down to a record boundary: only a corrupt segment holds an
  // unaligned commit, and then the header checks report it.
  position_ = segment_->commit.value.load(std::memory_order_acquire) &
              ~(layout::kRecordAlignment - 1);
  cached_commit_ = position_;
  PublishPosition();
}

void Reader::SleepUntilCommitMoves(std::chrono::nanoseconds max_wait) noexcept {
  auto& wake = segment_->wake;
  wake.sleepers.fetch_add(1, std::memory_order_relaxed);  // a count for ringctl
  // Dekker with the writer's [W1]: mark the futex word, then re-check
  // commit; either the writer sees the mark and wakes us (changing the
  // value we wait on), or we see its commit and do not sleep.
  const std::uint32_t sequence =
      wake.wake_sequence.fetch_or(detail::kSleeperMark, std::memory_order_seq_cst) |
      detail::kSleeperMark;
  // The writer's half of [W1] may be only a compiler barrier: make its CPU
  // execute the full barrier now, between our mark and our commit load. If
  // that fails (seccomp), a registered writer might miss the mark: then
  // sleep at most 1 ms, a bounded delay instead of a missed wake-up.
  if (!detail::HeavyBarrier()) {
    max_wait = std::min<std::chrono::nanoseconds>(max_wait, std::chrono::milliseconds(1));
  }
  if (segment_->commit.value.load(std::memory_order_seq_cst) <= position_ &&
      segment_->writer.closed.load(std::memory_order_seq_cst) == 0) {
    detail::FutexWait(&wake.wake_sequence, sequence, max_wait);
  }
  wake.sleepers.fetch_sub(1, std::memory_order_relaxed);
}

ReadResult Reader::WaitAndRead(std::span<std::byte> out, std::chrono::nanoseconds timeout) {
  using Clock = std::chrono::steady_clock;
  const bool forever = timeout == std::chrono::nanoseconds::max();
  const bool busy = options_.idle == IdleStrategy::kBusySpin;
  // Spinning with no timeout reads no clock at all (ReadFor with
  // nanoseconds::max(); Read() with kBusySpin spins inline and comes here
  // only to back off). Otherwise the clock is read once a round, for the
  // spin budget and the timeout.
  const bool timed = !forever || !busy;
  ++waits_;
  // Two or more messages read since the last wait: the writer streams and
  // we caught up with it. Back off first, touching nothing the writer
  // writes, so that it gets ahead by whole lines (catch_up_backoff).
  const bool back_off = options_.catch_up_backoff.count() > 0 &&
                        messages_read_ - messages_read_at_last_wait_ >= 2;
  messages_read_at_last_wait_ = messages_read_;
  const Clock::time_point start = timed || back_off ? Clock::now() : Clock::time_point{};
  if (back_off) {
    // Elapsed time against the backoff, not start + backoff: a backoff of
    // nanoseconds::max() must not overflow the time point.
    const std::chrono::nanoseconds backoff =
        forever ? options_.catch_up_backoff : std::min(options_.catch_up_backoff, timeout);
    do {
      for (std::uint32_t p = 0; p < 4 * pauses_per_poll_; ++p) detail::CpuRelax();
    } while (Clock::now() - start < backoff);
  }
  // Spinning polls only the header word at our position (kPollsPerRound
  // times a round, with PAUSE); TryRead's full check (commit, generation,
  // closed, liveness) runs once a round. After spin_before_idle, the yield
  // and futex strategies take over. (It was 16 rounds: ~2.3 us where PAUSE
  // takes 11 ns, ~6 us where it takes 40, so the same code slept after
  // different waits on different CPUs.)
  // TryRead found nothing just before this wait; after a backoff, look
  // again before anything else (a timeout included).
  for (bool first_round = !back_off;; first_round = false) {
    if (!first_round) {
      const ReadResult result = TryRead(out);
      if (result.status != ReadStatus::kEmpty) return result;
    }
    const std::chrono::nanoseconds waited = timed ? Clock::now() - start : std::chrono::nanoseconds{};
    if (!forever && waited >= timeout) return {ReadStatus::kTimedOut, 0};
    if (busy || waited < options_.spin_before_idle) {
      PollHeader(kPollsPerRound);
    } else if (options_.idle == IdleStrategy::kSpinYield) {
      sched_yield();
    } else {
      // Wake up at least once per liveness interval to check the writer.
      const std::chrono::nanoseconds remaining =
          forever ? std::chrono::nanoseconds::max() : timeout - waited;
      SleepUntilCommitMoves(std::min<std::chrono::nanoseconds>(remaining, options_.liveness_interval));
    }
  }
}

std::size_t Reader::ReadSlow(std::span<std::byte> out, ReadResult first) {
  const ReadResult result = first.status == ReadStatus::kEmpty
                                ? WaitAndRead(out, std::chrono::nanoseconds::max())
                                : first;
  switch (result.status) {
    case ReadStatus::kMessage: return result.size;
    case ReadStatus::kBufferTooSmall:
      throw Error(ErrorCode::kInvalidArgument,
                  "ring \"" + ring_name_ + "\": a message of " + std::to_string(result.size) +
                      " bytes does not fit the " + std::to_string(out.size()) + "-byte buffer");
    case ReadStatus::kLapped:
      throw Error(ErrorCode::kLapped,
                  "ring \"" + ring_name_ + "\": reader lapped at position " +
                      std::to_string(last_lap_.reader_position) + ", " +
                      std::to_string(last_lap_.bytes_behind) + " bytes behind");
    case ReadStatus::kWriterClosed:
      throw Error(ErrorCode::kWriterClosed, "ring \"" + ring_name_ + "\": the writer closed the stream");
    case ReadStatus::kWriterDead:
      throw Error(ErrorCode::kWriterDead,
                  "ring \"" + ring_name_ + "\": the writer died without closing the stream");
    case ReadStatus::kWriterRestarted:
      throw Error(ErrorCode::kWriterRestarted,
                  "ring \"" + ring_name_ + "\": a new writer took over the ring (new stream)");
    case ReadStatus::kCorrupt:
      throw Error(ErrorCode::kCorrupt, "ring \"" + ring_name_ + "\": corrupt record header at position " +
                                           std::to_string(position_));
    case ReadStatus::kEmpty:
    case ReadStatus::kTimedOut:
      break;
  }
  throw Error(ErrorCode::kCorrupt, "ring \"" + ring_name_ + "\": unexpected read status");
}

namespace detail {

void FutexWakeAll(std::atomic<std::uint32_t>* word) noexcept {
  // Not FUTEX_PRIVATE_FLAG: the word is shared between processes.
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAKE, INT_MAX, nullptr,
            nullptr, 0);
}

bool RegisterAsymmetricBarrierTarget() noexcept {
#if RINGLIB_TSAN
  return false;  // TSan does not model membarrier(2): keep the plain fence
#else
  const long commands = ::syscall(SYS_membarrier, MEMBARRIER_CMD_QUERY, 0, 0);
  const long needed = MEMBARRIER_CMD_GLOBAL_EXPEDITED | MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED;
  if (commands < 0 || (commands & needed) != needed) return false;
  return ::syscall(SYS_membarrier, MEMBARRIER_CMD_REGISTER_GLOBAL_EXPEDITED, 0, 0) == 0;
#endif
}

bool HeavyBarrier() noexcept {
  if (::syscall(SYS_membarrier, MEMBARRIER_CMD_GLOBAL_EXPEDITED, 0, 0) == 0) return true;
  // Not implemented here (ENOSYS, EINVAL): no writer on this kernel could
  // register either, so every writer fences and nothing is lost.
  return errno == ENOSYS || errno == EINVAL;
}

void FutexWait(std::atomic<std::uint32_t>* word, std::uint32_t expected,
               std::chrono::nanoseconds timeout) noexcept {
  struct timespec relative {};
  relative.tv_sec = static_cast<time_t>(timeout.count() / 1'000'000'000);
  relative.tv_nsec = static_cast<long>(timeout.count() % 1'000'000'000);
  ::syscall(SYS_futex, reinterpret_cast<std::uint32_t*>(word), FUTEX_WAIT, expected, &relative,
            nullptr, 0);
}

std::uint64_t CoarseNowNs() noexcept {
  struct timespec now {};
  ::clock_gettime(CLOCK_MONOTONIC_COARSE, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(now.tv_nsec);
}

std::uint32_t PausesPerPoll() noexcept {
  // The fastest of 5 timings of 256 PAUSEs: a preempted timing only errs
  // slow, and the fastest is what a PAUSE costs.
  static const std::uint32_t pauses = [] {
    constexpr int kPauses = 256;
    double best_ns = 0;
    for (int trial = 0; trial < 5; ++trial) {
      const auto start = std::chrono::steady_clock::now();
      for (int i = 0; i < kPauses; ++i) CpuRelax();
      const double ns =
          std::chrono::duration<double, std::nano>(std::chrono::steady_clock::now() - start).count() /
          kPauses;
      if (trial == 0 || ns < best_ns) best_ns = ns;
    }
    return PausesForSpacing(best_ns, static_cast<double>(kPollSpacing.count()));
  }();
  return pauses;
}

}  // namespace detail
}  // namespace CircularBuffer
}  // namespace ringlib
