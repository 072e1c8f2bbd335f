// Timestamped-lines reader: the real Binance file and every malformed line.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "feed/recording.hpp"
#include "temp_file.hpp"

namespace {

using feedtest::TempFile;

struct Line {
  std::uint64_t timestamp_ns;
  std::string payload;
  std::uint64_t index;
  std::uint64_t offset_bytes;
};
struct ReadResult {
  std::vector<Line> records;
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
    result.records.push_back({record.timestamp_ns,
                              std::string(reinterpret_cast<const char*>(record.payload.data()),
                                          record.payload.size()),
                              record.index, record.offset_bytes});
  }
  return result;
}

ReadResult ReadString(const std::string& content) {
  const TempFile temp(content);
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kTimestampedLines);
  return ReadAll(*reader);
}

TEST(LinesReader, ReadsBinanceFileWithTheCountsInSharedDataReadme) {
  const std::string path =
      std::string(RINGLIB_SHARED_DATA_DIR) + "/crypto/binance_spot_btcusdt_20240808.txt";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "missing shared data file " << path;
  auto reader = feed::OpenRecording(path, std::nullopt);
  ASSERT_EQ(reader->format(), feed::Format::kTimestampedLines);
  EXPECT_EQ(reader->payload_kind(), feed::PayloadKind::kOpaque);
  feed::Record record;
  feed::InputError error;
  feed::ReadOutcome outcome;
  std::uint64_t records = 0;
  std::size_t largest = 0;
  std::uint64_t json_objects = 0;
  while ((outcome = reader->Next(record, error)) != feed::ReadOutcome::kEnd) {
    ASSERT_EQ(outcome, feed::ReadOutcome::kRecord) << error.ToString();
    ++records;
    largest = std::max(largest, record.payload.size());
    // "the raw JSON message": each payload is one JSON object.
    if (record.payload.front() == std::byte{'{'} && record.payload.back() == std::byte{'}'}) {
      ++json_objects;
    }
  }
  EXPECT_EQ(records, 41'249U);
  EXPECT_EQ(largest, 64'046U);
  EXPECT_EQ(json_objects, records);
  EXPECT_EQ(reader->position_bytes(), reader->size_bytes());
}

TEST(LinesReader, SplitsTimestampAndPayloadAtTheFirstSpace) {
  const ReadResult result = ReadString("123 hello world\n18446744073709551615 {\"a\": 1}\n");
  ASSERT_TRUE(result.errors.empty());
  ASSERT_EQ(result.records.size(), 2U);
  EXPECT_EQ(result.records[0].timestamp_ns, 123U);
  EXPECT_EQ(result.records[0].payload, "hello world");
  EXPECT_EQ(result.records[0].offset_bytes, 0U);
  EXPECT_EQ(result.records[1].timestamp_ns, UINT64_MAX);
  EXPECT_EQ(result.records[1].payload, "{\"a\": 1}");
  EXPECT_EQ(result.records[1].index, 2U);
  EXPECT_EQ(result.records[1].offset_bytes, 16U);
}

TEST(LinesReader, StripsTrailingCarriageReturn) {
  const ReadResult result = ReadString("1 abc\r\n2 def\r\n");
  ASSERT_EQ(result.records.size(), 2U);
  EXPECT_EQ(result.records[0].payload, "abc");
  EXPECT_EQ(result.records[1].payload, "def");
}

TEST(LinesReader, AcceptsLastLineWithoutNewline) {
  const ReadResult result = ReadString("1 first\n2 last");
  EXPECT_TRUE(result.errors.empty());
  ASSERT_EQ(result.records.size(), 2U);
  EXPECT_EQ(result.records[1].payload, "last");
}

TEST(LinesReader, AcceptsEmptyPayloadAndPayloadOfExactlyTheLimit) {
  const std::string biggest(65'535, 'x');
  const ReadResult result = ReadString("5 \n6 " + biggest + "\n");
  ASSERT_TRUE(result.errors.empty()) << result.errors[0].ToString();
  ASSERT_EQ(result.records.size(), 2U);
  EXPECT_EQ(result.records[0].payload, "");
  EXPECT_EQ(result.records[1].payload.size(), 65'535U);
}

TEST(LinesReader, ReportsPayloadOverTheLimitWithLineNumberAndOffsetAndReadsOn) {
  const std::string line1 = "1 ok\n";
  const std::string line2 = "2 " + std::string(65'536, 'y') + "\n";
  const ReadResult result = ReadString(line1 + line2 + "3 after\n");
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors[0].record_index, 2U);
  EXPECT_EQ(result.errors[0].unit, "line");
  EXPECT_EQ(result.errors[0].offset_bytes, line1.size());
  EXPECT_NE(result.errors[0].message.find("65536"), std::string::npos) << result.errors[0].message;
  ASSERT_EQ(result.records.size(), 2U);
  EXPECT_EQ(result.records[1].payload, "after");
  EXPECT_EQ(result.records[1].index, 3U);
  EXPECT_EQ(result.records[1].offset_bytes, line1.size() + line2.size());
}

TEST(LinesReader, ReportsLineFarLongerThanTheLimitAndReadsOn) {
  const std::string line1 = "1 " + std::string(300'000, 'z') + "\n";
  const ReadResult result = ReadString(line1 + "2 after\n");
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_EQ(result.errors[0].record_index, 1U);
  EXPECT_EQ(result.errors[0].offset_bytes, 0U);
  EXPECT_NE(result.errors[0].message.find("300002"), std::string::npos) << result.errors[0].message;
  ASSERT_EQ(result.records.size(), 1U);
  EXPECT_EQ(result.records[0].payload, "after");
  EXPECT_EQ(result.records[0].offset_bytes, line1.size());
}

TEST(LinesReader, ReportsLinesWithoutTimestampAndSpace) {
  // Lines 1..5 are bad, line 6 is good.
  const ReadResult result = ReadString("abc def\n123\n\n 5 x\n12x 7\n9 ok\n");
  ASSERT_EQ(result.errors.size(), 5U);
  const std::vector<std::uint64_t> expected_offsets{0, 8, 12, 13, 18};
  for (std::size_t i = 0; i < 5; ++i) {
    EXPECT_EQ(result.errors[i].record_index, i + 1);
    EXPECT_EQ(result.errors[i].offset_bytes, expected_offsets[i]);
    EXPECT_NE(result.errors[i].message.find("<nanoseconds> "), std::string::npos);
  }
  ASSERT_EQ(result.records.size(), 1U);
  EXPECT_EQ(result.records[0].index, 6U);
  EXPECT_EQ(result.records[0].payload, "ok");
}

TEST(LinesReader, ReportsTimestampThatDoesNotFitSixtyFourBits) {
  const ReadResult result = ReadString("18446744073709551616 x\n");
  ASSERT_EQ(result.errors.size(), 1U);
  EXPECT_NE(result.errors[0].message.find("64 bits"), std::string::npos);
}

TEST(LinesReader, EmptyFileHasNoRecords) {
  const ReadResult result = ReadString("");
  EXPECT_TRUE(result.errors.empty());
  EXPECT_TRUE(result.records.empty());
}

TEST(LinesReader, RewindGivesTheSameRecordsAgain) {
  std::string content;
  for (int i = 0; i < 1000; ++i) content += std::to_string(i * 7) + " payload " + std::to_string(i) + "\n";
  const TempFile temp(content);
  auto reader = feed::OpenRecording(temp.path(), std::nullopt);
  const ReadResult first = ReadAll(*reader);
  reader->Rewind();
  const ReadResult second = ReadAll(*reader);
  ASSERT_EQ(first.records.size(), 1000U);
  ASSERT_EQ(second.records.size(), 1000U);
  for (std::size_t i = 0; i < 1000; ++i) {
    EXPECT_EQ(first.records[i].payload, second.records[i].payload);
    EXPECT_EQ(first.records[i].timestamp_ns, second.records[i].timestamp_ns);
    EXPECT_EQ(first.records[i].offset_bytes, second.records[i].offset_bytes);
  }
}

}  // namespace
