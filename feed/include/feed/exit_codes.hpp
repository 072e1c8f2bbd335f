// The one exit-code table shared by feed_publisher, feed_subscriber and
// feed_replay (documented in docs/config.md, "Exit codes"). Every program maps
// its outcome here, so a script can tell "lapped" from "corrupted" from a typo.
#pragma once

#include <optional>
#include <string_view>

namespace feed {

enum class ExitCode : int {
  kSuccess = 0,       // the run did what was asked (and, for feed_replay, every expectation held)
  kUsage = 1,         // bad command line or configuration
  kInput = 2,         // the input file cannot be opened, read or parsed
  kLapped = 3,        // the reader was overrun by the writer
  kWriterGone = 4,    // the writer vanished or the stream ended without end-of-stream
  kVerification = 5,  // checksum, sequence gap, message count or digest mismatch
  kExpectation =
      6,  // feed_replay only: a process's outcome differed from what the scenario expected
};

constexpr int ToInt(ExitCode code) noexcept { return static_cast<int>(code); }

// One line describing what the code means, for --help and the summary table.
std::string_view Describe(ExitCode code) noexcept;

// Short lower-case name used in JSON summaries: "success", "usage", "input",
// "lapped", "writer_gone", "verification", "expectation".
std::string_view ExitCodeName(ExitCode code) noexcept;

// The code a child process returned, if it is one of ours.
std::optional<ExitCode> ExitCodeFromInt(int value) noexcept;

}  // namespace feed
