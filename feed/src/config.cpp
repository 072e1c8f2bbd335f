#include "feed/config.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <array>
#include <bit>
#include <charconv>
#include <cmath>
#include <filesystem>
#include <fstream>
#include <limits>
#include <map>
#include <sstream>
#include <utility>

namespace feed {
namespace {

constexpr std::uint64_t kNanosPerMicro = 1'000;
constexpr std::uint64_t kNanosPerMilli = 1'000'000;

bool IsNameChar(char c) noexcept {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' ||
         c == '.' || c == '-';
}

bool IsValidName(std::string_view name, std::size_t max_length) noexcept {
  return !name.empty() && name.size() <= max_length &&
         std::all_of(name.begin(), name.end(), IsNameChar);
}

std::string_view Trim(std::string_view text) noexcept {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t')) text.remove_suffix(1);
  return text;
}

// Plain decimal digits only: no sign, no base prefix, no exponent.
std::optional<std::uint64_t> ParseDecimal(std::string_view digits) noexcept {
  if (digits.empty() ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return std::nullopt;
  }
  std::uint64_t value = 0;
  const auto [end, error] = std::from_chars(digits.data(), digits.data() + digits.size(), value);
  if (error != std::errc{} || end != digits.data() + digits.size()) return std::nullopt;
  return value;
}

template <typename Enum, std::size_t N>
std::string JoinNames(const std::array<std::pair<Enum, std::string_view>, N>& names) {
  std::string joined;
  for (const auto& [value, name] : names) {
    if (!joined.empty()) joined += ", ";
    joined += name;
  }
  return joined;
}

constexpr std::array<std::pair<Expectation, std::string_view>, 2> kExpectationNames{{
    {Expectation::kComplete, "complete"},
    {Expectation::kLapped, "lapped"},
}};
constexpr std::array<std::pair<IdleStrategy, std::string_view>, 3> kIdleNames{{
    {IdleStrategy::kSpin, "spin"},
    {IdleStrategy::kYield, "yield"},
    {IdleStrategy::kFutex, "futex"},
}};
constexpr std::array<std::pair<PaceMode, std::string_view>, 4> kPaceModeChoices{{
    {PaceMode::kTop, "top"},
    {PaceMode::kMessagesPerSecond, "messages_per_second"},
    {PaceMode::kBytesPerSecond, "bytes_per_second"},
    {PaceMode::kRecorded, "recorded"},
}};

// ---- YAML walking with file/line/key-path errors ---------------------------

std::string Quote(std::string_view text) {
  std::string quoted = "\"";
  for (const char c : text) {
    if (c == '"' || c == '\\') quoted += '\\';
    quoted += c;
  }
  return quoted + "\"";
}

std::string Got(const YAML::Node& node) {
  switch (node.Type()) {
    case YAML::NodeType::Undefined:
      return "nothing";
    case YAML::NodeType::Null:
      return "null";
    case YAML::NodeType::Scalar:
      return Quote(node.Scalar());
    case YAML::NodeType::Sequence:
      return "a sequence";
    case YAML::NodeType::Map:
      return "a mapping";
  }
  return "something else";
}

class Loader {
 public:
  Loader(std::string file, std::filesystem::path base_dir)
      : file_(std::move(file)), base_dir_(std::move(base_dir)) {}

  [[noreturn]] void Fail(const YAML::Node& at, std::string_view key_path,
                         std::string_view message) const {
    YAML::Mark mark = at.Mark();
    // yaml-cpp marks an empty value ("key:" with nothing after it) where the
    // parser noticed it, often the next line; the key's own line is what a
    // reader looks for.
    if (at.IsNull()) {
      for (const auto& [value, key_mark] : null_value_keys_) {
        if (value.is(at)) mark = key_mark;
      }
    }
    if (mark.is_null() || mark.line < 0) {
      throw ConfigError(fmt::format("{}: {}: {}", file_, key_path, message));
    }
    throw ConfigError(fmt::format("{}:{}: {}: {}", file_, mark.line + 1, key_path, message));
  }

  void RememberNullValue(const YAML::Node& value, const YAML::Mark& key_mark) const {
    null_value_keys_.emplace_back(value, key_mark);
  }

