// Format detection by content, and OpenRecording's errors.
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

// A framed ITCH message: big-endian length, type letter, zeros.
std::string ItchMessage(char type, std::size_t length) {
  std::string framed;
  framed += static_cast<char>(length >> 8);
  framed += static_cast<char>(length & 0xff);
  framed += type;
  framed.append(length - 1, '\0');
  return framed;
}

std::optional<feed::Format> Detect(const std::string& content, std::string* why_not = nullptr) {
  const TempFile temp(content);
  return feed::DetectFormat(temp.path(), why_not);
}

TEST(DetectFormat, RecognisesRealFilesInSharedData) {
  const std::string dir = RINGLIB_SHARED_DATA_DIR;
  const std::vector<std::pair<std::string, feed::Format>> files{
      {dir + "/iex/tops16_sample.pcap", feed::Format::kIexTpPcap},
      {dir + "/iex/deep10_excerpt.pcap", feed::Format::kIexTpPcap},
      {dir + "/crypto/binance_spot_btcusdt_20240808.txt", feed::Format::kTimestampedLines},
  };
  for (const auto& [path, format] : files) {
    if (!std::filesystem::exists(path)) GTEST_SKIP() << "missing shared data file " << path;
    std::string why_not;
    EXPECT_EQ(feed::DetectFormat(path, &why_not), format) << path << ": " << why_not;
  }
}

TEST(DetectFormat, RecognisesDemoItchFile) {
  const std::string path = std::string(RINGLIB_SOURCE_DIR) + "/data/demo.itch";
  if (!std::filesystem::exists(path)) GTEST_SKIP() << "missing " << path;
  std::string why_not;
  EXPECT_EQ(feed::DetectFormat(path, &why_not), feed::Format::kItch50BinaryFile) << why_not;
}

TEST(DetectFormat, RecognisesItchByLengthsMatchingTypeLetters) {
  // Lengths from the ITCH 5.0 specification: S 12, R 39, A 36, D 19.
  EXPECT_EQ(Detect(ItchMessage('S', 12) + ItchMessage('R', 39) + ItchMessage('A', 36) +
                   ItchMessage('D', 19)),
            feed::Format::kItch50BinaryFile);
  EXPECT_EQ(Detect(ItchMessage('S', 12)), feed::Format::kItch50BinaryFile);
}

TEST(DetectFormat, RejectsItchLikeFileWhoseLengthDoesNotMatchItsType) {
  std::string why_not;
  EXPECT_EQ(Detect(ItchMessage('A', 35) + ItchMessage('D', 19), &why_not), std::nullopt);
  EXPECT_NE(why_not.find("length 35"), std::string::npos) << why_not;
}

TEST(DetectFormat, RecognisesEveryPcapMagic) {
  // Classic pcap in both byte orders, micro- and nanosecond; pcapng.
  for (const std::string& magic : {std::string("\xd4\xc3\xb2\xa1", 4), std::string("\xa1\xb2\xc3\xd4", 4),
                                  std::string("\x4d\x3c\xb2\xa1", 4), std::string("\xa1\xb2\x3c\x4d", 4),
                                  std::string("\x0a\x0d\x0d\x0a", 4)}) {
    EXPECT_EQ(Detect(magic + std::string(40, '\0')), feed::Format::kIexTpPcap);
  }
}

TEST(DetectFormat, RecognisesTimestampedLines) {
  EXPECT_EQ(Detect("1723075200123456789 {\"e\":\"trade\"}\n"), feed::Format::kTimestampedLines);
}

TEST(DetectFormat, RecognisesFeedRecording) {
  const TempFile temp("");
  {
    feed::RecordingWriter writer(temp.path(), feed::PayloadKind::kOpaque);
    const std::vector<std::byte> payload(3, std::byte{1});
    writer.Append(1, payload);
  }
  EXPECT_EQ(feed::DetectFormat(temp.path()), feed::Format::kFeedRecording);
}

TEST(DetectFormat, RejectsGarbageWithAClearReason) {
  std::string why_not;
  EXPECT_EQ(Detect("hello, this is not a recording\n", &why_not), std::nullopt);
  EXPECT_NE(why_not.find("not a recognised format"), std::string::npos) << why_not;
  EXPECT_NE(why_not.find("ITCH"), std::string::npos) << why_not;
  EXPECT_EQ(Detect("12345678901234567890123 x\n", &why_not), std::nullopt);
  EXPECT_NE(why_not.find("digits"), std::string::npos) << why_not;
}

TEST(DetectFormat, RejectsEmptyFile) {
  std::string why_not;
  EXPECT_EQ(Detect("", &why_not), std::nullopt);
  EXPECT_NE(why_not.find("empty"), std::string::npos) << why_not;
}

TEST(DetectFormat, RejectsMissingFile) {
  std::string why_not;
  EXPECT_EQ(feed::DetectFormat("/nonexistent/recording.itch", &why_not), std::nullopt);
  EXPECT_NE(why_not.find("cannot open"), std::string::npos) << why_not;
}

TEST(OpenRecording, ThrowsNamingTheFileWhenDetectionFails) {
  const TempFile temp("garbage garbage garbage");
  try {
    feed::OpenRecording(temp.path(), std::nullopt);
    ADD_FAILURE() << "garbage opened";
  } catch (const feed::InputFileError& e) {
    EXPECT_EQ(e.error().file, temp.path());
    EXPECT_NE(std::string(e.what()).find(temp.path()), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("not a recognised format"), std::string::npos) << e.what();
  }
}

TEST(OpenRecording, ThrowsForUnreadableFileWithAnyFormat) {
  for (const feed::Format format : {feed::Format::kItch50BinaryFile, feed::Format::kIexTpPcap,
                                    feed::Format::kTimestampedLines, feed::Format::kFeedRecording}) {
    EXPECT_THROW(feed::OpenRecording("/nonexistent/file", format), feed::InputFileError)
        << feed::FormatName(format);
  }
}

TEST(InputError, ToStringNamesFileUnitNumberOffsetAndMessage) {
  feed::InputError error;
  error.file = "file.itch";
  error.record_index = 17;
  error.offset_bytes = 4242;
  error.message = "length 12 does not match";
  EXPECT_EQ(error.ToString(), "file.itch: record 17 at byte 4242: length 12 does not match");
  error.unit = "packet";
  EXPECT_EQ(error.ToString(), "file.itch: packet 17 at byte 4242: length 12 does not match");
}

}  // namespace
