// ring_bench: ringlib against the machine's limit and against what users
// would pick instead, in one run, across real processes. Every claim in
// docs/benchmarks.md is a ratio of two numbers measured by one run of this
// program. A readable table by default, JSON with --json.
//
// Sections (--sections):
//   limit       atomic ping-pong between two cores (one line each way, and two
//               lines each way: the floor for messages of 64 B or more);
//               memcpy bandwidth per size
//   throughput  one writer, 1/2/4 readers, sizes 8 B .. 65,535 B, lossless
//   latency     ping-pong over two channels, round-trip percentiles; with ringlib,
//               also bare-slot, bare-ring and bare-ring-prepared, ringlib's bytes
//               without its protocol; before each point the atomic ping-pongs again
//   interleaved the atomic ping-pongs, the bare references and ringlib's round
//               trips taking turns in one pair of processes, 200 round trips at a
//               time, so they are compared within the same millisecond
//   writer      time per Write with 0, 1, 4 readers and with a stopped reader
//   idle        CPU used by a waiting reader under each idle strategy
//   replay      feed_publisher -> feed_subscriber end to end (when given)
#include <signal.h>
#include <sys/resource.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <CLI/CLI.hpp>

#include <algorithm>
#include <array>
#include <atomic>
#include <cinttypes>
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <iostream>
#include <map>
#include <memory>
#include <optional>
#include <sstream>
#include <string>
#include <type_traits>
#include <vector>

#include "bench_util.hpp"
#include "mechanisms.hpp"
#include "replay.hpp"
#include "ringlib/ringlib.hpp"

#ifndef RING_BENCH_CXX_FLAGS
#define RING_BENCH_CXX_FLAGS "unknown"
#endif
#ifndef RING_BENCH_BUILD_TYPE
#define RING_BENCH_BUILD_TYPE "unknown"
#endif

namespace bench {
namespace {

namespace cb = ringlib::CircularBuffer;
constexpr std::uint64_t kTerminator = ~std::uint64_t{0};
constexpr int kMaxReaders = 8;
constexpr std::size_t kMaxMessage = 65535;

struct Config {
  bool json = false;
  std::string json_file;
  bool pin = false;
  std::vector<int> cpus{0, 1};
  bool quick = false;
  static constexpr std::array<const char*, 7> kSections{"limit",  "throughput", "latency", "interleaved",
                                                        "writer", "idle",       "replay"};
  std::vector<std::string> sections{kSections.begin(), kSections.end()};
  std::vector<std::string> mechanisms;  // empty: all
  std::vector<std::size_t> sizes{8, 32, 64, 256, 1024, 4096, 16384, 65535};
  std::vector<int> readers{1, 2, 4};
  // The throughput section's ringlib readers: ReaderOptions::catch_up_backoff
  // (opt-in; 0, the default, as shipped).
  std::uint64_t catch_up_backoff_ns = 0;
  std::vector<std::size_t> latency_sizes{8, 64, 1024, 4096};
  std::uint64_t duration_ms = 400;
  int repeat = 3;  // throughput points and replay runs: the median of this many
  std::uint64_t iterations = 100000;
  double latency_max_seconds = 3.0;
  double interleaved_seconds = 3.0;  // per size, after the warm-up
  double idle_seconds = 3.0;
  std::uint64_t capacity = std::uint64_t{1} << 20;
  std::size_t writer_cost_size = 64;
  std::uint64_t writer_cost_writes = 2'000'000;
  // The replay's second, alternated variant: a subscriber with a 4 us
  // catch-up backoff (opt-in in ringlib; --replay-catch-up-backoff-ns 0
  // leaves it out).
  ReplayConfig replay = [] {
    ReplayConfig defaults;
    defaults.catch_up_backoff_ns = 4'000;
    return defaults;
  }();
  std::string command_line;

