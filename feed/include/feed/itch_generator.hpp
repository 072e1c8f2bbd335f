// A deterministic NASDAQ TotalView-ITCH 5.0 message generator: the same
// options give the same bytes on every machine (integer-only splitmix64, no
// standard-library distributions, whose output is implementation-defined).
// It makes the repository's data/demo.itch and test inputs.
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

namespace feed {

// splitmix64 (Steele, Lea, Flood 2014): tiny, fast, and defined only by
// 64-bit integer arithmetic, so its sequence is identical everywhere.
class SplitMix64 {
 public:
  explicit SplitMix64(std::uint64_t seed) noexcept : state_(seed) {}
  std::uint64_t Next() noexcept {
    std::uint64_t z = (state_ += 0x9e3779b97f4a7c15ULL);
    z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
    z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
    return z ^ (z >> 31);
  }
  // Uniform enough in [0, bound) for test data (modulo bias below 2^-40 for
  // the small bounds used here); bound must be > 0.
  std::uint64_t Below(std::uint64_t bound) noexcept { return Next() % bound; }
  // In [low, high], inclusive.
  std::uint64_t Between(std::uint64_t low, std::uint64_t high) noexcept {
    return low + Below(high - low + 1);
  }

 private:
  std::uint64_t state_;
};

struct ItchGeneratorOptions {
  std::uint64_t message_count = 100'000;  // total, including the opening and closing messages
  std::uint64_t seed = 1;
  std::uint32_t symbol_count = 8;  // 1..9999; stock locate codes 1..symbol_count
};

// Per-type message counts, indexed by the type byte.
using ItchTypeCounts = std::array<std::uint64_t, 256>;

// Produces one message at a time (without its BinaryFILE length prefix):
//   S 'O', S 'S', R and H 'T' per symbol, V, S 'Q', then the trading day
//   (add, execute, cancel, delete, replace, trades, crosses, imbalances and
//   the rarer administrative types), then S 'M', S 'E', S 'C'.
// Timestamps start at 09:30:00 and increase strictly with irregular gaps;
// executions, cancels, deletes and replaces name live orders added earlier.
class ItchGenerator {
 public:
  // Throws std::invalid_argument if message_count is too small for the
  // opening and closing messages of symbol_count symbols, or symbol_count is 0
  // or over 9999.
  explicit ItchGenerator(const ItchGeneratorOptions& options);

  // The next message, valid until the next call; empty when all are made.
  std::span<const std::byte> Next();

  std::uint64_t messages_made() const noexcept { return messages_made_; }
  const ItchTypeCounts& type_counts() const noexcept { return type_counts_; }

  // Opening + closing messages for a symbol count: the minimum message_count.
  static std::uint64_t FixedMessageCount(std::uint32_t symbol_count) noexcept;

 private:
  struct LiveOrder {
    std::uint64_t reference = 0;
    std::uint32_t shares = 0;
    std::uint32_t price = 0;  // Price(4)
    std::uint16_t locate = 0;
    char side = 'B';
  };
  struct Symbol {
    std::array<char, 8> name{};
    std::uint32_t base_price = 0;  // Price(4)
  };

  void Begin(char type, std::uint16_t locate);
  void AdvanceClock();
  void MakeOpening(std::uint64_t step);
  void MakeClosing(std::uint64_t step);
  void MakeTradingMessage();
  void MakeAdd(bool with_attribution);
  void RemoveLive(std::size_t position);
  std::uint32_t PriceNear(const Symbol& symbol);
  std::uint32_t RoundLotShares();

  ItchGeneratorOptions options_;
  SplitMix64 random_;
  std::vector<Symbol> symbols_;
  std::vector<LiveOrder> live_;
  std::vector<std::byte> message_;
  ItchTypeCounts type_counts_{};
  std::uint64_t messages_made_ = 0;
  std::uint64_t timestamp_ns_ = 0;
  std::uint64_t next_reference_ = 1;
  std::uint64_t next_match_ = 1;
  std::uint16_t tracking_ = 0;
};

// Writes a whole ITCH 5.0 BinaryFILE (u16 big-endian length + message each).
// Returns the per-type counts. Throws std::runtime_error on a write error.
ItchTypeCounts WriteItch50BinaryFile(const std::string& path, const ItchGeneratorOptions& options);

}  // namespace feed
