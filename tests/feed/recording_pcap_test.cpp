// IEX-TP pcap reader: the real TOPS and DEEP captures, and hand-built
// captures for every error the reader must name.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "feed/recording.hpp"
#include "temp_file.hpp"

namespace {

using Bytes = std::vector<std::byte>;

using feedtest::TempFile;

void PutLe(Bytes& out, std::uint64_t value, int bytes) {
  for (int i = 0; i < bytes; ++i) out.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xff));
}
void PutBe(Bytes& out, std::uint64_t value, int bytes) {
  for (int i = bytes - 1; i >= 0; --i) out.push_back(static_cast<std::byte>((value >> (8 * i)) & 0xff));
}

constexpr std::uint16_t kTops = 0x8003;
constexpr std::uint16_t kDeep = 0x8004;

// IEX-TP segment as in the data README: 40-byte little-endian header, then
// each message as u16 LE length + bytes.
Bytes IexSegment(std::uint16_t protocol_id, const std::vector<Bytes>& messages,
                 std::uint64_t send_time_ns, std::optional<std::uint16_t> payload_length = {}) {
  Bytes payload;
  for (const Bytes& message : messages) {
    PutLe(payload, message.size(), 2);
    payload.insert(payload.end(), message.begin(), message.end());
  }
  Bytes segment;
  PutLe(segment, 1, 1);            // version
  PutLe(segment, 0, 1);            // reserved
  PutLe(segment, protocol_id, 2);  // message protocol id
  PutLe(segment, 1, 4);            // channel id
  PutLe(segment, 42, 4);           // session id
  PutLe(segment, payload_length.value_or(static_cast<std::uint16_t>(payload.size())), 2);
  PutLe(segment, messages.size(), 2);  // message count
  PutLe(segment, 0, 8);                // stream offset
  PutLe(segment, 1, 8);                // first message sequence number
  PutLe(segment, send_time_ns, 8);     // send time
  segment.insert(segment.end(), payload.begin(), payload.end());
  return segment;
}

struct FrameOptions {
  std::uint8_t ip_protocol = 17;
  std::uint16_t fragment_field = 0;  // flags + fragment offset
  bool vlan = false;
  std::uint16_t ethertype = 0x0800;
};

Bytes EthernetFrame(const Bytes& l4_payload, const FrameOptions& options = {}) {
  Bytes frame;
  PutBe(frame, 0x01005e000001ULL, 6);  // destination MAC
  PutBe(frame, 0x020000000001ULL, 6);  // source MAC
  if (options.vlan) {
    PutBe(frame, 0x8100, 2);
    PutBe(frame, 100, 2);  // VLAN id
  }
  PutBe(frame, options.ethertype, 2);
  Bytes l4;
  if (options.ip_protocol == 17) {
    PutBe(l4, 10378, 2);                   // source port
    PutBe(l4, 10378, 2);                   // destination port
    PutBe(l4, 8 + l4_payload.size(), 2);   // UDP length
    PutBe(l4, 0, 2);                       // checksum (not used)
  }
  l4.insert(l4.end(), l4_payload.begin(), l4_payload.end());
  PutBe(frame, 0x45, 1);  // IPv4, 20-byte header
  PutBe(frame, 0, 1);
  PutBe(frame, 20 + l4.size(), 2);  // total length
  PutBe(frame, 0, 2);               // identification
  PutBe(frame, options.fragment_field, 2);
  PutBe(frame, 64, 1);  // TTL
  PutBe(frame, options.ip_protocol, 1);
  PutBe(frame, 0, 2);  // header checksum (not used)
  PutBe(frame, 0x0a000001, 4);
  PutBe(frame, 0xe9d70001, 4);
  frame.insert(frame.end(), l4.begin(), l4.end());
  return frame;
}

