// kill -9 loops: writers and readers killed at random moments (while
// creating, writing, reading, stalled), over and over on the same ring.
// Afterwards nothing of ours is left in /dev/shm, no process hung, and a
// restarted run delivers every message.
//
// RINGLIB_KILL_ITERATIONS overrides the 200 iterations (scripts/soak: 2,000).
#include <gtest/gtest.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <random>

#include "fault_util.hpp"

namespace {

using reltest::kPeer;
using reltest::kRingctl;
using ringtest::Field;
using ringtest::Process;

int Iterations() {
  const char* text = std::getenv("RINGLIB_KILL_ITERATIONS");
  return text != nullptr ? std::atoi(text) : 200;
}

std::unique_ptr<Process> StartReader(const std::string& ring, const std::string& policy,
                                     int stall_every, int stall_us) {
  return std::make_unique<Process>(std::vector<std::string>{
      kPeer, "reader", ring, "--policy", policy, "--register", "--min", "16", "--max", "300",
      "--attach-timeout-ms", "300", "--liveness-ms", "20", "--stall-every",
      std::to_string(stall_every), "--stall-us", std::to_string(stall_us)});
}

// A restarted run on the ring, as an operator starts one: the writer first
// (it reclaims whatever the killed left), then a reader; every message read.
void ExpectCleanRun(const std::string& ring, int iteration) {
  // 1 MiB holds all ~320 KB written: no lap whatever the scheduler does.
  Process writer({kPeer, "writer", ring, "--capacity", "1048576", "--count", "2000", "--min", "16",
                  "--max", "300", "--wait-readers", "1"});
  ASSERT_TRUE(reltest::WaitForSegment(ring, std::chrono::seconds(10))) << "iteration " << iteration;
  Process reader({kPeer, "reader", ring, "--policy", "report", "--register", "--min", "16", "--max",
                  "300", "--attach-timeout-ms", "10000"});
  ASSERT_TRUE(writer.WaitFor(std::chrono::seconds(30))) << "iteration " << iteration;
  ASSERT_TRUE(reader.WaitFor(std::chrono::seconds(30))) << "iteration " << iteration;
  EXPECT_EQ(writer.exit_code(), 0) << "iteration " << iteration << ": " << writer.err();
  EXPECT_EQ(reader.exit_code(), 0)
      << "iteration " << iteration << ": " << reader.out() << reader.err();
  EXPECT_EQ(Field(reader.out(), "verified"), 2000) << reader.out();
}

TEST(KillNine, RandomKillsLeakNoSegmentHangNoProcessAndARestartedRunWorks) {
  reltest::PrefixGuard guard("kill");
  const std::string ring = guard.Ring();
  const int iterations = Iterations();
  std::mt19937 random(20240601);
  int processes_killed = 0, writers_killed = 0, readers_killed = 0, all_killed = 0;
  int stale_left = 0, restarted_runs = 0, reader_exits = 0, killed_mid_stream = 0;
  std::map<int, int> exit_codes;
  const auto started = std::chrono::steady_clock::now();
  for (int iteration = 0; iteration < iterations; ++iteration) {
    auto reader_a = StartReader(ring, "report", 0, 0);
    auto reader_b = StartReader(ring, "terminate", 40, 200);
    // Half of the time the writer starts after the readers, half before.
    if (random() % 2 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(random() % 3));
    Process writer({kPeer, "writer", ring, "--capacity", "16384", "--min", "16", "--max", "300",
                    "--pause-every", "64", "--pause-us", "30"});
    // One iteration in eight kills during start-up (the writer may not have
    // created the segment yet); the others kill 0-30 ms into the stream,
    // counted from the segment's creation so that slow process start-up
    // (sanitizer builds, a loaded machine) does not turn every iteration
    // into a start-up kill.
    if (random() % 8 != 0) {
      ++killed_mid_stream;
      reltest::WaitForSegment(ring, std::chrono::seconds(5));
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 30000));
    } else {
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 5000));
    }
    const unsigned plan = random() % 8;
    std::vector<Process*> victims;
    if (plan == 0) {
      victims = {reader_a.get(), &writer, reader_b.get()};  // everybody: a stale segment
      ++all_killed;
    } else if (plan <= 2) {
      victims = {random() % 2 == 0 ? reader_a.get() : reader_b.get(), &writer};
    } else {
      victims = {&writer};
    }
    for (Process* victim : victims) {
      victim->Kill(SIGKILL);
      ++processes_killed;
      if (victim == &writer) {
        ++writers_killed;
      } else {
        ++readers_killed;
      }
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 3000));
    }
    for (Process* reader : {reader_a.get(), reader_b.get()}) {
      // The documented bound: a reader notices a dead writer within its
      // liveness interval (20 ms here); 5 s leaves room for a loaded machine.
      ASSERT_TRUE(reader->WaitFor(std::chrono::seconds(5)))
          << "iteration " << iteration << ": a reader hung after the writer was killed";
      if (reader->killed_by_signal()) continue;
      ++reader_exits;
      const int code = reader->exit_code();
      ++exit_codes[code];
      // 4 writer dead (or restarted), 3 lapped, 7 nothing to attach to in time.
      EXPECT_TRUE(code == 4 || code == 3 || code == 7)
          << "iteration " << iteration << " exit " << code << " " << reader->out() << reader->err();
      EXPECT_EQ(Field(reader->out(), "corrupt") > 0, false) << reader->out();
      EXPECT_EQ(Field(reader->out(), "gaps") > 0, false) << reader->out();
      EXPECT_EQ(Field(reader->out(), "mixed") > 0, false) << reader->out();
    }
    ASSERT_TRUE(writer.WaitFor(std::chrono::seconds(5))) << "iteration " << iteration;
    // Everyone is dead now: whatever is left must have no live participant
    // (it is reclaimed by the next writer, or by ringctl clean).
    if (!reltest::SegmentsWithPrefix(guard.prefix()).empty()) {
      ++stale_left;
      ASSERT_FALSE(reltest::SegmentHasLiveParticipant(ring)) << "iteration " << iteration;
    }
    if (iteration % 25 == 24) {
      ExpectCleanRun(ring, iteration);
      ++restarted_runs;
      EXPECT_TRUE(reltest::SegmentsWithPrefix(guard.prefix()).empty())
          << "iteration " << iteration << ": a clean run left its segment";
    }
  }
  // Whatever the last kills left, ringctl clean removes (it is stale) ...
  const auto cleaned = reltest::Run({kRingctl, "clean", ring});
  EXPECT_TRUE(cleaned.exit_code == 0 || cleaned.exit_code == 2) << cleaned.out << cleaned.err;
  EXPECT_TRUE(reltest::SegmentsWithPrefix(guard.prefix()).empty());
  // ... and a restarted run works and leaves nothing.
  ExpectCleanRun(ring, iterations);
  ++restarted_runs;
  const auto leaked = reltest::SegmentsWithPrefix(guard.prefix()).size();
  EXPECT_EQ(leaked, 0u);
  const double seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
  std::printf(
      "kill -9 loop: iterations=%d processes_killed=%d writers_killed=%d "
      "readers_killed=%d all_killed=%d iterations_killed_mid_stream=%d "
      "stale_after_iteration=%d reader_exits_checked=%d restarted_runs=%d "
      "segments_leaked=%zu seconds=%.1f\n",
      iterations, processes_killed, writers_killed, readers_killed, all_killed, killed_mid_stream,
      stale_left, reader_exits, restarted_runs, leaked, seconds);
  for (const auto& [code, count] : exit_codes) std::printf("  reader exit %d: %d\n", code, count);
}

}  // namespace
