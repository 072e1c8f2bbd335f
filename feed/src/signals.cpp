#include "feed/signals.hpp"

#include <signal.h>

namespace feed {
namespace {
std::atomic<bool> g_stop{false};
static_assert(std::atomic<bool>::is_always_lock_free, "the handler must be async-signal-safe");

extern "C" void OnStopSignal(int) { g_stop.store(true, std::memory_order_relaxed); }
}  // namespace

const std::atomic<bool>& InstallStopHandlers() {
  struct sigaction action {};
  action.sa_handler = OnStopSignal;
  sigemptyset(&action.sa_mask);
  action.sa_flags = 0;  // no SA_RESTART: a sleeping publisher wakes up to stop
  ::sigaction(SIGINT, &action, nullptr);
  ::sigaction(SIGTERM, &action, nullptr);
  return g_stop;
}

}  // namespace feed