  int writer_cpu() const { return pin ? cpus.at(0) : -1; }
  int reader_cpu() const { return pin ? cpus.at(1) : -1; }
  bool Has(const std::string& section) const {
    return std::find(sections.begin(), sections.end(), section) != sections.end();
  }
  bool Uses(Mechanism m) const {
    if (mechanisms.empty()) return true;
    return std::find(mechanisms.begin(), mechanisms.end(), std::string(MechanismName(m))) != mechanisms.end();
  }
};

// Progress goes to stderr so --json output stays clean.
template <class... Args>
void Progress(const char* format, Args... args) {
  std::fprintf(stderr, format, args...);
  std::fflush(stderr);
}

void CopyText(char* out, std::size_t capacity, const std::string& text) {
  std::snprintf(out, capacity, "%s", text.c_str());
}

// ===================================================================== limit

struct alignas(128) PaddedCounter {
  std::atomic<std::uint64_t> value{0};
};
struct AtomicPingPongArea {
  PaddedCounter ping;
  PaddedCounter pong;
  PaddedCounter ping_payload;  // two-line variant: the message, beside the flag
  PaddedCounter pong_payload;
  std::atomic<int> ready{0};
};

// Two processes, one 8-byte atomic each way on its own line: the floor for
// any cross-core round trip. pauses: PAUSEs between two polls; 0 spins
// plainly, 1 as most polite spinners do, and ringlib's readers use
// detail::PausesPerPoll() (polls at least 16 ns apart; 2 PAUSEs on this VM).
enum class PingPongShape {
  kOneLine,
  // The 8-byte message travels in its own line and the flag only says it is
  // there (store message, then flag with release; the peer sees the flag,
  // then loads the message): the data movement of any ring whose readers
  // poll a position word and then read the record.
  kMessageLine,
  // Two lines change each way, and the peer polls both together (two
  // independent loads per poll, so their misses overlap), with no payload
  // to copy. A message of 64 bytes or more plus anything that says "new"
  // changes at least 65 bytes, two lines, whatever the protocol: this is
  // the least such a message can cost here.
  kBothLines,
};
Percentiles AtomicPingPong(const Config& config, std::uint32_t pauses, std::string& error,
                           PingPongShape shape = PingPongShape::kOneLine) {
  SharedArea<AtomicPingPongArea> area;
  const std::uint64_t iterations = config.iterations;
  SharedArea<double> samples(iterations);
  SharedArea<std::uint64_t> count;
  const bool both_lines = shape == PingPongShape::kBothLines;
  // Waits until the flag (and with kBothLines the second line too) reaches
  // `at_least`; returns the flag. Both sides count up in step, so an
  // earlier round's value is always below. Acquire pairs with the peer's
  // releases.
  auto await = [both_lines, pauses](PaddedCounter& flag, PaddedCounter& second, std::uint64_t at_least) {
    for (;;) {
      const std::uint64_t seen = flag.value.load(std::memory_order_acquire);
      if (seen == kTerminator) return seen;
      if (!both_lines) {
        if (seen >= at_least) return seen;
      } else if (const std::uint64_t also = second.value.load(std::memory_order_acquire);
                 seen >= at_least && also >= at_least) {
        return seen;
      }
      CpuRelax(pauses);
    }
  };
  const pid_t ponger = Spawn([&] {
    PinTo(config.reader_cpu());
    area->ready.fetch_add(1);
    for (std::uint64_t i = 1;; ++i) {
      if (await(area->ping, area->ping_payload, i) == kTerminator) return 0;
      if (shape == PingPongShape::kMessageLine) {
        const std::uint64_t payload = area->ping_payload.value.load(std::memory_order_relaxed);
        area->pong_payload.value.store(payload + 1, std::memory_order_relaxed);
      } else if (both_lines) {
        area->pong_payload.value.store(i, std::memory_order_release);
      }
      area->pong.value.store(i, std::memory_order_release);
    }
  });
  const pid_t pinger = Spawn([&] {
    PinTo(config.writer_cpu());
    AwaitAtLeast(area->ready, 1, std::chrono::seconds(10), "ponger");
    const std::uint64_t limit_ns = NowNs() + static_cast<std::uint64_t>(config.latency_max_seconds * 1e9);
    const std::uint64_t warmup = std::min<std::uint64_t>(iterations / 10 + 100, 10000);
    std::uint64_t recorded = 0;
    for (std::uint64_t i = 1; i <= warmup + iterations; ++i) {
      const std::uint64_t t0 = Tsc::Ticks();
      if (shape == PingPongShape::kMessageLine) area->ping_payload.value.store(i, std::memory_order_relaxed);
      if (both_lines) area->ping_payload.value.store(i, std::memory_order_release);
      area->ping.value.store(i, std::memory_order_release);
      await(area->pong, area->pong_payload, i);
      if (shape == PingPongShape::kMessageLine && area->pong_payload.value.load(std::memory_order_relaxed) != i + 1) {
        std::fprintf(stderr, "message-line ping-pong: wrong payload\n");
        return 1;
      }
      const std::uint64_t t1 = Tsc::Ticks();
      if (i > warmup) samples[recorded++] = Tsc::ToNs(t1 - t0);
      if ((i & 1023) == 0 && NowNs() > limit_ns) break;
    }
    *count.get() = recorded;
    area->ping.value.store(kTerminator, std::memory_order_release);
    return 0;
  });
  error = ReapAll({pinger, ponger}, 60);
  std::vector<double> ns(samples.get(), samples.get() + *count.get());
  return ComputePercentiles(ns, Tsc::step_ns());
}

// The p50 of a short one-line atomic ping-pong (plain spin; 20,000 round
// trips at most): the cross-core round trip right now, for the throughput
// points. 0 if it could not run.
double AdjacentRttNs(const Config& config) {
  Config brief = config;
  brief.iterations = std::min<std::uint64_t>(config.iterations, 20000);
  std::string error;
  const Percentiles p = AtomicPingPong(brief, 0, error, PingPongShape::kOneLine);
  return error.empty() ? p.p50 : 0;
}

// Single-thread memcpy of `size`-byte messages from successive records of a
// ring-sized source into one destination: what a reader's copy costs
// without another core writing the source. Bytes of payload per second.
double MemcpyBandwidth(const Config& config, std::size_t size) {
  SharedArea<double> result;
  const pid_t child = Spawn([&] {
    PinTo(config.reader_cpu());
    const std::size_t stride = ringlib::layout::AlignedRecordBytes(size);
    std::vector<std::byte> source(config.capacity + stride, std::byte{1});
    std::vector<std::byte> destination(size + 64);
    const std::size_t records = config.capacity / stride;
    // The median of short trials: on a shared machine a trial that lost the
    // CPU to another process is an outlier, not the machine's bandwidth.
    const int trials = config.quick ? 3 : 15;
    const std::uint64_t budget_ns = config.quick ? 2'000'000 : 10'000'000;
    std::vector<double> rates;
    for (int trial = 0; trial < trials; ++trial) {
      std::uint64_t copied = 0;
      const std::uint64_t t0 = NowNs();
      std::uint64_t t1 = t0;
      do {
        for (std::size_t r = 0; r < records; ++r) {
          std::memcpy(destination.data(), source.data() + r * stride, size);
          asm volatile("" : : "r"(destination.data()) : "memory");
        }
        copied += records * size;
        t1 = NowNs();
      } while (t1 - t0 < budget_ns);
      rates.push_back(static_cast<double>(copied) / (static_cast<double>(t1 - t0) * 1e-9));
    }
    std::sort(rates.begin(), rates.end());
    *result.get() = rates[rates.size() / 2];
    return 0;
  });
  const ChildExit exit = Reap(child);
  return exit.ok() ? *result.get() : 0.0;
}

// The same copies as MemcpyBandwidth, but of bytes another core has just
// written (so every line comes from that core's cache): what a ring
// reader's copy costs at best. One process writes the ring-sized buffer,
// hands it over, the other copies it out; only the copy is timed.
// The writer's half is timed too: it copies into lines the other core has
// just read, so each store first takes the line back (an RFO): what a ring
// writer's copy costs at best. A ring moves every byte both ways each lap,
// so the slower of the two is its bound.
struct CrossCoreArea {
  std::atomic<std::uint64_t> turn{0};  // even: the writer's, odd: the copier's
  double bytes_per_second = 0;         // copier (reader side), the median round
  double write_bytes_per_second = 0;   // writer side, the median round
};
struct CrossCore {
  double read_bytes_per_second = 0;
  double write_bytes_per_second = 0;
};
CrossCore CrossCoreCopyBandwidth(const Config& config, std::size_t size) {
  SharedArea<CrossCoreArea> area;
  const std::size_t stride = ringlib::layout::AlignedRecordBytes(size);
  SharedArea<std::byte> buffer(config.capacity + stride);
  const std::size_t records = config.capacity / stride;
  const std::uint64_t rounds = config.quick ? 4 : 64;
  const pid_t writer = Spawn([&] {
    PinTo(config.writer_cpu());
    std::vector<std::byte> source(size, std::byte{3});
    std::vector<double> rates;
    for (std::uint64_t round = 0; round < rounds; ++round) {
      while (area->turn.load(std::memory_order_acquire) != 2 * round) CpuRelax();
      const std::uint64_t t0 = Tsc::Ticks();
      for (std::size_t r = 0; r < records; ++r) std::memcpy(buffer.get() + r * stride, source.data(), size);
      const double ns = Tsc::ToNs(Tsc::Ticks() - t0);
      if (round > 0) rates.push_back(static_cast<double>(records * size) / (ns * 1e-9));  // round 0: page faults
      area->turn.store(2 * round + 1, std::memory_order_release);
    }
    std::sort(rates.begin(), rates.end());
    area->write_bytes_per_second = rates.empty() ? 0 : rates[rates.size() / 2];
    return 0;
  });
  const pid_t copier = Spawn([&] {
    PinTo(config.reader_cpu());
    std::vector<std::byte> destination(size + 64);
    std::vector<double> rates;
    for (std::uint64_t round = 0; round < rounds; ++round) {
      while (area->turn.load(std::memory_order_acquire) != 2 * round + 1) CpuRelax();
      const std::uint64_t t0 = Tsc::Ticks();
      for (std::size_t r = 0; r < records; ++r) {
        std::memcpy(destination.data(), buffer.get() + r * stride, size);
        asm volatile("" : : "r"(destination.data()) : "memory");
      }
      const double ns = Tsc::ToNs(Tsc::Ticks() - t0);
      if (round > 0) rates.push_back(static_cast<double>(records * size) / (ns * 1e-9));  // round 0: page faults
      area->turn.store(2 * round + 2, std::memory_order_release);
    }
    std::sort(rates.begin(), rates.end());
    area->bytes_per_second = rates.empty() ? 0 : rates[rates.size() / 2];
    return 0;
  });
  const std::string failure = ReapAll({writer, copier}, 120);
  if (!failure.empty()) return {};
  return {area->bytes_per_second, area->write_bytes_per_second};
}

// ===================================================================== throughput

// CPU time of this process (ns): with the wall time it gives the share of
// a CPU a process got, which on a shared machine is not all of it.
std::uint64_t ProcessCpuNs() {
  struct timespec now {};
  ::clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000u + static_cast<std::uint64_t>(now.tv_nsec);
}

// From /proc/self/schedstat: ns on a CPU and ns runnable but waiting for
// one (another process had it). The rest of the wall time was sleep.
struct SchedStat {
  std::uint64_t on_cpu_ns = 0;
  std::uint64_t waiting_ns = 0;
};
SchedStat ReadSchedStat() {
  SchedStat stat;
  if (FILE* f = std::fopen("/proc/self/schedstat", "r")) {
    unsigned long long on_cpu = 0, waiting = 0;
    if (std::fscanf(f, "%llu %llu", &on_cpu, &waiting) == 2) {
      stat.on_cpu_ns = on_cpu;
      stat.waiting_ns = waiting;
    }
    std::fclose(f);
  }
  return stat;
}

struct alignas(128) ReceiverResult {
  std::uint64_t messages = 0;
  // ringlib readers: Reader::waits() at the first message and at the end
  // (other mechanisms leave both 0 and has_waits false).
  bool has_waits = false;
  std::uint64_t first_waits = 0;
  std::uint64_t end_waits = 0;
  std::uint64_t first_ns = 0;
  std::uint64_t end_ns = 0;
  std::uint64_t first_cpu_ns = 0;
  std::uint64_t end_cpu_ns = 0;
  SchedStat first_sched;
  SchedStat end_sched;
  char error[240] = {};
};
struct ThroughputArea {
  std::atomic<int> sender_ready{0};
  std::atomic<int> receivers_ready{0};
  std::uint64_t sent = 0;
  std::uint64_t start_ns = 0;
  std::uint64_t end_ns = 0;
  std::uint64_t start_cpu_ns = 0;
  std::uint64_t end_cpu_ns = 0;
  char error[240] = {};
  ReceiverResult receivers[kMaxReaders];
};

struct ThroughputResult {
  Mechanism mechanism;
  int readers = 1;
  std::size_t size = 0;
  bool ran = false;
  std::string unavailable;  // why it could not run
  std::string error;        // it ran and failed
  double messages_per_second = 0;  // the slowest reader's sustained rate
  double bytes_per_second = 0;
  double writer_messages_per_second = 0;
  // The share of a CPU the slowest reader and the writer got while sending
  // (CPU time / wall time): below 1 where other processes took turns on the
  // pinned CPUs. messages_per_reader_cpu_second: the slowest reader's
  // messages per second of CPU it actually had.
  double reader_cpu_share = 0;
  double reader_waiting_share = 0;  // runnable, but another process had the CPU
  // ringlib: the slowest reader's waits for a message (Reader::waits())
  // per message read; unset for the other mechanisms. Near 0, the reader
  // stays behind the writer and reads whole lines; well above, it keeps
  // catching up and polls the line the writer is filling, which slows
  // both (docs/benchmarks.md, the bimodal 32-byte throughput).
  std::optional<double> reader_waits_per_message;
  double writer_cpu_share = 0;
  double messages_per_reader_cpu_second = 0;
  std::uint64_t messages = 0;
  int repeats = 1;
  std::string describe;
  // The p50 of a short cross-core atomic ping-pong run right before and
  // right after the point's runs (0 if it failed): the phase of the host
  // the point ran in. On the EPYC VM of docs/benchmarks.md it is ~100 ns in
  // one phase and ~480 in another, and ringlib's throughput falls 4-7 x in
  // the second; the phase can change within a point.
  double rtt_before_ns = 0;
  double rtt_after_ns = 0;
};

template <class S>
std::uint64_t SendLoop(S& sender, std::size_t size, std::uint64_t deadline_ns) {
  std::vector<std::byte> message(std::max<std::size_t>(size, 8));
  for (std::size_t i = 8; i < message.size(); ++i) message[i] = static_cast<std::byte>(i);
  std::uint64_t sequence = 0;
  for (;; ++sequence) {
    std::memcpy(message.data(), &sequence, sizeof sequence);
    sender.Send(message.data(), size);
    if ((sequence & 255) == 255 && NowNs() >= deadline_ns) break;
  }
  ++sequence;
  std::memcpy(message.data(), &kTerminator, sizeof kTerminator);
  sender.Send(message.data(), size);
  return sequence;
}

template <class R>
void ReceiveLoop(R& receiver, std::size_t size, ReceiverResult& out) {
  std::vector<std::byte> buffer(kMaxMessage + 8);
  std::uint64_t expected = 0;
  for (;;) {
    const std::size_t n = receiver.Receive(buffer.data(), buffer.size());
    std::uint64_t sequence;
    std::memcpy(&sequence, buffer.data(), sizeof sequence);
    if (sequence == kTerminator) break;
    if (expected == 0) {
      out.first_ns = NowNs();
      out.first_cpu_ns = ProcessCpuNs();
      out.first_sched = ReadSchedStat();
      if constexpr (std::is_same_v<R, RingReceiver>) out.first_waits = receiver.reader().waits();
    }
    if (sequence != expected || n != size) {
      CopyText(out.error, sizeof out.error,
               "message " + std::to_string(expected) + ": got sequence " + std::to_string(sequence) +
                   " and " + std::to_string(n) + " bytes, expected " + std::to_string(size) + " bytes");
      return;
    }
    ++expected;
  }
  out.end_ns = NowNs();
  out.end_cpu_ns = ProcessCpuNs();
  out.end_sched = ReadSchedStat();
  out.messages = expected;
  if constexpr (std::is_same_v<R, RingReceiver>) {
    out.has_waits = true;
    out.end_waits = receiver.reader().waits();
  }
}

ThroughputResult Throughput(const Config& config, Mechanism mechanism, int readers, std::size_t size) {
  ThroughputResult result;
  result.mechanism = mechanism;
  result.readers = readers;
  result.size = size;
  ChannelSpec spec;
  spec.mechanism = mechanism;
  spec.receivers = readers;
  spec.max_message_bytes = std::max<std::size_t>(size, 8);
  spec.ring_capacity_bytes = config.capacity;
  spec.tethered = true;
  spec.catch_up_backoff = std::chrono::nanoseconds(config.catch_up_backoff_ns);
  std::unique_ptr<Channel> channel;
  try {
    channel = CreateChannel(spec);
  } catch (const Unavailable& why) {
    result.unavailable = why.what();
    return result;
  }
  result.describe = channel->Describe();
  SharedArea<ThroughputArea> area;
  std::vector<pid_t> pids;
  const bool iceoryx = mechanism == Mechanism::kIceoryx;
  pids.push_back(Spawn(
      [&]() -> int {
        PinTo(config.writer_cpu());
        ::signal(SIGPIPE, SIG_IGN);
        try {
          auto sender = channel->OpenSender();
          area->sender_ready.store(1, std::memory_order_release);
          AwaitAtLeast(area->receivers_ready, readers, std::chrono::seconds(30), "receivers");
          area->start_ns = NowNs();
          area->start_cpu_ns = ProcessCpuNs();
          const std::uint64_t deadline = area->start_ns + config.duration_ms * 1'000'000;
          if (auto* ring = dynamic_cast<RingSender*>(sender.get())) {
            area->sent = SendLoop(*ring, size, deadline);
          } else {
            area->sent = SendLoop(*sender, size, deadline);
          }
          area->end_ns = NowNs();
          area->end_cpu_ns = ProcessCpuNs();
        } catch (const std::exception& e) {
          CopyText(area->error, sizeof area->error, e.what());
          return 1;
        }
        return 0;
      },
      iceoryx));
  for (int r = 0; r < readers; ++r) {
    pids.push_back(Spawn(
        [&, r]() -> int {
          PinTo(config.reader_cpu());
          ReceiverResult& out = area->receivers[r];
          try {
            AwaitAtLeast(area->sender_ready, 1, std::chrono::seconds(30), "sender");
            auto receiver = channel->OpenReceiver(r);
            area->receivers_ready.fetch_add(1, std::memory_order_acq_rel);
            if (auto* ring = dynamic_cast<RingReceiver*>(receiver.get())) {
              ReceiveLoop(*ring, size, out);
            } else {
              ReceiveLoop(*receiver, size, out);
            }
          } catch (const std::exception& e) {
            CopyText(out.error, sizeof out.error, e.what());
            return 1;
          }
          return out.error[0] == 0 ? 0 : 1;
        },
        iceoryx));
  }
  channel->ReleaseParentCopies();
  const std::string failure = ReapAll(pids, static_cast<double>(config.duration_ms) / 1000.0 * 4 + 60);
  result.ran = true;
  if (area->error[0] != 0) result.error = std::string("writer: ") + area->error;
  // The slowest reader is the one with the lowest rate; a reader that
  // received nothing has a rate of 0 and is the slowest (it once was
  // skipped, and when it was reader 0 no reader was taken at all).
  std::optional<double> slowest;
  for (int r = 0; r < readers; ++r) {
    const ReceiverResult& out = area->receivers[r];
    if (out.error[0] != 0 && result.error.empty()) result.error = "reader " + std::to_string(r) + ": " + out.error;
    const bool received = out.messages > 0 && out.end_ns > out.first_ns;
    const double seconds = received ? static_cast<double>(out.end_ns - out.first_ns) * 1e-9 : 0;
    const double rate = received ? static_cast<double>(out.messages) / seconds : 0;
    if (slowest && *slowest <= rate) continue;
    slowest = rate;
    result.messages = received ? out.messages : 0;
    result.reader_cpu_share = 0;
    result.reader_waiting_share = 0;
    result.messages_per_reader_cpu_second = 0;
    result.reader_waits_per_message.reset();
    if (!received) continue;
    const double cpu_ns = static_cast<double>(out.end_cpu_ns - out.first_cpu_ns);
    result.reader_cpu_share = cpu_ns * 1e-9 / seconds;
    result.reader_waiting_share =
        static_cast<double>(out.end_sched.waiting_ns - out.first_sched.waiting_ns) * 1e-9 / seconds;
    result.messages_per_reader_cpu_second = cpu_ns > 0 ? static_cast<double>(out.messages) / (cpu_ns * 1e-9) : 0;
    if (out.has_waits) {
      result.reader_waits_per_message =
          static_cast<double>(out.end_waits - out.first_waits) / static_cast<double>(out.messages);
    }
  }
  if (result.error.empty() && !failure.empty()) result.error = failure;
  result.messages_per_second = slowest.value_or(0);
  result.bytes_per_second = result.messages_per_second * static_cast<double>(size);
  if (area->end_ns > area->start_ns) {
    result.writer_messages_per_second =
        static_cast<double>(area->sent) / (static_cast<double>(area->end_ns - area->start_ns) * 1e-9);
    result.writer_cpu_share = static_cast<double>(area->end_cpu_ns - area->start_cpu_ns) /
                              static_cast<double>(area->end_ns - area->start_ns);
  }
  return result;
}

// ===================================================================== latency

struct LatencyArea {
  std::atomic<int> senders_ready{0};
  std::atomic<int> receivers_ready{0};
  std::uint64_t recorded = 0;
  std::atomic<int> error_claimed{0};
  char error[240] = {};
  // The first error is the cause: the peer's ("the writer closed the
  // stream") only follows from it.
  void Fail(const std::string& text) {
    if (error_claimed.exchange(1, std::memory_order_acq_rel) == 0) CopyText(error, sizeof error, text);
  }
};

// The bare references for ringlib's round trip (BareLatency).
enum class BareShape : std::uint8_t { kSlot, kRing, kRingPrepared };

struct Variant {
  std::string label;
  Mechanism mechanism;
  ringlib::IdleStrategy idle;
  std::chrono::nanoseconds spin_before_idle = cb::kDefaultSpinBeforeIdle;
  // Set: one of the bare references, which are not mechanisms; else a
  // channel of `mechanism`.
  std::optional<BareShape> bare = std::nullopt;
  bool prepare_next = false;  // ringlib: ChannelSpec::prepare_next
};

// The limit: the fastest (by p50) of the plain, the PAUSE and the paced
// atomic ping-pong, of those that ran; nullptr if none did.
const Percentiles* FasterPingPong(const std::optional<Percentiles>& plain,
                                  const std::optional<Percentiles>& pause,
                                  const std::optional<Percentiles>& paced) {
  const Percentiles* fastest = nullptr;
  for (const std::optional<Percentiles>* p : {&plain, &pause, &paced}) {
    if (*p && (fastest == nullptr || (*p)->p50 < fastest->p50)) fastest = &**p;
  }
  return fastest;
}

// ringlib's readers' PAUSEs per poll, if more than one (else the paced
// ping-pong would repeat the PAUSE one).
std::uint32_t RingPacedPauses() {
  const std::uint32_t pauses = ringlib::CircularBuffer::detail::PausesPerPoll();
  return pauses > 1 ? pauses : 0;
}

// One atomic ping-pong; nullopt if it failed, and then `error` gets the
// failure with `name` in front, unless it holds an earlier one.
std::optional<Percentiles> MeasurePingPong(const Config& config, const char* name, std::uint32_t pauses,
                                           PingPongShape shape, std::string& error) {
  std::string failure;
  Percentiles p = AtomicPingPong(config, pauses, failure, shape);
  if (failure.empty() && p.samples == 0) failure = "no round trip recorded";
  if (failure.empty()) return p;
  if (error.empty()) error = std::string(name) + ": " + failure;
  return std::nullopt;
}

// The one-line atomic ping-pongs again, now; the limit of those (nullopt
// if all failed; `error` gets the first failure).
std::optional<Percentiles> AdjacentLimit(const Config& config, std::string& error) {
  const std::optional<Percentiles> plain =
      MeasurePingPong(config, "atomic ping-pong", 0, PingPongShape::kOneLine, error);
  const std::optional<Percentiles> pause =
      MeasurePingPong(config, "atomic ping-pong with PAUSE", 1, PingPongShape::kOneLine, error);
  std::optional<Percentiles> paced;
  if (const std::uint32_t pauses = RingPacedPauses(); pauses != 0) {
    paced = MeasurePingPong(config, "atomic ping-pong paced as ringlib's readers", pauses,
                            PingPongShape::kOneLine, error);
  }
  const Percentiles* faster = FasterPingPong(plain, pause, paced);
  return faster != nullptr ? std::optional<Percentiles>(*faster) : std::nullopt;
}

struct LatencyResult {
  std::string label;
  Mechanism mechanism;
  std::size_t size = 0;
  std::string unavailable;
  std::string error;
  Percentiles rtt;
  // The limit measured right before this point (the faster of the plain and
  // the PAUSE atomic ping-pong, by p50). On a VM the limit can change while
  // the run goes on (the host may move the vCPUs): the limit measured at
  // the start was once 210 ns while ringlib's round trip later in the same
  // run was 128 ns. The latency targets divide by this one.
  std::optional<Percentiles> adjacent_limit;
  // For messages of 64 bytes or more: the two-line ping-pong
  // (PingPongShape::kBothLines) measured right after adjacent_limit, the
  // least any protocol can cost for such a message on this machine.
  std::optional<Percentiles> adjacent_both_lines;
  std::string describe;
};

// Round trips made before the measured ones. Steady state: the warm-up
// covers one lap of the ring, so the first touch of each page (a minor
// fault, microseconds) is not in the sample. Every mechanism gets the same
// warm-up, the bare references included.
std::uint64_t RoundTripWarmup(const Config& config, std::size_t size) {
  return std::max<std::uint64_t>(std::min<std::uint64_t>(config.iterations / 10 + 100, 10000),
                                 config.capacity / ringlib::layout::AlignedRecordBytes(size) + 100);
}

// Waits for both sides of a ping-pong; then `result` gets the first error a
// side reported (else the wait's) and the percentiles of what was recorded.
void CollectPingPong(const Config& config, pid_t pinger, pid_t ponger, const LatencyArea& area,
                     const double* samples, LatencyResult& result) {
  const std::string failure = ReapAll({pinger, ponger}, config.latency_max_seconds * 3 + 60);
  if (area.error[0] != 0) {
    result.error = area.error;
  } else if (!failure.empty()) {
    result.error = failure;
  }
  std::vector<double> ns(samples, samples + area.recorded);
  result.rtt = ComputePercentiles(ns, Tsc::step_ns());
}

template <class S, class R>
std::uint64_t PingLoop(S& sender, R& receiver, std::size_t size, std::uint64_t warmup, std::uint64_t iterations,
                       double max_seconds, double* samples) {
  std::vector<std::byte> message(std::max<std::size_t>(size, 8));
  std::vector<std::byte> reply(kMaxMessage + 8);
  std::uint64_t limit_ns = ~std::uint64_t{0};
  std::uint64_t recorded = 0;
  for (std::uint64_t i = 0; i < warmup + iterations; ++i) {
    if (i == warmup) limit_ns = NowNs() + static_cast<std::uint64_t>(max_seconds * 1e9);
    std::memcpy(message.data(), &i, sizeof i);
    const std::uint64_t t0 = Tsc::Ticks();
    sender.Send(message.data(), size);
    const std::size_t n = receiver.Receive(reply.data(), reply.size());
    const std::uint64_t t1 = Tsc::Ticks();
    std::uint64_t echoed;
    std::memcpy(&echoed, reply.data(), sizeof echoed);
    if (n != size || echoed != i) throw std::runtime_error("ping-pong: wrong echo at iteration " + std::to_string(i));
    if (i >= warmup) samples[recorded++] = Tsc::ToNs(t1 - t0);
    if ((i & 255) == 255 && NowNs() > limit_ns) break;
  }
  std::memcpy(message.data(), &kTerminator, sizeof kTerminator);
  sender.Send(message.data(), size);
  return recorded;
}

template <class S, class R>
void PongLoop(S& sender, R& receiver) {
  std::vector<std::byte> message(kMaxMessage + 8);
  for (;;) {
    const std::size_t n = receiver.Receive(message.data(), message.size());
    std::uint64_t sequence;
    std::memcpy(&sequence, message.data(), sizeof sequence);
    if (sequence == kTerminator) return;
    sender.Send(message.data(), n);
  }
}

LatencyResult Latency(const Config& config, const Variant& variant, std::size_t size) {
  LatencyResult result;
  result.label = variant.label;
  result.mechanism = variant.mechanism;
  result.size = size;
  ChannelSpec spec;
  spec.mechanism = variant.mechanism;
  spec.receivers = 1;
  spec.max_message_bytes = std::max<std::size_t>(size, 8);
  spec.ring_capacity_bytes = config.capacity;
  spec.idle = variant.idle;
  spec.spin_before_idle = variant.spin_before_idle;
  spec.tethered = false;  // the default mode: the writer never waits
  spec.prepare_next = variant.prepare_next;
  std::unique_ptr<Channel> there;
  std::unique_ptr<Channel> back;
  try {
    there = CreateChannel(spec);
    back = CreateChannel(spec);
  } catch (const Unavailable& why) {
    result.unavailable = why.what();
    return result;
  }
  result.describe = there->Describe();
  SharedArea<LatencyArea> area;
  SharedArea<double> samples(config.iterations);
  const bool iceoryx = variant.mechanism == Mechanism::kIceoryx;
  const std::uint64_t warmup = RoundTripWarmup(config, size);
  auto side = [&](bool pinger) {
    return [&, pinger]() -> int {
      PinTo(pinger ? config.writer_cpu() : config.reader_cpu());
      try {
        auto sender = (pinger ? there : back)->OpenSender();
        area->senders_ready.fetch_add(1, std::memory_order_acq_rel);
        AwaitAtLeast(area->senders_ready, 2, std::chrono::seconds(30), "senders");
        auto receiver = (pinger ? back : there)->OpenReceiver(0);
        area->receivers_ready.fetch_add(1, std::memory_order_acq_rel);
        AwaitAtLeast(area->receivers_ready, 2, std::chrono::seconds(30), "receivers");
        auto* ring_sender = dynamic_cast<RingSender*>(sender.get());
        auto* ring_receiver = dynamic_cast<RingReceiver*>(receiver.get());
        if (pinger) {
          area->recorded = ring_sender != nullptr
                               ? PingLoop(*ring_sender, *ring_receiver, size, warmup, config.iterations,
                                          config.latency_max_seconds, samples.get())
                               : PingLoop(*sender, *receiver, size, warmup, config.iterations,
                                          config.latency_max_seconds, samples.get());
        } else if (ring_sender != nullptr) {
          PongLoop(*ring_sender, *ring_receiver);
        } else {
          PongLoop(*sender, *receiver);
        }
      } catch (const std::exception& e) {
        area->Fail(e.what());
        return 1;
      }
      return 0;
    };
  };
  const pid_t pinger = Spawn(side(true), iceoryx);
  const pid_t ponger = Spawn(side(false), iceoryx);
  there->ReleaseParentCopies();
  back->ReleaseParentCopies();
  CollectPingPong(config, pinger, ponger, *area.get(), samples.get(), result);
  return result;
}

// Two references for ringlib's round trip, not mechanisms: the bytes of a
// ringlib record (an 8-byte sequence word, then the payload) moved with
// nothing else. The sender stores the payload in 8-byte words, then the word
// (release); the peer polls the word (paced as ringlib's readers), then
// copies the payload out.
//   bare-slot: one fixed slot each way, as the atomic ping-pong's one line.
//              A 64-byte payload makes the record 72 bytes: two lines.
//   bare-ring: the records advance through a ring of ringlib's capacity, so
//              each line is new, as in ringlib; the sequence word also says
//              "not yet" (a record a lap older has a smaller one), so no
//              zeroing, commit, reserve or checks. ringlib minus its protocol.
//   bare-ring-prepared: the same, and each side then zeroes the lines of its
//              next record as Writer::PrepareNext does (ringlib-prepared
//              minus its protocol).
// Tried on this machine and no faster (docs/benchmarks.md): memcpy instead
// of words, the word's line written last, PREFETCHW, the reader prefetching
// the next line while it polls, CLDEMOTE.
namespace bare {
inline void Store(std::byte* record, const std::byte* payload, std::size_t size, std::uint64_t sequence) {
  // 8-byte words, as ringlib's CopyToRing: a wide load spanning the caller's
  // fresh 8-byte stamp cannot take it from the store buffer and waits for
  // every older store to reach the cache, the last message's included.
  std::size_t i = 0;
  for (; i + 8 <= size; i += 8) std::memcpy(record + 8 + i, payload + i, 8);
  if (i < size) std::memcpy(record + 8 + i, payload + i, size - i);
  // Pairs with the peer's acquire in Await: the payload is visible with the word.
  std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t*>(record))
      .store(sequence, std::memory_order_release);
}
// Polls paced as ringlib's readers poll (detail::PausesPerPoll()).
inline std::uint64_t Await(std::byte* record, std::uint64_t at_least, std::uint32_t pauses) {
  std::uint64_t seen;
  // Pairs with the sender's release in Store.
  while ((seen = std::atomic_ref<std::uint64_t>(*reinterpret_cast<std::uint64_t*>(record))
                     .load(std::memory_order_acquire)) < at_least) {
    CpuRelax(pauses);
  }
  return seen;
}
// Where the next record goes: one record on, back to the start where a
// record would not fit, as in a ring (a division per record instead cost
// the round trip tens of nanoseconds).
struct Place {
  std::byte* start;
  std::size_t step;  // 0: a fixed slot
  std::size_t end;
  std::size_t offset = 0;
  std::byte* Current() const noexcept { return start + offset; }
  void Advance() noexcept {
    offset += step;
    if (offset + step > end) offset = 0;
  }
};
// Writer::PrepareNext's zeroing for a ring of records that start at offset
// 0 and never wrap, called after each store: whole lines from the word
// after the next record's header to the line that holds the word after
// that record, not past the end of the ring nor into the record just
// stored (which the peer may still be reading: with records of half the
// ring, the word after the next one is its header), none twice
// (ZeroAhead's bytes, with its memset per line).
struct Preparer {
  std::size_t zeroed_to = 0;  // offset up to which this lap's bytes are zero
  void After(const Place& stored) noexcept {
    constexpr std::size_t kLine = 64;
    Place next = stored;
    next.Advance();
    std::size_t from = next.offset + 8;
    std::size_t to = std::min((next.offset + next.step + 8 + kLine - 1) & ~(kLine - 1), next.end);
    if (stored.offset > next.offset) to = std::min(to, stored.offset);
    if (zeroed_to > from && zeroed_to <= to) from = zeroed_to;  // a lap ago's zeroed_to is past `to`
    std::size_t at = from;
    for (; at < to && (at & (kLine - 1)) != 0; at += 8) std::memset(next.start + at, 0, 8);
    for (; at + kLine <= to; at += kLine) std::memset(next.start + at, 0, kLine);
    for (; at < to; at += 8) std::memset(next.start + at, 0, 8);
    zeroed_to = to;
  }
};
}  // namespace bare

// "" when a ring of --capacity takes messages of `size` bytes, else why not.
// The bare rings keep ringlib's limit (half the capacity): with larger
// records the next one would start where the current one lies, and the
// prepared ring would zero a record before the peer had read it.
std::string RingTooSmall(const Config& config, std::size_t size) {
  const std::uint64_t most = ringlib::layout::MaxMessageBytes(config.capacity);
  if (size <= most) return "";
  return "a " + std::to_string(size) + "-byte message is more than a " + std::to_string(config.capacity) +
         "-byte ring takes (at most " + std::to_string(most) + " bytes, half the capacity; see --capacity)";
}

LatencyResult BareLatency(const Config& config, std::size_t size, BareShape shape) {
  const bool advancing = shape != BareShape::kSlot;
  const bool prepare = shape == BareShape::kRingPrepared;
  LatencyResult result;
  result.label = !advancing ? "bare-slot" : prepare ? "bare-ring-prepared" : "bare-ring";
  result.mechanism = Mechanism::kRing;
  result.size = size;
  result.describe = !advancing ? "reference: the bytes of a ringlib record through one fixed slot each way"
                    : prepare  ? "reference: ringlib's records through a ring, without its protocol, "
                                 "each side zeroing its next record's lines as PrepareNext"
                               : "reference: ringlib's records through a ring, without its protocol";
  const std::size_t record_bytes = ringlib::layout::AlignedRecordBytes(size);
  if (advancing) {
    result.error = RingTooSmall(config, size);
    if (!result.error.empty()) return result;
  }
  const std::size_t stride = advancing ? config.capacity : (record_bytes + 4095) / 4096 * 4096;
  SharedArea<std::byte> slots(2 * stride);
  std::byte* const ping_area = slots.get();
  std::byte* const pong_area = slots.get() + stride;
  const bare::Place first_ping{ping_area, advancing ? record_bytes : 0, stride};
  const bare::Place first_pong{pong_area, advancing ? record_bytes : 0, stride};
  SharedArea<LatencyArea> area;
  SharedArea<double> samples(config.iterations);
  const std::uint32_t pauses = ringlib::CircularBuffer::detail::PausesPerPoll();
  const pid_t ponger = Spawn([&] {
    PinTo(config.reader_cpu());
    std::vector<std::byte> message(std::max<std::size_t>(size, 8));
    bare::Place ping = first_ping;
    bare::Place pong = first_pong;
    bare::Preparer preparer;
    area->receivers_ready.fetch_add(1);
    for (std::uint64_t i = 1;; ++i) {
      if (bare::Await(ping.Current(), i, pauses) == kTerminator) return 0;
      std::memcpy(message.data(), ping.Current() + 8, size);
      bare::Store(pong.Current(), message.data(), size, i);
      if (prepare) preparer.After(pong);
      ping.Advance();
      pong.Advance();
    }
  });
  const pid_t pinger = Spawn([&] {
    PinTo(config.writer_cpu());
    AwaitAtLeast(area->receivers_ready, 1, std::chrono::seconds(10), "ponger");
    std::vector<std::byte> message(std::max<std::size_t>(size, 8));
    std::vector<std::byte> reply(std::max<std::size_t>(size, 8));
    const std::uint64_t limit_ns = NowNs() + static_cast<std::uint64_t>(config.latency_max_seconds * 1e9);
    const std::uint64_t warmup = RoundTripWarmup(config, size);
    std::uint64_t recorded = 0;
    int status = 0;
    bare::Place ping = first_ping;
    bare::Place pong = first_pong;
    bare::Preparer preparer;
    for (std::uint64_t i = 1; i <= warmup + config.iterations; ++i) {
      // Stamped at both ends, so both parts of Store are checked.
      std::memcpy(message.data(), &i, sizeof i);
      std::memcpy(message.data() + message.size() - sizeof i, &i, sizeof i);
      const std::uint64_t t0 = Tsc::Ticks();
      bare::Store(ping.Current(), message.data(), size, i);
      // While it waits, as ringlib-prepared's sides call PrepareNext.
      if (prepare) preparer.After(ping);
      bare::Await(pong.Current(), i, pauses);
      std::memcpy(reply.data(), pong.Current() + 8, size);
      const std::uint64_t t1 = Tsc::Ticks();
      ping.Advance();  // to where the ponger waits next
      pong.Advance();
      std::uint64_t echoed_first;
      std::uint64_t echoed_last;
      std::memcpy(&echoed_first, reply.data(), sizeof echoed_first);
      std::memcpy(&echoed_last, reply.data() + reply.size() - sizeof i, sizeof echoed_last);
      if (echoed_first != i || echoed_last != i) {
        area->Fail(result.label + ": wrong echo at iteration " + std::to_string(i));
        status = 1;
        break;
      }
      if (i > warmup) samples[recorded++] = Tsc::ToNs(t1 - t0);
      if ((i & 1023) == 0 && NowNs() > limit_ns) break;
    }
    area->recorded = recorded;
    bare::Store(ping.Current(), message.data(), size, kTerminator);
    return status;
  });
  CollectPingPong(config, pinger, ponger, *area.get(), samples.get(), result);
  return result;
}

// ===================================================================== interleaved latency

// The latency section measures each variant in its own minute, after the
// atomic ping-pong it is divided by; on these VMs the host's state can
// change in between (docs/benchmarks.md, "The host's slow phase"). Here one
// pair of processes takes turns over the limit, the bare references and
// ringlib in blocks of kInterleavedBlock round trips: one block of each leg
// per cycle, the order reversed every other cycle, for a few seconds. A
// block's figure is the mean of its middle half (robust, and finer than the
// TSC's step). Every cycle is one comparison made within ~1 ms, so the
// differences between legs hold whatever the host does between cycles;
// the cycles are then grouped by their limit (the faster of the two atomic
// ping-pongs in that cycle), because the host's states differ in kind, not
// only in speed.
constexpr std::uint64_t kInterleavedBlock = 200;
enum Leg : std::size_t {
  kLegAtomic,
  kLegAtomicPause,
  kLegBareSlot,
  kLegBareRing,
  kLegBareRingPrepared,
  kLegRinglibSpin,
  kLegRinglibPrepared,
  kLegs
};
constexpr std::array<const char*, kLegs> kLegNames{
    "atomic", "atomic-pause", "bare-slot", "bare-ring", "bare-ring-prepared", "ringlib-spin", "ringlib-prepared"};
// Cycles are grouped by their limit: [kLimitEdges[i], kLimitEdges[i + 1]) ns.
constexpr std::array<double, 6> kLimitEdges{0, 64, 128, 256, 512, 1e300};

struct InterleavedGroup {
  double from_ns = 0;
  double to_ns = 0;  // kLimitEdges' last: no upper bound
  std::uint64_t cycles = 0;
  std::array<double, kLegs> median_ns{};  // over the group's cycles, each leg's block figure
  // Medians over the group's cycles of the per-cycle ratio or difference.
  double spin_over_limit = 0;
  double prepared_over_limit = 0;
  double spin_minus_bare_ns = 0;
  double prepared_minus_bare_ns = 0;
};

struct InterleavedResult {
  std::size_t size = 0;
  std::uint64_t warmup_cycles = 0;
  std::uint64_t cycles = 0;  // measured, after the warm-up
  InterleavedGroup all;
  std::vector<InterleavedGroup> groups;  // the non-empty ones, fastest limit first
  std::string error;
};

struct InterleavedArea {
  PaddedCounter ping[2];  // kLegAtomic, kLegAtomicPause
  PaddedCounter pong[2];
  LatencyArea sync;
  std::uint64_t cycles = 0;  // recorded by the pinger
};

// Block b's leg: 0..kLegs-1, then kLegs-1..0, and again.
std::size_t InterleavedLeg(std::uint64_t block) {
  const std::size_t k = block % kLegs;
  return (block / kLegs) % 2 == 0 ? k : kLegs - 1 - k;
}

double Median(std::vector<double> v) {
  if (v.empty()) return 0;
  std::nth_element(v.begin(), v.begin() + static_cast<std::ptrdiff_t>(v.size() / 2), v.end());
  return v[v.size() / 2];
}

// A cycle's limit: the faster of its two atomic ping-pongs (`m`: the
// cycle's kLegs figures), as the latency section's adjacent limit.
double CycleLimit(const double* m) { return std::min(m[kLegAtomic], m[kLegAtomicPause]); }

// `per_cycle`: kLegs figures per cycle.
InterleavedGroup SummarizeCycles(const std::vector<const double*>& per_cycle, double from_ns, double to_ns) {
  InterleavedGroup g;
  g.from_ns = from_ns;
  g.to_ns = to_ns;
  g.cycles = per_cycle.size();
  std::vector<double> values(per_cycle.size());
  auto median_of = [&](auto&& f) {
    for (std::size_t i = 0; i < per_cycle.size(); ++i) values[i] = f(per_cycle[i]);
    return Median(values);
  };
  for (std::size_t leg = 0; leg < kLegs; ++leg) g.median_ns[leg] = median_of([leg](const double* m) { return m[leg]; });
  g.spin_over_limit = median_of([](const double* m) { return m[kLegRinglibSpin] / CycleLimit(m); });
  g.prepared_over_limit = median_of([](const double* m) { return m[kLegRinglibPrepared] / CycleLimit(m); });
  g.spin_minus_bare_ns = median_of([](const double* m) { return m[kLegRinglibSpin] - m[kLegBareRing]; });
  g.prepared_minus_bare_ns =
      median_of([](const double* m) { return m[kLegRinglibPrepared] - m[kLegBareRingPrepared]; });
  return g;
}

InterleavedResult Interleaved(const Config& config, std::size_t size) {
  InterleavedResult result;
  result.size = size;
  const std::size_t record_bytes = ringlib::layout::AlignedRecordBytes(size);
  result.error = RingTooSmall(config, size);
  if (!result.error.empty()) return result;
  ChannelSpec spec;
  spec.mechanism = Mechanism::kRing;
  spec.receivers = 1;
  spec.max_message_bytes = std::max<std::size_t>(size, 8);
  spec.ring_capacity_bytes = config.capacity;
  spec.idle = ringlib::IdleStrategy::kBusySpin;
  spec.tethered = false;
  ChannelSpec prepared_spec = spec;
  prepared_spec.prepare_next = true;
  // ringlib's rings: there and back, plain and with PrepareNext. The
  // channels remove their segments when they go out of scope, also when a
  // child failed.
  std::unique_ptr<Channel> spin_there = CreateChannel(spec);
  std::unique_ptr<Channel> spin_back = CreateChannel(spec);
  std::unique_ptr<Channel> prepared_there = CreateChannel(prepared_spec);
  std::unique_ptr<Channel> prepared_back = CreateChannel(prepared_spec);
  // The bare references' areas, as BareLatency's: a fixed slot each way
  // (a page apart), and two rings of the capacity each way.
  const std::size_t slot_stride = (record_bytes + 4095) / 4096 * 4096;
  SharedArea<std::byte> slots(2 * slot_stride);
  SharedArea<std::byte> rings(4 * config.capacity);
  SharedArea<InterleavedArea> area;
  // Warm-up: every ring once round (first touches of pages are faults).
  result.warmup_cycles = config.capacity / record_bytes / kInterleavedBlock + 2;
  const std::uint64_t max_cycles = config.quick ? 200 : 100000;
  SharedArea<double> figures((result.warmup_cycles + max_cycles) * kLegs);
  const std::uint32_t pauses = ringlib::CircularBuffer::detail::PausesPerPoll();
  auto side = [&](bool pinger) {
    return [&, pinger]() -> int {
      PinTo(pinger ? config.writer_cpu() : config.reader_cpu());
      try {
        auto spin_sender = (pinger ? spin_there : spin_back)->OpenSender();
        auto prepared_sender = (pinger ? prepared_there : prepared_back)->OpenSender();
        area->sync.senders_ready.fetch_add(1, std::memory_order_acq_rel);
        AwaitAtLeast(area->sync.senders_ready, 2, std::chrono::seconds(30), "senders");
        auto spin_receiver = (pinger ? spin_back : spin_there)->OpenReceiver(0);
        auto prepared_receiver = (pinger ? prepared_back : prepared_there)->OpenReceiver(0);
        area->sync.receivers_ready.fetch_add(1, std::memory_order_acq_rel);
        AwaitAtLeast(area->sync.receivers_ready, 2, std::chrono::seconds(30), "receivers");
        auto& spin_out = dynamic_cast<RingSender&>(*spin_sender);
        auto& spin_in = dynamic_cast<RingReceiver&>(*spin_receiver);
        auto& prepared_out = dynamic_cast<RingSender&>(*prepared_sender);
        auto& prepared_in = dynamic_cast<RingReceiver&>(*prepared_receiver);
        // This side's places in the bare areas: it stores to `out`, awaits `in`.
        std::byte* const slot_ping = slots.get();
        std::byte* const slot_pong = slots.get() + slot_stride;
        std::byte* const ring_ping = rings.get();
        std::byte* const ring_pong = rings.get() + config.capacity;
        std::byte* const prepared_ping = rings.get() + 2 * config.capacity;
        std::byte* const prepared_pong = rings.get() + 3 * config.capacity;
        bare::Place slot_out{pinger ? slot_ping : slot_pong, 0, slot_stride};
        bare::Place slot_in{pinger ? slot_pong : slot_ping, 0, slot_stride};
        bare::Place ring_out{pinger ? ring_ping : ring_pong, record_bytes, config.capacity};
        bare::Place ring_in{pinger ? ring_pong : ring_ping, record_bytes, config.capacity};
        bare::Place prepared_ring_out{pinger ? prepared_ping : prepared_pong, record_bytes, config.capacity};
        bare::Place prepared_ring_in{pinger ? prepared_pong : prepared_ping, record_bytes, config.capacity};
        bare::Preparer preparer;
        PaddedCounter* const atomic_out = pinger ? area->ping : area->pong;
        PaddedCounter* const atomic_in = pinger ? area->pong : area->ping;
        std::array<std::uint64_t, kLegs> sequence{};
        std::vector<std::byte> message(std::max<std::size_t>(size, 8));
        std::vector<std::byte> reply(std::max<std::size_t>(size, 8));
        // One leg's part of one round trip: the pinger sends `s` and awaits
        // the echo, the ponger awaits `s` and echoes it. False: the ponger
        // received the terminator.
        auto bare_leg = [&](bare::Place& out, bare::Place& in, std::uint64_t s, bool prepare) {
          if (pinger) {
            bare::Store(out.Current(), message.data(), size, s);
            if (prepare) preparer.After(out);
            bare::Await(in.Current(), s, pauses);
            std::memcpy(reply.data(), in.Current() + 8, size);
          } else {
            if (bare::Await(in.Current(), s, pauses) == kTerminator) return false;
            std::memcpy(message.data(), in.Current() + 8, size);
            bare::Store(out.Current(), message.data(), size, s);
            if (prepare) preparer.After(out);
          }
          out.Advance();
          in.Advance();
          return true;
        };
        auto ring_leg = [&](RingSender& out, RingReceiver& in) {
          if (pinger) {
            out.Send(message.data(), size);
            return in.Receive(reply.data(), reply.size()) == size;
          }
          const std::size_t n = in.Receive(message.data(), message.size());
          std::uint64_t got;
          std::memcpy(&got, message.data(), sizeof got);
          if (got == kTerminator) return false;
          out.Send(message.data(), n);
          return true;
        };
        auto round_trip = [&](std::size_t leg) {
          const std::uint64_t s = ++sequence[leg];
          std::memcpy(message.data(), &s, sizeof s);  // the pinger's stamp; the ponger's is overwritten
          switch (leg) {
            case kLegAtomic:
            case kLegAtomicPause: {
              // Pairs: each store (release) with the peer's acquire load.
              const std::uint32_t p = leg == kLegAtomic ? 0 : pauses;
              if (pinger) atomic_out[leg].value.store(s, std::memory_order_release);
              std::uint64_t seen;
              while ((seen = atomic_in[leg].value.load(std::memory_order_acquire)) < s) CpuRelax(p);
              if (!pinger) {
                if (seen == kTerminator) return false;
                atomic_out[leg].value.store(s, std::memory_order_release);
              }
              return true;
            }
            case kLegBareSlot: return bare_leg(slot_out, slot_in, s, false);
            case kLegBareRing: return bare_leg(ring_out, ring_in, s, false);
            case kLegBareRingPrepared: return bare_leg(prepared_ring_out, prepared_ring_in, s, true);
            case kLegRinglibSpin: return ring_leg(spin_out, spin_in);
            default: return ring_leg(prepared_out, prepared_in);
          }
        };
        if (!pinger) {
          for (std::uint64_t block = 0;; ++block) {
            const std::size_t leg = InterleavedLeg(block);
            for (std::uint64_t k = 0; k < kInterleavedBlock; ++k) {
              if (!round_trip(leg)) return 0;
            }
          }
        }
        // Ends the ponger, which awaits the next round trip of `leg`.
        auto terminate = [&](std::size_t leg) {
          std::memcpy(message.data(), &kTerminator, sizeof kTerminator);
          switch (leg) {
            case kLegAtomic:
            case kLegAtomicPause: atomic_out[leg].value.store(kTerminator, std::memory_order_release); break;
            case kLegBareSlot: bare::Store(slot_out.Current(), message.data(), size, kTerminator); break;
            case kLegBareRing: bare::Store(ring_out.Current(), message.data(), size, kTerminator); break;
            case kLegBareRingPrepared:
              bare::Store(prepared_ring_out.Current(), message.data(), size, kTerminator);
              break;
            case kLegRinglibSpin: spin_out.Send(message.data(), size); break;
            default: prepared_out.Send(message.data(), size); break;
          }
        };
        std::vector<double> samples(kInterleavedBlock);
        std::uint64_t deadline_ns = ~std::uint64_t{0};
        std::uint64_t cycle = 0;
        for (std::uint64_t block = 0;; ++block) {
          const std::size_t leg = InterleavedLeg(block);
          if (block % kLegs == 0) {
            cycle = block / kLegs;
            if (cycle == result.warmup_cycles) {
              deadline_ns = NowNs() + static_cast<std::uint64_t>(config.interleaved_seconds * 1e9);
            }
            if (cycle == result.warmup_cycles + max_cycles || NowNs() > deadline_ns) {
              terminate(leg);
              break;
            }
          }
          for (std::uint64_t k = 0; k < kInterleavedBlock; ++k) {
            const std::uint64_t t0 = Tsc::Ticks();
            const bool ok = round_trip(leg);
            const std::uint64_t t1 = Tsc::Ticks();
            std::uint64_t echoed = sequence[leg];
            if (leg >= kLegBareSlot) std::memcpy(&echoed, reply.data(), sizeof echoed);
            if (!ok || echoed != sequence[leg]) {
              // The ponger has echoed and awaits the next round trip.
              terminate(k + 1 < kInterleavedBlock ? leg : InterleavedLeg(block + 1));
              throw std::runtime_error(std::string(kLegNames[leg]) + ": wrong echo in cycle " +
                                       std::to_string(cycle));
            }
            samples[k] = Tsc::ToNs(t1 - t0);
          }
          // The mean of the block's middle half.
          std::sort(samples.begin(), samples.end());
          double sum = 0;
          for (std::uint64_t q = kInterleavedBlock / 4; q < 3 * kInterleavedBlock / 4; ++q) sum += samples[q];
          figures[cycle * kLegs + leg] = sum / (kInterleavedBlock / 2);
        }
        area->cycles = cycle;
      } catch (const std::exception& e) {
        area->sync.Fail(e.what());
        return 1;
      }
      return 0;
    };
  };
  const pid_t pinger = Spawn(side(true));
  const pid_t ponger = Spawn(side(false));
  const std::string failure = ReapAll({pinger, ponger}, config.interleaved_seconds * 20 + 120);
  if (area->sync.error[0] != 0) {
    result.error = area->sync.error;
  } else if (!failure.empty()) {
    result.error = failure;
  }
  if (!result.error.empty()) return result;
  std::vector<const double*> all;
  for (std::uint64_t c = result.warmup_cycles; c < area->cycles; ++c) all.push_back(&figures[c * kLegs]);
  result.cycles = all.size();
  if (all.empty()) {
    result.error = "no cycle after the warm-up";
    return result;
  }
  result.all = SummarizeCycles(all, 0, kLimitEdges.back());
  for (std::size_t i = 0; i + 1 < kLimitEdges.size(); ++i) {
    std::vector<const double*> group;
    for (const double* m : all) {
      if (CycleLimit(m) >= kLimitEdges[i] && CycleLimit(m) < kLimitEdges[i + 1]) group.push_back(m);
    }
    if (!group.empty()) result.groups.push_back(SummarizeCycles(group, kLimitEdges[i], kLimitEdges[i + 1]));
  }
  return result;
}

// ===================================================================== writer cost

struct WriterCostArea {
  std::atomic<int> ring_ready{0};
  std::atomic<int> readers_ready{0};
  std::atomic<int> go{0};
  std::atomic<int> done{0};
  double ns_per_write[16] = {};      // wall time per Write
  double cpu_ns_per_write[16] = {};  // the writer's CPU time per Write
  int trials = 0;
  std::uint64_t messages_written = 0;  // Writer::messages_written(), warm-up included
  std::uint64_t reader_messages[kMaxReaders] = {};
  std::uint64_t reader_laps[kMaxReaders] = {};
  char error[240] = {};
};

struct WriterCostResult {
  std::string scenario;
  int active_readers = 0;
  int stopped_readers = 0;
  // The writer's CPU time per Write, median of trials: on a shared machine
  // the wall time also counts the time another process had the CPU.
  double ns_per_write = 0;
  double min_ns = 0, max_ns = 0;
  double wall_ns_per_write = 0;  // median of trials, wall clock
  std::uint64_t reader_messages = 0;
  std::uint64_t reader_laps = 0;
  // Messages the writer wrote (warm-up included), and the share of them an
  // active reader read on average. The writer's cost with a reader depends
  // on it: a reader that keeps up pulls each line right after the writer
  // wrote it; one that fell behind and is lapped again and again touches
  // fewer lines, later (docs/benchmarks.md, "The waiting parent").
  std::uint64_t messages_written = 0;
  double reader_share = 0;
  // The cross-core round trip right before and after the scenario (see
  // ThroughputResult): the phase of the host it ran in. Over several
  // rounds, the highest seen before and after any of them.
  double rtt_before_ns = 0;
  double rtt_after_ns = 0;
  // Each trial's CPU and wall ns per Write, in the order they ran, and the
  // rounds they came from (MergeRounds).
  std::vector<double> cpu_trials;
  std::vector<double> wall_trials;
  int rounds = 1;
  std::string error;
};

// One round of a writer-cost scenario: fresh processes, `trials` timed
// trials after a warm-up.
WriterCostResult WriterCost(const Config& config, const std::string& scenario, int active, int stopped,
                            int trials) {
  WriterCostResult result;
  result.scenario = scenario;
  result.active_readers = active;
  result.stopped_readers = stopped;
  const std::string ring = "ring_bench.writer." + std::to_string(::getpid());
  cb::IWrapper::Remove(ring);
  SharedArea<WriterCostArea> area;
  const std::uint64_t writes = config.writer_cost_writes;
  const std::size_t size = config.writer_cost_size;
  std::vector<pid_t> pids;
  pids.push_back(Spawn([&]() -> int {
    PinTo(config.writer_cpu());
    try {
      cb::WriterOptions options;
      options.capacity_bytes = config.capacity;
      cb::Writer writer(ring, options);
      area->ring_ready.store(1, std::memory_order_release);
      AwaitAtLeast(area->go, 1, std::chrono::seconds(30), "go");
      std::vector<std::byte> message(size, std::byte{7});
      auto run = [&](std::uint64_t n) {
        for (std::uint64_t i = 0; i < n; ++i) {
          std::memcpy(message.data(), &i, sizeof i);
          writer.Write(message);
        }
      };
      run(writes / 10);  // warm-up: caches, page tables, readers in their loops
      for (int t = 0; t < trials; ++t) {
        const std::uint64_t cpu0 = ProcessCpuNs();
        const std::uint64_t t0 = Tsc::Ticks();
        run(writes);
        const std::uint64_t t1 = Tsc::Ticks();
        const std::uint64_t cpu1 = ProcessCpuNs();
        area->ns_per_write[t] = Tsc::ToNs(t1 - t0) / static_cast<double>(writes);
        area->cpu_ns_per_write[t] = static_cast<double>(cpu1 - cpu0) / static_cast<double>(writes);
      }
      area->trials = trials;
      area->messages_written = writer.messages_written();
      area->done.store(1, std::memory_order_release);
    } catch (const std::exception& e) {
      CopyText(area->error, sizeof area->error, e.what());
      return 1;
    }
    return 0;
  }));
  std::vector<pid_t> readers;
  for (int r = 0; r < active + stopped; ++r) {
    readers.push_back(Spawn([&, r]() -> int {
      PinTo(config.reader_cpu());
      try {
        AwaitAtLeast(area->ring_ready, 1, std::chrono::seconds(30), "ring");
        cb::ReaderOptions options;  // the defaults: futex idle strategy
        options.lap_policy = ringlib::LapPolicy::kReport;
        options.register_slot = true;  // visible to the writer's slot table, as ringctl shows it
        cb::Reader reader(ring, options);
        area->readers_ready.fetch_add(1, std::memory_order_acq_rel);
        std::vector<std::byte> buffer(kMaxMessage);
        for (;;) {
          const ringlib::ReadResult read = reader.ReadFor(buffer, std::chrono::milliseconds(20));
          if (read.status == ringlib::ReadStatus::kLapped) {
            reader.Resync();
          } else if (read.status == ringlib::ReadStatus::kWriterClosed ||
                     read.status == ringlib::ReadStatus::kWriterDead) {
            break;
          } else if (read.status == ringlib::ReadStatus::kTimedOut &&
                     area->done.load(std::memory_order_acquire) != 0) {
            break;
          }
        }
        area->reader_messages[r] = reader.messages_read();
        area->reader_laps[r] = reader.laps();
      } catch (const std::exception& e) {
        CopyText(area->error, sizeof area->error, e.what());
        return 1;
      }
      return 0;
    }));
  }
  try {
    AwaitAtLeast(area->readers_ready, active + stopped, std::chrono::seconds(30), "readers");
    for (int s = 0; s < stopped; ++s) ::kill(readers[static_cast<std::size_t>(active + s)], SIGSTOP);
    area->go.store(1, std::memory_order_release);
    AwaitAtLeast(area->done, 1, std::chrono::seconds(120), "writer");
  } catch (const std::exception& e) {
    result.error = e.what();
  }
  for (int s = 0; s < stopped; ++s) {
    ::kill(readers[static_cast<std::size_t>(active + s)], SIGCONT);
  }
  pids.insert(pids.end(), readers.begin(), readers.end());
  const std::string failure = ReapAll(pids, 60);
  cb::IWrapper::Remove(ring);
  if (result.error.empty() && area->error[0] != 0) result.error = area->error;
  if (result.error.empty()) result.error = failure;
  const auto trials_done = static_cast<std::size_t>(std::clamp(area->trials, 0, 16));
  result.cpu_trials.assign(area->cpu_ns_per_write, area->cpu_ns_per_write + trials_done);
  result.wall_trials.assign(area->ns_per_write, area->ns_per_write + trials_done);
  if (trials_done > 0) {
    std::array<double, 16> cpu{};
    std::array<double, 16> wall{};
    std::copy_n(area->cpu_ns_per_write, trials_done, cpu.begin());
    std::copy_n(area->ns_per_write, trials_done, wall.begin());
    std::sort(cpu.begin(), cpu.begin() + static_cast<std::ptrdiff_t>(trials_done));
    std::sort(wall.begin(), wall.begin() + static_cast<std::ptrdiff_t>(trials_done));
    result.ns_per_write = cpu[trials_done / 2];
    result.min_ns = cpu[0];
    result.max_ns = cpu[trials_done - 1];
    result.wall_ns_per_write = wall[trials_done / 2];
  }
  for (int r = 0; r < active; ++r) {
    result.reader_messages += area->reader_messages[r];
    result.reader_laps += area->reader_laps[r];
  }
  result.messages_written = area->messages_written;
  if (active > 0 && result.messages_written > 0) {
    result.reader_share = static_cast<double>(result.reader_messages) /
                          (static_cast<double>(result.messages_written) * active);
  }
  return result;
}

// One scenario's rounds as one result: the median, min and max over every
// trial of every round, the readers' messages and laps summed.
WriterCostResult MergeRounds(const std::vector<WriterCostResult>& rounds) {
  WriterCostResult merged = rounds.front();
  merged.rounds = static_cast<int>(rounds.size());
  merged.cpu_trials.clear();
  merged.wall_trials.clear();
  merged.reader_messages = merged.reader_laps = merged.messages_written = 0;
  merged.rtt_before_ns = merged.rtt_after_ns = 0;
  for (const WriterCostResult& round : rounds) {
    if (merged.error.empty()) merged.error = round.error;
    merged.cpu_trials.insert(merged.cpu_trials.end(), round.cpu_trials.begin(), round.cpu_trials.end());
    merged.wall_trials.insert(merged.wall_trials.end(), round.wall_trials.begin(), round.wall_trials.end());
    merged.reader_messages += round.reader_messages;
    merged.reader_laps += round.reader_laps;
    merged.messages_written += round.messages_written;
    merged.rtt_before_ns = std::max(merged.rtt_before_ns, round.rtt_before_ns);
    merged.rtt_after_ns = std::max(merged.rtt_after_ns, round.rtt_after_ns);
  }
  if (!merged.cpu_trials.empty()) {
    std::vector<double> cpu = merged.cpu_trials;
    std::vector<double> wall = merged.wall_trials;
    std::sort(cpu.begin(), cpu.end());
    std::sort(wall.begin(), wall.end());
    merged.ns_per_write = cpu[cpu.size() / 2];
    merged.min_ns = cpu.front();
    merged.max_ns = cpu.back();
    merged.wall_ns_per_write = wall[wall.size() / 2];
  }
  merged.reader_share = 0;
  if (merged.active_readers > 0 && merged.messages_written > 0) {
    merged.reader_share = static_cast<double>(merged.reader_messages) /
                          (static_cast<double>(merged.messages_written) * merged.active_readers);
  }
  return merged;
}

// ===================================================================== idle

struct IdleArea {
  std::atomic<int> ring_ready{0};
  std::atomic<int> done{0};
  double cpu_seconds = 0;
  double wall_seconds = 0;
  char error[240] = {};
};

struct IdleResult {
  std::string strategy;
  double cpu_fraction = 0;
  double wall_seconds = 0;
  std::string error;
};

double SelfCpuSeconds() {
  struct rusage usage {};
  ::getrusage(RUSAGE_SELF, &usage);
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
  };
  return seconds(usage.ru_utime) + seconds(usage.ru_stime);
}

