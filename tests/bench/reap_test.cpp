// ring_bench's ReapAll (bench/bench_util.hpp): the first child that fails
// ends the measurement; the others are killed then, not at the deadline.
#include <gtest/gtest.h>

#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <string>
#include <vector>

#include "bench_util.hpp"

namespace {

// A child that never exits by itself, as a ponger whose pinger failed.
pid_t Forever() {
  return bench::Spawn([]() -> int {
    for (;;) ::pause();
  });
}

// Nothing is left to reap: every child was waited for.
bool Reaped(pid_t pid) { return ::waitpid(pid, nullptr, WNOHANG) < 0 && errno == ECHILD; }

TEST(ReapAll, AllSucceedingIsNoFailure) {
  const pid_t a = bench::Spawn([] { return 0; });
  const pid_t b = bench::Spawn([] { return 0; });
  EXPECT_EQ(bench::ReapAll({a, b}, 600), "");
  EXPECT_TRUE(Reaped(a));
  EXPECT_TRUE(Reaped(b));
}

// The deadline is ten minutes, longer than ctest lets this test run: it
// passes only if the failure, not the deadline, ends the wait.
TEST(ReapAll, TheFirstFailureKillsTheOthersAndIsTheOneReported) {
  const pid_t waiting = Forever();
  const pid_t failing = bench::Spawn([] { return 3; });
  const std::string failure = bench::ReapAll({waiting, failing}, 600);
  EXPECT_EQ(failure, "child 1: exit code 3");
  EXPECT_TRUE(Reaped(waiting));
  EXPECT_TRUE(Reaped(failing));
}

TEST(ReapAll, TheDeadlineKillsWhatStillRuns) {
  const pid_t waiting = Forever();
  const pid_t done = bench::Spawn([] { return 0; });
  const std::string failure = bench::ReapAll({waiting, done}, 0.2);
  EXPECT_NE(failure.find("timed out after"), std::string::npos) << failure;
  EXPECT_TRUE(Reaped(waiting));
  EXPECT_TRUE(Reaped(done));
}

}  // namespace
