#include "feed/summary.hpp"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <charconv>
#include <cmath>
#include <utility>

namespace feed {
namespace {

// ---- JSON writing ----------------------------------------------------------
class JsonObject {
 public:
  JsonObject& Field(std::string_view key, std::string_view value) {
    return Raw(key, JsonString(value));
  }
  JsonObject& Field(std::string_view key, const char* value) {
    return Field(key, std::string_view(value));
  }
  JsonObject& Field(std::string_view key, std::uint64_t value) {
    return Raw(key, fmt::format("{}", value));
  }
  JsonObject& Field(std::string_view key, int value) { return Raw(key, fmt::format("{}", value)); }
  JsonObject& Field(std::string_view key, bool value) { return Raw(key, value ? "true" : "false"); }
  JsonObject& Field(std::string_view key, double value) {
    // JSON has no NaN or infinity.
    return Raw(key, std::isfinite(value) ? fmt::format("{}", value) : std::string("null"));
  }
  JsonObject& Raw(std::string_view key, std::string_view json) {
    text_ += text_.empty() ? "{" : ",";
    text_ += JsonString(key);
    text_ += ':';
    text_ += json;
    return *this;
  }
  std::string Finish() { return text_.empty() ? std::string("{}") : std::move(text_) + "}"; }

 private:
  std::string text_;
};

std::string LatencyJson(const LatencySummary& latency) {
  return JsonObject()
      .Field("count", latency.count)
      .Field("min", latency.min_ns)
      .Field("mean", latency.mean_ns)
      .Field("p50", latency.p50_ns)
      .Field("p90", latency.p90_ns)
      .Field("p99", latency.p99_ns)
      .Field("p999", latency.p999_ns)
      .Field("max", latency.max_ns)
      .Finish();
}

// ---- JSON reading (JSON is YAML: yaml-cpp parses it) -----------------------
class JsonReader {
 public:
  JsonReader(std::string_view what, std::string_view json) : what_(what) {
    try {
      root_ = YAML::Load(std::string(json));
    } catch (const YAML::Exception& error) {
      throw SummaryParseError(fmt::format("{} JSON: syntax error at line {} column {}: {}", what_,
                                          error.mark.line + 1, error.mark.column + 1, error.msg));
    }
    if (!root_.IsMap()) throw SummaryParseError(fmt::format("{} JSON: expected an object", what_));
  }

  const YAML::Node& root() const { return root_; }

  std::optional<YAML::Node> Find(const YAML::Node& object, std::string_view key) const {
    const YAML::Node value = object[std::string(key)];
    if (!value.IsDefined()) return std::nullopt;
    return value;
  }

  YAML::Node Require(const YAML::Node& object, std::string_view key) const {
    auto value = Find(object, key);
    if (!value) throw SummaryParseError(fmt::format("{} JSON: missing field {}", what_, key));
    return *value;
  }

  void Read(const YAML::Node& object, std::string_view key, std::string& out) const {
    if (const auto value = Find(object, key)) {
      if (!value->IsScalar()) Wrong(key, "a string");
      out = value->Scalar();
    }
  }
  void Read(const YAML::Node& object, std::string_view key, std::uint64_t& out) const {
    if (const auto value = Find(object, key)) out = Unsigned(*value, key);
  }
  void Read(const YAML::Node& object, std::string_view key, int& out) const {
    if (const auto value = Find(object, key)) {
      if (!value->IsScalar()) Wrong(key, "an integer");
      const std::string& text = value->Scalar();
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
      if (text.empty() || error != std::errc{} || end != text.data() + text.size())
        Wrong(key, "an integer");
    }
  }
  void Read(const YAML::Node& object, std::string_view key, bool& out) const {
    if (const auto value = Find(object, key)) {
      if (!value->IsScalar() || (value->Scalar() != "true" && value->Scalar() != "false")) {
        Wrong(key, "true or false");
      }
      out = value->Scalar() == "true";
    }
  }
  void Read(const YAML::Node& object, std::string_view key, double& out) const {
    if (const auto value = Find(object, key)) {
      if (value->IsNull()) {
        out = 0.0;
        return;
      }
      if (!value->IsScalar()) Wrong(key, "a number");
      const std::string& text = value->Scalar();
      const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), out);
      if (text.empty() || error != std::errc{} || end != text.data() + text.size())
        Wrong(key, "a number");
    }
  }
  void ReadDigest(const YAML::Node& object, std::string_view key, std::uint64_t& out) const {
    if (const auto value = Find(object, key)) {
      if (!value->IsScalar()) Wrong(key, "a digest string \"0x...\"");
      const std::string& text = value->Scalar();
      const auto [end, error] =
          text.size() > 2 && text.starts_with("0x")
              ? std::from_chars(text.data() + 2, text.data() + text.size(), out, 16)
              : std::from_chars_result{text.data(), std::errc::invalid_argument};
      if (error != std::errc{} || end != text.data() + text.size())
        Wrong(key, "a digest string \"0x...\"");
    }
  }
  void Read(const YAML::Node& object, std::string_view key, LatencySummary& out) const {
    const auto value = Find(object, key);
    if (!value) return;
    if (!value->IsMap()) Wrong(key, "an object");
    Read(*value, "count", out.count);
    Read(*value, "min", out.min_ns);
    Read(*value, "mean", out.mean_ns);
    Read(*value, "p50", out.p50_ns);
    Read(*value, "p90", out.p90_ns);
    Read(*value, "p99", out.p99_ns);
    Read(*value, "p999", out.p999_ns);
    Read(*value, "max", out.max_ns);
  }

