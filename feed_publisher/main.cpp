// feed_publisher: replays a recorded market-data feed into a ring.
#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include <cstdio>

#include "feed/cli.hpp"
#include "feed/config.hpp"
#include "feed/replay.hpp"
#include "feed/program.hpp"

namespace {

struct Options {
  std::string config_path;
  std::string ring;
  std::string capacity;
  std::string input;
  std::string format;
  std::string pace;
  std::uint64_t rate = 0;
  double speed = 0;
  std::string loop;
  std::uint64_t stop_after_messages = 0;
  std::string stop_after;
  std::uint64_t window_start_ns = 0;
  std::uint64_t window_end_ns = 0;
  std::string max_sleep;
  std::string on_input_error;
  std::uint64_t wait_subscribers = 0;
  std::string wait_timeout = "2s";
  std::string mode = "0600";
  bool lossless = false;
  bool json = false;
  std::string progress = "auto";
};

feed::PublisherRun BuildRun(const Options& o, const CLI::App& app) {
  using feed::ConfigError;
  feed::PublisherRun run;
  if (!o.config_path.empty()) {
    const feed::ScenarioConfig scenario = feed::LoadScenario(o.config_path);
    run.ring = scenario.ring;
    run.publisher = scenario.publisher;
    run.subscriber_wait_ns = scenario.run.subscriber_wait_ns;
  }
  auto given = [&app](const char* name) { return app.count(name) > 0; };
  if (given("--ring")) run.ring.name = o.ring;
  if (given("--capacity")) run.ring.capacity_bytes = feed::cli::SizeOption("--capacity", o.capacity);
  if (given("--lossless")) run.ring.lossless = true;
  if (given("--input")) run.publisher.input = o.input;
  if (given("--format")) {
    if (o.format == "auto") {
      run.publisher.format.reset();
    } else if (const auto format = feed::ParseFormat(o.format)) {
      run.publisher.format = format;
    } else {
      throw ConfigError("--format: expected one of auto, itch, pcap, lines, recording, got \"" +
                        o.format + "\"");
    }
  }
  if (given("--pace")) {
    const auto mode = feed::ParsePaceMode(o.pace);
    if (!mode) {
      throw ConfigError("--pace: expected one of top, messages_per_second, bytes_per_second, "
                        "recorded, got \"" + o.pace + "\"");
    }
    run.publisher.pace.mode = *mode;
  }
  if (given("--rate")) run.publisher.pace.rate = o.rate;
  if (given("--speed")) run.publisher.pace.speed = o.speed;
  if (given("--loop")) {
    if (o.loop == "forever") {
      run.publisher.loops = 0;
    } else {
      try {
        run.publisher.loops = std::stoull(o.loop);
      } catch (const std::exception&) {
        throw ConfigError("--loop: expected a count >= 1 or \"forever\", got \"" + o.loop + "\"");
      }
      if (run.publisher.loops == 0) throw ConfigError("--loop: expected a count >= 1 or \"forever\", got 0");
    }
  }
  if (given("--stop-after-messages")) run.publisher.stop_after_messages = o.stop_after_messages;
  if (given("--stop-after")) {
    run.publisher.stop_after_ns = feed::cli::DurationOption("--stop-after", o.stop_after);
  }
  if (given("--window-start-ns")) run.publisher.window.start_ns = o.window_start_ns;
  if (given("--window-end-ns")) run.publisher.window.end_ns = o.window_end_ns;
  if (given("--max-sleep")) {
    run.publisher.max_sleep_ns = feed::cli::DurationOption("--max-sleep", o.max_sleep);
  }
  if (given("--on-input-error")) {
    const auto policy = feed::ParseOnInputError(o.on_input_error);
    if (!policy) throw ConfigError("--on-input-error: expected stop or skip, got \"" + o.on_input_error + "\"");
    run.publisher.on_input_error = *policy;
  }
  run.wait_for_subscribers = o.wait_subscribers;
  if (given("--wait-timeout")) {
    run.subscriber_wait_ns = feed::cli::DurationOption("--wait-timeout", o.wait_timeout);
  }
  run.ring_mode = static_cast<mode_t>(std::stoul(o.mode, nullptr, 8));

  // The same checks as the YAML loader, for values that came from flags.
  if (run.ring.name.empty()) throw ConfigError("--ring: required (or --config with a ring section)");
  if (!feed::IsValidRingName(run.ring.name)) {
    throw ConfigError("--ring: expected 1-200 characters of A-Z a-z 0-9 _ . -, got \"" +
                      run.ring.name + "\"");
  }
  if (!feed::IsValidRingCapacity(run.ring.capacity_bytes)) {
    throw ConfigError(fmt::format("--capacity: expected a power of two from 4KiB to 16GiB, got {}",
                                  run.ring.capacity_bytes));
  }
  if (run.publisher.input.empty()) throw ConfigError("--input: required (or --config)");
  const auto& pace = run.publisher.pace;
  if ((pace.mode == feed::PaceMode::kMessagesPerSecond || pace.mode == feed::PaceMode::kBytesPerSecond) &&
      (pace.rate == 0 || pace.rate > feed::kMaxPaceRate)) {
    throw ConfigError(fmt::format("--rate: expected 1 to {} with --pace {}, got {}", feed::kMaxPaceRate,
                                  feed::PaceModeName(pace.mode), pace.rate));
  }
  if (pace.mode == feed::PaceMode::kRecorded && !(pace.speed >= feed::kMinSpeed && pace.speed <= feed::kMaxSpeed)) {
    throw ConfigError(fmt::format("--speed: expected {} to {}, got {}", feed::kMinSpeed, feed::kMaxSpeed,
                                  pace.speed));
  }
  if (run.publisher.max_sleep_ns < feed::kMinMaxSleepNs || run.publisher.max_sleep_ns > feed::kMaxMaxSleepNs) {
    throw ConfigError("--max-sleep: expected 1ms to 1h");
  }
  if (run.publisher.window.start_ns >= run.publisher.window.end_ns) {
    throw ConfigError("--window-start-ns must be below --window-end-ns");
  }
  run.show_progress = o.progress == "always" || (o.progress == "auto" && feed::cli::StderrIsTerminal());
  return run;
}

}  // namespace

