// Explicit byte-order loads and stores of wire bytes, for every format the
// project reads or writes (envelope, own recording format, ITCH, IEX, pcap):
// memcpy to or from an integer, swapped if the host order differs. No
// unaligned casts, no aliasing UB; compilers turn each into one move (+ bswap).
// (A byte-at-a-time shift loop is not merged by GCC 12: it cost ~100
// instructions per envelope on the replay path.)
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

namespace feed {
namespace wire {

template <class T>
constexpr T ByteSwap(T value) noexcept {
  static_assert(sizeof(T) == 1 || sizeof(T) == 2 || sizeof(T) == 4 || sizeof(T) == 8);
  if constexpr (sizeof(T) == 1) {
    return value;
  } else if constexpr (sizeof(T) == 2) {
    return static_cast<T>(__builtin_bswap16(static_cast<std::uint16_t>(value)));
  } else if constexpr (sizeof(T) == 4) {
    return static_cast<T>(__builtin_bswap32(static_cast<std::uint32_t>(value)));
  } else {
    return static_cast<T>(__builtin_bswap64(static_cast<std::uint64_t>(value)));
  }
}

// T from sizeof(T) bytes in byte order `Order`.
template <class T, std::endian Order>
inline T Load(const std::byte* bytes) noexcept {
  T value;
  std::memcpy(&value, bytes, sizeof value);
  if constexpr (std::endian::native != Order) value = ByteSwap(value);
  return value;
}

template <class T>
inline T LoadBigEndian(const std::byte* bytes) noexcept {
  return Load<T, std::endian::big>(bytes);
}

template <class T>
inline T LoadLittleEndian(const std::byte* bytes) noexcept {
  return Load<T, std::endian::little>(bytes);
}

template <class T>
inline void StoreLittleEndian(std::byte* bytes, T value) noexcept {
  if constexpr (std::endian::native == std::endian::big) value = ByteSwap(value);
  std::memcpy(bytes, &value, sizeof value);
}

// ITCH timestamps are 6 bytes (48 bits), big-endian. Reads exactly 6 bytes,
// never past them (the last message of a buffer may end right there).
inline std::uint64_t LoadBigEndian48(const std::byte* bytes) noexcept {
  std::uint64_t value = 0;
  for (int i = 0; i < 6; ++i) value = (value << 8) | std::to_integer<std::uint64_t>(bytes[i]);
  return value;
}

inline char LoadChar(const std::byte* bytes) noexcept {
  return static_cast<char>(std::to_integer<unsigned char>(bytes[0]));
}

template <std::size_t N>
inline std::array<char, N> LoadChars(const std::byte* bytes) noexcept {
  std::array<char, N> chars;
  std::memcpy(chars.data(), bytes, N);
  return chars;
}

}  // namespace wire

}  // namespace feed
