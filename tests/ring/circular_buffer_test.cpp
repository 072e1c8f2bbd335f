// Unit tests of the ring protocol in one process: sizes, wrap, boundaries,
// deterministic lapping, late join, stream end, writer exclusivity.
#include <gtest/gtest.h>

#include <fcntl.h>
#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <chrono>
#include <cstring>
#include <ctime>
#include <span>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "ring_test_util.hpp"
#include "ringlib/circular_buffer.hpp"

namespace {

using ringlib::ErrorCode;
using ringlib::LapPolicy;
using ringlib::ReadStatus;
using ringlib::CircularBuffer::Reader;
using ringlib::CircularBuffer::ReaderOptions;
using ringlib::CircularBuffer::Writer;
using ringlib::CircularBuffer::WriterOptions;
using ringtest::RingNameGuard;

constexpr std::uint64_t kSmall = 4096;

WriterOptions Capacity(std::uint64_t capacity, std::uint64_t reserve_ahead = 0) {
  WriterOptions options;
  options.capacity_bytes = capacity;
  options.reserve_ahead_bytes = reserve_ahead;
  return options;
}

ReaderOptions Reporting(std::chrono::milliseconds liveness_interval = ReaderOptions{}.liveness_interval) {
  ReaderOptions options;
  options.lap_policy = LapPolicy::kReport;
  options.liveness_interval = liveness_interval;
  return options;
}

std::vector<std::byte> Payload(std::size_t size, std::uint8_t seed) {
  std::vector<std::byte> bytes(size);
  for (std::size_t i = 0; i < size; ++i) bytes[i] = static_cast<std::byte>(seed + i * 7);
  return bytes;
}

// The reader's next TryRead delivers exactly `expected`.
::testing::AssertionResult ReadsExactly(Reader& reader, std::span<std::byte> out,
                                        const std::vector<std::byte>& expected) {
  const ringlib::ReadResult result = reader.TryRead(out);
  if (result.status != ReadStatus::kMessage) {
    return ::testing::AssertionFailure() << "status " << static_cast<int>(result.status);
  }
  if (result.size != expected.size()) {
    return ::testing::AssertionFailure() << "size " << result.size << ", expected " << expected.size();
  }
  if (!std::equal(expected.begin(), expected.end(), out.begin())) {
    return ::testing::AssertionFailure() << "payload differs";
  }
  return ::testing::AssertionSuccess();
}

TEST(CircularBuffer, DeliversMessagesOfSizeZeroOneAndMaximumIntact) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(std::uint64_t{1} << 18));
  Reader reader(ring.name(), Reporting());
  ASSERT_EQ(writer.max_message_bytes(), 65535u);
  std::vector<std::byte> out(65535);
  for (std::size_t size : {std::size_t{0}, std::size_t{1}, std::size_t{65535}}) {
    const auto payload = Payload(size, static_cast<std::uint8_t>(size));
    writer.Write(payload);
    const auto result = reader.TryRead(out);
    ASSERT_EQ(result.status, ReadStatus::kMessage) << "size " << size;
    ASSERT_EQ(result.size, size);
    EXPECT_TRUE(std::equal(payload.begin(), payload.end(), out.begin())) << "size " << size;
  }
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
}

// Write() and TryRead() copy up to 64 bytes in words at fixed offsets and
// the last partial word through a register (detail::CopyToRing and
// CopyFromRing); longer messages go through memcpy. Every size on both
// sides of that limit, from sources and into buffers at every alignment,
// arrives byte for byte, and the reader writes nothing past the message in
// the caller's buffer.
TEST(CircularBuffer, WriteDeliversEverySizeUpTo130BytesIntactFromAnySourceAlignment) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(std::uint64_t{1} << 18));
  Reader reader(ring.name(), Reporting());
  std::vector<std::byte> buffer(256 + 8);
  for (std::size_t size = 0; size <= 130; ++size) {
    for (std::size_t misalign = 0; misalign < 8; ++misalign) {
      const auto source = Payload(size + misalign, static_cast<std::uint8_t>(size * 8 + misalign));
      const std::span<const std::byte> payload(source.data() + misalign, size);
      writer.Write(payload);
      // The reader's buffer at another alignment than the source's.
      const std::size_t out_misalign = (misalign * 3 + 1) % 8;
      const std::span<std::byte> out(buffer.data() + out_misalign, 256);
      std::fill(buffer.begin(), buffer.end(), std::byte{0xee});
      const auto result = reader.TryRead(out);
      ASSERT_EQ(result.status, ReadStatus::kMessage) << "size " << size << " misalign " << misalign;
      ASSERT_EQ(result.size, size);
      ASSERT_TRUE(std::equal(payload.begin(), payload.end(), out.begin()))
          << "size " << size << " misalign " << misalign << " out misalign " << out_misalign;
      ASSERT_TRUE(std::all_of(buffer.begin(), buffer.begin() + static_cast<std::ptrdiff_t>(out_misalign),
                              [](std::byte b) { return b == std::byte{0xee}; }))
          << "size " << size << ": bytes before the message were written";
      ASSERT_TRUE(std::all_of(buffer.begin() + static_cast<std::ptrdiff_t>(out_misalign + size), buffer.end(),
                              [](std::byte b) { return b == std::byte{0xee}; }))
          << "size " << size << ": bytes past the message were written";
    }
  }
  EXPECT_EQ(reader.TryRead(buffer).status, ReadStatus::kEmpty);
}

// A buffer exactly as large as the message: the reader's last partial word
// is stored byte-exact (a whole-word store would run past it; ASan reports
// that in the sanitizer run). The writer's whole last word stays inside the
// record: the message after it arrives intact.
TEST(CircularBuffer, ReaderFillsABufferOfExactlyTheMessagesSizeAndNothingMore) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(std::uint64_t{1} << 16));
  Reader reader(ring.name(), Reporting());
  for (std::size_t size = 1; size <= 72; ++size) {
    const auto payload = Payload(size, static_cast<std::uint8_t>(size));
    const auto next = Payload(16, static_cast<std::uint8_t>(size + 100));
    writer.Write(payload);
    writer.Write(next);
    std::vector<std::byte> exact(size);  // its own allocation, so ASan sees its end
    const auto result = reader.TryRead(exact);
    ASSERT_EQ(result.status, ReadStatus::kMessage) << "size " << size;
    ASSERT_EQ(result.size, size);
    ASSERT_TRUE(std::equal(payload.begin(), payload.end(), exact.begin())) << "size " << size;
    std::vector<std::byte> after(16);
    ASSERT_TRUE(ReadsExactly(reader, after, next)) << "the message after one of " << size << " bytes";
  }
}

TEST(CircularBuffer, ZeroLengthMessageIsDistinguishableFromNothingYet) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  std::array<std::byte, 16> out{};
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
  writer.Write({});
  const auto result = reader.TryRead(out);
  EXPECT_EQ(result.status, ReadStatus::kMessage);
  EXPECT_EQ(result.size, 0u);
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
}

TEST(CircularBuffer, RejectsMessageOf65536BytesAndWritesNothing) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(std::uint64_t{1} << 20));
  Reader reader(ring.name(), Reporting());
  const auto before = writer.commit_position();
  const std::vector<std::byte> too_big(65536);
  try {
    writer.Write(too_big);
    FAIL() << "a 65,536-byte message was accepted";
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kMessageTooLarge);
    EXPECT_NE(std::string(error.what()).find("65536 bytes"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("65535"), std::string::npos) << error.what();
  }
  EXPECT_EQ(writer.commit_position(), before);
  EXPECT_EQ(writer.reserve_position(), 0u);
  std::array<std::byte, 8> out{};
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
}

TEST(CircularBuffer, LimitsMessagesToHalfOfASmallRing) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  EXPECT_EQ(writer.max_message_bytes(), kSmall / 2 - 8);
  const std::vector<std::byte> fits(kSmall / 2 - 8);
  const std::vector<std::byte> too_big(kSmall / 2 - 7);
  EXPECT_NO_THROW(writer.Write(fits));
  EXPECT_THROW(writer.Write(too_big), ringlib::Error);
}

TEST(CircularBuffer, RejectsCapacitiesThatAreNotPowersOfTwoOrOutOfRange) {
  RingNameGuard ring;
  for (std::uint64_t capacity : {std::uint64_t{0}, std::uint64_t{2048}, std::uint64_t{5000},
                                 std::uint64_t{1} << 35}) {
    try {
      Writer writer(ring.name(), Capacity(capacity));
      FAIL() << "capacity " << capacity << " was accepted";
    } catch (const ringlib::Error& error) {
      EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
      EXPECT_NE(std::string(error.what()).find("power of two from 4096"), std::string::npos);
    }
    EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
  }
}

