// libFuzzer target: the own recording reader on arbitrary bytes.
#include "fuzz_util.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  fuzz::ReadAll(data, size, feed::Format::kFeedRecording);
  return 0;
}
