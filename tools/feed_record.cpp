// feed_record: writes the project's own recording format
// (docs/recording-format.md), either converted from another recording
// (ITCH 5.0 BinaryFILE, IEX-TP pcap, timestamped lines, or a feed recording)
// or synthetic, with payload sizes spread over a chosen range.
#include <cstdint>
#include <exception>
#include <optional>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "feed/exit_codes.hpp"
#include "feed/format.hpp"
#include "feed/itch_generator.hpp"
#include "feed/recording.hpp"

namespace {

constexpr std::uint64_t kMaxErrorsPrinted = 20;

int Convert(const std::string& input_path, std::optional<feed::Format> format,
            const std::string& output_path) {
  const std::unique_ptr<feed::RecordingReader> reader = feed::OpenRecording(input_path, format);
  feed::RecordingWriter writer(output_path, reader->payload_kind());
  feed::Record record;
  feed::InputError error;
  std::uint64_t errors = 0;
  for (;;) {
    const feed::ReadOutcome outcome = reader->Next(record, error);
    if (outcome == feed::ReadOutcome::kEnd) break;
    if (outcome == feed::ReadOutcome::kError) {
      if (++errors <= kMaxErrorsPrinted) fmt::print(stderr, "feed_record: {}\n", error.ToString());
      continue;
    }
    writer.Append(record.timestamp_ns, record.payload);
  }
  writer.Close();
  if (errors > kMaxErrorsPrinted) {
    fmt::print(stderr, "feed_record: {} more input errors not shown\n", errors - kMaxErrorsPrinted);
  }
  fmt::print("{}: {} records ({} bytes, payload kind {}) from {} ({}), {} input errors\n",
             output_path, writer.record_count(), writer.bytes_written(),
             feed::PayloadKindName(reader->payload_kind()), input_path,
             feed::FormatName(reader->format()), errors);
  return errors == 0 ? feed::ToInt(feed::ExitCode::kSuccess) : feed::ToInt(feed::ExitCode::kInput);
}

int Synthesize(std::uint64_t count, std::size_t min_size, std::size_t max_size, std::uint64_t seed,
               const std::string& output_path) {
  feed::SplitMix64 random(seed);
  feed::RecordingWriter writer(output_path, feed::PayloadKind::kOpaque);
  std::vector<std::byte> payload;
  payload.reserve(max_size + 8);
  std::uint64_t timestamp_ns = 34'200ULL * 1'000'000'000ULL;  // 09:30:00
  for (std::uint64_t i = 0; i < count; ++i) {
    timestamp_ns += random.Between(1, 10'000);
    const std::size_t size = random.Between(min_size, max_size);
    payload.resize(size);
    for (std::size_t pos = 0; pos < size; pos += 8) {
      const std::uint64_t word = random.Next();
      for (std::size_t b = 0; b < 8 && pos + b < size; ++b) {
        payload[pos + b] = static_cast<std::byte>((word >> (8 * b)) & 0xff);
      }
    }
    writer.Append(timestamp_ns, payload);
  }
  writer.Close();
  fmt::print("{}: {} synthetic records ({} bytes), payload sizes {}..{}, seed {}\n", output_path,
             writer.record_count(), writer.bytes_written(), min_size, max_size, seed);
  return feed::ToInt(feed::ExitCode::kSuccess);
}

}  // namespace

int main(int argc, char** argv) {
  std::string input_path;
  std::string format_name;
  std::string output_path;
  std::uint64_t synthetic_count = 0;
  std::size_t min_size = 0;
  std::size_t max_size = feed::kMaxRecordPayloadBytes;
  std::uint64_t seed = 1;

  CLI::App app{
      "Write a feed recording (the project's own format, docs/recording-format.md: a header,\n"
      "then per message a u64 timestamp_ns, a u16 length and up to 65,535 payload bytes).\n"
      "Either convert a recorded feed (--input; ITCH 5.0 BinaryFILE, IEX-TP pcap/pcapng,\n"
      "timestamped lines or a feed recording, detected from its content unless --format is\n"
      "given), or write --synthetic N messages of random payload sizes.\n"
      "Input errors are printed and skipped; the exit code is then 2.",
      "feed_record"};
  auto* input = app.add_option("--input,-i", input_path, "Recording to convert")
                    ->check(CLI::ExistingFile);
  app.add_option("--format,-f", format_name,
                 "Input format: itch, pcap, lines or recording (default: detect from content)")
      ->check(CLI::IsMember({"itch", "pcap", "lines", "recording"}))
      ->needs(input);
  auto* synthetic = app.add_option("--synthetic", synthetic_count,
                                   "Write this many synthetic messages instead of converting")
                        ->excludes(input);
  app.add_option("--min-size", min_size, "Smallest synthetic payload in bytes")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, feed::kMaxRecordPayloadBytes))
      ->needs(synthetic);
  app.add_option("--max-size", max_size, "Largest synthetic payload in bytes (at most 65535)")
      ->capture_default_str()
      ->check(CLI::Range(std::size_t{0}, feed::kMaxRecordPayloadBytes))
      ->needs(synthetic);
  app.add_option("--seed", seed, "Seed of the synthetic payload sizes and bytes")
      ->capture_default_str()
      ->needs(synthetic);
  app.add_option("--output,-o", output_path, "Feed recording to write")->required();
  app.footer(
      "Examples:\n"
      "  feed_record --input data/demo.itch --output demo.rec\n"
      "  feed_record --synthetic 10000 --min-size 0 --max-size 65535 --seed 7 --output big.rec\n"
      "Exit codes: 0 success, 1 usage error, 2 input error (unreadable input, or records skipped).");
  try {
    app.parse(argc, argv);
    if (input->count() == 0 && synthetic->count() == 0) {
      throw CLI::RequiredError("one of --input or --synthetic");
    }
    if (min_size > max_size) {
      throw CLI::ValidationError("--min-size",
                                 fmt::format("{} is larger than --max-size {}", min_size, max_size));
    }
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : feed::ToInt(feed::ExitCode::kUsage);
  }

  try {
    if (synthetic->count() > 0) {
      return Synthesize(synthetic_count, min_size, max_size, seed, output_path);
    }
    std::optional<feed::Format> format;
    if (!format_name.empty()) format = feed::ParseFormat(format_name);
    return Convert(input_path, format, output_path);
  } catch (const feed::InputFileError& e) {
    fmt::print(stderr, "feed_record: {}\n", e.what());
    return feed::ToInt(feed::ExitCode::kInput);
  } catch (const std::exception& e) {
    fmt::print(stderr, "feed_record: {}\n", e.what());
    return feed::ToInt(feed::ExitCode::kInput);
  }
}
