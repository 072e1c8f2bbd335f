// Faults through the real applications: a feed_subscriber stopped (SIGSTOP)
// while the ring wraps, a signal storm on feed_publisher, and bad input
// files, each with its exit code and a message naming the record or packet
// number and the byte offset.
#include <gtest/gtest.h>
#include <signal.h>

#include <chrono>
#include <cstdio>
#include <fstream>
#include <memory>

#include "fault_util.hpp"
#include "feed/recording.hpp"
#include "feed/summary.hpp"

namespace {

namespace cb = ringlib::CircularBuffer;
using reltest::kRingctl;
using ringtest::Field;
using ringtest::Process;
using Clock = std::chrono::steady_clock;

const std::string kPublisher = FEED_PUBLISHER_PATH;
const std::string kSubscriber = FEED_SUBSCRIBER_PATH;
const std::string kDemo = std::string(RINGLIB_SOURCE_DIR) + "/data/demo.itch";

std::string LastLine(std::string text) {
  while (!text.empty() && text.back() == '\n') text.pop_back();
  const auto at = text.rfind('\n');
  return at == std::string::npos ? text : text.substr(at + 1);
}

// A temporary input file, removed however the test ends.
class TempFile {
 public:
  TempFile(const std::string& tag, const std::string& bytes)
      : path_("/tmp/rel_" + std::to_string(::getpid()) + "_" + tag) {
    std::ofstream(path_, std::ios::binary) << bytes;
  }
  ~TempFile() { std::remove(path_.c_str()); }
  TempFile(const TempFile&) = delete;
  TempFile& operator=(const TempFile&) = delete;
  [[nodiscard]] const std::string& path() const { return path_; }

