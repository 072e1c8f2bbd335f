// Helpers of ring_bench: clocks, pinning, processes, shared result areas,
// percentiles and a tiny JSON writer. Nothing here is timed itself.
#pragma once

#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>
#include <x86intrin.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <cmath>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <new>
#include <stdexcept>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

namespace bench {

inline std::uint64_t NowNs() noexcept {
  struct timespec now {};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * 1'000'000'000u +
         static_cast<std::uint64_t>(now.tv_nsec);
}

// The time stamp counter: ~8 ns to read instead of ~20 for clock_gettime, so
// round-trip samples carry less of the ruler. Constant and invariant on every
// x86 machine this runs on (lscpu: constant_tsc nonstop_tsc); calibrated
// against CLOCK_MONOTONIC once, before any process is forked.
//
// It need not advance every tick. Intel's does, or every second tick (the
// family 6 model 207 guest of 2026-12-08); on the AMD EPYC VM (family 26)
// of docs/benchmarks.md it advances by ~26 ticks every 10 ns (2.6 GHz), so
// every round trip falls on a 10-ns grid. step_ns() is that step (0 where
// the counter advances every tick, or in steps of at most 3), which
// ComputePercentiles takes into account.
class Tsc {
 public:
  static void Calibrate() {
    const std::uint64_t ns0 = NowNs();
    const std::uint64_t t0 = __rdtsc();
    std::this_thread::sleep_for(std::chrono::milliseconds(50));
    const std::uint64_t ns1 = NowNs();
    const std::uint64_t t1 = __rdtsc();
    ns_per_tick_ = static_cast<double>(ns1 - ns0) / static_cast<double>(t1 - t0);
    step_ns_ = MeasureStepTicks() * ns_per_tick_;
  }
  static std::uint64_t Ticks() noexcept { return __rdtsc(); }
  static double ToNs(std::uint64_t ticks) noexcept {
    return static_cast<double>(ticks) * ns_per_tick_;
  }
  static double ns_per_tick() noexcept { return ns_per_tick_; }
  static double step_ns() noexcept { return step_ns_; }

 private:
  // Times 100,000 short busy loops of 0 to 199 iterations (a span of a few
  // hundred ticks); StepTicks reads the step off those differences.
  static double MeasureStepTicks() {
    constexpr int kTimings = 100000;
    std::vector<std::uint64_t> deltas;
    deltas.reserve(kTimings);
    for (int i = 0; i < kTimings; ++i) {
      const int iterations = i % 200;
      const std::uint64_t t0 = __rdtsc();
      for (int k = 0; k < iterations; ++k) asm volatile("" ::: "memory");
      deltas.push_back(__rdtsc() - t0);
    }
    return StepTicks(std::move(deltas));
  }
  static inline double ns_per_tick_ = 1.0;
  static inline double step_ns_ = 0.0;

