#include "feed/envelope.hpp"

#include <gtest/gtest.h>

#include <array>
#include <stdexcept>
#include <string>
#include <vector>

namespace feed {
namespace {

std::vector<std::byte> Bytes(std::initializer_list<unsigned> values) {
  std::vector<std::byte> bytes;
  for (const unsigned value : values) bytes.push_back(static_cast<std::byte>(value));
  return bytes;
}

Envelope SampleEnvelope() {
  Envelope envelope;
  envelope.sequence = 0x0102030405060708ULL;
  envelope.publish_time_ns = 0x1112131415161718ULL;
  envelope.payload_checksum = 0x2122232425262728ULL;
  envelope.payload_size = 3;
  envelope.kind = MessageKind::kData;
  envelope.payload_kind = PayloadKind::kItch50;
  return envelope;
}

TEST(Envelope, MaxPayloadLeavesRoomForTheEnvelopeInARingMessage) {
  EXPECT_EQ(kEnvelopeBytes, 32u);
  EXPECT_EQ(kMaxRingMessageBytes, 65'535u);
  EXPECT_EQ(kMaxPayloadBytes, 65'503u);
}

TEST(Envelope, WireLayoutIsFixedLittleEndian) {
  std::array<std::byte, kEnvelopeBytes> wire{};
  EncodeEnvelope(SampleEnvelope(), wire);
  const auto expected = Bytes({0x08, 0x07, 0x06, 0x05, 0x04, 0x03, 0x02, 0x01,  // sequence
                               0x18, 0x17, 0x16, 0x15, 0x14, 0x13, 0x12, 0x11,  // publish_time_ns
                               0x28, 0x27, 0x26, 0x25, 0x24, 0x23, 0x22, 0x21,  // payload_checksum
                               0x03, 0x00, 0x00, 0x00,                          // payload_size
                               0x01,                                            // kind: data
                               0x01,          // payload kind: itch
                               0x00, 0x00});  // reserved
  EXPECT_EQ(std::vector<std::byte>(wire.begin(), wire.end()), expected);
}

TEST(Envelope, MessageRoundTripsWithItsPayload) {
  const auto payload = Bytes({'A', 'B', 'C'});
  std::array<std::byte, 64> buffer{};
  const std::size_t size = EncodeMessage(SampleEnvelope(), payload, buffer);
  ASSERT_EQ(size, kEnvelopeBytes + 3);
  const DecodedMessage decoded = DecodeEnvelope(std::span(buffer).first(size));
  ASSERT_TRUE(decoded.ok()) << Describe(decoded.error);
  EXPECT_EQ(decoded.envelope.sequence, 0x0102030405060708ULL);
  EXPECT_EQ(decoded.envelope.publish_time_ns, 0x1112131415161718ULL);
  EXPECT_EQ(decoded.envelope.payload_checksum, 0x2122232425262728ULL);
  EXPECT_EQ(decoded.envelope.payload_size, 3u);
  EXPECT_EQ(decoded.envelope.kind, MessageKind::kData);
  EXPECT_EQ(decoded.envelope.payload_kind, PayloadKind::kItch50);
  EXPECT_EQ(std::vector<std::byte>(decoded.payload.begin(), decoded.payload.end()), payload);
}

TEST(Envelope, EncodeTakesPayloadSizeFromThePayload) {
  Envelope envelope = SampleEnvelope();
  envelope.payload_size = 999;
  std::array<std::byte, 64> buffer{};
  const std::size_t size = EncodeMessage(envelope, Bytes({1, 2}), buffer);
  EXPECT_EQ(DecodeEnvelope(std::span(buffer).first(size)).envelope.payload_size, 2u);
}

TEST(Envelope, EncodeRefusesOversizedPayloadOrShortBuffer) {
  std::vector<std::byte> buffer(kMaxRingMessageBytes + 16);
  const std::vector<std::byte> too_big(kMaxPayloadBytes + 1);
  EXPECT_EQ(EncodeMessage(SampleEnvelope(), too_big, buffer), 0u);
  const std::vector<std::byte> largest(kMaxPayloadBytes);
  EXPECT_EQ(EncodeMessage(SampleEnvelope(), largest, buffer), kMaxRingMessageBytes);
  std::array<std::byte, kEnvelopeBytes + 2> small{};
  EXPECT_EQ(EncodeMessage(SampleEnvelope(), Bytes({1, 2, 3}), small), 0u);
}

TEST(Envelope, DecodeRejectsMessageShorterThanTheEnvelope) {
  const std::vector<std::byte> short_message(kEnvelopeBytes - 1);
  EXPECT_EQ(DecodeEnvelope(short_message).error, EnvelopeError::kTooShort);
  EXPECT_EQ(DecodeEnvelope({}).error, EnvelopeError::kTooShort);
}

TEST(Envelope, DecodeRejectsUnknownKinds) {
  std::array<std::byte, kEnvelopeBytes> wire{};
  Envelope envelope = SampleEnvelope();
  envelope.payload_size = 0;
  EncodeEnvelope(envelope, wire);
  for (const unsigned kind : {0u, 4u, 255u}) {
    wire[kEnvelopeKindOffset] = static_cast<std::byte>(kind);
    EXPECT_EQ(DecodeEnvelope(wire).error, EnvelopeError::kUnknownKind) << kind;
  }
  EncodeEnvelope(envelope, wire);
  wire[kEnvelopePayloadKindOffset] = std::byte{9};
  EXPECT_EQ(DecodeEnvelope(wire).error, EnvelopeError::kUnknownPayloadKind);
}

TEST(Envelope, DecodeRejectsNonZeroReservedField) {
  std::array<std::byte, kEnvelopeBytes> wire{};
  Envelope envelope = SampleEnvelope();
  envelope.payload_size = 0;
  envelope.reserved = 1;
  EncodeEnvelope(envelope, wire);
  EXPECT_EQ(DecodeEnvelope(wire).error, EnvelopeError::kReservedNotZero);
}

TEST(Envelope, DecodeRejectsPayloadSizeThatDisagreesWithTheMessage) {
  std::array<std::byte, kEnvelopeBytes + 4> wire{};
  Envelope envelope = SampleEnvelope();
  envelope.payload_size = 5;  // claims one byte more than there is
  EncodeEnvelope(envelope, std::span(wire).first<kEnvelopeBytes>());
  EXPECT_EQ(DecodeEnvelope(wire).error, EnvelopeError::kPayloadSizeMismatch);
  envelope.payload_size = 3;  // and one byte fewer
  EncodeEnvelope(envelope, std::span(wire).first<kEnvelopeBytes>());
  EXPECT_EQ(DecodeEnvelope(wire).error, EnvelopeError::kPayloadSizeMismatch);
}

StartOfStream SampleStart() {
  StartOfStream start;
  start.source_path = "/work/shared/data/iex/deep10_excerpt.pcap";
  start.format = Format::kIexTpPcap;
  start.payload_kind = PayloadKind::kIexDeep10;
  start.expected_messages = 48'325;
  start.pacing = "recorded x2";
  return start;
}

EndOfStream SampleEnd() {
  EndOfStream end;
  end.reason = EndReason::kInputError;
  end.message_count = 12'345;
  end.payload_bytes = 987'654;
  end.digest = 0xDEADBEEFCAFEF00DULL;
  end.detail = "data/demo.itch: record 7 at byte offset 120: truncated";
  return end;
}

TEST(ControlBodies, StartOfStreamRoundTrips) {
  const auto decoded = DecodeStartOfStream(EncodeStartOfStream(SampleStart()));
  ASSERT_TRUE(decoded.ok()) << decoded.error;
  EXPECT_EQ(*decoded.value, SampleStart());
}

TEST(ControlBodies, EndOfStreamRoundTrips) {
  const auto decoded = DecodeEndOfStream(EncodeEndOfStream(SampleEnd()));
  ASSERT_TRUE(decoded.ok()) << decoded.error;
  EXPECT_EQ(*decoded.value, SampleEnd());
}

TEST(ControlBodies, EndOfStreamLayoutIsFixedLittleEndian) {
  EndOfStream end;
  end.reason = EndReason::kInterrupted;
  end.message_count = 2;
  end.payload_bytes = 0x0304;
  end.digest = 0x05;
  end.detail = "x";
  const auto expected = Bytes({0x01, 0x00,                     // version 1
                               0x02, 0x00,                     // reason, reserved
                               0x02, 0,    0,  0, 0, 0, 0, 0,  // message_count
                               0x04, 0x03, 0,  0, 0, 0, 0, 0,  // payload_bytes
                               0x05, 0,    0,  0, 0, 0, 0, 0,  // digest
                               0x01, 0x00, 'x'});              // detail
  EXPECT_EQ(EncodeEndOfStream(end), expected);
}

TEST(ControlBodies, EveryTruncationIsAnErrorNotAnOverread) {
  const auto start = EncodeStartOfStream(SampleStart());
  for (std::size_t size = 0; size < start.size(); ++size) {
    const auto decoded = DecodeStartOfStream(std::span(start).first(size));
    EXPECT_FALSE(decoded.ok()) << size;
    EXPECT_NE(decoded.error.find("start-of-stream"), std::string::npos) << decoded.error;
  }
  const auto end = EncodeEndOfStream(SampleEnd());
  for (std::size_t size = 0; size < end.size(); ++size) {
    EXPECT_FALSE(DecodeEndOfStream(std::span(end).first(size)).ok()) << size;
  }
}

TEST(ControlBodies, TruncatedStringNamesFieldAndOffset) {
  auto start = EncodeStartOfStream(SampleStart());
  ASSERT_FALSE(start.empty());
  // pop_back, not resize(size() - 1): GCC 12 warns (stringop-overflow) on
  // the grow path of resize that an empty vector would take.
  start.pop_back();
  const auto decoded = DecodeStartOfStream(start);
  ASSERT_FALSE(decoded.ok());
  EXPECT_NE(decoded.error.find("pacing"), std::string::npos) << decoded.error;
  EXPECT_NE(decoded.error.find("offset"), std::string::npos) << decoded.error;
}

TEST(ControlBodies, RejectsTrailingBytesUnknownVersionAndUnknownEnums) {
  auto trailing = EncodeEndOfStream(SampleEnd());
  trailing.push_back(std::byte{0});
  EXPECT_FALSE(DecodeEndOfStream(trailing).ok());

  auto version = EncodeEndOfStream(SampleEnd());
  version[0] = std::byte{2};
  const auto wrong_version = DecodeEndOfStream(version);
  ASSERT_FALSE(wrong_version.ok());
  EXPECT_NE(wrong_version.error.find("version 2"), std::string::npos) << wrong_version.error;

  auto reason = EncodeEndOfStream(SampleEnd());
  reason[2] = std::byte{0};
  EXPECT_FALSE(DecodeEndOfStream(reason).ok());

  auto format = EncodeStartOfStream(SampleStart());
  format[2] = std::byte{0};
  EXPECT_FALSE(DecodeStartOfStream(format).ok());
}

TEST(ControlBodies, EncodeRefusesBodiesThatDoNotFitARingMessage) {
  StartOfStream start = SampleStart();
  start.source_path.assign(70'000, 'p');
  EXPECT_THROW(EncodeStartOfStream(start), std::length_error);
  start.source_path.assign(40'000, 'p');
  start.pacing.assign(40'000, 'q');
  EXPECT_THROW(EncodeStartOfStream(start), std::length_error);
}

TEST(EndReason, NamesRoundTrip) {
  for (const EndReason reason :
       {EndReason::kCompleted, EndReason::kInterrupted, EndReason::kInputError}) {
    EXPECT_EQ(ParseEndReason(EndReasonName(reason)), reason);
  }
  EXPECT_EQ(EndReasonName(EndReason::kInputError), "input_error");
  EXPECT_FALSE(ParseEndReason("finished").has_value());
}

}  // namespace
}  // namespace feed
