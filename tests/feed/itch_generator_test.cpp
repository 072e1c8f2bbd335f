// The deterministic ITCH 5.0 generator: reproducible bytes (data/demo.itch),
// spec lengths, clock, and order references.
#include "feed/itch_generator.hpp"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

namespace {

using Bytes = std::vector<std::byte>;

// Message lengths, type letter included, from the NASDAQ TotalView-ITCH 5.0
// specification (section 4), written here independently of the code.
const std::map<char, std::size_t> kSpecLength{
    {'S', 12}, {'R', 39}, {'H', 25}, {'Y', 20}, {'L', 26}, {'V', 35}, {'W', 12}, {'K', 28},
    {'J', 35}, {'h', 21}, {'A', 36}, {'F', 40}, {'E', 31}, {'C', 36}, {'X', 23}, {'D', 19},
    {'U', 35}, {'P', 44}, {'Q', 40}, {'B', 19}, {'I', 50}, {'N', 20}, {'O', 48}};

std::uint64_t Be(std::span<const std::byte> bytes, std::size_t offset, int size) {
  std::uint64_t value = 0;
  for (int i = 0; i < size; ++i) {
    value = (value << 8) | std::to_integer<std::uint64_t>(bytes[offset + static_cast<std::size_t>(i)]);
  }
  return value;
}

std::vector<Bytes> Generate(const feed::ItchGeneratorOptions& options) {
  feed::ItchGenerator generator(options);
  std::vector<Bytes> messages;
  for (auto message = generator.Next(); !message.empty(); message = generator.Next()) {
    messages.emplace_back(message.begin(), message.end());
  }
  return messages;
}

Bytes ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes bytes(chars.size());
  for (std::size_t i = 0; i < chars.size(); ++i) bytes[i] = static_cast<std::byte>(chars[i]);
  return bytes;
}

TEST(ItchGenerator, RegeneratesDemoFileByteForByte) {
  const std::string demo_path = std::string(RINGLIB_SOURCE_DIR) + "/data/demo.itch";
  if (!std::filesystem::exists(demo_path)) GTEST_SKIP() << "missing " << demo_path;
  const std::string temp_path = (std::filesystem::path(::testing::TempDir()) /
                                 ("itch_generator_demo_" + std::to_string(::getpid()) + ".itch"))
                                    .string();
  struct Remove {
    std::string path;
    ~Remove() { std::remove(path.c_str()); }
  } remove{temp_path};
  // The command in data/README.md: itch_gen --messages 100000 --seed 1 (8 symbols).
  feed::ItchGeneratorOptions options;
  options.message_count = 100'000;
  options.seed = 1;
  options.symbol_count = 8;
  feed::WriteItch50BinaryFile(temp_path, options);
  const Bytes regenerated = ReadFile(temp_path);
  const Bytes committed = ReadFile(demo_path);
  ASSERT_EQ(regenerated.size(), committed.size());
  EXPECT_TRUE(regenerated == committed) << "data/demo.itch differs from the generator's output";
}

TEST(ItchGenerator, EveryMessageHasItsTypesSpecLength) {
  for (const std::uint64_t seed : {1ULL, 2ULL, 99ULL}) {
    feed::ItchGeneratorOptions options;
    options.message_count = 30'000;
    options.seed = seed;
    std::map<char, std::uint64_t> seen;
    for (const Bytes& message : Generate(options)) {
      const char type = static_cast<char>(message[0]);
      const auto spec = kSpecLength.find(type);
      ASSERT_NE(spec, kSpecLength.end()) << "type byte " << int{type} << " is not in ITCH 5.0";
      ASSERT_EQ(message.size(), spec->second) << "type " << type << ", seed " << seed;
      ++seen[type];
    }
    // The mix reaches every type of the specification.
    EXPECT_EQ(seen.size(), kSpecLength.size()) << "seed " << seed;
  }
}

