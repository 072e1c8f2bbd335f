// A separate process for multi-process ring tests.
//
//   ring_peer writer RING CAPACITY COUNT MIN MAX READERS [PAUSE_EVERY PAUSE_US]
//     waits (up to 10 s) until READERS readers are attached, writes COUNT
//     pattern messages of MIN..MAX bytes, closes.
//   ring_peer reader RING MIN MAX POLICY [STALL_EVERY STALL_US]
//     POLICY: terminate (a lap exits 3 through ringlib) or report (resync and
//     go on). Reads until the stream ends; verifies every message.
//     Prints one line: verified=N laps=N rejected=N corrupt=N gaps=N end=STATUS
//     Exit: 0 clean end and no corrupt/gap, 4 writer dead, 5 verification
//     failed, 6 writer restarted, 7 attach failed.
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "ring_test_util.hpp"
#include "ringlib/circular_buffer.hpp"

namespace {

using ringlib::ReadStatus;
using namespace ringlib::CircularBuffer;

std::uint64_t Arg(char** argv, int index) { return std::strtoull(argv[index], nullptr, 10); }

int RunWriter(int argc, char** argv) {
  if (argc < 8) return 2;
  const std::string ring = argv[2];
  WriterOptions options;
  options.capacity_bytes = Arg(argv, 3);
  const std::uint64_t count = Arg(argv, 4);
  const std::size_t min_bytes = Arg(argv, 5);
  const std::size_t max_bytes = Arg(argv, 6);
  const std::uint64_t readers = Arg(argv, 7);
  const std::uint64_t pause_every = argc > 9 ? Arg(argv, 8) : 0;
  const std::uint64_t pause_us = argc > 9 ? Arg(argv, 9) : 0;
  Writer writer(ring, options);
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  // Registered readers have taken their start position (the reference count
  // rises earlier, and waiting on it would let a reader miss the first messages).
  while (writer.registered_readers() < readers &&
         std::chrono::steady_clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  std::vector<std::byte> message(max_bytes);
  for (std::uint64_t sequence = 0; sequence < count; ++sequence) {
    const std::size_t length = ringtest::PatternLength(sequence, min_bytes, max_bytes);
    auto span = writer.Claim(length);
    ringtest::FillPattern(sequence, span);
    writer.Commit();
    if (pause_every != 0 && sequence % pause_every == pause_every - 1) {
      std::this_thread::sleep_for(std::chrono::microseconds(pause_us));
    }
  }
  std::printf("written=%llu\n", static_cast<unsigned long long>(count));
  return 0;
}

int RunReader(int argc, char** argv) {
  if (argc < 6) return 2;
  const std::string ring = argv[2];
  const std::size_t min_bytes = Arg(argv, 3);
  const std::size_t max_bytes = Arg(argv, 4);
  const std::string policy = argv[5];
  const std::uint64_t stall_every = argc > 7 ? Arg(argv, 6) : 0;
  const std::uint64_t stall_us = argc > 7 ? Arg(argv, 7) : 0;
  ReaderOptions options;
  options.lap_policy = policy == "report" ? ringlib::LapPolicy::kReport : ringlib::LapPolicy::kTerminate;
  options.attach_timeout = std::chrono::milliseconds(10000);
  options.register_slot = true;
  std::optional<Reader> reader;
  try {
    reader.emplace(ring, options);
  } catch (const ringlib::Error& error) {
    std::fprintf(stderr, "attach failed: %s\n", error.what());
    return 7;
  }
  std::vector<std::byte> buffer(65536);
  std::uint64_t verified = 0, corrupt = 0, gaps = 0, polls = 0;
  // A flag and a value, not std::optional: GCC 12 -O3 warns maybe-uninitialized on it.
  bool have_last = false;
  std::uint64_t last_sequence = 0;
  ReadStatus end = ReadStatus::kEmpty;
  for (;;) {
    const auto result = reader->ReadFor(buffer, std::chrono::seconds(30));
    if (result.status == ReadStatus::kMessage) {
      std::uint64_t sequence = 0;
      if (!ringtest::CheckPattern({buffer.data(), result.size}, &sequence, min_bytes, max_bytes)) {
        ++corrupt;
      } else {
        if (have_last && sequence != last_sequence + 1) ++gaps;
        have_last = true;
        last_sequence = sequence;
        ++verified;
      }
      if (stall_every != 0 && ++polls % stall_every == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(stall_us));
      }
      continue;
    }
    if (result.status == ReadStatus::kLapped) {
      reader->Resync();
      have_last = false;  // contiguity restarts after a reported lap
      continue;
    }
    end = result.status;
    break;
  }
  std::printf("verified=%llu laps=%llu rejected=%llu corrupt=%llu gaps=%llu end=%s\n",
              static_cast<unsigned long long>(verified),
              static_cast<unsigned long long>(reader->laps()),
              static_cast<unsigned long long>(reader->copies_rejected()),
              static_cast<unsigned long long>(corrupt), static_cast<unsigned long long>(gaps),
              std::string(ringlib::ToString(end)).c_str());
  std::fflush(stdout);
  if (corrupt != 0 || gaps != 0) return 5;
  if (end == ReadStatus::kWriterClosed) return 0;
  if (end == ReadStatus::kWriterDead) return 4;
  if (end == ReadStatus::kWriterRestarted) return 6;
  return 5;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 2) return 2;
  const std::string mode = argv[1];
  try {
    if (mode == "writer") return RunWriter(argc, argv);
    if (mode == "reader") return RunReader(argc, argv);
  } catch (const ringlib::Error& error) {
    std::fprintf(stderr, "ring_peer %s: %s\n", mode.c_str(), error.what());
    return 8;
  }
  return 2;
}