TEST(CircularBuffer, WrapsWithAPaddingRecordAndDeliversEveryMessageContiguously) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  std::vector<std::byte> out(kSmall);
  // 1000-byte payloads make 1008-byte records: the fifth one does not fit
  // before the end of a 4096-byte ring, so each lap starts with padding.
  for (std::uint8_t i = 0; i < 40; ++i) {
    const auto payload = Payload(1000, i);
    writer.Write(payload);
    const auto result = reader.TryRead(out);
    ASSERT_EQ(result.status, ReadStatus::kMessage) << "message " << int{i};
    ASSERT_EQ(result.size, 1000u);
    ASSERT_TRUE(std::equal(payload.begin(), payload.end(), out.begin())) << "message " << int{i};
  }
  // 40 records of 1008 bytes plus one 64-byte padding record per 4 records.
  EXPECT_GT(writer.position(), 40u * 1008u);
  EXPECT_EQ(writer.position() % 8, 0u);
}

TEST(CircularBuffer, ReaderExactlyCapacityBehindReserveIsValidOneByteMoreIsLapped) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  const auto payload = Payload(24, 1);
  writer.Write(payload);  // record of 32 bytes at position 0
  auto& segment = writer.segment();
  std::array<std::byte, 64> out{};

  // Test hook: move the writer's reserve to exactly capacity ahead of the
  // reader. The bytes at position 0 are not yet overwritten: still valid.
  segment.reserve.value.store(kSmall, std::memory_order_release);
  auto result = reader.TryRead(out);
  ASSERT_EQ(result.status, ReadStatus::kMessage);
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), out.begin()));

  writer.Write(payload);  // record at position 32
  segment.reserve.value.store(32 + kSmall + 1, std::memory_order_release);
  result = reader.TryRead(out);
  EXPECT_EQ(result.status, ReadStatus::kLapped);
  EXPECT_EQ(reader.last_lap().reader_position, 32u);
  EXPECT_EQ(reader.last_lap().bytes_behind, kSmall + 1);
  EXPECT_EQ(reader.last_lap().bytes_lost, 1u);
  EXPECT_EQ(reader.copies_rejected(), 1u);
}

TEST(CircularBuffer, ReaderThatFallsBehindByMoreThanCapacityIsLappedNotServedStaleData) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  std::vector<std::byte> out(kSmall);
  for (std::uint8_t i = 0; i < 20; ++i) writer.Write(Payload(500, i));
  const auto result = reader.TryRead(out);
  EXPECT_EQ(result.status, ReadStatus::kLapped);
  EXPECT_EQ(reader.laps(), 1u);
  EXPECT_GT(reader.last_lap().bytes_lost, 0u);
  // After Resync the reader continues at the live end.
  reader.Resync();
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
  const auto payload = Payload(500, 99);
  writer.Write(payload);
  ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), out.begin()));
}

TEST(CircularBuffer, ReserveAheadMakesLapDetectionConservativeByAtMostTheBlock) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall, /*reserve_ahead=*/256));
  Reader reader(ring.name(), Reporting());
  writer.Write(Payload(8, 0));
  // The writer published 256 bytes beyond its first record (16 bytes) and
  // the header word after it (8 bytes, zeroed: "nothing yet").
  EXPECT_EQ(writer.reserve_position(), 16u + 8u + 256u);
  std::array<std::byte, 64> out{};
  ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);
}

// The fast path's lap check compares the reserve with the reader's position
// and capacity held in locals: a reader most of a ring behind (not lapped)
// must get every message, exactly as written and in order.
TEST(CircularBuffer, ReaderFarBehindTheWriterReadsEverySmallMessageIntactAndInOrder) {
  RingNameGuard ring;
  constexpr std::uint64_t kRing = std::uint64_t{1} << 20;
  Writer writer(ring.name(), Capacity(kRing, WriterOptions::kAutoReserveAhead));
  Reader reader(ring.name(), Reporting());
  // 24- and 32-byte payloads (32- and 40-byte records): 756,000 bytes.
  constexpr std::uint32_t kMessages = 21'000;
  const auto message = [](std::uint32_t i) {
    auto payload = Payload(i % 2 == 0 ? 24 : 32, static_cast<std::uint8_t>(i));
    std::memcpy(payload.data(), &i, sizeof i);
    return payload;
  };
  for (std::uint32_t i = 0; i < kMessages; ++i) writer.Write(message(i));
  ASSERT_GT(writer.reserve_position() - reader.position(), kRing * 3 / 4);
  std::array<std::byte, 64> out{};
  for (std::uint32_t i = 0; i < kMessages; ++i) {
    const auto result = reader.TryRead(out);
    ASSERT_EQ(result.status, ReadStatus::kMessage) << "message " << i;
    const auto expected = message(i);
    ASSERT_EQ(result.size, expected.size()) << "message " << i;
    ASSERT_TRUE(std::equal(expected.begin(), expected.end(), out.begin())) << "message " << i;
  }
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
  EXPECT_EQ(reader.laps(), 0u);
}

TEST(CircularBuffer, EveryReaderReadsEveryMessageIndependently) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(std::uint64_t{1} << 16));
  std::vector<Reader> readers;
  for (int i = 0; i < 4; ++i) readers.emplace_back(ring.name(), Reporting());
  for (std::uint8_t i = 0; i < 50; ++i) writer.Write(Payload(100 + i, i));
  std::vector<std::byte> out(1024);
  for (auto& reader : readers) {
    for (std::uint8_t i = 0; i < 50; ++i) {
      const auto result = reader.TryRead(out);
      ASSERT_EQ(result.status, ReadStatus::kMessage);
      const auto expected = Payload(100 + i, i);
      ASSERT_EQ(result.size, expected.size());
      ASSERT_TRUE(std::equal(expected.begin(), expected.end(), out.begin()));
    }
    EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
  }
}

TEST(CircularBuffer, LateJoiningReaderStartsAtTheLiveEnd) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  writer.Write(Payload(10, 1));
  writer.Write(Payload(10, 2));
  Reader reader(ring.name(), Reporting());
  std::array<std::byte, 64> out{};
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
  const auto third = Payload(10, 3);
  writer.Write(third);
  ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);
  EXPECT_TRUE(std::equal(third.begin(), third.end(), out.begin()));
}

TEST(CircularBuffer, BufferTooSmallReportsTheNeededSizeAndConsumesNothing) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  writer.Write(Payload(100, 1));
  std::array<std::byte, 10> small{};
  const auto result = reader.TryRead(small);
  EXPECT_EQ(result.status, ReadStatus::kBufferTooSmall);
  EXPECT_EQ(result.size, 100u);
  std::array<std::byte, 100> big{};
  EXPECT_EQ(reader.TryRead(big).status, ReadStatus::kMessage);
}

TEST(CircularBuffer, InPlaceReadReportsLapSoTheConsumerCanDiscard) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  writer.Write(Payload(40, 5));
  std::size_t seen = 0;
  auto result = reader.TryReadInPlace([&](std::span<const std::byte> bytes) { seen = bytes.size(); });
  EXPECT_EQ(result.status, ReadStatus::kMessage);
  EXPECT_EQ(seen, 40u);
  writer.Write(Payload(40, 6));
  writer.segment().reserve.value.store(reader.position() + kSmall + 8, std::memory_order_release);
  result = reader.TryReadInPlace([&](std::span<const std::byte> bytes) { seen = bytes.size(); });
  EXPECT_EQ(result.status, ReadStatus::kLapped);
}

TEST(CircularBuffer, ReaderSeesCleanCloseAfterDrainingEverything) {
  RingNameGuard ring;
  std::array<std::byte, 64> out{};
  auto writer = std::make_unique<Writer>(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  writer->Write(Payload(8, 1));
  writer->Write(Payload(8, 2));
  writer.reset();  // closes
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kWriterClosed);
  try {
    (void)reader.Read(out);
    FAIL() << "Read returned after the stream closed";
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kWriterClosed);
  }
}

TEST(CircularBuffer, SecondLiveWriterIsRefusedWithTheFirstWritersPid) {
  RingNameGuard ring;
  Writer first(ring.name(), Capacity(kSmall));
  try {
    Writer second(ring.name(), Capacity(kSmall));
    FAIL() << "a second writer was accepted";
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kWriterAlreadyActive);
    EXPECT_NE(std::string(error.what()).find("pid " + std::to_string(::getpid())),
              std::string::npos)
        << error.what();
  }
}

