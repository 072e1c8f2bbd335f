// ringctl: operate the rings of this machine.
//
//   ringctl list                 every /dev/shm/ringlib.* segment: writer pid and
//                                liveness, capacity, positions, participants,
//                                registered readers and their lag
//   ringctl inspect NAME...      header, counters, writer and every reader slot
//   ringctl clean [NAME...]      unlink stale segments (no live participant);
//                                refuses live ones
//
// ringctl is an observer: `list` and `inspect` open segments read-only, map
// only the header area (never the data), take no lock and never attach, so
// looking at a ring cannot change its lifetime (a SharedMemory attach would
// take a participant lock, and its detach could unlink a stale segment).
// Liveness comes from the kernel: the OFD locks that ringlib participants hold
// (byte 0: every participant, byte 1: the writer, byte 64+i: reader slot i)
// are queried with F_OFD_GETLK and counted in /proc/locks. The reference count
// in the segment is shown too, but it is diagnostic only: too high after a
// kill -9.
//
// Exit codes: 0 success; 1 usage; 2 a named segment does not exist, cannot be
// read or is not a valid ring (inspect); 3 clean refused a live segment.
#include <fcntl.h>
#include <fmt/format.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/types.h>
#include <unistd.h>

#include <CLI/CLI.hpp>
#include <algorithm>
#include <cerrno>
#include <cinttypes>
#include <cstdint>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <optional>
#include <sstream>
#include <string>
#include <string_view>
#include <vector>

#include "ringlib/circular_buffer.hpp"
#include "ringlib/layout.hpp"

