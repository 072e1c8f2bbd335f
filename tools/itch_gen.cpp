// itch_gen: writes a deterministic NASDAQ TotalView-ITCH 5.0 BinaryFILE.
// The same --messages, --seed and --symbols give the same bytes on every
// machine; data/demo.itch was made with it (see data/README.md).
#include <cstdint>
#include <exception>
#include <string>

#include <CLI/CLI.hpp>
#include <fmt/format.h>

#include "feed/exit_codes.hpp"
#include "feed/itch_generator.hpp"

int main(int argc, char** argv) {
  feed::ItchGeneratorOptions options;
  std::string output_path;

  CLI::App app{
      "Generate a deterministic NASDAQ TotalView-ITCH 5.0 BinaryFILE (each message a 2-byte\n"
      "big-endian length then the message). Timestamps start at 09:30:00; the mix has adds,\n"
      "executions, cancels, deletes, replaces, trades, crosses, imbalances and every other\n"
      "ITCH 5.0 type, between opening (S, R, H, V) and closing (S) messages. Prints the\n"
      "number of messages of each type.",
      "itch_gen"};
  app.add_option("--messages,-n", options.message_count,
                 "Total number of messages, opening and closing ones included")
      ->capture_default_str()
      ->check(CLI::PositiveNumber);
  app.add_option("--seed,-s", options.seed, "Seed of the splitmix64 generator (same seed, same bytes)")
      ->capture_default_str();
  app.add_option("--symbols", options.symbol_count, "Number of stock symbols (locate codes 1..N)")
      ->capture_default_str()
      ->check(CLI::Range(1, 9999));
  app.add_option("--output,-o", output_path, "File to write")->required();
  app.footer("Example: itch_gen --messages 100000 --seed 1 --output data/demo.itch");
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& e) {
    const int code = app.exit(e);
    return code == 0 ? 0 : feed::ToInt(feed::ExitCode::kUsage);
  }

  try {
    const feed::ItchTypeCounts counts = feed::WriteItch50BinaryFile(output_path, options);
    std::uint64_t total = 0;
    fmt::print("{}: {} messages, seed {}, {} symbols\n", output_path, options.message_count,
               options.seed, options.symbol_count);
    fmt::print("type  count\n");
    for (std::size_t type = 0; type < counts.size(); ++type) {
      if (counts[type] == 0) continue;
      fmt::print("{:>4}  {}\n", static_cast<char>(type), counts[type]);
      total += counts[type];
    }
    fmt::print("total {}\n", total);
  } catch (const std::invalid_argument& e) {
    fmt::print(stderr, "itch_gen: {}\n", e.what());
    return feed::ToInt(feed::ExitCode::kUsage);
  } catch (const std::exception& e) {
    fmt::print(stderr, "itch_gen: {}\n", e.what());
    return feed::ToInt(feed::ExitCode::kInput);
  }
  return 0;
}
