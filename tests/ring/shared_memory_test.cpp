// SharedMemory: open modes, permissions, lifetime, and every system call's
// failure path (made to fail through ringlib::sys).
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>

#include "ring_test_util.hpp"
#include "ringlib/shared_memory.hpp"
#include "ringlib/sys.hpp"

namespace {

using ringlib::ErrorCode;
using ringlib::OpenMode;
using ringlib::SharedMemory;
using ringlib::SharedMemoryOptions;

// A raw segment name (no "ringlib." prefix) removed however the test ends.
class SegmentGuard {
 public:
  SegmentGuard() : name_("ringlib." + ringtest::UniqueRingName("shm")) { SharedMemory::Remove(name_); }
  ~SegmentGuard() { SharedMemory::Remove(name_); }
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  std::string name_;
};

// Restores the real system calls when the scope ends.
class FaultScope {
 public:
  FaultScope() = default;
  ~FaultScope() { ringlib::sys::Get() = ringlib::sys::Real(); }
  FaultScope(const FaultScope&) = delete;
  FaultScope& operator=(const FaultScope&) = delete;
};

mode_t ModeOf(const std::string& name) {
  struct stat st {};
  EXPECT_EQ(::stat(("/dev/shm/" + name).c_str(), &st), 0);
  return st.st_mode & 0777;
}

TEST(SharedMemory, CreatesOwnerOnlySegmentByDefaultWhateverTheUmask) {
  SegmentGuard segment;
  const mode_t old_umask = ::umask(0);
  SharedMemory shm(segment.name(), OpenMode::kCreateExclusive, 4096);
  ::umask(old_umask);
  EXPECT_EQ(ModeOf(segment.name()), 0600u);
  EXPECT_TRUE(shm.created());
  EXPECT_EQ(shm.size_bytes(), 4096u);
  EXPECT_EQ(shm.ref_count(), 1u);
}

TEST(SharedMemory, AppliesTheRequestedModeDespiteARestrictiveUmask) {
  SegmentGuard segment;
  const mode_t old_umask = ::umask(077);
  SharedMemory shm(segment.name(), OpenMode::kCreateExclusive, 4096, SharedMemoryOptions{0644});
  ::umask(old_umask);
  EXPECT_EQ(ModeOf(segment.name()), 0644u);
}

TEST(SharedMemory, CreateExclusiveRefusesAnExistingSegment) {
  SegmentGuard segment;
  SharedMemory first(segment.name(), OpenMode::kCreateExclusive, 4096);
  try {
    SharedMemory second(segment.name(), OpenMode::kCreateExclusive, 4096);
    FAIL();
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kAlreadyExists);
    EXPECT_NE(std::string(error.what()).find(segment.name()), std::string::npos);
  }
}

TEST(SharedMemory, OpenExistingMapsTheFstatSizeAndCountsReferences) {
  SegmentGuard segment;
  SharedMemory creator(segment.name(), OpenMode::kCreateOrOpen, 8192);
  SharedMemory opener(segment.name(), OpenMode::kOpenExisting, 0);
  EXPECT_FALSE(opener.created());
  EXPECT_EQ(opener.size_bytes(), 8192u);
  EXPECT_EQ(creator.ref_count(), 2u);
  opener.As<std::uint64_t>(256)[0] = 42;
  EXPECT_EQ(creator.As<std::uint64_t>(256)[0], 42u);
}

// This thread's faults only: a sanitizer runtime's background thread may
// fault pages of its own meanwhile.
long MinorFaults() {
  struct rusage usage {};
  ::getrusage(RUSAGE_THREAD, &usage);
  return usage.ru_minflt;
}

// Touch one byte per 512 (every page) with plain stores/loads: no memset
// (sanitizers intercept it) and no sanitizer checks, whose shadow-memory
// accesses would add faults of their own to the count.
__attribute__((no_sanitize("address", "thread", "undefined"))) void TouchForWrite(
    std::span<std::byte> bytes) {
  for (std::size_t i = 0; i < bytes.size(); i += 512) {
    static_cast<volatile std::byte&>(bytes[i]) = std::byte{0x5a};
  }
}
__attribute__((no_sanitize("address", "thread", "undefined"))) std::size_t TouchForRead(
    std::span<const std::byte> bytes) {
  std::size_t ones = 0;
  for (std::size_t i = 0; i < bytes.size(); i += 512) {
    if (static_cast<const volatile std::byte&>(bytes[i]) == std::byte{0x5a}) ++ones;
  }
  return ones;
}

// Page faults taken while writing every byte of a fresh segment, then while
// reading every byte through a second mapping (another participant's view).
struct FaultCounts {
  long writing = 0;
  long reading = 0;
};
FaultCounts FaultsTouchingAFreshSegment(bool prefault) {
  SegmentGuard segment;
  constexpr std::size_t kBytes = std::size_t{4} << 20;  // 1,024 pages
  SharedMemoryOptions options;
  options.prefault = prefault;
  SharedMemory creator(segment.name(), OpenMode::kCreateExclusive, kBytes, options);
  const std::span<std::byte> out = creator.bytes().subspan(sizeof(ringlib::SegmentControl));
  FaultCounts counts;
  long before = MinorFaults();
  TouchForWrite(out);
  counts.writing = MinorFaults() - before;
  SharedMemory opener(segment.name(), OpenMode::kOpenExisting, 0, options);
  const std::span<std::byte> in = opener.bytes().subspan(sizeof(ringlib::SegmentControl));
  before = MinorFaults();
  const std::size_t seen = TouchForRead(in);
  counts.reading = MinorFaults() - before;
  EXPECT_EQ(seen, (in.size() + 511) / 512) << "the second mapping sees the bytes written";
  return counts;
}

