// The creation race: readers started before, during and after the writer's
// creation of the segment wait and attach, or time out with a clear message;
// nobody unlinks a live segment.
#include <gtest/gtest.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include <chrono>
#include <memory>
#include <random>

#include "fault_util.hpp"
#include "ringlib/sys.hpp"

namespace {

using reltest::kPeer;
using reltest::kRingctl;
using ringtest::Field;
using ringtest::Process;
using Clock = std::chrono::steady_clock;
namespace cb = ringlib::CircularBuffer;

std::string SegmentPath(const std::string& ring) { return "/dev/shm/ringlib." + ring; }

TEST(CreationRace, ReadersStartedBeforeTheWriterWaitForItAndReadEveryMessage) {
  reltest::PrefixGuard guard("before");
  const std::string ring = guard.Ring();
  std::vector<std::unique_ptr<Process>> readers;
  for (int i = 0; i < 4; ++i) {
    readers.push_back(std::make_unique<Process>(std::vector<std::string>{
        kPeer, "reader", ring, "--attach-timeout-ms", "10000", "--register"}));
  }
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  Process writer(
      {kPeer, "writer", ring, "--capacity", "1048576", "--count", "5000", "--wait-readers", "4"});
  ASSERT_TRUE(writer.WaitFor(std::chrono::seconds(30)));
  EXPECT_EQ(writer.exit_code(), 0) << writer.err();
  for (auto& reader : readers) {
    ASSERT_TRUE(reader->WaitFor(std::chrono::seconds(30)));
    EXPECT_EQ(reader->exit_code(), 0) << reader->out() << reader->err();
    EXPECT_EQ(Field(reader->out(), "verified"), 5000) << reader->out();
  }
  EXPECT_TRUE(reltest::SegmentsWithPrefix(guard.prefix()).empty());
}

TEST(CreationRace, ReadersStartedAroundTheWritersCreationAttachOrTimeOutClearly) {
  reltest::PrefixGuard guard("around");
  std::mt19937 random(7);
  int attached = 0, timed_out = 0;
  for (int iteration = 0; iteration < 20; ++iteration) {
    const std::string ring = guard.Ring("r" + std::to_string(iteration));
    std::vector<std::unique_ptr<Process>> readers;
    std::unique_ptr<Process> writer;
    const int writer_slot = static_cast<int>(random() % 4);
    for (int i = 0; i < 4; ++i) {
      if (i == writer_slot) {
        writer = std::make_unique<Process>(
            std::vector<std::string>{kPeer, "writer", ring, "--capacity", "1048576", "--count",
                                     "1000", "--wait-readers", "3"});
      }
      if (i < 3) {
        readers.push_back(std::make_unique<Process>(std::vector<std::string>{
            kPeer, "reader", ring, "--attach-timeout-ms", "5000", "--register"}));
      }
      std::this_thread::sleep_for(std::chrono::microseconds(random() % 2000));
    }
    ASSERT_TRUE(writer->WaitFor(std::chrono::seconds(30)));
    EXPECT_EQ(writer->exit_code(), 0) << writer->err();
    for (auto& reader : readers) {
      ASSERT_TRUE(reader->WaitFor(std::chrono::seconds(30))) << "iteration " << iteration;
      if (reader->exit_code() == 0) {
        ++attached;
        EXPECT_EQ(Field(reader->out(), "verified"), 1000) << reader->out();
      } else {
        ++timed_out;
        EXPECT_EQ(reader->exit_code(), 7) << reader->out() << reader->err();
        EXPECT_NE(reader->err().find("attach failed"), std::string::npos) << reader->err();
      }
    }
    EXPECT_TRUE(reltest::SegmentsWithPrefix(ring).empty()) << "iteration " << iteration;
  }
  // Every reader here starts within ~8 ms of the writer and waits 5 s.
  EXPECT_EQ(timed_out, 0);
  std::printf("creation race: %d readers attached, %d timed out\n", attached, timed_out);
}

TEST(CreationRace, ReaderWithoutAWriterTimesOutWithAClearMessage) {
  reltest::PrefixGuard guard("nowriter");
  const auto started = Clock::now();
  const auto result = reltest::Run({kPeer, "reader", guard.Ring(), "--attach-timeout-ms", "200"});
  const auto elapsed_ms =
      std::chrono::duration_cast<std::chrono::milliseconds>(Clock::now() - started).count();
  EXPECT_EQ(result.exit_code, 7) << result.err;
  EXPECT_NE(result.err.find("does not exist"), std::string::npos) << result.err;
  EXPECT_NE(result.err.find("is the writer running?"), std::string::npos) << result.err;
  EXPECT_GE(elapsed_ms, 200);
  EXPECT_LT(elapsed_ms, 3000);
  EXPECT_TRUE(reltest::SegmentsWithPrefix(guard.prefix()).empty());
}

// The creator, in a forked child, is held inside posix_fallocate (the sizing
// step) for `hold`; a reader started meanwhile must wait and attach.
int (*g_real_fallocate)(int, off_t, off_t) = nullptr;
std::chrono::milliseconds g_hold{0};
int SlowFallocate(int fd, off_t offset, off_t length) {
  if (g_hold.count() < 0) {
    for (;;) ::pause();  // a creator that never finishes: killed by the test
  }
  std::this_thread::sleep_for(g_hold);
  return g_real_fallocate(fd, offset, length);
}

pid_t ForkSlowCreator(const std::string& ring, std::chrono::milliseconds hold, int messages) {
  const pid_t child = ::fork();
  if (child != 0) return child;
  int code = 0;
  try {
    g_real_fallocate = ringlib::sys::Real().posix_fallocate;
    g_hold = hold;
    ringlib::sys::Get().posix_fallocate = SlowFallocate;
    cb::WriterOptions options;
    options.capacity_bytes = 65536;
    cb::Writer writer(ring, options);
    const auto deadline = Clock::now() + std::chrono::seconds(10);
    while (writer.registered_readers() < 1 && Clock::now() < deadline) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    for (int sequence = 0; sequence < messages; ++sequence) {
      auto span = writer.Claim(ringtest::PatternLength(
          static_cast<std::uint64_t>(sequence) | (std::uint64_t{1} << 48), 16, 256));
      ringtest::FillPattern(static_cast<std::uint64_t>(sequence) | (std::uint64_t{1} << 48), span);
      writer.Commit();
    }
  } catch (const std::exception& error) {
    std::fprintf(stderr, "slow creator: %s\n", error.what());
    code = 1;
  }
  ::_exit(code);
}

// Waits until the segment's name exists and returns its size then.
long long WaitForName(const std::string& ring, std::chrono::milliseconds timeout) {
  const auto deadline = Clock::now() + timeout;
  struct stat st {};
  while (Clock::now() < deadline) {
    if (::stat(SegmentPath(ring).c_str(), &st) == 0) return st.st_size;
    std::this_thread::yield();
  }
  return -1;
}

TEST(CreationRace, ReaderStartedWhileTheCreatorIsStillSizingTheSegmentWaitsAndAttaches) {
  reltest::PrefixGuard guard("during");
  const std::string ring = guard.Ring();
  const pid_t creator = ForkSlowCreator(ring, std::chrono::milliseconds(500), 200);
  ASSERT_GT(creator, 0);
  const long long size_when_started = WaitForName(ring, std::chrono::seconds(10));
  Process reader({kPeer, "reader", ring, "--attach-timeout-ms", "5000", "--register"});
  // The reader really started mid-creation: the segment had no size yet.
  EXPECT_EQ(size_when_started, 0);
  int status = 0;
  ASSERT_EQ(::waitpid(creator, &status, 0), creator);
  EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
  ASSERT_TRUE(reader.WaitFor(std::chrono::seconds(20)));
  EXPECT_EQ(reader.exit_code(), 0) << reader.out() << reader.err();
  EXPECT_EQ(Field(reader.out(), "verified"), 200) << reader.out();
  EXPECT_TRUE(reltest::SegmentsWithPrefix(guard.prefix()).empty());
}

TEST(CreationRace, CreatorKilledMidCreationReadersTimeOutClearlyAndTheNextWriterReclaims) {
  reltest::PrefixGuard guard("killedcreator");
  const std::string ring = guard.Ring();
  const pid_t creator = ForkSlowCreator(ring, std::chrono::milliseconds(-1), 0);
  ASSERT_GT(creator, 0);
  ASSERT_EQ(WaitForName(ring, std::chrono::seconds(10)), 0);
  Process reader({kPeer, "reader", ring, "--attach-timeout-ms", "300"});
  std::this_thread::sleep_for(std::chrono::milliseconds(50));
  ::kill(creator, SIGKILL);
  ::waitpid(creator, nullptr, 0);
  ASSERT_TRUE(reader.WaitFor(std::chrono::seconds(10))) << "reader hung on a half-made segment";
  EXPECT_EQ(reader.exit_code(), 7) << reader.out() << reader.err();
  EXPECT_NE(reader.err().find("never sized"), std::string::npos) << reader.err();
  EXPECT_NE(reader.err().find("its creator may have died"), std::string::npos) << reader.err();
  // The half-made segment is stale; a new writer reclaims it and works.
  Process next(
      {kPeer, "writer", ring, "--capacity", "65536", "--count", "100", "--wait-readers", "1"});
  ASSERT_TRUE(reltest::WaitForSegment(ring, std::chrono::seconds(10)));
  Process second_reader({kPeer, "reader", ring, "--register"});
  ASSERT_TRUE(next.WaitFor(std::chrono::seconds(20)));
  EXPECT_EQ(next.exit_code(), 0) << next.err();
  ASSERT_TRUE(second_reader.WaitFor(std::chrono::seconds(20)));
  EXPECT_EQ(second_reader.exit_code(), 0) << second_reader.out() << second_reader.err();
  EXPECT_EQ(Field(second_reader.out(), "verified"), 100);
  EXPECT_TRUE(reltest::SegmentsWithPrefix(guard.prefix()).empty());
}

TEST(CreationRace, ALiveSegmentIsNeverUnlinkedByKilledOrTimedOutReadersNorByRingctlClean) {
  reltest::PrefixGuard guard("nounlink");
  const std::string ring = guard.Ring();
  Process writer({kPeer, "writer", ring, "--capacity", "65536", "--handle-signals", "--pause-every",
                  "8", "--pause-us", "500"});
  ASSERT_TRUE(reltest::WaitForSegment(ring, std::chrono::seconds(10)));
  struct stat original {};
  ASSERT_EQ(::stat(SegmentPath(ring).c_str(), &original), 0);
  std::mt19937 random(99);
  for (int i = 0; i < 20; ++i) {
    Process reader({kPeer, "reader", ring, "--attach-timeout-ms", "100"});
    std::this_thread::sleep_for(std::chrono::microseconds(random() % 5000));
    reader.Kill(i % 2 == 0 ? SIGKILL : SIGTERM);
    ASSERT_TRUE(reader.WaitFor(std::chrono::seconds(5)));
  }
  const auto cleaned = reltest::Run({kRingctl, "clean", ring});
  EXPECT_EQ(cleaned.exit_code, 3) << cleaned.out << cleaned.err;
  EXPECT_NE(cleaned.err.find("refusing to remove"), std::string::npos) << cleaned.err;
  struct stat now {};
  ASSERT_EQ(::stat(SegmentPath(ring).c_str(), &now), 0) << "the live segment was unlinked";
  EXPECT_EQ(now.st_ino, original.st_ino) << "the live segment was replaced";
  // And it still works: a new reader reads until the writer closes.
  Process reader({kPeer, "reader", ring});
  std::this_thread::sleep_for(std::chrono::milliseconds(100));
  writer.Kill(SIGTERM);
  ASSERT_TRUE(writer.WaitFor(std::chrono::seconds(10)));
  ASSERT_TRUE(reader.WaitFor(std::chrono::seconds(10)));
  EXPECT_EQ(reader.exit_code(), 0) << reader.out() << reader.err();
  EXPECT_GT(Field(reader.out(), "verified"), 0) << reader.out();
  EXPECT_TRUE(reltest::SegmentsWithPrefix(guard.prefix()).empty());
}

}  // namespace