int main(int argc, char** argv) {
  CLI::App app{
      "feed_publisher: replays a recorded market-data feed into a shared-memory ring.\n\n"
      "Every message is sent with an envelope (sequence number, publish time, XXH3 checksum) "
      "between a start-of-stream and an end-of-stream record carrying the count and a digest, "
      "so feed_subscriber can prove it received everything intact. Inputs: ITCH 5.0 BinaryFILE, "
      "pcap of IEX-TP (TOPS 1.6 / DEEP 1.0), timestamped lines, the project's own recording "
      "format (detected by content). The schedule is absolute from one start point: no drift, "
      "late messages are sent at once, no single sleep is longer than --max-sleep. SIGINT or "
      "SIGTERM ends the stream cleanly (exit 0).\n",
      "feed_publisher"};
  Options o;
  app.add_option("--config", o.config_path,
                 "Scenario YAML: take the ring and publisher sections from it (flags override)");
  app.add_option("--ring", o.ring, "Ring name (the segment is /dev/shm/ringlib.NAME)");
  app.add_option("--capacity", o.capacity, "Ring capacity, a power of two, 4KiB..16GiB (default 1MiB)");
  app.add_option("--input", o.input, "Recording to replay");
  app.add_option("--format", o.format, "auto (default), itch, pcap, lines or recording");
  app.add_option("--pace", o.pace, "top (default), messages_per_second, bytes_per_second or recorded");
  app.add_option("--rate", o.rate, "Messages/s or bytes/s for the rate paces");
  app.add_option("--speed", o.speed, "Recorded pace: speed factor (2 = twice as fast; default 1)");
  app.add_option("--loop", o.loop, "Replay the file N times, or \"forever\" (default 1)");
  app.add_option("--stop-after-messages", o.stop_after_messages, "Stop after this many messages");
  app.add_option("--stop-after", o.stop_after, "Stop after this long, e.g. 30s");
  app.add_option("--window-start-ns", o.window_start_ns, "Only recorded times >= this (ns, as recorded)");
  app.add_option("--window-end-ns", o.window_end_ns, "Only recorded times < this (ns, as recorded)");
  app.add_option("--max-sleep", o.max_sleep, "Longest single sleep, e.g. 1s (default): caps recorded gaps");
  app.add_option("--on-input-error", o.on_input_error,
                 "stop (default: exit 2 at a bad record) or skip (report it and go on)");
  app.add_option("--wait-subscribers", o.wait_subscribers,
                 "Wait until N readers are attached before the first message");
  app.add_option("--wait-timeout", o.wait_timeout, "How long to wait for them (default 2s)");
  app.add_option("--mode", o.mode, "Segment permissions, octal (default 0600: owner only)");
  app.add_flag("--lossless", o.lossless,
               "Wait for subscribers started with --lossless instead of overwriting what they have "
               "not read: nobody is lapped, the slowest sets the pace (default: never wait)");
  app.add_flag("--json", o.json, "Print the summary as one line of JSON");
  app.add_option("--progress", o.progress, "auto (on a terminal), always or never");
  app.footer(feed::cli::ExitCodeHelp());
  return feed::RunProgram(app, argc, argv, "feed_publisher", o.json, [&] { return BuildRun(o, app); },
                          [](const auto& run, const auto& stop) { return feed::RunPublisher(run, stop); });
}
