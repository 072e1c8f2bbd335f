#include "feed/checksum.hpp"

#include <gtest/gtest.h>

#include <span>
#include <string_view>
#include <vector>

namespace feed {
namespace {

std::span<const std::byte> Bytes(std::string_view text) { return std::as_bytes(std::span(text)); }

StreamDigest DigestOf(std::initializer_list<std::string_view> payloads) {
  StreamDigest digest;
  for (const auto payload : payloads) digest.Add(Bytes(payload));
  return digest;
}

// Reference values from the xxHash project's own sanity tests (XXH3_64bits, seed 0).
TEST(Checksum, MatchesPublishedXxh3TestVectors) {
  EXPECT_EQ(Checksum({}), 0x2D06800538D394C2ULL);
  EXPECT_EQ(Checksum(Bytes("a")), 0xE6C632B61E964E1FULL);
  EXPECT_EQ(Checksum(Bytes("abc")), 0x78AF5F94892F3950ULL);
}

TEST(Checksum, ChangesWhenOneBitOfALargePayloadFlips) {
  std::vector<std::byte> payload(65'503, std::byte{0x5A});
  const auto before = Checksum(payload);
  payload[40'000] ^= std::byte{0x01};
  EXPECT_NE(Checksum(payload), before);
}

TEST(StreamDigest, EmptyStreamHasAFixedNonZeroValue) {
  const StreamDigest first;
  const StreamDigest second;
  EXPECT_EQ(first.value(), second.value());
  EXPECT_NE(first.value(), 0u);
  EXPECT_EQ(first.message_count(), 0u);
}

TEST(StreamDigest, SameMessagesInSameOrderGiveSameDigest) {
  EXPECT_EQ(DigestOf({"one", "two", "three"}).value(), DigestOf({"one", "two", "three"}).value());
  EXPECT_EQ(DigestOf({"one", "two", "three"}).message_count(), 3u);
}

TEST(StreamDigest, DependsOnMessageOrder) {
  EXPECT_NE(DigestOf({"one", "two"}).value(), DigestOf({"two", "one"}).value());
}

TEST(StreamDigest, DependsOnBoundariesBetweenMessages) {
  EXPECT_NE(DigestOf({"ab", "c"}).value(), DigestOf({"a", "bc"}).value());
  EXPECT_NE(DigestOf({"abc"}).value(), DigestOf({"abc", ""}).value());
}

TEST(StreamDigest, DetectsADroppedOrDuplicatedMessage) {
  EXPECT_NE(DigestOf({"x", "y", "z"}).value(), DigestOf({"x", "z"}).value());
  EXPECT_NE(DigestOf({"x", "y"}).value(), DigestOf({"x", "y", "y"}).value());
}

TEST(StreamDigest, AddChecksumEqualsAddOfThePayload) {
  StreamDigest from_payloads;
  StreamDigest from_checksums;
  for (const std::string_view payload : {"alpha", "", "gamma"}) {
    from_payloads.Add(Bytes(payload));
    from_checksums.AddChecksum(Checksum(Bytes(payload)), payload.size());
  }
  EXPECT_EQ(from_payloads.value(), from_checksums.value());
}

}  // namespace
}  // namespace feed
