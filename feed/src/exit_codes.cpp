#include "feed/exit_codes.hpp"

#include <array>

namespace feed {
namespace {
struct ExitCodeEntry {
  ExitCode code;
  std::string_view name;
  std::string_view description;
};

constexpr std::array<ExitCodeEntry, 7> kExitCodes{{
    {ExitCode::kSuccess, "success", "success"},
    {ExitCode::kUsage, "usage", "usage or configuration error"},
    {ExitCode::kInput, "input", "input file error"},
    {ExitCode::kLapped, "lapped", "reader was lapped (overrun) by the writer"},
    {ExitCode::kWriterGone, "writer_gone", "writer gone or stream ended abnormally"},
    {ExitCode::kVerification, "verification",
     "verification failed (checksum, sequence gap, count or digest mismatch)"},
    {ExitCode::kExpectation, "expectation",
     "a process's outcome differed from the scenario's expectation"},
}};
}  // namespace

std::string_view Describe(ExitCode code) noexcept {
  for (const auto& entry : kExitCodes) {
    if (entry.code == code) return entry.description;
  }
  return "unknown exit code";
}

std::string_view ExitCodeName(ExitCode code) noexcept {
  for (const auto& entry : kExitCodes) {
    if (entry.code == code) return entry.name;
  }
  return "unknown";
}

std::optional<ExitCode> ExitCodeFromInt(int value) noexcept {
  for (const auto& entry : kExitCodes) {
    if (ToInt(entry.code) == value) return entry.code;
  }
  return std::nullopt;
}

}  // namespace feed
