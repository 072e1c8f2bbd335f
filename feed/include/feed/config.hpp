// The one configuration loader. A scenario YAML file describes a whole run:
// the ring, the publisher, the subscribers and the run limits. The schema,
// with every key, type, default and range, is in docs/config.md.
//
// The structs are also the programs' standalone settings: feed_publisher and
// feed_subscriber fill them from the command line (defaults below match the
// YAML defaults) and reuse ParseSize / ParseDurationNs and the range constants.
// Times are stored in nanoseconds whatever unit the YAML key uses.
#pragma once

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "feed/exit_codes.hpp"
#include "feed/format.hpp"
#include "feed/pacing.hpp"

namespace feed {

// Any problem with a configuration: the message names the file, the 1-based
// line, the key path and what was expected, e.g.
//   configs/demo.yaml:14: subscribers[1].expect: expected one of complete, lapped, got "lap"
class ConfigError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// ---- Ranges (shared by the YAML loader and the command-line parsers) -------
inline constexpr std::size_t kMaxRingNameLength = 200;
inline constexpr std::uint64_t kMinRingCapacityBytes = std::uint64_t{4} << 10;   // 4 KiB
inline constexpr std::uint64_t kMaxRingCapacityBytes = std::uint64_t{16} << 30;  // 16 GiB
inline constexpr std::uint64_t kDefaultRingCapacityBytes = std::uint64_t{1} << 20;
inline constexpr std::uint64_t kMinMaxSleepNs = 1'000'000;          // 1 ms
inline constexpr std::uint64_t kMaxMaxSleepNs = 3'600'000'000'000;  // 1 h
inline constexpr double kMaxStopAfterSeconds = 31'536'000.0;        // 365 days
inline constexpr std::size_t kMaxSubscriberNameLength = 64;
inline constexpr std::size_t kMaxSubscribers = 64;
inline constexpr std::uint64_t kMaxThrottleDelayNs = 10'000'000'000;    // 10 s per message
inline constexpr std::uint64_t kMaxThrottleRate = 1'000'000'000;        // messages/s
inline constexpr std::uint64_t kMaxStartAfterNs = 3'600'000'000'000;    // 1 h
inline constexpr std::uint64_t kMaxSpinNs = 1'000'000'000;              // 1 s before idling
inline constexpr std::uint64_t kMaxCatchUpBackoffNs = 1'000'000'000;    // 1 s
inline constexpr std::uint64_t kMaxSubscriberWaitNs = 600'000'000'000;  // 10 min
inline constexpr std::uint64_t kMaxRunTimeoutNs = 86'400'000'000'000;   // 1 day

// [A-Za-z0-9_.-]{1,200}: safe as a POSIX shared-memory name after a '/'.
bool IsValidRingName(std::string_view name) noexcept;
// A power of two in [kMinRingCapacityBytes, kMaxRingCapacityBytes].
bool IsValidRingCapacity(std::uint64_t capacity_bytes) noexcept;
// [A-Za-z0-9_.-]{1,64}.
bool IsValidSubscriberName(std::string_view name) noexcept;

// "65536", "64KiB", "64 KiB", "1MiB", "1GiB", "1TiB", "512B" -> bytes.
// Binary (IEC) suffixes only, case-sensitive; nullopt on anything else or overflow.
std::optional<std::uint64_t> ParseSize(std::string_view text) noexcept;
// Bytes as the shortest exact IEC form: 65536 -> "64KiB", 1000 -> "1000B".
std::string FormatSize(std::uint64_t bytes);
// "250ms", "1.5s", "100us", "10ns", "2m", "1h" -> nanoseconds (unit required,
// decimal fractions allowed, truncated to whole ns); nullopt on error or overflow.
std::optional<std::uint64_t> ParseDurationNs(std::string_view text) noexcept;

// ---- Sections --------------------------------------------------------------
struct RingConfig {
  std::string name;  // required
  std::uint64_t capacity_bytes = kDefaultRingCapacityBytes;
  // Lossless ("tethered") replay: the publisher waits for its subscribers
  // instead of overwriting what they have not read, so nobody is lapped and
  // the slowest subscriber sets the pace. Default: the publisher never waits.
  bool lossless = false;
};

// What the publisher does with a bad record (truncated, oversized, malformed
// framing): stop the run with exit code 2, or report it and go on.
enum class OnInputError : std::uint8_t { kStop = 0, kSkip = 1 };
std::string_view OnInputErrorName(OnInputError policy) noexcept;  // "stop", "skip"
std::optional<OnInputError> ParseOnInputError(std::string_view name) noexcept;

struct PublisherConfig {
  std::string input;             // required; resolved against the YAML file's directory
  std::optional<Format> format;  // nullopt = auto (detect from the file)
  PaceConfig pace;
  std::uint64_t loops = 1;                // 0 = forever
  std::uint64_t stop_after_messages = 0;  // 0 = no limit
  std::uint64_t stop_after_ns = 0;        // 0 = no limit
  RecordedWindow window;                  // default: everything
  std::uint64_t max_sleep_ns = kDefaultMaxSleepNs;
  OnInputError on_input_error = OnInputError::kStop;  // YAML on_input_error
  bool loops_forever() const noexcept { return loops == 0; }
};

// What a scenario expects of a subscriber.
enum class Expectation : std::uint8_t { kComplete = 0, kLapped = 1 };
std::string_view ExpectationName(Expectation expectation) noexcept;  // "complete", "lapped"
std::optional<Expectation> ParseExpectation(std::string_view name) noexcept;
// complete <=> the subscriber exited kSuccess; lapped <=> it exited kLapped.
bool ExpectationHeld(Expectation expectation, ExitCode subscriber_exit) noexcept;

// How a subscriber waits for the next message.
enum class IdleStrategy : std::uint8_t { kSpin = 0, kYield = 1, kFutex = 2 };
std::string_view IdleStrategyName(IdleStrategy idle) noexcept;  // "spin", "yield", "futex"
std::optional<IdleStrategy> ParseIdleStrategy(std::string_view name) noexcept;

// Deliberate slowness, to make a subscriber fall behind.
struct ThrottleConfig {
  std::uint64_t delay_ns = 0;  // busy delay after each message; YAML delay_us; 0 = none
  std::uint64_t max_rate = 0;  // messages per second; 0 = unlimited
  bool active() const noexcept { return delay_ns != 0 || max_rate != 0; }
};

struct SubscriberConfig {
  std::string name;  // required, unique in a scenario
  Expectation expect = Expectation::kComplete;
  IdleStrategy idle = IdleStrategy::kFutex;
  // How long to poll before yielding or sleeping (YAML spin_us): ringlib's
  // ReaderOptions::spin_before_idle. Unset: ringlib's default.
  std::optional<std::uint64_t> spin_ns;
  // Throughput at a latency cost (YAML catch_up_backoff_us; 0 = off):
  // ringlib's ReaderOptions::catch_up_backoff. Having caught up with a
  // publisher that streams, wait this long before looking again, so that
  // the publisher gets whole lines ahead.
  std::uint64_t catch_up_backoff_ns = 0;
  ThrottleConfig throttle;
  std::uint64_t start_after_ns = 0;  // YAML start_after_ms: started late, joins at the live end
};

// feed_replay's own settings.
struct RunConfig {
  // The publisher waits up to this long for the subscribers that start at
  // once (start_after_ms 0) to attach before its first message.
  std::uint64_t subscriber_wait_ns = 2'000'000'000;
  // Everything still running after this long is stopped and the run fails.
  std::uint64_t timeout_ns = 300'000'000'000;
};

struct ScenarioConfig {
  std::string source_path;  // the YAML file (or display name) it was loaded from
  RingConfig ring;
  PublisherConfig publisher;
  std::vector<SubscriberConfig> subscribers;
  RunConfig run;
};

// Throws ConfigError (file, line, key, expectation) on any problem, including
// an unreadable file and YAML syntax errors.
ScenarioConfig LoadScenario(const std::string& path);
// For tests and embedded scenarios: display_name stands for the file name in
// messages; relative inputs resolve against base_dir (default: the current
// directory).
ScenarioConfig LoadScenarioFromString(std::string_view text, const std::string& display_name,
                                      const std::string& base_dir = {});

// The subscriber with this name, or nullptr.
const SubscriberConfig* FindSubscriber(const ScenarioConfig& scenario,
                                       std::string_view name) noexcept;

}  // namespace feed
