// feed_subscriber: attaches to a ring, verifies and decodes the replayed feed.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>

#include "feed/cli.hpp"
#include "feed/config.hpp"
#include "feed/replay.hpp"
#include "feed/program.hpp"
#include "ringlib/circular_buffer.hpp"

namespace {

struct Options {
  std::string config_path;
  std::string ring;
  std::string name = "subscriber";
  std::string idle;
  std::string spin;
  std::string catch_up_backoff;
  std::string throttle_delay;
  std::uint64_t max_rate = 0;
  std::string attach_timeout = "10s";
  bool lossless = false;
  bool json = false;
  std::string progress = "auto";
};

feed::SubscriberRun BuildRun(const Options& o, const CLI::App& app) {
  using feed::ConfigError;
  feed::SubscriberRun run;
  run.subscriber.name = o.name;
  auto given = [&app](const char* name) { return app.count(name) > 0; };
  if (!o.config_path.empty()) {
    const feed::ScenarioConfig scenario = feed::LoadScenario(o.config_path);
    run.ring = scenario.ring.name;
    run.lossless = scenario.ring.lossless;
    const feed::SubscriberConfig* found = feed::FindSubscriber(scenario, o.name);
    if (found == nullptr) {
      std::string names;
      for (const auto& subscriber : scenario.subscribers) names += (names.empty() ? "" : ", ") + subscriber.name;
      throw ConfigError(fmt::format("--name: {} has no subscriber \"{}\" (it has: {})", o.config_path,
                                    o.name, names));
    }
    run.subscriber = *found;
  }
  if (given("--ring")) run.ring = o.ring;
  if (given("--lossless")) run.lossless = true;
  if (given("--idle")) {
    const auto idle = feed::ParseIdleStrategy(o.idle);
    if (!idle) throw ConfigError("--idle: expected spin, yield or futex, got \"" + o.idle + "\"");
    run.subscriber.idle = *idle;
  }
  if (given("--spin")) {
    run.subscriber.spin_ns = feed::cli::DurationOption("--spin", o.spin);
    if (*run.subscriber.spin_ns > feed::kMaxSpinNs) throw ConfigError("--spin: expected at most 1s");
  }
  if (given("--catch-up-backoff")) {
    run.subscriber.catch_up_backoff_ns = feed::cli::DurationOption("--catch-up-backoff", o.catch_up_backoff);
    if (run.subscriber.catch_up_backoff_ns > feed::kMaxCatchUpBackoffNs) {
      throw ConfigError("--catch-up-backoff: expected at most 1s");
    }
  }
  if (given("--throttle-delay")) {
    run.subscriber.throttle.delay_ns = feed::cli::DurationOption("--throttle-delay", o.throttle_delay);
    if (run.subscriber.throttle.delay_ns > feed::kMaxThrottleDelayNs) {
      throw ConfigError("--throttle-delay: expected at most 10s");
    }
  }
  if (given("--max-rate")) {
    if (o.max_rate > feed::kMaxThrottleRate) throw ConfigError("--max-rate: expected at most 1000000000");
    run.subscriber.throttle.max_rate = o.max_rate;
  }
  run.attach_timeout_ns = feed::cli::DurationOption("--attach-timeout", o.attach_timeout);
  if (run.ring.empty()) throw ConfigError("--ring: required (or --config)");
  if (!feed::IsValidRingName(run.ring)) {
    throw ConfigError("--ring: expected 1-200 characters of A-Z a-z 0-9 _ . -, got \"" + run.ring + "\"");
  }
  if (!feed::IsValidSubscriberName(run.subscriber.name)) {
    throw ConfigError("--name: expected 1-64 characters of A-Z a-z 0-9 _ . -, got \"" +
                      run.subscriber.name + "\"");
  }
  run.show_progress = o.progress == "always" || (o.progress == "auto" && feed::cli::StderrIsTerminal());
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "feed_subscriber: attaches to a ring written by feed_publisher, verifies and decodes it.\n\n"
      "Checks every message's XXH3 checksum and sequence number, decodes ITCH 5.0 and IEX "
      "TOPS 1.6 / DEEP 1.0 (every message type, each at its specified length; timestamped "
      "lines are counted and checksummed), counts messages per type, measures publish-to-"
      "receive latency and, at the end-of-stream record, compares the count and digest with "
      "the publisher's. Attaches at the live end. If the writer overruns it (lapped), it "
      "prints one line saying how far behind it was and exits 3; it never delivers torn data.\n",
      "feed_subscriber"};
  Options o;
  app.add_option("--config", o.config_path, "Scenario YAML: take the ring and the subscriber --name from it");
  app.add_option("--ring", o.ring, "Ring name (the segment is /dev/shm/ringlib.NAME)");
  app.add_option("--name", o.name, "Name in messages and summaries (default \"subscriber\")");
  app.add_option("--idle", o.idle, "How to wait: futex (default: sleeps, no CPU), yield or spin");
  app.add_option("--spin", o.spin,
                 fmt::format("With futex or yield: poll this long before sleeping or yielding, e.g. "
                             "50us (default {}us). Longer than a wake-up takes (~30us on a VM) gives "
                             "a subscriber with a core of its own spin-like latency, at that much "
                             "CPU per quiet gap; on a busy machine it takes CPU from the publisher",
                             ringlib::CircularBuffer::kDefaultSpinBeforeIdle.count() / 1000));
  app.add_option("--catch-up-backoff", o.catch_up_backoff,
                 "Throughput at a latency cost (default 0: off): having read two or more messages "
                 "without waiting and then caught up with the publisher, wait this long (e.g. 4us) "
                 "before looking again, so the publisher gets whole cache lines ahead instead of "
                 "handing each line over to this subscriber. A message arriving meanwhile is read "
                 "up to this much later; one message per wait (a paced feed) never waits");
  app.add_option("--throttle-delay", o.throttle_delay, "Be slow on purpose: wait this long after each message, e.g. 200us");
  app.add_option("--max-rate", o.max_rate, "Be slow on purpose: at most N messages/s");
  app.add_option("--attach-timeout", o.attach_timeout, "How long to wait for the ring to appear (default 10s)");
  app.add_flag("--lossless", o.lossless,
               "Hold a publisher started with --lossless back until this subscriber has read "
               "each message (taken from the scenario's ring.lossless with --config)");
  app.add_flag("--json", o.json, "Print the summary as one line of JSON");
  app.add_option("--progress", o.progress, "auto (on a terminal), always or never");
  app.footer(feed::cli::ExitCodeHelp());
  return feed::RunProgram(app, argc, argv, "feed_subscriber", o.json, [&] { return BuildRun(o, app); },
                          [](const auto& run, const auto& stop) { return feed::RunSubscriber(run, stop); });
}
