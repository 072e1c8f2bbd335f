// A segment whose magic, layout version or sizes differ from this build's is
// refused, by readers, by a writer that would take it over, and by ringctl
// inspect, with both values named.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/mman.h>
#include <unistd.h>

#include <functional>

#include "fault_util.hpp"

namespace {

namespace cb = ringlib::CircularBuffer;
namespace layout = ringlib::layout;
using reltest::kRingctl;

// Writes a segment image by hand: a valid header for `capacity`, then
// `mutate` changes it; `file_bytes` overrides the file size.
void MakeImage(const std::string& ring, std::uint64_t capacity,
               const std::function<void(layout::Segment&)>& mutate, std::size_t file_bytes = 0) {
  const std::string name = "/" + cb::IWrapper::SegmentName(ring);
  const int fd = ::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  ASSERT_GE(fd, 0) << name;
  if (file_bytes == 0) file_bytes = layout::kDataOffset + capacity;
  ASSERT_EQ(::ftruncate(fd, static_cast<off_t>(file_bytes)), 0);
  void* base = ::mmap(nullptr, layout::kDataOffset, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
  ASSERT_NE(base, MAP_FAILED);
  auto* segment = static_cast<layout::Segment*>(base);
  segment->header.magic = layout::kMagic;
  segment->header.layout_version = layout::kLayoutVersion;
  segment->header.header_bytes = static_cast<std::uint32_t>(layout::kDataOffset);
  segment->header.capacity_bytes = capacity;
  segment->header.max_message_bytes = static_cast<std::uint32_t>(layout::MaxMessageBytes(capacity));
  segment->header.reader_slot_count = layout::kReaderSlots;
  segment->header.generation.store(1);
  mutate(*segment);
  segment->header.initialized.store(layout::kInitializedValue);
  ::munmap(base, layout::kDataOffset);
  ::close(fd);
}

struct Case {
  const char* what;  // as the message names it
  std::function<void(layout::Segment&)> mutate;
  std::size_t file_bytes;
  std::string found;
  std::string expected;
};

std::vector<Case> Cases() {
  const std::uint64_t cap = 65536;
  return {
      {"the magic", [](layout::Segment& s) { s.header.magic = 0x1122334455667788ULL; }, 0,
       std::to_string(0x1122334455667788ULL), std::to_string(layout::kMagic)},
      {"the layout version", [](layout::Segment& s) { s.header.layout_version = 7; }, 0, "7",
       std::to_string(layout::kLayoutVersion)},
      {"the header size", [](layout::Segment& s) { s.header.header_bytes = 4096; }, 0, "4096",
       std::to_string(layout::kDataOffset)},
      {"the maximum message size", [](layout::Segment& s) { s.header.max_message_bytes = 1000; }, 0,
       "1000", std::to_string(layout::MaxMessageBytes(cap))},
      {"the reader slot count", [](layout::Segment& s) { s.header.reader_slot_count = 16; }, 0,
       "16", std::to_string(layout::kReaderSlots)},
      // The header claims 64 KiB of data; the file holds 128 KiB.
      {"size", [](layout::Segment&) {}, layout::kDataOffset + 2 * cap,
       std::to_string(layout::kDataOffset + cap), std::to_string(layout::kDataOffset + 2 * cap)},
  };
}

TEST(LayoutMismatch, ReaderRefusesEachMismatchNamingBothValues) {
  for (const Case& c : Cases()) {
    reltest::PrefixGuard guard("mismatch");
    const std::string ring = guard.Ring();
    MakeImage(ring, 65536, c.mutate, c.file_bytes);
    try {
      cb::Reader reader(ring);
      ADD_FAILURE() << c.what << ": a mismatched segment was accepted";
    } catch (const ringlib::Error& error) {
      const std::string message = error.what();
      EXPECT_EQ(error.code(), ringlib::ErrorCode::kLayoutMismatch) << message;
      EXPECT_NE(message.find(c.what), std::string::npos) << message;
      EXPECT_NE(message.find(c.found), std::string::npos) << c.what << ": " << message;
      EXPECT_NE(message.find(c.expected), std::string::npos) << c.what << ": " << message;
      EXPECT_NE(message.find(cb::IWrapper::SegmentName(ring)), std::string::npos) << message;
    }
  }
}

TEST(LayoutMismatch, ACapacityThatIsNotAPowerOfTwoIsRefusedNamingIt) {
  reltest::PrefixGuard guard("capacity");
  const std::string ring = guard.Ring();
  MakeImage(
      ring, 65536, [](layout::Segment& s) { s.header.capacity_bytes = 65536 + 8; },
      layout::kDataOffset + 65536 + 8);
  try {
    cb::Reader reader(ring);
    ADD_FAILURE() << "accepted";
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ringlib::ErrorCode::kLayoutMismatch) << error.what();
    EXPECT_NE(std::string(error.what()).find("65544"), std::string::npos) << error.what();
  }
}

TEST(LayoutMismatch, WriterTakingOverAMismatchedSegmentWithReadersAttachedRefusesIt) {
  reltest::PrefixGuard guard("writer");
  const std::string ring = guard.Ring();
  MakeImage(ring, 65536, [](layout::Segment& s) { s.header.layout_version = 9; });
  // A participant that is not a reader of this build holds the segment, so
  // the writer cannot simply reclaim it as stale.
  ringlib::SharedMemory holder(cb::IWrapper::SegmentName(ring), ringlib::OpenMode::kOpenExisting,
                               0);
  cb::WriterOptions options;
  options.capacity_bytes = 65536;
  try {
    cb::Writer writer(ring, options);
    ADD_FAILURE() << "a writer took over a segment of layout version 9";
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ringlib::ErrorCode::kLayoutMismatch) << error.what();
    EXPECT_NE(std::string(error.what())
                  .find("is 9 in the segment, expected " + std::to_string(layout::kLayoutVersion)),
              std::string::npos)
        << error.what();
  }
}