  std::uint64_t Unsigned(const YAML::Node& value, std::string_view key) const {
    if (!value.IsScalar()) Wrong(key, "a non-negative integer");
    const std::string& text = value.Scalar();
    std::uint64_t number = 0;
    const auto [end, error] = std::from_chars(text.data(), text.data() + text.size(), number);
    if (text.empty() || error != std::errc{} || end != text.data() + text.size()) {
      Wrong(key, "a non-negative integer");
    }
    return number;
  }

  [[noreturn]] void Wrong(std::string_view key, std::string_view expected) const {
    throw SummaryParseError(fmt::format("{} JSON: field {}: expected {}", what_, key, expected));
  }

 private:
  std::string what_;
  YAML::Node root_;
};

// U+FFFD REPLACEMENT CHARACTER, in UTF-8: stands in for each invalid byte.
constexpr std::string_view kReplacementCharacter = "\xEF\xBF\xBD";

// Length of the valid UTF-8 sequence starting at text[position], or 0.
std::size_t Utf8SequenceLength(std::string_view text, std::size_t position) {
  const auto byte = [&](std::size_t offset) {
    return static_cast<unsigned char>(text[position + offset]);
  };
  const unsigned char lead = byte(0);
  std::size_t length = 0;
  std::uint32_t code_point = 0;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
    code_point = lead & 0x1Fu;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    code_point = lead & 0x0Fu;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    code_point = lead & 0x07u;
  } else {
    return 0;
  }
  if (text.size() - position < length) return 0;
  for (std::size_t offset = 1; offset < length; ++offset) {
    if ((byte(offset) & 0xC0u) != 0x80u) return 0;
    code_point = (code_point << 6) | (byte(offset) & 0x3Fu);
  }
  // Overlong forms, surrogates and values past U+10FFFF are not valid UTF-8.
  if ((length == 3 && code_point < 0x800) || (length == 4 && code_point < 0x10000) ||
      (code_point >= 0xD800 && code_point <= 0xDFFF) || code_point > 0x10FFFF) {
    return 0;
  }
  return length;
}

std::string WithThousands(std::string digits) {
  std::string grouped;
  const std::size_t first_group = digits.size() % 3 == 0 ? 3 : digits.size() % 3;
  for (std::size_t position = 0; position < digits.size(); ++position) {
    if (position != 0 && (position - first_group) % 3 == 0 && position >= first_group)
      grouped += ',';
    grouped += digits[position];
  }
  return grouped;
}

}  // namespace

// ---- Text ------------------------------------------------------------------

TextTable::TextTable(std::vector<Column> columns) : columns_(std::move(columns)) {}

void TextTable::AddRow(std::vector<std::string> cells) {
  if (cells.size() > columns_.size()) {
    throw std::invalid_argument(
        fmt::format("TextTable row has {} cells for {} columns", cells.size(), columns_.size()));
  }
  cells.resize(columns_.size());
  rows_.push_back(std::move(cells));
}