 public:
  // The step of a counter, in ticks, from differences it gave over a span
  // of short durations. A counter that advances every tick gives every
  // difference in the span; one that advances in steps gives only clusters
  // around multiples of its step (+-1 tick: the guest's TSC scaling). The
  // step is the distance between the first and the last cluster over the
  // steps between them (on the EPYC VM: ~25.96 ticks, 10 ns); 0 where the
  // clusters are at most 3 ticks apart. A cluster holds at least 1 in 1,000
  // of the differences: the few that an interrupt or a preemption
  // stretched lie far apart, one or two each, and were once taken for
  // clusters (on an Intel guest whose TSC gives every even tick, their
  // median gap made a "step" of 718 ticks, 342 ns, and every percentile of
  // that run was interpolated on that grid).
  static double StepTicks(std::vector<std::uint64_t> deltas) {
    std::sort(deltas.begin(), deltas.end());
    const std::size_t least = std::max<std::size_t>(deltas.size() / 1000, 2);
    // Clusters of differences at most 2 ticks apart: their first values.
    std::vector<std::uint64_t> starts;
    std::vector<double> centres;
    std::size_t first = 0;
    for (std::size_t i = 1; i <= deltas.size(); ++i) {
      if (i == deltas.size() || deltas[i] - deltas[i - 1] > 2) {
        if (i - first >= least) {
          starts.push_back(deltas[first]);
          centres.push_back(static_cast<double>(deltas[first] + deltas[i - 1]) / 2);
        }
        first = i;
      }
    }
    if (starts.size() < 3) return 0;
    std::vector<std::uint64_t> gaps;
    for (std::size_t i = 1; i < starts.size(); ++i) gaps.push_back(starts[i] - starts[i - 1]);
    std::nth_element(gaps.begin(), gaps.begin() + static_cast<std::ptrdiff_t>(gaps.size() / 2), gaps.end());
    const auto gap = static_cast<double>(gaps[gaps.size() / 2]);
    if (gap <= 3) return 0;
    const double span = centres.back() - centres.front();
    return span / std::round(span / gap);
  }
};

inline void CpuRelax() noexcept { __builtin_ia32_pause(); }
// `times` PAUSEs: one poll's spacing (0 spins plainly).
inline void CpuRelax(std::uint32_t times) noexcept {
  for (std::uint32_t i = 0; i < times; ++i) CpuRelax();
}

// Pins the calling process to one CPU; cpu < 0 leaves it unpinned.
inline void PinTo(int cpu) {
  if (cpu < 0) return;
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(static_cast<unsigned>(cpu), &set);
  if (::sched_setaffinity(0, sizeof(set), &set) != 0) {
    std::fprintf(stderr, "ring_bench: sched_setaffinity(cpu %d): %s\n", cpu, std::strerror(errno));
  }
}

// An anonymous MAP_SHARED area created before fork(): how children hand
// results and start signals to each other and to the parent.
template <class T>
class SharedArea {
 public:
  explicit SharedArea(std::size_t count = 1) : count_(count) {
    bytes_ = std::max<std::size_t>(sizeof(T) * count, 4096);
    void* p = ::mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
    if (p == MAP_FAILED) throw std::runtime_error(std::string("mmap: ") + std::strerror(errno));
    data_ = static_cast<T*>(p);
    for (std::size_t i = 0; i < count; ++i) new (data_ + i) T();
  }
  ~SharedArea() {
    if (data_ != nullptr) ::munmap(data_, bytes_);
  }
  SharedArea(const SharedArea&) = delete;
  SharedArea& operator=(const SharedArea&) = delete;
  T* get() const noexcept { return data_; }
  T* operator->() const noexcept { return data_; }
  T& operator[](std::size_t i) const noexcept { return data_[i]; }
  std::size_t size() const noexcept { return count_; }

 private:
  T* data_ = nullptr;
  std::size_t bytes_ = 0;
  std::size_t count_ = 0;
};

// Runs `body` in a forked child. The child never returns into the caller's
// stack: it exits with body's result (0 ok). exit() rather than _exit() only
// where asked (iceoryx wants its runtime destructor to deregister).
inline pid_t Spawn(const std::function<int()>& body, bool run_exit_handlers = false) {
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    int code = 1;
    try {
      code = body();
    } catch (const std::exception& error) {
      std::fprintf(stderr, "ring_bench child %d: %s\n", static_cast<int>(::getpid()), error.what());
      code = 2;
    }
    std::fflush(stdout);
    std::fflush(stderr);
    if (run_exit_handlers) std::exit(code);
    ::_exit(code);
  }
  return pid;
}

struct ChildExit {
  int status = 0;
  double cpu_seconds = 0;  // user + system time of the child
  bool ok() const noexcept { return WIFEXITED(status) && WEXITSTATUS(status) == 0; }
  std::string Describe() const {
    if (WIFEXITED(status)) return "exit code " + std::to_string(WEXITSTATUS(status));
    if (WIFSIGNALED(status)) return std::string("signal ") + ::strsignal(WTERMSIG(status));
    return "status " + std::to_string(status);
  }
};

inline ChildExit Reap(pid_t pid) {
  ChildExit result;
  struct rusage usage {};
  while (::wait4(pid, &result.status, 0, &usage) < 0) {
    if (errno != EINTR) throw std::runtime_error(std::string("wait4: ") + std::strerror(errno));
  }
  auto seconds = [](const timeval& tv) {
    return static_cast<double>(tv.tv_sec) + static_cast<double>(tv.tv_usec) * 1e-6;
  };
  result.cpu_seconds = seconds(usage.ru_utime) + seconds(usage.ru_stime);
  return result;
}