IdleResult Idle(const Config& config, ringlib::IdleStrategy strategy, const char* name) {
  IdleResult result;
  result.strategy = name;
  const std::string ring = "ring_bench.idle." + std::to_string(::getpid());
  cb::IWrapper::Remove(ring);
  SharedArea<IdleArea> area;
  const pid_t writer = Spawn([&]() -> int {
    PinTo(config.writer_cpu());
    cb::Writer w(ring, {});
    area->ring_ready.store(1, std::memory_order_release);
    while (area->done.load(std::memory_order_acquire) == 0) {
      std::this_thread::sleep_for(std::chrono::milliseconds(5));
    }
    return 0;
  });
  const pid_t reader = Spawn([&]() -> int {
    PinTo(config.reader_cpu());
    try {
      AwaitAtLeast(area->ring_ready, 1, std::chrono::seconds(30), "ring");
      cb::ReaderOptions options;
      options.idle = strategy;
      cb::Reader r(ring, options);
      std::vector<std::byte> buffer(64);
      const double cpu0 = SelfCpuSeconds();
      const std::uint64_t t0 = NowNs();
      const ringlib::ReadResult read =
          r.ReadFor(buffer, std::chrono::nanoseconds(static_cast<std::int64_t>(config.idle_seconds * 1e9)));
      area->wall_seconds = static_cast<double>(NowNs() - t0) * 1e-9;
      area->cpu_seconds = SelfCpuSeconds() - cpu0;
      if (read.status != ringlib::ReadStatus::kTimedOut) {
        CopyText(area->error, sizeof area->error, "expected a time-out, got " + std::string(ringlib::ToString(read.status)));
      }
    } catch (const std::exception& e) {
      CopyText(area->error, sizeof area->error, e.what());
    }
    area->done.store(1, std::memory_order_release);
    return area->error[0] == 0 ? 0 : 1;
  });
  const std::string failure = ReapAll({reader, writer}, config.idle_seconds + 60);
  cb::IWrapper::Remove(ring);
  result.error = area->error[0] != 0 ? std::string(area->error) : failure;
  result.wall_seconds = area->wall_seconds;
  result.cpu_fraction = area->wall_seconds > 0 ? area->cpu_seconds / area->wall_seconds : 0;
  return result;
}