TEST(CircularBuffer, NewWriterAfterCloseStartsANewStreamThatReadersNotice) {
  RingNameGuard ring;
  std::array<std::byte, 64> out{};
  auto writer = std::make_unique<Writer>(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  writer->Write(Payload(8, 1));
  ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);
  writer.reset();
  // The reader keeps the segment alive; a new writer takes it over.
  Writer second(ring.name(), Capacity(kSmall));
  EXPECT_TRUE(second.took_over());
  second.Write(Payload(8, 2));
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kWriterRestarted);
}

TEST(CircularBuffer, TakeoverWithADifferentCapacityIsRefusedNamingBoth) {
  RingNameGuard ring;
  auto writer = std::make_unique<Writer>(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  writer.reset();
  try {
    Writer second(ring.name(), Capacity(kSmall * 2));
    FAIL() << "takeover with another capacity was accepted";
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kLayoutMismatch);
    EXPECT_NE(std::string(error.what()).find("4096"), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("8192"), std::string::npos) << error.what();
  }
}

TEST(CircularBuffer, ReaderOfMissingRingFailsClearlyAfterItsTimeout) {
  RingNameGuard ring;
  ReaderOptions options = Reporting();
  options.attach_timeout = std::chrono::milliseconds(50);
  try {
    Reader reader(ring.name(), options);
    FAIL() << "attached to a ring that does not exist";
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kNotFound);
    EXPECT_NE(std::string(error.what()).find(ring.name()), std::string::npos);
  }
}

TEST(CircularBuffer, ReaderStartedBeforeTheWriterWaitsAndAttaches) {
  RingNameGuard ring;
  std::thread writer_thread([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    Writer writer(ring.name(), Capacity(kSmall));
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    for (std::uint8_t i = 0; i < 3; ++i) writer.Write(Payload(8, i));
  });
  ReaderOptions options = Reporting();
  options.attach_timeout = std::chrono::milliseconds(5000);
  std::array<std::byte, 64> out{};
  {
    Reader reader(ring.name(), options);
    std::size_t messages = 0;
    for (;;) {
      const auto result = reader.ReadFor(out, std::chrono::seconds(10));
      if (result.status != ReadStatus::kMessage) {
        EXPECT_EQ(result.status, ReadStatus::kWriterClosed);
        break;
      }
      ++messages;
    }
    EXPECT_EQ(messages, 3u);
  }
  writer_thread.join();
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

TEST(CircularBuffer, ReadForTimesOutWhenNothingArrives) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  for (auto idle : {ringlib::IdleStrategy::kBusySpin, ringlib::IdleStrategy::kSpinYield,
                    ringlib::IdleStrategy::kFutexSleep}) {
    ReaderOptions options = Reporting();
    options.idle = idle;
    Reader reader(ring.name(), options);
    std::array<std::byte, 8> out{};
    EXPECT_EQ(reader.ReadFor(out, std::chrono::milliseconds(20)).status, ReadStatus::kTimedOut);
  }
}

// Writes `payload` from another thread after `delay`, while the caller waits
// in a read.
std::thread WriteLater(Writer& writer, std::vector<std::byte> payload,
                       std::chrono::milliseconds delay = std::chrono::milliseconds(20)) {
  return std::thread([&writer, payload = std::move(payload), delay] {
    std::this_thread::sleep_for(delay);
    writer.Write(payload);
  });
}

// Read() with kBusySpin waits inline (not in WaitAndRead): what ends the
// wait must be handled as in the other strategies.
ReaderOptions Spinning() {
  ReaderOptions options = Reporting();
  options.idle = ringlib::IdleStrategy::kBusySpin;
  return options;
}

TEST(CircularBuffer, SpinningReadReturnsAMessageWrittenWhileItWaits) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Spinning());
  const auto payload = Payload(24, 7);
  std::thread late_writer = WriteLater(writer, payload);
  std::array<std::byte, 64> out{};
  const std::size_t size = reader.Read(out);
  late_writer.join();
  ASSERT_EQ(size, payload.size());
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), out.begin()));
  EXPECT_EQ(reader.messages_read(), 1u);
}

TEST(CircularBuffer, SpinningReadThrowsWriterClosedWhenTheStreamEndsWhileItWaits) {
  RingNameGuard ring;
  auto writer = std::make_unique<Writer>(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Spinning());
  std::thread closer([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
    writer.reset();  // closes
  });
  std::array<std::byte, 64> out{};
  try {
    (void)reader.Read(out);
    ADD_FAILURE() << "Read returned after the stream closed";
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kWriterClosed);
  }
  closer.join();
}

TEST(CircularBuffer, SpinningReadRefusesATooSmallBufferAndKeepsTheMessage) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Spinning());
  const auto payload = Payload(40, 3);
  std::thread late_writer = WriteLater(writer, payload);
  std::array<std::byte, 16> small{};
  try {
    (void)reader.Read(small);
    ADD_FAILURE() << "a 40-byte message was read into a 16-byte buffer";
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
  }
  late_writer.join();
  std::array<std::byte, 64> out{};
  ASSERT_EQ(reader.Read(out), payload.size());  // still there, whole
  EXPECT_TRUE(std::equal(payload.begin(), payload.end(), out.begin()));
}

// Writes `payload` once the calling thread, which goes on to call
// reader.Read(), is certainly waiting in it, however late it is scheduled
// (a 100 ms delay assumed it would be in Read() by then). A futex reader
// shows its sleep in the segment; a spinning or yielding one has used 20 ms
// of CPU since the thread started, and Read() is all it runs in that time.
std::thread WriteOnceWaiting(Writer& writer, std::vector<std::byte> payload, const std::string& ring_name,
                             ringlib::IdleStrategy idle) {
  clockid_t reader_clock{};
  EXPECT_EQ(::pthread_getcpuclockid(::pthread_self(), &reader_clock), 0);
  const auto cpu_ns = [reader_clock] {
    timespec now{};
    ::clock_gettime(reader_clock, &now);
    return std::int64_t{now.tv_sec} * 1'000'000'000 + now.tv_nsec;
  };
  return std::thread([&writer, payload = std::move(payload), ring_name, idle, cpu_ns] {
    const std::int64_t start = cpu_ns();
    for (;;) {
      if (idle == ringlib::IdleStrategy::kFutexSleep) {
        if (ringtest::Sleepers(ring_name) > 0) break;
      } else if (cpu_ns() - start >= 20'000'000) {
        break;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    writer.Write(payload);
  });
}

TEST(CircularBuffer, WaitsCountsTheReadsThatFoundNoMessageUnderEveryStrategy) {
  for (auto idle : {ringlib::IdleStrategy::kFutexSleep, ringlib::IdleStrategy::kSpinYield,
                    ringlib::IdleStrategy::kBusySpin}) {
    SCOPED_TRACE(static_cast<int>(idle));
    RingNameGuard ring;
    Writer writer(ring.name(), Capacity(kSmall));
    ReaderOptions options = Reporting();
    options.idle = idle;
    Reader reader(ring.name(), options);
    std::array<std::byte, 64> out{};
    // Messages already there: Read() and ReadFor() find them without waiting.
    writer.Write(Payload(8, 1));
    writer.Write(Payload(8, 2));
    EXPECT_EQ(reader.Read(out), 8u);
    EXPECT_EQ(reader.ReadFor(out, std::chrono::milliseconds(1)).status, ReadStatus::kMessage);
    EXPECT_EQ(reader.waits(), 0u);
    // TryRead never waits.
    EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
    EXPECT_EQ(reader.waits(), 0u);
    // A ReadFor that times out waited once.
    EXPECT_EQ(reader.ReadFor(out, std::chrono::milliseconds(1)).status, ReadStatus::kTimedOut);
    EXPECT_EQ(reader.waits(), 1u);
    // A Read() that waits for a message written later: once more, whatever
    // the strategy (kBusySpin waits inline, the others in WaitAndRead).
    std::thread late_writer = WriteOnceWaiting(writer, Payload(8, 3), ring.name(), idle);
    EXPECT_EQ(reader.Read(out), 8u);
    late_writer.join();
    EXPECT_EQ(reader.waits(), 2u);
    EXPECT_EQ(reader.messages_read(), 3u);
  }
}

TEST(CircularBuffer, SleepingReaderIsWokenByTheNextWrite) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  ReaderOptions options = Reporting();
  options.idle = ringlib::IdleStrategy::kFutexSleep;
  Reader reader(ring.name(), options);
  std::thread late_writer = WriteLater(writer, Payload(16, 1), std::chrono::milliseconds(50));
  std::array<std::byte, 64> out{};
  const auto result = reader.ReadFor(out, std::chrono::seconds(10));
  late_writer.join();
  EXPECT_EQ(result.status, ReadStatus::kMessage);
  EXPECT_EQ(result.size, 16u);
}

TEST(SpinBeforeIdle, FutexReaderSleepsOnceItsSpinBudgetIsOverAndTheNextWriteWakesIt) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  ReaderOptions options = Reporting(std::chrono::seconds(60));
  options.idle = ringlib::IdleStrategy::kFutexSleep;
  options.spin_before_idle = std::chrono::microseconds(100);
  Reader reader(ring.name(), options);
  ringlib::ReadResult result{ReadStatus::kEmpty, 0};
  std::thread waiting([&] {
    std::array<std::byte, 64> out{};
    result = reader.ReadFor(out, std::chrono::seconds(60));
  });
  // Nothing is written until the reader is seen asleep: a reader that never
  // slept would time out after 60 s and fail below.
  const bool slept = ringtest::WaitUntil([&] { return ringtest::Sleepers(ring.name()) == 1; },
                                         std::chrono::seconds(30));
  writer.Write(Payload(16, 3));
  waiting.join();
  EXPECT_TRUE(slept);
  EXPECT_EQ(result.status, ReadStatus::kMessage);
  EXPECT_EQ(result.size, 16u);
  EXPECT_EQ(ringtest::Sleepers(ring.name()), 0u);
}

