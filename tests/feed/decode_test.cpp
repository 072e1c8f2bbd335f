// MessageCounter: dispatch by PayloadKind, per-type counts, malformed-message
// flags, the decoded-fields fold, report names; and every message of the real
// IEX captures in ../shared/data (expected counts from its README).
#include <gtest/gtest.h>

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <fstream>
#include <iterator>
#include <map>
#include <string>
#include <vector>

#include "feed/decode.hpp"

namespace {

using namespace feed;

std::vector<std::byte> Bytes(std::initializer_list<int> values) {
  std::vector<std::byte> bytes;
  for (const int v : values) bytes.push_back(static_cast<std::byte>(v));
  return bytes;
}

// ITCH 5.0 Order Delete (spec length 19): 'D', locate, tracking, 6-byte
// timestamp, 8-byte order reference, all big-endian.
std::vector<std::byte> ItchOrderDelete(std::uint64_t order_reference) {
  std::vector<std::byte> bytes = Bytes({'D', 0, 1, 0, 2, 0, 0, 0, 0, 0x10, 0x20});
  for (int shift = 56; shift >= 0; shift -= 8) {
    bytes.push_back(static_cast<std::byte>((order_reference >> shift) & 0xFF));
  }
  return bytes;
}

// ITCH 5.0 Add Order (spec length 36) with the given price, big-endian.
std::vector<std::byte> ItchAddOrder(std::uint32_t price) {
  std::vector<std::byte> bytes = Bytes({'A', 0, 1, 0, 2, 0, 0, 0, 0, 0x10, 0x20,  // header
                                        0, 0, 0, 0, 0, 0, 0, 7,                   // order ref
                                        'B', 0, 0, 0x01, 0xF4,                    // side, 500
                                        'A', 'A', 'P', 'L', ' ', ' ', ' ', ' '});
  for (int shift = 24; shift >= 0; shift -= 8) {
    bytes.push_back(static_cast<std::byte>((price >> shift) & 0xFF));
  }
  return bytes;
}

TEST(MessageCounter, CountsDecodedMessagesPerTypeByte) {
  MessageCounter counter;
  EXPECT_TRUE(counter.Decode(PayloadKind::kItch50, ItchAddOrder(100)).ok());
  EXPECT_TRUE(counter.Decode(PayloadKind::kItch50, ItchAddOrder(200)).ok());
  EXPECT_TRUE(counter.Decode(PayloadKind::kItch50, ItchOrderDelete(7)).ok());
  EXPECT_EQ(counter.count('A'), 2u);
  EXPECT_EQ(counter.count('D'), 1u);
  EXPECT_EQ(counter.count('E'), 0u);
  EXPECT_EQ(counter.messages(), 3u);
  EXPECT_EQ(counter.decoded(), 3u);
  EXPECT_EQ(counter.malformed(), 0u);
  EXPECT_FALSE(counter.first_malformed().has_value());
}

TEST(MessageCounter, CountsEmptyUnknownAndWrongLengthSeparatelyAndRemembersTheFirst) {
  MessageCounter counter;
  (void)counter.Decode(PayloadKind::kItch50, ItchOrderDelete(1));
  auto short_delete = ItchOrderDelete(2);
  short_delete.pop_back();  // 18 bytes: one short
  const DecodeResult wrong = counter.Decode(PayloadKind::kItch50, short_delete);
  (void)counter.Decode(PayloadKind::kItch50, Bytes({'Z', 1, 2, 3}));
  (void)counter.Decode(PayloadKind::kItch50, {});
  (void)counter.Decode(PayloadKind::kIexDeep10, {});

  EXPECT_EQ(wrong, (DecodeResult{DecodeStatus::kWrongLength, 'D', 19, 18}));
  EXPECT_EQ(counter.messages(), 5u);
  EXPECT_EQ(counter.decoded(), 1u);
  EXPECT_EQ(counter.wrong_length(), 1u);
  EXPECT_EQ(counter.unknown_type(), 1u);
  EXPECT_EQ(counter.empty(), 2u);
  EXPECT_EQ(counter.malformed(), 4u);
  EXPECT_EQ(counter.count('D'), 1u);  // the wrong-length 'D' is not counted as decoded
  ASSERT_TRUE(counter.first_malformed().has_value());
  EXPECT_EQ(counter.first_malformed()->message_number, 1u);
  EXPECT_EQ(counter.first_malformed()->result, wrong);
}

TEST(MessageCounter, CountsOpaquePayloadsWithoutDecodingThem) {
  MessageCounter counter;
  const std::uint64_t fold_before = counter.decoded_fields_fold();
  EXPECT_TRUE(counter.Decode(PayloadKind::kOpaque, ItchAddOrder(1)).ok());
  EXPECT_TRUE(counter.Decode(PayloadKind::kOpaque, {}).ok());
  EXPECT_EQ(counter.messages(), 2u);
  EXPECT_EQ(counter.opaque(), 2u);
  EXPECT_EQ(counter.decoded(), 0u);
  EXPECT_EQ(counter.malformed(), 0u);
  EXPECT_EQ(counter.count('A'), 0u);
  EXPECT_EQ(counter.decoded_fields_fold(), fold_before);
}

TEST(MessageCounter, DispatchesByPayloadKind) {
  // A 42-byte 'Q' is a TOPS Quote Update, but not a DEEP message; ITCH 'Q' is 40 bytes.
  std::vector<std::byte> quote(42, std::byte{0});
  quote[0] = std::byte{'Q'};
  MessageCounter counter;
  EXPECT_EQ(counter.Decode(PayloadKind::kIexTops16, quote).status, DecodeStatus::kOk);
  EXPECT_EQ(counter.Decode(PayloadKind::kIexDeep10, quote).status, DecodeStatus::kUnknownType);
  EXPECT_EQ(counter.Decode(PayloadKind::kItch50, quote),
            (DecodeResult{DecodeStatus::kWrongLength, 'Q', 40, 42}));
}

TEST(MessageCounter, FoldChangesWithADecodedFieldAndNotWithMalformedMessages) {
  MessageCounter cheap;
  MessageCounter dear;
  (void)cheap.Decode(PayloadKind::kItch50, ItchAddOrder(100));
  (void)dear.Decode(PayloadKind::kItch50, ItchAddOrder(101));
  EXPECT_NE(cheap.decoded_fields_fold(), dear.decoded_fields_fold());

  MessageCounter same;
  (void)same.Decode(PayloadKind::kItch50, ItchAddOrder(100));
  EXPECT_EQ(same.decoded_fields_fold(), cheap.decoded_fields_fold());

  const std::uint64_t before = same.decoded_fields_fold();
  auto long_add = ItchAddOrder(100);
  long_add.push_back(std::byte{0});
  (void)same.Decode(PayloadKind::kItch50, long_add);
  EXPECT_EQ(same.decoded_fields_fold(), before);
}

TEST(DecodeNames, NamesTypesForReports) {
  EXPECT_EQ(MessageTypeName(PayloadKind::kItch50, 'A'), "Add Order");
  EXPECT_EQ(MessageTypeName(PayloadKind::kIexTops16, 'Q'), "Quote Update");
  EXPECT_EQ(MessageTypeName(PayloadKind::kIexDeep10, '8'), "Price Level Update (Buy)");
  EXPECT_EQ(MessageTypeName(PayloadKind::kIexDeep10, 'Q'), "");
  EXPECT_EQ(MessageTypeName(PayloadKind::kOpaque, 'A'), "");
}

TEST(DecodeNames, DescribesWrongLengthWithTypeNameExpectedAndActual) {
  EXPECT_EQ(DescribeDecodeResult(PayloadKind::kItch50,
                                 DecodeResult{DecodeStatus::kWrongLength, 'A', 36, 35}),
            "ITCH 5.0 message type 'A' (Add Order): 35 bytes, expected 36");
  EXPECT_EQ(DescribeDecodeResult(PayloadKind::kIexDeep10,
                                 DecodeResult{DecodeStatus::kUnknownType, 0x01, 0, 12}),
            "IEX DEEP 1.0 message type 0x01 is not in the specification (12 bytes)");
  EXPECT_EQ(DescribeDecodeResult(PayloadKind::kIexTops16, DecodeResult{}),
            "IEX TOPS 1.6 message is empty (0 bytes): expected at least a type byte");
}

TEST(DecodeNames, ListsNonZeroTypeCountsLargestFirst) {
  MessageCounter counter;
  (void)counter.Decode(PayloadKind::kItch50, ItchOrderDelete(1));
  (void)counter.Decode(PayloadKind::kItch50, ItchAddOrder(1));
  (void)counter.Decode(PayloadKind::kItch50, ItchAddOrder(2));
  const auto counts = TypeCounts(PayloadKind::kItch50, counter);
  ASSERT_EQ(counts.size(), 2u);
  EXPECT_EQ(counts[0].type, 'A');
  EXPECT_EQ(counts[0].name, "Add Order");
  EXPECT_EQ(counts[0].count, 2u);
  EXPECT_EQ(counts[1].type, 'D');
  EXPECT_EQ(counts[1].count, 1u);
}

// ---- Real data: a minimal classic-pcap walker, local to this test ----

struct CaptureCounts {
  std::uint64_t packets = 0;
  std::uint64_t messages = 0;
};

std::uint16_t Le16(const std::vector<std::byte>& d, std::size_t at) {
  return static_cast<std::uint16_t>(std::to_integer<unsigned>(d[at]) |
                                    (std::to_integer<unsigned>(d[at + 1]) << 8));
}
std::uint32_t Le32(const std::vector<std::byte>& d, std::size_t at) {
  return static_cast<std::uint32_t>(Le16(d, at)) |
         (static_cast<std::uint32_t>(Le16(d, at + 2)) << 16);
}
std::uint16_t Be16(const std::vector<std::byte>& d, std::size_t at) {
  return static_cast<std::uint16_t>((std::to_integer<unsigned>(d[at]) << 8) |
                                    std::to_integer<unsigned>(d[at + 1]));
}

// Classic little-endian pcap (24-byte global header, 16-byte record headers),
// Ethernet (14) + IPv4 (IHL) + UDP (8) + IEX-TP segment header (40), then
// `message count` messages, each a u16 little-endian length + message.
// Feeds every message to `counter`; fails the test on any framing error.
void WalkIexCapture(const std::string& path, std::uint16_t message_protocol_id, PayloadKind kind,
                    MessageCounter& counter, CaptureCounts& totals) {
  std::ifstream in(path, std::ios::binary);
  ASSERT_TRUE(in) << "cannot open " << path;
  std::vector<char> raw((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  std::vector<std::byte> d(raw.size());
  std::memcpy(d.data(), raw.data(), raw.size());

  ASSERT_GE(d.size(), 24u) << path << ": shorter than the pcap global header";
  ASSERT_EQ(Le32(d, 0), 0xa1b2c3d4u) << path << ": not a little-endian microsecond pcap";
  ASSERT_EQ(Le32(d, 20), 1u) << path << ": link type is not Ethernet";
  std::size_t offset = 24;
  while (offset < d.size()) {
    const std::uint64_t packet = totals.packets;
    ASSERT_LE(offset + 16, d.size()) << path << ": truncated record header at byte " << offset;
    const std::size_t captured = Le32(d, offset + 8);
    const std::size_t start = offset + 16;
    const std::size_t end = start + captured;
    ASSERT_LE(end, d.size()) << path << ": packet " << packet << " truncated at byte " << offset;
    ASSERT_GE(captured, 14u + 20u) << path << ": packet " << packet << " too short for IPv4";
    ASSERT_EQ(Be16(d, start + 12), 0x0800) << path << ": packet " << packet << " is not IPv4";
    const std::size_t ip_header = (std::to_integer<std::size_t>(d[start + 14]) & 0x0F) * 4;
    ASSERT_EQ(std::to_integer<int>(d[start + 14 + 9]), 17) << path << ": packet " << packet
                                                           << " is not UDP";
    std::size_t at = start + 14 + ip_header + 8;
    ASSERT_LE(at + 40, end) << path << ": packet " << packet << " has no IEX-TP header";
    ASSERT_EQ(Le16(d, at + 2), message_protocol_id) << path << ": packet " << packet;
    const std::uint16_t message_count = Le16(d, at + 14);
    at += 40;
    for (std::uint16_t i = 0; i < message_count; ++i) {
      ASSERT_LE(at + 2, end) << path << ": packet " << packet << " message " << i;
      const std::size_t length = Le16(d, at);
      at += 2;
      ASSERT_LE(at + length, end) << path << ": packet " << packet << " message " << i
                                  << " runs past the packet";
      (void)counter.Decode(kind, std::span<const std::byte>(d).subspan(at, length));
      at += length;
      ++totals.messages;
    }
    ++totals.packets;
    offset = end;
  }
}

std::string SharedDataFile(const char* relative) {
  return std::string(RINGLIB_SHARED_DATA_DIR) + "/" + relative;
}

bool Exists(const std::string& path) { return std::ifstream(path).good(); }

void ExpectOnlyTheseTypes(const MessageCounter& counter,
                          const std::map<char, std::uint64_t>& expected) {
  for (int type = 0; type < 256; ++type) {
    const auto it = expected.find(static_cast<char>(type));
    const std::uint64_t want = it == expected.end() ? 0 : it->second;
    EXPECT_EQ(counter.count(static_cast<std::uint8_t>(type)), want) << "type " << type;
  }
}

TEST(MessageCounterRealData, DecodesEveryTops16SampleMessageWithTheReadmeCounts) {
  const std::string path = SharedDataFile("iex/tops16_sample.pcap");
  if (!Exists(path)) GTEST_SKIP() << "real data file missing: " << path;
  MessageCounter counter;
  CaptureCounts totals;
  WalkIexCapture(path, 0x8003, PayloadKind::kIexTops16, counter, totals);
  if (HasFatalFailure()) return;

  EXPECT_EQ(totals.packets, 13'022u);
  EXPECT_EQ(totals.messages, 57'674u);
  EXPECT_EQ(counter.messages(), 57'674u);
  EXPECT_EQ(counter.wrong_length(), 0u);
  EXPECT_EQ(counter.unknown_type(), 0u);
  EXPECT_EQ(counter.empty(), 0u);
  ExpectOnlyTheseTypes(counter, {{'Q', 27'217},
                                 {'H', 7'803},
                                 {'P', 7'802},
                                 {'O', 7'801},
                                 {'T', 6'390},
                                 {'A', 642},
                                 {'D', 10},
                                 {'S', 6},
                                 {'B', 3}});
}

TEST(MessageCounterRealData, DecodesEveryDeep10ExcerptMessageWithTheReadmeCounts) {
  const std::string path = SharedDataFile("iex/deep10_excerpt.pcap");
  if (!Exists(path)) GTEST_SKIP() << "real data file missing: " << path;
  MessageCounter counter;
  CaptureCounts totals;
  WalkIexCapture(path, 0x8004, PayloadKind::kIexDeep10, counter, totals);
  if (HasFatalFailure()) return;

  EXPECT_EQ(totals.packets, 5'000u);
  EXPECT_EQ(totals.messages, 48'325u);
  EXPECT_EQ(counter.messages(), 48'325u);
  EXPECT_EQ(counter.wrong_length(), 0u);
  EXPECT_EQ(counter.unknown_type(), 0u);
  EXPECT_EQ(counter.empty(), 0u);
  ExpectOnlyTheseTypes(counter, {{'P', 11'594},
                                 {'O', 11'317},
                                 {'H', 11'311},
                                 {'I', 11'309},
                                 {'8', 1'526},
                                 {'5', 1'226},
                                 {'T', 37},
                                 {'D', 3},
                                 {'S', 2}});
}

}  // namespace
