// CircularBuffer: one writer, many readers, one shared-memory segment.
//
// The writer never waits. Each reader reads every message in order or learns
// that it was lapped (the writer overwrote bytes it had not read yet); a
// lapped reader never receives a torn or stale message. The protocol is a
// seqlock over a ring (docs/design.md, "Ordering protocol"):
//
//   writer, record of aligned size L at position p     reader at position r
//   1. reserve := p+L+8 (relaxed); fence(release) [R1] 1. header(r).load(acquire) [H2]
//   2. write the payload                               2. not a record of this stream
//   3. header(p+L) := 0 ("nothing yet"), unless           and r == cached commit: a 0
//      step 7 of an earlier record zeroed it              with reserve within a ring:
//   4. header(p).store(len|type|gen, release)    [H1]     empty (commit is loaded once
//   5. commit.store(p+L, release)                [C1]     per liveness interval); else
//   6. StoreLoad [W1]; if marked: futex wake              commit.load(acquire) [C2];
//   7. records <= 32 B: zero the lines ahead, up to       not above r: empty
//      128 B past p+L+8, within the reserve            3. bounds-check the header
//                                                      4. copy the payload out
//                                                      5. fence(acquire) [R2]; reserve.load
//                                                      6. reserve - r > capacity: lapped,
//                                                         discard the copy
// Pairs: H1 -> H2 (a reader that sees a header of its stream sees the record
// and the zeroed header word after it; caught-up readers poll their own
// header word, not the writer's commit line); C1 -> C2 (a reader that sees
// commit sees the bytes below it: attaching, sleeping, and finding a word
// that is neither a record nor "nothing yet"); R1 -> R2 (a reader whose copy
// saw any byte written after the reserve store also sees that reserve, so
// it rejects the copy); W1 <-> the
// reader's seq_cst mark of the futex word and commit load before futex_wait
// (Dekker).
// W1 is asymmetric where the kernel allows: the writer only keeps the
// compiler from reordering, and a reader about to sleep makes the writer's
// CPU execute the full barrier (membarrier(2) GLOBAL_EXPEDITED). Elsewhere
// (no membarrier, TSan builds) W1 is a seq_cst fence per message.
#pragma once

#include <sys/types.h>

#include <algorithm>
#include <atomic>
#include <bit>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "ringlib/error.hpp"
#include "ringlib/layout.hpp"
#include "ringlib/shared_memory.hpp"

#if defined(__SANITIZE_THREAD__)
#define RINGLIB_TSAN 1
#elif defined(__has_feature)
#if __has_feature(thread_sanitizer)
#define RINGLIB_TSAN 1
#endif
#endif
#ifndef RINGLIB_TSAN
#define RINGLIB_TSAN 0
#endif

