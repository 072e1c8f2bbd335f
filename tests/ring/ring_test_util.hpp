// Helpers for ring tests: unique segment names that are removed however the
// test ends, and messages derived from their sequence number so every
// delivered byte can be checked.
#pragma once

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <string>
#include <thread>
#include <vector>

#include "ringlib/circular_buffer.hpp"
#include "ringlib/inspect.hpp"

namespace ringtest {

// "t<pid>_<counter>_<test name>": unique per process and test, so parallel
// ctest runs and repeated runs never share a segment.
inline std::string UniqueRingName(std::string_view tag = {}) {
  static std::atomic<int> counter{0};
  const auto* info = ::testing::UnitTest::GetInstance()->current_test_info();
  // Appends rather than operator+ chains: GCC 12 at -O3 reports a false
  // -Wrestrict on inlined string concatenation (GCC bug 105329).
  std::string name = "t";
  name.append(std::to_string(::getpid())).append("_").append(std::to_string(counter++));
  if (info != nullptr) name.append("_").append(info->name());
  if (!tag.empty()) name.append("_").append(tag);
  for (char& c : name) {
    if (c == '/') c = '.';
  }
  return name.substr(0, 180);
}

// Removes the ring's segment when the scope ends, also when an assertion
// fails or an exception escapes.
class RingNameGuard {
 public:
  explicit RingNameGuard(std::string_view tag = {}) : name_(UniqueRingName(tag)) {
    ringlib::CircularBuffer::IWrapper::Remove(name_);
  }
  ~RingNameGuard() { ringlib::CircularBuffer::IWrapper::Remove(name_); }
  RingNameGuard(const RingNameGuard&) = delete;
  RingNameGuard& operator=(const RingNameGuard&) = delete;
  [[nodiscard]] const std::string& name() const { return name_; }

 private:
  std::string name_;
};

inline bool SegmentExists(const std::string& ring_name) {
  return ringlib::CircularBuffer::IWrapper::Exists(ring_name);
}

// Polls `condition` every millisecond until it holds or `timeout` passes;
// whether it held.
template <class Condition>
bool WaitUntil(Condition condition, std::chrono::milliseconds timeout) {
  const auto give_up = std::chrono::steady_clock::now() + timeout;
  while (!condition()) {
    if (std::chrono::steady_clock::now() >= give_up) return condition();
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  return true;
}

// Readers inside (or about to enter) a futex wait on the ring, as an
// operator sees them (ringctl); 0 if the ring is gone.
inline std::uint32_t Sleepers(const std::string& ring_name) {
  const auto snapshot = ringlib::InspectRing(ring_name);
  return snapshot ? snapshot->sleepers : 0;
}

// The most sleepers seen on the ring, looking every millisecond while
// `keep_looking()` holds; `looks` (if given) gets the number of looks.
template <class KeepLooking>
std::uint32_t MostSleepersWhile(const std::string& ring_name, KeepLooking keep_looking,
                                std::uint32_t* looks = nullptr) {
  std::uint32_t most = 0;
  std::uint32_t count = 0;
  while (keep_looking()) {
    most = std::max(most, Sleepers(ring_name));
    ++count;
    std::this_thread::sleep_for(std::chrono::milliseconds(1));
  }
  if (looks != nullptr) *looks = count;
  return most;
}

// splitmix64: a fixed, portable function of the sequence number.
constexpr std::uint64_t Mix(std::uint64_t x) noexcept {
  x += 0x9e3779b97f4a7c15ULL;
  x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ULL;
  x = (x ^ (x >> 27)) * 0x94d049bb133111ebULL;
  return x ^ (x >> 31);
}

// Message `sequence`: its length is a function of the sequence number in
// [min_bytes, max_bytes] (min_bytes >= 16); bytes 0-7 hold the sequence
// number, the last 8 bytes a hash of (sequence, length), and every byte in
// between is derived from the sequence number.
inline std::size_t PatternLength(std::uint64_t sequence, std::size_t min_bytes,
                                 std::size_t max_bytes) {
  return min_bytes + static_cast<std::size_t>(Mix(sequence) % (max_bytes - min_bytes + 1));
}

inline void FillPattern(std::uint64_t sequence, std::span<std::byte> out) {
  const std::uint64_t seed = Mix(sequence ^ 0xabcdefULL);
  std::memcpy(out.data(), &sequence, 8);
  for (std::size_t i = 8; i < out.size() - 8; ++i) {
    out[i] = static_cast<std::byte>((seed >> ((i % 8) * 8)) + i);
  }
  const std::uint64_t trailer = Mix(sequence * 31 + out.size());
  std::memcpy(out.data() + out.size() - 8, &trailer, 8);
}

// True when `message` is exactly what FillPattern writes for its sequence.
inline bool CheckPattern(std::span<const std::byte> message, std::uint64_t* sequence_out,
                         std::size_t min_bytes, std::size_t max_bytes) {
  if (message.size() < 16) return false;
  std::uint64_t sequence = 0;
  std::memcpy(&sequence, message.data(), 8);
  if (message.size() != PatternLength(sequence, min_bytes, max_bytes)) return false;
  std::vector<std::byte> expected(message.size());
  FillPattern(sequence, expected);
  if (std::memcmp(expected.data(), message.data(), message.size()) != 0) return false;
  *sequence_out = sequence;
  return true;
}

inline std::vector<std::byte> Bytes(std::string_view text) {
  std::vector<std::byte> out(text.size());
  std::memcpy(out.data(), text.data(), text.size());
  return out;
}

}  // namespace ringtest