  // A mapping whose keys are checked against `allowed`; gives access to its values.
  class Map {
   public:
    Map(const Loader& loader, const YAML::Node& node, std::string path,
        std::initializer_list<std::string_view> allowed)
        : loader_(loader), node_(node), path_(std::move(path)) {
      if (!node.IsMap())
        loader.Fail(node, path_, fmt::format("expected a mapping, got {}", Got(node)));
      for (auto it = node.begin(); it != node.end(); ++it) {
        const YAML::Node key = it->first;
        if (!key.IsScalar())
          loader.Fail(key, path_, fmt::format("expected scalar keys, got {}", Got(key)));
        const std::string& name = key.Scalar();
        const std::string key_path = Child(name);
        if (std::find(allowed.begin(), allowed.end(), name) == allowed.end()) {
          std::string choices;
          for (const auto allowed_name : allowed) {
            if (!choices.empty()) choices += ", ";
            choices += allowed_name;
          }
          loader.Fail(key, key_path, fmt::format("unknown key; expected one of {}", choices));
        }
        if (!entries_.emplace(name, it->second).second) {
          loader.Fail(key, key_path, "duplicate key");
        }
        if (it->second.IsNull()) loader.RememberNullValue(it->second, key.Mark());
      }
    }

    std::string Child(std::string_view key) const {
      return path_.empty() ? std::string(key) : fmt::format("{}.{}", path_, key);
    }
    // The value, or nullopt when the key is absent.
    std::optional<YAML::Node> Find(std::string_view key) const {
      const auto it = entries_.find(std::string(key));
      if (it == entries_.end()) return std::nullopt;
      return it->second;
    }
    YAML::Node Require(std::string_view key) const {
      auto value = Find(key);
      if (!value) loader_.Fail(node_, Child(key), "required key is missing");
      return *value;
    }
    const YAML::Node& node() const { return node_; }

   private:
    const Loader& loader_;
    YAML::Node node_;
    std::string path_;
    std::map<std::string, YAML::Node, std::less<>> entries_;
  };

  std::string Scalar(const YAML::Node& node, std::string_view path,
                     std::string_view expected) const {
    if (!node.IsScalar()) Fail(node, path, fmt::format("expected {}, got {}", expected, Got(node)));
    return node.Scalar();
  }

  std::uint64_t Uint(const YAML::Node& node, std::string_view path, std::uint64_t min,
                     std::uint64_t max) const {
    const std::string expected = fmt::format("an integer in {}..{}", min, max);
    const std::string text = Scalar(node, path, expected);
    const auto value = ParseDecimal(Trim(text));
    if (!value || *value < min || *value > max) {
      Fail(node, path, fmt::format("expected {}, got {}", expected, Quote(text)));
    }
    return *value;
  }

  double Number(const YAML::Node& node, std::string_view path, double min, double max) const {
    const std::string expected = fmt::format("a number in {}..{}", min, max);
    const std::string text = Scalar(node, path, expected);
    const std::string_view trimmed = Trim(text);
    double value = 0.0;
    const auto [end, error] =
        std::from_chars(trimmed.data(), trimmed.data() + trimmed.size(), value);
    if (trimmed.empty() || error != std::errc{} || end != trimmed.data() + trimmed.size() ||
        !std::isfinite(value) || value < min || value > max) {
      Fail(node, path, fmt::format("expected {}, got {}", expected, Quote(text)));
    }
    return value;
  }

  bool Bool(const YAML::Node& node, std::string_view path) const {
    const std::string text = Scalar(node, path, "true or false");
    if (text == "true") return true;
    if (text == "false") return false;
    Fail(node, path, fmt::format("expected true or false, got {}", Quote(text)));
  }

  std::uint64_t Size(const YAML::Node& node, std::string_view path,
                     std::string_view expected) const {
    const std::string text = Scalar(node, path, expected);
    const auto value = ParseSize(text);
    if (!value) Fail(node, path, fmt::format("expected {}, got {}", expected, Quote(text)));
    return *value;
  }

  template <typename Enum, std::size_t N>
  Enum Choice(const YAML::Node& node, std::string_view path,
              const std::array<std::pair<Enum, std::string_view>, N>& names) const {
    const std::string expected = fmt::format("one of {}", JoinNames(names));
    const std::string text = Scalar(node, path, expected);
    for (const auto& [value, name] : names) {
      if (name == text) return value;
    }
    Fail(node, path, fmt::format("expected {}, got {}", expected, Quote(text)));
  }