// ===================================================================== report

std::string ReadFirstLine(const char* path) {
  std::ifstream in(path);
  std::string line;
  std::getline(in, line);
  return line;
}

std::string CpuModel() {
  std::ifstream in("/proc/cpuinfo");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("model name", 0) == 0) {
      const auto colon = line.find(':');
      return colon == std::string::npos ? line : line.substr(colon + 2);
    }
  }
  return "unknown";
}

std::string HumanRate(double per_second) {
  char buffer[32];
  if (per_second >= 1e9) {
    std::snprintf(buffer, sizeof buffer, "%.2f G", per_second / 1e9);
  } else if (per_second >= 1e6) {
    std::snprintf(buffer, sizeof buffer, "%.2f M", per_second / 1e6);
  } else if (per_second >= 1e3) {
    std::snprintf(buffer, sizeof buffer, "%.1f k", per_second / 1e3);
  } else {
    std::snprintf(buffer, sizeof buffer, "%.0f ", per_second);
  }
  return buffer;
}

struct Target {
  std::string name;
  std::string rule;
  double measured = 0;
  double limit = 0;
  bool lower_is_better = true;  // measured must be <= limit, else >=
  bool known = false;
  bool met() const { return known && (lower_is_better ? measured <= limit : measured >= limit); }
};

