// Resource limits and permissions: a /dev/shm too small for the ring, a file
// size limit (ulimit -f), a failing mmap, a reader of another user. Each gives
// a clear error at creation or attach: no SIGBUS, no SIGXFSZ, no leaked
// segment. Tests that need root (a private mount namespace, another uid)
// skip without it.
#include <fcntl.h>
#include <grp.h>
#include <gtest/gtest.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <functional>

#include "fault_util.hpp"
#include "ringlib/sys.hpp"

namespace {

namespace cb = ringlib::CircularBuffer;

// Runs `body` in a forked child; returns its exit status and what it wrote
// to the pipe (its report). The child never returns into GoogleTest.
struct ChildResult {
  int status = 0;
  std::string report;
  [[nodiscard]] bool exited() const { return WIFEXITED(status); }
  [[nodiscard]] int code() const { return WIFEXITED(status) ? WEXITSTATUS(status) : -1; }
  [[nodiscard]] int signal() const { return WIFSIGNALED(status) ? WTERMSIG(status) : 0; }
};

ChildResult InChild(const std::function<int(std::string&)>& body) {
  int fds[2];
  if (::pipe(fds) != 0) return {};
  const pid_t child = ::fork();
  if (child == 0) {
    ::close(fds[0]);
    std::string report;
    int code = 99;
    try {
      code = body(report);
    } catch (const std::exception& error) {
      report += std::string("unexpected exception: ") + error.what();
    }
    (void)!::write(fds[1], report.data(), report.size());
    ::_exit(code);
  }
  ::close(fds[1]);
  ChildResult result;
  char buffer[4096];
  ssize_t n;
  while ((n = ::read(fds[0], buffer, sizeof buffer)) > 0) {
    result.report.append(buffer, static_cast<std::size_t>(n));
  }
  ::close(fds[0]);
  ::waitpid(child, &result.status, 0);
  return result;
}

// Child exit codes below.
constexpr int kClearError = 10;
constexpr int kCreated = 11;
constexpr int kNoNamespace = 12;

int TryCreate(const std::string& ring, std::uint64_t capacity, ringlib::ErrorCode expected,
              std::string& report) {
  try {
    cb::WriterOptions options;
    options.capacity_bytes = capacity;
    cb::Writer writer(ring, options);
    report += "created";
    return kCreated;
  } catch (const ringlib::Error& error) {
    report += error.what();
    if (error.code() != expected) report += " [unexpected code]";
    return error.code() == expected ? kClearError : 13;
  }
}

TEST(NoSpace, TinyDevShmInAPrivateMountNamespaceGivesAClearErrorAtCreationNotSigbus) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to mount a small tmpfs on /dev/shm";
  reltest::PrefixGuard guard("tinyshm");
  const std::string ring = guard.Ring();
  const ChildResult result = InChild([&](std::string& report) {
    if (::unshare(CLONE_NEWNS) != 0 ||
        ::mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0 ||
        ::mount("tmpfs", "/dev/shm", "tmpfs", 0, "size=256k,mode=1777") != 0) {
      report = std::string("no private mount namespace: ") + std::strerror(errno);
      return kNoNamespace;
    }
    // A 64 KiB ring fits; a 1 MiB ring does not.
    std::string small;
    if (TryCreate(ring + "_small", 65536, ringlib::ErrorCode::kNoSpace, small) != kCreated) {
      report = "a 64 KiB ring did not fit in 256 KiB: " + small;
      return 14;
    }
    const int code = TryCreate(ring, 1 << 20, ringlib::ErrorCode::kNoSpace, report);
    // Nothing half-made is left in the small /dev/shm.
    if (ringlib::SharedMemory::Exists(cb::IWrapper::SegmentName(ring))) {
      report += " [segment left behind]";
      return 15;
    }
    return code;
  });
  if (result.code() == kNoNamespace) GTEST_SKIP() << result.report;
  EXPECT_EQ(result.signal(), 0) << "killed by signal " << result.signal();
  EXPECT_EQ(result.code(), kClearError) << result.report;
  EXPECT_NE(result.report.find("No space left on device"), std::string::npos) << result.report;
  EXPECT_NE(result.report.find("is /dev/shm large enough"), std::string::npos) << result.report;
  EXPECT_NE(result.report.find(cb::IWrapper::SegmentName(ring)), std::string::npos)
      << result.report;
}