  std::string ResolvePath(const std::string& path) const {
    std::filesystem::path resolved(path);
    if (resolved.is_relative()) resolved = base_dir_ / resolved;
    return resolved.lexically_normal().string();
  }

  RingConfig LoadRing(const YAML::Node& node) const {
    const Map map(*this, node, "ring", {"name", "capacity", "lossless"});
    RingConfig ring;
    const YAML::Node name = map.Require("name");
    ring.name = Scalar(name, map.Child("name"), "a ring name");
    if (!IsValidRingName(ring.name)) {
      Fail(name, map.Child("name"),
           fmt::format("expected 1..{} characters of A-Z a-z 0-9 _ . -, got {}", kMaxRingNameLength,
                       Quote(ring.name)));
    }
    if (const auto capacity = map.Find("capacity")) {
      const std::string expected = "a power of two from 4KiB to 16GiB (e.g. 65536, 64KiB, 1MiB)";
      ring.capacity_bytes = Size(*capacity, map.Child("capacity"), expected);
      if (!IsValidRingCapacity(ring.capacity_bytes)) {
        Fail(*capacity, map.Child("capacity"),
             fmt::format("expected {}, got {}", expected, Quote(capacity->Scalar())));
      }
    }
    if (const auto lossless = map.Find("lossless")) {
      ring.lossless = Bool(*lossless, map.Child("lossless"));
    }
    return ring;
  }

  PaceConfig LoadPace(const YAML::Node& node, std::string_view path) const {
    const Map map(*this, node, std::string(path), {"mode", "rate", "speed"});
    PaceConfig pace;
    if (const auto mode = map.Find("mode"))
      pace.mode = Choice(*mode, map.Child("mode"), kPaceModeChoices);
    const bool rate_mode =
        pace.mode == PaceMode::kMessagesPerSecond || pace.mode == PaceMode::kBytesPerSecond;
    if (const auto rate = map.Find("rate")) {
      if (!rate_mode) {
        Fail(*rate, map.Child("rate"),
             fmt::format(
                 "applies only to modes messages_per_second and bytes_per_second, mode is {}",
                 PaceModeName(pace.mode)));
      }
      const std::string expected = fmt::format("a rate in 1..{} per second", kMaxPaceRate);
      if (pace.mode == PaceMode::kBytesPerSecond) {
        // Byte rates read naturally as sizes: "10MiB" per second.
        pace.rate = Size(*rate, map.Child("rate"), expected + " (an integer or a size like 10MiB)");
        if (pace.rate < 1 || pace.rate > kMaxPaceRate) {
          Fail(*rate, map.Child("rate"),
               fmt::format("expected {}, got {}", expected, Quote(rate->Scalar())));
        }
      } else {
        pace.rate = Uint(*rate, map.Child("rate"), 1, kMaxPaceRate);
      }
    } else if (rate_mode) {
      Fail(node, map.Child("rate"),
           fmt::format("required key is missing (mode {})", PaceModeName(pace.mode)));
    }
    if (const auto speed = map.Find("speed")) {
      if (pace.mode != PaceMode::kRecorded) {
        Fail(*speed, map.Child("speed"),
             fmt::format("applies only to mode recorded, mode is {}", PaceModeName(pace.mode)));
      }
      pace.speed = Number(*speed, map.Child("speed"), kMinSpeed, kMaxSpeed);
    }
    return pace;
  }

