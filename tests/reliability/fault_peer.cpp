// fault_peer: a real separate process for the reliability tests, a writer or
// a reader of self-checking messages with the knobs fault tests need.
//
//   fault_peer writer RING [options]
//     --capacity N        ring capacity (default 65536)
//     --count N           messages to write (default: until stopped)
//     --min N --max N     payload sizes (default 16..256)
//     --stream ID         stream id in every message (default 1): a reader
//                         must never mix two streams
//     --wait-readers N    wait (up to 10 s) until N readers registered (a reader
//                         registers after taking its start position, so it
//                         sees every message from the first on)
//     --pause-every N --pause-us U   sleep U us every N messages
//     --mode OCTAL        segment permissions (default 0600)
//     --hang-mid-write    after --count messages, claim one more record, fill
//                         half of it, print "claimed" and sleep forever: a
//                         writer stuck between announcing and committing
//     --handle-signals    SIGINT/SIGTERM set a flag; the loop then closes the
//                         stream and exits 0 (as the applications do)
//     prints: written=N signals=N generation=G took_over=0|1
//   fault_peer reader RING [options]
//     --min N --max N     expected payload sizes
//     --policy terminate|report   a lap exits 3 through ringlib, or resyncs
//     --register          take a reader slot (visible to ringctl)
//     --attach-timeout-ms N   wait for the segment (default 10000)
//     --liveness-ms N     writer liveness check interval (default 50)
//     --linger-ms N       stay attached this long after the stream ended
//     --stall-every N --stall-us U   sleep U us every N messages
//     prints: verified=N laps=N corrupt=N gaps=N mixed=N first_stream=S
//             last_stream=S generation=G end=STATUS
//     exit: 0 writer closed and all verified, 3 lapped (terminate policy),
//           4 writer dead or restarted, 5 verification failed (corrupt
//           message, gap, or two streams mixed), 7 attach failed, 2 usage
#include <signal.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "ring_test_util.hpp"
#include "ringlib/circular_buffer.hpp"

