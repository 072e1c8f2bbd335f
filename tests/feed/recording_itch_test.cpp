// ITCH 5.0 BinaryFILE reader: framing, timestamps, offsets and errors.
#include <gtest/gtest.h>
#include <unistd.h>

#include <array>
#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <string>
#include <vector>

#include "feed/recording.hpp"
#include "temp_file.hpp"

namespace {

using Bytes = std::vector<std::byte>;

using feedtest::TempFile;

// One framed ITCH message of `length` bytes: type, zeros, and the 6-byte
// big-endian timestamp at offset 5 when there is room for it.
void AppendMessage(Bytes& file, char type, std::size_t length, std::uint64_t timestamp_ns = 0) {
  file.push_back(static_cast<std::byte>(length >> 8));
  file.push_back(static_cast<std::byte>(length & 0xff));
  Bytes message(length, std::byte{0});
  if (length > 0) message[0] = static_cast<std::byte>(type);
  if (length >= 11) {
    for (int i = 0; i < 6; ++i) {
      message[5 + static_cast<std::size_t>(i)] =
          static_cast<std::byte>((timestamp_ns >> (8 * (5 - i))) & 0xff);
    }
  }
  file.insert(file.end(), message.begin(), message.end());
}

const std::string kDemoPath = std::string(RINGLIB_SOURCE_DIR) + "/data/demo.itch";

TEST(ItchFileReader, ReadsDemoFileWithTheCountsInDataReadme) {
  if (!std::filesystem::exists(kDemoPath)) GTEST_SKIP() << "missing " << kDemoPath;
  // From data/README.md (counted there with an independent Python walk).
  const std::map<char, std::uint64_t> expected{
      {'A', 32'891}, {'D', 28'127}, {'E', 8'966}, {'U', 8'933}, {'X', 6'005}, {'P', 3'959},
      {'F', 3'927},  {'I', 2'495},  {'C', 1'565}, {'Y', 545},   {'N', 493},   {'L', 484},
      {'Q', 298},    {'H', 294},    {'B', 221},   {'h', 205},   {'K', 201},   {'J', 194},
      {'W', 101},    {'O', 81},     {'R', 8},     {'S', 6},     {'V', 1}};
  auto reader = feed::OpenRecording(kDemoPath, feed::Format::kItch50BinaryFile);
  EXPECT_EQ(reader->payload_kind(), feed::PayloadKind::kItch50);
  EXPECT_EQ(reader->size_bytes(), 3'238'626U);
  std::map<char, std::uint64_t> counts;
  feed::Record record;
  feed::InputError error;
  std::uint64_t records = 0;
  std::uint64_t previous_timestamp = 0;
  std::uint64_t expected_offset = 0;
  feed::ReadOutcome outcome;
  while ((outcome = reader->Next(record, error)) == feed::ReadOutcome::kRecord) {
    ++records;
    ASSERT_EQ(record.index, records);
    ASSERT_EQ(record.offset_bytes, expected_offset);
    ASSERT_GT(record.timestamp_ns, previous_timestamp) << "record " << records;
    previous_timestamp = record.timestamp_ns;
    expected_offset += 2 + record.payload.size();
    ++counts[static_cast<char>(record.payload[0])];
  }
  EXPECT_EQ(outcome, feed::ReadOutcome::kEnd) << error.ToString();
  EXPECT_EQ(records, 100'000U);
  EXPECT_EQ(counts, expected);
  EXPECT_EQ(reader->position_bytes(), reader->size_bytes());
}

TEST(ItchFileReader, ReadsTimestampFromTheSixBytesAtOffsetFive) {
  Bytes file;
  AppendMessage(file, 'S', 12, 0x0000'1F2E'3D4C'5B6AULL);  // 48-bit value
  const TempFile temp(file);
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kItch50BinaryFile);
  feed::Record record;
  feed::InputError error;
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kRecord);
  EXPECT_EQ(record.timestamp_ns, 0x1F2E'3D4C'5B6AULL);
  EXPECT_EQ(record.payload.size(), 12U);
  EXPECT_EQ(record.payload[0], std::byte{'S'});
}

TEST(ItchFileReader, ReportsTruncatedLastRecordWithNumberAndOffset) {
  Bytes file;
  AppendMessage(file, 'S', 12);
  AppendMessage(file, 'A', 36);
  // Third record: the prefix says 36 bytes, only 10 follow.
  file.push_back(std::byte{0});
  file.push_back(std::byte{36});
  file.insert(file.end(), 10, std::byte{'A'});
  const TempFile temp(file);
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kItch50BinaryFile);
  feed::Record record;
  feed::InputError error;
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kRecord);
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kRecord);
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kError);
  EXPECT_EQ(error.file, temp.path());
  EXPECT_EQ(error.record_index, 3U);
  EXPECT_EQ(error.offset_bytes, 2U + 12U + 2U + 36U);
  EXPECT_NE(error.message.find("36"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("10"), std::string::npos) << error.message;
  EXPECT_NE(error.ToString().find("record 3 at byte 52"), std::string::npos) << error.ToString();
  EXPECT_EQ(reader->Next(record, error), feed::ReadOutcome::kEnd);
}