  PublisherConfig LoadPublisher(const YAML::Node& node) const {
    const Map map(*this, node, "publisher",
                  {"input", "format", "pace", "loop", "stop", "window", "max_sleep_ms",
                   "on_input_error"});
    PublisherConfig publisher;
    const YAML::Node input = map.Require("input");
    const std::string input_text = Scalar(input, map.Child("input"), "a file path");
    if (input_text.empty()) Fail(input, map.Child("input"), "expected a file path, got \"\"");
    publisher.input = ResolvePath(input_text);

    if (const auto format = map.Find("format")) {
      const std::string expected = "one of auto, itch, pcap, lines, recording";
      const std::string text = Scalar(*format, map.Child("format"), expected);
      if (text != "auto") {
        publisher.format = ParseFormat(text);
        if (!publisher.format) {
          Fail(*format, map.Child("format"),
               fmt::format("expected {}, got {}", expected, Quote(text)));
        }
      }
    }
    if (const auto pace = map.Find("pace")) publisher.pace = LoadPace(*pace, map.Child("pace"));

    if (const auto loop = map.Find("loop")) {
      const std::string path = map.Child("loop");
      const std::string expected = "an integer >= 1 or \"forever\"";
      const std::string text = Scalar(*loop, path, expected);
      if (text == "forever") {
        publisher.loops = 0;
      } else {
        const auto loops = ParseDecimal(Trim(text));
        if (!loops || *loops == 0)
          Fail(*loop, path, fmt::format("expected {}, got {}", expected, Quote(text)));
        publisher.loops = *loops;
      }
    }

    if (const auto stop = map.Find("stop")) {
      const Map stop_map(*this, *stop, map.Child("stop"), {"after_messages", "after_seconds"});
      if (const auto messages = stop_map.Find("after_messages")) {
        publisher.stop_after_messages = Uint(*messages, stop_map.Child("after_messages"), 0,
                                             std::numeric_limits<std::uint64_t>::max());
      }
      if (const auto seconds = stop_map.Find("after_seconds")) {
        const double value =
            Number(*seconds, stop_map.Child("after_seconds"), 0.0, kMaxStopAfterSeconds);
        publisher.stop_after_ns = static_cast<std::uint64_t>(std::llround(value * 1e9));
      }
    }

    if (const auto window = map.Find("window")) {
      const Map window_map(*this, *window, map.Child("window"), {"start_ns", "end_ns"});
      constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
      if (const auto start = window_map.Find("start_ns")) {
        publisher.window.start_ns = Uint(*start, window_map.Child("start_ns"), 0, kMax - 1);
      }
      if (const auto end = window_map.Find("end_ns")) {
        publisher.window.end_ns = Uint(*end, window_map.Child("end_ns"), 1, kMax);
        if (publisher.window.end_ns <= publisher.window.start_ns) {
          Fail(*end, window_map.Child("end_ns"),
               fmt::format("expected an end after start_ns {}, got {}", publisher.window.start_ns,
                           publisher.window.end_ns));
        }
      }
    }

    if (const auto max_sleep = map.Find("max_sleep_ms")) {
      publisher.max_sleep_ns =
          Uint(*max_sleep, map.Child("max_sleep_ms"), kMinMaxSleepNs / kNanosPerMilli,
               kMaxMaxSleepNs / kNanosPerMilli) *
          kNanosPerMilli;
    }
    if (const auto on_error = map.Find("on_input_error")) {
      const std::string text = Scalar(*on_error, map.Child("on_input_error"), "one of stop, skip");
      const auto policy = ParseOnInputError(text);
      if (!policy) {
        Fail(*on_error, map.Child("on_input_error"),
             fmt::format("expected one of stop, skip, got {}", Quote(text)));
      }
      publisher.on_input_error = *policy;
    }
    return publisher;
  }

  SubscriberConfig LoadSubscriber(const YAML::Node& node, const std::string& path) const {
    const Map map(*this, node, path, {"name", "expect", "idle", "spin_us", "catch_up_backoff_us", "throttle",
                                         "start_after_ms"});
    SubscriberConfig subscriber;
    const YAML::Node name = map.Require("name");
    subscriber.name = Scalar(name, map.Child("name"), "a subscriber name");
    if (!IsValidSubscriberName(subscriber.name)) {
      Fail(name, map.Child("name"),
           fmt::format("expected 1..{} characters of A-Z a-z 0-9 _ . -, got {}",
                       kMaxSubscriberNameLength, Quote(subscriber.name)));
    }
    if (const auto expect = map.Find("expect")) {
      subscriber.expect = Choice(*expect, map.Child("expect"), kExpectationNames);
    }
    if (const auto idle = map.Find("idle"))
      subscriber.idle = Choice(*idle, map.Child("idle"), kIdleNames);
    if (const auto spin = map.Find("spin_us")) {
      subscriber.spin_ns = Uint(*spin, map.Child("spin_us"), 0, kMaxSpinNs / kNanosPerMicro) * kNanosPerMicro;
    }
    if (const auto backoff = map.Find("catch_up_backoff_us")) {
      subscriber.catch_up_backoff_ns =
          Uint(*backoff, map.Child("catch_up_backoff_us"), 0, kMaxCatchUpBackoffNs / kNanosPerMicro) *
          kNanosPerMicro;
    }
    if (const auto throttle = map.Find("throttle")) {
      const Map throttle_map(*this, *throttle, map.Child("throttle"), {"delay_us", "max_rate"});
      if (const auto delay = throttle_map.Find("delay_us")) {
        subscriber.throttle.delay_ns =
            Uint(*delay, throttle_map.Child("delay_us"), 0, kMaxThrottleDelayNs / kNanosPerMicro) *
            kNanosPerMicro;
      }
      if (const auto rate = throttle_map.Find("max_rate")) {
        subscriber.throttle.max_rate =
            Uint(*rate, throttle_map.Child("max_rate"), 0, kMaxThrottleRate);
      }
    }
    if (const auto start_after = map.Find("start_after_ms")) {
      subscriber.start_after_ns =
          Uint(*start_after, map.Child("start_after_ms"), 0, kMaxStartAfterNs / kNanosPerMilli) *
          kNanosPerMilli;
    }
    return subscriber;
  }