TEST(LayoutMismatch, RingctlInspectReportsTheMismatchWithBothValuesAndExits2) {
  reltest::PrefixGuard guard("inspect");
  const std::string ring = guard.Ring();
  MakeImage(ring, 65536, [](layout::Segment& s) { s.header.layout_version = 9; });
  const auto inspected = reltest::Run({kRingctl, "inspect", ring});
  EXPECT_EQ(inspected.exit_code, 2) << inspected.out << inspected.err;
  EXPECT_NE(inspected.out.find("MISMATCH: layout version is 9, expected " +
                               std::to_string(layout::kLayoutVersion)),
            std::string::npos)
      << inspected.out;
  EXPECT_NE(inspected.out.find("status=stale"), std::string::npos) << inspected.out;
  // ringctl only looked: the segment is still there.
  EXPECT_FALSE(reltest::SegmentsWithPrefix(guard.prefix()).empty());
}

TEST(LayoutMismatch, ASegmentSmallerThanTheHeaderIsRefusedNotReadOutOfBounds) {
  reltest::PrefixGuard guard("small");
  const std::string ring = guard.Ring();
  const std::string name = "/" + cb::IWrapper::SegmentName(ring);
  const int fd = ::shm_open(name.c_str(), O_RDWR | O_CREAT | O_EXCL, 0600);
  ASSERT_GE(fd, 0);
  ASSERT_EQ(::ftruncate(fd, 1000), 0);
  ::close(fd);
  try {
    cb::Reader reader(ring);
    ADD_FAILURE() << "accepted a 1000-byte segment";
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ringlib::ErrorCode::kLayoutMismatch) << error.what();
    EXPECT_NE(std::string(error.what()).find("1000"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find(std::to_string(layout::kDataOffset)),
              std::string::npos)
        << error.what();
  }
}

}  // namespace