std::string TextTable::Render() const {
  std::vector<std::size_t> widths(columns_.size(), 0);
  for (std::size_t column = 0; column < columns_.size(); ++column) {
    widths[column] = columns_[column].header.size();
    for (const auto& row : rows_) widths[column] = std::max(widths[column], row[column].size());
  }
  std::string out;
  const auto append_line = [&](const auto& cell_of) {
    std::string line;
    for (std::size_t column = 0; column < columns_.size(); ++column) {
      if (column != 0) line += "  ";
      const std::string& cell = cell_of(column);
      const std::string padding(widths[column] - cell.size(), ' ');
      line += columns_[column].align == Align::kRight ? padding + cell : cell + padding;
    }
    while (!line.empty() && line.back() == ' ') line.pop_back();
    out += line;
    out += '\n';
  };
  append_line([&](std::size_t column) -> const std::string& { return columns_[column].header; });
  std::vector<std::string> rules;
  for (const std::size_t width : widths) rules.emplace_back(width, '-');
  append_line([&](std::size_t column) -> const std::string& { return rules[column]; });
  for (const auto& row : rows_) {
    append_line([&](std::size_t column) -> const std::string& { return row[column]; });
  }
  return out;
}

std::string FormatCount(std::uint64_t value) { return WithThousands(fmt::format("{}", value)); }

