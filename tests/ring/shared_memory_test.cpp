// SharedMemory: open modes, permissions, lifetime, and every system call's
// failure path (made to fail through ringlib::sys).
#include <gtest/gtest.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <vector>
#include <cstring>

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

// Pages of `bytes` that have a page-table entry in this process, from
// /proc/self/pagemap (bit 63: present). A present page is touched without a
// fault. This reads the mapping itself, so it does not count faults a
// sanitizer runtime takes on its own shadow memory meanwhile.
std::size_t PresentPages(std::span<const std::byte> bytes) {
  const auto page = static_cast<std::uintptr_t>(::sysconf(_SC_PAGESIZE));
  const auto first = reinterpret_cast<std::uintptr_t>(bytes.data()) / page;
  const auto last = (reinterpret_cast<std::uintptr_t>(bytes.data()) + bytes.size() - 1) / page;
  std::vector<std::uint64_t> entries(last - first + 1);
  const int fd = ::open("/proc/self/pagemap", O_RDONLY | O_CLOEXEC);
  EXPECT_GE(fd, 0) << "/proc/self/pagemap: " << std::strerror(errno);
  if (fd < 0) return 0;
  const auto wanted = static_cast<ssize_t>(entries.size() * sizeof(std::uint64_t));
  const ssize_t got = ::pread(fd, entries.data(), static_cast<std::size_t>(wanted),
                              static_cast<off_t>(first * sizeof(std::uint64_t)));
  ::close(fd);
  EXPECT_EQ(got, wanted);
  std::size_t present = 0;
  for (const std::uint64_t entry : entries) present += (entry >> 63) & 1u;
  return present;
}

struct Mapped {
  std::size_t pages = 0;
  std::size_t creator_present = 0;  // right after creating
  std::size_t opener_present = 0;   // right after a second participant attached
};
Mapped MappedAtAttach(bool prefault) {
  SegmentGuard segment;
  constexpr std::size_t kBytes = std::size_t{4} << 20;  // 1,024 pages
  SharedMemoryOptions options;
  options.prefault = prefault;
  const SharedMemory creator(segment.name(), OpenMode::kCreateExclusive, kBytes, options);
  Mapped mapped;
  mapped.pages = (creator.bytes().size() + 4095) / 4096;
  mapped.creator_present = PresentPages(creator.bytes());
  const SharedMemory opener(segment.name(), OpenMode::kOpenExisting, 0, options);
  mapped.opener_present = PresentPages(opener.bytes());
  return mapped;
}

// The default maps every page at attach, for the creator and for every
// opener, so the first lap of a ring takes no page fault (~1.1-1.3 us a page
// in the middle of the traffic, see WriterOptions::prefault). The lazy
// mapping is measured beside it: only the control block's page, which
// attaching writes, is mapped.
TEST(SharedMemory, PrefaultMapsEveryPageAtAttachSoTouchingItTakesNoFault) {
  const Mapped lazy = MappedAtAttach(false);
  const Mapped prefaulted = MappedAtAttach(true);
  EXPECT_EQ(prefaulted.creator_present, prefaulted.pages);
  EXPECT_EQ(prefaulted.opener_present, prefaulted.pages);
  EXPECT_LE(lazy.creator_present, 16u) << "a lazy mapping has entries only where it was touched";
  EXPECT_LE(lazy.opener_present, 16u);
  std::printf("pages mapped at attach, of %zu: lazy creator %zu opener %zu; prefaulted %zu and %zu\n",
              lazy.pages, lazy.creator_present, lazy.opener_present, prefaulted.creator_present,
              prefaulted.opener_present);
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
