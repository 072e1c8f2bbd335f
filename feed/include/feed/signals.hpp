// SIGINT and SIGTERM request a clean stop: the programs poll the flag,
// finish the current message, close the stream and print their summary.
#pragma once

#include <atomic>

namespace feed {

// Installs the handlers (once) and returns the flag they set. The second
// signal of the same kind is not special: a stop is a stop.
const std::atomic<bool>& InstallStopHandlers();

}  // namespace feed
