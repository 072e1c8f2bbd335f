// The default lap policy terminates the process: exit code and message.
// The "fast" death-test style forks without exec, so the child uses the
// segment name the parent computed and the parent's guard removes it.
#include <gtest/gtest.h>

#include <array>

#include "ring_test_util.hpp"
#include "ringlib/circular_buffer.hpp"

namespace {

using namespace ringlib::CircularBuffer;

void LapAReaderWithTheDefaultPolicy(const std::string& ring) {
  WriterOptions options;
  options.capacity_bytes = 4096;
  Writer writer(ring, options);
  Reader reader(ring);  // LapPolicy::kTerminate
  const std::array<std::byte, 500> payload{};
  for (int i = 0; i < 20; ++i) writer.Write(payload);
  std::array<std::byte, 512> out{};
  (void)reader.TryRead(out);
}

TEST(ReaderDeathTest, LappedReaderPrintsOneLineAndExitsWithTheLappedCode) {
  ringtest::RingNameGuard ring;
  EXPECT_EXIT(LapAReaderWithTheDefaultPolicy(ring.name()),
              ::testing::ExitedWithCode(ringlib::kLappedExitCode),
              "ringlib: reader of ring \"" + ring.name() +
                  "\" \\(/dev/shm/ringlib\\.[^)]*\\) was lapped: reader position 0, writer "
                  "position [0-9]+, [0-9]+ bytes behind a 4096-byte ring, [0-9]+ unread bytes "
                  "overwritten; exiting with code 3");
}

TEST(ReaderDeathTest, LapExitCodeIsConfigurable) {
  ringtest::RingNameGuard ring;
  auto lap_with_code_9 = [&] {
    WriterOptions options;
    options.capacity_bytes = 4096;
    Writer writer(ring.name(), options);
    ReaderOptions reader_options;
    reader_options.lapped_exit_code = 9;
    Reader reader(ring.name(), reader_options);
    const std::array<std::byte, 500> payload{};
    for (int i = 0; i < 20; ++i) writer.Write(payload);
    std::array<std::byte, 512> out{};
    (void)reader.TryRead(out);
  };
  EXPECT_EXIT(lap_with_code_9(), ::testing::ExitedWithCode(9), "exiting with code 9");
}

}  // namespace