namespace ringlib {

// The exit code of a reader terminated by LapPolicy::kTerminate.
inline constexpr int kLappedExitCode = 3;

enum class IdleStrategy : std::uint8_t {
  kBusySpin,    // lowest latency, burns a core while idle
  kSpinYield,   // spin briefly, then sched_yield
  kFutexSleep,  // spin briefly, then sleep on the segment's futex word (default)
};

enum class LapPolicy : std::uint8_t {
  kTerminate,  // print one line on stderr and exit with lapped_exit_code (default)
  kReport,     // return ReadStatus::kLapped to the caller
};

enum class ReadStatus : std::uint8_t {
  kMessage,          // a message was delivered (size may be 0)
  kEmpty,            // nothing new yet
  kLapped,           // the writer overwrote unread bytes; see Reader::last_lap()
  kWriterClosed,     // the writer closed the stream and everything was read
  kWriterDead,       // the writer died without closing and everything was read
  kWriterRestarted,  // a new writer took over the segment (a new stream)
  kTimedOut,         // ReadFor: nothing arrived in time
  kBufferTooSmall,   // size is the length needed; nothing was consumed
  kCorrupt,          // a record header no writer of this layout writes
};
std::string_view ToString(ReadStatus status) noexcept;

struct [[nodiscard]] ReadResult {
  ReadStatus status;
  std::size_t size;  // payload bytes for kMessage, needed bytes for kBufferTooSmall
  [[nodiscard]] bool ok() const noexcept { return status == ReadStatus::kMessage; }
};

struct LapInfo {
  std::uint64_t reader_position = 0;  // where the reader was
  std::uint64_t writer_position = 0;  // the writer's reserve position when it noticed
  std::uint64_t bytes_behind = 0;     // writer_position - reader_position
  std::uint64_t bytes_lost = 0;       // bytes_behind - capacity: overwritten before being read
};

namespace CircularBuffer {

struct WriterOptions {
  // A power of two from 4 KiB to 16 GiB.
  std::uint64_t capacity_bytes = std::uint64_t{1} << 20;
  mode_t mode = 0600;
  // The writer publishes its reserve position this many bytes ahead of need
  // so it stores to that shared line once per block instead of per message.
  // Lap detection becomes conservative by as much (a reader is reported
  // lapped up to this many bytes early). kAutoReserveAhead = capacity / 16;
  // at most capacity / 4.
  static constexpr std::uint64_t kAutoReserveAhead = ~std::uint64_t{0};
  std::uint64_t reserve_ahead_bytes = kAutoReserveAhead;
  // Lossless ("tethered") mode, as Aeron's tethered subscriptions: before
  // overwriting bytes, the writer waits for every reader registered with
  // ReaderOptions::tethered to have read them. Off by default: the writer
  // never waits. A tethered reader that dies is dropped within
  // tether_liveness_interval (its slot lock is released by the kernel).
  bool tethered = false;
  std::chrono::milliseconds tether_liveness_interval{20};
  // Tethered mode: while this flag reads true, the writer stops waiting for
  // tethered readers and overwrites as in the default mode (those readers
  // are then lapped if they were behind). For a writer that must stay
  // interruptible, e.g. on SIGINT, when a reader is stopped (SIGSTOP) and
  // holds the tether forever. Checked only while the writer waits.
  const std::atomic<bool>* release_tether = nullptr;
  // Fault in (and zero) every page of the ring when creating it, so the
  // writer never takes a page fault on its first lap. Measured with a 1 GiB
  // ring: creating it took 0.61-0.71 s instead of 0.14-0.19 s, and its first
  // lap of 4 KiB writes then ran as fast as the second instead of ~1.1-1.3 us
  // slower per page. false maps lazily.
  bool prefault = true;
};

// ReaderOptions::spin_before_idle's default: about what 128 polls took on
// the Xeon VM of docs/benchmarks.md before the budget was a time.
inline constexpr std::chrono::nanoseconds kDefaultSpinBeforeIdle = std::chrono::microseconds(2);

struct ReaderOptions {
  LapPolicy lap_policy = LapPolicy::kTerminate;
  int lapped_exit_code = kLappedExitCode;
  IdleStrategy idle = IdleStrategy::kFutexSleep;
  // How long Read() and ReadFor() poll the ring (with PAUSE) before
  // kSpinYield or kFutexSleep takes over; kBusySpin polls until a message
  // comes. 0 sleeps (or yields) at once; negative is refused. A sleeping
  // reader is woken by the writer's next message but runs only some time
  // later (~25-30 us on the Xeon VM of docs/benchmarks.md). A budget longer than
  // that gives a reader with a core of its own about the latency of
  // spinning (ring_bench's ringlib-futex-50us: p50 0-16 % above busy
  // spinning in the same run) at up to this much CPU per quiet gap. On a machine with more runnable
  // processes than cores, spinning takes the CPU from others: the default
  // keeps it short. docs/design.md, "Idle strategies".
  std::chrono::nanoseconds spin_before_idle{kDefaultSpinBeforeIdle};
  // Throughput at a latency cost, off (0) by default. When Read() or
  // ReadFor() finds the ring empty right after reading two or more
  // messages without waiting (the writer streams, and this reader has
  // caught up with it), it first waits this long without touching the
  // ring, then waits as usual. A caught-up reader polls the line the writer
  // is filling and takes it from the writer at every poll, so both slow to
  // the pace of those hand-overs; one that stays behind reads whole lines
  // the writer has left. A message that arrives during the backoff is read
  // up to this much later; a reader that gets one message per wait
  // (ping-pong, a paced stream) never backs off. The backoff counts toward
  // spin_before_idle and ReadFor's timeout; TryRead never waits. Negative
  // is refused. docs/design.md, "Idle strategies".
  std::chrono::nanoseconds catch_up_backoff{0};
  // How long to wait for the segment to appear and be initialised.
  std::chrono::milliseconds attach_timeout{0};
  // Upper bound on how late a reader notices a dead writer while idle.
  std::chrono::milliseconds liveness_interval{50};
  // Publish pid, position and lapped state in a reader slot, so operators
  // (ringctl) see this reader's lag. Not needed to read. The position is
  // stored every capacity / 64 bytes and whenever the ring is found empty.
  bool register_slot = false;
  // Register as a tethered reader: a writer in tethered mode never overwrites
  // bytes this reader has not read (implies register_slot).
  bool tethered = false;
  // Map every page of the ring at attach, so reading the first lap takes no
  // page faults; false maps lazily (faster attach to a very large ring).
  bool prefault = true;
};

// Reader slot flags (layout::ReaderSlot::flags).
inline constexpr std::uint32_t kSlotInUse = 1;
inline constexpr std::uint32_t kSlotTethered = 2;
inline constexpr std::uint32_t kSlotLapped = 4;

// The common base: owns the SharedMemory and the views of the segment.
class IWrapper {
 public:
  [[nodiscard]] const std::string& name() const noexcept { return ring_name_; }
  [[nodiscard]] const std::string& segment_name() const noexcept { return shm_.name(); }
  [[nodiscard]] std::uint64_t capacity_bytes() const noexcept { return capacity_; }
  [[nodiscard]] std::uint64_t max_message_bytes() const noexcept { return max_message_; }
  [[nodiscard]] std::uint64_t commit_position() const noexcept {
    return segment_->commit.value.load(std::memory_order_acquire);
  }
  [[nodiscard]] std::uint64_t reserve_position() const noexcept {
    return segment_->reserve.value.load(std::memory_order_acquire);
  }
  [[nodiscard]] std::uint64_t generation() const noexcept {
    return segment_->header.generation.load(std::memory_order_acquire);
  }
  [[nodiscard]] const SharedMemory& shared_memory() const noexcept { return shm_; }
  // Readers registered in slots (ReaderOptions::register_slot or tethered).
  // A reader registers after taking its start position, so a writer that
  // waits for N registered readers knows they will see its next message.
  [[nodiscard]] std::uint32_t registered_readers() const noexcept;
  // The raw segment, for tools and for tests that move counters by hand.
  [[nodiscard]] layout::Segment& segment() const noexcept { return *segment_; }

  // The segment that backs ring `ring_name`: "ringlib." + ring_name.
  static std::string SegmentName(std::string_view ring_name);
  static bool Exists(std::string_view ring_name);
  // Unlinks the ring's segment if present (tests, ringctl).
  static void Remove(std::string_view ring_name);

 protected:
  IWrapper(std::string ring_name, SharedMemory shm);  // validates the header
  ~IWrapper() = default;
  IWrapper(IWrapper&&) noexcept = default;
  IWrapper& operator=(IWrapper&&) noexcept = default;

  [[nodiscard]] std::byte* data() const noexcept {
    return shm_.As<std::byte>(layout::kDataOffset);
  }