// Classic pcap, Ethernet: little-endian with microsecond timestamps unless
// asked for the other byte order (a capture written on a big-endian host)
// or nanosecond timestamps (magic 0xa1b23c4d).
class PcapBuilder {
 public:
  explicit PcapBuilder(bool big_endian = false, bool nanoseconds = false) : big_endian_(big_endian) {
    Put(nanoseconds ? 0xa1b23c4d : 0xa1b2c3d4, 4);
    Put(2, 2);
    Put(4, 2);
    Put(0, 4);  // thiszone
    Put(0, 4);  // sigfigs
    Put(65'535, 4);
    Put(1, 4);  // LINKTYPE_ETHERNET
  }
  // Returns the byte offset of the packet record.
  std::uint64_t Add(const Bytes& frame, std::optional<std::uint32_t> original_length = {}) {
    const std::uint64_t offset = bytes_.size();
    Put(1'500'000'000, 4);
    Put(0, 4);
    Put(frame.size(), 4);
    Put(original_length.value_or(static_cast<std::uint32_t>(frame.size())), 4);
    bytes_.insert(bytes_.end(), frame.begin(), frame.end());
    return offset;
  }
  Bytes& bytes() { return bytes_; }

 private:
  void Put(std::uint64_t value, int bytes) {
    if (big_endian_) {
      PutBe(bytes_, value, bytes);
    } else {
      PutLe(bytes_, value, bytes);
    }
  }
  bool big_endian_ = false;
  Bytes bytes_;
};

Bytes Message(char type, std::size_t length) {
  Bytes message(length, std::byte{0x20});
  message[0] = static_cast<std::byte>(type);
  return message;
}

struct ReadResult {
  std::vector<feed::Record> records;  // payloads not kept
  std::vector<Bytes> payloads;
  std::vector<feed::InputError> errors;
};

ReadResult ReadAll(feed::RecordingReader& reader) {
  ReadResult result;
  feed::Record record;
  feed::InputError error;
  for (int guard = 0; guard < 1'000'000; ++guard) {
    const feed::ReadOutcome outcome = reader.Next(record, error);
    if (outcome == feed::ReadOutcome::kEnd) break;
    if (outcome == feed::ReadOutcome::kError) {
      result.errors.push_back(error);
      continue;
    }
    result.payloads.emplace_back(record.payload.begin(), record.payload.end());
    record.payload = {};
    result.records.push_back(record);
  }
  return result;
}

struct RealCapture {
  const char* file;
  feed::PayloadKind kind;
  std::uint64_t packets;
  std::uint64_t messages;
  std::size_t largest_message;
  std::map<char, std::uint64_t> types;
};

void ExpectReadmeCounts(const RealCapture& capture) {
  const std::string path = std::string(RINGLIB_SHARED_DATA_DIR) + "/" + capture.file;
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "missing shared data file " << path;
  auto reader = feed::OpenRecording(path, std::nullopt);
  ASSERT_EQ(reader->format(), feed::Format::kIexTpPcap);
  EXPECT_EQ(reader->payload_kind(), capture.kind);
  std::map<char, std::uint64_t> types;
  std::uint64_t messages = 0;
  std::size_t largest = 0;
  feed::Record record;
  feed::InputError error;
  feed::ReadOutcome outcome;
  while ((outcome = reader->Next(record, error)) != feed::ReadOutcome::kEnd) {
    ASSERT_EQ(outcome, feed::ReadOutcome::kRecord) << error.ToString();
    ++messages;
    ASSERT_EQ(record.index, messages);
    ++types[static_cast<char>(record.payload[0])];
    largest = std::max(largest, record.payload.size());
  }
  EXPECT_EQ(messages, capture.messages);
  EXPECT_EQ(reader->packets_read(), capture.packets);
  EXPECT_EQ(types, capture.types);
  EXPECT_EQ(largest, capture.largest_message);
}

TEST(IexPcapReader, ReadsTops16SampleWithTheCountsInSharedDataReadme) {
  ExpectReadmeCounts({"iex/tops16_sample.pcap", feed::PayloadKind::kIexTops16, 13'022, 57'674, 80,
                      {{'Q', 27'217}, {'H', 7'803}, {'P', 7'802}, {'O', 7'801}, {'T', 6'390},
                       {'A', 642}, {'D', 10}, {'S', 6}, {'B', 3}}});
}

TEST(IexPcapReader, ReadsDeep10ExcerptWithTheCountsInSharedDataReadme) {
  ExpectReadmeCounts({"iex/deep10_excerpt.pcap", feed::PayloadKind::kIexDeep10, 5'000, 48'325, 38,
                      {{'P', 11'594}, {'O', 11'317}, {'H', 11'311}, {'I', 11'309}, {'8', 1'526},
                       {'5', 1'226}, {'T', 37}, {'D', 3}, {'S', 2}}});
}

TEST(IexPcapReader, GivesEachMessageItsSegmentSendTimeAndPacketOffset) {
  PcapBuilder pcap;
  const std::uint64_t first = pcap.Add(EthernetFrame(IexSegment(kTops, {Message('Q', 42)}, 111)));
  const std::uint64_t second = pcap.Add(
      EthernetFrame(IexSegment(kTops, {Message('T', 38), Message('P', 42), Message('H', 22)}, 222)));
  const TempFile temp(pcap.bytes());
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kIexTpPcap);
  EXPECT_EQ(reader->payload_kind(), feed::PayloadKind::kIexTops16);
  const ReadResult result = ReadAll(*reader);
  ASSERT_TRUE(result.errors.empty()) << result.errors[0].ToString();
  ASSERT_EQ(result.records.size(), 4U);
  EXPECT_EQ(first, 24U);
  EXPECT_EQ(result.records[0].offset_bytes, first);
  EXPECT_EQ(result.records[0].timestamp_ns, 111U);
  for (std::size_t i = 1; i < 4; ++i) {
    EXPECT_EQ(result.records[i].index, i + 1);
    EXPECT_EQ(result.records[i].offset_bytes, second);
    EXPECT_EQ(result.records[i].timestamp_ns, 222U);
  }
  EXPECT_EQ(result.payloads[1], Message('T', 38));
  EXPECT_EQ(result.payloads[2], Message('P', 42));
  EXPECT_EQ(result.payloads[3], Message('H', 22));
}

// Classic pcap is read without libpcap's per-packet calls: each variant of
// the file header must still give the same records and offsets.
TEST(IexPcapReader, ReadsBigEndianAndNanosecondClassicCaptures) {
  for (const auto& [big_endian, nanoseconds] : {std::pair{true, false}, std::pair{false, true},
                                                std::pair{true, true}}) {
    SCOPED_TRACE(::testing::Message() << "big_endian " << big_endian << " nanoseconds " << nanoseconds);
    PcapBuilder pcap(big_endian, nanoseconds);
    const std::uint64_t first = pcap.Add(EthernetFrame(IexSegment(kDeep, {Message('P', 30)}, 5)));
    const std::uint64_t second =
        pcap.Add(EthernetFrame(IexSegment(kDeep, {Message('H', 14), Message('8', 30)}, 6)));
    const TempFile temp(pcap.bytes());
    auto reader = feed::OpenRecording(temp.path(), std::nullopt);
    EXPECT_EQ(reader->payload_kind(), feed::PayloadKind::kIexDeep10);
    const ReadResult result = ReadAll(*reader);
    ASSERT_TRUE(result.errors.empty()) << result.errors[0].ToString();
    ASSERT_EQ(result.records.size(), 3U);
    EXPECT_EQ(result.records[0].offset_bytes, first);
    EXPECT_EQ(result.records[2].offset_bytes, second);
    EXPECT_EQ(result.records[2].timestamp_ns, 6U);
    EXPECT_EQ(result.payloads[2], Message('8', 30));
    EXPECT_EQ(reader->packets_read(), 2U);
    EXPECT_EQ(reader->position_bytes(), pcap.bytes().size());
  }
}

// More than the reader's 1 MiB buffer: packets that straddle a refill, and
// a rewind, read exactly as the first pass.
TEST(IexPcapReader, CaptureLargerThanTheReadBufferReadsWholeAcrossRefillsAndRewinds) {
  PcapBuilder pcap;
  std::uint64_t packets = 0;
  while (pcap.bytes().size() < (std::size_t{3} << 20)) {
    pcap.Add(EthernetFrame(IexSegment(kTops, {Message('Q', 42), Message('T', 38 + packets % 3)},
                                      packets)));
    ++packets;
  }
  const TempFile temp(pcap.bytes());
  auto reader = feed::OpenRecording(temp.path(), std::nullopt);
  for (int pass = 0; pass < 2; ++pass) {
    const ReadResult result = ReadAll(*reader);
    ASSERT_TRUE(result.errors.empty()) << result.errors[0].ToString();
    ASSERT_EQ(result.records.size(), 2 * packets);
    for (std::uint64_t i = 0; i < packets; ++i) {
      ASSERT_EQ(result.records[2 * i + 1].timestamp_ns, i);
      ASSERT_EQ(result.payloads[2 * i + 1], Message('T', 38 + i % 3));
    }
    reader->Rewind();
  }
}

TEST(IexPcapReader, HeartbeatSegmentYieldsNoRecords) {
  PcapBuilder pcap;
  pcap.Add(EthernetFrame(IexSegment(kDeep, {}, 1)));
  const std::uint64_t data = pcap.Add(EthernetFrame(IexSegment(kDeep, {Message('8', 30)}, 2)));
  pcap.Add(EthernetFrame(IexSegment(kDeep, {}, 3)));
  const TempFile temp(pcap.bytes());
  auto reader = feed::OpenRecording(temp.path(), std::nullopt);
  EXPECT_EQ(reader->payload_kind(), feed::PayloadKind::kIexDeep10);
  const ReadResult result = ReadAll(*reader);
  EXPECT_TRUE(result.errors.empty());
  ASSERT_EQ(result.records.size(), 1U);
  EXPECT_EQ(result.records[0].index, 1U);
  EXPECT_EQ(result.records[0].offset_bytes, data);
  EXPECT_EQ(reader->packets_read(), 3U);
}

TEST(IexPcapReader, ReadsVlanTaggedFrames) {
  PcapBuilder pcap;
  FrameOptions vlan;
  vlan.vlan = true;
  pcap.Add(EthernetFrame(IexSegment(kTops, {Message('Q', 42), Message('Q', 42)}, 5), vlan));
  const TempFile temp(pcap.bytes());
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kIexTpPcap);
  const ReadResult result = ReadAll(*reader);
  EXPECT_TRUE(result.errors.empty());
  EXPECT_EQ(result.records.size(), 2U);
}

// One bad packet between two good ones: the error names packet 2 and its
// offset, and the reader goes on to packet 3.
void ExpectBadPacketReportedAndSkipped(const Bytes& bad_frame, const std::string& expected_words,
                                       std::optional<std::uint32_t> original_length = {}) {
  PcapBuilder pcap;
  pcap.Add(EthernetFrame(IexSegment(kTops, {Message('Q', 42)}, 1)));
  const std::uint64_t bad_offset = pcap.Add(bad_frame, original_length);
  const std::uint64_t last_offset = pcap.Add(EthernetFrame(IexSegment(kTops, {Message('T', 38)}, 3)));
  const TempFile temp(pcap.bytes());
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kIexTpPcap);
  const ReadResult result = ReadAll(*reader);
  ASSERT_EQ(result.errors.size(), 1U);
  const feed::InputError& error = result.errors[0];
  EXPECT_EQ(error.record_index, 2U);
  EXPECT_EQ(error.unit, "packet");
  EXPECT_EQ(error.offset_bytes, bad_offset);
  EXPECT_NE(error.message.find(expected_words), std::string::npos) << error.message;
  EXPECT_NE(error.ToString().find("packet 2 at byte " + std::to_string(bad_offset)),
            std::string::npos)
      << error.ToString();
  ASSERT_EQ(result.records.size(), 2U);
  EXPECT_EQ(result.records[1].offset_bytes, last_offset);
  EXPECT_EQ(result.records[1].index, 2U);
}

TEST(IexPcapReader, ReportsNonUdpPacketAndReadsOn) {
  FrameOptions tcp;
  tcp.ip_protocol = 6;
  ExpectBadPacketReportedAndSkipped(EthernetFrame(Bytes(40, std::byte{0}), tcp), "not a UDP packet");
}

TEST(IexPcapReader, ReportsNonIpv4PacketAndReadsOn) {
  FrameOptions arp;
  arp.ethertype = 0x0806;
  ExpectBadPacketReportedAndSkipped(EthernetFrame(Bytes(28, std::byte{0}), arp), "not an IPv4");
}

TEST(IexPcapReader, ReportsUdpPacketTooShortForIexTpAndReadsOn) {
  ExpectBadPacketReportedAndSkipped(EthernetFrame(Bytes(20, std::byte{0x11})), "not IEX-TP");
}

TEST(IexPcapReader, ReportsUdpPacketWithOtherProtocolIdAndReadsOn) {
  ExpectBadPacketReportedAndSkipped(EthernetFrame(IexSegment(0x1234, {Message('Q', 42)}, 1)),
                                    "0x1234");
}

TEST(IexPcapReader, ReportsPayloadLengthThatDoesNotMatchAndReadsOn) {
  ExpectBadPacketReportedAndSkipped(
      EthernetFrame(IexSegment(kTops, {Message('Q', 42)}, 1, std::uint16_t{50})),
      "payload length 50 does not match");
}

TEST(IexPcapReader, ReportsMessagesThatOverrunTheSegmentAndReadsOn) {
  Bytes segment = IexSegment(kTops, {Message('Q', 42)}, 1);
  segment[14] = std::byte{2};  // message count 2, but only one message is there
  ExpectBadPacketReportedAndSkipped(EthernetFrame(segment), "ends before message 2");
}

TEST(IexPcapReader, ReportsFragmentedIpv4AsUnsupportedAndReadsOn) {
  FrameOptions fragment;
  fragment.fragment_field = 0x2000;  // more fragments
  ExpectBadPacketReportedAndSkipped(
      EthernetFrame(IexSegment(kTops, {Message('Q', 42)}, 1), fragment), "fragmented");
}

TEST(IexPcapReader, ReportsPacketCutShortBySnapLengthAndReadsOn) {
  const Bytes frame = EthernetFrame(IexSegment(kTops, {Message('Q', 42)}, 1));
  ExpectBadPacketReportedAndSkipped(Bytes(frame.begin(), frame.begin() + 60), "truncated by the capture",
                                    static_cast<std::uint32_t>(frame.size()));
}

TEST(IexPcapReader, ReportsSegmentWithTheOtherProtocolIdThanTheFirst) {
  ExpectBadPacketReportedAndSkipped(EthernetFrame(IexSegment(kDeep, {Message('8', 30)}, 2)),
                                    "0x8004");
}

TEST(IexPcapReader, ReportsFileTruncatedMidPacketWithNumberAndOffset) {
  PcapBuilder pcap;
  pcap.Add(EthernetFrame(IexSegment(kTops, {Message('Q', 42)}, 1)));
  const std::uint64_t cut = pcap.Add(EthernetFrame(IexSegment(kTops, {Message('Q', 42)}, 2)));
  pcap.bytes().resize(cut + 16 + 30);  // record header says more than is left
  const TempFile temp(pcap.bytes());
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kIexTpPcap);
  feed::Record record;
  feed::InputError error;
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kRecord);
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kError);
  EXPECT_EQ(error.record_index, 2U);
  EXPECT_EQ(error.offset_bytes, cut);
  EXPECT_NE(error.message.find("truncated"), std::string::npos) << error.message;
  EXPECT_EQ(reader->Next(record, error), feed::ReadOutcome::kEnd);
}

TEST(IexPcapReader, ReadsPcapng) {
  // Section header block, interface description block (Ethernet), one
  // enhanced packet block.
  const Bytes frame = EthernetFrame(IexSegment(kDeep, {Message('P', 30), Message('H', 14)}, 99));
  Bytes file;
  PutLe(file, 0x0a0d0d0a, 4);
  PutLe(file, 28, 4);
  PutLe(file, 0x1a2b3c4d, 4);
  PutLe(file, 1, 2);
  PutLe(file, 0, 2);
  PutLe(file, ~0ULL, 8);  // section length unknown
  PutLe(file, 28, 4);
  PutLe(file, 1, 4);  // IDB
  PutLe(file, 20, 4);
  PutLe(file, 1, 2);  // LINKTYPE_ETHERNET
  PutLe(file, 0, 2);
  PutLe(file, 0, 4);  // snaplen
  PutLe(file, 20, 4);
  const std::size_t padded = (frame.size() + 3) / 4 * 4;
  PutLe(file, 6, 4);  // EPB
  PutLe(file, 32 + padded, 4);
  PutLe(file, 0, 4);  // interface 0
  PutLe(file, 0, 4);
  PutLe(file, 0, 4);
  PutLe(file, frame.size(), 4);
  PutLe(file, frame.size(), 4);
  file.insert(file.end(), frame.begin(), frame.end());
  file.insert(file.end(), padded - frame.size(), std::byte{0});
  PutLe(file, 32 + padded, 4);
  const TempFile temp(file);
  ASSERT_EQ(feed::DetectFormat(temp.path()), feed::Format::kIexTpPcap);
  auto reader = feed::OpenRecording(temp.path(), std::nullopt);
  EXPECT_EQ(reader->payload_kind(), feed::PayloadKind::kIexDeep10);
  const ReadResult result = ReadAll(*reader);
  ASSERT_TRUE(result.errors.empty()) << result.errors[0].ToString();
  ASSERT_EQ(result.records.size(), 2U);
  EXPECT_EQ(result.records[0].timestamp_ns, 99U);
  EXPECT_EQ(result.payloads[1], Message('H', 14));
}

TEST(IexPcapReader, CaptureWithoutIexTpIsOpaqueAndEveryPacketIsAnError) {
  PcapBuilder pcap;
  FrameOptions tcp;
  tcp.ip_protocol = 6;
  pcap.Add(EthernetFrame(Bytes(40, std::byte{0}), tcp));
  pcap.Add(EthernetFrame(Bytes(40, std::byte{0}), tcp));
  const TempFile temp(pcap.bytes());
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kIexTpPcap);
  EXPECT_EQ(reader->payload_kind(), feed::PayloadKind::kOpaque);
  const ReadResult result = ReadAll(*reader);
  EXPECT_EQ(result.errors.size(), 2U);
  EXPECT_TRUE(result.records.empty());
}

TEST(IexPcapReader, RefusesEmptyFileWhenOpened) {
  const TempFile temp(Bytes{});
  EXPECT_THROW(feed::OpenRecording(temp.path(), feed::Format::kIexTpPcap), feed::InputFileError);
}

TEST(IexPcapReader, RewindGivesTheSameRecordsAgain) {
  PcapBuilder pcap;
  for (std::uint64_t i = 0; i < 20; ++i) {
    pcap.Add(EthernetFrame(IexSegment(kTops, {Message('Q', 42), Message('T', static_cast<std::size_t>(20 + i))}, i)));
  }
  const TempFile temp(pcap.bytes());
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kIexTpPcap);
  const ReadResult first = ReadAll(*reader);
  reader->Rewind();
  const ReadResult second = ReadAll(*reader);
  ASSERT_EQ(first.records.size(), 40U);
  EXPECT_EQ(first.payloads, second.payloads);
  ASSERT_EQ(second.records.size(), 40U);
  for (std::size_t i = 0; i < 40; ++i) {
    EXPECT_EQ(first.records[i].offset_bytes, second.records[i].offset_bytes);
    EXPECT_EQ(first.records[i].timestamp_ns, second.records[i].timestamp_ns);
    EXPECT_EQ(first.records[i].index, second.records[i].index);
  }
}

}  // namespace
