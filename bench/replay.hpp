// The replay path end to end: feed_publisher at top speed into
// feed_subscriber (decode + checksum + verify), real processes, real data.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

namespace bench {

struct ReplayConfig {
  std::string publisher;   // path of feed_publisher
  std::string subscriber;  // path of feed_subscriber
  std::string iex_file;    // IEX DEEP 1.0 pcap
  std::string itch_file;   // ITCH 5.0 BinaryFILE
  std::uint64_t loops = 200;
  bool enabled() const { return !publisher.empty() && !subscriber.empty(); }
};

struct ReplayResult {
  std::string dataset;  // "iex-deep", "itch"
  bool ran = false;
  std::string error;    // why it did not run, or how it failed
  std::uint64_t messages = 0;
  double seconds = 0;
  double messages_per_second = 0;
  std::string command;
};

std::vector<ReplayResult> RunReplay(const ReplayConfig& config, int publisher_cpu, int subscriber_cpu,
                                    bool quick);

}  // namespace bench