struct Results {
  std::string started_load;
  std::string finished_load;
  std::optional<Percentiles> atomic_rtt;
  std::optional<Percentiles> atomic_rtt_pause;
  // Paced as ringlib's readers poll (RingPacedPauses()), where that is
  // more than one PAUSE per poll.
  std::optional<Percentiles> atomic_rtt_paced;
  std::uint32_t paced_pauses = 0;
  std::optional<Percentiles> atomic_rtt_two_lines;   // PingPongShape::kMessageLine
  std::optional<Percentiles> atomic_rtt_both_lines;  // PingPongShape::kBothLines
  std::string atomic_error;
  std::vector<std::pair<std::size_t, double>> memcpy_bandwidth;
  std::vector<std::pair<std::size_t, double>> cross_core_bandwidth;        // reader side
  std::vector<std::pair<std::size_t, double>> cross_core_write_bandwidth;  // writer side
  std::vector<ThroughputResult> throughput;
  std::vector<LatencyResult> latency;
  std::vector<InterleavedResult> interleaved;
  std::vector<WriterCostResult> writer_cost;
  std::vector<IdleResult> idle;
  std::vector<ReplayResult> replay;
  std::map<std::string, std::string> unavailable;
  std::vector<Target> targets;
  bool failed = false;
};

const ThroughputResult* FindThroughput(const Results& r, Mechanism m, int readers, std::size_t size) {
  for (const auto& t : r.throughput) {
    if (t.mechanism == m && t.readers == readers && t.size == size && t.ran && t.error.empty()) return &t;
  }
  return nullptr;
}
const LatencyResult* FindLatency(const Results& r, const std::string& label, std::size_t size) {
  for (const auto& l : r.latency) {
    if (l.label == label && l.size == size && l.error.empty() && l.unavailable.empty()) return &l;
  }
  return nullptr;
}
double MemcpyFor(const Results& r, std::size_t size) {
  for (const auto& [s, bw] : r.memcpy_bandwidth) {
    if (s == size) return bw;
  }
  return 0;
}

// The limit at the start of the run.
const Percentiles* LimitRtt(const Results& r) {
  return FasterPingPong(r.atomic_rtt, r.atomic_rtt_pause, r.atomic_rtt_paced);
}

// The round trips with target lines of their own: plain Write and Read, and
// the same with Writer::PrepareNext while each side waits (separate lines:
// it is an opt-in call, not the default), with what their lines' names add.
struct RoundTripRow {
  const char* label;
  const char* suffix;
  const char* bare;  // the same ring without ringlib's protocol (BareLatency)
};
constexpr RoundTripRow kRoundTripRows[] = {{"ringlib-spin", "", "bare-ring"},
                                           {"ringlib-prepared", ", PrepareNext", "bare-ring-prepared"}};

void ComputeTargets(Results& r) {
  auto add = [&](Target t) { r.targets.push_back(std::move(t)); };
  const Percentiles* limit = LimitRtt(r);
  for (const RoundTripRow& row : kRoundTripRows) {
    const std::string label = row.label;
    const std::string suffix = row.suffix;
    for (std::size_t size : {std::size_t{8}, std::size_t{64}}) {
      const LatencyResult* ring = FindLatency(r, label, size);
      Target p50{"latency p50, " + std::to_string(size) + " B" + suffix,
                 label + " RTT p50 <= 1.25 x atomic ping-pong p50 just before"};
      Target p999{"latency p99.9, " + std::to_string(size) + " B" + suffix,
                  label + " RTT p99.9 <= 3 x atomic ping-pong p99.9 just before"};
      p50.limit = 1.25;
      p999.limit = 3.0;
      // Divided by the limit measured right before the point where there is
      // one (see LatencyResult::adjacent_limit), else by the run's first one.
      const Percentiles* divisor = ring != nullptr && ring->adjacent_limit ? &*ring->adjacent_limit : limit;
      if (ring != nullptr && divisor != nullptr && divisor->p50 > 0) {
        p50.measured = ring->rtt.p50 / divisor->p50;
        p999.measured = ring->rtt.p999 / divisor->p999;
        p50.known = p999.known = true;
      }
      add(p50);
      add(p999);
    }
  }
  // Not targets of the issue: where the round trip misses, what the bytes
  // alone cost (a 64-byte payload's record spans two lines), what the same
  // ring without ringlib's protocol takes, and how much ringlib adds to it
  // (see BareLatency).
  for (std::size_t size : {std::size_t{8}, std::size_t{64}}) {
    const LatencyResult* slot = FindLatency(r, "bare-slot", size);
    Target bytes{"(explanatory) bare slot p50, " + std::to_string(size) + " B",
                 "bare-slot RTT p50 <= 1.25 x atomic ping-pong p50 just before"};
    bytes.limit = 1.25;
    if (slot != nullptr && slot->adjacent_limit && slot->adjacent_limit->p50 > 0) {
      bytes.measured = slot->rtt.p50 / slot->adjacent_limit->p50;
      bytes.known = true;
    }
    add(bytes);
    for (const RoundTripRow& row : kRoundTripRows) {
      const std::string label = row.label;
      const std::string bare = row.bare;
      const std::string at = std::to_string(size) + " B" + row.suffix;
      const LatencyResult* ring = FindLatency(r, label, size);
      const LatencyResult* bare_ring = FindLatency(r, bare, size);
      Target alone{"(explanatory) bare ring p50, " + at, bare + " RTT p50 <= 1.25 x atomic ping-pong p50 just before"};
      alone.limit = 1.25;
      if (bare_ring != nullptr && bare_ring->adjacent_limit && bare_ring->adjacent_limit->p50 > 0) {
        alone.measured = bare_ring->rtt.p50 / bare_ring->adjacent_limit->p50;
        alone.known = true;
      }
      add(alone);
      Target protocol{"(explanatory) p50 vs bare ring, " + at, label + " RTT p50 <= 1.25 x " + bare + " RTT p50"};
      protocol.limit = 1.25;
      if (ring != nullptr && bare_ring != nullptr && bare_ring->rtt.p50 > 0) {
        protocol.measured = ring->rtt.p50 / bare_ring->rtt.p50;
        protocol.known = true;
      }
      add(protocol);
    }
  }
  // A 64-byte message and whatever says "new" are two lines in any protocol:
  // the two-line ping-pong measured right before ringlib's 64-byte point,
  // against the one-line limit measured just before it, and ringlib against it.
  for (const RoundTripRow& row : kRoundTripRows) {
    const std::string label = row.label;
    const std::string suffix = row.suffix;
    const LatencyResult* ring = FindLatency(r, label, 64);
    const bool measured = ring != nullptr && ring->adjacent_limit && ring->adjacent_both_lines &&
                          ring->adjacent_limit->p50 > 0 && ring->adjacent_both_lines->p50 > 0;
    Target floor{"(explanatory) two-line floor p50, 64 B" + suffix,
                 "two-line atomic ping-pong p50 <= 1.25 x atomic ping-pong p50 just before"};
    Target above{"(explanatory) p50 vs two-line floor, 64 B" + suffix,
                 label + " RTT p50 <= 1.25 x two-line atomic ping-pong p50 just before"};
    floor.limit = above.limit = 1.25;
    if (measured) {
      floor.measured = ring->adjacent_both_lines->p50 / ring->adjacent_limit->p50;
      above.measured = ring->rtt.p50 / ring->adjacent_both_lines->p50;
      floor.known = above.known = true;
    }
    add(floor);
    add(above);
  }
  // The interleaved section, in the group of cycles that ran in the host's
  // most common state (the most cycles): ringlib over the limit measured in
  // the same cycles, by block means (not p50s), beside the target lines.
  for (std::size_t size : {std::size_t{8}, std::size_t{64}}) {
    const InterleavedResult* found = nullptr;
    for (const auto& i : r.interleaved) {
      if (i.size == size && i.error.empty() && !i.groups.empty()) found = &i;
    }
    const InterleavedGroup* group = nullptr;
    if (found != nullptr) {
      group = &*std::max_element(found->groups.begin(), found->groups.end(),
                                 [](const InterleavedGroup& a, const InterleavedGroup& b) { return a.cycles < b.cycles; });
    }
    for (const RoundTripRow& row : kRoundTripRows) {
      const std::string label = row.label;
      Target t{"(explanatory) interleaved, " + std::to_string(size) + " B" + row.suffix,
               label + " <= 1.25 x the limit in the same cycles (block means, the largest group)"};
      t.limit = 1.25;
      if (group != nullptr) {
        t.measured = label == "ringlib-spin" ? group->spin_over_limit : group->prepared_over_limit;
        t.known = true;
      }
      add(t);
    }
  }
  {
    const ThroughputResult* ring = FindThroughput(r, Mechanism::kRing, 1, 32);
    const ThroughputResult* pipe = FindThroughput(r, Mechanism::kPipe, 1, 32);
    Target rate{"throughput 32 B, 1 reader", ">= 60 million messages/s sustained"};
    rate.lower_is_better = false;
    rate.limit = 60e6;
    Target vs_pipe{"throughput 32 B vs pipe", ">= 100 x the pipe's messages/s"};
    vs_pipe.lower_is_better = false;
    vs_pipe.limit = 100;
    if (ring != nullptr) {
      rate.measured = ring->messages_per_second;
      rate.known = true;
      if (pipe != nullptr && pipe->messages_per_second > 0) {
        vs_pipe.measured = ring->messages_per_second / pipe->messages_per_second;
        vs_pipe.known = true;
      }
    }
    add(rate);
    add(vs_pipe);
  }
  for (std::size_t size : {std::size_t{4096}, std::size_t{16384}, std::size_t{65535}}) {
    const ThroughputResult* ring = FindThroughput(r, Mechanism::kRing, 1, size);
    Target t{"bandwidth " + std::to_string(size) + " B, 1 reader", ">= 0.70 x single-thread memcpy bandwidth"};
    t.lower_is_better = false;
    t.limit = 0.70;
    const double mc = MemcpyFor(r, size);
    if (ring != nullptr && mc > 0) {
      t.measured = ring->bytes_per_second / mc;
      t.known = true;
    }
    add(t);
  }
  // Not targets of the issue: where the bandwidth target is missed, the
  // same ratio against what two cores can move at all (the slower of the
  // two cross-core copies), to show how much of the miss is physics.
  for (std::size_t size : {std::size_t{4096}, std::size_t{16384}, std::size_t{65535}}) {
    const ThroughputResult* ring = FindThroughput(r, Mechanism::kRing, 1, size);
    Target t{"(explanatory) bandwidth " + std::to_string(size) + " B vs cross-core bound",
             "ring bytes/s / min(cross-core copy out, cross-core copy in)"};
    t.lower_is_better = false;
    t.limit = 0.70;
    double bound = 0;
    for (std::size_t i = 0; i < r.cross_core_bandwidth.size(); ++i) {
      if (r.cross_core_bandwidth[i].first == size && i < r.cross_core_write_bandwidth.size()) {
        bound = std::min(r.cross_core_bandwidth[i].second, r.cross_core_write_bandwidth[i].second);
      }
    }
    if (ring != nullptr && bound > 0) {
      t.measured = ring->bytes_per_second / bound;
      t.known = true;
    }
    add(t);
  }
  {
    auto cost = [&](const std::string& scenario) -> double {
      for (const auto& w : r.writer_cost) {
        if (w.scenario == scenario && w.error.empty()) return w.ns_per_write;
      }
      return 0;
    };
    Target four{"writer cost, 4 readers", "<= 1.1 x the cost with 1 reader"};
    four.limit = 1.1;
    if (cost("4 readers") > 0 && cost("1 reader") > 0) {
      four.measured = cost("4 readers") / cost("1 reader");
      four.known = true;
    }
    add(four);
    Target stopped{"writer cost, 1 stopped reader", "<= 1.1 x the cost with no reader (changes nothing)"};
    stopped.limit = 1.1;
    if (cost("1 stopped reader") > 0 && cost("0 readers") > 0) {
      stopped.measured = cost("1 stopped reader") / cost("0 readers");
      stopped.known = true;
    }
    add(stopped);
    Target both{"writer cost, 1 reader + 1 stopped", "<= 1.1 x the cost with 1 reader"};
    both.limit = 1.1;
    if (cost("1 reader + 1 stopped") > 0 && cost("1 reader") > 0) {
      both.measured = cost("1 reader + 1 stopped") / cost("1 reader");
      both.known = true;
    }
    add(both);
  }
  {
    Target idle{"idle reader, futex strategy", "< 1 % of a core"};
    idle.limit = 0.01;
    for (const auto& i : r.idle) {
      if (i.strategy == "futex-sleep" && i.error.empty()) {
        idle.measured = i.cpu_fraction;
        idle.known = true;
      }
    }
    add(idle);
  }
  {
    Target replay{"replay end to end, IEX DEEP", ">= 20 million messages/s"};
    replay.lower_is_better = false;
    replay.limit = 20e6;
    // The subscriber as shipped (no catch-up backoff); with the opt-in
    // backoff, an explanatory line.
    Target backoff{"(explanatory) replay, IEX DEEP, catch-up backoff", ">= 20 million messages/s"};
    backoff.lower_is_better = false;
    backoff.limit = 20e6;
    for (const auto& p : r.replay) {
      if (p.dataset != "iex-deep" || !p.error.empty() || !p.ran) continue;
      Target& target = p.catch_up_backoff_ns == 0 ? replay : backoff;
      target.measured = p.messages_per_second;
      target.known = true;
      if (p.catch_up_backoff_ns != 0) {
        backoff.name = "(explanatory) replay, IEX DEEP, subscriber --catch-up-backoff " +
                       std::to_string(p.catch_up_backoff_ns) + "ns";
      }
    }
    add(replay);
    if (backoff.known) add(backoff);
  }
}