  std::string ring_name_;
  SharedMemory shm_;
  layout::Segment* segment_;
  std::uint64_t capacity_;
  std::uint64_t mask_;
  std::uint64_t max_message_;
};

namespace detail {
// The payload copies race with a writer that laps the reader; the reader
// detects this afterwards and discards the copy. Normal builds use memcpy
// (what every seqlock does in practice). ThreadSanitizer does not model the
// fences that make this safe, so TSan builds copy with relaxed atomic word
// accesses on both sides: same protocol, no data race in TSan's model.
// Records are 8-byte aligned and padded, so whole words never leave the ring.
// ThreadSanitizer does not model fences (GCC rejects them under
// -fsanitize=thread with -Wtsan). TSan builds therefore express the same
// orderings with ordered accesses instead of fences: ring words (payload
// copies and record headers) are stored with release and loaded with
// acquire, which orders the writer's earlier reserve store before every
// word a reader can observe (R1 -> R2), and [W1] is a seq_cst commit store
// followed by a seq_cst load. Normal builds use relaxed accesses and fences.
#if RINGLIB_TSAN
inline constexpr std::memory_order kTsanCopyStore = std::memory_order_release;
inline constexpr std::memory_order kTsanCopyLoad = std::memory_order_acquire;
inline constexpr std::memory_order kWordStore = std::memory_order_release;
inline constexpr std::memory_order kWordLoad = std::memory_order_acquire;
inline constexpr std::memory_order kCommitStore = std::memory_order_seq_cst;
#else
inline constexpr std::memory_order kCommitStore = std::memory_order_release;
inline constexpr std::memory_order kWordStore = std::memory_order_relaxed;
inline constexpr std::memory_order kWordLoad = std::memory_order_relaxed;
#endif
// [R1] (writer, after publishing reserve) and [R2] (reader, before loading
// reserve). No-ops under TSan, where the word accesses carry the ordering.
inline void ReleaseFenceAfterReserve() noexcept {
#if !RINGLIB_TSAN
  std::atomic_thread_fence(std::memory_order_release);
#endif
}
inline void AcquireFenceBeforeReserve() noexcept {
#if !RINGLIB_TSAN
  std::atomic_thread_fence(std::memory_order_acquire);
#endif
}
// Payloads of up to 64 bytes are copied in 8-byte words at offsets 0, 8,
// 16, ... that do not depend on the length: the length only decides
// branches, which the CPU predicts and runs ahead of. A copy whose
// addresses are computed from the length (an overlapping last word at
// n - 8, or the library memcpy, which does that for its tails) cannot
// start before the length is known, and the reader learns it from the
// header word it was polling, which arrives from the writer's core with
// the message. 8-byte round trips on the Zen 4 VM, old and new copies in
// alternate blocks of the same runs (ring_bench's interleaved section):
// 1.37-1.46 -> 1.25-1.32 x the atomic ping-pong in 4 runs before the
// helpers were forced inline (the bare reference: 1.05-1.14), 1.21-1.22
// -> 1.08-1.09 in 2 runs as built now (bare 0.98-1.00); over the 6 runs
// 12, 20 and 44 bytes 5.5-10.7 ns less, 64 bytes 5.6-13.2 (docs/
// benchmarks.md, "Copies whose addresses do not wait for the header"). The last partial word of a length that is not a multiple of 8
// lies inside the record (records are 8-byte aligned and padded), so the
// reader loads it whole and stores only the message's bytes; the writer
// assembles it from the caller's bytes and stores it whole (its unused
// bytes are the record's padding, zero).
inline constexpr std::size_t kWordCopyMaxBytes = 64;
// The helpers from here to CopyFromRing always inline: out of line (GCC's
// choice past 32 bytes) Write + Read of 64 bytes took 192 instructions
// instead of 174 (callgrind). GCC warns (-Warray-bounds,
// -Wstringop-overflow) that a caller's small buffer would be overrun by
// copies guarded by a larger n, which never run there: silenced for these
// helpers only.
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Warray-bounds"
#pragma GCC diagnostic ignored "-Wstringop-overflow"
#endif
// One word through a register.
[[gnu::always_inline]] inline void CopyWord(std::byte* dst, const std::byte* src) noexcept {
  std::uint64_t w;
  std::memcpy(&w, src, 8);
  std::memcpy(dst, &w, 8);
}
// The low `k` (1 to 7) bytes of `w`, stored at `dst` in memory order.
[[gnu::always_inline]] inline void StoreLowBytes(std::byte* dst, std::uint64_t w, std::size_t k) noexcept {
  if constexpr (std::endian::native == std::endian::little) {
    if ((k & 4) != 0) {
      const auto v = static_cast<std::uint32_t>(w);
      std::memcpy(dst, &v, 4);
      dst += 4;
      w >>= 32;
    }
    if ((k & 2) != 0) {
      const auto v = static_cast<std::uint16_t>(w);
      std::memcpy(dst, &v, 2);
      dst += 2;
      w >>= 16;
    }
    if ((k & 1) != 0) *dst = static_cast<std::byte>(w);
  } else {
    std::memcpy(dst, &w, k);
  }
}
// The `k` (1 to 7) bytes at `src` as the first bytes of a word, zero after.
[[gnu::always_inline]] inline std::uint64_t LoadLowBytes(const std::byte* src, std::size_t k) noexcept {
  std::uint64_t w = 0;
  if constexpr (std::endian::native == std::endian::little) {
    unsigned shift = 0;
    if ((k & 4) != 0) {
      std::uint32_t v;
      std::memcpy(&v, src, 4);
      w = v;
      src += 4;
      shift = 32;
    }
    if ((k & 2) != 0) {
      std::uint16_t v;
      std::memcpy(&v, src, 2);
      w |= std::uint64_t{v} << shift;
      src += 2;
      shift += 16;
    }
    if ((k & 1) != 0) w |= std::uint64_t{static_cast<std::uint8_t>(*src)} << shift;
  } else {
    std::memcpy(&w, src, k);
  }
  return w;
}
// The words of an n-byte payload (n <= kWordCopyMaxBytes) from byte
// `kOffset` on: one branch per word, each copy at a constant offset, so
// even the last partial word's address is not computed from n (a loop's
// would be: GCC derives its index from n). Against an unrolled loop in
// the same runs: 0.3-5.3 ns less per round trip at 8, 12 and 20 bytes,
// 0.2-3.4 ns more at 64. Into the ring the last partial word is
// assembled from the caller's n bytes and stored whole; out of it, loaded
// whole (the record is padded to 8 bytes) and stored byte-exact.
template <bool kIntoRing, std::size_t kOffset = 0>
[[gnu::always_inline]] inline void CopyPayloadWords(std::byte* dst, const std::byte* src, std::size_t n) noexcept {
  if constexpr (kOffset < kWordCopyMaxBytes) {
    if (n >= kOffset + 8) {
      CopyWord(dst + kOffset, src + kOffset);
      CopyPayloadWords<kIntoRing, kOffset + 8>(dst, src, n);
    } else if (n > kOffset) {
      if constexpr (kIntoRing) {
        const std::uint64_t w = LoadLowBytes(src + kOffset, n - kOffset);
        std::memcpy(dst + kOffset, &w, 8);
      } else {
        std::uint64_t w;
        std::memcpy(&w, src + kOffset, 8);
        StoreLowBytes(dst + kOffset, w, n - kOffset);
      }
    }
  }
}
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
inline void CopyFromRing(std::byte* dst, const std::byte* src, std::size_t n) noexcept {
#if RINGLIB_TSAN
  auto* words = reinterpret_cast<std::uint64_t*>(const_cast<std::byte*>(src));
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    const std::uint64_t w = std::atomic_ref<std::uint64_t>(words[i / 8]).load(kTsanCopyLoad);
    std::memcpy(dst + i, &w, 8);
  }
  if (i < n) {
    const std::uint64_t w = std::atomic_ref<std::uint64_t>(words[i / 8]).load(kTsanCopyLoad);
    std::memcpy(dst + i, &w, n - i);
  }
#else
  if (n <= kWordCopyMaxBytes) {
    CopyPayloadWords<false>(dst, src, n);
    return;
  }
  std::memcpy(dst, src, n);
#endif
}
// Write()'s copy into its record (and, under TSan, Commit()'s from staging).
// Besides the addresses (above), 8-byte words matter here: a wider load
// that spans a fresh narrower store to the caller's buffer (a sequence
// number stamped just before Write, say) cannot take its bytes from the
// store buffer, and waits until that store and every store before it, the
// last message's ring stores included, reach the cache. With a reader on
// another core holding those lines, that serialised the writer: two
// processes, 32-byte messages stamped with a sequence number, one tethered
// reader, 41-72 M/s with memcpy against 94-109 M/s with words (three runs
// each).
inline void CopyToRing(std::byte* dst, const std::byte* src, std::size_t n) noexcept {
#if RINGLIB_TSAN
  auto* words = reinterpret_cast<std::uint64_t*>(dst);
  std::size_t i = 0;
  for (; i + 8 <= n; i += 8) {
    std::uint64_t w;
    std::memcpy(&w, src + i, 8);
    std::atomic_ref<std::uint64_t>(words[i / 8]).store(w, kTsanCopyStore);
  }
  if (i < n) {
    std::uint64_t w = 0;
    std::memcpy(&w, src + i, n - i);
    std::atomic_ref<std::uint64_t>(words[i / 8]).store(w, kTsanCopyStore);
  }
#else
  if (n <= kWordCopyMaxBytes) {
    CopyPayloadWords<true>(dst, src, n);
    return;
  }
  std::memcpy(dst, src, n);
#endif
}
inline std::uint64_t LoadWord(std::byte* at) noexcept {
  return std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t*>(at))
      .load(kWordLoad);
}
inline void StoreWord(std::byte* at, std::uint64_t value) noexcept {
  std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t*>(at))
      .store(value, kWordStore);
}
// [H1] / [H2]: a record header word publishes its record. The writer stores
// it after the payload and after zeroing the next header word (release); a
// reader that loads it (acquire) sees both.
inline void StoreHeader(std::byte* at, std::uint64_t value) noexcept {
  std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t*>(at))
      .store(value, std::memory_order_release);
}
inline std::uint64_t LoadHeader(std::byte* at) noexcept {
  return std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t*>(at))
      .load(std::memory_order_acquire);
}
inline void CpuRelax() noexcept {
#if defined(__x86_64__) || defined(__i386__)
  __builtin_ia32_pause();
#elif defined(__aarch64__)
  asm volatile("yield" ::: "memory");
#endif
}
// The low bit of the futex word (layout::WakeLine::wake_sequence): set by a
// reader about to sleep on the word's value, cleared by the writer's Wake(),
// which also changes the value (so waits on any earlier value return).
inline constexpr std::uint32_t kSleeperMark = 1;
void FutexWakeAll(std::atomic<std::uint32_t>* word) noexcept;
// Asymmetric [W1]. The writer registers its process as a target of
// membarrier(MEMBARRIER_CMD_GLOBAL_EXPEDITED); false where the kernel (or a
// seccomp filter, or a TSan build) does not allow it: the writer then
// fences every message. HeavyBarrier() is the sleeping reader's half:
// false when the call failed in a way that leaves a registered writer
// unserved (the reader then sleeps only briefly, see SleepUntilCommitMoves).
bool RegisterAsymmetricBarrierTarget() noexcept;
bool HeavyBarrier() noexcept;
// Returns after a wake, a timeout, a signal, or at once if *word != expected.
void FutexWait(std::atomic<std::uint32_t>* word, std::uint32_t expected,
               std::chrono::nanoseconds timeout) noexcept;
