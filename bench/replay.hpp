// The replay path end to end: feed_publisher at top speed into
// feed_subscriber (decode + checksum + verify), real processes, real data.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace bench {

struct ReplayConfig {
  std::string publisher;   // path of feed_publisher
  std::string subscriber;  // path of feed_subscriber
  std::string iex_file;    // IEX DEEP 1.0 pcap
  std::string itch_file;   // ITCH 5.0 BinaryFILE
  std::uint64_t loops = 100;
  // Lossless (tethered) replay through a ring of this size: the publisher
  // waits for the subscriber, so the rate is one the subscriber sustains.
  std::uint64_t capacity_bytes = std::uint64_t{1} << 20;
  // Above 0: each run of a data set is followed by one whose subscriber
  // has --catch-up-backoff of this many ns (ringlib's opt-in
  // ReaderOptions::catch_up_backoff), so the two alternate in the same
  // minutes; reported as a second result for the data set. 0: not run.
  std::uint64_t catch_up_backoff_ns = 0;
  bool enabled() const { return !publisher.empty() && !subscriber.empty(); }
};

struct ReplayResult {
  std::string dataset;  // "iex-deep", "itch"
  std::uint64_t catch_up_backoff_ns = 0;  // the subscriber's --catch-up-backoff (0: off, the default)
  bool ran = false;
  std::string error;    // why it did not run, or how it failed
  std::uint64_t messages = 0;
  double seconds = 0;
  double messages_per_second = 0;            // end to end
  // The publisher's own send rate: messages over its own run time, with the
  // subscriber attached (lossless, so about the end-to-end rate). Not the
  // publisher alone, which this section does not run.
  double publisher_messages_per_second = 0;
  // The subscriber's reads that found the ring empty and waited
  // (feed_subscriber's caught_up_waits): one that keeps catching up with
  // the publisher takes the lines it is writing, and both slow down.
  std::uint64_t subscriber_caught_up_waits = 0;
  // CPU time (user + system) of each process over the whole run: on a
  // loaded machine, wall time includes time spent waiting for a CPU.
  double publisher_cpu_seconds = 0;
  double subscriber_cpu_seconds = 0;
  std::uint64_t ring_capacity_bytes = 0;
  std::uint64_t loops = 0;
  std::string command;
  // The cross-core round trip right before and after this run: the phase
  // of the host it ran in (0 when the probe could not run).
  double rtt_before_ns = 0;
  double rtt_after_ns = 0;
  // Every run of this data set, in the order they ran (the reported one
  // is the median of these by end-to-end rate).
  struct Run {
    double messages_per_second = 0;
    double rtt_before_ns = 0;
    double rtt_after_ns = 0;
    std::uint64_t subscriber_caught_up_waits = 0;  // of the data set's `messages`
  };
  std::vector<Run> runs;
};

// Each data set runs `repeat` times; the run with the median end-to-end
// rate is reported, with all of them in `runs`. With a catch-up backoff
// configured, each run is followed by one with it, and the data set's
// result is followed by a second, for those runs. `round_trip` measures the
// cross-core round trip (ns); it runs right before and after each run.
std::vector<ReplayResult> RunReplay(const ReplayConfig& config, int publisher_cpu, int subscriber_cpu,
                                    bool quick, int repeat, const std::function<double()>& round_trip);

}  // namespace bench