TEST(SpinBeforeIdle, FutexReaderNeverSleepsWithinItsSpinBudget) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  ReaderOptions options = Reporting();
  options.idle = ringlib::IdleStrategy::kFutexSleep;
  options.spin_before_idle = std::chrono::hours(1);
  Reader reader(ring.name(), options);
  std::atomic<bool> done{false};
  ringlib::ReadResult result{ReadStatus::kEmpty, 0};
  std::thread waiting([&] {
    std::array<std::byte, 64> out{};
    result = reader.ReadFor(out, std::chrono::milliseconds(300));
    done.store(true);
  });
  // With the default budget (microseconds) the reader would be asleep for
  // almost all of these 300 ms.
  std::uint32_t looks = 0;
  const std::uint32_t most_sleepers =
      ringtest::MostSleepersWhile(ring.name(), [&] { return !done.load(); }, &looks);
  waiting.join();
  EXPECT_EQ(result.status, ReadStatus::kTimedOut);
  EXPECT_EQ(most_sleepers, 0u) << "over " << looks << " looks";
  EXPECT_GT(looks, 10u);
}

TEST(SpinBeforeIdle, NegativeBudgetIsRefusedNamingTheRing) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  ReaderOptions options = Reporting();
  options.spin_before_idle = std::chrono::nanoseconds(-1);
  try {
    Reader reader(ring.name(), options);
    FAIL() << "a negative spin_before_idle was accepted";
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(error.what()).find(ring.name()), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("spin_before_idle is -1 ns"), std::string::npos)
        << error.what();
  }
}

// ---- ReaderOptions::catch_up_backoff

using Clock = std::chrono::steady_clock;

ReaderOptions BackingOff(ringlib::IdleStrategy idle, std::chrono::nanoseconds backoff) {
  ReaderOptions options = Reporting();
  options.idle = idle;
  options.catch_up_backoff = backoff;
  return options;
}

// Reads two messages that were already there: the next wait is a catch-up.
void ReadTwoWithoutWaiting(Writer& writer, Reader& reader) {
  std::array<std::byte, 64> out{};
  const std::uint64_t waits = reader.waits();
  writer.Write(Payload(8, 1));
  writer.Write(Payload(8, 2));
  ASSERT_EQ(reader.Read(out), 8u);
  ASSERT_EQ(reader.Read(out), 8u);
  ASSERT_EQ(reader.waits(), waits);
}

// How long `call` (one Read() or ReadFor()) took, while a thread wrote
// `payload` once this reader was certainly waiting (WriteOnceWaiting: 20 ms
// into its spinning, or asleep); a reader without a backoff reads it then.
template <class Call>
Clock::duration TimedWithALateMessage(Writer& writer, const std::string& ring_name, ringlib::IdleStrategy idle,
                                      std::vector<std::byte> payload, Call&& call) {
  std::thread late_writer = WriteOnceWaiting(writer, std::move(payload), ring_name, idle);
  const auto start = Clock::now();
  call();
  const auto took = Clock::now() - start;
  late_writer.join();
  return took;
}

TEST(CatchUpBackoff, ReaderThatCaughtUpWithAStreamLooksAgainOnlyAfterTheBackoff) {
  for (auto idle : {ringlib::IdleStrategy::kFutexSleep, ringlib::IdleStrategy::kBusySpin}) {
    SCOPED_TRACE(static_cast<int>(idle));
    RingNameGuard ring;
    Writer writer(ring.name(), Capacity(kSmall));
    Reader reader(ring.name(), BackingOff(idle, std::chrono::milliseconds(300)));
    ReadTwoWithoutWaiting(writer, reader);
    std::array<std::byte, 64> out{};
    const auto took = TimedWithALateMessage(writer, ring.name(), idle, Payload(8, 3),
                                            [&] { EXPECT_EQ(reader.Read(out), 8u); });
    EXPECT_GE(took, std::chrono::milliseconds(300));
    EXPECT_EQ(out[0], Payload(8, 3)[0]);
    EXPECT_EQ(reader.waits(), 1u);
  }
}

// One message per wait (ping-pong, a paced stream): never a backoff. With
// one, each Read() would take 10 s.
TEST(CatchUpBackoff, ReaderOfOneMessagePerWaitNeverBacksOff) {
  constexpr auto kIdle = ringlib::IdleStrategy::kBusySpin;
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), BackingOff(kIdle, std::chrono::seconds(10)));
  std::array<std::byte, 64> out{};
  for (std::uint8_t k = 1; k <= 3; ++k) {
    const auto took = TimedWithALateMessage(writer, ring.name(), kIdle, Payload(8, k),
                                            [&] { EXPECT_EQ(reader.Read(out), 8u); });
    EXPECT_LT(took, std::chrono::seconds(5)) << "message " << int{k};
  }
  EXPECT_EQ(reader.waits(), 3u);
}

// ReadFor's timeout bounds the backoff, and a message written during the
// backoff is read, not reported as a timeout.
TEST(CatchUpBackoff, ReadForTimeoutBoundsTheBackoffAndAMessageWrittenDuringItIsRead) {
  constexpr auto kIdle = ringlib::IdleStrategy::kBusySpin;
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), BackingOff(kIdle, std::chrono::seconds(10)));
  ReadTwoWithoutWaiting(writer, reader);
  std::array<std::byte, 64> out{};
  auto took = TimedWithALateMessage(writer, ring.name(), kIdle, Payload(8, 3), [&] {
    EXPECT_EQ(reader.ReadFor(out, std::chrono::milliseconds(200)).status, ReadStatus::kMessage);
  });
  EXPECT_GE(took, std::chrono::milliseconds(200));
  EXPECT_LT(took, std::chrono::seconds(5));
  // Caught up again, and nothing comes: the backoff ends with the timeout.
  ReadTwoWithoutWaiting(writer, reader);
  const auto start = Clock::now();
  EXPECT_EQ(reader.ReadFor(out, std::chrono::milliseconds(50)).status, ReadStatus::kTimedOut);
  took = Clock::now() - start;
  EXPECT_GE(took, std::chrono::milliseconds(50));
  EXPECT_LT(took, std::chrono::seconds(5));
}

TEST(CatchUpBackoff, NegativeBackoffIsRefusedNamingTheRing) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  try {
    Reader reader(ring.name(), BackingOff(ReaderOptions{}.idle, std::chrono::nanoseconds(-5)));
    FAIL() << "a negative catch_up_backoff was accepted";
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kInvalidArgument);
    EXPECT_NE(std::string(error.what()).find(ring.name()), std::string::npos) << error.what();
    EXPECT_NE(std::string(error.what()).find("catch_up_backoff is -5 ns"), std::string::npos)
        << error.what();
  }
}