  RunConfig LoadRun(const YAML::Node& node) const {
    const Map map(*this, node, "run", {"subscriber_wait_ms", "timeout_seconds"});
    RunConfig run;
    if (const auto wait = map.Find("subscriber_wait_ms")) {
      run.subscriber_wait_ns =
          Uint(*wait, map.Child("subscriber_wait_ms"), 0, kMaxSubscriberWaitNs / kNanosPerMilli) *
          kNanosPerMilli;
    }
    if (const auto timeout = map.Find("timeout_seconds")) {
      run.timeout_ns =
          Uint(*timeout, map.Child("timeout_seconds"), 1, kMaxRunTimeoutNs / kNanosPerSecond) *
          kNanosPerSecond;
    }
    return run;
  }

  ScenarioConfig LoadScenario(const YAML::Node& root) const {
    if (!root.IsMap()) {
      Fail(root, "(top level)",
           fmt::format("expected a mapping with ring, publisher, subscribers, got {}", Got(root)));
    }
    const Map map(*this, root, "", {"ring", "publisher", "subscribers", "run"});
    ScenarioConfig scenario;
    scenario.source_path = file_;
    scenario.ring = LoadRing(map.Require("ring"));
    scenario.publisher = LoadPublisher(map.Require("publisher"));
    if (const auto subscribers = map.Find("subscribers")) {
      if (!subscribers->IsSequence()) {
        Fail(*subscribers, "subscribers",
             fmt::format("expected a sequence of subscribers, got {}", Got(*subscribers)));
      }
      if (subscribers->size() > kMaxSubscribers) {
        Fail(*subscribers, "subscribers",
             fmt::format("expected at most {} subscribers, got {}", kMaxSubscribers,
                         subscribers->size()));
      }
      for (std::size_t index = 0; index < subscribers->size(); ++index) {
        const YAML::Node entry = (*subscribers)[index];
        const std::string path = fmt::format("subscribers[{}]", index);
        SubscriberConfig subscriber = LoadSubscriber(entry, path);
        if (FindSubscriber(scenario, subscriber.name) != nullptr) {
          Fail(entry, path + ".name",
               fmt::format("expected a unique name, {} is used twice", Quote(subscriber.name)));
        }
        if (scenario.ring.lossless && subscriber.expect == Expectation::kLapped) {
          const YAML::Node expect = entry["expect"];
          Fail(expect, path + ".expect",
               "expected complete: with ring.lossless true the publisher waits for every "
               "subscriber, so none can be lapped");
        }
        scenario.subscribers.push_back(std::move(subscriber));
      }
    }
    if (const auto run = map.Find("run")) scenario.run = LoadRun(*run);
    return scenario;
  }