namespace {

namespace layout = ringlib::layout;
namespace cb = ringlib::CircularBuffer;

constexpr int kExitOk = 0;
constexpr int kExitUsage = 1;
constexpr int kExitInput = 2;
constexpr int kExitRefused = 3;

constexpr std::string_view kPrefix = "ringlib.";
const std::string kShmDir = "/dev/shm";

// "demo" and "ringlib.demo" both name the segment ringlib.demo.
std::string SegmentNameOf(std::string_view name) {
  if (name.starts_with("/dev/shm/")) name.remove_prefix(9);
  std::string segment =
      name.starts_with(kPrefix) ? std::string(name) : cb::IWrapper::SegmentName(name);
  ringlib::SharedMemory::ValidateName(segment);  // no '/', no "..": stays in /dev/shm
  return segment;
}

std::string RingNameOf(std::string_view segment) {
  return std::string(segment.substr(std::min(segment.size(), kPrefix.size())));
}

// Who holds OFD locks on which bytes of one inode, from /proc/locks (exact:
// the kernel's own table; a dead process holds nothing).
struct LockCensus {
  std::uint64_t participants = 0;  // read locks on byte 0
  bool writer = false;             // a lock on byte 1
  std::map<off_t, std::uint64_t> by_byte;
};

// /proc/locks as one consistent listing. The kernel lists the table a page
// at a time, each read(2) resuming at an index, so a table that changes
// between two reads can show a lock twice or not at all: a ring with three
// participants was once listed with four while other tests took and dropped
// locks (ringctl_test under a parallel ASan run). So read it whole until two
// listings in a row agree (at most 20 times; the last one otherwise), once
// per run of ringctl: every ring it shows is counted from the same listing.
const std::string& LockTable() {
  static const std::string table = [] {
    auto read_once = [] {
      std::ifstream in("/proc/locks");
      return std::string((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    };
    std::string previous = read_once();
    for (int attempt = 0; attempt < 20; ++attempt) {
      std::string current = read_once();
      if (current == previous) return current;
      previous = std::move(current);
    }
    return previous;
  }();
  return table;
}

LockCensus CensusFor(const struct stat& st) {
  LockCensus census;
  std::istringstream locks(LockTable());
  const std::string device =
      fmt::format("{:02x}:{:02x}:{}", major(st.st_dev), minor(st.st_dev), st.st_ino);
  std::string line;
  while (std::getline(locks, line)) {
    // "1: OFDLCK ADVISORY  READ -1 00:1b:426 0 0"; blocked waiters start "1: ->".
    if (line.find("->") != std::string::npos) continue;
    std::istringstream fields(line);
    std::string id, kind, advisory, access, pid, where, start, end;
    if (!(fields >> id >> kind >> advisory >> access >> pid >> where >> start >> end)) continue;
    if (where != device) continue;
    const auto byte = static_cast<off_t>(std::strtoll(start.c_str(), nullptr, 10));
    ++census.by_byte[byte];
    if (byte == ringlib::SharedMemory::kParticipantLockByte) ++census.participants;
    if (byte == layout::kWriterLockByte) census.writer = true;
  }
  return census;
}

// Is any lock held on `byte`? Asks the kernel directly (F_OFD_GETLK), which
// also works where /proc/locks is not readable.
bool ByteLocked(int fd, off_t byte) {
  struct flock query {};
  query.l_type = F_WRLCK;
  query.l_whence = SEEK_SET;
  query.l_start = byte;
  query.l_len = 1;
  if (::fcntl(fd, F_OFD_GETLK, &query) != 0) return false;
  return query.l_type != F_UNLCK;
}

std::optional<std::uint64_t> ProcessStartTicks(std::int32_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return std::nullopt;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  for (int index = 3; index <= 22 && fields >> field; ++index) {
    if (index == 22) return std::strtoull(field.c_str(), nullptr, 10);
  }
  return std::nullopt;
}

std::string HumanBytes(std::uint64_t bytes) {
  if (bytes >= (1ULL << 30) && bytes % (1ULL << 30) == 0) return fmt::format("{} GiB", bytes >> 30);
  if (bytes >= (1ULL << 20) && bytes % (1ULL << 20) == 0) return fmt::format("{} MiB", bytes >> 20);
  if (bytes >= (1ULL << 10) && bytes % (1ULL << 10) == 0) return fmt::format("{} KiB", bytes >> 10);
  return fmt::format("{} B", bytes);
}

struct SlotView {
  std::uint32_t index = 0;
  std::int32_t pid = 0;
  std::uint32_t flags = 0;
  std::uint64_t position = 0;
  std::uint64_t lapped_count = 0;
  bool alive = false;  // its slot lock is held
  std::uint64_t lag_bytes = 0;
  bool lapped = false;  // flagged by the reader, or behind by more than the capacity
};

// A read-only view of one segment's header area.
struct SegmentView {
  std::string segment;  // "ringlib.demo"
  std::string error;    // why it cannot be opened or is not a valid ring
  struct stat st {};
  bool valid = false;
  std::uint64_t magic = 0;
  std::uint32_t layout_version = 0;
  std::uint32_t header_bytes = 0;
  std::uint64_t capacity_bytes = 0;
  std::uint32_t max_message_bytes = 0;
  std::uint32_t reader_slot_count = 0;
  std::int32_t creator_pid = 0;
  std::uint32_t flags = 0;
  std::uint64_t generation = 0;
  std::uint32_t initialized = 0;
  std::uint64_t ref_count = 0;
  std::uint64_t reserve = 0;
  std::uint64_t commit = 0;
  std::uint32_t wake_sequence = 0;
  std::uint32_t sleepers = 0;
  std::int32_t writer_pid = 0;
  std::uint32_t writer_closed = 0;
  std::uint64_t writer_start_ticks = 0;
  bool header_readable = false;  // the file is at least as large as the header area
  bool writer_lock_held = false;
  bool participant_lock_held = false;
  LockCensus census;
  std::vector<SlotView> readers;

  [[nodiscard]] std::string WriterState() const {
    if (writer_lock_held) {
      const auto ticks = ProcessStartTicks(writer_pid);
      if (ticks && writer_start_ticks != 0 && *ticks != writer_start_ticks)
        return "alive (pid reused?)";
      return "alive";
    }
    if (writer_pid == 0) return "none";
    return writer_closed != 0 ? "closed" : "dead";
  }
  [[nodiscard]] bool Live() const { return participant_lock_held; }
  [[nodiscard]] std::uint64_t MaxLag() const {
    std::uint64_t lag = 0;
    for (const auto& reader : readers) lag = std::max(lag, reader.lag_bytes);
    return lag;
  }
};

// Names the first field that differs from this build's layout, with both values.
std::string Validate(const SegmentView& view) {
  const auto size = static_cast<std::uint64_t>(view.st.st_size);
  if (size < layout::kDataOffset) {
    return fmt::format("file size {} bytes is smaller than the {}-byte header area", size,
                       layout::kDataOffset);
  }
  if (view.initialized != layout::kInitializedValue) {
    return fmt::format("not initialised (word {:#x}, expected {:#x})", view.initialized,
                       layout::kInitializedValue);
  }
  if (view.magic != layout::kMagic) {
    return fmt::format("magic is {:#018x}, expected {:#018x}", view.magic, layout::kMagic);
  }
  if (view.layout_version != layout::kLayoutVersion) {
    return fmt::format("layout version is {}, expected {}", view.layout_version,
                       layout::kLayoutVersion);
  }
  if (view.header_bytes != layout::kDataOffset) {
    return fmt::format("header size is {} bytes, expected {}", view.header_bytes,
                       layout::kDataOffset);
  }
  const std::uint64_t capacity = view.capacity_bytes;
  if (capacity < layout::kMinCapacityBytes || capacity > layout::kMaxCapacityBytes ||
      (capacity & (capacity - 1)) != 0) {
    return fmt::format("capacity is {} bytes, expected a power of two from {} to {}", capacity,
                       layout::kMinCapacityBytes, layout::kMaxCapacityBytes);
  }
  if (size != layout::kDataOffset + capacity) {
    return fmt::format("file size is {} bytes, the header says {} (header + capacity)", size,
                       layout::kDataOffset + capacity);
  }
  if (view.max_message_bytes != layout::MaxMessageBytes(capacity)) {
    return fmt::format("maximum message size is {} bytes, expected {}", view.max_message_bytes,
                       layout::MaxMessageBytes(capacity));
  }
  if (view.reader_slot_count != layout::kReaderSlots) {
    return fmt::format("reader slot count is {}, expected {}", view.reader_slot_count,
                       layout::kReaderSlots);
  }
  return {};
}

SegmentView Observe(const std::string& segment) {
  SegmentView view;
  view.segment = segment;
  const std::string path = kShmDir + "/" + segment;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    view.error = fmt::format("cannot open {}: {}", path, std::strerror(errno));
    return view;
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  if (::fstat(fd, &view.st) != 0 || !S_ISREG(view.st.st_mode)) {
    view.error = fmt::format("{} is not a regular file", path);
    return view;
  }
  view.participant_lock_held = ByteLocked(fd, ringlib::SharedMemory::kParticipantLockByte);
  view.writer_lock_held = ByteLocked(fd, layout::kWriterLockByte);
  view.census = CensusFor(view.st);
  const auto size = static_cast<std::size_t>(view.st.st_size);
  if (size < sizeof(layout::Segment)) {
    view.error = Validate(view);
    return view;
  }
  // Only the header area: a header cannot make ringctl touch the data.
  const std::size_t mapped = std::min<std::size_t>(size, layout::kDataOffset);
  void* base = ::mmap(nullptr, mapped, PROT_READ, MAP_SHARED, fd, 0);
  if (base == MAP_FAILED) {
    view.error = fmt::format("cannot map {}: {}", path, std::strerror(errno));
    return view;
  }
  view.header_readable = true;
  const auto* seg = static_cast<const layout::Segment*>(base);
  const auto& header = seg->header;
  // Plain fields are copied once; the writer does not change them after
  // initialisation (a hostile one could: every value is only printed).
  std::memcpy(&view.magic, &header.magic, sizeof view.magic);
  std::memcpy(&view.layout_version, &header.layout_version, sizeof view.layout_version);
  std::memcpy(&view.header_bytes, &header.header_bytes, sizeof view.header_bytes);
  std::memcpy(&view.capacity_bytes, &header.capacity_bytes, sizeof view.capacity_bytes);
  std::memcpy(&view.max_message_bytes, &header.max_message_bytes, sizeof view.max_message_bytes);
  std::memcpy(&view.reader_slot_count, &header.reader_slot_count, sizeof view.reader_slot_count);
  std::memcpy(&view.creator_pid, &header.creator_pid, sizeof view.creator_pid);
  std::memcpy(&view.flags, &header.flags, sizeof view.flags);
  view.initialized = header.initialized.load(std::memory_order_acquire);
  view.generation = header.generation.load(std::memory_order_acquire);
  view.ref_count = seg->control.ref_count.load(std::memory_order_relaxed);
  view.reserve = seg->reserve.value.load(std::memory_order_acquire);
  view.commit = seg->commit.value.load(std::memory_order_acquire);
  view.wake_sequence = seg->wake.wake_sequence.load(std::memory_order_relaxed);
  view.sleepers = seg->wake.sleepers.load(std::memory_order_relaxed);
  view.writer_pid = seg->writer.pid.load(std::memory_order_relaxed);
  view.writer_closed = seg->writer.closed.load(std::memory_order_acquire);
  view.writer_start_ticks = seg->writer.start_time_ticks.load(std::memory_order_relaxed);
  for (std::uint32_t i = 0; i < layout::kReaderSlots; ++i) {
    const auto& slot = seg->slots[i];
    SlotView reader;
    reader.index = i;
    reader.flags = slot.flags.load(std::memory_order_acquire);
    reader.alive = ByteLocked(fd, layout::kReaderSlotLockByte0 + static_cast<off_t>(i));
    if ((reader.flags & cb::kSlotInUse) == 0 && !reader.alive) continue;
    reader.pid = slot.pid.load(std::memory_order_relaxed);
    reader.position = slot.position.load(std::memory_order_acquire);
    reader.lapped_count = slot.lapped_count.load(std::memory_order_relaxed);
    reader.lag_bytes = view.commit >= reader.position ? view.commit - reader.position : 0;
    reader.lapped =
        (reader.flags & cb::kSlotLapped) != 0 ||
        (view.capacity_bytes != 0 && view.reserve - reader.position > view.capacity_bytes);
    view.readers.push_back(reader);
  }
  ::munmap(base, mapped);
  view.error = Validate(view);
  view.valid = view.error.empty();
  return view;
}

std::vector<std::string> AllSegments() {
  std::vector<std::string> names;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator(kShmDir, ec)) {
    const std::string name = entry.path().filename().string();
    if (name.starts_with(kPrefix)) names.push_back(name);
  }
  std::sort(names.begin(), names.end());
  return names;
}

std::string SlotFlags(std::uint32_t flags) {
  std::string text;
  const auto add = [&text](const char* word) {
    if (!text.empty()) text += '|';
    text += word;
  };
  if ((flags & cb::kSlotInUse) != 0) add("in_use");
  if ((flags & cb::kSlotTethered) != 0) add("tethered");
  if ((flags & cb::kSlotLapped) != 0) add("lapped");
  return text.empty() ? "-" : text;
}

std::string ReaderLine(const SlotView& reader) {
  return fmt::format(
      "reader slot={} pid={} state={} position={} lag_bytes={} lapped={} laps={} flags={}",
      reader.index, reader.pid, reader.alive ? "alive" : "dead", reader.position, reader.lag_bytes,
      reader.lapped ? "yes" : "no", reader.lapped_count, SlotFlags(reader.flags));
}

int List(bool quiet_readers) {
  const auto names = AllSegments();
  fmt::print("{:<28} {:>8} {:<8} {:>9} {:>14} {:>4} {:>5} {:>7} {:>10}  {}\n", "RING", "WRITER",
             "STATE", "CAPACITY", "COMMIT", "GEN", "PARTS", "READERS", "MAX_LAG", "SEGMENT");
  for (const auto& name : names) {
    const SegmentView view = Observe(name);
    const std::string status = view.Live() ? "live" : "stale";
    if (!view.valid) {
      fmt::print("{:<28} {:>8} {:<8} {:>9} {:>14} {:>4} {:>5} {:>7} {:>10}  {} ({}: {})\n",
                 RingNameOf(name), view.writer_pid, view.header_readable ? view.WriterState() : "-",
                 "-", "-", "-", view.census.participants, "-", "-", name, status, view.error);
      continue;
    }
    fmt::print("{:<28} {:>8} {:<8} {:>9} {:>14} {:>4} {:>5} {:>7} {:>10}  {} ({})\n",
               RingNameOf(name), view.writer_pid, view.WriterState(),
               HumanBytes(view.capacity_bytes), view.commit, view.generation,
               view.census.participants, view.readers.size(), view.MaxLag(), name, status);
    if (!quiet_readers) {
      for (const auto& reader : view.readers) fmt::print("  {}\n", ReaderLine(reader));
    }
  }
  if (names.empty()) fmt::print("(no ringlib segments in {})\n", kShmDir);
  return kExitOk;
}

int Inspect(const std::vector<std::string>& names) {
  int status = kExitOk;
  for (const auto& given : names) {
    const std::string segment = SegmentNameOf(given);
    const SegmentView view = Observe(segment);
    fmt::print("segment: {} ({}/{})\n", segment, kShmDir, segment);
    if (!view.header_readable) {
      fmt::print("error: {}\n", view.error);
      fmt::print(stderr, "ringctl inspect: {}: {}\n", segment, view.error);
      status = kExitInput;
      continue;
    }
    fmt::print("file: size_bytes={} mode={:04o} uid={} gid={}\n", view.st.st_size,
               view.st.st_mode & 07777, view.st.st_uid, view.st.st_gid);
    fmt::print("validation: {}\n", view.valid ? "ok" : "MISMATCH: " + view.error);
    fmt::print(
        "header: magic={:#018x} layout_version={} header_bytes={} capacity_bytes={} "
        "max_message_bytes={} reader_slot_count={} creator_pid={} flags={} "
        "generation={} initialized={}\n",
        view.magic, view.layout_version, view.header_bytes, view.capacity_bytes,
        view.max_message_bytes, view.reader_slot_count, view.creator_pid, view.flags,
        view.generation, view.initialized == layout::kInitializedValue ? "yes" : "no");
    fmt::print("positions: reserve={} commit={} reserved_uncommitted_bytes={}\n", view.reserve,
               view.commit, view.reserve >= view.commit ? view.reserve - view.commit : 0);
    fmt::print("wake: wake_sequence={} sleepers={}\n", view.wake_sequence, view.sleepers);
    fmt::print("writer: pid={} state={} closed={} start_time_ticks={} lock_held={}\n",
               view.writer_pid, view.WriterState(), view.writer_closed, view.writer_start_ticks,
               view.writer_lock_held ? "yes" : "no");
    fmt::print(
        "lifetime: participants={} ref_count={} (diagnostic; too high after kill -9) "
        "status={}\n",
        view.census.participants, view.ref_count, view.Live() ? "live" : "stale");
    fmt::print("readers: registered={}\n", view.readers.size());
    for (const auto& reader : view.readers) fmt::print("  {}\n", ReaderLine(reader));
    if (!view.valid) status = kExitInput;
  }
  return status;
}

// Unlinks `segment` if no participant holds it. An exclusive lock on the
// participant byte proves that nobody is attached and keeps anyone from
// attaching until we close (an opener waits for its shared lock, then sees
// st_nlink == 0 and starts afresh), so a live segment is never removed.
enum class CleanResult { kRemoved, kLive, kGone, kError };

CleanResult CleanOne(const std::string& segment, bool dry_run, std::string* why) {
  const std::string path = kShmDir + "/" + segment;
  const int fd = ::open(path.c_str(), (dry_run ? O_RDONLY : O_RDWR) | O_CLOEXEC | O_NOFOLLOW);
  if (fd < 0) {
    if (errno == ENOENT) return CleanResult::kGone;
    *why = fmt::format("cannot open {}: {}", path, std::strerror(errno));
    return CleanResult::kError;
  }
  struct FdCloser {
    int fd;
    ~FdCloser() { ::close(fd); }
  } closer{fd};
  if (dry_run) return ByteLocked(fd, 0) ? CleanResult::kLive : CleanResult::kRemoved;
  struct flock lock {};
  lock.l_type = F_WRLCK;
  lock.l_whence = SEEK_SET;
  lock.l_start = ringlib::SharedMemory::kParticipantLockByte;
  lock.l_len = 1;
  if (::fcntl(fd, F_OFD_SETLK, &lock) != 0) {
    if (errno == EAGAIN || errno == EACCES) return CleanResult::kLive;
    *why = fmt::format("cannot lock {}: {}", path, std::strerror(errno));
    return CleanResult::kError;
  }
  struct stat by_fd {
  }, by_name{};
  if (::fstat(fd, &by_fd) != 0 || by_fd.st_nlink == 0) return CleanResult::kGone;
  // Unlink only if the name still refers to the file we hold locked.
  if (::stat(path.c_str(), &by_name) != 0 || by_name.st_ino != by_fd.st_ino ||
      by_name.st_dev != by_fd.st_dev) {
    return CleanResult::kGone;
  }
  if (::shm_unlink(("/" + segment).c_str()) != 0) {
    if (errno == ENOENT) return CleanResult::kGone;
    *why = fmt::format("cannot unlink {}: {}", path, std::strerror(errno));
    return CleanResult::kError;
  }
  return CleanResult::kRemoved;
}

int Clean(const std::vector<std::string>& given, bool dry_run) {
  const bool named = !given.empty();
  std::vector<std::string> segments;
  for (const auto& name : given) segments.push_back(SegmentNameOf(name));
  if (!named) segments = AllSegments();
  int status = kExitOk;
  std::uint64_t removed = 0, kept = 0;
  for (const auto& segment : segments) {
    // Describe the writer before removing anything, for the log line.
    const SegmentView view = Observe(segment);
    std::string why;
    switch (CleanOne(segment, dry_run, &why)) {
      case CleanResult::kRemoved:
        ++removed;
        fmt::print("{} {} (stale: no live participant; writer pid {} {})\n",
                   dry_run ? "would remove" : "removed", segment, view.writer_pid,
                   view.header_readable ? view.WriterState() : "unknown");
        break;
      case CleanResult::kLive:
        ++kept;
        fmt::print("kept {} (live: {} participant(s), writer pid {} {})\n", segment,
                   view.census.participants, view.writer_pid, view.WriterState());
        if (named) {
          fmt::print(stderr,
                     "ringctl clean: refusing to remove {}: it has live participants "
                     "(writer pid {} {}); stop them first\n",
                     segment, view.writer_pid, view.WriterState());
          status = std::max(status, kExitRefused);
        }
        break;
      case CleanResult::kGone:
        if (named) {
          fmt::print(stderr, "ringctl clean: {} does not exist\n", segment);
          status = std::max(status, kExitInput);
        }
        break;
      case CleanResult::kError:
        fmt::print(stderr, "ringctl clean: {}\n", why);
        status = std::max(status, kExitInput);
        break;
    }
  }
  fmt::print("{} {} stale segment(s), kept {} live\n", dry_run ? "would remove" : "removed",
             removed, kept);
  return status;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "ringctl: list, inspect and clean the ringlib rings of this machine "
      "(/dev/shm/ringlib.*).\nNAME is a ring name (\"demo\") or a segment name "
      "(\"ringlib.demo\").\nlist and inspect only observe: read-only, no lock, no attach.\n"
      "Exit codes: 0 success, 1 usage, 2 a named segment is missing, unreadable or not a valid "
      "ring, 3 clean refused a live segment."};
  app.require_subcommand(1);
  bool quiet_readers = false;
  auto* list = app.add_subcommand(
      "list",
      "One line per segment: writer pid and state, capacity, commit position, generation, "
      "participants (kernel locks), registered readers, the largest reader lag; then one "
      "line per registered reader (slot, pid, position, lag, lapped)");
  list->add_flag("--no-readers", quiet_readers, "Omit the per-reader lines");
  std::vector<std::string> inspect_names;
  auto* inspect = app.add_subcommand(
      "inspect",
      "Dump a segment's header, positions, wake word, writer, lifetime and reader slots");
  inspect->add_option("NAME", inspect_names, "Ring or segment names")->required();
  std::vector<std::string> clean_names;
  bool dry_run = false;
  auto* clean = app.add_subcommand(
      "clean",
      "Remove stale segments: those no live process is attached to (participants all "
      "dead). Live segments are kept; a named live segment is refused (exit 3). "
      "Without NAME: every stale ringlib segment");
  clean->add_option("NAME", clean_names, "Ring or segment names (default: all)");
  clean->add_flag("--dry-run", dry_run, "Only say what would be removed");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? kExitOk : kExitUsage;
  }
  try {
    if (*list) return List(quiet_readers);
    if (*inspect) return Inspect(inspect_names);
    if (*clean) return Clean(clean_names, dry_run);
  } catch (const ringlib::Error& error) {
    fmt::print(stderr, "ringctl: {}\n", error.what());
    return error.code() == ringlib::ErrorCode::kInvalidArgument ? kExitUsage : kExitInput;
  } catch (const std::exception& error) {
    fmt::print(stderr, "ringctl: {}\n", error.what());
    return kExitInput;
  }
  return kExitUsage;
}
