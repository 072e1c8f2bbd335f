#include "feed/itch_generator.hpp"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <memory>
#include <stdexcept>

#include <fmt/format.h>

namespace feed {
namespace {

constexpr std::uint64_t kNineThirtyNs = 34'200ULL * 1'000'000'000ULL;  // 09:30:00 since midnight
constexpr std::size_t kMaxLiveOrders = 4'000;  // keeps the book (and memory) bounded

constexpr std::array<const char*, 16> kSymbolNames{
    "AAPL", "MSFT", "AMZN", "NVDA", "GOOGL", "META", "TSLA", "INTC",
    "CSCO", "ADBE", "NFLX", "PEP",  "COST",  "AVGO", "QCOM", "TXN"};
constexpr std::array<const char*, 6> kParticipants{"GSCO", "MSCO", "JPMS", "CDRG", "NITE", "VIRT"};

// Per-mille weights of the trading-day message types, roughly the shape of a
// real ITCH day: adds and deletes dominate, executions and replaces follow,
// administrative types are rare but present so decoders see every type.
struct Weight {
  char type;
  unsigned per_mille;
};
constexpr std::array<Weight, 20> kTradingMix{{
    {'A', 339}, {'F', 40}, {'E', 90}, {'C', 15}, {'X', 60}, {'D', 270}, {'U', 90},
    {'P', 40},  {'Q', 3},  {'I', 25}, {'L', 5},  {'Y', 5},  {'H', 3},   {'N', 5},
    {'K', 2},   {'J', 2},  {'h', 2},  {'B', 2},  {'W', 1},  {'O', 1},
}};
constexpr unsigned SumOfWeights() {
  unsigned sum = 0;
  for (const auto& weight : kTradingMix) sum += weight.per_mille;
  return sum;
}
static_assert(SumOfWeights() == 1000);

class MessageBytes {
 public:
  explicit MessageBytes(std::vector<std::byte>& out) : out_(out) {}
  void U8(std::uint8_t value) { out_.push_back(std::byte{value}); }
  void Char(char value) { U8(static_cast<std::uint8_t>(value)); }
  void BigEndian(std::uint64_t value, int bytes) {
    for (int shift = (bytes - 1) * 8; shift >= 0; shift -= 8) {
      U8(static_cast<std::uint8_t>(value >> shift));
    }
  }
  void U16(std::uint64_t value) { BigEndian(value, 2); }
  void U32(std::uint64_t value) { BigEndian(value, 4); }
  void U48(std::uint64_t value) { BigEndian(value, 6); }
  void U64(std::uint64_t value) { BigEndian(value, 8); }
  // Alpha fields: left-justified, space-padded ASCII.
  void Alpha(const char* text, std::size_t width) {
    const std::size_t length = std::strlen(text);
    for (std::size_t i = 0; i < width; ++i) Char(i < length ? text[i] : ' ');
  }
  void Alpha(const std::array<char, 8>& text) {
    for (const char c : text) Char(c);
  }

