// The shape every feed program's main() shares: parse the command line
// (CLI11), turn the options into a run (ConfigError -> exit 1 with the
// program's name), run it with SIGINT/SIGTERM as a clean stop, print the
// summary as text or one line of JSON, exit with the summary's code.
// Header-only: it needs CLI11, which only the programs link.
#pragma once

#include <CLI/CLI.hpp>

#include <cstdio>

#include "feed/config.hpp"
#include "feed/exit_codes.hpp"
#include "feed/signals.hpp"
#include "feed/summary.hpp"

namespace feed {

// build(app) -> Run (may throw ConfigError); run(const Run&, stop) -> Summary.
template <class Build, class Execute>
int RunProgram(CLI::App& app, int argc, char** argv, const char* program, const bool& json,
               Build build, Execute execute) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::ParseError& error) {
    const int code = app.exit(error);  // prints --help, or the parse error
    return code == 0 ? 0 : ToInt(ExitCode::kUsage);
  }
  decltype(build()) run;
  try {
    run = build();
  } catch (const ConfigError& error) {
    std::fprintf(stderr, "%s: %s\n", program, error.what());
    return ToInt(ExitCode::kUsage);
  }
  const auto summary = execute(run, InstallStopHandlers());
  if (json) {
    std::printf("%s\n", summary.ToJson().c_str());
  } else {
    std::printf("%s", RenderText(summary).c_str());
  }
  return summary.exit_code;
}

}  // namespace feed
