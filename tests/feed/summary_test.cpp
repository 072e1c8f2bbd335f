#include "feed/summary.hpp"

#include <gtest/gtest.h>

#include <limits>
#include <string>
#include <vector>

namespace feed {
namespace {

constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();

SubscriberSummary LappedSubscriber() {
  SubscriberSummary summary;
  summary.name = "throttled";
  summary.ring = "feed_demo";
  summary.outcome = "lapped";
  summary.exit_code = 3;
  summary.messages = 1'234;
  summary.bytes = 40'000;
  summary.message_types = {{"A", 600}, {"D", 500}, {"S", 2}, {"unknown", 1}};
  summary.gaps = 0;
  summary.decode_errors = 1;
  summary.duration_seconds = 0.75;
  summary.latency =
      LatencySummary{1'234, 800, 9'000'000, 12'345.5, 2'000, 5'000, 1'000'000, 8'000'000};
  summary.lapped = LappedInfo{1'235, 1'048'600, 14'000};
  summary.error = "feed_demo: lapped at sequence 1235, 1048600 bytes (14000 messages) behind";
  return summary;
}

SubscriberSummary CompleteSubscriber() {
  SubscriberSummary summary;
  summary.name = "healthy";
  summary.ring = "feed_demo";
  summary.messages = 100'000;
  summary.bytes = 3'038'626;
  summary.message_types = {{"A", 32'891}, {"D", 28'127}};
  summary.end_of_stream = true;
  summary.expected_messages = 100'000;
  summary.digest_expected = 0xFEDCBA9876543210ULL;  // above 2^53: must not pass through a double
  summary.digest_actual = 0xFEDCBA9876543210ULL;
  summary.digest_match = true;
  summary.duration_seconds = 3.8125;
  summary.caught_up_waits = 12'345;
  summary.latency.count = 100'000;
  return summary;
}

TEST(FormatCount, GroupsThousandsWithCommas) {
  EXPECT_EQ(FormatCount(0), "0");
  EXPECT_EQ(FormatCount(999), "999");
  EXPECT_EQ(FormatCount(1'000), "1,000");
  EXPECT_EQ(FormatCount(65'535), "65,535");
  EXPECT_EQ(FormatCount(1'234'567), "1,234,567");
  EXPECT_EQ(FormatCount(kMax), "18,446,744,073,709,551,615");
}

TEST(FormatDuration, PicksAReadableUnit) {
  EXPECT_EQ(FormatDuration(850), "850 ns");
  EXPECT_EQ(FormatDuration(12'300), "12.3 us");
  EXPECT_EQ(FormatDuration(4'560'000), "4.56 ms");
  EXPECT_EQ(FormatDuration(1'230'000'000), "1.230 s");
  EXPECT_EQ(FormatDigest(0xAB), "0x00000000000000ab");
}

TEST(TextTable, AlignsColumnsAndRightAlignsNumbers) {
  TextTable table({{"name", Align::kLeft}, {"messages", Align::kRight}, {"outcome", Align::kLeft}});
  table.AddRow({"healthy", FormatCount(100'000), "complete"});
  table.AddRow({"slow", FormatCount(7), "lapped"});
  table.AddRow({"x"});
  EXPECT_EQ(table.Render(),
            "name     messages  outcome\n"
            "-------  --------  --------\n"
            "healthy   100,000  complete\n"
            "slow            7  lapped\n"
            "x\n");
  EXPECT_THROW(table.AddRow({"a", "b", "c", "d"}), std::invalid_argument);
}

TEST(JsonString, EscapesQuotesBackslashesAndControlCharacters) {
  EXPECT_EQ(JsonString("plain"), "\"plain\"");
  EXPECT_EQ(JsonString("a\"b\\c"), "\"a\\\"b\\\\c\"");
  EXPECT_EQ(JsonString("line\nnext\ttab\r\b\f"), "\"line\\nnext\\ttab\\r\\b\\f\"");
  EXPECT_EQ(JsonString(std::string("nul\0one\x01", 8)), "\"nul\\u0000one\\u0001\"");
  EXPECT_EQ(JsonString("del\x7f"), "\"del\\u007f\"");
  EXPECT_EQ(JsonString("/path/é"), "\"/path/é\"");  // valid UTF-8 passes through
}

TEST(JsonString, ReplacesInvalidUtf8SoTheOutputStaysValidJson) {
  EXPECT_EQ(JsonString("bad\xff"), "\"bad\xEF\xBF\xBD\"");
  EXPECT_EQ(JsonString("cut\xC3"), "\"cut\xEF\xBF\xBD\"");                    // truncated sequence
  EXPECT_EQ(JsonString("over\xC0\xAF"), "\"over\xEF\xBF\xBD\xEF\xBF\xBD\"");  // overlong '/'
  EXPECT_EQ(JsonString("\xED\xA0\x80"), "\"\xEF\xBF\xBD\xEF\xBF\xBD\xEF\xBF\xBD\"");  // surrogate
}

TEST(SubscriberSummaryJson, RoundTripsEveryField) {
  for (const SubscriberSummary& summary : {LappedSubscriber(), CompleteSubscriber()}) {
    const std::string json = summary.ToJson();
    EXPECT_EQ(json.find('\n'), std::string::npos) << "one line: " << json;
    EXPECT_EQ(ParseSubscriberSummaryJson(json), summary) << json;
  }
}

TEST(SubscriberSummaryJson, DigestsAreHexStringsAndLappedIsNullWhenNotLapped) {
  const std::string json = CompleteSubscriber().ToJson();
  EXPECT_NE(json.find("\"digest_expected\":\"0xfedcba9876543210\""), std::string::npos) << json;
  EXPECT_NE(json.find("\"lapped\":null"), std::string::npos) << json;
  EXPECT_NE(json.find("\"message_types\":{\"A\":32891,\"D\":28127}"), std::string::npos) << json;
}

TEST(SubscriberSummaryJson, UnknownMessagesBehindRoundTripsAsNull) {
  SubscriberSummary summary = LappedSubscriber();
  summary.lapped->messages_behind.reset();
  const std::string json = summary.ToJson();
  EXPECT_NE(json.find("\"messages_behind\":null"), std::string::npos) << json;
  EXPECT_EQ(ParseSubscriberSummaryJson(json), summary);
}

TEST(SubscriberSummaryJson, StringsWithEveryAsciiCharacterRoundTrip) {
  SubscriberSummary summary = CompleteSubscriber();
  for (int c = 1; c < 128; ++c) summary.error += static_cast<char>(c);
  summary.error += "é ✓";
  summary.message_types["weird \"key\"\n"] = 1;
  EXPECT_EQ(ParseSubscriberSummaryJson(summary.ToJson()), summary);
}

TEST(SubscriberSummaryJson, ExtremeValuesRoundTripExactly) {
  SubscriberSummary summary = CompleteSubscriber();
  summary.messages = kMax;
  summary.digest_actual = kMax;
  summary.latency.max_ns = kMax;
  summary.duration_seconds = 1e-9;
  summary.exit_code = -1;
  EXPECT_EQ(ParseSubscriberSummaryJson(summary.ToJson()), summary);
}

TEST(SubscriberSummaryJson, MalformedInputNamesTheProblem) {
  const auto message_of = [](const std::string& json) -> std::string {
    try {
      ParseSubscriberSummaryJson(json);
    } catch (const SummaryParseError& error) {
      return error.what();
    }
    return "";
  };
  EXPECT_NE(message_of("{\"name\": \"a\", ").find("syntax error"), std::string::npos);
  EXPECT_NE(message_of("[1, 2]").find("expected an object"), std::string::npos);
  EXPECT_NE(message_of("{\"exit_code\": 0}").find("missing field name"), std::string::npos);
  EXPECT_NE(
      message_of("{\"name\": \"a\", \"exit_code\": 0, \"messages\": -5}").find("field messages"),
      std::string::npos);
  EXPECT_NE(message_of("{\"name\": \"a\", \"exit_code\": 0, \"digest_actual\": 12}")
                .find("digest_actual"),
            std::string::npos);
}

TEST(SubscriberSummaryJson, UnknownFieldsAreIgnored) {
  const SubscriberSummary summary = ParseSubscriberSummaryJson(
      "{\"name\": \"a\", \"exit_code\": 0, \"from_the_future\": [1, 2]}");
  EXPECT_EQ(summary.name, "a");
}

TEST(PublisherSummaryJson, RoundTripsEveryField) {
  PublisherSummary summary;
  summary.ring = "feed_demo";
  summary.input = "/work/main/data/demo.itch";
  summary.format = "itch";
  summary.payload_kind = "itch";
  summary.pace = "recorded x15";
  summary.reason = "interrupted";
  summary.exit_code = 0;
  summary.messages = 100'000;
  summary.bytes = 3'038'626;
  summary.loops_completed = 1;
  summary.skipped_outside_window = 17;
  summary.digest = 0x8000000000000001ULL;
  summary.duration_seconds = 3.8334;
  summary.pacing.messages = 100'000;
  summary.pacing.bytes = 3'038'626;
  summary.pacing.duration_ns = 3'833'400'000;
  summary.pacing.achieved_messages_per_second = 26'086.5;
  summary.pacing.scheduled_messages_per_second = 26'090.125;
  summary.pacing.achieved_bytes_per_second = 792'668.25;
  summary.pacing.scheduled_bytes_per_second = 792'700.0;
  summary.pacing.late_messages = 3;
  summary.pacing.lateness =
      LatencySummary{100'000, 0, 4'000'000, 900.25, 300, 700, 20'000, 1'500'000};
  summary.error = "";
  EXPECT_EQ(ParsePublisherSummaryJson(summary.ToJson()), summary);
}

TEST(PublisherSummaryJson, NonFiniteRatesBecomeNullAndReadBackAsZero) {
  PublisherSummary summary;
  summary.pacing.achieved_messages_per_second = std::numeric_limits<double>::infinity();
  const std::string json = summary.ToJson();
  EXPECT_NE(json.find("\"achieved_messages_per_second\":null"), std::string::npos) << json;
  EXPECT_EQ(ParsePublisherSummaryJson(json).pacing.achieved_messages_per_second, 0.0);
}

TEST(OutcomeForExitCode, NamesEachExitCode) {
  EXPECT_EQ(OutcomeForExitCode(ExitCode::kSuccess), "complete");
  EXPECT_EQ(OutcomeForExitCode(ExitCode::kLapped), "lapped");
  EXPECT_EQ(OutcomeForExitCode(ExitCode::kWriterGone), "writer_gone");
  EXPECT_EQ(OutcomeForExitCode(ExitCode::kVerification), "verification_failed");
}

TEST(RenderText, LappedSubscriberShowsWhereItWasOverrun) {
  const std::string text = RenderText(LappedSubscriber());
  EXPECT_NE(text.find("subscriber throttled"), std::string::npos) << text;
  EXPECT_NE(text.find("lapped (exit 3)"), std::string::npos) << text;
  EXPECT_NE(text.find("at sequence 1,235, 1,048,600 bytes behind, 14,000 messages behind"),
            std::string::npos)
      << text;
}

TEST(RenderText, CompleteSubscriberShowsDigestMatch) {
  const std::string text = RenderText(CompleteSubscriber());
  EXPECT_NE(text.find("match (0xfedcba9876543210 expected 0xfedcba9876543210)"), std::string::npos)
      << text;
  EXPECT_NE(text.find("100,000"), std::string::npos) << text;
  EXPECT_NE(text.find("waited 12,345 times for the publisher (12.3 per 100 messages)"),
            std::string::npos)
      << text;
}

TEST(RenderSubscriberTable, OneRowPerSubscriberUnderTheHeader) {
  const std::vector<SubscriberSummary> summaries{CompleteSubscriber(), LappedSubscriber()};
  const std::string table = RenderSubscriberTable(summaries);
  std::vector<std::string> lines;
  for (std::size_t start = 0, end; (end = table.find('\n', start)) != std::string::npos;
       start = end + 1) {
    lines.push_back(table.substr(start, end - start));
  }
  ASSERT_EQ(lines.size(), 4u) << table;
  EXPECT_EQ(lines[0].rfind("subscriber", 0), 0u);
  EXPECT_EQ(lines[2].rfind("healthy ", 0), 0u);
  EXPECT_NE(lines[2].find("100,000"), std::string::npos);
  EXPECT_NE(lines[2].find("match"), std::string::npos);
  EXPECT_EQ(lines[3].rfind("throttled", 0), 0u);
  EXPECT_NE(lines[3].find("lapped"), std::string::npos);
}

}  // namespace
}  // namespace feed