namespace {

using ringlib::ReadStatus;
using namespace ringlib::CircularBuffer;

// Sequence numbers carry the stream id in their top 16 bits.
constexpr int kStreamShift = 48;
constexpr std::uint64_t kCounterMask = (std::uint64_t{1} << kStreamShift) - 1;

volatile sig_atomic_t g_stop = 0;
std::atomic<int> g_signals{0};

void OnSignal(int) {
  g_stop = 1;
  g_signals.fetch_add(1, std::memory_order_relaxed);
}

struct Args {
  std::map<std::string, std::string> values;
  std::map<std::string, bool> flags;
  std::uint64_t Number(const std::string& key, std::uint64_t fallback) const {
    const auto it = values.find(key);
    return it == values.end() ? fallback : std::strtoull(it->second.c_str(), nullptr, 0);
  }
  std::string Text(const std::string& key, const std::string& fallback) const {
    const auto it = values.find(key);
    return it == values.end() ? fallback : it->second;
  }
  bool Flag(const std::string& key) const { return flags.count(key) != 0; }
};

Args Parse(int argc, char** argv, int first) {
  static const char* const kFlags[] = {"--hang-mid-write", "--handle-signals", "--register"};
  Args args;
  for (int i = first; i < argc; ++i) {
    const std::string key = argv[i];
    bool is_flag = false;
    for (const char* flag : kFlags) is_flag = is_flag || key == flag;
    if (is_flag) {
      args.flags[key] = true;
    } else if (i + 1 < argc) {
      args.values[key] = argv[++i];
    }
  }
  return args;
}

int RunWriter(const std::string& ring, const Args& args) {
  WriterOptions options;
  options.capacity_bytes = args.Number("--capacity", 65536);
  options.mode = static_cast<mode_t>(args.Number("--mode", 0600));
  const std::uint64_t count = args.Number("--count", ~std::uint64_t{0});
  const std::size_t min_bytes = args.Number("--min", 16);
  const std::size_t max_bytes = args.Number("--max", 256);
  const std::uint64_t stream = args.Number("--stream", 1);
  const std::uint64_t wait_readers = args.Number("--wait-readers", 0);
  const std::uint64_t pause_every = args.Number("--pause-every", 0);
  const std::uint64_t pause_us = args.Number("--pause-us", 0);
  if (args.Flag("--handle-signals")) {
    struct sigaction action {};
    action.sa_handler = OnSignal;
    sigemptyset(&action.sa_mask);
    sigaction(SIGINT, &action, nullptr);
    sigaction(SIGTERM, &action, nullptr);
  }
  std::uint64_t written = 0;
  {
    Writer writer(ring, options);
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (writer.registered_readers() < wait_readers &&
           std::chrono::steady_clock::now() < deadline && g_stop == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    for (; written < count && g_stop == 0; ++written) {
      const std::uint64_t sequence = (stream << kStreamShift) | written;
      auto span = writer.Claim(ringtest::PatternLength(sequence, min_bytes, max_bytes));
      ringtest::FillPattern(sequence, span);
      writer.Commit();
      if (pause_every != 0 && written % pause_every == pause_every - 1) {
        std::this_thread::sleep_for(std::chrono::microseconds(pause_us));
      }
    }
    if (args.Flag("--hang-mid-write")) {
      const std::uint64_t sequence = (stream << kStreamShift) | written;
      auto span = writer.Claim(ringtest::PatternLength(sequence, min_bytes, max_bytes));
      ringtest::FillPattern(sequence, span.first(span.size() / 2));
      std::printf("claimed written=%llu\n", static_cast<unsigned long long>(written));
      std::fflush(stdout);
      for (;;) ::pause();
    }
    std::printf("written=%llu signals=%d generation=%llu took_over=%d\n",
                static_cast<unsigned long long>(written), g_signals.load(),
                static_cast<unsigned long long>(writer.generation()), writer.took_over() ? 1 : 0);
    std::fflush(stdout);
  }  // the writer closes and detaches exactly here, once
  return 0;
}

int RunReader(const std::string& ring, const Args& args) {
  const std::size_t min_bytes = args.Number("--min", 16);
  const std::size_t max_bytes = args.Number("--max", 256);
  const std::uint64_t stall_every = args.Number("--stall-every", 0);
  const std::uint64_t stall_us = args.Number("--stall-us", 0);
  ReaderOptions options;
  options.lap_policy = args.Text("--policy", "terminate") == "report"
                           ? ringlib::LapPolicy::kReport
                           : ringlib::LapPolicy::kTerminate;
  options.attach_timeout = std::chrono::milliseconds(args.Number("--attach-timeout-ms", 10000));
  options.liveness_interval = std::chrono::milliseconds(args.Number("--liveness-ms", 50));
  options.register_slot = args.Flag("--register");
  std::unique_ptr<Reader> reader;
  try {
    reader = std::make_unique<Reader>(ring, options);
  } catch (const ringlib::Error& error) {
    std::fprintf(stderr, "attach failed: %s\n", error.what());
    return 7;
  }
  std::vector<std::byte> buffer(65536);
  std::uint64_t verified = 0, corrupt = 0, gaps = 0, mixed = 0, polls = 0;
  std::uint64_t first_stream = 0, last_stream = 0, next_counter = 0;
  bool have_last = false;   // a stream has been seen
  bool contiguous = false;  // next_counter is the expected next message
  ReadStatus end = ReadStatus::kEmpty;
  for (;;) {
    const auto result = reader->ReadFor(buffer, std::chrono::seconds(60));
    if (result.status == ReadStatus::kMessage) {
      std::uint64_t sequence = 0;
      if (!ringtest::CheckPattern({buffer.data(), result.size}, &sequence, min_bytes, max_bytes)) {
        ++corrupt;
        continue;
      }
      const std::uint64_t stream = sequence >> kStreamShift;
      const std::uint64_t counter = sequence & kCounterMask;
      if (!have_last) {
        first_stream = stream;
      } else if (stream != last_stream) {
        ++mixed;  // a second stream after the first: never allowed
      } else if (contiguous && counter != next_counter) {
        ++gaps;
      }
      have_last = true;
      contiguous = true;
      last_stream = stream;
      next_counter = counter + 1;
      ++verified;
      if (stall_every != 0 && ++polls % stall_every == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(stall_us));
      }
      continue;
    }
    if (result.status == ReadStatus::kLapped) {
      reader->Resync();
      contiguous = false;  // contiguity restarts after a reported lap; streams still must not mix
      continue;
    }
    end = result.status;
    break;
  }
  std::printf(
      "verified=%llu laps=%llu corrupt=%llu gaps=%llu mixed=%llu first_stream=%llu "
      "last_stream=%llu generation=%llu end=%s\n",
      static_cast<unsigned long long>(verified), static_cast<unsigned long long>(reader->laps()),
      static_cast<unsigned long long>(corrupt), static_cast<unsigned long long>(gaps),
      static_cast<unsigned long long>(mixed), static_cast<unsigned long long>(first_stream),
      static_cast<unsigned long long>(last_stream),
      static_cast<unsigned long long>(reader->generation()),
      std::string(ringlib::ToString(end)).c_str());
  std::fflush(stdout);
  if (end == ReadStatus::kWriterDead) {
    std::fprintf(stderr, "reader of ring \"%s\": the writer died without closing the stream\n",
                 ring.c_str());
  } else if (end == ReadStatus::kWriterRestarted) {
    std::fprintf(stderr,
                 "reader of ring \"%s\": a new writer took over the ring (generation %llu); "
                 "not mixing two streams\n",
                 ring.c_str(), static_cast<unsigned long long>(reader->generation()));
  }
  const std::uint64_t linger_ms = args.Number("--linger-ms", 0);
  if (linger_ms != 0) std::this_thread::sleep_for(std::chrono::milliseconds(linger_ms));
  if (corrupt != 0 || gaps != 0 || mixed != 0) return 5;
  if (end == ReadStatus::kWriterClosed) return 0;
  if (end == ReadStatus::kWriterDead || end == ReadStatus::kWriterRestarted) return 4;
  return 5;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc < 3) {
    std::fprintf(stderr, "usage: fault_peer writer|reader RING [options]\n");
    return 2;
  }
  const std::string mode = argv[1];
  const Args args = Parse(argc, argv, 3);
  try {
    if (mode == "writer") return RunWriter(argv[2], args);
    if (mode == "reader") return RunReader(argv[2], args);
  } catch (const ringlib::Error& error) {
    std::fprintf(stderr, "fault_peer %s: %s\n", mode.c_str(), error.what());
    return 8;
  }
  std::fprintf(stderr, "fault_peer: unknown mode %s\n", mode.c_str());
  return 2;
}