  ScenarioConfig Parse(std::string_view text) const {
    // One document, loaded with YAML::Load. Not LoadAll: in yaml-cpp 0.7 it
    // can loop forever, allocating, on some malformed input (a lone ",";
    // yaml-cpp issue 1040; found by fuzz/config_yaml). A second document is
    // found by its marker instead, and refused.
    YAML::Node root;
    try {
      root = YAML::Load(std::string(text));
    } catch (const YAML::ParserException& error) {
      throw ConfigError(fmt::format("{}:{}:{}: YAML syntax error: {}", file_, error.mark.line + 1,
                                    error.mark.column + 1, error.msg));
    }
    if (root.IsNull()) {
      throw ConfigError(
          fmt::format("{}:1: (top level): expected a mapping with ring, publisher, subscribers, "
                      "got an empty document",
                      file_));
    }
    if (const std::size_t line = SecondDocumentLine(text); line != 0) {
      throw ConfigError(fmt::format("{}:{}: (top level): expected one YAML document, got 2 or more",
                                    file_, line));
    }
    try {
      return LoadScenario(root);
    } catch (const YAML::Exception& error) {
      // Defensive: a yaml-cpp conversion we did not anticipate still names the file.
      throw ConfigError(fmt::format("{}:{}: {}", file_, error.mark.line + 1, error.msg));
    }
  }

 private:
  // The 1-based line where a second YAML document starts: a "---" line after
  // content, or content after a "..." line. 0 when there is one document.
  static std::size_t SecondDocumentLine(std::string_view text) {
    bool seen_content = false;
    bool ended = false;
    std::size_t line_number = 0;
    std::size_t start = 0;
    while (start <= text.size()) {
      const std::size_t end = std::min(text.find('\n', start), text.size());
      const std::string_view line = text.substr(start, end - start);
      ++line_number;
      start = end + 1;
      auto marker = [&line](std::string_view m) {
        return line.substr(0, 3) == m && (line.size() == 3 || line[3] == ' ' || line[3] == '\t' ||
                                          line[3] == '\r');
      };
      const std::size_t first = line.find_first_not_of(" \t\r");
      const bool blank_or_comment = first == std::string_view::npos || line[first] == '#';
      if (marker("---")) {
        if (seen_content || ended) return line_number;
        continue;
      }
      if (marker("...")) {
        ended = true;
        continue;
      }
      if (blank_or_comment || line[0] == '%') continue;
      if (ended) return line_number;
      seen_content = true;
    }
    return 0;
  }