TEST(CircularBuffer, LastParticipantToLeaveUnlinksTheSegment) {
  RingNameGuard ring;
  {
    Writer writer(ring.name(), Capacity(kSmall));
    {
      Reader reader(ring.name(), Reporting());
      EXPECT_EQ(writer.shared_memory().ref_count(), 2u);
    }
    EXPECT_EQ(writer.shared_memory().ref_count(), 1u);
    EXPECT_TRUE(ringtest::SegmentExists(ring.name()));
  }
  EXPECT_FALSE(ringtest::SegmentExists(ring.name()));
}

TEST(CircularBuffer, ReaderRefusesASegmentWithAnotherLayoutVersionNamingBoth) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  writer.segment().header.layout_version = 7;
  try {
    Reader reader(ring.name(), Reporting());
    FAIL() << "attached despite a layout version mismatch";
  } catch (const ringlib::Error& error) {
    EXPECT_EQ(error.code(), ErrorCode::kLayoutMismatch);
    EXPECT_NE(std::string(error.what()).find("layout version is 7 in the segment, expected " +
                                           std::to_string(ringlib::layout::kLayoutVersion)),
              std::string::npos)
        << error.what();
  }
  writer.segment().header.layout_version = ringlib::layout::kLayoutVersion;
}

// The 8-byte word of the data area at stream position `position`.
std::byte* WordAt(Writer& writer, std::uint64_t position) {
  return reinterpret_cast<std::byte*>(&writer.segment()) + ringlib::layout::kDataOffset +
         (position & (writer.capacity_bytes() - 1));
}

std::uint64_t HeaderWordAt(Writer& writer, std::uint64_t position) {
  std::uint64_t word = 0;
  std::memcpy(&word, WordAt(writer, position), sizeof word);
  return word;
}

// Overwrites the word at `position` behind the writer's back (a corrupt segment).
void SetHeaderWord(Writer& writer, std::uint64_t position, std::uint64_t word) {
  std::memcpy(WordAt(writer, position), &word, sizeof word);
}

// Rewrites the length of the record header at `position`, keeping its type
// and generation: a header of this stream that no writer wrote.
void SetRecordLength(Writer& writer, std::uint64_t position, std::uint64_t length) {
  SetHeaderWord(writer, position, (HeaderWordAt(writer, position) & ~std::uint64_t{0xffffffff}) | length);
}

TEST(CircularBuffer, CorruptHeaderWithoutOverwriteIsReportedNotDelivered) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  writer.Write(Payload(16, 1));
  // Scribble a length larger than the ring's maximum into the record header.
  SetHeaderWord(writer, 0, 0x0000000100100000ULL);  // type 1, length 1 MiB
  std::array<std::byte, 64> out{};
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kCorrupt);
}

// A caught-up reader leaves the writer's commit line alone while the header
// word at its position reads "nothing yet", and loads it once per liveness
// interval: a header zeroed under a committed record (a corrupt segment) is
// then reported as corrupt within that interval, never delivered, and not
// waited on for ever.
TEST(CircularBuffer, ZeroedHeaderBelowCommitIsReportedCorruptWithinTheLivenessInterval) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting(std::chrono::milliseconds(10)));
  writer.Write(Payload(16, 1));
  SetHeaderWord(writer, 0, 0);
  std::array<std::byte, 64> out{};
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
  ringlib::ReadResult read{ReadStatus::kEmpty, 0};
  while (read.status == ReadStatus::kEmpty && std::chrono::steady_clock::now() < deadline) {
    read = reader.TryRead(out);
  }
  EXPECT_EQ(read.status, ReadStatus::kCorrupt);
}

// A caught-up reader that trusts a "nothing yet" word without loading
// commit must still notice when the writer has gone a ring past it: the
// word at its position can then be a later lap's payload that reads 0.
// The reserve check reports the lap at the first poll, not one liveness
// interval later (here 10 s, so only the reserve check can report it).
TEST(CircularBuffer, CaughtUpReaderLappedOntoAZeroWordReportsTheLapAtOnce) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting(std::chrono::seconds(10)));
  std::array<std::byte, 64> out{};
  writer.Write(Payload(8, 1));
  ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);
  ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);  // caught up at position 16
  // 64-byte zero payloads: the next lap starts with a record at offset 0,
  // so offset 16 then holds payload bytes, all 0.
  const std::vector<std::byte> zeros(64);
  while (writer.position() < kSmall + 2 * 72) writer.Write(zeros);
  ASSERT_EQ(HeaderWordAt(writer, 16), 0u);
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kLapped);
}

// After a small record the writer may have zeroed the next header word
// ahead of time instead of just before publishing (Writer::ZeroAhead).
// Either way a reader at the live end must find "nothing yet" there, not
// the last lap's bytes: here every word of the last lap looks like the
// header of an 8-byte message of this stream.
TEST(CircularBuffer, SmallRecordsLeaveNothingYetAfterThemOverHeaderLikeStaleBytes) {
  for (const std::uint64_t reserve_ahead : {std::uint64_t{0}, WriterOptions::kAutoReserveAhead}) {
    SCOPED_TRACE("reserve_ahead_bytes " + std::to_string(reserve_ahead));
    RingNameGuard ring;
    Writer writer(ring.name(), Capacity(kSmall, reserve_ahead));
    const std::uint64_t fake_header = 8 | (ringlib::layout::KindsOf(writer.generation()).data << 32);
    std::vector<std::byte> stale(64);
    for (std::size_t at = 0; at < stale.size(); at += 8) std::memcpy(stale.data() + at, &fake_header, 8);
    for (std::uint64_t i = 0; i < 2 * kSmall / 72 + 1; ++i) writer.Write(stale);
    Reader reader(ring.name(), Reporting());
    std::array<std::byte, 64> out{};
    // Three laps of 8-, 16- and 24-byte payloads (16-, 24- and 32-byte
    // records), so the next header word falls at every offset of a line.
    for (int i = 0; i < static_cast<int>(3 * kSmall / 16); ++i) {
      const std::size_t size = 8 + 8 * static_cast<std::size_t>(i % 3);
      const auto payload = Payload(size, static_cast<std::uint8_t>(i));
      writer.Write(payload);
      const ringlib::ReadResult read = reader.TryRead(out);
      ASSERT_EQ(read.status, ReadStatus::kMessage) << "message " << i;
      ASSERT_EQ(read.size, size) << "message " << i;
      ASSERT_TRUE(std::equal(payload.begin(), payload.end(), out.begin())) << "message " << i;
      ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty)
          << "the word after message " << i << " was taken for a record";
    }
  }
}

// Zeroing ahead stops at the published reserve, also where that is not at
// a line boundary (a short reserve_ahead_bytes): beyond it lie the last
// lap's bytes, which a reader almost a ring behind, not lapped, still reads.
TEST(CircularBuffer, ZeroingAheadLeavesTheBytesPastTheReserveToAReaderAlmostARingBehind) {
  for (const std::uint64_t reserve_ahead : {24u, 40u, 72u, 100u}) {
    SCOPED_TRACE("reserve_ahead_bytes " + std::to_string(reserve_ahead));
    RingNameGuard ring;
    Writer writer(ring.name(), Capacity(kSmall, reserve_ahead));
    Reader reader(ring.name(), Reporting());
    // 8-, 16- and 24-byte payloads (16- to 32-byte records: zeroed ahead),
    // each stamped with its index.
    const auto message = [](std::uint32_t i) {
      auto payload = Payload(8 + 8 * (i % 3), static_cast<std::uint8_t>(i));
      std::memcpy(payload.data(), &i, sizeof i);
      return payload;
    };
    std::array<std::byte, 64> out{};
    std::uint32_t next_read = 0;
    const auto read_one = [&] {
      const ringlib::ReadResult read = reader.TryRead(out);
      ASSERT_EQ(read.status, ReadStatus::kMessage) << "message " << next_read;
      const auto expected = message(next_read);
      ASSERT_EQ(read.size, expected.size()) << "message " << next_read;
      ASSERT_TRUE(std::equal(expected.begin(), expected.end(), out.begin())) << "message " << next_read;
      ++next_read;
    };
    // A write moves the reserve by at most its record (<= 32 bytes), the
    // padding to the end of the ring before it (< 32 bytes) and
    // reserve_ahead: reading only while that could lap the reader keeps it
    // about as far behind as it can be without being lapped.
    std::uint64_t closest = 0;  // the largest reserve - position after a write
    for (std::uint32_t i = 0; i < 4 * kSmall / 16; ++i) {
      while (writer.reserve_position() - reader.position() + 64 + reserve_ahead > kSmall) {
        read_one();
        if (HasFatalFailure()) return;
      }
      writer.Write(message(i));
      closest = std::max(closest, writer.reserve_position() - reader.position());
    }
    // The reader came within a line of being lapped, where bytes zeroed past
    // the reserve would be its unread records.
    ASSERT_GT(closest, kSmall - 56);
    ASSERT_LE(closest, kSmall);
    while (next_read < 4 * kSmall / 16) {
      read_one();
      if (HasFatalFailure()) return;
    }
    EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
    EXPECT_EQ(reader.laps(), 0u);
  }
}

