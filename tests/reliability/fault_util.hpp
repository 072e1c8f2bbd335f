// Helpers for the reliability tests: the peer and ringctl paths, segment
// census in /dev/shm, liveness straight from the kernel's locks, CPU time of
// a process, and cleanup of every segment a test made however it ends.
#pragma once

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <unistd.h>

#include <chrono>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "process.hpp"
#include "ring_test_util.hpp"
#include "ringlib/circular_buffer.hpp"

namespace reltest {

inline const std::string kPeer = FAULT_PEER_PATH;
inline const std::string kRingctl = RINGCTL_PATH;

// A prefix unique to this test process and test: every ring a test makes
// starts with it, so the census and the cleanup see only the test's own.
inline std::string UniquePrefix(const std::string& tag) {
  static int counter = 0;
  return "rel" + std::to_string(::getpid()) + "_" + std::to_string(counter++) + "_" + tag;
}

// Segment names ("ringlib.<ring>") in /dev/shm whose ring starts with prefix.
inline std::vector<std::string> SegmentsWithPrefix(const std::string& ring_prefix) {
  std::vector<std::string> found;
  const std::string segment_prefix = "ringlib." + ring_prefix;
  std::error_code ec;
  for (const auto& entry : std::filesystem::directory_iterator("/dev/shm", ec)) {
    const std::string name = entry.path().filename().string();
    if (name.rfind(segment_prefix, 0) == 0) found.push_back(name);
  }
  return found;
}

// Removes every segment of the prefix when the scope ends.
class PrefixGuard {
 public:
  explicit PrefixGuard(std::string tag) : prefix_(UniquePrefix(tag)) {}
  ~PrefixGuard() {
    for (const auto& segment : SegmentsWithPrefix(prefix_)) ringlib::SharedMemory::Remove(segment);
  }
  PrefixGuard(const PrefixGuard&) = delete;
  PrefixGuard& operator=(const PrefixGuard&) = delete;
  [[nodiscard]] const std::string& prefix() const { return prefix_; }
  [[nodiscard]] std::string Ring(const std::string& suffix = "ring") const {
    return prefix_ + "_" + suffix;
  }

 private:
  std::string prefix_;
};

// Does any process hold the participant lock of this ring's segment? (The
// kernel drops the lock of a dead process, so this is the true liveness.)
inline bool SegmentHasLiveParticipant(const std::string& ring) {
  const std::string path = "/dev/shm/ringlib." + ring;
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return false;
  struct flock query {};
  query.l_type = F_WRLCK;
  query.l_whence = SEEK_SET;
  query.l_start = 0;
  query.l_len = 1;
  const bool locked = ::fcntl(fd, F_OFD_GETLK, &query) == 0 && query.l_type != F_UNLCK;
  ::close(fd);
  return locked;
}

// Waits until the ring's segment exists with a live participant whose
// writer has initialised it (the ringlib "initialized" word).
inline bool WaitForSegment(const std::string& ring, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (SegmentHasLiveParticipant(ring)) {
      const std::string path = "/dev/shm/ringlib." + ring;
      std::ifstream file(path, std::ios::binary);
      std::uint32_t initialized = 0;
      file.seekg(128 + 48);
      file.read(reinterpret_cast<char*>(&initialized), sizeof initialized);
      if (file && initialized == ringlib::layout::kInitializedValue) return true;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return false;
}

// user + system CPU seconds a process has used so far.
inline double CpuSeconds(pid_t pid) {
  std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
  std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
  const auto close = text.rfind(')');
  if (close == std::string::npos) return -1;
  std::istringstream fields(text.substr(close + 2));
  std::string field;
  double ticks = 0;
  for (int index = 3; index <= 15 && fields >> field; ++index) {
    if (index == 14 || index == 15) ticks += std::strtod(field.c_str(), nullptr);
  }
  return ticks / static_cast<double>(::sysconf(_SC_CLK_TCK));
}

// Waits until the process's stdout contains `text` (or it exits, or time runs out).
inline bool WaitForOutput(ringtest::Process& process, const std::string& text,
                          std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (process.out().find(text) != std::string::npos) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(2));
  }
  return false;
}

// Runs a program to completion (60 s at most) and returns it, exited.
struct Finished {
  int exit_code = -1;
  std::string out;
  std::string err;
};
inline Finished Run(std::vector<std::string> argv,
                    std::chrono::milliseconds timeout = std::chrono::seconds(60)) {
  ringtest::Process process(std::move(argv));
  Finished finished;
  if (!process.WaitFor(timeout)) {
    finished.err = "timed out";
    return finished;
  }
  finished.exit_code = process.exit_code();
  finished.out = process.out();
  finished.err = process.err();
  return finished;
}

inline std::vector<std::string> Args(std::initializer_list<std::string> items) { return items; }

}  // namespace reltest