std::string FormatDuration(std::uint64_t ns) {
  const double value = static_cast<double>(ns);
  if (ns < 1'000) return fmt::format("{} ns", ns);
  if (ns < 1'000'000) return fmt::format("{:.3g} us", value / 1e3);
  if (ns < 1'000'000'000) return fmt::format("{:.3g} ms", value / 1e6);
  return fmt::format("{:.3f} s", value / 1e9);
}

std::string FormatRate(double per_second) {
  if (!std::isfinite(per_second) || per_second < 0) return "-";
  return FormatCount(static_cast<std::uint64_t>(std::llround(per_second)));
}

std::string FormatDigest(std::uint64_t digest) { return fmt::format("0x{:016x}", digest); }

std::string_view OutcomeForExitCode(ExitCode code) noexcept {
  switch (code) {
    case ExitCode::kSuccess:
      return "complete";
    case ExitCode::kUsage:
      return "usage_error";
    case ExitCode::kInput:
      return "input_error";
    case ExitCode::kLapped:
      return "lapped";
    case ExitCode::kWriterGone:
      return "writer_gone";
    case ExitCode::kVerification:
      return "verification_failed";
    case ExitCode::kExpectation:
      return "expectation_failed";
  }
  return "unknown";
}

std::string JsonString(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  out += '"';
  for (std::size_t position = 0; position < text.size();) {
    const auto byte = static_cast<unsigned char>(text[position]);
    if (byte >= 0x80) {
      const std::size_t length = Utf8SequenceLength(text, position);
      if (length == 0) {
        out += kReplacementCharacter;
        ++position;
      } else {
        out.append(text.substr(position, length));
        position += length;
      }
      continue;
    }
    switch (byte) {
      case '"':
        out += "\\\"";
        break;
      case '\\':
        out += "\\\\";
        break;
      case '\b':
        out += "\\b";
        break;
      case '\f':
        out += "\\f";
        break;
      case '\n':
        out += "\\n";
        break;
      case '\r':
        out += "\\r";
        break;
      case '\t':
        out += "\\t";
        break;
      default:
        // Other controls, and DEL (not printable in YAML, which reads these back).
        if (byte < 0x20 || byte == 0x7F) {
          out += fmt::format("\\u{:04x}", byte);
        } else {
          out += static_cast<char>(byte);
        }
    }
    ++position;
  }
  out += '"';
  return out;
}

// ---- Subscriber summary ----------------------------------------------------

std::string SubscriberSummary::ToJson() const {
  JsonObject types;
  for (const auto& [type, count] : message_types) types.Field(type, count);
  JsonObject object;
  object.Field("name", name)
      .Field("ring", ring)
      .Field("outcome", outcome)
      .Field("exit_code", exit_code)
      .Field("late_join", late_join)
      .Field("messages", messages)
      .Field("bytes", bytes)
      .Raw("message_types", types.Finish())
      .Field("gaps", gaps)
      .Field("missing_messages", missing_messages)
      .Field("checksum_failures", checksum_failures)
      .Field("decode_errors", decode_errors)
      .Field("end_of_stream", end_of_stream)
      .Field("expected_messages", expected_messages)
      .Field("digest_expected", FormatDigest(digest_expected))
      .Field("digest_actual", FormatDigest(digest_actual))
      .Field("digest_match", digest_match)
      .Field("duration_seconds", duration_seconds)
      .Field("caught_up_waits", caught_up_waits)
      .Raw("latency_ns", LatencyJson(latency));
  if (lapped) {
    JsonObject lapped_object;
    lapped_object.Field("sequence_reached", lapped->sequence_reached)
        .Field("bytes_behind", lapped->bytes_behind);
    if (lapped->messages_behind) {
      lapped_object.Field("messages_behind", *lapped->messages_behind);
    } else {
      lapped_object.Raw("messages_behind", "null");
    }
    object.Raw("lapped", lapped_object.Finish());
  } else {
    object.Raw("lapped", "null");
  }
  object.Field("error", error);
  return object.Finish();
}

SubscriberSummary ParseSubscriberSummaryJson(std::string_view json) {
  const JsonReader reader("subscriber summary", json);
  const YAML::Node& root = reader.root();
  SubscriberSummary summary;
  reader.Require(root, "name");
  reader.Require(root, "exit_code");
  reader.Read(root, "name", summary.name);
  reader.Read(root, "ring", summary.ring);
  reader.Read(root, "outcome", summary.outcome);
  reader.Read(root, "exit_code", summary.exit_code);
  reader.Read(root, "late_join", summary.late_join);
  reader.Read(root, "messages", summary.messages);
  reader.Read(root, "bytes", summary.bytes);
  if (const auto types = reader.Find(root, "message_types")) {
    if (!types->IsMap()) reader.Wrong("message_types", "an object");
    for (auto it = types->begin(); it != types->end(); ++it) {
      const std::string type = it->first.Scalar();
      summary.message_types[type] = reader.Unsigned(it->second, "message_types." + type);
    }
  }
  reader.Read(root, "gaps", summary.gaps);
  reader.Read(root, "missing_messages", summary.missing_messages);
  reader.Read(root, "checksum_failures", summary.checksum_failures);
  reader.Read(root, "decode_errors", summary.decode_errors);
  reader.Read(root, "end_of_stream", summary.end_of_stream);
  reader.Read(root, "expected_messages", summary.expected_messages);
  reader.ReadDigest(root, "digest_expected", summary.digest_expected);
  reader.ReadDigest(root, "digest_actual", summary.digest_actual);
  reader.Read(root, "digest_match", summary.digest_match);
  reader.Read(root, "duration_seconds", summary.duration_seconds);
  reader.Read(root, "caught_up_waits", summary.caught_up_waits);
  reader.Read(root, "latency_ns", summary.latency);
  if (const auto lapped = reader.Find(root, "lapped"); lapped && !lapped->IsNull()) {
    if (!lapped->IsMap()) reader.Wrong("lapped", "an object or null");
    LappedInfo info;
    reader.Read(*lapped, "sequence_reached", info.sequence_reached);
    reader.Read(*lapped, "bytes_behind", info.bytes_behind);
    if (const auto behind = reader.Find(*lapped, "messages_behind"); behind && !behind->IsNull()) {
      info.messages_behind = reader.Unsigned(*behind, "lapped.messages_behind");
    }
    summary.lapped = info;
  }
  reader.Read(root, "error", summary.error);
  return summary;
}

// ---- Publisher summary -----------------------------------------------------

std::string PublisherSummary::ToJson() const {
  const std::string pacing_json =
      JsonObject()
          .Field("messages", pacing.messages)
          .Field("bytes", pacing.bytes)
          .Field("duration_ns", pacing.duration_ns)
          .Field("achieved_messages_per_second", pacing.achieved_messages_per_second)
          .Field("scheduled_messages_per_second", pacing.scheduled_messages_per_second)
          .Field("achieved_bytes_per_second", pacing.achieved_bytes_per_second)
          .Field("scheduled_bytes_per_second", pacing.scheduled_bytes_per_second)
          .Field("late_messages", pacing.late_messages)
          .Raw("lateness_ns", LatencyJson(pacing.lateness))
          .Finish();
  return JsonObject()
      .Field("ring", ring)
      .Field("input", input)
      .Field("format", format)
      .Field("payload_kind", payload_kind)
      .Field("pace", pace)
      .Field("reason", reason)
      .Field("exit_code", exit_code)
      .Field("messages", messages)
      .Field("bytes", bytes)
      .Field("loops_completed", loops_completed)
      .Field("skipped_outside_window", skipped_outside_window)
      .Field("digest", FormatDigest(digest))
      .Field("duration_seconds", duration_seconds)
      .Raw("pacing", pacing_json)
      .Field("error", error)
      .Finish();
}

PublisherSummary ParsePublisherSummaryJson(std::string_view json) {
  const JsonReader reader("publisher summary", json);
  const YAML::Node& root = reader.root();
  PublisherSummary summary;
  reader.Require(root, "exit_code");
  reader.Read(root, "ring", summary.ring);
  reader.Read(root, "input", summary.input);
  reader.Read(root, "format", summary.format);
  reader.Read(root, "payload_kind", summary.payload_kind);
  reader.Read(root, "pace", summary.pace);
  reader.Read(root, "reason", summary.reason);
  reader.Read(root, "exit_code", summary.exit_code);
  reader.Read(root, "messages", summary.messages);
  reader.Read(root, "bytes", summary.bytes);
  reader.Read(root, "loops_completed", summary.loops_completed);
  reader.Read(root, "skipped_outside_window", summary.skipped_outside_window);
  reader.ReadDigest(root, "digest", summary.digest);
  reader.Read(root, "duration_seconds", summary.duration_seconds);
  if (const auto pacing = reader.Find(root, "pacing")) {
    if (!pacing->IsMap()) reader.Wrong("pacing", "an object");
    PacingReport& report = summary.pacing;
    reader.Read(*pacing, "messages", report.messages);
    reader.Read(*pacing, "bytes", report.bytes);
    reader.Read(*pacing, "duration_ns", report.duration_ns);
    reader.Read(*pacing, "achieved_messages_per_second", report.achieved_messages_per_second);
    reader.Read(*pacing, "scheduled_messages_per_second", report.scheduled_messages_per_second);
    reader.Read(*pacing, "achieved_bytes_per_second", report.achieved_bytes_per_second);
    reader.Read(*pacing, "scheduled_bytes_per_second", report.scheduled_bytes_per_second);
    reader.Read(*pacing, "late_messages", report.late_messages);
    reader.Read(*pacing, "lateness_ns", report.lateness);
  }
  reader.Read(root, "error", summary.error);
  return summary;
}

// ---- Text renderings -------------------------------------------------------

namespace {
std::string KeyValueBlock(const std::vector<std::pair<std::string, std::string>>& lines) {
  std::size_t key_width = 0;
  for (const auto& [key, value] : lines) key_width = std::max(key_width, key.size());
  std::string out;
  for (const auto& [key, value] : lines) {
    out += fmt::format("  {:<{}}  {}\n", key, key_width, value);
  }
  return out;
}

std::string LatencyLine(const LatencySummary& latency) {
  if (latency.count == 0) return "-";
  return fmt::format("p50 {}  p90 {}  p99 {}  p99.9 {}  max {}  ({} stamped messages)",
                     FormatDuration(latency.p50_ns), FormatDuration(latency.p90_ns),
                     FormatDuration(latency.p99_ns), FormatDuration(latency.p999_ns),
                     FormatDuration(latency.max_ns), FormatCount(latency.count));
}
}  // namespace

std::string RenderText(const SubscriberSummary& summary) {
  std::vector<std::pair<std::string, std::string>> lines{
      {"outcome", fmt::format("{} (exit {})", summary.outcome, summary.exit_code)},
      {"ring", summary.ring},
      {"messages", FormatCount(summary.messages)},
      {"bytes", FormatCount(summary.bytes)},
      {"gaps", fmt::format("{} ({} messages missing)", FormatCount(summary.gaps),
                           FormatCount(summary.missing_messages))},
      {"checksum failures", FormatCount(summary.checksum_failures)},
      {"decode errors", FormatCount(summary.decode_errors)},
  };
  if (summary.late_join) lines.emplace_back("joined", "late, at the live end");
  if (summary.end_of_stream) {
    lines.emplace_back("end of stream", fmt::format("{} messages announced",
                                                    FormatCount(summary.expected_messages)));
    lines.emplace_back(
        "digest",
        fmt::format("{} ({} expected {})", summary.digest_match ? "match" : "MISMATCH",
                    FormatDigest(summary.digest_actual), FormatDigest(summary.digest_expected)));
  } else {
    lines.emplace_back("end of stream", "not received");
  }
  lines.emplace_back("latency", LatencyLine(summary.latency));
  lines.emplace_back(
      "caught up",
      summary.messages == 0
          ? fmt::format("waited {} times for the publisher", FormatCount(summary.caught_up_waits))
          : fmt::format("waited {} times for the publisher ({:.1f} per 100 messages)",
                        FormatCount(summary.caught_up_waits),
                        100.0 * static_cast<double>(summary.caught_up_waits) /
                            static_cast<double>(summary.messages)));
  if (summary.lapped) {
    lines.emplace_back(
        "lapped",
        fmt::format(
            "at sequence {}, {} bytes behind{}", FormatCount(summary.lapped->sequence_reached),
            FormatCount(summary.lapped->bytes_behind),
            summary.lapped->messages_behind
                ? fmt::format(", {} messages behind", FormatCount(*summary.lapped->messages_behind))
                : std::string()));
  }
  for (const auto& [type, count] : summary.message_types) {
    lines.emplace_back(fmt::format("type {}", type), FormatCount(count));
  }
  if (!summary.error.empty()) lines.emplace_back("error", summary.error);
  return fmt::format("subscriber {}\n", summary.name) + KeyValueBlock(lines);
}

std::string RenderText(const PublisherSummary& summary) {
  std::vector<std::pair<std::string, std::string>> lines{
      {"reason", fmt::format("{} (exit {})", summary.reason, summary.exit_code)},
      {"ring", summary.ring},
      {"input", fmt::format("{} ({}, {})", summary.input, summary.format, summary.payload_kind)},
      {"pace", summary.pace},
      {"messages", FormatCount(summary.messages)},
      {"bytes", FormatCount(summary.bytes)},
      {"loops", FormatCount(summary.loops_completed)},
      {"duration", fmt::format("{:.3f} s", summary.duration_seconds)},
      {"rate", summary.pacing.scheduled_messages_per_second > 0
                   ? fmt::format("{} messages/s achieved, {} scheduled",
                                 FormatRate(summary.pacing.achieved_messages_per_second),
                                 FormatRate(summary.pacing.scheduled_messages_per_second))
                   : fmt::format("{} messages/s achieved",
                                 FormatRate(summary.pacing.achieved_messages_per_second))},
      {"lateness", summary.pacing.lateness.count == 0
                       ? std::string("-")
                       : fmt::format("p50 {}  p99 {}  max {}  ({} messages over 1 ms late)",
                                     FormatDuration(summary.pacing.lateness.p50_ns),
                                     FormatDuration(summary.pacing.lateness.p99_ns),
                                     FormatDuration(summary.pacing.lateness.max_ns),
                                     FormatCount(summary.pacing.late_messages))},
      {"digest", FormatDigest(summary.digest)},
  };
  if (summary.skipped_outside_window != 0) {
    lines.emplace_back("outside window", FormatCount(summary.skipped_outside_window));
  }
  if (!summary.error.empty()) lines.emplace_back("error", summary.error);
  return "publisher\n" + KeyValueBlock(lines);
}

std::string RenderSubscriberTable(std::span<const SubscriberSummary> summaries) {
  TextTable table({{"subscriber", Align::kLeft},
                   {"outcome", Align::kLeft},
                   {"exit", Align::kRight},
                   {"messages", Align::kRight},
                   {"bytes", Align::kRight},
                   {"gaps", Align::kRight},
                   {"checksum fail", Align::kRight},
                   {"digest", Align::kLeft},
                   {"p50", Align::kRight},
                   {"p99", Align::kRight},
                   {"max", Align::kRight}});
  for (const auto& summary : summaries) {
    const bool has_latency = summary.latency.count != 0;
    table.AddRow({summary.name, summary.outcome, fmt::format("{}", summary.exit_code),
                  FormatCount(summary.messages), FormatCount(summary.bytes),
                  FormatCount(summary.gaps), FormatCount(summary.checksum_failures),
                  summary.end_of_stream ? (summary.digest_match ? "match" : "MISMATCH") : "-",
                  has_latency ? FormatDuration(summary.latency.p50_ns) : "-",
                  has_latency ? FormatDuration(summary.latency.p99_ns) : "-",
                  has_latency ? FormatDuration(summary.latency.max_ns) : "-"});
  }
  return table.Render();
}

}  // namespace feed