// Writer::PrepareNext zeroes the lines of the next record ahead of time. A
// reader at the live end must still find "nothing yet" there, and the next
// messages, of any size (smaller, larger or far larger than the one
// prepared for, across the end of the ring), must arrive intact. Every word
// of the last laps looks like the header of an 8-byte message of this
// stream, so a word left unzeroed where a header is expected shows.
TEST(PrepareNext, LeavesNothingYetAndTheNextMessagesOfAnySizeIntact) {
  for (const std::uint64_t reserve_ahead : {std::uint64_t{0}, std::uint64_t{40}, WriterOptions::kAutoReserveAhead}) {
    SCOPED_TRACE("reserve_ahead_bytes " + std::to_string(reserve_ahead));
    RingNameGuard ring;
    Writer writer(ring.name(), Capacity(kSmall, reserve_ahead));
    const std::uint64_t fake_header = 8 | (ringlib::layout::KindsOf(writer.generation()).data << 32);
    std::vector<std::byte> stale(1000);
    for (std::size_t at = 0; at < stale.size(); at += 8) std::memcpy(stale.data() + at, &fake_header, 8);
    for (std::uint64_t i = 0; i < 3 * kSmall / 1008 + 1; ++i) writer.Write(stale);
    Reader reader(ring.name(), Reporting());
    std::vector<std::byte> out(kSmall);
    constexpr std::array<std::size_t, 9> kSizes{0, 1, 8, 24, 40, 64, 100, 700, 2040};
    for (std::uint32_t i = 0; i < 400; ++i) {
      const std::size_t size = kSizes[i % kSizes.size()];
      // Prepared for the next size, a smaller, a larger, more than the
      // ring's limit (clamped to it), or twice.
      const std::size_t prepared = i % 5 == 0   ? 0
                                   : i % 5 == 1 ? size / 2
                                   : i % 5 == 2 ? size + 300
                                   : i % 5 == 3 ? 1u << 16
                                                : size;
      writer.PrepareNext(prepared);
      if (i % 5 == 4) writer.PrepareNext(prepared);
      ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty)
          << "a word zeroed ahead of message " << i << " was taken for a record";
      const auto payload = Payload(size, static_cast<std::uint8_t>(i));
      writer.Write(payload);
      ASSERT_TRUE(ReadsExactly(reader, out, payload)) << "message " << i;
      ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty) << "after message " << i;
    }
    EXPECT_EQ(reader.laps(), 0u);
  }
}

// The bytes PrepareNext zeroes lie after the writer's position: records
// written but not yet read, by a reader up to a quarter of a ring behind
// before each write, are never touched, and that reader is not lapped.
TEST(PrepareNext, NeverTouchesRecordsAReaderBehindHasNotRead) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall, 64));
  Reader reader(ring.name(), Reporting());
  std::vector<std::byte> out(kSmall);
  const auto message = [](std::uint32_t i) { return Payload(8 + (i * 37) % 600, static_cast<std::uint8_t>(i)); };
  std::uint32_t next_read = 0;
  const auto read_one = [&] {
    ASSERT_TRUE(ReadsExactly(reader, out, message(next_read))) << "message " << next_read;
    ++next_read;
  };
  constexpr std::uint32_t kMessages = 2000;  // about 80 laps
  for (std::uint32_t i = 0; i < kMessages; ++i) {
    while (writer.position() - reader.position() > kSmall / 4) {
      read_one();
      if (HasFatalFailure()) return;
    }
    writer.Write(message(i));
    writer.PrepareNext(1000);
  }
  while (next_read < kMessages) {
    read_one();
    if (HasFatalFailure()) return;
  }
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
  EXPECT_EQ(reader.laps(), 0u);
}

// A read-only view of a ring's data area, as the segment holds it.
class DataView {
 public:
  DataView(const std::string& segment_name, std::uint64_t capacity) : capacity_(capacity) {
    const int fd = ::shm_open(("/" + segment_name).c_str(), O_RDONLY | O_CLOEXEC, 0);
    if (fd < 0) throw std::runtime_error(segment_name + ": shm_open failed");
    bytes_ = ringlib::layout::kDataOffset + capacity;
    void* mapped = ::mmap(nullptr, bytes_, PROT_READ, MAP_SHARED, fd, 0);
    ::close(fd);
    if (mapped == MAP_FAILED) throw std::runtime_error(segment_name + ": mmap failed");
    base_ = static_cast<const unsigned char*>(mapped);
  }
  ~DataView() { ::munmap(const_cast<unsigned char*>(base_), bytes_); }
  DataView(const DataView&) = delete;
  DataView& operator=(const DataView&) = delete;
  // The byte at stream position `position`.
  [[nodiscard]] unsigned char At(std::uint64_t position) const {
    return base_[ringlib::layout::kDataOffset + (position & (capacity_ - 1))];
  }

 private:
  std::uint64_t capacity_;
  std::size_t bytes_ = 0;
  const unsigned char* base_ = nullptr;
};

// PrepareNext does its work: after it, the next record's bytes (for the
// size it was given) and the header word after them are zero, where the
// ring held a lap-old message's bytes before. A PrepareNext that did
// nothing passes every other test (the next Write zeroes what it needs).
TEST(PrepareNext, ZeroesTheNextRecordAndTheWordAfterIt) {
  RingNameGuard ring;
  constexpr std::uint64_t kReserveAhead = kSmall / 4;
  Writer writer(ring.name(), Capacity(kSmall, kReserveAhead));
  const std::vector<std::byte> stale(1000, std::byte{0xff});
  for (int i = 0; i < 3 * static_cast<int>(kSmall) / 1000; ++i) writer.Write(stale);
  // Small messages until the reserve was just published ahead: PrepareNext
  // zeroes only what the published reserve covers.
  constexpr std::size_t kNext = 600;
  const std::uint64_t covered = ringlib::layout::AlignedRecordBytes(kNext) + ringlib::layout::kRecordHeaderBytes;
  const std::vector<std::byte> small(8, std::byte{0xff});
  for (int i = 0;; ++i) {
    ASSERT_LT(i, 1000) << "the reserve was never published " << covered << " bytes ahead";
    writer.Write(small);
    const auto snapshot = ringlib::InspectRing(ring.name());
    ASSERT_TRUE(snapshot.has_value());
    if (snapshot->reserve_position >= writer.position() + covered) break;
  }
  const DataView data(writer.segment_name(), kSmall);
  const std::uint64_t from = writer.position() + ringlib::layout::kRecordHeaderBytes;
  const std::uint64_t to = writer.position() + covered;
  std::uint64_t stale_bytes = 0;
  for (std::uint64_t at = from; at < to; ++at) stale_bytes += data.At(at) != 0 ? 1u : 0u;
  ASSERT_GT(stale_bytes, 0u) << "nothing there for PrepareNext to zero: the test shows nothing";
  writer.PrepareNext(kNext);
  for (std::uint64_t at = from; at < to; ++at) {
    ASSERT_EQ(data.At(at), 0) << "byte " << at - writer.position() << " past the writer's position (of "
                              << stale_bytes << " stale before PrepareNext)";
  }
}

// A request/response loop calls PrepareNext while its peer reads the
// message just written. With messages of up to the ring's limit (half the
// ring), the next record and the header word after it reach that message's
// first line: PrepareNext must leave it, and the reader, alone (it once
// moved the reserve over them, and the reader was reported lapped before
// any Write had overwritten a byte it had not read). Every reserve-ahead
// setting, every size from a quarter of the ring to the limit.
TEST(PrepareNext, NeverLapsAReaderStillReadingTheLastMessage) {
  for (const std::uint64_t reserve_ahead : {std::uint64_t{0}, std::uint64_t{40}, WriterOptions::kAutoReserveAhead}) {
    SCOPED_TRACE("reserve_ahead_bytes " + std::to_string(reserve_ahead));
    RingNameGuard ring;
    Writer writer(ring.name(), Capacity(kSmall, reserve_ahead));
    Reader reader(ring.name(), Reporting());
    std::vector<std::byte> out(kSmall);
    const std::size_t limit = writer.max_message_bytes();
    for (std::uint32_t i = 0; i < 200; ++i) {
      const std::size_t size = i % 2 == 0 ? limit : kSmall / 4 + (i * 97) % (limit - kSmall / 4);
      const auto payload = Payload(size, static_cast<std::uint8_t>(i));
      writer.Write(payload);
      writer.PrepareNext(limit);
      ASSERT_TRUE(ReadsExactly(reader, out, payload)) << "message " << i << " of " << size << " bytes";
    }
    EXPECT_EQ(reader.laps(), 0u);
  }
}

