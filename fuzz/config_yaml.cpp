// libFuzzer target: the YAML scenario loader on arbitrary text. The only
// clean failure is feed::ConfigError, and it must say what is wrong.

#include <cstdint>
#include <cstdlib>
#include <string>
#include <string_view>

#include "feed/config.hpp"

// The loader once called YAML::LoadAll, which in yaml-cpp 0.7 never returns
// on inputs such as a lone "," (upstream issue 1040); this target found it
// (reproducers: fuzz/known/, also a corpus entry). The loader now loads one
// document with YAML::Load and finds a second one by its marker, so every
// input, those included, must end with a scenario or a ConfigError.

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const feed::ScenarioConfig scenario =
        feed::LoadScenarioFromString(text, "fuzz.yaml", "/nonexistent-fuzz-base");
    // A loaded scenario obeys the loader's own rules.
    if (!feed::IsValidRingName(scenario.ring.name)) std::abort();
    if (!feed::IsValidRingCapacity(scenario.ring.capacity_bytes)) std::abort();
    for (const auto& subscriber : scenario.subscribers) {
      if (!feed::IsValidSubscriberName(subscriber.name)) std::abort();
    }
  } catch (const feed::ConfigError& error) {
    if (std::string_view(error.what()).empty()) std::abort();
  }
  return 0;
}