 private:
  std::string path_;
};

std::size_t RegisteredReaders(const std::string& ring) {
  const auto inspected = reltest::Run({kRingctl, "inspect", ring});
  const auto value = Field(inspected.out, "registered");
  return value < 0 ? 0 : static_cast<std::size_t>(value);
}

TEST(AppStoppedSubscriber, SigstopWhileTheRingWrapsThenSigcontExits3WithOneLineNeighboursComplete) {
  if (!std::ifstream(kDemo).good()) GTEST_SKIP() << "missing " << kDemo;
  reltest::PrefixGuard guard("appstop");
  const std::string ring = guard.Ring();
  const std::vector<std::string> subscriber = {kSubscriber, "--ring",     ring,
                                               "--json",    "--progress", "never"};
  Process stopped(subscriber);
  Process healthy_a(subscriber);
  Process healthy_b(subscriber);
  // 80,000 ITCH messages of ~72 ring bytes (5.8 MB) through a 4 MiB ring at
  // 50,000/s: the ring wraps; the healthy subscribers keep ~1 s of slack.
  // The publisher waits for a fourth subscriber, started only after the stop,
  // so the stopped one cannot have read anything of note before it stops.
  Process publisher({kPublisher,
                     "--ring",
                     ring,
                     "--capacity",
                     "4MiB",
                     "--input",
                     kDemo,
                     "--pace",
                     "messages_per_second",
                     "--rate",
                     "50000",
                     "--stop-after-messages",
                     "80000",
                     "--wait-subscribers",
                     "4",
                     "--wait-timeout",
                     "20s",
                     "--json",
                     "--progress",
                     "never"});
  const auto deadline = Clock::now() + std::chrono::seconds(20);
  while (RegisteredReaders(ring) < 3 && Clock::now() < deadline) {
    std::this_thread::sleep_for(std::chrono::milliseconds(5));
  }
  ASSERT_EQ(RegisteredReaders(ring), 3u);
  stopped.Kill(SIGSTOP);
  Process releaser(subscriber);
  ASSERT_TRUE(publisher.WaitFor(std::chrono::seconds(60))) << "publisher hung";
  EXPECT_EQ(publisher.exit_code(), 0) << publisher.err();
  // ringctl sees the stopped subscriber far behind: lapped.
  const auto listed = reltest::Run({kRingctl, "list"});
  const std::string needle = "pid=" + std::to_string(stopped.pid()) + " ";
  const auto at = listed.out.find(needle);
  ASSERT_NE(at, std::string::npos) << listed.out;
  const std::string line = listed.out.substr(at, listed.out.find('\n', at) - at);
  EXPECT_NE(line.find("lapped=yes"), std::string::npos) << line;
  for (Process* neighbour : {&healthy_a, &healthy_b, &releaser}) {
    ASSERT_TRUE(neighbour->WaitFor(std::chrono::seconds(30)));
    EXPECT_EQ(neighbour->exit_code(), 0) << neighbour->err();
    const auto summary = feed::ParseSubscriberSummaryJson(LastLine(neighbour->out()));
    EXPECT_EQ(summary.messages, 80000u);
    EXPECT_TRUE(summary.digest_match);
    EXPECT_EQ(summary.gaps, 0u);
  }
  stopped.Kill(SIGCONT);
  ASSERT_TRUE(stopped.WaitFor(std::chrono::seconds(10))) << "resumed subscriber hung";
  EXPECT_EQ(stopped.exit_code(), 3) << stopped.out() << stopped.err();
  const std::string err = stopped.err();
  EXPECT_NE(err.find("lapped"), std::string::npos) << err;
  EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
}

TEST(AppSignalStorm, PublisherUnderSigintSigtermStormEndsTheStreamOnceAndCleanly) {
  if (!std::ifstream(kDemo).good()) GTEST_SKIP() << "missing " << kDemo;
  reltest::PrefixGuard guard("appstorm");
  const std::string ring = guard.Ring();
  Process subscriber({kSubscriber, "--ring", ring, "--json", "--progress", "never"});
  Process publisher({kPublisher, "--ring", ring, "--capacity", "4MiB", "--input", kDemo, "--loop",
                     "forever", "--pace", "messages_per_second", "--rate", "20000",
                     "--wait-subscribers", "1", "--json", "--progress", "never"});
  ASSERT_TRUE(reltest::WaitForSegment(ring, std::chrono::seconds(20)));
  // A passive participant of our own: it holds one reference throughout.
  cb::ReaderOptions options;
  options.lap_policy = ringlib::LapPolicy::kReport;
  cb::Reader holder(ring, options);
  std::this_thread::sleep_for(std::chrono::milliseconds(300));
  int sent = 0;
  for (int i = 0; i < 400; ++i) {
    if (::kill(publisher.pid(), i % 2 == 0 ? SIGINT : SIGTERM) == 0) ++sent;
  }
  ASSERT_TRUE(publisher.WaitFor(std::chrono::seconds(20))) << "publisher hung in the storm";
  EXPECT_TRUE(publisher.exited_normally()) << "publisher killed by a signal";
  EXPECT_EQ(publisher.exit_code(), 0) << publisher.err();
  ASSERT_TRUE(subscriber.WaitFor(std::chrono::seconds(20)));
  EXPECT_EQ(subscriber.exit_code(), 0) << subscriber.err();
  const auto published = feed::ParsePublisherSummaryJson(LastLine(publisher.out()));
  const auto received = feed::ParseSubscriberSummaryJson(LastLine(subscriber.out()));
  EXPECT_GT(published.messages, 0u);
  EXPECT_EQ(received.messages, published.messages);
  EXPECT_TRUE(received.end_of_stream);
  EXPECT_TRUE(received.digest_match);
  // Publisher and subscriber are gone; only our holder's reference is left:
  // each of them dropped its reference exactly once.
  const auto inspected = reltest::Run({kRingctl, "inspect", ring});
  EXPECT_EQ(Field(inspected.out, "ref_count"), 1) << inspected.out;
  EXPECT_EQ(Field(inspected.out, "participants"), 1) << inspected.out;
  std::printf("publisher signal storm: %d signals sent, %llu messages, stream closed once\n", sent,
              static_cast<unsigned long long>(published.messages));
}

// ---- bad input files --------------------------------------------------

std::string ItchMessage(char type, std::size_t length) {
  std::string message(length, '\0');
  message[0] = type;
  return std::string(1, static_cast<char>(length >> 8)) + static_cast<char>(length & 0xff) +
         message;
}

void PutLe(std::string& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}
void PutBe(std::string& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<char>((value >> (8 * i)) & 0xff));
}

