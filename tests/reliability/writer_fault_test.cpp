// Faults of the writer and of one reader, with real processes: a writer killed
// between announcing a write and committing it, a writer restarted under
// attached readers, a signal storm on a writer, a reader stopped (SIGSTOP)
// while the ring wraps.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <memory>

#include "fault_util.hpp"

namespace {

using reltest::kPeer;
using reltest::kRingctl;
using ringtest::Field;
using ringtest::Process;
using Clock = std::chrono::steady_clock;

TEST(WriterFault, KilledBetweenClaimAndCommitReadersReportWriterDeadWithinBoundWithoutSpinning) {
  reltest::PrefixGuard guard("midwrite");
  const std::string ring = guard.Ring();
  constexpr int kCommitted = 300;
  std::vector<std::unique_ptr<Process>> readers;
  for (int i = 0; i < 2; ++i) {
    readers.push_back(std::make_unique<Process>(std::vector<std::string>{
        kPeer, "reader", ring, "--policy", "report", "--register", "--liveness-ms", "50"}));
  }
  Process writer({kPeer, "writer", ring, "--capacity", "1048576", "--count",
                  std::to_string(kCommitted), "--wait-readers", "2", "--hang-mid-write"});
  ASSERT_TRUE(reltest::WaitForOutput(writer, "claimed", std::chrono::seconds(20))) << writer.err();
  // The writer has reserved a record and filled half of it, and now hangs.
  // Readers are idle: they must sleep, not spin (futex, woken once per
  // liveness interval to ask the kernel whether the writer lives).
  std::vector<double> cpu_before;
  for (auto& reader : readers) cpu_before.push_back(reltest::CpuSeconds(reader->pid()));
  const auto idle_from = Clock::now();
  std::this_thread::sleep_for(std::chrono::seconds(1));
  const double idle_seconds = std::chrono::duration<double>(Clock::now() - idle_from).count();
  for (std::size_t i = 0; i < readers.size(); ++i) {
    ASSERT_FALSE(readers[i]->WaitFor(std::chrono::milliseconds(0)))
        << "a reader ended while the writer was alive: " << readers[i]->out();
    const double used = reltest::CpuSeconds(readers[i]->pid()) - cpu_before[i];
    EXPECT_LT(used, 0.1 * idle_seconds) << "reader " << i << " used " << used << " s of CPU in "
                                        << idle_seconds << " s while the writer hung";
  }
  const auto killed_at = Clock::now();
  writer.Kill(SIGKILL);
  for (auto& reader : readers) {
    ASSERT_TRUE(reader->WaitFor(std::chrono::seconds(5))) << "reader hung after the writer died";
    const auto noticed_ms =
        std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - killed_at).count();
    // Documented bound: the liveness interval (50 ms) plus scheduling; 1 s
    // leaves room for a loaded 2-core machine.
    EXPECT_LT(noticed_ms, 1000) << "writer death noticed after " << noticed_ms << " ms";
    EXPECT_EQ(reader->exit_code(), 4) << reader->out() << reader->err();
    EXPECT_NE(reader->out().find("end=writer dead"), std::string::npos) << reader->out();
    EXPECT_NE(reader->err().find("the writer died without closing the stream"), std::string::npos)
        << reader->err();
    // Everything committed, nothing of the half-written record.
    EXPECT_EQ(Field(reader->out(), "verified"), kCommitted) << reader->out();
    EXPECT_EQ(Field(reader->out(), "corrupt"), 0) << reader->out();
  }
  EXPECT_TRUE(reltest::SegmentsWithPrefix(guard.prefix()).empty())
      << "the last reader to leave must remove the segment";
}