std::uint64_t CoarseNowNs() noexcept;
// A spinning reader's polls of its header word come at least kPollSpacing
// apart: PausesPerPoll() PAUSEs between two, measured once per process (the
// first Reader does it, ~13 us here). On the Xeon VM of docs/benchmarks.md a PAUSE
// takes 9.6-11 ns, and polling after every one put the 8-byte round trip
// in a slow mode (~250-285 ns) in about half the runs, bare-ring's too;
// polling after two (or four) never did (12 alternating rounds: p50
// medians 250 -> 225 ns, worst 282 -> 237). 16 ns makes two PAUSEs there
// whether one takes 9.6 or 11 ns (20 made three at 9.6). Where a PAUSE
// takes 16 ns or more (~40 ns on Skylake servers, ~24 ns on the AMD EPYC
// VM of docs/benchmarks.md) it stays one.
inline constexpr std::chrono::nanoseconds kPollSpacing{16};
inline constexpr std::uint32_t kMaxPausesPerPoll = 16;
// The PAUSEs that make `spacing_ns` when one takes `pause_ns`: rounded up,
// at least 1, at most kMaxPausesPerPoll (also for a clock too coarse to
// time one).
constexpr std::uint32_t PausesForSpacing(double pause_ns, double spacing_ns) noexcept {
  if (!(pause_ns > 0)) return kMaxPausesPerPoll;
  const double wanted = spacing_ns / pause_ns;
  if (wanted >= kMaxPausesPerPoll) return kMaxPausesPerPoll;
  const auto whole = static_cast<std::uint32_t>(wanted);
  const std::uint32_t pauses = whole + (static_cast<double>(whole) < wanted ? 1 : 0);
  return pauses < 1 ? 1 : pauses;
}
std::uint32_t PausesPerPoll() noexcept;
}  // namespace detail

class Writer : public IWrapper {
 public:
  // Creates the ring, reclaims a stale segment nobody holds, or takes over
  // from a dead writer (same capacity; generation + 1). A second live writer
  // gets ErrorCode::kWriterAlreadyActive.
  explicit Writer(const std::string& ring_name, const WriterOptions& options = {});
  ~Writer();
  Writer(Writer&& other) noexcept = default;
  Writer& operator=(Writer&& other) noexcept = delete;
  Writer(const Writer&) = delete;
  Writer& operator=(const Writer&) = delete;

  // Copies one message into the ring. More than max_message_bytes() throws
  // ErrorCode::kMessageTooLarge and writes nothing. Never waits.
  void Write(std::span<const std::byte> payload) {
    const std::size_t length = payload.size();
    const std::uint64_t start = Reserve(length);
    std::byte* const record = data() + (start & mask_);
    // Straight into the ring, without Claim()'s member bookkeeping: the
    // writer's floor is its stores (about ten per message), so two fewer
    // is measurable.
    detail::CopyToRing(record + layout::kRecordHeaderBytes, payload.data(), length);
    Publish(record, start + layout::AlignedRecordBytes(length), static_cast<std::uint32_t>(length));
  }