// Between Claim() and Commit() the claimed record is the next one: PrepareNext
// leaves it alone.
TEST(PrepareNext, DoesNothingBetweenClaimAndCommit) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  std::vector<std::byte> out(kSmall);
  for (std::uint32_t i = 0; i < 20; ++i) {
    const auto payload = Payload(300, static_cast<std::uint8_t>(i + 1));
    const auto claimed = writer.Claim(payload.size());
    std::copy(payload.begin(), payload.end(), claimed.begin());
    writer.PrepareNext(300);
    writer.Commit();
    ASSERT_TRUE(ReadsExactly(reader, out, payload)) << "message " << i;
    writer.PrepareNext(300);  // after Commit: prepares the next one
  }
}

// A header of this stream whose record would fit in the ring but whose
// length is above the ring's message limit: no writer writes it.
TEST(CircularBuffer, HeaderAboveTheMessageLimitIsCorruptEvenIfItFitsInTheRing) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  writer.Write(Payload(16, 1));
  const std::uint64_t length = 2100;  // above max_message_bytes (2040); 2108 bytes fit in 4096
  ASSERT_GT(length, writer.max_message_bytes());
  SetRecordLength(writer, 0, length);
  std::vector<std::byte> out(kSmall);
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kCorrupt);
  EXPECT_EQ(reader.position(), 0u);
}

// A header of this stream with a length below the message limit, but whose
// record would run past the end of the data area: Read's inline fast path
// must not copy it (it would read past the mapping), and the full check
// reports it as corrupt.
TEST(CircularBuffer, HeaderWhoseRecordWouldRunPastTheRingsEndIsCorruptNotDelivered) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  std::vector<std::byte> out(writer.max_message_bytes());
  for (int i = 0; i < 3; ++i) {
    writer.Write(Payload(1000, static_cast<std::uint8_t>(i)));
    ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);
  }
  const std::uint64_t at = reader.position();  // 3 x 1008 = 3024
  writer.Write(Payload(16, 9));
  const std::uint64_t length = 1500;  // below max_message_bytes (2040); 3024 + 1508 > 4096
  ASSERT_LT(length, writer.max_message_bytes());
  ASSERT_GT(at + ringlib::layout::AlignedRecordBytes(length), kSmall);
  SetRecordLength(writer, at, length);
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kCorrupt);
  EXPECT_EQ(reader.position(), at);
}

// Readers poll the header word at their position, not the commit word
// (docs/design.md, "Ordering protocol"). The tests below pin what makes that
// safe: the word after the last record reads "nothing yet", also after a
// wrap, so a caught-up reader never takes last lap's record for a new one;
// commit may trail a reader; a writer taking over continues after every
// record its predecessor published.

TEST(HeaderPolling, ReaderAtTheLiveEndNeverTakesLastLapsRecordForANewOne) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  // 120-byte payloads make 128-byte records, 32 a lap: every lap leaves a
  // whole record of this stream at each offset the next lap will use.
  for (std::uint8_t i = 0; i < 3 * 32 + 5; ++i) writer.Write(Payload(120, i));
  Reader reader(ring.name(), Reporting());
  EXPECT_EQ(HeaderWordAt(writer, reader.position()), 0u) << "the word at the live end";
  std::vector<std::byte> out(kSmall);
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
  const auto next = Payload(120, 200);
  writer.Write(next);
  EXPECT_TRUE(ReadsExactly(reader, out, next));
}

TEST(HeaderPolling, ReaderThatSkipsPaddingFindsNothingYetAtTheStartOfTheRing) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  std::vector<std::byte> out(kSmall);
  // Four 1008-byte records fill 4032 bytes of the first lap.
  for (std::uint8_t i = 0; i < 4; ++i) {
    writer.Write(Payload(1000, i));
    ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);
  }
  // The fifth does not fit before the end: Claim() publishes a padding
  // record to the end; the record itself is invisible until Commit().
  const auto fifth = Payload(1000, 5);
  const std::span<std::byte> claimed = writer.Claim(fifth.size());
  std::copy(fifth.begin(), fifth.end(), claimed.begin());
  // The reader skips the padding and finds "nothing yet" at offset 0, where
  // the first lap's first record still lies.
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
  EXPECT_EQ(reader.position(), kSmall);
  writer.Commit();
  EXPECT_TRUE(ReadsExactly(reader, out, fifth));
}

TEST(HeaderPolling, ReaderFollowsARecordPublishedByItsHeaderBeforeTheCommitStore) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  const auto first = Payload(40, 1);
  writer.Write(first);
  // Test hook: commit back at 0, as for a writer between publishing the
  // record by its header word [H1] and storing commit [C1].
  writer.segment().commit.value.store(0, std::memory_order_release);
  std::array<std::byte, 64> out{};
  ASSERT_TRUE(ReadsExactly(reader, out, first));
  // Commit trailing the reader means nothing new: not a lap, not corruption.
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
  EXPECT_EQ(reader.laps(), 0u);
  writer.segment().commit.value.store(writer.position(), std::memory_order_release);
  const auto second = Payload(40, 2);
  writer.Write(second);
  EXPECT_TRUE(ReadsExactly(reader, out, second));
}

TEST(HeaderPolling, TakeoverContinuesAfterTheRecordsItsPredecessorPublished) {
  RingNameGuard ring;
  std::array<std::byte, 64> out{};
  auto writer = std::make_unique<Writer>(ring.name(), Capacity(kSmall));
  Reader reader(ring.name(), Reporting());
  writer->Write(Payload(8, 1));   // 16 bytes at 0
  writer->Write(Payload(24, 2));  // 32 bytes at 16
  // Test hook: as if the writer stopped between publishing its second
  // record and storing commit.
  writer->segment().commit.value.store(16, std::memory_order_release);
  ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);
  ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);  // found by its header
  ASSERT_EQ(reader.position(), 48u);
  writer.reset();
  Writer second(ring.name(), Capacity(kSmall));
  ASSERT_TRUE(second.took_over());
  // Not at the old commit (16): the reader already read up to 48, and a
  // stream starting at 16 would have put this reader inside a record.
  EXPECT_EQ(second.position(), 48u);
  EXPECT_EQ(second.commit_position(), 48u);
  second.Write(Payload(8, 3));
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kWriterRestarted);
  // A reader attaching now belongs to the new stream.
  Reader late(ring.name(), Reporting());
  const auto fourth = Payload(8, 4);
  second.Write(fourth);
  EXPECT_TRUE(ReadsExactly(late, out, fourth));
}

}  // namespace

namespace {

TEST(ReaderSlots, RegisteredReaderPublishesPidPositionAndLaps) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  ReaderOptions options = Reporting();
  options.register_slot = true;
  std::vector<std::byte> out(kSmall);
  {
    Reader reader(ring.name(), options);
    ASSERT_GE(reader.slot_index(), 0);
    auto& slot = writer.segment().slots[reader.slot_index()];
    EXPECT_EQ(slot.pid.load(), ::getpid());
    EXPECT_EQ(slot.flags.load() & ringlib::CircularBuffer::kSlotInUse, ringlib::CircularBuffer::kSlotInUse);
    writer.Write(Payload(100, 1));
    ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);
    EXPECT_EQ(slot.position.load(), reader.position());
    for (std::uint8_t i = 0; i < 20; ++i) writer.Write(Payload(500, i));
    EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kLapped);
    EXPECT_EQ(slot.lapped_count.load(), 1u);
    EXPECT_NE(slot.flags.load() & ringlib::CircularBuffer::kSlotLapped, 0u);
  }
  for (const auto& slot : writer.segment().slots) EXPECT_EQ(slot.flags.load(), 0u);
}

