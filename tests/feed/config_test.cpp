#include "feed/config.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

namespace feed {
namespace {

constexpr const char* kFile = "scenario.yaml";

// Loads `text` and returns the ConfigError message ("" if it loaded).
std::string ErrorOf(const std::string& text) {
  try {
    LoadScenarioFromString(text, kFile, "/base");
  } catch (const ConfigError& error) {
    return error.what();
  }
  return "";
}

// The message must start with "scenario.yaml:<line>: <key path>: " and contain `expected`.
void ExpectError(const std::string& text, int line, const std::string& key_path,
                 const std::string& expected) {
  const std::string message = ErrorOf(text);
  ASSERT_FALSE(message.empty()) << "loaded without error:\n" << text;
  const std::string prefix =
      std::string(kFile) + ":" + std::to_string(line) + ": " + key_path + ": ";
  EXPECT_EQ(message.rfind(prefix, 0), 0u)
      << "message: " << message << "\nexpected prefix: " << prefix;
  EXPECT_NE(message.find(expected), std::string::npos)
      << "message: " << message << "\nexpected: " << expected;
}

constexpr const char* kMinimal = R"(ring: { name: r }
publisher: { input: in.itch }
)";

TEST(LoadScenario, FullScenarioLoadsEveryKey) {
  const ScenarioConfig scenario = LoadScenarioFromString(R"(
ring:
  name: demo_ring.1
  capacity: 64KiB
publisher:
  input: ../data/demo.itch
  format: itch
  pace: { mode: recorded, speed: 2.5 }
  loop: forever
  stop: { after_messages: 500, after_seconds: 1.5 }
  window: { start_ns: 100, end_ns: 200 }
  max_sleep_ms: 250
subscribers:
  - name: healthy
    expect: complete
    idle: spin
    catch_up_backoff_us: 4
  - name: throttled
    throttle: { delay_us: 200, max_rate: 1000 }
    expect: lapped
    idle: yield
    spin_us: 50
    start_after_ms: 1500
run: { subscriber_wait_ms: 500, timeout_seconds: 30 }
)",
                                                         kFile, "/work/main/configs");
  EXPECT_EQ(scenario.source_path, kFile);
  EXPECT_EQ(scenario.ring.name, "demo_ring.1");
  EXPECT_EQ(scenario.ring.capacity_bytes, 65'536u);
  EXPECT_EQ(scenario.publisher.input, "/work/main/data/demo.itch");
  EXPECT_EQ(scenario.publisher.format, Format::kItch50BinaryFile);
  EXPECT_EQ(scenario.publisher.pace.mode, PaceMode::kRecorded);
  EXPECT_DOUBLE_EQ(scenario.publisher.pace.speed, 2.5);
  EXPECT_TRUE(scenario.publisher.loops_forever());
  EXPECT_EQ(scenario.publisher.stop_after_messages, 500u);
  EXPECT_EQ(scenario.publisher.stop_after_ns, 1'500'000'000u);
  EXPECT_EQ(scenario.publisher.window.start_ns, 100u);
  EXPECT_EQ(scenario.publisher.window.end_ns, 200u);
  EXPECT_EQ(scenario.publisher.max_sleep_ns, 250'000'000u);
  ASSERT_EQ(scenario.subscribers.size(), 2u);
  EXPECT_EQ(scenario.subscribers[0].name, "healthy");
  EXPECT_EQ(scenario.subscribers[0].expect, Expectation::kComplete);
  EXPECT_EQ(scenario.subscribers[0].idle, IdleStrategy::kSpin);
  EXPECT_FALSE(scenario.subscribers[0].throttle.active());
  EXPECT_EQ(scenario.subscribers[0].catch_up_backoff_ns, 4'000u);
  EXPECT_EQ(scenario.subscribers[1].catch_up_backoff_ns, 0u);  // off unless asked for
  EXPECT_EQ(scenario.subscribers[1].name, "throttled");
  EXPECT_EQ(scenario.subscribers[1].expect, Expectation::kLapped);
  EXPECT_EQ(scenario.subscribers[1].idle, IdleStrategy::kYield);
  EXPECT_EQ(scenario.subscribers[1].spin_ns, 50'000u);
  EXPECT_EQ(scenario.subscribers[1].throttle.delay_ns, 200'000u);
  EXPECT_EQ(scenario.subscribers[1].throttle.max_rate, 1'000u);
  EXPECT_EQ(scenario.subscribers[1].start_after_ns, 1'500'000'000u);
  EXPECT_EQ(scenario.run.subscriber_wait_ns, 500'000'000u);
  EXPECT_EQ(scenario.run.timeout_ns, 30'000'000'000u);
  EXPECT_EQ(FindSubscriber(scenario, "throttled"), &scenario.subscribers[1]);
  EXPECT_EQ(FindSubscriber(scenario, "nobody"), nullptr);
}

TEST(LoadScenario, OmittedKeysTakeTheDocumentedDefaults) {
  const ScenarioConfig scenario = LoadScenarioFromString(kMinimal, kFile, "/base");
  EXPECT_EQ(scenario.ring.capacity_bytes, 1u << 20);
  EXPECT_FALSE(scenario.ring.lossless);  // the publisher never waits
  EXPECT_EQ(scenario.publisher.input, "/base/in.itch");
  EXPECT_FALSE(scenario.publisher.format.has_value());  // auto
  EXPECT_EQ(scenario.publisher.pace.mode, PaceMode::kTop);
  EXPECT_EQ(scenario.publisher.loops, 1u);
  EXPECT_EQ(scenario.publisher.stop_after_messages, 0u);
  EXPECT_EQ(scenario.publisher.stop_after_ns, 0u);
  EXPECT_TRUE(scenario.publisher.window.unbounded());
  EXPECT_EQ(scenario.publisher.max_sleep_ns, 1'000'000'000u);
  EXPECT_TRUE(scenario.subscribers.empty());
  EXPECT_EQ(scenario.run.subscriber_wait_ns, 2'000'000'000u);
  EXPECT_EQ(scenario.run.timeout_ns, 300'000'000'000u);

  const ScenarioConfig with_subscriber = LoadScenarioFromString(
      std::string(kMinimal) + "subscribers: [ { name: s } ]\n", kFile, "/base");
  const SubscriberConfig& subscriber = with_subscriber.subscribers.at(0);
  EXPECT_EQ(subscriber.expect, Expectation::kComplete);
  EXPECT_EQ(subscriber.idle, IdleStrategy::kFutex);
  EXPECT_FALSE(subscriber.spin_ns.has_value());  // ringlib's default
  EXPECT_EQ(subscriber.throttle.delay_ns, 0u);
  EXPECT_EQ(subscriber.throttle.max_rate, 0u);
  EXPECT_EQ(subscriber.start_after_ns, 0u);
}

TEST(LoadScenario, AbsoluteInputPathsAreKept) {
  const auto scenario = LoadScenarioFromString(
      "ring: { name: r }\npublisher: { input: /data/x.pcap, format: pcap }\n", kFile, "/base");
  EXPECT_EQ(scenario.publisher.input, "/data/x.pcap");
  EXPECT_EQ(scenario.publisher.format, Format::kIexTpPcap);
}

TEST(LoadScenario, RelativeInputResolvesAgainstTheYamlFilesDirectory) {
  const auto directory =
      std::filesystem::temp_directory_path() / ("feed_config_test_" + std::to_string(::getpid()));
  std::filesystem::create_directories(directory / "configs");
  struct Cleanup {
    std::filesystem::path path;
    ~Cleanup() { std::filesystem::remove_all(path); }
  } cleanup{directory};
  const auto path = directory / "configs" / "s.yaml";
  std::ofstream(path) << "ring: { name: r }\npublisher: { input: ../data/demo.itch }\n";
  const ScenarioConfig scenario = LoadScenario(path.string());
  EXPECT_EQ(scenario.publisher.input, (directory / "data" / "demo.itch").string());
  EXPECT_EQ(scenario.source_path, path.string());
}

TEST(LoadScenario, UnreadableFileNamesTheFile) {
  try {
    LoadScenario("/nonexistent/dir/scenario.yaml");
    FAIL() << "expected ConfigError";
  } catch (const ConfigError& error) {
    EXPECT_NE(std::string(error.what()).find("/nonexistent/dir/scenario.yaml"), std::string::npos)
        << error.what();
  }
}

TEST(LoadScenarioErrors, UnknownKeyNamesFileLineAndKey) {
  ExpectError("ring: { name: r }\npublisher:\n  input: x\n  speed: 2\n", 4, "publisher.speed",
              "unknown key; expected one of input, format, pace, loop, stop, window, max_sleep_ms");
  ExpectError(std::string(kMinimal) + "subscriber: []\n", 3, "subscriber",
              "unknown key; expected one of ring, publisher, subscribers, run");
}

TEST(LoadScenarioErrors, UnknownKeyInsideASubscriberNamesItsIndex) {
  ExpectError(std::string(kMinimal) +
                  "subscribers:\n  - name: a\n  - name: b\n    throttle: { delay_ms: 5 }\n",
              6, "subscribers[1].throttle.delay_ms",
              "unknown key; expected one of delay_us, max_rate");
}

TEST(LoadScenarioErrors, MissingRequiredKeyNamesTheMappingLine) {
  ExpectError("publisher: { input: x }\nring:\n  capacity: 64KiB\n", 3, "ring.name",
              "required key is missing");
  ExpectError("ring: { name: r }\n", 1, "publisher", "required key is missing");
  ExpectError(std::string(kMinimal) + "subscribers:\n  - expect: lapped\n", 4,
              "subscribers[0].name", "required key is missing");
}

TEST(LoadScenarioErrors, WrongTypeSaysWhatWasExpectedAndGot) {
  ExpectError("ring: { name: r, capacity: [1, 2] }\npublisher: { input: x }\n", 1, "ring.capacity",
              "got a sequence");
  ExpectError(std::string(kMinimal) + "subscribers:\n  name: a\n", 4, "subscribers",
              "expected a sequence of subscribers, got a mapping");
  ExpectError("ring: r\npublisher: { input: x }\n", 1, "ring", "expected a mapping, got \"r\"");
  ExpectError("ring: { name: r }\npublisher: { input: x, max_sleep_ms: 1.5 }\n", 2,
              "publisher.max_sleep_ms", "expected an integer in 1..3600000, got \"1.5\"");
  ExpectError("ring: { name: r }\npublisher: { input: x, loop: sometimes }\n", 2, "publisher.loop",
              "expected an integer >= 1 or \"forever\", got \"sometimes\"");
}

TEST(LoadScenarioErrors, TopLevelThatIsNotAMappingIsAnError) {
  const std::string message = ErrorOf("- just\n- a list\n");
  EXPECT_EQ(message.rfind("scenario.yaml:1: ", 0), 0u) << message;
  EXPECT_NE(ErrorOf("").find("scenario.yaml"), std::string::npos);
}

TEST(LoadScenarioErrors, EmptyValueIsReportedOnTheKeysLine) {
  ExpectError("ring:\npublisher: { input: x }\n", 1, "ring", "expected a mapping, got null");
  ExpectError("ring: { name: r }\npublisher:\n  input:\n", 3, "publisher.input",
              "expected a file path, got null");
}

TEST(LoadScenarioErrors, EmptyFileOrSeveralDocumentsAreErrors) {
  EXPECT_EQ(ErrorOf("").rfind("scenario.yaml:1: (top level): ", 0), 0u) << ErrorOf("");
  // kMinimal is two lines, so the second document's "---" is line 3.
  ExpectError(std::string(kMinimal) + "---\nring: { name: s }\n", 3, "(top level)",
              "expected one YAML document, got 2 or more");
  // Content after an end-of-document marker is a second document too.
  ExpectError(std::string(kMinimal) + "...\nring: { name: s }\n", 4, "(top level)",
              "expected one YAML document, got 2 or more");
}

TEST(LoadScenarioErrors, InputsThatHungYamlCppLoadAllEndWithAnError) {
  // yaml-cpp 0.7's LoadAll loops forever on these (fuzz/known/): the loader
  // must return an error instead (the test's timeout is the failure mode).
  EXPECT_FALSE(ErrorOf(",").empty());
  EXPECT_FALSE(ErrorOf(std::string(",,\"\0\0\0\0\0\0\0\0y: 3001 }\n", 20)).empty());
}

TEST(LoadScenarioErrors, OutOfRangeValuesNameTheRange) {
  ExpectError("ring: { name: r }\npublisher: { input: x, max_sleep_ms: 0 }\n", 2,
              "publisher.max_sleep_ms", "expected an integer in 1..3600000, got \"0\"");
  ExpectError("ring:\n  name: r\n  capacity: 3000\npublisher: { input: x }\n", 3, "ring.capacity",
              "expected a power of two from 4KiB to 16GiB");
  ExpectError("ring:\n  name: r\n  capacity: 32GiB\npublisher: { input: x }\n", 3, "ring.capacity",
              "32GiB");
  ExpectError("ring: { name: r }\npublisher:\n  input: x\n  pace: { mode: recorded, speed: 0 }\n",
              4, "publisher.pace.speed", "expected a number in 0.001..1000000, got \"0\"");
  ExpectError("ring: { name: r }\npublisher: { input: x, loop: 0 }\n", 2, "publisher.loop",
              "got \"0\"");
  ExpectError("ring: { name: \"has space\" }\npublisher: { input: x }\n", 1, "ring.name",
              "expected 1..200 characters of A-Z a-z 0-9 _ . -, got \"has space\"");
  ExpectError(
      std::string(kMinimal) + "subscribers:\n  - name: a\n    throttle: { delay_us: 10000001 }\n",
      5, "subscribers[0].throttle.delay_us", "expected an integer in 0..10000000");
  ExpectError(std::string(kMinimal) + "subscribers:\n  - name: a\n    spin_us: 1000001\n", 5,
              "subscribers[0].spin_us", "expected an integer in 0..1000000, got \"1000001\"");
  ExpectError(std::string(kMinimal) + "subscribers:\n  - name: a\n    catch_up_backoff_us: -4\n", 5,
              "subscribers[0].catch_up_backoff_us", "expected an integer in 0..1000000, got \"-4\"");
}

TEST(LoadScenarioErrors, BadEnumListsTheChoices) {
  ExpectError(
      std::string(kMinimal) + "subscribers:\n  - name: healthy\n  - name: slow\n    expect: lap\n",
      6, "subscribers[1].expect", "expected one of complete, lapped, got \"lap\"");
  ExpectError("ring: { name: r }\npublisher: { input: x, format: csv }\n", 2, "publisher.format",
              "expected one of auto, itch, pcap, lines, recording, got \"csv\"");
  ExpectError("ring: { name: r }\npublisher:\n  input: x\n  pace:\n    mode: fast\n", 5,
              "publisher.pace.mode",
              "expected one of top, messages_per_second, bytes_per_second, recorded, got \"fast\"");
  ExpectError(std::string(kMinimal) + "subscribers: [ { name: a, idle: sleep } ]\n", 3,
              "subscribers[0].idle", "expected one of spin, yield, futex, got \"sleep\"");
}

TEST(LoadScenarioErrors, BadSizeStringIsRejected) {
  ExpectError("ring:\n  name: r\n  capacity: 64KB\npublisher: { input: x }\n", 3, "ring.capacity",
              "got \"64KB\"");
  ExpectError(
      "ring: { name: r }\npublisher:\n  input: x\n  pace: { mode: bytes_per_second, rate: 1.5MiB "
      "}\n",
      4, "publisher.pace.rate", "got \"1.5MiB\"");
}

TEST(LoadScenarioErrors, SyntaxErrorNamesFileAndLine) {
  const std::string message =
      ErrorOf("ring: { name: r }\npublisher:\n  input: x\n  pace: { mode: top\nsubscribers: []\n");
  EXPECT_EQ(message.rfind("scenario.yaml:", 0), 0u) << message;
  EXPECT_NE(message.find("YAML syntax error"), std::string::npos) << message;
  const std::string bad_indent =
      ErrorOf("ring:\n  name: r\n   capacity: 1MiB\npublisher: { input: x }\n");
  EXPECT_EQ(bad_indent.rfind("scenario.yaml:3:", 0), 0u) << bad_indent;
}

TEST(LoadScenarioErrors, PaceKeysMustMatchTheMode) {
  ExpectError("ring: { name: r }\npublisher:\n  input: x\n  pace: { mode: messages_per_second }\n",
              4, "publisher.pace.rate", "required key is missing (mode messages_per_second)");
  ExpectError("ring: { name: r }\npublisher:\n  input: x\n  pace: { mode: recorded, rate: 5 }\n", 4,
              "publisher.pace.rate",
              "applies only to modes messages_per_second and bytes_per_second");
  ExpectError("ring: { name: r }\npublisher:\n  input: x\n  pace: { speed: 2 }\n", 4,
              "publisher.pace.speed", "applies only to mode recorded, mode is top");
}

TEST(LoadScenarioErrors, WindowMustEndAfterItStarts) {
  ExpectError(
      "ring: { name: r }\npublisher:\n  input: x\n  window:\n    start_ns: 500\n    end_ns: 500\n",
      6, "publisher.window.end_ns", "expected an end after start_ns 500, got 500");
}

TEST(LoadScenarioErrors, DuplicatesAreRejected) {
  ExpectError(std::string(kMinimal) + "subscribers:\n  - name: a\n  - name: a\n", 5,
              "subscribers[1].name", "expected a unique name, \"a\" is used twice");
  ExpectError("ring: { name: r, name: s }\npublisher: { input: x }\n", 1, "ring.name",
              "duplicate key");
}

TEST(LoadScenario, LosslessRingIsReadAsABoolean) {
  const auto scenario = LoadScenarioFromString(
      "ring: { name: r, lossless: true }\npublisher: { input: x }\nsubscribers:\n  - name: a\n", kFile,
      "/");
  EXPECT_TRUE(scenario.ring.lossless);
  EXPECT_FALSE(LoadScenarioFromString("ring: { name: r, lossless: false }\npublisher: { input: x }\n",
                                      kFile, "/")
                   .ring.lossless);
}

TEST(LoadScenarioErrors, LosslessMustBeTrueOrFalseAndCannotExpectALap) {
  ExpectError("ring: { name: r, lossless: yes }\npublisher: { input: x }\n", 1, "ring.lossless",
              "expected true or false, got \"yes\"");
  ExpectError(
      "ring: { name: r, lossless: true }\npublisher: { input: x }\nsubscribers:\n  - name: a\n"
      "    expect: lapped\n",
      5, "subscribers[0].expect", "expected complete: with ring.lossless true");
}

TEST(LoadScenario, BytesRateAcceptsSizes) {
  const auto scenario = LoadScenarioFromString(
      "ring: { name: r }\npublisher:\n  input: x\n  pace: { mode: bytes_per_second, rate: 10MiB "
      "}\n",
      kFile, "/");
  EXPECT_EQ(scenario.publisher.pace.rate, 10u << 20);
}

TEST(ParseSize, AcceptsIntegersAndBinarySuffixes) {
  EXPECT_EQ(ParseSize("65536"), 65'536u);
  EXPECT_EQ(ParseSize("512B"), 512u);
  EXPECT_EQ(ParseSize("64KiB"), 65'536u);
  EXPECT_EQ(ParseSize(" 64 KiB "), 65'536u);
  EXPECT_EQ(ParseSize("1MiB"), 1u << 20);
  EXPECT_EQ(ParseSize("16GiB"), std::uint64_t{16} << 30);
  EXPECT_EQ(ParseSize("2TiB"), std::uint64_t{2} << 40);
}

TEST(ParseSize, RejectsAmbiguousOrMalformedSizes) {
  for (const char* text : {"", "KiB", "64KB", "64kib", "64 K", "1.5MiB", "-1", "0x100", "64KiBx",
                           "99999999999999999999", "16777216TiB"}) {
    EXPECT_FALSE(ParseSize(text).has_value()) << text;
  }
}

TEST(FormatSize, UsesTheLargestExactBinaryUnit) {
  EXPECT_EQ(FormatSize(65'536), "64KiB");
  EXPECT_EQ(FormatSize(1u << 20), "1MiB");
  EXPECT_EQ(FormatSize(1'000), "1000B");
  EXPECT_EQ(FormatSize(0), "0B");
  EXPECT_EQ(ParseSize(FormatSize(std::uint64_t{3} << 30)), std::uint64_t{3} << 30);
}

TEST(ParseDurationNs, AcceptsUnitsAndExactFractions) {
  EXPECT_EQ(ParseDurationNs("10ns"), 10u);
  EXPECT_EQ(ParseDurationNs("200us"), 200'000u);
  EXPECT_EQ(ParseDurationNs("250ms"), 250'000'000u);
  EXPECT_EQ(ParseDurationNs("1.5s"), 1'500'000'000u);
  EXPECT_EQ(ParseDurationNs("0.000000001s"), 1u);
  EXPECT_EQ(ParseDurationNs("2m"), 120'000'000'000u);
  EXPECT_EQ(ParseDurationNs("1h"), 3'600'000'000'000u);
  EXPECT_EQ(ParseDurationNs(" 3 s "), 3'000'000'000u);
}

TEST(ParseDurationNs, RejectsMissingUnitsAndOverflow) {
  for (const char* text : {"", "5", "s", "1.s", ".5s", "5 sec", "-1s", "1e3ms", "99999999999h"}) {
    EXPECT_FALSE(ParseDurationNs(text).has_value()) << text;
  }
}

TEST(ConfigNames, RingAndSubscriberNamesAreShmSafe) {
  EXPECT_TRUE(IsValidRingName("feed_demo-1.x"));
  EXPECT_FALSE(IsValidRingName(""));
  EXPECT_FALSE(IsValidRingName("a/b"));
  EXPECT_FALSE(IsValidRingName(std::string(201, 'a')));
  EXPECT_TRUE(IsValidRingName(std::string(200, 'a')));
  EXPECT_FALSE(IsValidSubscriberName(std::string(65, 'a')));
  EXPECT_TRUE(IsValidRingCapacity(4096));
  EXPECT_FALSE(IsValidRingCapacity(2048));
  EXPECT_FALSE(IsValidRingCapacity(4096 + 8));
  EXPECT_TRUE(IsValidRingCapacity(std::uint64_t{16} << 30));
  EXPECT_FALSE(IsValidRingCapacity(std::uint64_t{32} << 30));
}

TEST(Expectation, HoldsOnlyForTheMatchingExitCode) {
  EXPECT_TRUE(ExpectationHeld(Expectation::kComplete, ExitCode::kSuccess));
  EXPECT_FALSE(ExpectationHeld(Expectation::kComplete, ExitCode::kLapped));
  EXPECT_TRUE(ExpectationHeld(Expectation::kLapped, ExitCode::kLapped));
  EXPECT_FALSE(ExpectationHeld(Expectation::kLapped, ExitCode::kSuccess));
  EXPECT_FALSE(ExpectationHeld(Expectation::kLapped, ExitCode::kVerification));
  EXPECT_EQ(ParseExpectation(ExpectationName(Expectation::kLapped)), Expectation::kLapped);
  EXPECT_EQ(ParseIdleStrategy(IdleStrategyName(IdleStrategy::kYield)), IdleStrategy::kYield);
}

TEST(ShippedConfigs, EveryConfigInTheRepositoryLoads) {
  const std::filesystem::path configs = std::filesystem::path(RINGLIB_SOURCE_DIR) / "configs";
  std::vector<std::filesystem::path> files;
  for (const auto& entry : std::filesystem::directory_iterator(configs)) {
    if (entry.path().extension() == ".yaml") files.push_back(entry.path());
  }
  ASSERT_FALSE(files.empty()) << "no configs/*.yaml in " << configs;
  for (const auto& file : files) {
    try {
      const ScenarioConfig scenario = LoadScenario(file.string());
      EXPECT_FALSE(scenario.subscribers.empty()) << file;
    } catch (const ConfigError& error) {
      ADD_FAILURE() << error.what();
    }
  }
}

TEST(ShippedConfigs, DemoHasAHealthyAndALappedSubscriberOnTheRepositoryData) {
  const auto root = std::filesystem::path(RINGLIB_SOURCE_DIR);
  const ScenarioConfig demo = LoadScenario((root / "configs" / "demo.yaml").string());
  EXPECT_EQ(demo.publisher.input, (root / "data" / "demo.itch").lexically_normal().string());
  EXPECT_TRUE(std::filesystem::exists(demo.publisher.input)) << demo.publisher.input;
  ASSERT_EQ(demo.subscribers.size(), 2u);
  EXPECT_EQ(demo.subscribers[0].expect, Expectation::kComplete);
  EXPECT_FALSE(demo.subscribers[0].throttle.active());
  EXPECT_EQ(demo.subscribers[1].expect, Expectation::kLapped);
  EXPECT_TRUE(demo.subscribers[1].throttle.active());
}

}  // namespace
}  // namespace feed

namespace {

TEST(ConfigOnInputError, DefaultsToStopAndAcceptsSkip) {
  const auto defaults = feed::LoadScenarioFromString(
      "ring: { name: r }\npublisher: { input: x.itch }\nsubscribers: [ { name: a } ]\n", "t.yaml");
  EXPECT_EQ(defaults.publisher.on_input_error, feed::OnInputError::kStop);
  const auto skip = feed::LoadScenarioFromString(
      "ring: { name: r }\npublisher: { input: x.itch, on_input_error: skip }\n"
      "subscribers: [ { name: a } ]\n",
      "t.yaml");
  EXPECT_EQ(skip.publisher.on_input_error, feed::OnInputError::kSkip);
}

TEST(ConfigOnInputError, UnknownPolicyNamesFileLineAndKey) {
  try {
    (void)feed::LoadScenarioFromString(
        "ring: { name: r }\npublisher:\n  input: x.itch\n  on_input_error: ignore\n"
        "subscribers: [ { name: a } ]\n",
        "t.yaml");
    FAIL() << "accepted on_input_error: ignore";
  } catch (const feed::ConfigError& error) {
    const std::string message = error.what();
    EXPECT_NE(message.find("t.yaml:4"), std::string::npos) << message;
    EXPECT_NE(message.find("publisher.on_input_error"), std::string::npos) << message;
    EXPECT_NE(message.find("expected one of stop, skip"), std::string::npos) << message;
  }
}

}  // namespace
