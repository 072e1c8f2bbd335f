#include "feed/cli.hpp"

#include <fmt/format.h>
#include <unistd.h>

namespace feed::cli {

std::uint64_t SizeOption(const std::string& option, const std::string& text) {
  const auto bytes = ParseSize(text);
  if (!bytes) {
    throw ConfigError(fmt::format("{}: expected a size such as 65536, 64KiB or 1MiB, got \"{}\"",
                                  option, text));
  }
  return *bytes;
}

std::uint64_t DurationOption(const std::string& option, const std::string& text) {
  const auto ns = ParseDurationNs(text);
  if (!ns) {
    throw ConfigError(fmt::format(
        "{}: expected a duration with a unit such as 250ms, 1.5s, 100us or 2m, got \"{}\"", option,
        text));
  }
  return *ns;
}

std::string ExitCodeHelp() {
  std::string text = "Exit codes:\n";
  for (int code = 0; code <= 6; ++code) {
    if (const auto exit = ExitCodeFromInt(code)) {
      text += fmt::format("  {}  {}\n", code, Describe(*exit));
    }
  }
  return text;
}

bool StderrIsTerminal() { return ::isatty(2) == 1; }

}  // namespace feed::cli
