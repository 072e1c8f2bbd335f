// The replay path end to end: the project's own feed_publisher (top speed,
// looping a real recording) into feed_subscriber (envelope checksum,
// sequence, decode every message, digest), as two real processes on the
// two benchmark CPUs. The figure is messages / (subscriber's exit - the
// publisher's first send), both taken from outside the programs.
#include "replay.hpp"

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <csignal>
#include <cstdlib>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include "bench_util.hpp"
#include "ringlib/circular_buffer.hpp"

namespace bench {
namespace {

std::string ReadAll(const std::string& path) {
  std::ifstream in(path);
  std::stringstream text;
  text << in.rdbuf();
  return text.str();
}

// The first `"key": value` of a one-line JSON summary (top-level keys come
// before the nested objects in both programs' summaries).
std::optional<std::string> JsonValue(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  auto at = json.find(needle);
  if (at == std::string::npos) return std::nullopt;
  at += needle.size();
  while (at < json.size() && json[at] == ' ') ++at;
  auto end = at;
  if (end < json.size() && json[end] == '"') {
    end = json.find('"', at + 1);
    return json.substr(at + 1, end - at - 1);
  }
  while (end < json.size() && json[end] != ',' && json[end] != '}') ++end;
  return json.substr(at, end - at);
}

double JsonNumber(const std::string& json, const std::string& key) {
  const auto value = JsonValue(json, key);
  return value ? std::strtod(value->c_str(), nullptr) : 0.0;
}

pid_t Launch(const std::vector<std::string>& argv, const std::string& out_path, const std::string& err_path,
             int cpu) {
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) throw std::runtime_error(std::string("fork: ") + std::strerror(errno));
  if (pid == 0) {
    // RunOne blocks SIGCHLD to wait for it; the programs get the usual mask.
    sigset_t none;
    sigemptyset(&none);
    ::sigprocmask(SIG_SETMASK, &none, nullptr);
    PinTo(cpu);  // inherited across exec
    const int out = ::open(out_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    const int err = ::open(err_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (out >= 0) ::dup2(out, 1);
    if (err >= 0) ::dup2(err, 2);
    std::vector<char*> args;
    for (const auto& a : argv) args.push_back(const_cast<char*>(a.c_str()));
    args.push_back(nullptr);
    ::execv(args[0], args.data());
    std::fprintf(stderr, "exec %s: %s\n", args[0], std::strerror(errno));
    ::_exit(127);
  }
  return pid;
}

std::string Joined(const std::vector<std::string>& argv) {
  std::string text;
  for (const auto& a : argv) text += (text.empty() ? "" : " ") + a;
  return text;
}

ReplayResult RunOne(const ReplayConfig& config, const std::string& dataset, const std::string& file,
                    int publisher_cpu, int subscriber_cpu, bool quick, std::uint64_t catch_up_backoff_ns) {
  ReplayResult result;
  result.dataset = dataset;
  result.catch_up_backoff_ns = catch_up_backoff_ns;
  struct stat st {};
  if (file.empty() || ::stat(file.c_str(), &st) != 0) {
    result.error = file.empty() ? "no input given" : "input not found: " + file;
    return result;
  }
  const std::uint64_t loops = quick ? 1 : config.loops;
  // Lossless: the publisher waits for the subscriber (ring.lossless), so
  // the ring need not hold the run and the rate is one both sustain.
  const std::uint64_t capacity = config.capacity_bytes;
  const std::string ring = "ring_bench_replay_" + std::to_string(::getpid());
  ringlib::CircularBuffer::IWrapper::Remove(ring);
  const std::string base = "/tmp/ring_bench_replay." + std::to_string(::getpid());
  std::vector<std::string> subscriber = {config.subscriber, "--ring", ring, "--lossless", "--json",
                                         "--progress", "never", "--attach-timeout", "30s"};
  if (catch_up_backoff_ns > 0) {
    subscriber.insert(subscriber.end(), {"--catch-up-backoff", std::to_string(catch_up_backoff_ns) + "ns"});
  }
  const std::vector<std::string> publisher = {config.publisher, "--ring", ring, "--capacity",
                                              std::to_string(capacity), "--lossless", "--input", file, "--loop",
                                              std::to_string(loops), "--wait-subscribers", "1",
                                              "--wait-timeout", "30s", "--json", "--progress", "never"};
  result.command = Joined(publisher) + "  |  " + Joined(subscriber);
  // The end-to-end clock is ours: both exits are timed here. The wait
  // sleeps in sigtimedwait until a SIGCHLD (blocked from before the fork,
  // so one that comes early stays pending), not in a polling loop: this
  // process is not pinned, and polling every 100 us woke it on one of the
  // two measured CPUs 10,000 times a second.
  sigset_t child_exit;
  sigemptyset(&child_exit);
  sigaddset(&child_exit, SIGCHLD);
  sigset_t old_mask;
  ::sigprocmask(SIG_BLOCK, &child_exit, &old_mask);
  const pid_t sub = Launch(subscriber, base + ".sub.out", base + ".sub.err", subscriber_cpu);
  const pid_t pub = Launch(publisher, base + ".pub.out", base + ".pub.err", publisher_cpu);
  std::uint64_t pub_exit_ns = 0, sub_exit_ns = 0;
  int pub_status = 0, sub_status = 0;
  struct rusage pub_usage {}, sub_usage {};
  const std::uint64_t deadline = NowNs() + 600'000'000'000ull;
  while (pub_exit_ns == 0 || sub_exit_ns == 0) {
    if (pub_exit_ns == 0 && ::wait4(pub, &pub_status, WNOHANG, &pub_usage) == pub) pub_exit_ns = NowNs();
    if (sub_exit_ns == 0 && ::wait4(sub, &sub_status, WNOHANG, &sub_usage) == sub) sub_exit_ns = NowNs();
    if (NowNs() > deadline) {
      ::kill(pub, SIGKILL);
      ::kill(sub, SIGKILL);
      result.error = "timed out after 600 s";
      break;
    }
    const struct timespec recheck {0, 100'000'000};  // the deadline, and a SIGCHLD taken by another wait
    ::sigtimedwait(&child_exit, nullptr, &recheck);
  }
  ::sigprocmask(SIG_SETMASK, &old_mask, nullptr);
  ringlib::CircularBuffer::IWrapper::Remove(ring);
  const std::string pub_json = ReadAll(base + ".pub.out");
  const std::string sub_json = ReadAll(base + ".sub.out");
  const std::string pub_err = ReadAll(base + ".pub.err");
  const std::string sub_err = ReadAll(base + ".sub.err");
  for (const char* suffix : {".pub.out", ".pub.err", ".sub.out", ".sub.err"}) ::unlink((base + suffix).c_str());
  result.ran = true;
  if (!result.error.empty()) return result;
  auto describe = [](int status) {
    ChildExit e;
    e.status = status;
    return e.Describe();
  };
  if (!WIFEXITED(pub_status) || WEXITSTATUS(pub_status) != 0) {
    result.error = "feed_publisher: " + describe(pub_status) + ": " + pub_err.substr(0, 300);
    return result;
  }
  if (!WIFEXITED(sub_status) || WEXITSTATUS(sub_status) != 0) {
    result.error = "feed_subscriber: " + describe(sub_status) + ": " + sub_err.substr(0, 300);
    return result;
  }
  const auto outcome = JsonValue(sub_json, "outcome");
  const auto digest_match = JsonValue(sub_json, "digest_match");
  if (!outcome || *outcome != "complete" || !digest_match || *digest_match != "true" ||
      JsonNumber(sub_json, "checksum_failures") != 0 || JsonNumber(sub_json, "decode_errors") != 0 ||
      JsonNumber(sub_json, "gaps") != 0) {
    result.error = "subscriber did not verify the stream: " + sub_json.substr(0, 400);
    return result;
  }
  result.messages = static_cast<std::uint64_t>(JsonNumber(sub_json, "messages"));
  result.subscriber_caught_up_waits = static_cast<std::uint64_t>(JsonNumber(sub_json, "caught_up_waits"));
  const double publisher_seconds = JsonNumber(pub_json, "duration_seconds");
  result.publisher_messages_per_second =
      publisher_seconds > 0 ? static_cast<double>(result.messages) / publisher_seconds : 0;
  // The publisher's clock starts at its first send (after it waited for the
  // subscriber); it exited publisher_seconds later.
  const double first_send_ns = static_cast<double>(pub_exit_ns) - publisher_seconds * 1e9;
  result.seconds = (static_cast<double>(sub_exit_ns) - first_send_ns) * 1e-9;
  result.messages_per_second = result.seconds > 0 ? static_cast<double>(result.messages) / result.seconds : 0;
  auto cpu = [](const struct rusage& u) {
    return static_cast<double>(u.ru_utime.tv_sec + u.ru_stime.tv_sec) +
           static_cast<double>(u.ru_utime.tv_usec + u.ru_stime.tv_usec) * 1e-6;
  };
  result.publisher_cpu_seconds = cpu(pub_usage);
  result.subscriber_cpu_seconds = cpu(sub_usage);
  result.ring_capacity_bytes = capacity;
  result.loops = loops;
  return result;
}

}  // namespace

std::vector<ReplayResult> RunReplay(const ReplayConfig& config, int publisher_cpu, int subscriber_cpu,
                                    bool quick, int repeat, const std::function<double()>& round_trip) {
  std::vector<ReplayResult> results;
  // The reported run of `runs`: the median by end-to-end rate, with every
  // run in the order it ran.
  const auto median_of = [](std::vector<ReplayResult> runs) {
    std::vector<ReplayResult::Run> in_order;
    for (const auto& r : runs) {
      in_order.push_back(
          {r.messages_per_second, r.rtt_before_ns, r.rtt_after_ns, r.subscriber_caught_up_waits});
    }
    std::sort(runs.begin(), runs.end(), [](const ReplayResult& a, const ReplayResult& b) {
      return a.messages_per_second < b.messages_per_second;
    });
    ReplayResult median = runs[runs.size() / 2];
    median.runs = std::move(in_order);
    return median;
  };
  const bool with_backoff = config.catch_up_backoff_ns > 0;
  for (const auto& [dataset, file] : {std::pair<std::string, std::string>{"iex-deep", config.iex_file},
                                      std::pair<std::string, std::string>{"itch", config.itch_file}}) {
    std::vector<ReplayResult> runs;
    std::vector<ReplayResult> backoff_runs;
    // One run: its own round trips before and after (each run is short,
    // a fraction of a second to a few seconds, and the host's phase can
    // change between two of them). False when it failed or could not run.
    const auto run = [&](std::vector<ReplayResult>& into, std::uint64_t backoff_ns, int k) {
      std::fprintf(stderr, "replay: %s%s, run %d\n", dataset.c_str(),
                   backoff_ns > 0 ? ", catch-up backoff" : "", k + 1);
      const double before_ns = round_trip();
      into.push_back(RunOne(config, dataset, file, publisher_cpu, subscriber_cpu, quick, backoff_ns));
      if (!into.back().ran || !into.back().error.empty()) return false;
      into.back().rtt_before_ns = before_ns;
      into.back().rtt_after_ns = round_trip();
      return true;
    };
    // With a backoff, its runs alternate with the default ones, so the two
    // see the same phases of the host.
    for (int k = 0; k < std::max(repeat, 1); ++k) {
      if (!run(runs, 0, k)) break;
      if (with_backoff && !run(backoff_runs, config.catch_up_backoff_ns, k)) break;
    }
    if (!runs.back().ran || !runs.back().error.empty()) {
      results.push_back(runs.back());
      continue;
    }
    results.push_back(median_of(runs));
    if (with_backoff) {
      if (!backoff_runs.back().ran || !backoff_runs.back().error.empty()) {
        results.push_back(backoff_runs.back());
      } else {
        results.push_back(median_of(backoff_runs));
      }
    }
  }
  return results;
}

}  // namespace bench