// The default maps every page at attach: the first lap of a ring takes no
// page fault (each one cost ~0.5 us in the middle of the traffic). The
// lazy mapping is measured beside it, so the test shows the difference is
// real: one fault per page written, one per fault-around batch read.
TEST(SharedMemory, PrefaultMapsEveryPageAtAttachSoTouchingItTakesNoFault) {
  const FaultCounts lazy = FaultsTouchingAFreshSegment(false);
  const FaultCounts prefaulted = FaultsTouchingAFreshSegment(true);
  EXPECT_GE(lazy.writing, 1000) << "a lazily mapped page faults when first written";
  EXPECT_GE(lazy.reading, 50) << "a lazily mapped page faults when first read";
  EXPECT_LE(prefaulted.writing, 4);
  EXPECT_LE(prefaulted.reading, 4);
  std::printf("minor faults over 4 MiB: lazy write %ld read %ld; prefaulted write %ld read %ld\n",
              lazy.writing, lazy.reading, prefaulted.writing, prefaulted.reading);
}

TEST(SharedMemory, OpenExistingOfAMissingSegmentIsNotFound) {
  SegmentGuard segment;
  try {
    SharedMemory shm(segment.name(), OpenMode::kOpenExisting, 0);
    FAIL();
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(error.what()).find(segment.name()), std::string::npos);
  }
}

TEST(SharedMemory, UnlinksWhenTheLastParticipantDetaches) {
  SegmentGuard segment;
  {
    SharedMemory creator(segment.name(), OpenMode::kCreateOrOpen, 4096);
    {
      SharedMemory opener(segment.name(), OpenMode::kOpenExisting, 0);
    }
    EXPECT_TRUE(SharedMemory::Exists(segment.name()));
  }
  EXPECT_FALSE(SharedMemory::Exists(segment.name()));
}

TEST(SharedMemory, KilledParticipantDoesNotKeepTheSegmentAlive) {
  SegmentGuard segment;
  {
    SharedMemory creator(segment.name(), OpenMode::kCreateOrOpen, 4096);
    const pid_t child = ::fork();
    ASSERT_GE(child, 0);
    if (child == 0) {
      SharedMemory opener(segment.name(), OpenMode::kOpenExisting, 0);
      ::kill(::getpid(), SIGKILL);  // dies holding the segment, no destructor runs
    }
    int status = 0;
    ASSERT_EQ(::waitpid(child, &status, 0), child);
    ASSERT_TRUE(WIFSIGNALED(status));
    EXPECT_EQ(creator.ref_count(), 2u) << "the count cannot see the death";
    EXPECT_TRUE(creator.IsSoleParticipant()) << "the kernel lock can";
  }
  EXPECT_FALSE(SharedMemory::Exists(segment.name()));
}

TEST(SharedMemory, RejectsNamesWithSlashesOrEmpty) {
  for (const std::string& bad : std::vector<std::string>{"", "a/b", "../x", std::string(201, 'a'), "sp ace"}) {
    try {
      SharedMemory shm(bad, OpenMode::kCreateOrOpen, 4096);
      FAIL() << "accepted \"" << bad << "\"";
    } catch (const ringlib::Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    }
  }
}

TEST(SharedMemory, ShmOpenFailureNamesTheSegmentAndErrno) {
  SegmentGuard segment;
  FaultScope faults;
  ringlib::sys::Get().shm_open = [](const char*, int, mode_t) {
    errno = EMFILE;
    return -1;
  };
  try {
    SharedMemory shm(segment.name(), OpenMode::kCreateOrOpen, 4096);
    FAIL();
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kSystemError);
    EXPECT_NE(std::string(error.what()).find(segment.name()), std::string::npos);
    EXPECT_NE(std::string(error.what()).find("Too many open files"), std::string::npos)
        << error.what();
  }
}

TEST(SharedMemory, FullDevShmIsAnErrorAtCreationAndLeavesNothingBehind) {
  SegmentGuard segment;
  FaultScope faults;
  ringlib::sys::Get().posix_fallocate = [](int, off_t, off_t) { return ENOSPC; };
  try {
    SharedMemory shm(segment.name(), OpenMode::kCreateOrOpen, 1 << 20);
    FAIL();
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kNoSpace);
    EXPECT_NE(std::string(error.what()).find("No space left on device"), std::string::npos);
    EXPECT_NE(std::string(error.what()).find(segment.name()), std::string::npos);
  }
  EXPECT_FALSE(SharedMemory::Exists(segment.name()));
}

TEST(SharedMemory, MmapFailureIsReportedAndTheDescriptorClosed) {
  SegmentGuard segment;
  FaultScope faults;
  ringlib::sys::Get().mmap = [](void*, std::size_t, int, int, int, off_t) -> void* {
    errno = ENOMEM;
    return MAP_FAILED;
  };
  try {
    SharedMemory shm(segment.name(), OpenMode::kCreateOrOpen, 4096);
    FAIL();
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kSystemError);
    EXPECT_NE(std::string(error.what()).find("mmap"), std::string::npos);
  }
}

TEST(SharedMemory, PermissionDeniedIsItsOwnCode) {
  SegmentGuard segment;
  FaultScope faults;
  ringlib::sys::Get().shm_open = [](const char*, int, mode_t) {
    errno = EACCES;
    return -1;
  };
  try {
    SharedMemory shm(segment.name(), OpenMode::kOpenExisting, 0);
    FAIL();
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kPermissionDenied);
  }
}

}  // namespace
