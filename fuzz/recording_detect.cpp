// libFuzzer target: format detection, then whichever reader it picks.
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::MemoryFile file(data, size);
  std::string why_not;
  const auto format = feed::DetectFormat(file.path(), &why_not);
  if (!format && why_not.empty()) std::abort();  // a refusal must say why
  fuzz::ReadAll(data, size, std::nullopt);
  return 0;
}