TEST(WriterFault, RestartWhileReadersAreAttachedIsNoticedAndTwoStreamsAreNeverMixed) {
  reltest::PrefixGuard guard("restart");
  const std::string ring = guard.Ring();
  constexpr int kFirst = 500;
  // A long liveness interval keeps this reader from calling the old writer
  // dead before the new one takes over: it must learn of the restart from the
  // generation alone. The second reader uses the default interval and may
  // see either end; both must stop reading at the first stream's end.
  Process patient(
      {kPeer, "reader", ring, "--policy", "report", "--register", "--liveness-ms", "60000"});
  Process ordinary({kPeer, "reader", ring, "--policy", "report", "--register"});
  Process first({kPeer, "writer", ring, "--capacity", "1048576", "--count", std::to_string(kFirst),
                 "--stream", "1", "--wait-readers", "2", "--hang-mid-write"});
  ASSERT_TRUE(reltest::WaitForOutput(first, "claimed", std::chrono::seconds(20))) << first.err();
  first.Kill(SIGKILL);
  ASSERT_TRUE(first.WaitFor(std::chrono::seconds(5)));
  Process second(
      {kPeer, "writer", ring, "--capacity", "1048576", "--count", "500", "--stream", "2"});
  ASSERT_TRUE(second.WaitFor(std::chrono::seconds(20)));
  EXPECT_EQ(second.exit_code(), 0) << second.err();
  EXPECT_EQ(Field(second.out(), "took_over"), 1) << second.out();
  EXPECT_EQ(Field(second.out(), "generation"), 2) << second.out();

  ASSERT_TRUE(patient.WaitFor(std::chrono::seconds(10))) << "reader did not notice the restart";
  EXPECT_EQ(patient.exit_code(), 4) << patient.out() << patient.err();
  EXPECT_NE(patient.out().find("end=writer restarted"), std::string::npos) << patient.out();
  EXPECT_NE(patient.err().find("a new writer took over the ring"), std::string::npos)
      << patient.err();
  for (Process* reader : {&patient, &ordinary}) {
    ASSERT_TRUE(reader->WaitFor(std::chrono::seconds(10)));
    EXPECT_EQ(reader->exit_code(), 4) << reader->out() << reader->err();
    EXPECT_EQ(Field(reader->out(), "verified"), kFirst) << reader->out();
    EXPECT_EQ(Field(reader->out(), "mixed"), 0) << reader->out();
    EXPECT_EQ(Field(reader->out(), "first_stream"), 1) << reader->out();
    EXPECT_EQ(Field(reader->out(), "last_stream"), 1) << reader->out();
  }
}

// The reference count of a segment, as ringctl reads it.
long long RefCount(const std::string& ring) {
  const auto inspected = reltest::Run({kRingctl, "inspect", ring});
  return Field(inspected.out, "ref_count");
}

TEST(SignalStorm, WriterUnderSigintSigtermStormClosesCleanlyAndDropsItsReferenceExactlyOnce) {
  reltest::PrefixGuard guard("storm");
  const std::string ring = guard.Ring();
  std::vector<std::unique_ptr<Process>> readers;
  for (int i = 0; i < 2; ++i) {
    readers.push_back(std::make_unique<Process>(std::vector<std::string>{
        kPeer, "reader", ring, "--policy", "report", "--register", "--linger-ms", "3000"}));
  }
  Process writer({kPeer, "writer", ring, "--capacity", "8388608", "--wait-readers", "2",
                  "--handle-signals", "--pause-every", "16", "--pause-us", "200"});
  ASSERT_TRUE(reltest::WaitForSegment(ring, std::chrono::seconds(10)));
  std::this_thread::sleep_for(std::chrono::milliseconds(200));
  ASSERT_EQ(RefCount(ring), 3) << "writer and two readers attached";
  // The storm: 400 signals, alternating, as fast as kill(2) goes; it goes on
  // while the writer shuts down.
  int sent = 0;
  for (int i = 0; i < 400; ++i) {
    if (::kill(writer.pid(), i % 2 == 0 ? SIGINT : SIGTERM) == 0) ++sent;
  }
  ASSERT_TRUE(writer.WaitFor(std::chrono::seconds(10))) << "writer hung in the signal storm";
  EXPECT_TRUE(writer.exited_normally()) << "killed by a signal instead of closing";
  EXPECT_EQ(writer.exit_code(), 0) << writer.err();
  EXPECT_GE(Field(writer.out(), "signals"), 1) << writer.out();
  // The readers still linger: exactly the writer's one reference is gone.
  EXPECT_EQ(RefCount(ring), 2);
  for (auto& reader : readers) {
    ASSERT_TRUE(reader->WaitFor(std::chrono::seconds(10)));
    EXPECT_EQ(reader->exit_code(), 0) << reader->out() << reader->err();
    EXPECT_NE(reader->out().find("end=writer closed"), std::string::npos) << reader->out();
    EXPECT_EQ(Field(reader->out(), "gaps"), 0) << reader->out();
    EXPECT_EQ(Field(reader->out(), "verified"), Field(writer.out(), "written"))
        << "every message the writer committed was read: " << reader->out() << writer.out();
  }
  EXPECT_TRUE(reltest::SegmentsWithPrefix(guard.prefix()).empty());
  std::printf("signal storm: %d signals sent, writer handled %lld\n", sent,
              Field(writer.out(), "signals"));
}

