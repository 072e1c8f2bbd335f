// The publisher and subscriber loops, as library functions: feed_publisher
// and feed_subscriber are thin command-line wrappers around them, and tests
// and benchmarks can run them in-process.
#pragma once

#include <sys/types.h>

#include <atomic>
#include <cstdint>
#include <string>

#include "feed/config.hpp"
#include "feed/summary.hpp"

namespace feed {

struct PublisherRun {
  RingConfig ring;
  PublisherConfig publisher;
  // Wait until this many readers are attached before the first message
  // (feed_replay starts the subscribers first and passes their number).
  std::uint64_t wait_for_subscribers = 0;
  std::uint64_t subscriber_wait_ns = 2'000'000'000;
  bool show_progress = false;  // a live line on stderr (only on a terminal)
  mode_t ring_mode = 0600;
};

struct SubscriberRun {
  std::string ring;
  // Register as a tethered reader: a lossless publisher waits for us.
  bool lossless = false;
  SubscriberConfig subscriber;
  std::uint64_t attach_timeout_ns = 10'000'000'000;
  bool show_progress = false;
};

// Replays the recording into the ring. Problems become an exit code in the
// summary (and one line on stderr); nothing throws. `stop` (set by SIGINT or
// SIGTERM) ends the stream cleanly after the current message.
PublisherSummary RunPublisher(const PublisherRun& run, const std::atomic<bool>& stop);

// Reads, verifies and decodes until end-of-stream, a lap, the writer's end,
// or `stop`.
SubscriberSummary RunSubscriber(const SubscriberRun& run, const std::atomic<bool>& stop);

// Nanoseconds of CLOCK_MONOTONIC: the publish timestamp in every envelope and
// the subscriber's receive time (both processes share the machine's clock).
std::uint64_t MonotonicNowNs() noexcept;

}  // namespace feed
