// A passive, read-only look at a ring's segment: no participant lock, no
// reference count, nothing written. For progress displays and operators
// (ringctl). Cold path.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace ringlib {

struct ReaderSlotSnapshot {
  std::uint32_t index = 0;
  std::int32_t pid = 0;
  std::uint32_t flags = 0;
  std::uint64_t position = 0;
  std::uint64_t lapped_count = 0;
  bool alive = false;  // its slot lock is held (the kernel's word)
};

struct RingSnapshot {
  std::string ring_name;
  std::string segment_name;
  std::uint64_t segment_bytes = 0;
  bool initialized = false;
  std::uint32_t layout_version = 0;
  std::uint64_t capacity_bytes = 0;
  std::uint32_t max_message_bytes = 0;
  std::uint64_t generation = 0;
  std::int32_t creator_pid = 0;
  std::uint64_t reference_count = 0;
  std::uint64_t reserve_position = 0;
  std::uint64_t commit_position = 0;
  std::uint32_t sleepers = 0;
  std::int32_t writer_pid = 0;
  bool writer_alive = false;  // the writer lock is held
  bool writer_closed = false;
  bool any_participant = false;  // some process holds the participant lock
  std::vector<ReaderSlotSnapshot> readers;  // registered slots in use
  std::string problem;  // set when the segment is not a valid ring (the fields may be partial)
};

// nullopt when the ring does not exist (or cannot be opened; *error says why).
std::optional<RingSnapshot> InspectRing(const std::string& ring_name, std::string* error = nullptr);

// Ring names of every segment under /dev/shm with the ringlib. prefix.
std::vector<std::string> ListRings();

}  // namespace ringlib