void PrintTable(const Config& config, const Results& r) {
  std::printf("ring_bench: %s, %ld CPUs, kernel %s\n", CpuModel().c_str(), ::sysconf(_SC_NPROCESSORS_ONLN),
              [] {
                struct utsname u {};
                ::uname(&u);
                return std::string(u.release);
              }()
                  .c_str());
  std::printf("compiler: g++ %s, build %s, flags: %s\n", __VERSION__, RING_BENCH_BUILD_TYPE, RING_BENCH_CXX_FLAGS);
  std::printf("load average at start: %s; at end: %s\n", r.started_load.c_str(), r.finished_load.c_str());
  if (Tsc::step_ns() > 0) {
    std::printf("clock: the TSC advances in steps of %.1f ns here; round-trip percentiles are interpolated "
                "within a step\n",
                Tsc::step_ns());
  }
  std::printf("pinning: %s\n\n", config.pin ? ("writer/pinger on CPU " + std::to_string(config.cpus[0]) +
                                                   ", readers/ponger on CPU " + std::to_string(config.cpus[1]))
                                                      .c_str()
                                                : "none");
  if (config.catch_up_backoff_ns > 0) {
    std::printf("throughput: ringlib readers back off %" PRIu64
                " ns after catching up with the writer (opt-in catch_up_backoff; not as shipped)\n\n",
                config.catch_up_backoff_ns);
  }
  if (r.atomic_rtt || !r.memcpy_bandwidth.empty()) {
    std::printf("== The limit\n");
    if (r.atomic_rtt) {
      std::printf("atomic ping-pong RTT (ns): p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f  (%zu samples)\n",
                  r.atomic_rtt->p50, r.atomic_rtt->p90, r.atomic_rtt->p99, r.atomic_rtt->p999, r.atomic_rtt->max,
                  r.atomic_rtt->samples);
    }
    if (r.atomic_rtt_pause) {
      std::printf("same, spinning with PAUSE (ns): p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f\n",
                  r.atomic_rtt_pause->p50, r.atomic_rtt_pause->p90, r.atomic_rtt_pause->p99,
                  r.atomic_rtt_pause->p999, r.atomic_rtt_pause->max);
    }
    if (r.atomic_rtt_paced) {
      std::printf("same, %u PAUSEs per poll as ringlib's readers (ns): p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f\n",
                  r.paced_pauses, r.atomic_rtt_paced->p50, r.atomic_rtt_paced->p90, r.atomic_rtt_paced->p99,
                  r.atomic_rtt_paced->p999, r.atomic_rtt_paced->max);
    }
    if (r.atomic_rtt_two_lines) {
      std::printf("message in a second line, PAUSE (ns): p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f\n",
                  r.atomic_rtt_two_lines->p50, r.atomic_rtt_two_lines->p90, r.atomic_rtt_two_lines->p99,
                  r.atomic_rtt_two_lines->p999, r.atomic_rtt_two_lines->max);
    }
    if (r.atomic_rtt_both_lines) {
      std::printf("two lines each way, both polled, PAUSE (ns): p50 %.0f  p90 %.0f  p99 %.0f  p99.9 %.0f  max %.0f\n",
                  r.atomic_rtt_both_lines->p50, r.atomic_rtt_both_lines->p90, r.atomic_rtt_both_lines->p99,
                  r.atomic_rtt_both_lines->p999, r.atomic_rtt_both_lines->max);
    }
    if (!r.atomic_error.empty()) std::printf("FAILED: %s\n", r.atomic_error.c_str());
    if (LimitRtt(r) != nullptr) {
      std::printf("(ratios below use the fastest one-line ping-pong above: p50 %.0f ns, p99.9 %.0f ns)\n", LimitRtt(r)->p50,
                  LimitRtt(r)->p999);
    }
    for (std::size_t i = 0; i < r.memcpy_bandwidth.size(); ++i) {
      const auto& [size, bw] = r.memcpy_bandwidth[i];
      const double cross = i < r.cross_core_bandwidth.size() ? r.cross_core_bandwidth[i].second : 0;
      const double cross_write = i < r.cross_core_write_bandwidth.size() ? r.cross_core_write_bandwidth[i].second : 0;
      std::printf("memcpy %6zu B: %sB/s single-thread; across cores: %sB/s out of, %sB/s into lines of the other core\n",
                  size, HumanRate(bw).c_str(), HumanRate(cross).c_str(), HumanRate(cross_write).c_str());
    }
    std::printf("\n");
  }
  if (!r.throughput.empty()) {
    std::printf("== Throughput (lossless; the slowest reader's sustained rate)\n");
    std::printf("('rtt ns': p50 of a cross-core atomic ping-pong run right before / right after the point:\n"
                " the phase of the host it ran in)\n");
    std::printf("('caught up': ringlib's slowest reader, waits for a message per message read)\n");
    std::printf("%-15s %7s %7s %14s %14s %10s %8s %10s %8s %16s %10s %10s\n", "mechanism", "readers", "size",
                "messages/s", "bytes/s", "vs memcpy", "vs pipe", "reader CPU", "waiting", "msgs/reader-CPU-s", "rtt ns",
                "caught up");
    for (const auto& t : r.throughput) {
      if (!t.unavailable.empty()) continue;
      if (!t.error.empty()) {
        std::printf("%-15s %7d %7zu  FAILED: %s\n", std::string(MechanismName(t.mechanism)).c_str(), t.readers,
                    t.size, t.error.c_str());
        continue;
      }
      const double mc = MemcpyFor(r, t.size);
      const ThroughputResult* pipe = FindThroughput(r, Mechanism::kPipe, t.readers, t.size);
      char vs_memcpy[16] = "-";
      char vs_pipe[16] = "-";
      if (mc > 0) std::snprintf(vs_memcpy, sizeof vs_memcpy, "%.2f", t.bytes_per_second / mc);
      if (pipe != nullptr && pipe->messages_per_second > 0) {
        std::snprintf(vs_pipe, sizeof vs_pipe, "%.1f", t.messages_per_second / pipe->messages_per_second);
      }
      char caught_up[16] = "-";
      if (t.reader_waits_per_message) {
        std::snprintf(caught_up, sizeof caught_up, "%.1f%%", *t.reader_waits_per_message * 100);
      }
      std::printf("%-15s %7d %7zu %13s %13sB %10s %8s %9.0f%% %7.0f%% %15s %5.0f/%-4.0f %10s\n",
                  std::string(MechanismName(t.mechanism)).c_str(), t.readers, t.size,
                  HumanRate(t.messages_per_second).c_str(), HumanRate(t.bytes_per_second).c_str(), vs_memcpy, vs_pipe,
                  t.reader_cpu_share * 100, t.reader_waiting_share * 100,
                  HumanRate(t.messages_per_reader_cpu_second).c_str(), t.rtt_before_ns, t.rtt_after_ns, caught_up);
    }
    std::printf("\n");
  }
  if (!r.latency.empty()) {
    std::printf("== Latency: ping-pong round trip (ns)\n");
    std::printf("(p50/atomic: over the limit at the start of the run; p50/adjacent: over the atomic ping-pong\n"
                " measured right before the point, whose p50 is the column 'adjacent'; the targets use\n"
                " p50/adjacent. 64 B and more: 'floor' is the two-line ping-pong measured right after it)\n");
    std::printf("%-22s %6s %9s %9s %9s %9s %9s %10s %12s %9s %9s %10s\n", "mechanism", "size", "p50", "p90", "p99",
                "p99.9", "max", "p50/atomic", "p50/adjacent", "adjacent", "floor", "p50/floor");
    for (const auto& l : r.latency) {
      if (!l.unavailable.empty()) continue;
      if (!l.error.empty()) {
        std::printf("%-22s %6zu  FAILED: %s\n", l.label.c_str(), l.size, l.error.c_str());
        continue;
      }
      char ratio[16] = "-";
      const Percentiles* limit = LimitRtt(r);
      if (limit != nullptr && limit->p50 > 0) std::snprintf(ratio, sizeof ratio, "%.2f", l.rtt.p50 / limit->p50);
      char adjacent_ratio[16] = "-";
      char adjacent[16] = "-";
      if (l.adjacent_limit && l.adjacent_limit->p50 > 0) {
        std::snprintf(adjacent_ratio, sizeof adjacent_ratio, "%.2f", l.rtt.p50 / l.adjacent_limit->p50);
        std::snprintf(adjacent, sizeof adjacent, "%.0f", l.adjacent_limit->p50);
      }
      char floor_ratio[16] = "-";
      char floor[16] = "-";
      if (l.adjacent_both_lines && l.adjacent_both_lines->p50 > 0) {
        std::snprintf(floor_ratio, sizeof floor_ratio, "%.2f", l.rtt.p50 / l.adjacent_both_lines->p50);
        std::snprintf(floor, sizeof floor, "%.0f", l.adjacent_both_lines->p50);
      }
      std::printf("%-22s %6zu %9.0f %9.0f %9.0f %9.0f %9.0f %10s %12s %9s %9s %10s\n", l.label.c_str(), l.size,
                  l.rtt.p50, l.rtt.p90, l.rtt.p99, l.rtt.p999, l.rtt.max, ratio, adjacent_ratio, adjacent, floor,
                  floor_ratio);
    }
    std::printf("\n");
  }
  if (!r.interleaved.empty()) {
    std::printf("== Latency, interleaved: the legs take turns, %" PRIu64 " round trips at a time, in one pair of\n"
                "   processes (ns). Each cycle runs one block of each leg; a block's figure is the mean of its\n"
                "   middle half. Rows: the cycles grouped by their limit (the faster of the two atomic\n"
                "   ping-pongs in that cycle), medians over the group's cycles; the ratios and differences are\n"
                "   per cycle: spin = ringlib-spin, over the limit and minus bare-ring; prepared =\n"
                "   ringlib-prepared, over the limit and minus bare-ring-prepared.\n",
                kInterleavedBlock);
    std::printf("%6s %-11s %7s %6s", "size", "limit", "cycles", "share");
    for (const char* name : kLegNames) std::printf(" %*s", static_cast<int>(std::max<std::size_t>(std::strlen(name), 7)), name);
    std::printf(" %10s %14s %9s %13s\n", "spin/limit", "prepared/limit", "spin-bare", "prepared-bare");
    for (const auto& i : r.interleaved) {
      if (!i.error.empty()) {
        std::printf("%6zu FAILED: %s\n", i.size, i.error.c_str());
        continue;
      }
      std::vector<const InterleavedGroup*> rows;
      for (const auto& g : i.groups) rows.push_back(&g);
      rows.push_back(&i.all);
      for (const InterleavedGroup* g : rows) {
        char limit[24];
        if (g == &i.all) {
          std::snprintf(limit, sizeof limit, "all");
        } else if (g->to_ns >= kLimitEdges.back()) {
          std::snprintf(limit, sizeof limit, ">= %.0f", g->from_ns);
        } else {
          std::snprintf(limit, sizeof limit, "%.0f-%.0f", g->from_ns, g->to_ns);
        }
        std::printf("%6zu %-11s %7" PRIu64 " %5.0f%%", i.size, limit, g->cycles,
                    100.0 * static_cast<double>(g->cycles) / static_cast<double>(i.cycles));
        for (std::size_t leg = 0; leg < kLegs; ++leg) {
          std::printf(" %*.1f", static_cast<int>(std::max<std::size_t>(std::strlen(kLegNames[leg]), 7)), g->median_ns[leg]);
        }
        std::printf(" %10.3f %14.3f %9.1f %13.1f\n", g->spin_over_limit, g->prepared_over_limit, g->spin_minus_bare_ns,
                    g->prepared_minus_bare_ns);
      }
    }
    std::printf("\n");
  }
  if (!r.writer_cost.empty()) {
    const int rounds = r.writer_cost.front().rounds;
    std::printf("== Writer cost: the writer's CPU time per Write of %zu B (median of %zu trials in %d round(s)\n"
                "   alternating the scenarios; min..max; wall; rtt: the highest cross-core round trip\n"
                "   before/after a round of the scenario)\n",
                config.writer_cost_size, r.writer_cost.front().cpu_trials.size(), rounds);
    for (const auto& w : r.writer_cost) {
      if (!w.error.empty()) {
        std::printf("%-24s FAILED: %s\n", w.scenario.c_str(), w.error.c_str());
        continue;
      }
      std::printf("%-24s %7.2f ns  (%.2f .. %.2f; wall %.2f)  readers read %" PRIu64 " messages", w.scenario.c_str(),
                  w.ns_per_write, w.min_ns, w.max_ns, w.wall_ns_per_write, w.reader_messages);
      if (w.active_readers > 0) std::printf(" (%.0f %% of %" PRIu64 " each)", 100 * w.reader_share, w.messages_written);
      std::printf(", lapped %" PRIu64 " times; rtt %.0f/%.0f ns\n", w.reader_laps, w.rtt_before_ns, w.rtt_after_ns);
    }
    std::printf("\n");
  }
  if (!r.idle.empty()) {
    std::printf("== Idle reader: CPU used while no message arrives\n");
    for (const auto& i : r.idle) {
      if (!i.error.empty()) {
        std::printf("%-14s FAILED: %s\n", i.strategy.c_str(), i.error.c_str());
        continue;
      }
      std::printf("%-14s %8.3f %% of a core over %.1f s\n", i.strategy.c_str(), i.cpu_fraction * 100, i.wall_seconds);
    }
    std::printf("\n");
  }
  if (!r.replay.empty()) {
    std::printf("== Replay: feed_publisher -> feed_subscriber, end to end (the median run; 'runs': each run in\n"
                "   order, with the cross-core round trip right before/after it, the phase of the host, and how\n"
                "   often the subscriber caught up: waits for the publisher per 100 messages)\n");
    for (const auto& p : r.replay) {
      if (p.catch_up_backoff_ns > 0) {
        std::printf("%-10s the same, the subscriber with --catch-up-backoff %" PRIu64
                    "ns (opt-in), each run right after one above:\n",
                    p.dataset.c_str(), p.catch_up_backoff_ns);
      }
      if (!p.ran) {
        std::printf("%-10s not run: %s\n", p.dataset.c_str(), p.error.c_str());
        continue;
      }
      if (!p.error.empty()) {
        std::printf("%-10s FAILED: %s\n", p.dataset.c_str(), p.error.c_str());
        continue;
      }
      std::printf("%-10s %s messages/s end to end (%" PRIu64 " messages, %" PRIu64 " loops, in %.3f s; "
                  "publisher's own rate %s messages/s; ring %" PRIu64 " MiB)\n"
                  "%-10s CPU: publisher %.3f s (%.0f ns/message), subscriber %.3f s (%.0f ns/message)\n",
                  p.dataset.c_str(), HumanRate(p.messages_per_second).c_str(), p.messages, p.loops, p.seconds,
                  HumanRate(p.publisher_messages_per_second).c_str(), p.ring_capacity_bytes >> 20, "",
                  p.publisher_cpu_seconds, p.publisher_cpu_seconds * 1e9 / static_cast<double>(std::max<std::uint64_t>(p.messages, 1)),
                  p.subscriber_cpu_seconds, p.subscriber_cpu_seconds * 1e9 / static_cast<double>(std::max<std::uint64_t>(p.messages, 1)));
      std::printf("%-10s runs:", "");
      for (std::size_t k = 0; k < p.runs.size(); ++k) {
        std::printf("%s %s/s (rtt %.0f/%.0f ns, caught up %.2f)", k == 0 ? "" : ",",
                    HumanRate(p.runs[k].messages_per_second).c_str(), p.runs[k].rtt_before_ns,
                    p.runs[k].rtt_after_ns,
                    100.0 * static_cast<double>(p.runs[k].subscriber_caught_up_waits) /
                        static_cast<double>(std::max<std::uint64_t>(p.messages, 1)));
      }
      std::printf("\n");
    }
    std::printf("\n");
  }
  if (!r.unavailable.empty()) {
    std::printf("== Not run here\n");
    for (const auto& [name, why] : r.unavailable) std::printf("%-15s %s\n", name.c_str(), why.c_str());
    std::printf("\n");
  }
  std::printf("== Targets (ratios from this run)\n");
  int name_width = 0;
  int rule_width = 0;
  for (const auto& t : r.targets) {
    name_width = std::max(name_width, static_cast<int>(t.name.size()));
    rule_width = std::max(rule_width, static_cast<int>(t.rule.size()));
  }
  for (const auto& t : r.targets) {
    if (!t.known) {
      std::printf("%-*s %-*s not measured\n", name_width, t.name.c_str(), rule_width, t.rule.c_str());
      continue;
    }
    std::printf("%-*s %-*s %8.4g  %s\n", name_width, t.name.c_str(), rule_width, t.rule.c_str(), t.measured,
                t.met() ? "MET" : "MISSED");
  }
}