TEST(NoSpace, FileSizeLimitGivesAClearErrorAtCreationNotSigxfsz) {
  reltest::PrefixGuard guard("fsize");
  const std::string ring = guard.Ring();
  const ChildResult result = InChild([&](std::string& report) {
    struct rlimit limit {};
    limit.rlim_cur = 128 * 1024;
    limit.rlim_max = 128 * 1024;
    if (::setrlimit(RLIMIT_FSIZE, &limit) != 0) {
      report = std::strerror(errno);
      return 16;
    }
    // SIGXFSZ keeps its default action (terminate): the library must not
    // provoke it.
    return TryCreate(ring, 1 << 20, ringlib::ErrorCode::kNoSpace, report);
  });
  EXPECT_EQ(result.signal(), 0) << "killed by signal " << result.signal() << " ("
                                << strsignal(result.signal()) << ")";
  EXPECT_EQ(result.code(), kClearError) << result.report;
  EXPECT_NE(result.report.find("file size limit"), std::string::npos) << result.report;
  EXPECT_NE(result.report.find("131072"), std::string::npos) << result.report;
  EXPECT_TRUE(reltest::SegmentsWithPrefix(guard.prefix()).empty()) << "a half-made segment leaked";
}

TEST(NoSpace, MmapFailureAtCreationLeavesNoSegmentBehind) {
  reltest::PrefixGuard guard("mmap");
  const std::string ring = guard.Ring();
  auto& calls = ringlib::sys::Get();
  const auto saved = calls;
  calls.mmap = [](void*, std::size_t, int, int, int, off_t) -> void* {
    errno = ENOMEM;
    return MAP_FAILED;
  };
  try {
    cb::WriterOptions options;
    options.capacity_bytes = 65536;
    cb::Writer writer(ring, options);
    ADD_FAILURE() << "created without a mapping";
  } catch (const ringlib::Error& error) {
    EXPECT_NE(std::string(error.what()).find("Cannot allocate memory"), std::string::npos)
        << error.what();
  }
  calls = saved;
  EXPECT_TRUE(reltest::SegmentsWithPrefix(guard.prefix()).empty())
      << "a created but unmapped segment was left in /dev/shm";
}

// A reader dropped to user nobody (and optionally to a group) in a child.
ChildResult ReadAs(const std::string& ring, uid_t uid, gid_t gid) {
  return InChild([&](std::string& report) {
    if (::setgroups(0, nullptr) != 0 || ::setgid(gid) != 0 || ::setuid(uid) != 0) {
      report = std::string("cannot drop privileges: ") + std::strerror(errno);
      return 17;
    }
    try {
      cb::ReaderOptions options;
      options.lap_policy = ringlib::LapPolicy::kReport;
      cb::Reader reader(ring, options);
      std::vector<std::byte> buffer(1024);
      const auto result = reader.ReadFor(buffer, std::chrono::milliseconds(100));
      report = "attached, read: " + std::string(ringlib::ToString(result.status));
      return 0;
    } catch (const ringlib::Error& error) {
      report = error.what();
      return error.code() == ringlib::ErrorCode::kPermissionDenied ? kClearError : 18;
    }
  });
}

constexpr uid_t kNobody = 65534;
constexpr gid_t kNogroup = 65534;

TEST(Permissions, ReaderOfAnotherUserIsRefusedWithAClearMessageUnderTheDefaultMode) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run a reader as another user";
  reltest::PrefixGuard guard("perm0600");
  cb::Writer writer(guard.Ring());  // default mode 0600, owned by root
  const ChildResult result = ReadAs(guard.Ring(), kNobody, kNogroup);
  EXPECT_EQ(result.code(), kClearError) << result.report;
  EXPECT_NE(result.report.find("Permission denied"), std::string::npos) << result.report;
  EXPECT_NE(result.report.find(cb::IWrapper::SegmentName(guard.Ring())), std::string::npos)
      << result.report;
  EXPECT_NE(result.report.find("mode 0600"), std::string::npos) << result.report;
}

TEST(Permissions, GroupModeAdmitsAReaderOfTheGroupAndStillRefusesOthers) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run a reader as another user";
  reltest::PrefixGuard guard("perm0660");
  cb::WriterOptions options;
  options.mode = 0660;
  cb::Writer writer(guard.Ring(), options);
  // The segment's group is root's (0): user nobody in group 0 may read,
  // user nobody in group nogroup may not.
  const ChildResult in_group = ReadAs(guard.Ring(), kNobody, 0);
  EXPECT_EQ(in_group.code(), 0) << in_group.report;
  EXPECT_NE(in_group.report.find("attached"), std::string::npos) << in_group.report;
  const ChildResult outsider = ReadAs(guard.Ring(), kNobody, kNogroup);
  EXPECT_EQ(outsider.code(), kClearError) << outsider.report;
}

TEST(Permissions, WorldModeAdmitsAReaderOfAnyUser) {
  if (::geteuid() != 0) GTEST_SKIP() << "needs root to run a reader as another user";
  reltest::PrefixGuard guard("perm0666");
  cb::WriterOptions options;
  options.mode = 0666;
  cb::Writer writer(guard.Ring(), options);
  const ChildResult result = ReadAs(guard.Ring(), kNobody, kNogroup);
  EXPECT_EQ(result.code(), 0) << result.report;
  EXPECT_NE(result.report.find("attached"), std::string::npos) << result.report;
}

}  // namespace