  // Zero-copy write: fill the returned span, then Commit(). Nothing is
  // visible to readers before Commit(). One claim at a time.
  [[nodiscard]] std::span<std::byte> Claim(std::size_t payload_bytes) {
    claim_start_ = Reserve(payload_bytes);
    claim_length_ = static_cast<std::uint32_t>(payload_bytes);
    claim_open_ = true;
#if RINGLIB_TSAN
    staging_.resize(payload_bytes);
    return {staging_.data(), payload_bytes};
#else
    return {data() + (claim_start_ & mask_) + layout::kRecordHeaderBytes, payload_bytes};
#endif
  }

  void Commit() noexcept {
    std::byte* const record = data() + (claim_start_ & mask_);
#if RINGLIB_TSAN
    detail::CopyToRing(record + layout::kRecordHeaderBytes, staging_.data(), claim_length_);
#endif
    Publish(record, claim_start_ + layout::AlignedRecordBytes(claim_length_), claim_length_);
    claim_open_ = false;
  }

  // Optional, for latency: call it when the writer has time before its next
  // message (a request/response loop waiting for the reply, a paced
  // publisher waiting for the next send time). It takes, now, the cache
  // lines the next record of up to `payload_bytes` will be written into, by
  // zeroing them ("nothing yet"), so the next Write stores into lines this
  // core already owns instead of taking each from the readers' core while
  // the message waits. Round trips of two processes over two rings on the
  // Zen 4 VM, ring_bench's ringlib-prepared over ringlib-spin in the same
  // runs (p50, medians; docs/benchmarks.md, "The writer prepares the next
  // record"): 64 B 0.73, 1 KiB 0.51, 4 KiB 0.67; 8 B 1.01 (records of up
  // to 32 bytes are zeroed ahead anyway). It pays only when the wait is
  // longer than taking the lines: in a brief state of that host where a
  // line moved between cores in half the usual time, 1 and 4 KiB round
  // trips took 1.6 and 2.0 x as long with it. Not for a loop that writes
  // back to back: zeroing stores every byte twice. Never waits, makes no
  // system call, does nothing between Claim() and Commit(). It zeroes only
  // bytes the reserve already published covers, with plain stores after
  // the reserve store [R1], as ZeroAhead after a commit (a reader that reads
  // one is a lap behind, and [R2] reports it lapped). It never moves the
  // reserve, so it laps no reader the writes have not lapped: with messages
  // near the ring's limit (half the ring) the next record reaches the last
  // one, which the other side of a request/response loop is still reading
  // (moving the reserve there reported it lapped). What the published
  // reserve does not cover yet (reserve_ahead_bytes past the last write's
  // end; none with 0) is left to the next Write.
  void PrepareNext(std::size_t payload_bytes) noexcept {
    if (claim_open_) return;
    const std::uint64_t record_bytes =
        layout::AlignedRecordBytes(std::min<std::uint64_t>(payload_bytes, max_message_));
    // The next record and the header word after it.
    const std::uint64_t end = position_ + record_bytes + layout::kRecordHeaderBytes;
    if (end <= zeroed_to_) return;
    ZeroAhead(position_, record_bytes);  // up to the published reserve at most
  }

  // Marks the stream closed (readers drain, then see kWriterClosed) and wakes
  // sleepers. Called by the destructor; idempotent.
  void Close() noexcept;

  [[nodiscard]] std::uint64_t position() const noexcept { return position_; }
  [[nodiscard]] std::uint64_t messages_written() const noexcept { return messages_written_; }
  [[nodiscard]] std::uint64_t reserve_ahead_bytes() const noexcept { return reserve_ahead_; }
  // True when this writer took over a segment from a dead writer.
  [[nodiscard]] bool took_over() const noexcept { return took_over_; }

 private:
  // The segment, attached or created, and whether a dead writer was replaced.
  using Attachment = std::pair<SharedMemory, bool>;
  Writer(const std::string& ring_name, const WriterOptions& options, Attachment attachment);
  static Attachment AttachWriter(const std::string& ring_name, const WriterOptions& options);

  // Claims room for a record of `payload_bytes` and returns where it starts:
  // at position_, or at the start of the data area after padding to its end.
  std::uint64_t Reserve(std::size_t payload_bytes) {
    if (payload_bytes > max_message_) [[unlikely]] ThrowTooLarge(payload_bytes);
    const std::uint64_t record_bytes = layout::AlignedRecordBytes(payload_bytes);
    const std::uint64_t start = position_;
    const std::uint64_t offset = start & mask_;
    // Reserved: the record and the header word after it, which Publish()
    // zeroes ("nothing yet") before it publishes the record.
    if (offset + record_bytes > capacity_) [[unlikely]] {
      // The record would wrap: pad to the end of the data area, start at 0,
      // so every record is one contiguous span for readers.
      const std::uint64_t padding_bytes = capacity_ - offset;
      EnsureReserved(start + padding_bytes + record_bytes + layout::kRecordHeaderBytes);
      // A reader that skips the padding finds "nothing yet" at offset 0, not
      // the header of the last lap's record there ([H1] below orders this).
      detail::StoreWord(data(), 0);
      detail::StoreHeader(data() + offset, (padding_bytes - layout::kRecordHeaderBytes) |
                                               (kinds_.padding << 32));
      return start + padding_bytes;
    }
    EnsureReserved(start + record_bytes + layout::kRecordHeaderBytes);
    return start;
  }

  // Publishes the record at `record` (its payload written) that ends at
  // stream position `end`.
  void Publish(std::byte* record, std::uint64_t end, std::uint32_t payload_bytes) noexcept {
    position_ = end;
    // The next record's header word reads "nothing yet" before this record
    // is published, so a reader that reaches it never sees the header of a
    // record one lap older. After small records it already does: ZeroAhead
    // zeroed it, after an earlier record's commit.
    if (end + layout::kRecordHeaderBytes > zeroed_to_) {
      detail::StoreWord(data() + (end & mask_), 0);
    }
    // [H1] publishes the record (payload, then the zero above) to readers
    // polling its header word; pairs with their acquire load [H2].
    detail::StoreHeader(record, payload_bytes | (kinds_.data << 32));
    // [C1] pairs with the reader's commit load [C2]. Readers that are
    // caught up poll the header word instead; commit serves attaching,
    // sleeping and lapped readers, and end of stream.
    segment_->commit.value.store(end, detail::kCommitStore);
    // [W1] StoreLoad barrier: a reader that marked the futex word as slept
    // on (its seq_cst fetch_or in SleepUntilCommitMoves) before this point
    // is seen here, or it sees the new commit and does not sleep. Wake()
    // clears the mark, so a sleeper costs one system call per sleep, not
    // one per message while it sleeps (nor while it is stopped). Without a
    // sleeper no system call is made.
#if RINGLIB_TSAN
    // TSan: the commit store and this load are both seq_cst, which orders
    // them without a fence (see detail::kWordStore).
    constexpr std::memory_order kWakeLoad = std::memory_order_seq_cst;
#else
    constexpr std::memory_order kWakeLoad = std::memory_order_relaxed;
    if (asymmetric_w1_) {
      // The sleeping reader pays for the barrier: its membarrier() runs a
      // full barrier on this CPU, after which either the commit store above
      // is visible to it or the load below sees its mark. Here only the
      // compiler must keep the store before the load. (A per-message fence
      // drained the store buffer, waiting for the lines the reader holds:
      // ~90 % of the writer's time in ring_bench's 32-byte throughput.)
      std::atomic_signal_fence(std::memory_order_seq_cst);
    } else {
      std::atomic_thread_fence(std::memory_order_seq_cst);
    }
#endif
    if ((segment_->wake.wake_sequence.load(kWakeLoad) & detail::kSleeperMark) != 0)
        [[unlikely]] {
      Wake();
    }
    ++messages_written_;
    if (end + kZeroAheadBytes > zeroed_to_ &&
        layout::AlignedRecordBytes(payload_bytes) <= kZeroAheadMaxRecordBytes) {
      ZeroAhead(end);
    }
  }