// Registered reader lines from `ringctl list` for this ring's segment.
std::vector<std::string> ReaderLines(const std::string& ring) {
  const auto listed = reltest::Run({kRingctl, "list"});
  std::vector<std::string> lines;
  std::istringstream text(listed.out);
  std::string line;
  bool in_ring = false;
  while (std::getline(text, line)) {
    if (line.rfind("  reader ", 0) != 0) {
      in_ring = line.find("ringlib." + ring + " ") != std::string::npos;
      continue;
    }
    if (in_ring) lines.push_back(line);
  }
  return lines;
}

TEST(StoppedReader, SigstopThenWrapThenSigcontReportsTheLapAndExits3NeighboursUnaffected) {
  reltest::PrefixGuard guard("sigstop");
  const std::string ring = guard.Ring();
  constexpr int kMessages = 40000;  // ~5.4 MB through a 4 MiB ring: it wraps
  Process stopped({kPeer, "reader", ring, "--register"});
  std::vector<std::unique_ptr<Process>> neighbours;
  for (int i = 0; i < 2; ++i) {
    neighbours.push_back(
        std::make_unique<Process>(std::vector<std::string>{kPeer, "reader", ring, "--register"}));
  }
  const auto deadline = Clock::now() + std::chrono::seconds(10);
  // Stop the reader once all three are registered, before the writer starts.
  Process* writer_started = nullptr;
  std::unique_ptr<Process> writer;
  writer = std::make_unique<Process>(std::vector<std::string>{
      kPeer, "writer", ring, "--capacity", "4194304", "--count", std::to_string(kMessages),
      "--wait-readers", "4", "--pause-every", "16", "--pause-us", "200"});
  writer_started = writer.get();
  while (ReaderLines(ring).size() < 3 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(ReaderLines(ring).size(), 3u);
  stopped.Kill(SIGSTOP);
  // A fourth registered reader releases the writer (it waits for 4 only so
  // that it cannot start before the stop).
  Process releaser({kPeer, "reader", ring, "--policy", "report", "--register"});
  ASSERT_TRUE(writer_started->WaitFor(std::chrono::seconds(60)));
  EXPECT_EQ(writer_started->exit_code(), 0) << writer_started->err();
  // ringctl sees the stopped reader far behind: lapped.
  bool seen_lapped = false;
  for (const auto& line : ReaderLines(ring)) {
    if (line.find("pid=" + std::to_string(stopped.pid()) + " ") != std::string::npos) {
      seen_lapped = line.find("lapped=yes") != std::string::npos;
      EXPECT_GT(Field(line, "lag_bytes"), 4194304) << line;
    }
  }
  EXPECT_TRUE(seen_lapped) << "ringctl list did not show the stopped reader as lapped";
  for (auto& neighbour : neighbours) {
    ASSERT_TRUE(neighbour->WaitFor(std::chrono::seconds(30)));
    EXPECT_EQ(neighbour->exit_code(), 0) << neighbour->out() << neighbour->err();
    EXPECT_EQ(Field(neighbour->out(), "verified"), kMessages) << neighbour->out();
    EXPECT_EQ(Field(neighbour->out(), "laps"), 0) << neighbour->out();
  }
  stopped.Kill(SIGCONT);
  ASSERT_TRUE(stopped.WaitFor(std::chrono::seconds(10))) << "resumed reader hung";
  EXPECT_EQ(stopped.exit_code(), ringlib::kLappedExitCode) << stopped.out() << stopped.err();
  EXPECT_NE(stopped.err().find("was lapped: reader position"), std::string::npos) << stopped.err();
  ASSERT_TRUE(releaser.WaitFor(std::chrono::seconds(10)));
}

}  // namespace
