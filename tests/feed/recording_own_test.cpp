// The project's own recording format: the byte layout documented in
// docs/recording-format.md, round trips, and damaged files.
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "feed/recording.hpp"

namespace {

using Bytes = std::vector<std::byte>;

// A unique path under the test temp dir, removed when the test ends.
class TempPath {
 public:
  TempPath() {
    static int counter = 0;
    const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
    path_ = (std::filesystem::path(::testing::TempDir()) /
             (std::string("recording_own_") + info->name() + "_" + std::to_string(::getpid()) +
              "_" + std::to_string(counter++)))
                .string();
  }
  TempPath(const TempPath&) = delete;
  TempPath& operator=(const TempPath&) = delete;
  ~TempPath() { std::remove(path_.c_str()); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

Bytes ReadFile(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  const std::vector<char> chars((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  Bytes bytes(chars.size());
  for (std::size_t i = 0; i < chars.size(); ++i) bytes[i] = static_cast<std::byte>(chars[i]);
  return bytes;
}
void WriteFile(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(reinterpret_cast<const char*>(bytes.data()), static_cast<std::streamsize>(bytes.size()));
}
std::uint64_t Le(const Bytes& bytes, std::size_t offset, int size) {
  std::uint64_t value = 0;
  for (int i = size - 1; i >= 0; --i) {
    value = (value << 8) | std::to_integer<std::uint64_t>(bytes[offset + static_cast<std::size_t>(i)]);
  }
  return value;
}

Bytes Payload(std::size_t size, std::uint8_t seed) {
  Bytes payload(size);
  for (std::size_t i = 0; i < size; ++i) payload[i] = static_cast<std::byte>((i * 31 + seed) & 0xff);
  return payload;
}

struct Written {
  std::uint64_t timestamp_ns;
  Bytes payload;
};

std::vector<Written> ReadAllRecords(feed::RecordingReader& reader, std::vector<feed::InputError>* errors = nullptr) {
  std::vector<Written> records;
  feed::Record record;
  feed::InputError error;
  for (int guard = 0; guard < 1'000'000; ++guard) {
    const feed::ReadOutcome outcome = reader.Next(record, error);
    if (outcome == feed::ReadOutcome::kEnd) break;
    if (outcome == feed::ReadOutcome::kError) {
      if (errors != nullptr) errors->push_back(error);
      continue;
    }
    records.push_back({record.timestamp_ns, Bytes(record.payload.begin(), record.payload.end())});
  }
  return records;
}

TEST(FeedRecording, HeaderAndRecordsHaveTheDocumentedLayout) {
  const TempPath temp;
  {
    feed::RecordingWriter writer(temp.path(), feed::PayloadKind::kIexDeep10);
    writer.Append(0x0102030405060708ULL, Payload(3, 1));
    writer.Append(9, {});
    writer.Close();
  }
  const Bytes file = ReadFile(temp.path());
  ASSERT_EQ(file.size(), 32U + (10 + 3) + 10);
  // docs/recording-format.md: magic "FEEDREC\n", version 1, header_bytes 32,
  // payload kind 3 (DEEP), flags bit 0 (count final), record count 2.
  const std::string magic = "FEEDREC\n";
  for (std::size_t i = 0; i < magic.size(); ++i) EXPECT_EQ(file[i], static_cast<std::byte>(magic[i]));
  EXPECT_EQ(Le(file, 8, 2), 1U);
  EXPECT_EQ(Le(file, 10, 2), 32U);
  EXPECT_EQ(Le(file, 12, 1), 3U);
  EXPECT_EQ(Le(file, 13, 1), 0U);
  EXPECT_EQ(Le(file, 14, 2), 1U);
  EXPECT_EQ(Le(file, 16, 8), 2U);
  EXPECT_EQ(Le(file, 24, 8), 0U);
  // First record at 32: u64 LE timestamp, u16 LE length, payload.
  EXPECT_EQ(Le(file, 32, 8), 0x0102030405060708ULL);
  EXPECT_EQ(Le(file, 40, 2), 3U);
  EXPECT_EQ(file[42], Payload(3, 1)[0]);
  EXPECT_EQ(Le(file, 45, 8), 9U);
  EXPECT_EQ(Le(file, 53, 2), 0U);
}

TEST(FeedRecording, RoundTripsPayloadSizesZeroOneMaximumAndRandom) {
  const TempPath temp;
  std::vector<Written> written;
  for (const std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{65'535}}) {
    written.push_back({1000 + size, Payload(size, 7)});
  }
  std::uint64_t state = 12345;  // a local LCG, independent of the code under test
  for (int i = 0; i < 200; ++i) {
    state = state * 6364136223846793005ULL + 1442695040888963407ULL;
    const auto size = static_cast<std::size_t>((state >> 33) % 65'536);
    written.push_back({state, Payload(size, static_cast<std::uint8_t>(i))});
  }
  {
    feed::RecordingWriter writer(temp.path(), feed::PayloadKind::kOpaque);
    for (const Written& record : written) writer.Append(record.timestamp_ns, record.payload);
    writer.Close();
    EXPECT_EQ(writer.record_count(), written.size());
  }
  auto reader = feed::OpenRecording(temp.path(), std::nullopt);
  EXPECT_EQ(reader->format(), feed::Format::kFeedRecording);
  EXPECT_EQ(reader->payload_kind(), feed::PayloadKind::kOpaque);
  EXPECT_EQ(reader->expected_count(), written.size());
  std::vector<feed::InputError> errors;
  const std::vector<Written> read = ReadAllRecords(*reader, &errors);
  EXPECT_TRUE(errors.empty());
  ASSERT_EQ(read.size(), written.size());
  for (std::size_t i = 0; i < read.size(); ++i) {
    EXPECT_EQ(read[i].timestamp_ns, written[i].timestamp_ns) << "record " << i + 1;
    EXPECT_EQ(read[i].payload, written[i].payload) << "record " << i + 1;
  }
  EXPECT_EQ(reader->position_bytes(), reader->size_bytes());
}

TEST(FeedRecording, GivesRecordNumbersAndOffsets) {
  const TempPath temp;
  {
    feed::RecordingWriter writer(temp.path(), feed::PayloadKind::kItch50);
    writer.Append(1, Payload(5, 0));
    writer.Append(2, Payload(7, 0));
  }  // the destructor closes
  auto reader = feed::OpenRecording(temp.path(), feed::Format::kFeedRecording);
  EXPECT_EQ(reader->payload_kind(), feed::PayloadKind::kItch50);
  feed::Record record;
  feed::InputError error;
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kRecord);
  EXPECT_EQ(record.index, 1U);
  EXPECT_EQ(record.offset_bytes, 32U);
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kRecord);
  EXPECT_EQ(record.index, 2U);
  EXPECT_EQ(record.offset_bytes, 32U + 10 + 5);
  EXPECT_EQ(reader->Next(record, error), feed::ReadOutcome::kEnd);
}

TEST(FeedRecording, WriterRejectsPayloadOverTheLimit) {
  const TempPath temp;
  feed::RecordingWriter writer(temp.path(), feed::PayloadKind::kOpaque);
  const Bytes too_big(65'536);
  EXPECT_THROW(writer.Append(1, too_big), std::invalid_argument);
  writer.Close();
  EXPECT_THROW(writer.Append(1, {}), std::runtime_error);
}

TEST(FeedRecording, ReadsFileWhoseWriterNeverClosedUpToItsEnd) {
  const TempPath temp;
  {
    feed::RecordingWriter writer(temp.path(), feed::PayloadKind::kOpaque);
    writer.Append(1, Payload(5, 0));
    writer.Append(2, Payload(6, 0));
    writer.Close();
  }
  Bytes file = ReadFile(temp.path());
  for (std::size_t i = 14; i < 24; ++i) file[i] = std::byte{0};  // flags and count as before Close
  WriteFile(temp.path(), file);
  auto reader = feed::OpenRecording(temp.path(), std::nullopt);
  EXPECT_EQ(reader->expected_count(), std::nullopt);
  EXPECT_EQ(ReadAllRecords(*reader).size(), 2U);
}

TEST(FeedRecording, ReportsTruncatedLastRecordWithNumberAndOffset) {
  const TempPath temp;
  {
    feed::RecordingWriter writer(temp.path(), feed::PayloadKind::kOpaque);
    writer.Append(1, Payload(100, 0));
    writer.Append(2, Payload(100, 0));
  }
  Bytes file = ReadFile(temp.path());
  file.resize(file.size() - 40);
  WriteFile(temp.path(), file);
  auto reader = feed::OpenRecording(temp.path(), std::nullopt);
  feed::Record record;
  feed::InputError error;
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kRecord);
  ASSERT_EQ(reader->Next(record, error), feed::ReadOutcome::kError);
  EXPECT_EQ(error.record_index, 2U);
  EXPECT_EQ(error.offset_bytes, 32U + 110U);
  EXPECT_NE(error.message.find("length 100"), std::string::npos) << error.message;
  EXPECT_NE(error.message.find("60"), std::string::npos) << error.message;
  EXPECT_EQ(reader->Next(record, error), feed::ReadOutcome::kEnd);
}

TEST(FeedRecording, ReportsFileEndingBeforeTheHeaderCount) {
  const TempPath temp;
  {
    feed::RecordingWriter writer(temp.path(), feed::PayloadKind::kOpaque);
    for (int i = 0; i < 3; ++i) writer.Append(1, Payload(10, 0));
  }
  Bytes file = ReadFile(temp.path());
  file.resize(32 + 2 * 20);  // exactly two whole records left
  WriteFile(temp.path(), file);
  auto reader = feed::OpenRecording(temp.path(), std::nullopt);
  std::vector<feed::InputError> errors;
  EXPECT_EQ(ReadAllRecords(*reader, &errors).size(), 2U);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].record_index, 3U);
  EXPECT_NE(errors[0].message.find("counts 3"), std::string::npos) << errors[0].message;
}

TEST(FeedRecording, ReportsBytesAfterTheCountedRecords) {
  const TempPath temp;
  {
    feed::RecordingWriter writer(temp.path(), feed::PayloadKind::kOpaque);
    writer.Append(1, Payload(10, 0));
  }
  Bytes file = ReadFile(temp.path());
  file.insert(file.end(), 5, std::byte{0xee});
  WriteFile(temp.path(), file);
  auto reader = feed::OpenRecording(temp.path(), std::nullopt);
  std::vector<feed::InputError> errors;
  EXPECT_EQ(ReadAllRecords(*reader, &errors).size(), 1U);
  ASSERT_EQ(errors.size(), 1U);
  EXPECT_EQ(errors[0].offset_bytes, 32U + 20U);
}

TEST(FeedRecording, RefusesBadMagicVersionOrShortHeaderWhenOpened) {
  const TempPath temp;
  {
    feed::RecordingWriter writer(temp.path(), feed::PayloadKind::kOpaque);
  }
  const Bytes good = ReadFile(temp.path());
  Bytes bad_version = good;
  bad_version[8] = std::byte{2};
  WriteFile(temp.path(), bad_version);
  EXPECT_THROW(feed::OpenRecording(temp.path(), feed::Format::kFeedRecording), feed::InputFileError);
  Bytes bad_magic = good;
  bad_magic[0] = std::byte{'X'};
  WriteFile(temp.path(), bad_magic);
  EXPECT_THROW(feed::OpenRecording(temp.path(), feed::Format::kFeedRecording), feed::InputFileError);
  WriteFile(temp.path(), Bytes(good.begin(), good.begin() + 20));
  try {
    feed::OpenRecording(temp.path(), feed::Format::kFeedRecording);
    ADD_FAILURE() << "a 20-byte file opened as a feed recording";
  } catch (const feed::InputFileError& e) {
    EXPECT_NE(std::string(e.what()).find(temp.path()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("32-byte header"), std::string::npos) << e.what();
  }
}

TEST(FeedRecording, EmptyRecordingHasNoRecords) {
  const TempPath temp;
  { feed::RecordingWriter writer(temp.path(), feed::PayloadKind::kOpaque); }
  auto reader = feed::OpenRecording(temp.path(), std::nullopt);
  EXPECT_EQ(reader->expected_count(), 0U);
  feed::Record record;
  feed::InputError error;
  EXPECT_EQ(reader->Next(record, error), feed::ReadOutcome::kEnd);
}

TEST(FeedRecording, RewindGivesTheSameRecordsAgain) {
  const TempPath temp;
  {
    feed::RecordingWriter writer(temp.path(), feed::PayloadKind::kOpaque);
    for (std::uint64_t i = 0; i < 500; ++i) writer.Append(i, Payload(i * 131 % 70'000 % 65'536, 3));
  }
  auto reader = feed::OpenRecording(temp.path(), std::nullopt);
  const auto first = ReadAllRecords(*reader);
  reader->Rewind();
  const auto second = ReadAllRecords(*reader);
  ASSERT_EQ(first.size(), 500U);
  ASSERT_EQ(second.size(), 500U);
  for (std::size_t i = 0; i < 500; ++i) {
    EXPECT_EQ(first[i].timestamp_ns, second[i].timestamp_ns);
    EXPECT_EQ(first[i].payload, second[i].payload);
  }
}

}  // namespace