// The sleep of a process that polls while others are being measured (the
// parent waiting for its children, a child waiting for a flag): 100 us at
// first, doubling to 20 ms. The parent is not pinned, so it wakes on one of
// the two measured CPUs; polling every 100 us or 1 ms, it preempted the
// measured processes 1,000-10,000 times a second for the whole of every
// point (docs/benchmarks.md, "The waiting parent").
class PollBackoff {
 public:
  void Sleep() {
    std::this_thread::sleep_for(delay_);
    delay_ = std::min(delay_ * 2, std::chrono::microseconds(20'000));
  }

 private:
  std::chrono::microseconds delay_{100};
};

// Waits for all children. The first failure ends the measurement: the other
// children are killed then rather than left to the deadline, since one may
// wait for the failed one forever (a ponger whose pinger threw never gets
// the terminator; it used to hold the run for the whole timeout, minutes).
// Whatever still runs at the deadline is killed too. Returns a description
// of the first failure (the cause; the kills it led to are not reported),
// or "" when all exited 0.
inline std::string ReapAll(const std::vector<pid_t>& pids, double timeout_seconds) {
  std::string failure;
  const std::uint64_t deadline = NowNs() + static_cast<std::uint64_t>(timeout_seconds * 1e9);
  std::vector<bool> done(pids.size(), false);
  std::size_t remaining = pids.size();
  const auto kill_remaining = [&] {
    for (std::size_t i = 0; i < pids.size(); ++i) {
      if (done[i]) continue;
      ::kill(pids[i], SIGKILL);
      while (::waitpid(pids[i], nullptr, 0) < 0 && errno == EINTR) {
      }
      done[i] = true;
    }
    remaining = 0;
  };
  PollBackoff backoff;
  while (remaining > 0) {
    for (std::size_t i = 0; i < pids.size(); ++i) {
      if (done[i]) continue;
      int status = 0;
      const pid_t r = ::waitpid(pids[i], &status, WNOHANG);
      if (r == 0 || (r < 0 && errno == EINTR)) continue;
      done[i] = true;
      --remaining;
      if (!failure.empty()) continue;
      if (r < 0) {
        failure = "child " + std::to_string(i) + ": waitpid: " + std::strerror(errno);
      } else if (const ChildExit exit{status}; !exit.ok()) {
        failure = "child " + std::to_string(i) + ": " + exit.Describe();
      }
    }
    if (remaining == 0) break;
    if (!failure.empty()) {
      kill_remaining();
      break;
    }
    if (NowNs() > deadline) {
      kill_remaining();
      failure = "timed out after " + std::to_string(timeout_seconds) + " s; children killed";
      break;
    }
    backoff.Sleep();
  }
  return failure;
}

// Waits until `flag` reaches `value` (children signalling readiness), or
// throws after `timeout`.
template <class Atomic, class Value>
void AwaitAtLeast(const Atomic& flag, Value value, std::chrono::milliseconds timeout,
                  const char* what) {
  const std::uint64_t deadline = NowNs() + static_cast<std::uint64_t>(timeout.count()) * 1'000'000u;
  PollBackoff backoff;
  while (flag.load(std::memory_order_acquire) < value) {
    if (NowNs() > deadline) throw std::runtime_error(std::string("timed out waiting for ") + what);
    backoff.Sleep();
  }
}

struct Percentiles {
  double p50 = 0, p90 = 0, p99 = 0, p999 = 0, max = 0, min = 0, mean = 0;
  std::size_t samples = 0;
};

// The `q` quantile of samples that a clock advancing in steps of `step_ns`
// put on its grid (`sorted` ascending). A duration d between two readings of
// such a clock, taken at a random phase of its steps, reads as the grid
// point below or above d, the nearer one the more often, so the grid value
// k * step_ns counts the durations of [(k-1/2), (k+1/2)) * step_ns on
// average. The quantile is interpolated within that bin, as for grouped
// data: a duration of 104 ns that reads 100 or 110 ns (40 % of the time) is
// then reported as 104, not 100. Nearest rank would move a 1.25 x ratio by a
// whole 0.1 on the EPYC VM's 10-ns grid. Used only where Tsc::step_ns() > 0.
inline double GridQuantile(const std::vector<double>& sorted, double q, double step_ns) {
  const auto n = static_cast<double>(sorted.size());
  const double target = q * n;
  const auto bin = [step_ns](double v) { return std::llround(v / step_ns); };
  std::size_t i = 0;
  while (i < sorted.size()) {
    const long long k = bin(sorted[i]);
    std::size_t j = i;
    while (j < sorted.size() && bin(sorted[j]) == k) ++j;
    if (static_cast<double>(j) >= target) {
      const double within = (target - static_cast<double>(i)) / static_cast<double>(j - i);
      return (static_cast<double>(k) - 0.5 + within) * step_ns;
    }
    i = j;
  }
  return sorted.back();
}

// Percentiles of nanosecond samples (sorted in place): nearest rank, or,
// for samples of a clock that advances in steps (`step_ns` > 0, see Tsc),
// interpolated within the step (GridQuantile). min, max and mean are the
// samples' own.
inline Percentiles ComputePercentiles(std::vector<double>& ns, double step_ns = 0) {
  Percentiles p;
  if (ns.empty()) return p;
  std::sort(ns.begin(), ns.end());
  auto rank = [&](double q) {
    if (step_ns > 0) return GridQuantile(ns, q, step_ns);
    const auto n = static_cast<double>(ns.size());
    auto index = static_cast<std::size_t>(q * n + 0.999999);
    index = std::clamp<std::size_t>(index, 1, ns.size());
    return ns[index - 1];
  };
  p.p50 = rank(0.50);
  p.p90 = rank(0.90);
  p.p99 = rank(0.99);
  p.p999 = rank(0.999);
  p.max = ns.back();
  p.min = ns.front();
  double sum = 0;
  for (double v : ns) sum += v;
  p.mean = sum / static_cast<double>(ns.size());
  p.samples = ns.size();
  return p;
}

// A minimal JSON writer: objects, arrays, strings, numbers, booleans.
class Json {
 public:
  Json& BeginObject(std::string_view key = {}) { return Open(key, '{'); }
  Json& EndObject() { return Close('}'); }
  Json& BeginArray(std::string_view key = {}) { return Open(key, '['); }
  Json& EndArray() { return Close(']'); }
  Json& Field(std::string_view key, std::string_view value) {
    Key(key);
    Quote(value);
    return *this;
  }
  Json& Field(std::string_view key, const char* value) { return Field(key, std::string_view(value)); }
  Json& Field(std::string_view key, const std::string& value) {
    return Field(key, std::string_view(value));
  }
  Json& Field(std::string_view key, double value) {
    Key(key);
    char buffer[64];
    if (value != value || value > 1e300 || value < -1e300) {
      out_ += "null";
    } else {
      std::snprintf(buffer, sizeof buffer, "%.6g", value);
      out_ += buffer;
    }
    return *this;
  }
  Json& Field(std::string_view key, std::uint64_t value) {
    Key(key);
    out_ += std::to_string(value);
    return *this;
  }
  Json& Field(std::string_view key, int value) {
    Key(key);
    out_ += std::to_string(value);
    return *this;
  }
  Json& Field(std::string_view key, bool value) {
    Key(key);
    out_ += value ? "true" : "false";
    return *this;
  }
  Json& Value(std::string_view value) {
    Key({});
    Quote(value);
    return *this;
  }
  const std::string& str() const noexcept { return out_; }

 private:
  Json& Open(std::string_view key, char bracket) {
    Key(key);
    out_ += bracket;
    first_.push_back(true);
    return *this;
  }
  Json& Close(char bracket) {
    first_.pop_back();
    out_ += '\n';
    out_.append(2 * first_.size(), ' ');
    out_ += bracket;
    return *this;
  }
  void Key(std::string_view key) {
    if (!first_.empty()) {
      if (!first_.back()) out_ += ',';
      first_.back() = false;
      out_ += '\n';
      out_.append(2 * first_.size(), ' ');
    }
    if (!key.empty()) {
      Quote(key);
      out_ += ": ";
    }
  }
  void Quote(std::string_view text) {
    out_ += '"';
    for (char c : text) {
      switch (c) {
        case '"': out_ += "\\\""; break;
        case '\\': out_ += "\\\\"; break;
        case '\n': out_ += "\\n"; break;
        case '\t': out_ += "\\t"; break;
        default:
          if (static_cast<unsigned char>(c) < 0x20) {
            char buffer[8];
            std::snprintf(buffer, sizeof buffer, "\\u%04x", static_cast<unsigned>(c));
            out_ += buffer;
          } else {
            out_ += c;
          }
      }
    }
    out_ += '"';
  }
  std::string out_;
  std::vector<bool> first_;
};

}  // namespace bench