void WritePercentiles(Json& j, const Percentiles& p) {
  j.Field("p50_ns", p.p50).Field("p90_ns", p.p90).Field("p99_ns", p.p99).Field("p999_ns", p.p999);
  j.Field("max_ns", p.max).Field("min_ns", p.min).Field("mean_ns", p.mean).Field("samples", std::uint64_t{p.samples});
}

std::string ToJson(const Config& config, const Results& r) {
  Json j;
  j.BeginObject();
  j.BeginObject("machine");
  j.Field("cpu_model", CpuModel());
  j.Field("cpus_online", static_cast<std::uint64_t>(::sysconf(_SC_NPROCESSORS_ONLN)));
  {
    struct utsname u {};
    ::uname(&u);
    j.Field("kernel", std::string(u.release));
  }
  j.Field("compiler", std::string("g++ ") + __VERSION__);
  j.Field("build_type", RING_BENCH_BUILD_TYPE);
  j.Field("cxx_flags", RING_BENCH_CXX_FLAGS);
  j.Field("load_average_start", r.started_load);
  j.Field("load_average_end", r.finished_load);
  j.Field("tsc_ns_per_tick", Tsc::ns_per_tick());
  j.Field("tsc_step_ns", Tsc::step_ns());  // 0: the TSC advances every tick (nearest-rank percentiles)
  j.EndObject();
  j.BeginObject("config");
  j.Field("command", config.command_line);
  j.Field("pin", config.pin);
  j.Field("writer_cpu", config.writer_cpu());
  j.Field("reader_cpu", config.reader_cpu());
  j.Field("quick", config.quick);
  j.Field("ring_capacity_bytes", config.capacity);
  j.Field("catch_up_backoff_ns", config.catch_up_backoff_ns);  // throughput's ringlib readers; 0: as shipped
  j.Field("duration_ms", config.duration_ms);
  j.Field("repeat", config.repeat);
  j.Field("iterations", config.iterations);
  j.Field("idle_seconds", config.idle_seconds);
  j.Field("writer_cost_size", std::uint64_t{config.writer_cost_size});
  j.EndObject();
  j.BeginObject("limit");
  if (!r.atomic_error.empty()) j.Field("error", r.atomic_error);
  if (r.atomic_rtt) {
    j.BeginObject("atomic_pingpong");
    WritePercentiles(j, *r.atomic_rtt);
    j.EndObject();
  }
  if (r.atomic_rtt_pause) {
    j.BeginObject("atomic_pingpong_pause");
    WritePercentiles(j, *r.atomic_rtt_pause);
    j.EndObject();
  }
  if (r.atomic_rtt_paced) {
    j.BeginObject("atomic_pingpong_paced");
    WritePercentiles(j, *r.atomic_rtt_paced);
    j.Field("pauses_per_poll", std::uint64_t{r.paced_pauses});
    j.EndObject();
  }
  if (r.atomic_rtt_two_lines) {
    j.BeginObject("atomic_pingpong_two_lines");
    WritePercentiles(j, *r.atomic_rtt_two_lines);
    j.EndObject();
  }
  if (r.atomic_rtt_both_lines) {
    j.BeginObject("atomic_pingpong_both_lines");
    WritePercentiles(j, *r.atomic_rtt_both_lines);
    j.EndObject();
  }
  if (const Percentiles* limit = LimitRtt(r)) {
    j.Field("limit_rtt", r.atomic_rtt_pause && limit == &*r.atomic_rtt_pause   ? "atomic_pingpong_pause"
                         : r.atomic_rtt_paced && limit == &*r.atomic_rtt_paced ? "atomic_pingpong_paced"
                                                                               : "atomic_pingpong");
  }
  j.BeginArray("memcpy");
  for (const auto& [size, bw] : r.memcpy_bandwidth) {
    j.BeginObject().Field("size", std::uint64_t{size}).Field("bytes_per_second", bw).EndObject();
  }
  j.EndArray();
  j.BeginArray("memcpy_cross_core");
  for (const auto& [size, bw] : r.cross_core_bandwidth) {
    j.BeginObject().Field("size", std::uint64_t{size}).Field("bytes_per_second", bw).EndObject();
  }
  j.EndArray();
  j.BeginArray("memcpy_cross_core_write");
  for (const auto& [size, bw] : r.cross_core_write_bandwidth) {
    j.BeginObject().Field("size", std::uint64_t{size}).Field("bytes_per_second", bw).EndObject();
  }
  j.EndArray();
  j.EndObject();
  j.BeginArray("throughput");
  for (const auto& t : r.throughput) {
    if (!t.unavailable.empty()) continue;
    j.BeginObject();
    j.Field("mechanism", MechanismName(t.mechanism));
    j.Field("readers", t.readers);
    j.Field("size", std::uint64_t{t.size});
    j.Field("ok", t.error.empty());
    if (!t.error.empty()) j.Field("error", t.error);
    j.Field("messages_per_second", t.messages_per_second);
    j.Field("bytes_per_second", t.bytes_per_second);
    j.Field("writer_messages_per_second", t.writer_messages_per_second);
    j.Field("messages", t.messages);
    j.Field("median_of_runs", t.repeats);
    j.Field("reader_cpu_share", t.reader_cpu_share);
    j.Field("reader_waiting_share", t.reader_waiting_share);
    if (t.reader_waits_per_message) j.Field("reader_waits_per_message", *t.reader_waits_per_message);
    j.Field("writer_cpu_share", t.writer_cpu_share);
    j.Field("messages_per_reader_cpu_second", t.messages_per_reader_cpu_second);
    j.Field("rtt_before_p50_ns", t.rtt_before_ns);
    j.Field("rtt_after_p50_ns", t.rtt_after_ns);
    const double mc = MemcpyFor(r, t.size);
    if (mc > 0) j.Field("fraction_of_memcpy", t.bytes_per_second / mc);
    for (const auto& [size, bw] : r.cross_core_bandwidth) {
      if (size == t.size && bw > 0) j.Field("fraction_of_cross_core_memcpy", t.bytes_per_second / bw);
    }
    j.Field("setup", t.describe);
    j.EndObject();
  }
  j.EndArray();
  j.BeginArray("latency");
  for (const auto& l : r.latency) {
    if (!l.unavailable.empty()) continue;
    j.BeginObject();
    j.Field("mechanism", l.label);
    j.Field("size", std::uint64_t{l.size});
    j.Field("ok", l.error.empty());
    if (!l.error.empty()) j.Field("error", l.error);
    WritePercentiles(j, l.rtt);
    if (const Percentiles* limit = LimitRtt(r); limit != nullptr && limit->p50 > 0) {
      j.Field("p50_over_atomic", l.rtt.p50 / limit->p50);
      j.Field("p999_over_atomic", l.rtt.p999 / limit->p999);
    }
    if (l.adjacent_limit && l.adjacent_limit->p50 > 0) {
      j.BeginObject("adjacent_limit");
      WritePercentiles(j, *l.adjacent_limit);
      j.EndObject();
      j.Field("p50_over_adjacent_atomic", l.rtt.p50 / l.adjacent_limit->p50);
      j.Field("p999_over_adjacent_atomic", l.rtt.p999 / l.adjacent_limit->p999);
    }
    if (l.adjacent_both_lines && l.adjacent_both_lines->p50 > 0) {
      j.BeginObject("adjacent_both_lines");
      WritePercentiles(j, *l.adjacent_both_lines);
      j.EndObject();
      j.Field("p50_over_adjacent_both_lines", l.rtt.p50 / l.adjacent_both_lines->p50);
    }
    j.Field("setup", l.describe);
    j.EndObject();
  }
  j.EndArray();
  j.BeginArray("interleaved");
  for (const auto& i : r.interleaved) {
    j.BeginObject();
    j.Field("size", std::uint64_t{i.size});
    j.Field("ok", i.error.empty());
    if (!i.error.empty()) j.Field("error", i.error);
    j.Field("block_round_trips", kInterleavedBlock);
    j.Field("warmup_cycles", i.warmup_cycles);
    j.Field("cycles", i.cycles);
    auto group = [&j, &i](const InterleavedGroup& g, std::string_view key) {
      j.BeginObject(key);
      j.Field("limit_from_ns", g.from_ns);
      if (g.to_ns < kLimitEdges.back()) j.Field("limit_to_ns", g.to_ns);
      j.Field("cycles", g.cycles);
      j.Field("share", static_cast<double>(g.cycles) / static_cast<double>(std::max<std::uint64_t>(i.cycles, 1)));
      j.BeginObject("median_ns");
      for (std::size_t leg = 0; leg < kLegs; ++leg) j.Field(kLegNames[leg], g.median_ns[leg]);
      j.EndObject();
      j.Field("ringlib_spin_over_limit", g.spin_over_limit);
      j.Field("ringlib_prepared_over_limit", g.prepared_over_limit);
      j.Field("ringlib_spin_minus_bare_ring_ns", g.spin_minus_bare_ns);
      j.Field("ringlib_prepared_minus_bare_ring_prepared_ns", g.prepared_minus_bare_ns);
      j.EndObject();
    };
    if (i.error.empty()) {
      group(i.all, "all");
      j.BeginArray("groups");
      for (const auto& g : i.groups) group(g, {});
      j.EndArray();
    }
    j.EndObject();
  }
  j.EndArray();
  j.BeginArray("writer_cost");
  for (const auto& w : r.writer_cost) {
    j.BeginObject();
    j.Field("scenario", w.scenario);
    j.Field("active_readers", w.active_readers);
    j.Field("stopped_readers", w.stopped_readers);
    j.Field("ok", w.error.empty());
    if (!w.error.empty()) j.Field("error", w.error);
    j.Field("ns_per_write", w.ns_per_write);
    j.Field("wall_ns_per_write", w.wall_ns_per_write);
    j.Field("min_ns", w.min_ns);
    j.Field("max_ns", w.max_ns);
    j.Field("reader_messages", w.reader_messages);
    j.Field("reader_laps", w.reader_laps);
    j.Field("messages_written", w.messages_written);
    j.Field("reader_share", w.reader_share);
    j.Field("rtt_before_p50_ns", w.rtt_before_ns);  // the highest over the rounds
    j.Field("rtt_after_p50_ns", w.rtt_after_ns);
    j.Field("rounds", w.rounds);
    j.Field("trials", static_cast<std::uint64_t>(w.cpu_trials.size()));
    j.EndObject();
  }
  j.EndArray();
  j.BeginArray("idle");
  for (const auto& i : r.idle) {
    j.BeginObject();
    j.Field("strategy", i.strategy);
    j.Field("ok", i.error.empty());
    if (!i.error.empty()) j.Field("error", i.error);
    j.Field("cpu_fraction", i.cpu_fraction);
    j.Field("wall_seconds", i.wall_seconds);
    j.EndObject();
  }
  j.EndArray();
  j.BeginArray("replay");
  for (const auto& p : r.replay) {
    j.BeginObject();
    j.Field("dataset", p.dataset);
    j.Field("subscriber_catch_up_backoff_ns", p.catch_up_backoff_ns);  // 0: as shipped
    j.Field("ran", p.ran);
    j.Field("ok", p.ran && p.error.empty());
    if (!p.error.empty()) j.Field("error", p.error);
    j.Field("messages", p.messages);
    j.Field("seconds", p.seconds);
    j.Field("messages_per_second", p.messages_per_second);
    j.Field("publisher_messages_per_second", p.publisher_messages_per_second);
    j.Field("publisher_cpu_seconds", p.publisher_cpu_seconds);
    j.Field("subscriber_cpu_seconds", p.subscriber_cpu_seconds);
    j.Field("subscriber_caught_up_waits", p.subscriber_caught_up_waits);
    j.Field("ring_capacity_bytes", p.ring_capacity_bytes);
    j.Field("rtt_before_p50_ns", p.rtt_before_ns);  // of this (the median) run
    j.Field("rtt_after_p50_ns", p.rtt_after_ns);
    j.Field("loops", p.loops);
    j.Field("command", p.command);
    j.BeginArray("runs");  // every run, in the order they ran
    for (const auto& run : p.runs) {
      j.BeginObject()
          .Field("messages_per_second", run.messages_per_second)
          .Field("rtt_before_p50_ns", run.rtt_before_ns)
          .Field("rtt_after_p50_ns", run.rtt_after_ns)
          .Field("subscriber_caught_up_waits", run.subscriber_caught_up_waits)
          .EndObject();
    }
    j.EndArray();
    j.EndObject();
  }
  j.EndArray();
  j.BeginArray("unavailable");
  for (const auto& [name, why] : r.unavailable) {
    j.BeginObject().Field("mechanism", name).Field("reason", why).EndObject();
  }
  j.EndArray();
  j.BeginArray("targets");
  for (const auto& t : r.targets) {
    j.BeginObject();
    j.Field("name", t.name);
    j.Field("rule", t.rule);
    j.Field("measured", t.known);
    if (t.known) {
      j.Field("value", t.measured);
      j.Field("met", t.met());
    }
    j.EndObject();
  }
  j.EndArray();
  j.EndObject();
  return j.str() + "\n";
}

// ===================================================================== main