TEST(ItchGenerator, WritesBinaryFileFramingWithBigEndianLengths) {
  const std::string path = (std::filesystem::path(::testing::TempDir()) /
                            ("itch_generator_framing_" + std::to_string(::getpid()) + ".itch"))
                               .string();
  struct Remove {
    std::string path;
    ~Remove() { std::remove(path.c_str()); }
  } remove{path};
  feed::ItchGeneratorOptions options;
  options.message_count = 2'000;
  options.seed = 5;
  const feed::ItchTypeCounts counts = feed::WriteItch50BinaryFile(path, options);
  const Bytes file = ReadFile(path);
  std::size_t pos = 0;
  std::uint64_t messages = 0;
  feed::ItchTypeCounts walked{};
  while (pos + 2 <= file.size()) {
    const std::size_t length = Be(file, pos, 2);
    ASSERT_LE(pos + 2 + length, file.size());
    ASSERT_EQ(length, kSpecLength.at(static_cast<char>(file[pos + 2])));
    ++walked[std::to_integer<std::size_t>(file[pos + 2])];
    pos += 2 + length;
    ++messages;
  }
  EXPECT_EQ(pos, file.size());
  EXPECT_EQ(messages, 2'000U);
  EXPECT_EQ(walked, counts);
}

TEST(ItchGenerator, SameSeedGivesSameBytesAndOtherSeedDiffers) {
  feed::ItchGeneratorOptions options;
  options.message_count = 5'000;
  options.seed = 42;
  const auto first = Generate(options);
  EXPECT_EQ(first, Generate(options));
  options.seed = 43;
  EXPECT_NE(first, Generate(options));
}

TEST(ItchGenerator, TimestampsStartAtNineThirtyAndStrictlyIncrease) {
  feed::ItchGeneratorOptions options;
  options.message_count = 20'000;
  const auto messages = Generate(options);
  const std::uint64_t nine_thirty_ns = 34'200ULL * 1'000'000'000ULL;
  std::uint64_t previous = nine_thirty_ns;
  for (const Bytes& message : messages) {
    const std::uint64_t timestamp_ns = Be(message, 5, 6);
    ASSERT_GT(timestamp_ns, previous);
    previous = timestamp_ns;
  }
  EXPECT_LT(Be(messages.front(), 5, 6), nine_thirty_ns + 1'000'000'000ULL);
  EXPECT_LT(previous, 16ULL * 3'600 * 1'000'000'000ULL);  // before the 16:00 close
}

TEST(ItchGenerator, OpensAndClosesTheDayWithSystemEvents) {
  feed::ItchGeneratorOptions options;
  options.message_count = 1'000;
  options.symbol_count = 3;
  const auto messages = Generate(options);
  ASSERT_EQ(messages.size(), 1'000U);
  auto event = [](const Bytes& message) {
    return std::string{static_cast<char>(message[0]), static_cast<char>(message[11])};
  };
  EXPECT_EQ(event(messages[0]), "SO");  // start of messages
  EXPECT_EQ(event(messages[1]), "SS");  // start of system hours
  for (std::size_t i = 2; i < 5; ++i) EXPECT_EQ(static_cast<char>(messages[i][0]), 'R');
  for (std::size_t i = 5; i < 8; ++i) EXPECT_EQ(static_cast<char>(messages[i][0]), 'H');
  EXPECT_EQ(event(messages[9]), "SQ");      // start of market hours
  EXPECT_EQ(event(messages[997]), "SM");    // end of market hours
  EXPECT_EQ(event(messages[998]), "SE");    // end of system hours
  EXPECT_EQ(event(messages[999]), "SC");    // end of messages
}

TEST(ItchGenerator, OrderMessagesReferToLiveOrdersWithEnoughShares) {
  feed::ItchGeneratorOptions options;
  options.message_count = 50'000;
  options.seed = 7;
  std::map<std::uint64_t, std::uint64_t> live;  // order reference -> shares left
  std::uint64_t references_checked = 0;
  for (const Bytes& message : Generate(options)) {
    const char type = static_cast<char>(message[0]);
    // Offsets from the spec: reference at 11; A/F shares at 20; E/C/X shares at 19;
    // U: original reference 11, new reference 19, shares 27.
    if (type == 'A' || type == 'F') {
      const std::uint64_t reference = Be(message, 11, 8);
      ASSERT_EQ(live.count(reference), 0U) << "reference " << reference << " added twice";
      live[reference] = Be(message, 20, 4);
    } else if (type == 'E' || type == 'C' || type == 'X') {
      const auto order = live.find(Be(message, 11, 8));
      ASSERT_NE(order, live.end()) << type << " names an order that is not live";
      const std::uint64_t shares = Be(message, 19, 4);
      ASSERT_GE(order->second, shares);
      order->second -= shares;
      if (order->second == 0) live.erase(order);
      ++references_checked;
    } else if (type == 'D') {
      ASSERT_EQ(live.erase(Be(message, 11, 8)), 1U) << "D names an order that is not live";
      ++references_checked;
    } else if (type == 'U') {
      ASSERT_EQ(live.erase(Be(message, 11, 8)), 1U) << "U names an order that is not live";
      const std::uint64_t new_reference = Be(message, 19, 8);
      ASSERT_EQ(live.count(new_reference), 0U);
      live[new_reference] = Be(message, 27, 4);
      ++references_checked;
    }
  }
  EXPECT_GT(references_checked, 20'000U);
}

TEST(ItchGenerator, RefusesTooFewMessagesForTheOpeningAndClosing) {
  feed::ItchGeneratorOptions options;
  options.symbol_count = 8;
  options.message_count = 10;  // 8 symbols need 4 + 16 + 3 = 23
  EXPECT_THROW(feed::ItchGenerator{options}, std::invalid_argument);
  options.message_count = 23;
  EXPECT_EQ(Generate(options).size(), 23U);
  options.symbol_count = 0;
  EXPECT_THROW(feed::ItchGenerator{options}, std::invalid_argument);
}

}  // namespace