  // Zeroing ahead, for small records. The word after a record must read 0
  // before the record's header [H1] is published. After a small record it
  // often lies in the next line, which the writer has not written this lap
  // and a reader still holds from the last one; stored just before [H1], it
  // made [H1] wait for that line (stores become visible in order). So after
  // small records the writer zeroes whole lines up to kZeroAheadBytes past
  // the next header word, after its commit: the next records find their
  // header words zeroed already. Only bytes the published reserve covers
  // are zeroed (a reader that far behind is lapped by [R2] whatever it
  // reads there). Only records of up to 32 bytes (payloads of up to 24)
  // do it: zeroing stores every byte twice, and doing it after records of
  // up to 128 bytes cost 17-31 % of the throughput at 32-64 bytes.
  static constexpr std::uint64_t kZeroAheadBytes = 128;
  static constexpr std::uint64_t kZeroAheadMaxRecordBytes = 32;
  // Zeroes whole lines from the word after the header at `end` to at least
  // `ahead` bytes past it (PrepareNext passes its record's size).
  void ZeroAhead(std::uint64_t end, std::uint64_t ahead = kZeroAheadBytes) noexcept {
    constexpr std::uint64_t kLine = 64;
    std::uint64_t from = end + layout::kRecordHeaderBytes;
    if (zeroed_to_ > from) from = zeroed_to_;
    std::uint64_t to = (end + layout::kRecordHeaderBytes + ahead + kLine - 1) & ~(kLine - 1);
    if (to > reserve_published_) to = reserve_published_ & ~(layout::kRecordAlignment - 1);
    std::uint64_t at = from;
#if !RINGLIB_TSAN
    // Whole lines in one 64-byte memset (four 16-byte stores at the x86-64
    // baseline) instead of eight word stores: the writer of 24-byte
    // messages stores 6 times per message instead of 8. Alternated with
    // the word stores over 6 rounds (ring_bench's 1-reader throughput, M
    // messages/s): 24 B 135-194 (median 153) -> 181-213 (median 192),
    // faster in all 6 rounds. 8 and 16 B (the reader is the slower side
    // there), 2 readers and the round trips did not change beyond the
    // noise (8 B, 30 rounds with the memset switched at run time: p50
    // medians 271 and 273 ns; docs/benchmarks.md). Plain stores, as
    // CopyToRing's: only a reader a lap behind can read these bytes, and
    // [R2] reports it lapped (the published reserve covers them).
    for (; at < to && (at & (kLine - 1)) != 0; at += layout::kRecordAlignment) {
      detail::StoreWord(data() + (at & mask_), 0);
    }
    for (; at + kLine <= to; at += kLine) std::memset(data() + (at & mask_), 0, kLine);
#endif
    for (; at < to; at += layout::kRecordAlignment) {
      detail::StoreWord(data() + (at & mask_), 0);
    }
    if (to > zeroed_to_) zeroed_to_ = to;
  }

  void EnsureReserved(std::uint64_t end) noexcept {
    if (end > reserve_published_) {
      reserve_published_ = tethered_ ? TetheredReserve(end) : end + reserve_ahead_;
      // [R1] The reserve store is ordered before every byte written after
      // this fence; pairs with the reader's fence [R2] before its reserve load.
      segment_->reserve.value.store(reserve_published_, std::memory_order_relaxed);
      detail::ReleaseFenceAfterReserve();
    }
  }
  [[noreturn]] void ThrowTooLarge(std::size_t payload_bytes) const;
  // Takeover: the end of the records a dead writer published from `commit`.
  [[nodiscard]] std::uint64_t EndOfPublishedRecords(std::uint64_t commit,
                                                    std::uint64_t generation) const noexcept;
  void Wake() noexcept;
  // Tethered mode: waits until every live tethered reader has read the bytes
  // below end - capacity; returns the reserve to publish (end or beyond).
  std::uint64_t TetheredReserve(std::uint64_t end) noexcept;
  std::uint64_t MinTetheredPosition(bool check_liveness) noexcept;

  // The position after the last published record takeover included, which
  // equals the last commit this writer stored.
  std::uint64_t position_ = 0;
  std::uint64_t reserve_published_ = 0;   // the last reserve this writer stored
  // Every word from position_ up to here reads 0 ("nothing yet") in this
  // lap: ZeroAhead stored it after the last record before it was published.
  std::uint64_t zeroed_to_ = 0;
  layout::RecordKinds kinds_;  // this writer's generation's
  std::uint64_t reserve_ahead_ = 0;
  std::uint64_t claim_start_ = 0;
  std::uint32_t claim_length_ = 0;
  std::uint64_t messages_written_ = 0;
  bool claim_open_ = false;  // between Claim() and Commit()
  bool closed_ = false;
  bool took_over_ = false;
  bool tethered_ = false;
  bool asymmetric_w1_ = false;  // [W1] is paid by sleeping readers (membarrier)
  std::chrono::milliseconds tether_liveness_interval_{20};
  const std::atomic<bool>* release_tether_ = nullptr;
#if RINGLIB_TSAN
  std::vector<std::byte> staging_;
#endif
};

class Reader : public IWrapper {
 public:
  // Attaches to an existing ring and starts at its live end (late join).
  explicit Reader(const std::string& ring_name, const ReaderOptions& options = {});
  ~Reader();
  Reader(Reader&& other) noexcept;
  Reader& operator=(Reader&&) noexcept = delete;
  Reader(const Reader&) = delete;
  Reader& operator=(const Reader&) = delete;