int Run(const Config& config) {
  Results r;
  r.started_load = ReadFirstLine("/proc/loadavg");
  Tsc::Calibrate();
  auto note_unavailable = [&](Mechanism m, const std::string& why) {
    r.unavailable.emplace(std::string(MechanismName(m)), why);
  };
  std::vector<Mechanism> mechanisms;
  for (Mechanism m : AllMechanisms()) {
    if (!config.Uses(m)) continue;
    try {
      CheckAvailable(m);
      mechanisms.push_back(m);
    } catch (const Unavailable& why) {
      note_unavailable(m, why.what());
    }
  }
  const bool use_ring = config.Uses(Mechanism::kRing);

  if (config.Has("limit")) {
    Progress("limit: atomic ping-pong\n");
    std::string& error = r.atomic_error;
    r.atomic_rtt = MeasurePingPong(config, "atomic ping-pong", 0, PingPongShape::kOneLine, error);
    r.atomic_rtt_pause =
        MeasurePingPong(config, "atomic ping-pong with PAUSE", 1, PingPongShape::kOneLine, error);
    r.paced_pauses = RingPacedPauses();
    if (r.paced_pauses != 0) {
      r.atomic_rtt_paced = MeasurePingPong(config, "atomic ping-pong paced as ringlib's readers",
                                           r.paced_pauses, PingPongShape::kOneLine, error);
    }
    r.atomic_rtt_two_lines =
        MeasurePingPong(config, "message-line ping-pong", 1, PingPongShape::kMessageLine, error);
    r.atomic_rtt_both_lines = MeasurePingPong(config, "two-line ping-pong", 1, PingPongShape::kBothLines, error);
    if (!r.atomic_error.empty()) {
      r.failed = true;
      Progress("  FAILED: %s\n", r.atomic_error.c_str());
    }
    for (std::size_t size : config.sizes) {
      Progress("limit: memcpy %zu B\n", size);
      r.memcpy_bandwidth.emplace_back(size, MemcpyBandwidth(config, size));
      const CrossCore cross = CrossCoreCopyBandwidth(config, size);
      r.cross_core_bandwidth.emplace_back(size, cross.read_bytes_per_second);
      r.cross_core_write_bandwidth.emplace_back(size, cross.write_bytes_per_second);
    }
  }
  if (config.Has("throughput")) {
    for (Mechanism m : mechanisms) {
      for (int readers : config.readers) {
        for (std::size_t size : config.sizes) {
          Progress("throughput: %s, %d reader(s), %zu B\n", std::string(MechanismName(m)).c_str(), readers, size);
          // The median of `repeat` runs: one run that lost its CPU to
          // another process on this shared machine does not decide.
          std::vector<ThroughputResult> runs;
          const double rtt_before_ns = AdjacentRttNs(config);
          for (int k = 0; k < std::max(config.repeat, 1); ++k) {
            runs.push_back(Throughput(config, m, readers, size));
            if (!runs.back().unavailable.empty() || !runs.back().error.empty()) break;
          }
          ThroughputResult t = runs.back();
          if (t.unavailable.empty() && t.error.empty()) {
            std::sort(runs.begin(), runs.end(), [](const ThroughputResult& a, const ThroughputResult& b) {
              return a.messages_per_second < b.messages_per_second;
            });
            t = runs[runs.size() / 2];
            t.repeats = static_cast<int>(runs.size());
          }
          t.rtt_before_ns = rtt_before_ns;
          t.rtt_after_ns = AdjacentRttNs(config);
          if (!t.unavailable.empty()) {
            note_unavailable(m, std::to_string(size) + " B: " + t.unavailable);
          }
          if (!t.error.empty()) {
            r.failed = true;
            Progress("  FAILED: %s\n", t.error.c_str());
          }
          r.throughput.push_back(std::move(t));
        }
      }
    }
  }
  if (config.Has("latency")) {
    std::vector<Variant> variants;
    for (Mechanism m : mechanisms) {
      if (m == Mechanism::kRing) {
        variants.push_back({.label = "bare-slot", .mechanism = m, .idle = ringlib::IdleStrategy::kBusySpin,
                            .bare = BareShape::kSlot});
        variants.push_back({.label = "bare-ring", .mechanism = m, .idle = ringlib::IdleStrategy::kBusySpin,
                            .bare = BareShape::kRing});
        variants.push_back({.label = "bare-ring-prepared", .mechanism = m,
                            .idle = ringlib::IdleStrategy::kBusySpin, .bare = BareShape::kRingPrepared});
        variants.push_back({"ringlib-spin", m, ringlib::IdleStrategy::kBusySpin});
        // The same, with each side calling Writer::PrepareNext(size) after
        // its Write, while it waits for the other side.
        variants.push_back({.label = "ringlib-prepared", .mechanism = m, .idle = ringlib::IdleStrategy::kBusySpin,
                            .prepare_next = true});
        variants.push_back({"ringlib-futex", m, ringlib::IdleStrategy::kFutexSleep});
        // The same with a spin budget longer than a wake-up takes here, as
        // for a reader with a core of its own (docs/benchmarks.md, "Spinning
        // before sleeping").
        variants.push_back({"ringlib-futex-50us", m, ringlib::IdleStrategy::kFutexSleep,
                            std::chrono::microseconds(50)});
      } else if (m == Mechanism::kIceoryx) {
        variants.push_back({"iceoryx-poll", m, ringlib::IdleStrategy::kBusySpin});
      } else {
        variants.push_back({std::string(MechanismName(m)), m, ringlib::IdleStrategy::kFutexSleep});
      }
    }
    for (const Variant& v : variants) {
      for (std::size_t size : config.latency_sizes) {
        Progress("latency: %s, %zu B\n", v.label.c_str(), size);
        std::string limit_error;
        std::optional<Percentiles> adjacent = AdjacentLimit(config, limit_error);
        LatencyResult l = v.bare ? BareLatency(config, size, *v.bare) : Latency(config, v, size);
        l.adjacent_limit = adjacent;
        if (size >= 64) {
          l.adjacent_both_lines =
              MeasurePingPong(config, "two-line ping-pong", 1, PingPongShape::kBothLines, limit_error);
        }
        if (!limit_error.empty()) {
          r.failed = true;
          if (r.atomic_error.empty()) r.atomic_error = limit_error;
          Progress("  FAILED before the point: %s\n", limit_error.c_str());
        }
        if (!l.unavailable.empty()) note_unavailable(v.mechanism, std::to_string(size) + " B: " + l.unavailable);
        if (!l.error.empty()) {
          r.failed = true;
          Progress("  FAILED: %s\n", l.error.c_str());
        }
        r.latency.push_back(std::move(l));
      }
    }
  }
  if (config.Has("interleaved") && use_ring) {
    for (std::size_t size : config.latency_sizes) {
      Progress("interleaved latency: %zu B\n", size);
      InterleavedResult i = Interleaved(config, size);
      if (!i.error.empty()) {
        r.failed = true;
        Progress("  FAILED: %s\n", i.error.c_str());
      }
      r.interleaved.push_back(std::move(i));
    }
  }
  if (config.Has("writer") && use_ring) {
    const std::vector<std::tuple<std::string, int, int>> scenarios = {
        {"0 readers", 0, 0}, {"1 reader", 1, 0}, {"4 readers", 4, 0},
        {"1 stopped reader", 0, 1}, {"1 reader + 1 stopped", 1, 1}};
    // Rounds that alternate the scenarios, each with fresh processes: a
    // change of the host's phase, or a live reader that happens to follow
    // the writer closely in one process's lifetime, then lands in every
    // scenario rather than in one (on the EPYC VM of docs/benchmarks.md a
    // live reader's cost to the writer was 6-11 ns a Write from one
    // lifetime to the next, and ~90 ns in the host's slow phase).
    const int rounds = config.quick ? 1 : 3;
    constexpr int kTrialsPerRound = 3;
    std::vector<std::vector<WriterCostResult>> parts(scenarios.size());
    for (int round = 0; round < rounds; ++round) {
      for (std::size_t i = 0; i < scenarios.size(); ++i) {
        const auto& [name, active, stopped] = scenarios[i];
        Progress("writer cost: %s, round %d of %d\n", name.c_str(), round + 1, rounds);
        const double rtt_before_ns = AdjacentRttNs(config);
        WriterCostResult w = WriterCost(config, name, active, stopped, kTrialsPerRound);
        w.rtt_before_ns = rtt_before_ns;
        w.rtt_after_ns = AdjacentRttNs(config);
        parts[i].push_back(std::move(w));
      }
    }
    for (const std::vector<WriterCostResult>& scenario_rounds : parts) {
      WriterCostResult w = MergeRounds(scenario_rounds);
      if (!w.error.empty()) {
        r.failed = true;
        Progress("  FAILED: %s: %s\n", w.scenario.c_str(), w.error.c_str());
      }
      r.writer_cost.push_back(std::move(w));
    }
  }
  if (config.Has("idle") && use_ring) {
    const std::vector<std::pair<ringlib::IdleStrategy, const char*>> strategies = {
        {ringlib::IdleStrategy::kBusySpin, "busy-spin"},
        {ringlib::IdleStrategy::kSpinYield, "spin-yield"},
        {ringlib::IdleStrategy::kFutexSleep, "futex-sleep"}};
    for (const auto& [strategy, name] : strategies) {
      Progress("idle: %s\n", name);
      IdleResult i = Idle(config, strategy, name);
      if (!i.error.empty()) {
        r.failed = true;
        Progress("  FAILED: %s\n", i.error.c_str());
      }
      r.idle.push_back(std::move(i));
    }
  }
  if (config.Has("replay") && config.replay.enabled()) {
    r.replay = RunReplay(config.replay, config.writer_cpu(), config.reader_cpu(), config.quick, config.repeat,
                         [&config] { return AdjacentRttNs(config); });
    for (const auto& p : r.replay) {
      if (p.ran && !p.error.empty()) r.failed = true;
    }
  }
  ShutdownMechanisms();
  r.finished_load = ReadFirstLine("/proc/loadavg");
  ComputeTargets(r);

  const std::string json = ToJson(config, r);
  if (!config.json_file.empty()) {
    std::ofstream out(config.json_file);
    out << json;
    if (!out) {
      std::fprintf(stderr, "ring_bench: cannot write %s\n", config.json_file.c_str());
      return 1;
    }
  }
  if (config.json) {
    std::fputs(json.c_str(), stdout);
  } else {
    PrintTable(config, r);
  }
  if (r.failed) {
    std::fprintf(stderr, "ring_bench: some measurements FAILED (see above)\n");
    return 1;
  }
  return 0;
}

}  // namespace
}  // namespace bench

int main(int argc, char** argv) {
  bench::Config config;
  CLI::App app{
      "ring_bench: ringlib against the machine's limit and the alternatives, across real processes.\n"
      "Every figure worth quoting is a ratio of two numbers from the same run."};
  app.add_flag("--json", config.json, "Print JSON on stdout instead of the table");
  app.add_option("--json-file", config.json_file, "Also write the JSON to this file");
  app.add_flag("--pin", config.pin, "Pin the writer/pinger and the readers/ponger to two CPUs (see --cpus)");
  app.add_option("--cpus", config.cpus, "The two CPUs for --pin: writer,readers (e.g. 0,1)")->expected(2)->delimiter(',');
  app.add_flag("--quick", config.quick, "A tiny configuration (ctest's smoke run): seconds, not minutes");
  app.add_option("--sections", config.sections,
                 "Sections to run, comma-separated (default: all): limit (atomic ping-pongs over one and two "
                 "lines, memcpy), throughput, latency (ping-pong; with ringlib also bare-slot, bare-ring and "
                 "bare-ring-prepared), interleaved (the atomic ping-pongs, the bare references and ringlib's "
                 "round trips taking turns, 200 round trips at a time, in one pair of processes), writer, idle, "
                 "replay")
      ->delimiter(',');
  app.add_option("--mechanisms", config.mechanisms,
                 "ringlib pipe unix-seqpacket posix-mq boost-mq iceoryx (default: all)")
      ->delimiter(',');
  app.add_option("--sizes", config.sizes, "Message sizes for throughput and memcpy")->delimiter(',');
  app.add_option("--readers", config.readers, "Reader counts for throughput (at most 8)")->delimiter(',');
  app.add_option("--latency-sizes", config.latency_sizes, "Message sizes for ping-pong (8 .. 65535 bytes)")
      ->delimiter(',');
  app.add_option("--duration-ms", config.duration_ms, "Sending time per throughput run");
  app.add_option("--repeat", config.repeat, "Runs per throughput point and replay (the median is reported)");
  app.add_option("--iterations", config.iterations, "Round trips per latency point");
  app.add_option("--latency-max-seconds", config.latency_max_seconds, "Time cap per latency point");
  app.add_option("--interleaved-seconds", config.interleaved_seconds,
                 "Measuring time per size of the interleaved section (after a warm-up of one lap)");
  app.add_option("--idle-seconds", config.idle_seconds, "Waiting time per idle strategy");
  app.add_option("--capacity", config.capacity, "Ring capacity in bytes (a power of two)");
  app.add_option("--catch-up-backoff-ns", config.catch_up_backoff_ns,
                 "The throughput section's ringlib readers back off this long after catching up with "
                 "the writer (opt-in ReaderOptions::catch_up_backoff; default 0, as shipped)");
  app.add_option("--writer-cost-size", config.writer_cost_size, "Message size for the writer-cost section");
  app.add_option("--writer-cost-writes", config.writer_cost_writes, "Writes per writer-cost trial");
  app.add_option("--replay-publisher", config.replay.publisher, "feed_publisher executable (replay section)");
  app.add_option("--replay-subscriber", config.replay.subscriber, "feed_subscriber executable (replay section)");
  app.add_option("--replay-iex", config.replay.iex_file, "IEX DEEP pcap for the replay section");
  app.add_option("--replay-itch", config.replay.itch_file, "ITCH 5.0 file for the replay section");
  app.add_option("--replay-loops", config.replay.loops, "Times the publisher loops over the file");
  app.add_option("--replay-catch-up-backoff-ns", config.replay.catch_up_backoff_ns,
                 "After each replay run, one whose subscriber has this --catch-up-backoff (ns; "
                 "opt-in in ringlib, a latency cost for throughput), reported beside it; 0: not run "
                 "(default 4000)");
  app.add_option("--replay-capacity", config.replay.capacity_bytes,
                 "Ring capacity for the replay section (lossless mode; default 1 MiB)");
  app.footer(
      "Exit status: 0 every section ran and every transfer checked out; 1 a measurement failed (a\n"
      "sequence gap, a wrong size or echo, a process that failed or hung; the output says which) or the\n"
      "run could not start; 2 bad command line (an unknown section or mechanism, a size or reader\n"
      "count out of range).");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);
    return code == 0 ? 0 : 2;
  }
  for (int i = 0; i < argc; ++i) {
    if (i > 0) config.command_line += ' ';
    config.command_line += argv[i];
  }
  if (config.quick) {
    // Small enough for ctest: every code path once, no timing worth quoting.
    if (!app.count("--sizes")) config.sizes = {8, 4096};
    if (!app.count("--readers")) config.readers = {1, 2};
    if (!app.count("--latency-sizes")) config.latency_sizes = {8};
    if (!app.count("--duration-ms")) config.duration_ms = 20;
    if (!app.count("--iterations")) config.iterations = 2000;
    if (!app.count("--idle-seconds")) config.idle_seconds = 0.2;
    if (!app.count("--writer-cost-writes")) config.writer_cost_writes = 20000;
    if (!app.count("--capacity")) config.capacity = std::uint64_t{1} << 16;
    if (!app.count("--latency-max-seconds")) config.latency_max_seconds = 0.5;
    if (!app.count("--interleaved-seconds")) config.interleaved_seconds = 0.2;
    if (!app.count("--replay-loops")) config.replay.loops = 1;
    if (!app.count("--repeat")) config.repeat = 1;
  }
  for (int readers : config.readers) {
    if (readers < 1 || readers > bench::kMaxReaders) {
      std::fprintf(stderr, "ring_bench: --readers: %d is outside 1..%d\n", readers, bench::kMaxReaders);
      return 2;
    }
  }
  for (const auto& [option, sizes] : {std::pair{"--sizes", &config.sizes}, {"--latency-sizes", &config.latency_sizes}}) {
    for (std::size_t size : *sizes) {
      if (size < 8 || size > bench::kMaxMessage) {
        std::fprintf(stderr, "ring_bench: %s: %zu is outside 8..65535 (8: the sequence number)\n", option, size);
        return 2;
      }
    }
  }
  if (!(config.interleaved_seconds > 0)) {
    std::fprintf(stderr, "ring_bench: --interleaved-seconds: %g is not a positive number of seconds\n",
                 config.interleaved_seconds);
    return 2;
  }
  for (const auto& section : config.sections) {
    if (std::find(bench::Config::kSections.begin(), bench::Config::kSections.end(), section) ==
        bench::Config::kSections.end()) {
      std::string known;
      for (const char* name : bench::Config::kSections) known += std::string(known.empty() ? "" : ", ") + name;
      std::fprintf(stderr, "ring_bench: --sections: unknown section '%s' (%s)\n", section.c_str(), known.c_str());
      return 2;
    }
  }
  for (const auto& name : config.mechanisms) {
    try {
      (void)bench::ParseMechanism(name);
    } catch (const std::invalid_argument& error) {
      std::fprintf(stderr, "ring_bench: --mechanisms: %s\n", error.what());
      return 2;
    }
  }
  try {
    return bench::Run(config);
  } catch (const std::exception& error) {
    bench::ShutdownMechanisms();
    std::fprintf(stderr, "ring_bench: %s\n", error.what());
    return 1;
  }
}