TEST(ItchFileReader, ReportsSingleStrayByteAtTheEndAsTruncatedPrefix) {
  Bytes file;
  AppendMessage(file, 'S', 12);
  file.push_back(std::byte{0});
  const TempFile temp(file);
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kItch50BinaryFile);
  feed::Record record;
  feed::InputError error;
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kRecord);
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kError);
  EXPECT_EQ(error.record_index, 2U);
  EXPECT_EQ(error.offset_bytes, 14U);
  EXPECT_EQ(reader->Next(record, error), feed::ReadOutcome::kEnd);
}

TEST(ItchFileReader, ReportsMessageTooShortForTimestampAndReadsOn) {
  Bytes file;
  AppendMessage(file, 'S', 10);  // one byte short of the 11-byte common header
  AppendMessage(file, 'S', 12, 42);
  const TempFile temp(file);
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kItch50BinaryFile);
  feed::Record record;
  feed::InputError error;
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kError);
  EXPECT_EQ(error.record_index, 1U);
  EXPECT_EQ(error.offset_bytes, 0U);
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kRecord);
  EXPECT_EQ(record.index, 2U);
  EXPECT_EQ(record.offset_bytes, 12U);
  EXPECT_EQ(record.timestamp_ns, 42U);
  EXPECT_EQ(reader->Next(record, error), feed::ReadOutcome::kEnd);
}

TEST(ItchFileReader, EmptyFileHasNoRecords) {
  const TempFile temp(Bytes{});
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kItch50BinaryFile);
  feed::Record record;
  feed::InputError error;
  EXPECT_EQ(reader->Next(record, error), feed::ReadOutcome::kEnd);
  EXPECT_EQ(reader->size_bytes(), 0U);
}

TEST(ItchFileReader, RewindGivesTheSameRecordsAgain) {
  Bytes file;
  for (std::uint64_t i = 1; i <= 50; ++i) AppendMessage(file, i % 2 == 0 ? 'A' : 'D', i % 2 == 0 ? 36 : 19, i * 1000);
  const TempFile temp(file);
  auto reader = feed::OpenRecording(temp.path(), std::nullopt);
  ASSERT_EQ(reader->format(), feed::Format::kItch50BinaryFile);
  auto read_all = [&] {
    std::vector<std::pair<std::uint64_t, Bytes>> records;
    feed::Record record;
    feed::InputError error;
    while (reader->Next(record, error) == feed::ReadOutcome::kRecord) {
      records.emplace_back(record.timestamp_ns, Bytes(record.payload.begin(), record.payload.end()));
    }
    return records;
  };
  const auto first = read_all();
  reader->Rewind();
  const auto second = read_all();
  ASSERT_EQ(first.size(), 50U);
  EXPECT_EQ(first, second);
}

TEST(ItchFileReader, ReportsAMessageLargerThanItsTypeAndFindsTheNextOne) {
  // The largest length a prefix can say, on an unknown type: reported as a
  // bad record, and the framing still finds the next message after it.
  Bytes file;
  AppendMessage(file, 'Z', 65'535, 7);
  AppendMessage(file, 'S', 12, 8);
  const TempFile temp(file);
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kItch50BinaryFile);
  feed::Record record;
  feed::InputError error;
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kError);
  EXPECT_EQ(error.record_index, 1U);
  EXPECT_EQ(error.offset_bytes, 0U);
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kRecord);
  EXPECT_EQ(record.offset_bytes, 2U + 65'535U);
  EXPECT_EQ(record.timestamp_ns, 8U);
}

}  // namespace

namespace {

// An ITCH message: u16 big-endian length, type letter, then zero bytes.
std::string Framed(char type, std::size_t length) {
  std::string message(length, '\0');
  message[0] = type;
  return std::string{static_cast<char>(length >> 8), static_cast<char>(length & 0xff)} + message;
}

TEST(ItchFileReaderTypeCheck, LengthThatDoesNotMatchItsTypeIsReportedAndReadingGoesOn) {
  // S is 12 bytes in ITCH 5.0, A is 36: an "A" of 35 bytes is a bad record.
  const TempFile file(Framed('S', 12) + Framed('A', 35) + Framed('S', 12));
  auto reader = feed::OpenRecording(file.path(), feed::Format::kItch50BinaryFile);
  feed::Record record;
  feed::InputError error;
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kRecord);
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kError);
  EXPECT_EQ(error.record_index, 2u);
  EXPECT_EQ(error.offset_bytes, 14u);
  EXPECT_NE(error.ToString().find("35 bytes, expected 36"), std::string::npos) << error.ToString();
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kRecord);
  EXPECT_EQ(record.index, 3u);
  EXPECT_EQ(reader->Next(record, error), feed::ReadOutcome::kEnd);
}

TEST(ItchFileReaderTypeCheck, UnknownTypeLetterIsReportedWithItsRecordAndOffset) {
  const TempFile file(Framed('S', 12) + Framed('z', 20));
  auto reader = feed::OpenRecording(file.path(), feed::Format::kItch50BinaryFile);
  feed::Record record;
  feed::InputError error;
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kRecord);
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kError);
  EXPECT_EQ(error.record_index, 2u);
  EXPECT_EQ(error.offset_bytes, 14u);
  EXPECT_NE(error.ToString().find("'z'"), std::string::npos) << error.ToString();
}

}  // namespace