  // Blocks (with the idle strategy) until a message arrives; returns its size.
  // End of stream and, under LapPolicy::kReport, a lap throw ringlib::Error
  // (kWriterClosed, kWriterDead, kWriterRestarted, kLapped, kCorrupt); a
  // buffer smaller than the message throws kInvalidArgument.
  std::size_t Read(std::span<std::byte> out) {
    // Inline fast path: a message that is already there costs no call into
    // the waiting code. Out of line, Read() took 130 instructions per 32-byte
    // message instead of 80 (callgrind), 14.4 ns instead of 9.5 ns.
    ReadResult result = TryRead(out);
    if (result.status == ReadStatus::kMessage) [[likely]] return result.size;
    if (result.status == ReadStatus::kEmpty && options_.idle == IdleStrategy::kBusySpin &&
        options_.catch_up_backoff.count() == 0) {
      ++waits_;  // the other strategies count theirs in WaitAndRead
      // A spinning reader waits here, inline, as WaitAndRead's busy loop
      // does (kPollsPerRound header polls, then TryRead's full check): the
      // message that ends the wait is read and returned without returning
      // through PollHeader, WaitAndRead and ReadSlow. 8-byte round trip on
      // the Zen 4 VM, p50 medians of three alternated series: 116.1-134.2
      // -> 110.6-124.8 ns (docs/benchmarks.md, "A spinning reader waits
      // inline").
      for (;;) {
        PollHeader(kPollsPerRound);
        result = TryRead(out);
        if (result.status == ReadStatus::kMessage) return result.size;
        if (result.status != ReadStatus::kEmpty) break;  // thrown by ReadSlow
      }
    }
    return ReadSlow(out, result);
  }

  // Non-blocking: copies at most one message into `out`.
  ReadResult TryRead(std::span<std::byte> out) noexcept {
    return ReadOne([out](const std::byte* source, std::size_t length) {
      if (length > out.size()) return false;
      detail::CopyFromRing(out.data(), source, length);
      return true;
    });
  }

  // Waits up to `timeout` for a message (ReadStatus::kTimedOut otherwise).
  ReadResult ReadFor(std::span<std::byte> out, std::chrono::nanoseconds timeout) {
    // Inline fast path, as Read(). The clock is read only once the ring was
    // found empty (a read per message cost ~20 ns).
    const ReadResult result = TryRead(out);
    if (result.status != ReadStatus::kEmpty) [[likely]] return result;
    return WaitAndRead(out, timeout);
  }

  // Zero-copy: `consume(std::span<const std::byte>)` sees the bytes in place,
  // and only afterwards are they validated. If the result is kLapped, those
  // bytes may have been torn: discard everything `consume` derived from them.
  // The result is [[nodiscard]] so this cannot be ignored by accident. TSan
  // builds hand `consume` a private copy (see detail::CopyFromRing).
  template <class Consume>
  ReadResult TryReadInPlace(Consume&& consume) {
    return ReadOne([&consume](const std::byte* source, std::size_t length) {
#if RINGLIB_TSAN
      std::byte copy[layout::kMaxMessageBytes];
      detail::CopyFromRing(copy, source, length);
      consume(std::span<const std::byte>(copy, length));
#else
      consume(std::span<const std::byte>(source, length));
#endif
      return true;
    });
  }

  // After a lap (LapPolicy::kReport): continue from the writer's live end.
  void Resync() noexcept;

  // Asks the kernel whether the writer still holds its lock (a system call).
  [[nodiscard]] bool WriterAlive() const;

  [[nodiscard]] std::uint64_t position() const noexcept { return position_; }
  [[nodiscard]] const LapInfo& last_lap() const noexcept { return last_lap_; }
  [[nodiscard]] std::uint64_t messages_read() const noexcept { return messages_read_; }
  [[nodiscard]] std::uint64_t laps() const noexcept { return laps_; }
  // Copies discarded because the writer overwrote them while they were made:
  // the validation step of the protocol catching a real race.
  [[nodiscard]] std::uint64_t copies_rejected() const noexcept { return copies_rejected_; }
  // Read() and ReadFor() calls that found no message and waited for one
  // (or timed out): against messages_read(), how often this reader had
  // caught up with the writer.
  [[nodiscard]] std::uint64_t waits() const noexcept { return waits_; }
  // The registered slot's index, or -1 when not registered.
  [[nodiscard]] int slot_index() const noexcept { return slot_index_; }

 private:
  // The common case inline: a data record of this stream that lies within
  // the ring and is not more than a ring behind the last commit seen.
  // Everything else (padding, nothing yet, a lap, a header to reject, a
  // buffer too small) goes to ReadOneSlow, which checks it all again.
  template <class Deliver>
  ReadResult ReadOne(Deliver&& deliver) noexcept {
    // Members in locals before the acquire load below, which the compiler
    // may not move loads across: read once, not after the header again.
    const std::uint64_t position = position_;
    const std::uint64_t offset = position & mask_;
    const std::uint64_t capacity = capacity_;
    const bool behind_by_less_than_a_ring = cached_commit_ - position <= capacity;
    const std::uint64_t data_kind = kinds_.data;
    const std::uint64_t max_message = max_message_;
    std::byte* const record = data() + offset;
    // [H2] pairs with the writer's header store [H1]: a header of this
    // stream seen here means its payload is visible too.
    const std::uint64_t header = detail::LoadHeader(record);
    // The header may be garbage if the writer lapped us: bound it before use.
    const std::uint64_t record_bytes =
        layout::WholeDataRecordBytes(header, offset, capacity, max_message, data_kind);
    if (record_bytes != 0 && behind_by_less_than_a_ring) [[likely]] {
      const auto length = static_cast<std::uint32_t>(header);
      if (deliver(record + layout::kRecordHeaderBytes, length)) [[likely]] {
        // The locals, not the members: those would be loaded again after
        // Overwritten's fence (32 B throughput 205-233 -> 258-276 M
        // messages/s, docs/benchmarks.md).
        if (Overwritten(position, capacity)) [[unlikely]] return Lapped(true);
        return Delivered(position + record_bytes, length);
      }
    }
    // By value: passed by reference, the inline path kept the lambda on the
    // stack for this call (one instruction more per message, callgrind).
    return ReadOneSlow(deliver);
  }