// A classic pcap of Ethernet/IPv4/UDP frames, each one IEX-TP TOPS segment
// with one 42-byte Quote Update.
std::string TopsPcap(int packets) {
  std::string file;
  PutLe(file, 0xa1b2c3d4, 4);
  PutLe(file, 2, 2);
  PutLe(file, 4, 2);
  PutLe(file, 0, 8);
  PutLe(file, 65535, 4);
  PutLe(file, 1, 4);
  for (int p = 0; p < packets; ++p) {
    std::string quote(42, ' ');
    quote[0] = 'Q';
    std::string segment;
    PutLe(segment, 1, 1);
    PutLe(segment, 0, 1);
    PutLe(segment, 0x8003, 2);
    PutLe(segment, 1, 4);
    PutLe(segment, 42, 4);
    PutLe(segment, 2 + quote.size(), 2);
    PutLe(segment, 1, 2);
    PutLe(segment, 0, 8);
    PutLe(segment, static_cast<std::uint64_t>(p) + 1, 8);
    PutLe(segment, std::uint64_t{1'500'000'000'000'000'000} + static_cast<std::uint64_t>(p), 8);
    PutLe(segment, quote.size(), 2);
    segment += quote;
    std::string frame;
    PutBe(frame, 0x01005e000001ULL, 6);
    PutBe(frame, 0x020000000001ULL, 6);
    PutBe(frame, 0x0800, 2);
    PutBe(frame, 0x45, 1);
    PutBe(frame, 0, 1);
    PutBe(frame, 28 + segment.size(), 2);
    PutBe(frame, 0, 4);
    PutBe(frame, 64, 1);
    PutBe(frame, 17, 1);
    PutBe(frame, 0, 2);
    PutBe(frame, 0x0a000001, 4);
    PutBe(frame, 0xe9d70001, 4);
    PutBe(frame, 10378, 2);
    PutBe(frame, 10378, 2);
    PutBe(frame, 8 + segment.size(), 2);
    PutBe(frame, 0, 2);
    frame += segment;
    PutLe(file, 1'500'000'000u + static_cast<std::uint32_t>(p), 4);
    PutLe(file, 0, 4);
    PutLe(file, frame.size(), 4);
    PutLe(file, frame.size(), 4);
    file += frame;
  }
  return file;
}

struct BadFile {
  std::string name;
  std::string bytes;
  std::string format;  // "" for auto-detection
  int exit_code;
  std::vector<std::string> message_parts;  // each must appear on stderr
};

std::vector<BadFile> BadFiles() {
  const std::string s_message = ItchMessage('S', 12);
  const std::string pcap = TopsPcap(3);
  const std::size_t pcap_packet = 24 + 16 + 14 + 20 + 8 + 40 + 2 + 42;  // header + first packet
  std::string random(3000, '\0');
  std::uint64_t x = 12345;
  for (char& c : random) {
    x = x * 6364136223846793005ULL + 1442695040888963407ULL;
    c = static_cast<char>(x >> 56);
  }
  random[0] = static_cast<char>(0xb7);  // not an ITCH type, not a digit, no magic
  return {
      {"empty", "", "", 2, {"file is empty"}},
      {"itch_truncated_mid_record",
       s_message + s_message + ItchMessage('A', 36).substr(0, 12),
       "itch",
       2,
       {"record 3 at byte 28", "truncated"}},
      {"itch_truncated_mid_length",
       s_message + std::string(1, '\0'),
       "itch",
       2,
       {"record 2 at byte 14", "truncated length prefix"}},
      {"pcap_truncated_mid_packet",
       pcap.substr(0, pcap.size() - 20),
       "pcap",
       2,
       {"packet 3 at byte " + std::to_string(24 + 2 * (pcap_packet - 24))}},
      {"lines_oversized_payload",
       "1 ok\n2 " + std::string(70000, 'x') + "\n3 ok\n",
       "lines",
       2,
       {"line 2 at byte 5", "too long"}},
      {"garbage_auto", random, "", 2, {"not a recognised format"}},
      {"garbage_as_lines", random, "lines", 2, {"line 1 at byte 0"}},
      {"garbage_as_itch", random, "itch", 2, {"record 1 at byte 0"}},
  };
}

TEST(AppBadInput, EachBadFileGivesItsExitCodeAndAMessageWithRecordNumberAndOffset) {
  for (const BadFile& bad : BadFiles()) {
    reltest::PrefixGuard guard("bad");
    TempFile file(bad.name, bad.bytes);
    std::vector<std::string> args = {kPublisher,  "--ring",     guard.Ring(), "--input",
                                     file.path(), "--progress", "never"};
    if (!bad.format.empty()) {
      args.push_back("--format");
      args.push_back(bad.format);
    }
    const auto result = reltest::Run(args, std::chrono::seconds(30));
    EXPECT_EQ(result.exit_code, bad.exit_code) << bad.name << ": " << result.err;
    EXPECT_NE(result.err.find(file.path()), std::string::npos)
        << bad.name << ": the message must name the file: " << result.err;
    for (const auto& part : bad.message_parts) {
      EXPECT_NE(result.err.find(part), std::string::npos)
          << bad.name << ": expected \"" << part << "\" in: " << result.err;
    }
    EXPECT_TRUE(reltest::SegmentsWithPrefix(guard.prefix()).empty()) << bad.name;
  }
}

TEST(AppBadInput, TruncatedOwnRecordingStopsAtTheLastCompleteRecordWithItsNumberAndOffset) {
  reltest::PrefixGuard guard("own");
  const std::string path = "/tmp/rel_" + std::to_string(::getpid()) + "_own.rec";
  {
    feed::RecordingWriter writer(path, feed::PayloadKind::kOpaque);
    const std::vector<std::byte> payload(100, std::byte{'x'});
    for (int i = 0; i < 3; ++i) writer.Append(1000 + static_cast<std::uint64_t>(i), payload);
    writer.Close();
  }
  std::ifstream in(path, std::ios::binary);
  std::string bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::remove(path.c_str());
  TempFile file("own_truncated.rec", bytes.substr(0, bytes.size() - 50));  // mid third record
  const auto result = reltest::Run({kPublisher, "--ring", guard.Ring(), "--input", file.path(),
                                    "--progress", "never", "--json"});
  EXPECT_EQ(result.exit_code, 2) << result.err;
  // 32-byte header, then records of 10 + 100 bytes: the third starts at 252.
  EXPECT_NE(result.err.find("record 3 at byte 252"), std::string::npos) << result.err;
  const auto summary = feed::ParsePublisherSummaryJson(LastLine(result.out));
  EXPECT_EQ(summary.messages, 2u) << result.out;
}

TEST(AppBadInput, TimestampsGoingBackwardsAreSentAtOnceInFileOrder) {
  reltest::PrefixGuard guard("backwards");
  const std::string ring = guard.Ring();
  TempFile file("backwards.txt", "3000000000 a\n1000000000 b\n2000000000 c\n500 d\n");
  Process subscriber({kSubscriber, "--ring", ring, "--json", "--progress", "never"});
  const auto started = Clock::now();
  Process publisher({kPublisher, "--ring", ring, "--input", file.path(), "--format", "lines",
                     "--pace", "recorded", "--wait-subscribers", "1", "--json", "--progress",
                     "never"});
  ASSERT_TRUE(publisher.WaitFor(std::chrono::seconds(30)));
  ASSERT_TRUE(subscriber.WaitFor(std::chrono::seconds(30)));
  EXPECT_LT(Clock::now() - started, std::chrono::seconds(10)) << "a backwards step was waited for";
  EXPECT_EQ(publisher.exit_code(), 0) << publisher.err();
  EXPECT_EQ(subscriber.exit_code(), 0) << subscriber.err();
  const auto summary = feed::ParseSubscriberSummaryJson(LastLine(subscriber.out()));
  EXPECT_EQ(summary.messages, 4u);
  EXPECT_TRUE(summary.digest_match);  // the digest is order-sensitive: file order kept
}

TEST(AppBadInput, GapsOfDaysAreCappedByMaxSleepInsteadOfWaitedFor) {
  reltest::PrefixGuard guard("days");
  const std::string ring = guard.Ring();
  constexpr std::uint64_t kDayNs = 86'400'000'000'000ULL;
  TempFile file("days.txt", "1 a\n" + std::to_string(3 * kDayNs) + " b\n" +
                                std::to_string(6 * kDayNs) + " c\n");
  const auto started = Clock::now();
  const auto result =
      reltest::Run({kPublisher, "--ring", ring, "--input", file.path(), "--format", "lines",
                    "--pace", "recorded", "--max-sleep", "200ms", "--json", "--progress", "never"},
                   std::chrono::seconds(30));
  const auto elapsed = Clock::now() - started;
  EXPECT_EQ(result.exit_code, 0) << result.err;
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  EXPECT_GE(elapsed, std::chrono::milliseconds(400)) << "two gaps of 200 ms each";
  EXPECT_EQ(feed::ParsePublisherSummaryJson(LastLine(result.out)).messages, 3u);
}

}  // namespace