// A tethered writer polls the slots while it waits for room, so a reader
// stores its position there every capacity / 64 bytes and whenever it finds
// the ring empty, not per message.
TEST(ReaderSlots, SlotPositionFollowsEveryCapacityOver64BytesAndExactlyWhenEmpty) {
  RingNameGuard ring;
  constexpr std::uint64_t kCapacity = std::uint64_t{1} << 20;
  constexpr std::uint64_t kInterval = kCapacity / 64;  // 16 KiB
  Writer writer(ring.name(), Capacity(kCapacity));
  ReaderOptions options = Reporting();
  options.register_slot = true;
  Reader reader(ring.name(), options);
  ASSERT_GE(reader.slot_index(), 0);
  const auto& slot = writer.segment().slots[reader.slot_index()];
  const std::uint64_t start = reader.position();
  ASSERT_EQ(slot.position.load(), start);
  for (std::uint8_t i = 0; i < 100; ++i) writer.Write(Payload(24, i));  // 32-byte records
  std::vector<std::byte> out(64);
  for (int i = 0; i < 99; ++i) ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);
  // 3,168 bytes read: below the interval, the slot still shows the start.
  EXPECT_EQ(slot.position.load(), start);
  for (int i = 0; i < 1000; ++i) writer.Write(Payload(24, static_cast<std::uint8_t>(i)));
  for (int i = 0; i < 600; ++i) ASSERT_EQ(reader.TryRead(out).status, ReadStatus::kMessage);
  // Past the interval: published, at most one interval behind.
  EXPECT_GT(slot.position.load(), start);
  EXPECT_LE(slot.position.load(), reader.position());
  EXPECT_LT(reader.position() - slot.position.load(), kInterval);
  while (reader.TryRead(out).status == ReadStatus::kMessage) {
  }
  EXPECT_EQ(reader.messages_read(), 1100u);
  // Found the ring empty: the exact position.
  EXPECT_EQ(slot.position.load(), reader.position());
}

TEST(ReaderSlots, TwoRegisteredReadersGetDifferentSlots) {
  RingNameGuard ring;
  Writer writer(ring.name(), Capacity(kSmall));
  ReaderOptions options = Reporting();
  options.register_slot = true;
  Reader first(ring.name(), options);
  Reader second(ring.name(), options);
  EXPECT_NE(first.slot_index(), second.slot_index());
}

TEST(Tethered, SlowTetheredReaderLosesNothingBecauseTheWriterWaits) {
  RingNameGuard ring;
  WriterOptions writer_options = Capacity(kSmall, 256);
  writer_options.tethered = true;
  Writer writer(ring.name(), writer_options);
  ReaderOptions options = Reporting();
  options.tethered = true;
  Reader reader(ring.name(), options);
  constexpr int kMessages = 5000;  // about 3 MB through a 4 KiB ring
  std::thread consumer([&] {
    std::vector<std::byte> out(kSmall);
    for (int i = 0; i < kMessages; ++i) {
      const auto result = reader.ReadFor(out, std::chrono::seconds(30));
      ASSERT_EQ(result.status, ReadStatus::kMessage) << "message " << i;
      const auto expected = Payload(600, static_cast<std::uint8_t>(i));
      ASSERT_TRUE(std::equal(expected.begin(), expected.end(), out.begin())) << "message " << i;
      if (i % 500 == 0) std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
  });
  for (int i = 0; i < kMessages; ++i) writer.Write(Payload(600, static_cast<std::uint8_t>(i)));
  consumer.join();
  EXPECT_EQ(reader.laps(), 0u);
  EXPECT_EQ(reader.messages_read(), static_cast<std::uint64_t>(kMessages));
}

// In tethered mode PrepareNext never waits: with a tethered reader that has
// read nothing and a ring almost full, it returns, the reserve stays within
// a ring of that reader, and every message arrives intact. (A PrepareNext
// that waited for room would hang here; ctest's timeout is the failure.)
TEST(Tethered, PrepareNextNeitherWaitsNorOverwritesWhatATetheredReaderHasNotRead) {
  RingNameGuard ring;
  WriterOptions writer_options = Capacity(kSmall, 256);
  writer_options.tethered = true;
  Writer writer(ring.name(), writer_options);
  ReaderOptions options = Reporting();
  options.tethered = true;
  Reader reader(ring.name(), options);
  std::uint32_t written = 0;
  // 64-byte messages (72-byte records) until the next would not fit.
  while (writer.position() + 2 * 72 + 8 <= kSmall) {
    writer.Write(Payload(64, static_cast<std::uint8_t>(written++)));
    writer.PrepareNext(2040);
    ASSERT_LE(writer.reserve_position(), reader.position() + kSmall) << "after message " << written;
  }
  ASSERT_GT(writer.position(), kSmall - 300);
  std::vector<std::byte> out(kSmall);
  for (std::uint32_t i = 0; i < written; ++i) {
    ASSERT_TRUE(ReadsExactly(reader, out, Payload(64, static_cast<std::uint8_t>(i)))) << "message " << i;
  }
  EXPECT_EQ(reader.TryRead(out).status, ReadStatus::kEmpty);
  EXPECT_EQ(reader.laps(), 0u);
}

TEST(Tethered, WriterStopsWaitingForATetheredReaderThatDied) {
  RingNameGuard ring;
  WriterOptions writer_options = Capacity(kSmall, 0);
  writer_options.tethered = true;
  Writer writer(ring.name(), writer_options);
  const pid_t child = ::fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    ReaderOptions options = Reporting();
    options.tethered = true;
    Reader reader(ring.name(), options);
    ::kill(::getpid(), SIGKILL);  // dies registered, position never advancing
  }
  int status = 0;
  ASSERT_EQ(::waitpid(child, &status, 0), child);
  // 100 KB through a 4 KiB ring: would block forever on the dead reader
  // (ctest's timeout is the failure mode) if its slot were still honoured.
  for (int i = 0; i < 200; ++i) writer.Write(Payload(500, static_cast<std::uint8_t>(i)));
  EXPECT_EQ(writer.messages_written(), 200u);
  for (const auto& slot : writer.segment().slots) {
    EXPECT_EQ(slot.flags.load() & ringlib::CircularBuffer::kSlotTethered, 0u) << "dead slot kept";
  }
}

// A spinning reader's polls come kPollSpacing apart: enough PAUSEs for the
// spacing, rounded up, never none, and bounded where a PAUSE is too short
// (or the clock too coarse) to time.
TEST(PollSpacing, PausesMakeTheSpacingRoundedUpAtLeastOneAtMostTheBound) {
  using ringlib::CircularBuffer::detail::kMaxPausesPerPoll;
  using ringlib::CircularBuffer::detail::PausesForSpacing;
  EXPECT_EQ(PausesForSpacing(11.0, 20.0), 2u);   // this VM's PAUSE
  EXPECT_EQ(PausesForSpacing(10.0, 20.0), 2u);   // exactly two
  EXPECT_EQ(PausesForSpacing(6.0, 20.0), 4u);    // 3.33 rounds up
  EXPECT_EQ(PausesForSpacing(40.0, 20.0), 1u);   // a Skylake server's PAUSE: one
  EXPECT_EQ(PausesForSpacing(20.0, 20.0), 1u);
  EXPECT_EQ(PausesForSpacing(1.0, 20.0), kMaxPausesPerPoll);
  EXPECT_EQ(PausesForSpacing(0.0, 20.0), kMaxPausesPerPoll);
  EXPECT_EQ(PausesForSpacing(-3.0, 20.0), kMaxPausesPerPoll);
  // The spacing in use makes two on the Xeon VM of docs/benchmarks.md, at both
  // PAUSE durations seen there, and one on a Skylake server and on the EPYC VM.
  using ringlib::CircularBuffer::detail::kPollSpacing;
  const auto spacing = static_cast<double>(kPollSpacing.count());
  EXPECT_EQ(PausesForSpacing(9.61, spacing), 2u);
  EXPECT_EQ(PausesForSpacing(11.0, spacing), 2u);
  EXPECT_EQ(PausesForSpacing(40.0, spacing), 1u);
  EXPECT_EQ(PausesForSpacing(24.0, spacing), 1u);  // the EPYC VM's PAUSE
}

TEST(PollSpacing, ThisProcessCountIsWithinTheBoundsAndTheSameOnEveryCall) {
  using ringlib::CircularBuffer::detail::kMaxPausesPerPoll;
  using ringlib::CircularBuffer::detail::PausesPerPoll;
  const std::uint32_t pauses = PausesPerPoll();
  EXPECT_GE(pauses, 1u);
  EXPECT_LE(pauses, kMaxPausesPerPoll);
  EXPECT_EQ(PausesPerPoll(), pauses) << "changed between calls";
}

}  // namespace