  // Every case, the common one included (ReadOne's checks are repeated).
  template <class Deliver>
  [[gnu::noinline]] ReadResult ReadOneSlow(Deliver deliver) noexcept {
    for (;;) {
      const std::uint64_t offset = position_ & mask_;
      std::byte* record = data() + offset;
      // [H2] pairs with the writer's header store [H1]: a header of this
      // stream seen here means its payload is visible too.
      const std::uint64_t header = detail::LoadHeader(record);
      const std::uint64_t kind = header >> 32;
      if (position_ == cached_commit_ && !kinds_.Contains(kind)) {
        // Caught up, and no record of this stream here: "nothing yet" (0),
        // or another generation's record. Only now touch the writer's lines
        // (commit, generation, closed): never per message.
        const ReadStatus status = ReloadCommit(header);
        if (status != ReadStatus::kMessage) {
          // About to wait (or stop): publish the exact position, so a
          // tethered writer never waits for bytes this reader has read.
          PublishPosition();
          return {status, 0};
        }
        continue;
      }
      if (cached_commit_ - position_ > capacity_) [[unlikely]] return Lapped(false);
      // The header may be garbage if the writer lapped us: bound it before use.
      const std::uint64_t record_bytes =
          layout::WholeRecordBytes(header, offset, capacity_, max_message_, kinds_);
      if (record_bytes == 0) [[unlikely]] {
        return Overwritten(position_, capacity_) ? Lapped(false) : ReadResult{ReadStatus::kCorrupt, 0};
      }
      const auto length = static_cast<std::uint32_t>(header);
      const bool is_padding = kind == kinds_.padding;
      const bool delivered = is_padding || deliver(record + layout::kRecordHeaderBytes, length);
      if (Overwritten(position_, capacity_)) [[unlikely]] return Lapped(true);
      if (!delivered) return {ReadStatus::kBufferTooSmall, length};
      if (!is_padding) return Delivered(position_ + record_bytes, length);
      MovePast(position_ + record_bytes);
    }
  }

  // Moves past a record read whole that ends at `next`. A record found by
  // its header is committed, whether or not the writer's commit store has
  // followed yet.
  void MovePast(std::uint64_t next) noexcept {
    position_ = next;
    if (next > cached_commit_) cached_commit_ = next;
  }
  // Moves past a delivered message of `length` bytes that ends at `next`.
  ReadResult Delivered(std::uint64_t next, std::uint32_t length) noexcept {
    MovePast(next);
    ++messages_read_;
    // The slot's position is published every capacity / 64 bytes (16 KiB
    // for 1 MiB) and whenever the ring is found empty, not per message: a
    // tethered writer waiting for room polls that line, and each of its
    // polls made the reader's next per-message store miss (a reader a ring
    // behind, 32-byte messages: 62-94 M/s before, 118-125 M/s after). A
    // tethered writer therefore waits for at most capacity / 64 bytes more
    // than it must (it waits for a block of capacity / 16 anyway).
    if (next >= next_publish_) [[unlikely]] PublishPosition();
    return {ReadStatus::kMessage, length};
  }

  // Step 4-5: were the bytes at `position` (the reader's position) of a
  // ring of `capacity` bytes overwritten while we read them? Both come as
  // arguments so the fast path can pass the values it holds.
  [[nodiscard]] bool Overwritten(std::uint64_t position, std::uint64_t capacity) const noexcept {
    // [R2] pairs with the writer's fence [R1]: if our copy saw any byte the
    // writer wrote after publishing a reserve, this load sees that reserve.
    detail::AcquireFenceBeforeReserve();
    const std::uint64_t reserve = segment_->reserve.value.load(std::memory_order_relaxed);
    return reserve - position > capacity;
  }

  // Caught up, with `header` (not of this stream) at position_: is there
  // anything to read, or has the stream ended? Cold-ish: only when caught up.
  ReadStatus ReloadCommit(std::uint64_t header) noexcept;
  // Read()'s slow path: waits for a message after `first` found none; throws
  // for any end of stream, lap or error.
  std::size_t ReadSlow(std::span<std::byte> out, ReadResult first);
  // ReadFor()'s slow path, entered after TryRead found the ring empty.
  ReadResult WaitAndRead(std::span<std::byte> out, std::chrono::nanoseconds timeout);
  // Spins until a record of this stream appears at position_, at most
  // `polls` times (Read()'s and ReadFor's spinning; ReadOne then reads it).
  // Inline: Read() spins with it and must make no call.
  void PollHeader(std::uint32_t polls) const noexcept {
    std::byte* const header = data() + (position_ & mask_);
    for (std::uint32_t i = 0; i < polls; ++i) {
      for (std::uint32_t p = 0; p < pauses_per_poll_; ++p) detail::CpuRelax();
      if (kinds_.Contains(detail::LoadHeader(header) >> 32)) return;  // [H2], as in ReadOne
    }
  }
  // Header polls between two full checks (TryRead) while spinning.
  static constexpr std::uint32_t kPollsPerRound = 8;
  [[nodiscard]] std::uint64_t LivenessIntervalNs() const noexcept {
    return static_cast<std::uint64_t>(
        std::chrono::nanoseconds(options_.liveness_interval).count());
  }
  ReadResult Lapped(bool after_copy) noexcept;
  [[noreturn]] void TerminateLapped() noexcept;
  void SleepUntilCommitMoves(std::chrono::nanoseconds max_wait) noexcept;
  void RegisterSlot();
  void ReleaseSlot() noexcept;
  // Release: the writer (tethered mode) may overwrite the bytes below this
  // position once it sees it (pairs with its acquire in MinTetheredPosition).
  void PublishPosition() noexcept {
    if (slot_ != nullptr) slot_->position.store(position_, std::memory_order_release);
    next_publish_ = position_ + capacity_ / 64;
  }

  static SharedMemory AttachReader(const std::string& ring_name, const ReaderOptions& options);

  ReaderOptions options_;
  std::uint64_t position_ = 0;
  std::uint64_t cached_commit_ = 0;
  std::uint64_t attached_generation_ = 0;
  layout::RecordKinds kinds_;  // the attached generation's
  std::uint64_t next_liveness_check_ns_ = 0;
  std::uint64_t messages_read_ = 0;
  std::uint64_t laps_ = 0;
  std::uint64_t copies_rejected_ = 0;
  std::uint64_t waits_ = 0;
  // messages_read_ when WaitAndRead last began: two or more read since
  // then, and the next wait backs off (ReaderOptions::catch_up_backoff).
  std::uint64_t messages_read_at_last_wait_ = 0;
  LapInfo last_lap_{};
  layout::ReaderSlot* slot_ = nullptr;
  int slot_index_ = -1;
  // The position at which ReadOne publishes next: capacity / 64 bytes past
  // the last published one (stored in the slot, if there is one).
  std::uint64_t next_publish_ = 0;
  // detail::PausesPerPoll(), kept here so Read()'s inline spin makes no call.
  std::uint32_t pauses_per_poll_ = 1;
};

}  // namespace CircularBuffer
}  // namespace ringlib
