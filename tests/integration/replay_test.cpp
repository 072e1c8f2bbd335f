// End-to-end: the real feed_publisher, feed_subscriber and feed_replay
// binaries, on the real recordings in ../shared/data and the repository's
// own demo data. Expected counts are the ones published in the data READMEs
// (shared/data/README.md, data/README.md), never numbers produced by this
// code.
#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <map>
#include <set>
#include <sstream>
#include <vector>

#include "../ring/process.hpp"
#include "../ring/ring_test_util.hpp"
#include "feed/config.hpp"
#include "feed/summary.hpp"
#include "ringlib/circular_buffer.hpp"

namespace {

using ringtest::Process;
using ringtest::RingNameGuard;
using TypeCounts = std::map<std::string, std::uint64_t>;

const std::string kPublisher = FEED_PUBLISHER_PATH;
const std::string kSubscriber = FEED_SUBSCRIBER_PATH;
const std::string kReplay = FEED_REPLAY_PATH;
const std::string kData = RINGLIB_SHARED_DATA_DIR;
const std::string kSource = RINGLIB_SOURCE_DIR;
constexpr auto kGenerous = std::chrono::seconds(120);

std::string LastLine(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const auto at = text.rfind('\n');
  return at == std::string::npos ? text : text.substr(at + 1);
}

bool FileExists(const std::string& path) { return std::ifstream(path).good(); }

struct ReplayResult {
  int publisher_exit = -1;
  int subscriber_exit = -1;
  feed::PublisherSummary publisher;
  feed::SubscriberSummary subscriber;
  std::string publisher_err;
  std::string subscriber_err;
};

// Runs one subscriber and one publisher (their whole command lines, the
// subscriber started first) to the end and collects their summaries.
ReplayResult RunPair(const std::vector<std::string>& subscriber_argv,
                     const std::vector<std::string>& publisher_argv) {
  Process subscriber(subscriber_argv);
  Process publisher(publisher_argv);
  ReplayResult result;
  EXPECT_TRUE(publisher.WaitFor(kGenerous)) << "publisher hung";
  EXPECT_TRUE(subscriber.WaitFor(kGenerous)) << "subscriber hung";
  result.publisher_exit = publisher.exit_code();
  result.subscriber_exit = subscriber.exit_code();
  result.publisher_err = publisher.err();
  result.subscriber_err = subscriber.err();
  result.publisher = feed::ParsePublisherSummaryJson(LastLine(publisher.out()));
  result.subscriber = feed::ParseSubscriberSummaryJson(LastLine(subscriber.out()));
  return result;
}

// One publisher at top speed, one subscriber. The ring is larger than the
// whole stream, so the subscriber cannot be lapped whatever the scheduler
// does: any missing message would be a real loss.
ReplayResult ReplayAtTopSpeed(const std::string& ring, const std::string& input,
                              const std::string& capacity = "32MiB") {
  return RunPair({kSubscriber, "--ring", ring, "--name", "check", "--json", "--progress", "never"},
                 {kPublisher, "--ring", ring, "--capacity", capacity, "--input", input, "--wait-subscribers",
                  "1", "--json", "--progress", "never"});
}

void ExpectIntactReplay(const ReplayResult& result, std::uint64_t messages, const TypeCounts& types) {
  EXPECT_EQ(result.publisher_exit, 0) << result.publisher_err;
  EXPECT_EQ(result.subscriber_exit, 0) << result.subscriber_err;
  EXPECT_EQ(result.publisher.messages, messages);
  EXPECT_EQ(result.subscriber.messages, messages);
  EXPECT_EQ(result.subscriber.gaps, 0u);
  EXPECT_EQ(result.subscriber.checksum_failures, 0u);
  EXPECT_EQ(result.subscriber.decode_errors, 0u);
  EXPECT_TRUE(result.subscriber.end_of_stream);
  EXPECT_TRUE(result.subscriber.digest_match);
  EXPECT_EQ(result.subscriber.digest_actual, result.publisher.digest);
  if (!types.empty()) {
    EXPECT_EQ(result.subscriber.message_types, types);
  }
}

TEST(Replay, IexTops16SampleArrivesWithTheReadmeCountsPerType) {
  const std::string input = kData + "/iex/tops16_sample.pcap";
  if (!FileExists(input)) GTEST_SKIP() << "missing " << input;
  RingNameGuard ring;
  const auto result = ReplayAtTopSpeed(ring.name(), input);
  ExpectIntactReplay(result, 57'674,
                     {{"Q", 27'217}, {"H", 7'803}, {"P", 7'802}, {"O", 7'801}, {"T", 6'390},
                      {"A", 642}, {"D", 10}, {"S", 6}, {"B", 3}});
  EXPECT_EQ(result.publisher.payload_kind, "tops");
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

TEST(Replay, IexDeep10ExcerptArrivesWithTheReadmeCountsPerType) {
  const std::string input = kData + "/iex/deep10_excerpt.pcap";
  if (!FileExists(input)) GTEST_SKIP() << "missing " << input;
  RingNameGuard ring;
  const auto result = ReplayAtTopSpeed(ring.name(), input);
  ExpectIntactReplay(result, 48'325,
                     {{"P", 11'594}, {"O", 11'317}, {"H", 11'311}, {"I", 11'309}, {"8", 1'526},
                      {"5", 1'226}, {"T", 37}, {"D", 3}, {"S", 2}});
  EXPECT_EQ(result.publisher.payload_kind, "deep");
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

TEST(Replay, BinanceLinesUpTo64KBArriveIntact) {
  const std::string input = kData + "/crypto/binance_spot_btcusdt_20240808.txt";
  if (!FileExists(input)) GTEST_SKIP() << "missing " << input;
  RingNameGuard ring;
  const auto result = ReplayAtTopSpeed(ring.name(), input);
  ExpectIntactReplay(result, 41'249, {});
  EXPECT_EQ(result.publisher.format, "lines");
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

TEST(Replay, RepositoryDemoItchArrivesWithItsReadmeCountsPerType) {
  RingNameGuard ring;
  const auto result = ReplayAtTopSpeed(ring.name(), kSource + "/data/demo.itch");
  ExpectIntactReplay(result, 100'000,
                     {{"A", 32'891}, {"D", 28'127}, {"E", 8'966}, {"U", 8'933}, {"X", 6'005},
                      {"P", 3'959}, {"F", 3'927}, {"I", 2'495}, {"C", 1'565}, {"Y", 545},
                      {"N", 493}, {"L", 484}, {"Q", 298}, {"H", 294}, {"B", 221}, {"h", 205},
                      {"K", 201}, {"J", 194}, {"W", 101}, {"O", 81}, {"R", 8}, {"S", 6}, {"V", 1}});
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

TEST(Replay, ThrottledSubscriberIsLappedWithOneLineAndCode3WhileHealthyOneCompletes) {
  RingNameGuard ring;
  const std::string input = kSource + "/data/demo.itch";
  Process healthy({kSubscriber, "--ring", ring.name(), "--name", "healthy", "--json", "--progress", "never"});
  Process throttled({kSubscriber, "--ring", ring.name(), "--name", "slow", "--throttle-delay", "500us",
                     "--json", "--progress", "never"});
  // 1 MiB holds about 14,500 messages: 0.7 s of slack at 20,000 messages/s,
  // so the healthy one keeps up even on a loaded machine, while the slow one
  // (at most 2,000/s) falls behind by 18,000 a second and is lapped within
  // a second of a 2-second stream.
  Process publisher({kPublisher, "--ring", ring.name(), "--capacity", "1MiB", "--input", input,
                     "--pace", "messages_per_second", "--rate", "20000", "--stop-after-messages",
                     "40000", "--wait-subscribers", "2", "--json", "--progress", "never"});
  ASSERT_TRUE(publisher.WaitFor(kGenerous));
  ASSERT_TRUE(throttled.WaitFor(kGenerous));
  ASSERT_TRUE(healthy.WaitFor(kGenerous));
  EXPECT_EQ(publisher.exit_code(), 0) << publisher.err();
  EXPECT_EQ(throttled.exit_code(), 3) << throttled.err();
  const std::string lap_line = throttled.err();
  EXPECT_NE(lap_line.find("feed_subscriber slow: lapped on ring \"" + ring.name() + "\": reached sequence "),
            std::string::npos)
      << lap_line;
  EXPECT_NE(lap_line.find("bytes behind the writer"), std::string::npos) << lap_line;
  EXPECT_EQ(std::count(lap_line.begin(), lap_line.end(), '\n'), 1) << lap_line;
  const auto slow = feed::ParseSubscriberSummaryJson(LastLine(throttled.out()));
  ASSERT_TRUE(slow.lapped.has_value());
  EXPECT_GT(slow.lapped->bytes_behind, 1u << 20);
  EXPECT_EQ(slow.checksum_failures, 0u) << "a lapped reader must never deliver torn data";
  EXPECT_EQ(slow.gaps, 0u);
  EXPECT_EQ(healthy.exit_code(), 0) << healthy.err();
  const auto good = feed::ParseSubscriberSummaryJson(LastLine(healthy.out()));
  EXPECT_EQ(good.messages, 40'000u);
  EXPECT_TRUE(good.digest_match);
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

TEST(Replay, SigintEndsALoopingPublisherCleanlyAndTheSubscriberVerifiesEverything) {
  RingNameGuard ring;
  Process subscriber({kSubscriber, "--ring", ring.name(), "--json", "--progress", "never"});
  Process publisher({kPublisher, "--ring", ring.name(), "--input", kSource + "/data/demo.itch",
                     "--loop", "forever", "--pace", "messages_per_second", "--rate", "20000",
                     "--wait-subscribers", "1", "--json", "--progress", "never"});
  std::this_thread::sleep_for(std::chrono::milliseconds(700));
  publisher.Kill(SIGINT);
  ASSERT_TRUE(publisher.WaitFor(kGenerous));
  ASSERT_TRUE(subscriber.WaitFor(kGenerous));
  EXPECT_EQ(publisher.exit_code(), 0) << publisher.err();
  const auto sent = feed::ParsePublisherSummaryJson(LastLine(publisher.out()));
  EXPECT_EQ(sent.reason, "interrupted");
  EXPECT_GT(sent.messages, 0u);
  EXPECT_EQ(subscriber.exit_code(), 0) << subscriber.err();
  const auto received = feed::ParseSubscriberSummaryJson(LastLine(subscriber.out()));
  EXPECT_EQ(received.messages, sent.messages);
  EXPECT_TRUE(received.digest_match);
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

// ring.lossless: the publisher waits for its subscribers. A subscriber
// throttled to 20,000 messages/s behind a 64 KiB ring (about 900 messages)
// would be lapped within 0.05 s of a top-speed stream; here it, and a
// healthy one beside it, receive every message.
TEST(Replay, LosslessPublisherWaitsSoAThrottledSubscriberReceivesEverything) {
  RingNameGuard ring;
  const std::string input = kSource + "/data/demo.itch";
  Process healthy({kSubscriber, "--ring", ring.name(), "--name", "healthy", "--lossless", "--json",
                   "--progress", "never"});
  Process throttled({kSubscriber, "--ring", ring.name(), "--name", "slow", "--lossless", "--max-rate",
                     "20000", "--json", "--progress", "never"});
  Process publisher({kPublisher, "--ring", ring.name(), "--capacity", "64KiB", "--lossless", "--input",
                     input, "--stop-after-messages", "6000", "--wait-subscribers", "2", "--json",
                     "--progress", "never"});
  ASSERT_TRUE(publisher.WaitFor(kGenerous));
  ASSERT_TRUE(throttled.WaitFor(kGenerous));
  ASSERT_TRUE(healthy.WaitFor(kGenerous));
  EXPECT_EQ(publisher.exit_code(), 0) << publisher.err();
  const auto sent = feed::ParsePublisherSummaryJson(LastLine(publisher.out()));
  for (Process* subscriber : {&healthy, &throttled}) {
    EXPECT_EQ(subscriber->exit_code(), 0) << subscriber->err();
    const auto received = feed::ParseSubscriberSummaryJson(LastLine(subscriber->out()));
    EXPECT_FALSE(received.lapped.has_value());
    EXPECT_EQ(received.messages, 6'000u);
    EXPECT_EQ(received.gaps, 0u);
    EXPECT_TRUE(received.digest_match);
    EXPECT_EQ(received.digest_actual, sent.digest);
  }
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

// A subscriber slowed to 20,000 messages/s behind a publisher that writes
// the whole stream into a ring that holds it (in well under 100 ms) reads
// from a backlog: it waits for the publisher at the start, not per message.
// (Two lossless subscribers would not do: the healthy one, when it is off
// its CPU, holds the publisher back and the slow one can then catch up.)
TEST(Replay, SubscriberReadingABacklogReportsFewWaitsForThePublisher) {
  RingNameGuard ring;
  const ReplayResult result =
      RunPair({kSubscriber, "--ring", ring.name(), "--name", "slow", "--max-rate", "20000", "--json",
               "--progress", "never"},
              {kPublisher, "--ring", ring.name(), "--capacity", "8MiB", "--input", kSource + "/data/demo.itch",
               "--stop-after-messages", "6000", "--wait-subscribers", "1", "--json", "--progress", "never"});
  ExpectIntactReplay(result, 6'000, {});
  EXPECT_LT(result.subscriber.caught_up_waits, 100u) << "of 6,000 messages read from a backlog";
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

// --catch-up-backoff reaches ringlib and loses nothing: a lossless top-speed
// replay through a small ring, where the subscriber catches up with the
// publisher again and again, arrives whole.
TEST(Replay, SubscriberWithACatchUpBackoffReceivesEveryMessageIntact) {
  RingNameGuard ring;
  ExpectIntactReplay(RunPair({kSubscriber, "--ring", ring.name(), "--lossless", "--catch-up-backoff", "4us",
                              "--json", "--progress", "never"},
                             {kPublisher, "--ring", ring.name(), "--capacity", "64KiB", "--lossless", "--input",
                              kSource + "/data/demo.itch", "--wait-subscribers", "1", "--json", "--progress",
                              "never"}),
                     100'000, {});
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

// A subscriber fed 20 messages 10 ms apart has read everything before each
// one arrives: it reports waiting for the publisher before (nearly) every
// message. Fewer than 10 would need it off its CPU across 11 of the 20
// arrivals.
TEST(Replay, SubscriberOfAPacedPublisherReportsWaitingBeforeItsMessages) {
  RingNameGuard ring;
  const ReplayResult result =
      RunPair({kSubscriber, "--ring", ring.name(), "--json", "--progress", "never"},
              {kPublisher, "--ring", ring.name(), "--input", kSource + "/data/demo.itch", "--pace",
               "messages_per_second", "--rate", "100", "--stop-after-messages", "20", "--wait-subscribers", "1",
               "--json", "--progress", "never"});
  ExpectIntactReplay(result, 20, {});
  EXPECT_GE(result.subscriber.caught_up_waits, 10u);
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

// A lossless publisher held by a stopped subscriber (SIGSTOP) still ends on
// SIGINT: it stops waiting, writes its end-of-stream record and exits 0. The
// stopped subscriber, continued, is never torn. Whether it is lapped depends
// on where it stopped: its slot shows a position published every
// capacity / 64 bytes, so the held publisher can be up to that much short of
// a full ring ahead of it, and laps it only if it writes that much before it
// stops. Lapped: exit 3 with the lap reported. Not lapped: exit 0 with every
// message the publisher sent, intact.
TEST(Replay, SigintReleasesALosslessPublisherHeldByAStoppedSubscriber) {
  RingNameGuard ring;
  Process subscriber({kSubscriber, "--ring", ring.name(), "--lossless", "--json", "--progress", "never"});
  Process publisher({kPublisher, "--ring", ring.name(), "--capacity", "64KiB", "--lossless", "--input",
                     kSource + "/data/demo.itch", "--loop", "forever", "--wait-subscribers", "1",
                     "--json", "--progress", "never"});
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  subscriber.Kill(SIGSTOP);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  EXPECT_FALSE(publisher.WaitFor(std::chrono::milliseconds(200))) << "no subscriber to wait for?";
  publisher.Kill(SIGINT);
  EXPECT_TRUE(publisher.WaitFor(std::chrono::seconds(10))) << "SIGINT did not release the publisher";
  subscriber.Kill(SIGCONT);
  ASSERT_TRUE(subscriber.WaitFor(kGenerous));
  EXPECT_EQ(publisher.exit_code(), 0) << publisher.err();
  const auto sent = feed::ParsePublisherSummaryJson(LastLine(publisher.out()));
  EXPECT_EQ(sent.reason, "interrupted");
  const auto received = feed::ParseSubscriberSummaryJson(LastLine(subscriber.out()));
  EXPECT_EQ(received.checksum_failures, 0u);
  EXPECT_EQ(received.gaps, 0u);
  if (subscriber.exit_code() == 3) {
    EXPECT_TRUE(received.lapped.has_value()) << subscriber.err();
  } else {
    EXPECT_EQ(subscriber.exit_code(), 0) << subscriber.err();
    EXPECT_FALSE(received.lapped.has_value());
    EXPECT_EQ(received.messages, sent.messages);
    EXPECT_TRUE(received.digest_match);
  }
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

// Publish times: at top speed only sequences 1, 65, 129, ... are stamped
// (docs/config.md), so latency is sampled on ceil(100,000 / 64) = 1,563 of
// demo.itch's messages; a paced publisher stamps every message.
TEST(Replay, TopSpeedStampsOneMessageIn64AndAPacedPublisherStampsAll) {
  {
    RingNameGuard ring;
    const ReplayResult top = ReplayAtTopSpeed(ring.name(), kSource + "/data/demo.itch");
    ExpectIntactReplay(top, 100'000, {});
    EXPECT_EQ(top.subscriber.latency.count, 1'563u);
  }
  RingNameGuard ring;
  Process subscriber({kSubscriber, "--ring", ring.name(), "--json", "--progress", "never"});
  Process publisher({kPublisher, "--ring", ring.name(), "--input", kSource + "/data/demo.itch",
                     "--pace", "messages_per_second", "--rate", "50000", "--stop-after-messages",
                     "5000", "--wait-subscribers", "1", "--json", "--progress", "never"});
  ASSERT_TRUE(publisher.WaitFor(kGenerous));
  ASSERT_TRUE(subscriber.WaitFor(kGenerous));
  EXPECT_EQ(subscriber.exit_code(), 0) << subscriber.err();
  EXPECT_EQ(feed::ParseSubscriberSummaryJson(LastLine(subscriber.out())).latency.count, 5'000u);
}

// ---- bad input: exit code and a message naming the file, record and offset

std::string WriteTemp(const std::string& tag, const std::string& bytes) {
  const std::string path = "/tmp/replay_test_" + std::to_string(::getpid()) + "_" + tag;
  std::ofstream(path, std::ios::binary) << bytes;
  return path;
}

TEST(ReplayBadInput, TruncatedItchRecordStopsThePublisherWithCode2AndItsOffset) {
  RingNameGuard ring;
  // Two complete 12-byte S messages, then a length prefix of 36 with 10 bytes.
  std::string bytes;
  for (int i = 0; i < 2; ++i) bytes += std::string("\x00\x0c", 2) + "S" + std::string(10, '\0') + "O";
  bytes += std::string("\x00\x24", 2) + "A" + std::string(9, '\0');
  const std::string path = WriteTemp("truncated.itch", bytes);
  Process publisher({kPublisher, "--ring", ring.name(), "--input", path, "--format", "itch",
                     "--progress", "never"});
  ASSERT_TRUE(publisher.WaitFor(kGenerous));
  std::remove(path.c_str());
  EXPECT_EQ(publisher.exit_code(), 2) << publisher.err();
  EXPECT_NE(publisher.err().find("record 3 at byte 28"), std::string::npos) << publisher.err();
  EXPECT_NE(publisher.err().find(path), std::string::npos) << publisher.err();
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

// An S message, a 5-byte message (too short for an ITCH timestamp), an S message.
std::string ItchWithABadSecondRecord() {
  const std::string s_message = std::string("\x00\x0c", 2) + "S" + std::string(10, '\0') + "O";
  return s_message + std::string("\x00\x05", 2) + "AAAAA" + s_message;
}

TEST(ReplayBadInput, SkipPolicyReportsTheBadRecordAndReplaysTheRest) {
  RingNameGuard ring;
  const std::string path = WriteTemp("skip.itch", ItchWithABadSecondRecord());
  Process subscriber({kSubscriber, "--ring", ring.name(), "--json", "--progress", "never"});
  Process publisher({kPublisher, "--ring", ring.name(), "--input", path, "--format", "itch",
                     "--on-input-error", "skip", "--wait-subscribers", "1", "--json", "--progress", "never"});
  ASSERT_TRUE(publisher.WaitFor(kGenerous));
  ASSERT_TRUE(subscriber.WaitFor(kGenerous));
  std::remove(path.c_str());
  EXPECT_EQ(publisher.exit_code(), 0) << publisher.err();
  EXPECT_NE(publisher.err().find("record 2 at byte 14"), std::string::npos) << publisher.err();
  EXPECT_EQ(subscriber.exit_code(), 0) << subscriber.err();
  EXPECT_EQ(feed::ParseSubscriberSummaryJson(LastLine(subscriber.out())).messages, 2u);
}

TEST(ReplayBadInput, StopPolicyEndsTheStreamCleanlyWithCode2) {
  RingNameGuard ring;
  const std::string path = WriteTemp("stop.itch", ItchWithABadSecondRecord());
  Process subscriber({kSubscriber, "--ring", ring.name(), "--json", "--progress", "never"});
  Process publisher({kPublisher, "--ring", ring.name(), "--input", path, "--format", "itch",
                     "--wait-subscribers", "1", "--json", "--progress", "never"});
  ASSERT_TRUE(publisher.WaitFor(kGenerous));
  ASSERT_TRUE(subscriber.WaitFor(kGenerous));
  std::remove(path.c_str());
  EXPECT_EQ(publisher.exit_code(), 2) << publisher.err();
  EXPECT_NE(publisher.err().find("record 2 at byte 14"), std::string::npos) << publisher.err();
  // What was sent before the bad record arrived intact and was verified.
  EXPECT_EQ(subscriber.exit_code(), 0) << subscriber.err();
  const auto summary = feed::ParseSubscriberSummaryJson(LastLine(subscriber.out()));
  EXPECT_EQ(summary.messages, 1u);
  EXPECT_TRUE(summary.digest_match);
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

TEST(ReplayBadInput, EmptyFileWithAnExplicitFormatIsCode2SayingItIsEmpty) {
  RingNameGuard ring;
  const std::string path = WriteTemp("empty.itch", "");
  Process publisher({kPublisher, "--ring", ring.name(), "--input", path, "--format", "itch",
                     "--progress", "never"});
  ASSERT_TRUE(publisher.WaitFor(kGenerous));
  std::remove(path.c_str());
  EXPECT_EQ(publisher.exit_code(), 2) << publisher.err();
  EXPECT_NE(publisher.err().find(path + ": no records: the file is empty"), std::string::npos)
      << publisher.err();
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

TEST(ReplayBadInput, MissingInputFileIsCode2NamingTheFile) {
  RingNameGuard ring;
  Process publisher({kPublisher, "--ring", ring.name(), "--input", "/nonexistent/feed.itch", "--progress", "never"});
  ASSERT_TRUE(publisher.WaitFor(kGenerous));
  EXPECT_EQ(publisher.exit_code(), 2);
  EXPECT_NE(publisher.err().find("/nonexistent/feed.itch"), std::string::npos) << publisher.err();
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

TEST(ReplayBadInput, ConfigWithUnknownKeyIsCode1NamingFileLineAndKey) {
  const std::string path = WriteTemp("bad.yaml",
                                     "ring: { name: x, capacity: 1MiB }\n"
                                     "publisher:\n"
                                     "  input: demo.itch\n"
                                     "  pacee: top\n"
                                     "subscribers: [ { name: a } ]\n");
  Process replay({kReplay, path, "--progress", "never"});
  ASSERT_TRUE(replay.WaitFor(kGenerous));
  std::remove(path.c_str());
  EXPECT_EQ(replay.exit_code(), 1);
  EXPECT_NE(replay.err().find(path + ":4"), std::string::npos) << replay.err();
  EXPECT_NE(replay.err().find("pacee"), std::string::npos) << replay.err();
}

// feed_subscriber's --spin reaches its reader: with a budget longer than
// each of its 100 ms waits it never sleeps; with the default (microseconds)
// it does. Seen as an operator sees it: the ring's sleeper count (ringctl).
TEST(Replay, SubscriberSpinOptionDecidesWhenItsReaderSleeps) {
  RingNameGuard ring;
  ringlib::CircularBuffer::WriterOptions options;
  options.capacity_bytes = 1 << 16;
  ringlib::CircularBuffer::Writer writer(ring.name(), options);
  auto live_readers = [&] {
    const auto readers = ringlib::InspectRing(ring.name()).value().readers;
    return std::count_if(readers.begin(), readers.end(), [](const auto& r) { return r.alive; });
  };
  {
    Process spinning({kSubscriber, "--ring", ring.name(), "--name", "spinning", "--spin", "1s",
                      "--progress", "never"});
    ASSERT_TRUE(ringtest::WaitUntil([&] { return live_readers() == 1; }, std::chrono::seconds(30)))
        << spinning.err();
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(300);
    EXPECT_EQ(ringtest::MostSleepersWhile(ring.name(), [&] { return std::chrono::steady_clock::now() < until; }),
              0u);
    spinning.Kill(SIGINT);
    EXPECT_TRUE(spinning.WaitFor(kGenerous));
  }
  Process sleeping({kSubscriber, "--ring", ring.name(), "--name", "sleeping", "--progress", "never"});
  EXPECT_TRUE(ringtest::WaitUntil([&] { return ringtest::Sleepers(ring.name()) == 1; }, std::chrono::seconds(30)))
      << sleeping.err();
  sleeping.Kill(SIGINT);  // its futex wait returns, and it leaves the count
  EXPECT_TRUE(sleeping.WaitFor(kGenerous));
}

TEST(ReplayBadInput, BadCommandLineValueIsCode1WithTheOptionNamed) {
  Process publisher({kPublisher, "--ring", "x", "--input", "y", "--capacity", "3KiB"});
  ASSERT_TRUE(publisher.WaitFor(kGenerous));
  EXPECT_EQ(publisher.exit_code(), 1);
  EXPECT_NE(publisher.err().find("--capacity"), std::string::npos) << publisher.err();
}

}  // namespace

namespace {

// Every shipped scenario (each pace mode, each input format, late join, the
// demo) runs with the real programs and holds its expectations.
class ShippedScenario : public ::testing::TestWithParam<std::string> {};

TEST_P(ShippedScenario, HoldsEveryExpectation) {
  const std::string path = kSource + "/configs/" + GetParam();
  // Scenarios that replay ../shared/data need it.
  std::ifstream yaml(path);
  std::stringstream text;
  text << yaml.rdbuf();
  const auto shared = text.str().find("shared/data/");
  if (shared != std::string::npos) {
    const auto end = text.str().find('\n', shared);
    const std::string relative = text.str().substr(shared + 12, end - shared - 12);
    if (!FileExists(kData + "/" + relative)) GTEST_SKIP() << "missing " << kData << "/" << relative;
  }
  // Remove the scenario's ring however the test ends (a killed run could
  // leave it behind).
  struct RemoveRing {
    std::string name;
    ~RemoveRing() { ringlib::CircularBuffer::IWrapper::Remove(name); }
  } cleanup{feed::LoadScenario(path).ring.name};
  Process replay({kReplay, path, "--progress", "never"});
  ASSERT_TRUE(replay.WaitFor(std::chrono::seconds(200)));
  EXPECT_FALSE(ringtest::SegmentExists(cleanup.name));
  EXPECT_EQ(replay.exit_code(), 0) << replay.out() << replay.err();
  EXPECT_NE(replay.out().find("every expectation held"), std::string::npos) << replay.out();
}

const std::vector<std::string> kShippedConfigs = {
    "demo.yaml",     "input-deep.yaml", "input-itch.yaml",    "input-lines.yaml",
    "input-tops.yaml", "late-join.yaml", "lossless.yaml",     "pace-bytes.yaml",
    "pace-messages.yaml", "pace-recorded.yaml", "pace-top.yaml"};

INSTANTIATE_TEST_SUITE_P(Configs, ShippedScenario, ::testing::ValuesIn(kShippedConfigs),
                         [](const auto& param_info) {
                           std::string name = param_info.param.substr(0, param_info.param.find('.'));
                           for (char& c : name) {
                             if (c == '-') c = '_';
                           }
                           return name;
                         });

TEST(ShippedScenarios, EveryConfigFileIsCoveredByTheList) {
  std::set<std::string> files;
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/configs")) {
    if (entry.path().extension() == ".yaml") files.insert(entry.path().filename().string());
  }
  EXPECT_EQ(files, std::set<std::string>(kShippedConfigs.begin(), kShippedConfigs.end()))
      << "a config was added or removed: update kShippedConfigs";
}

}  // namespace
