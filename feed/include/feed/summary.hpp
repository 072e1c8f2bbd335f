// Output shared by feed_publisher, feed_subscriber and feed_replay: aligned
// plain-text tables for terminals, and JSON summaries that feed_replay reads
// back from its children (ParseSubscriberSummaryJson / ParsePublisherSummaryJson).
// JSON field names are documented in docs/config.md, "Summaries".
#pragma once

#include <cstdint>
#include <map>
#include <optional>
#include <span>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "feed/exit_codes.hpp"
#include "feed/latency.hpp"
#include "feed/pacing.hpp"

namespace feed {

// ---- Plain text ------------------------------------------------------------
enum class Align : std::uint8_t { kLeft, kRight };

// Columns padded to their widest cell, separated by two spaces; a dashed rule
// under the header. Cells are plain strings: format numbers with FormatCount.
class TextTable {
 public:
  struct Column {
    std::string header;
    Align align = Align::kLeft;
  };
  explicit TextTable(std::vector<Column> columns);
  // Fewer cells than columns leaves the rest blank; more throws std::invalid_argument.
  void AddRow(std::vector<std::string> cells);
  std::string Render() const;  // every line ends with '\n', no trailing spaces

 private:
  std::vector<Column> columns_;
  std::vector<std::vector<std::string>> rows_;
};

std::string FormatCount(std::uint64_t value);    // 1234567 -> "1,234,567"
std::string FormatDuration(std::uint64_t ns);    // "850 ns", "12.3 us", "4.56 ms", "1.23 s"
std::string FormatRate(double per_second);       // 1234567.8 -> "1,234,568"
std::string FormatDigest(std::uint64_t digest);  // "0x0123456789abcdef"

// The outcome word for a program's exit code: "complete", "usage_error",
// "input_error", "lapped", "writer_gone", "verification_failed", "expectation_failed".
std::string_view OutcomeForExitCode(ExitCode code) noexcept;

// ---- JSON ------------------------------------------------------------------
// A JSON string literal, quotes included: ", \ and control characters
// escaped, invalid UTF-8 replaced by U+FFFD, so the output is always valid JSON.
std::string JsonString(std::string_view text);

class SummaryParseError : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Where a lapped subscriber was when it learned it had been overrun.
struct LappedInfo {
  std::uint64_t sequence_reached = 0;  // last sequence received intact
  std::uint64_t bytes_behind = 0;      // how far the writer was ahead of the reader's position
  std::optional<std::uint64_t> messages_behind;  // when known (sequence at the writer - reached)
  bool operator==(const LappedInfo&) const = default;
};

struct SubscriberSummary {
  std::string name;
  std::string ring;
  std::string outcome = "complete";  // OutcomeForExitCode(exit code)
  int exit_code = 0;
  bool late_join = false;      // attached at the live end, after the stream started
  std::uint64_t messages = 0;  // data messages received
  std::uint64_t bytes = 0;     // their payload bytes
  std::map<std::string, std::uint64_t> message_types;  // decoded type -> count
  std::uint64_t gaps = 0;                              // sequence discontinuities
  std::uint64_t missing_messages = 0;                  // messages skipped across those gaps
  std::uint64_t checksum_failures = 0;
  std::uint64_t decode_errors = 0;      // payloads the decoder rejected (unknown type, bad length)
  bool end_of_stream = false;           // the end-of-stream record arrived
  std::uint64_t expected_messages = 0;  // its message count
  std::uint64_t digest_expected = 0;    // its digest
  std::uint64_t digest_actual = 0;      // StreamDigest of what arrived
  bool digest_match = false;
  double duration_seconds = 0.0;
  // Reads that found nothing new and waited for the publisher (a wait that
  // idles for 100 ms and starts again counts again). Against messages: how
  // often the subscriber had caught up. One that keeps catching up with a
  // publisher at top speed takes the ring lines the publisher is writing,
  // which slows both (docs/benchmarks.md, the replay).
  std::uint64_t caught_up_waits = 0;
  LatencySummary latency;  // publish-to-receive, ns
  std::optional<LappedInfo> lapped;
  std::string error;  // the one-line error, if the run failed

  std::string ToJson() const;  // one line, no trailing newline
  bool operator==(const SubscriberSummary&) const = default;
};

struct PublisherSummary {
  std::string ring;
  std::string input;
  std::string format;                // FormatName
  std::string payload_kind;          // PayloadKindName
  std::string pace;                  // DescribePace
  std::string reason = "completed";  // EndReasonName
  int exit_code = 0;
  std::uint64_t messages = 0;  // data messages published
  std::uint64_t bytes = 0;     // their payload bytes
  std::uint64_t loops_completed = 0;
  std::uint64_t skipped_outside_window = 0;
  std::uint64_t digest = 0;  // StreamDigest, as in the end-of-stream record
  double duration_seconds = 0.0;
  PacingReport pacing;  // achieved vs scheduled rate, lateness
  std::string error;

  std::string ToJson() const;
  bool operator==(const PublisherSummary&) const = default;
};

// Throw SummaryParseError naming the field when the JSON is malformed or a
// field has the wrong type. Unknown fields are ignored (newer writers).
SubscriberSummary ParseSubscriberSummaryJson(std::string_view json);
PublisherSummary ParsePublisherSummaryJson(std::string_view json);

// Human-readable, aligned "key  value" blocks for a terminal.
std::string RenderText(const SubscriberSummary& summary);
std::string RenderText(const PublisherSummary& summary);
// One row per subscriber: name, outcome, exit, messages, bytes, gaps,
// checksum failures, digest, latency p50/p99/max.
std::string RenderSubscriberTable(std::span<const SubscriberSummary> summaries);

}  // namespace feed