 private:
  std::vector<std::byte>& out_;
};

}  // namespace

std::uint64_t ItchGenerator::FixedMessageCount(std::uint32_t symbol_count) noexcept {
  // Opening: S 'O', S 'S', R and H per symbol, V, S 'Q'. Closing: S 'M', S 'E', S 'C'.
  return 4 + 2ULL * symbol_count + 3;
}

ItchGenerator::ItchGenerator(const ItchGeneratorOptions& options)
    : options_(options), random_(options.seed) {
  if (options.symbol_count == 0 || options.symbol_count > 9'999) {
    throw std::invalid_argument(
        fmt::format("symbol count {} is out of range 1..9999", options.symbol_count));
  }
  if (options.message_count < FixedMessageCount(options.symbol_count)) {
    throw std::invalid_argument(fmt::format(
        "{} messages are too few: {} symbols need at least {} opening and closing messages",
        options.message_count, options.symbol_count, FixedMessageCount(options.symbol_count)));
  }
  symbols_.resize(options.symbol_count);
  for (std::uint32_t i = 0; i < options.symbol_count; ++i) {
    Symbol& symbol = symbols_[i];
    symbol.name.fill(' ');
    if (i < kSymbolNames.size()) {
      std::memcpy(symbol.name.data(), kSymbolNames[i], std::strlen(kSymbolNames[i]));
    } else {
      const std::string name = fmt::format("ZT{:04}", i + 1);
      std::memcpy(symbol.name.data(), name.data(), name.size());
    }
    // $10.00 .. $500.00 in Price(4) (four implied decimals).
    symbol.base_price = static_cast<std::uint32_t>(random_.Between(1'000, 50'000) * 100);
  }
  message_.reserve(64);
  live_.reserve(kMaxLiveOrders + 1);
  timestamp_ns_ = kNineThirtyNs;
}

void ItchGenerator::AdvanceClock() {
  // Mostly bursts of a few microseconds, sometimes quiet stretches: strictly
  // increasing so every message has its own time.
  const std::uint64_t roll = random_.Below(100);
  if (roll < 70) {
    timestamp_ns_ += random_.Between(1, 5'000);
  } else if (roll < 95) {
    timestamp_ns_ += random_.Between(5'001, 500'000);
  } else {
    timestamp_ns_ += random_.Between(500'001, 20'000'000);
  }
}

void ItchGenerator::Begin(char type, std::uint16_t locate) {
  message_.clear();
  AdvanceClock();
  MessageBytes out(message_);
  out.Char(type);
  out.U16(locate);
  out.U16(++tracking_);
  out.U48(timestamp_ns_);
}

std::uint32_t ItchGenerator::PriceNear(const Symbol& symbol) {
  // Within $2.00 of the symbol's base price, on a one-cent tick.
  const auto offset_cents = static_cast<std::int64_t>(random_.Below(401)) - 200;
  const std::int64_t price = static_cast<std::int64_t>(symbol.base_price) + offset_cents * 100;
  return static_cast<std::uint32_t>(price > 100 ? price : 100);
}

std::uint32_t ItchGenerator::RoundLotShares() {
  if (random_.Below(10) < 9) return static_cast<std::uint32_t>(100 * random_.Between(1, 20));
  return static_cast<std::uint32_t>(random_.Between(1, 99));  // odd lot
}

void ItchGenerator::MakeOpening(std::uint64_t step) {
  const std::uint64_t symbol_count = symbols_.size();
  MessageBytes out(message_);
  if (step == 0 || step == 1) {
    Begin('S', 0);
    out.Char(step == 0 ? 'O' : 'S');  // start of messages, start of system hours
  } else if (step < 2 + symbol_count) {
    const std::size_t index = step - 2;
    Begin('R', static_cast<std::uint16_t>(index + 1));
    out.Alpha(symbols_[index].name);
    out.Char('Q');         // market category: NASDAQ Global Select
    out.Char('N');         // financial status: normal
    out.U32(100);          // round lot size
    out.Char('N');         // round lots only
    out.Char('C');         // issue classification: common stock
    out.Alpha("Z", 2);     // issue sub-type
    out.Char('P');         // authenticity: production
    out.Char('N');         // short sale threshold indicator
    out.Char('N');         // IPO flag
    out.Char('1');         // LULD reference price tier
    out.Char('N');         // ETP flag
    out.U32(0);            // ETP leverage factor
    out.Char('N');         // inverse indicator
  } else if (step < 2 + 2 * symbol_count) {
    const std::size_t index = step - 2 - symbol_count;
    Begin('H', static_cast<std::uint16_t>(index + 1));
    out.Alpha(symbols_[index].name);
    out.Char('T');  // trading
    out.Char(' ');  // reserved
    out.Alpha("", 4);
  } else if (step == 2 + 2 * symbol_count) {
    Begin('V', 0);
    out.U64(3'512'345'000'000ULL);  // level 1, Price(8)
    out.U64(3'245'678'000'000ULL);  // level 2
    out.U64(2'868'912'000'000ULL);  // level 3
  } else {
    Begin('S', 0);
    out.Char('Q');  // start of market hours
  }
}

void ItchGenerator::MakeClosing(std::uint64_t step) {
  static constexpr std::array<char, 3> kCodes{'M', 'E', 'C'};  // end market, end system, end
  Begin('S', 0);
  MessageBytes(message_).Char(kCodes[step]);
}

void ItchGenerator::RemoveLive(std::size_t position) {
  live_[position] = live_.back();
  live_.pop_back();
}

void ItchGenerator::MakeAdd(bool with_attribution) {
  const std::size_t symbol_index = random_.Below(symbols_.size());
  const Symbol& symbol = symbols_[symbol_index];
  LiveOrder order;
  order.reference = next_reference_++;
  order.locate = static_cast<std::uint16_t>(symbol_index + 1);
  order.side = random_.Below(2) == 0 ? 'B' : 'S';
  order.shares = RoundLotShares();
  order.price = PriceNear(symbol);
  Begin(with_attribution ? 'F' : 'A', order.locate);
  MessageBytes out(message_);
  out.U64(order.reference);
  out.Char(order.side);
  out.U32(order.shares);
  out.Alpha(symbol.name);
  out.U32(order.price);
  if (with_attribution) out.Alpha(kParticipants[random_.Below(kParticipants.size())], 4);
  live_.push_back(order);
}

void ItchGenerator::MakeTradingMessage() {
  std::uint64_t roll = random_.Below(1000);
  char type = 'A';
  for (const auto& weight : kTradingMix) {
    if (roll < weight.per_mille) {
      type = weight.type;
      break;
    }
    roll -= weight.per_mille;
  }
  const bool needs_live_order =
      type == 'E' || type == 'C' || type == 'X' || type == 'D' || type == 'U';
  if (needs_live_order && live_.empty()) type = 'A';
  if ((type == 'A' || type == 'F') && live_.size() >= kMaxLiveOrders) type = 'D';
  if (type == 'B' && next_match_ == 1) type = 'P';  // nothing to break yet

  MessageBytes out(message_);
  const std::size_t symbol_index = random_.Below(symbols_.size());
  const Symbol& symbol = symbols_[symbol_index];
  const auto locate = static_cast<std::uint16_t>(symbol_index + 1);
  const std::size_t live_position = live_.empty() ? 0 : random_.Below(live_.size());

  switch (type) {
    case 'A':
    case 'F':
      MakeAdd(type == 'F');
      return;
    case 'E':
    case 'C': {
      LiveOrder& order = live_[live_position];
      const bool whole = order.shares <= 100 || random_.Below(3) == 0;
      const std::uint32_t executed =
          whole ? order.shares : static_cast<std::uint32_t>(random_.Between(1, order.shares - 1));
      Begin(type, order.locate);
      out.U64(order.reference);
      out.U32(executed);
      out.U64(next_match_++);
      if (type == 'C') {
        out.Char(random_.Below(4) == 0 ? 'N' : 'Y');  // printable
        out.U32(order.price + static_cast<std::uint32_t>(random_.Below(3)) * 100);
      }
      order.shares -= executed;
      if (order.shares == 0) RemoveLive(live_position);
      return;
    }
    case 'X': {
      LiveOrder& order = live_[live_position];
      if (order.shares < 2) break;  // nothing to cancel partially: delete instead
      const auto cancelled = static_cast<std::uint32_t>(random_.Between(1, order.shares - 1));
      Begin('X', order.locate);
      out.U64(order.reference);
      out.U32(cancelled);
      order.shares -= cancelled;
      return;
    }
    case 'D':
      break;
    case 'U': {
      LiveOrder& order = live_[live_position];
      const Symbol& order_symbol = symbols_[order.locate - 1U];
      Begin('U', order.locate);
      out.U64(order.reference);
      order.reference = next_reference_++;
      order.shares = RoundLotShares();
      order.price = PriceNear(order_symbol);
      out.U64(order.reference);
      out.U32(order.shares);
      out.U32(order.price);
      return;
    }
    case 'P':
      Begin('P', locate);
      out.U64(0);  // non-displayed orders carry reference 0
      out.Char(random_.Below(2) == 0 ? 'B' : 'S');
      out.U32(RoundLotShares());
      out.Alpha(symbol.name);
      out.U32(PriceNear(symbol));
      out.U64(next_match_++);
      return;
    case 'Q':
      Begin('Q', locate);
      out.U64(random_.Between(1'000, 2'000'000));  // shares (8 bytes in a cross)
      out.Alpha(symbol.name);
      out.U32(PriceNear(symbol));
      out.U64(next_match_++);
      out.Char("OCHI"[random_.Below(4)]);  // opening, closing, halt/IPO, intraday
      return;
    case 'B':
      Begin('B', locate);
      out.U64(random_.Between(1, next_match_ - 1));
      return;
    case 'I': {
      Begin('I', locate);
      const std::uint32_t reference_price = PriceNear(symbol);
      out.U64(random_.Between(0, 500'000));  // paired shares
      out.U64(random_.Between(0, 100'000));  // imbalance shares
      out.Char("BSNO"[random_.Below(4)]);    // imbalance direction
      out.Alpha(symbol.name);
      out.U32(PriceNear(symbol));  // far price
      out.U32(PriceNear(symbol));  // near price
      out.U32(reference_price);    // current reference price
      out.Char("OCH"[random_.Below(3)]);  // cross type
      out.Char(' ');                      // price variation indicator: under 1% / none
      return;
    }
    case 'L':
      Begin('L', locate);
      out.Alpha(kParticipants[random_.Below(kParticipants.size())], 4);
      out.Alpha(symbol.name);
      out.Char(random_.Below(2) == 0 ? 'Y' : 'N');  // primary market maker
      out.Char('N');                                // market maker mode: normal
      out.Char('A');                                // participant state: active
      return;
    case 'Y':
      Begin('Y', locate);
      out.Alpha(symbol.name);
      out.Char("012"[random_.Below(3)]);  // Reg SHO action
      return;
    case 'H':
      Begin('H', locate);
      out.Alpha(symbol.name);
      out.Char('T');
      out.Char(' ');
      out.Alpha("", 4);
      return;
    case 'N':
      Begin('N', locate);
      out.Alpha(symbol.name);
      out.Char("BSAN"[random_.Below(4)]);  // interest flag
      return;
    case 'K':
      Begin('K', locate);
      out.Alpha(symbol.name);
      out.U32(random_.Between(34'200, 57'600));  // release time, seconds since midnight
      out.Char(random_.Below(2) == 0 ? 'A' : 'C');
      out.U32(PriceNear(symbol));
      return;
    case 'J': {
      Begin('J', locate);
      const std::uint32_t reference_price = PriceNear(symbol);
      out.Alpha(symbol.name);
      out.U32(reference_price);
      out.U32(reference_price + reference_price / 10);  // upper collar
      out.U32(reference_price - reference_price / 10);  // lower collar
      out.U32(random_.Between(0, 3));                    // extension
      return;
    }
    case 'h':
      Begin('h', locate);
      out.Alpha(symbol.name);
      out.Char("QBX"[random_.Below(3)]);  // market code
      out.Char(random_.Below(2) == 0 ? 'H' : 'T');
      return;
    case 'W':
      Begin('W', 0);
      out.Char("123"[random_.Below(3)]);  // breached level
      return;
    case 'O': {
      Begin('O', locate);
      const std::uint32_t price = PriceNear(symbol);
      out.Alpha(symbol.name);
      out.Char(random_.Below(2) == 0 ? 'Y' : 'N');  // open eligibility
      out.U32(price - price / 5);                    // minimum allowable price
      out.U32(price + price / 5);                    // maximum allowable price
      out.U32(price);                                // near execution price
      out.U64(timestamp_ns_ + 60'000'000'000ULL);    // near execution time
      out.U32(price - price / 10);                   // lower price range collar
      out.U32(price + price / 10);                   // upper price range collar
      return;
    }
    default:
      break;
  }
  // Order delete (also the fallback of a cancel that cannot be partial).
  const LiveOrder order = live_[live_position];
  Begin('D', order.locate);
  out.U64(order.reference);
  RemoveLive(live_position);
}

std::span<const std::byte> ItchGenerator::Next() {
  if (messages_made_ >= options_.message_count) return {};
  const std::uint64_t opening = FixedMessageCount(options_.symbol_count) - 3;
  const std::uint64_t closing_start = options_.message_count - 3;
  if (messages_made_ < opening) {
    MakeOpening(messages_made_);
  } else if (messages_made_ >= closing_start) {
    MakeClosing(messages_made_ - closing_start);
  } else {
    MakeTradingMessage();
  }
  ++messages_made_;
  ++type_counts_[std::to_integer<std::size_t>(message_[0])];
  return message_;
}

ItchTypeCounts WriteItch50BinaryFile(const std::string& path, const ItchGeneratorOptions& options) {
  ItchGenerator generator(options);
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> file(std::fopen(path.c_str(), "wb"), &std::fclose);
  if (!file) {
    throw std::runtime_error(
        fmt::format("{}: cannot open for writing: {}", path, std::strerror(errno)));
  }
  for (auto message = generator.Next(); !message.empty(); message = generator.Next()) {
    const std::array<unsigned char, 2> length{static_cast<unsigned char>(message.size() >> 8),
                                              static_cast<unsigned char>(message.size() & 0xff)};
    if (std::fwrite(length.data(), 1, length.size(), file.get()) != length.size() ||
        std::fwrite(message.data(), 1, message.size(), file.get()) != message.size()) {
      throw std::runtime_error(fmt::format("{}: write failed: {}", path, std::strerror(errno)));
    }
  }
  if (std::fclose(file.release()) != 0) {
    throw std::runtime_error(fmt::format("{}: close failed: {}", path, std::strerror(errno)));
  }
  return generator.type_counts();
}

}  // namespace feed
