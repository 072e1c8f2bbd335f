// Command-line pieces shared by feed_publisher, feed_subscriber and
// feed_replay, so each option means the same thing in every program.
#pragma once

#include <string>

#include "feed/config.hpp"

namespace feed::cli {

// "64KiB", "1MiB", "65536": throws ConfigError naming the option.
std::uint64_t SizeOption(const std::string& option, const std::string& text);
// "250ms", "1.5s", "100us": throws ConfigError naming the option.
std::uint64_t DurationOption(const std::string& option, const std::string& text);
// The epilog every program prints under --help: the exit-code table.
std::string ExitCodeHelp();
// True when stderr is a terminal (progress lines) / stdout (tables vs JSON).
bool StderrIsTerminal();

}  // namespace feed::cli