  std::string file_;
  std::filesystem::path base_dir_;
  mutable std::vector<std::pair<YAML::Node, YAML::Mark>> null_value_keys_;
};

}  // namespace

bool IsValidRingName(std::string_view name) noexcept {
  return IsValidName(name, kMaxRingNameLength);
}

bool IsValidRingCapacity(std::uint64_t capacity_bytes) noexcept {
  return std::has_single_bit(capacity_bytes) && capacity_bytes >= kMinRingCapacityBytes &&
         capacity_bytes <= kMaxRingCapacityBytes;
}

bool IsValidSubscriberName(std::string_view name) noexcept {
  return IsValidName(name, kMaxSubscriberNameLength);
}

std::optional<std::uint64_t> ParseSize(std::string_view text) noexcept {
  text = Trim(text);
  std::size_t digits_end = 0;
  while (digits_end < text.size() && text[digits_end] >= '0' && text[digits_end] <= '9')
    ++digits_end;
  const auto number = ParseDecimal(text.substr(0, digits_end));
  if (!number) return std::nullopt;
  const std::string_view suffix = Trim(text.substr(digits_end));
  constexpr std::array<std::pair<std::string_view, unsigned>, 6> kSuffixShifts{
      {{"", 0}, {"B", 0}, {"KiB", 10}, {"MiB", 20}, {"GiB", 30}, {"TiB", 40}}};
  for (const auto& [name, shift] : kSuffixShifts) {
    if (suffix != name) continue;
    if (shift != 0 && *number > (std::numeric_limits<std::uint64_t>::max() >> shift))
      return std::nullopt;
    return *number << shift;
  }
  return std::nullopt;
}

std::string FormatSize(std::uint64_t bytes) {
  constexpr std::array<std::pair<std::string_view, unsigned>, 4> kUnits{
      {{"TiB", 40}, {"GiB", 30}, {"MiB", 20}, {"KiB", 10}}};
  for (const auto& [name, shift] : kUnits) {
    const std::uint64_t unit = std::uint64_t{1} << shift;
    if (bytes != 0 && bytes % unit == 0) return fmt::format("{}{}", bytes >> shift, name);
  }
  return fmt::format("{}B", bytes);
}

std::optional<std::uint64_t> ParseDurationNs(std::string_view text) noexcept {
  text = Trim(text);
  std::size_t position = 0;
  while (position < text.size() && text[position] >= '0' && text[position] <= '9') ++position;
  const auto whole = ParseDecimal(text.substr(0, position));
  if (!whole) return std::nullopt;
  std::string_view fraction;
  if (position < text.size() && text[position] == '.') {
    const std::size_t fraction_start = ++position;
    while (position < text.size() && text[position] >= '0' && text[position] <= '9') ++position;
    fraction = text.substr(fraction_start, position - fraction_start);
    if (fraction.empty()) return std::nullopt;
  }
  const std::string_view unit = Trim(text.substr(position));
  constexpr std::array<std::pair<std::string_view, std::uint64_t>, 6> kUnits{
      {{"ns", 1},
       {"us", 1'000},
       {"ms", 1'000'000},
       {"s", 1'000'000'000},
       {"m", 60'000'000'000},
       {"h", 3'600'000'000'000}}};
  for (const auto& [name, unit_ns] : kUnits) {
    if (unit != name) continue;
    if (*whole > std::numeric_limits<std::uint64_t>::max() / unit_ns) return std::nullopt;
    std::uint64_t total = *whole * unit_ns;
    // Fraction digits, exactly: each digit is worth unit_ns / 10^k (truncated).
    Uint128 scale = unit_ns;
    Uint128 fraction_ns = 0;
    Uint128 denominator = 1;
    for (const char digit : fraction.substr(0, 20)) {
      fraction_ns = fraction_ns * 10 + static_cast<unsigned>(digit - '0');
      denominator *= 10;
    }
    const std::uint64_t extra = static_cast<std::uint64_t>(fraction_ns * scale / denominator);
    if (extra > std::numeric_limits<std::uint64_t>::max() - total) return std::nullopt;
    total += extra;
    return total;
  }
  return std::nullopt;
}

std::string_view ExpectationName(Expectation expectation) noexcept {
  for (const auto& [value, name] : kExpectationNames) {
    if (value == expectation) return name;
  }
  return "unknown";
}

std::optional<Expectation> ParseExpectation(std::string_view name) noexcept {
  for (const auto& [value, known] : kExpectationNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

bool ExpectationHeld(Expectation expectation, ExitCode subscriber_exit) noexcept {
  switch (expectation) {
    case Expectation::kComplete:
      return subscriber_exit == ExitCode::kSuccess;
    case Expectation::kLapped:
      return subscriber_exit == ExitCode::kLapped;
  }
  return false;
}

std::string_view IdleStrategyName(IdleStrategy idle) noexcept {
  for (const auto& [value, name] : kIdleNames) {
    if (value == idle) return name;
  }
  return "unknown";
}

std::optional<IdleStrategy> ParseIdleStrategy(std::string_view name) noexcept {
  for (const auto& [value, known] : kIdleNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

ScenarioConfig LoadScenario(const std::string& path) {
  std::ifstream file(path, std::ios::binary);
  if (!file) throw ConfigError(fmt::format("{}: cannot open the scenario file", path));
  std::ostringstream text;
  text << file.rdbuf();
  if (file.bad()) throw ConfigError(fmt::format("{}: cannot read the scenario file", path));
  std::filesystem::path base_dir =
      std::filesystem::absolute(std::filesystem::path(path)).parent_path();
  return Loader(path, base_dir).Parse(text.str());
}

ScenarioConfig LoadScenarioFromString(std::string_view text, const std::string& display_name,
                                      const std::string& base_dir) {
  const std::filesystem::path base =
      base_dir.empty() ? std::filesystem::current_path() : std::filesystem::absolute(base_dir);
  return Loader(display_name, base).Parse(text);
}

const SubscriberConfig* FindSubscriber(const ScenarioConfig& scenario,
                                       std::string_view name) noexcept {
  for (const auto& subscriber : scenario.subscribers) {
    if (subscriber.name == name) return &subscriber;
  }
  return nullptr;
}

}  // namespace feed

namespace feed {

std::string_view OnInputErrorName(OnInputError policy) noexcept {
  return policy == OnInputError::kSkip ? "skip" : "stop";
}

std::optional<OnInputError> ParseOnInputError(std::string_view name) noexcept {
  if (name == "stop") return OnInputError::kStop;
  if (name == "skip") return OnInputError::kSkip;
  return std::nullopt;
}

}  // namespace feed
