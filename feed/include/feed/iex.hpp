// IEX TOPS 1.6 and IEX DEEP 1.0 message decoders (hot path, header-only).
//
// Sources: "Investors Exchange TOPS Specification" v1.66 (protocol TOPS 1.6,
// IEX-TP message protocol id 0x8003) and "Investors Exchange DEEP
// Specification" (protocol DEEP 1.0, id 0x8004), sections "Administrative /
// Trading / Auction Message Formats"; see docs/decoders.md.
//
// Messages are little-endian. Almost every message is
//   offset 0 type (1), 1 a one-byte flags/status field, 2 timestamp (i64, ns
//   since the POSIX epoch), 10 symbol (8, space-padded), then its own fields.
// Prices are i64 fixed point with 4 implied decimals; sizes are u32.
//
// Both specifications allow IEX to append fields to a message later; this
// decoder follows the published lengths exactly and reports any other length
// as kWrongLength, so a grown message is flagged rather than silently accepted.
#pragma once

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string_view>

#include "feed/decode.hpp"
#include "feed/format.hpp"

namespace feed::iex {

using Symbol = std::array<char, 8>;  // left-justified, space-padded

// ---- Administrative messages (TOPS and DEEP) ----
struct SystemEvent {
  static constexpr char kType = 'S';
  static constexpr std::uint16_t kLength = 10;
  char system_event = 0;  // 'O','S','R','M','E','C'
  std::int64_t timestamp_ns = 0;
};

struct SecurityDirectory {
  static constexpr char kType = 'D';
  static constexpr std::uint16_t kLength = 31;
  std::uint8_t flags = 0;  // 0x80 test security, 0x40 when issued, 0x20 ETP
  std::int64_t timestamp_ns = 0;
  Symbol symbol{};
  std::uint32_t round_lot_size = 0;
  std::int64_t adjusted_poc_price = 0;  // 4 implied decimals
  std::uint8_t luld_tier = 0;
};

struct TradingStatus {
  static constexpr char kType = 'H';
  static constexpr std::uint16_t kLength = 22;
  char trading_status = 0;  // 'H','O','P','T'
  std::int64_t timestamp_ns = 0;
  Symbol symbol{};
  std::array<char, 4> reason{};
};

struct RetailLiquidityIndicator {
  static constexpr char kType = 'I';
  static constexpr std::uint16_t kLength = 18;
  char retail_liquidity_indicator = 0;  // ' ','A','B','C'
  std::int64_t timestamp_ns = 0;
  Symbol symbol{};
};

struct OperationalHaltStatus {
  static constexpr char kType = 'O';
  static constexpr std::uint16_t kLength = 18;
  char operational_halt_status = 0;  // 'O' halted, 'N' not halted
  std::int64_t timestamp_ns = 0;
  Symbol symbol{};
};

struct ShortSalePriceTestStatus {
  static constexpr char kType = 'P';
  static constexpr std::uint16_t kLength = 19;
  std::uint8_t short_sale_price_test_status = 0;  // 0 not in effect, 1 in effect
  std::int64_t timestamp_ns = 0;
  Symbol symbol{};
  char detail = 0;  // ' ','A','C','D','N'
};

struct SecurityEvent {
  static constexpr char kType = 'E';
  static constexpr std::uint16_t kLength = 18;
  char security_event = 0;  // 'O' opening / 'C' closing process complete
  std::int64_t timestamp_ns = 0;
  Symbol symbol{};
};

// ---- Trading messages ----
struct QuoteUpdate {  // TOPS only
  static constexpr char kType = 'Q';
  static constexpr std::uint16_t kLength = 42;
  std::uint8_t flags = 0;  // 0x80 symbol halted, 0x40 pre/post-market session
  std::int64_t timestamp_ns = 0;
  Symbol symbol{};
  std::uint32_t bid_size = 0;
  std::int64_t bid_price = 0;
  std::int64_t ask_price = 0;
  std::uint32_t ask_size = 0;
};

struct PriceLevelUpdate {  // DEEP only: '8' buy side, '5' sell side
  static constexpr char kBuyType = '8';
  static constexpr char kSellType = '5';
  static constexpr std::uint16_t kLength = 30;
  char message_type = 0;        // kBuyType or kSellType
  std::uint8_t event_flags = 0;  // 1: event processing complete
  std::int64_t timestamp_ns = 0;
  Symbol symbol{};
  std::uint32_t size = 0;
  std::int64_t price = 0;

  [[nodiscard]] constexpr bool is_buy_side() const noexcept { return message_type == kBuyType; }
};

struct TradeReport {
  static constexpr char kType = 'T';
  static constexpr std::uint16_t kLength = 38;
  std::uint8_t sale_condition_flags = 0;
  std::int64_t timestamp_ns = 0;
  Symbol symbol{};
  std::uint32_t size = 0;
  std::int64_t price = 0;
  std::int64_t trade_id = 0;
};

struct OfficialPrice {
  static constexpr char kType = 'X';
  static constexpr std::uint16_t kLength = 26;
  char price_type = 0;  // 'Q' official opening, 'M' official closing
  std::int64_t timestamp_ns = 0;
  Symbol symbol{};
  std::int64_t official_price = 0;
};

struct TradeBreak {
  static constexpr char kType = 'B';
  static constexpr std::uint16_t kLength = 38;
  std::uint8_t sale_condition_flags = 0;
  std::int64_t timestamp_ns = 0;
  Symbol symbol{};
  std::uint32_t size = 0;
  std::int64_t price = 0;
  std::int64_t trade_id = 0;  // the broken trade's id
};

// ---- Auction messages ----
struct AuctionInformation {
  static constexpr char kType = 'A';
  static constexpr std::uint16_t kLength = 80;
  char auction_type = 0;  // 'O','C','I','H','V'
  std::int64_t timestamp_ns = 0;
  Symbol symbol{};
  std::uint32_t paired_shares = 0;
  std::int64_t reference_price = 0;
  std::int64_t indicative_clearing_price = 0;
  std::uint32_t imbalance_shares = 0;
  char imbalance_side = 0;  // 'B','S','N'
  std::uint8_t extension_number = 0;
  std::uint32_t scheduled_auction_time = 0;  // seconds since the epoch
  std::int64_t auction_book_clearing_price = 0;
  std::int64_t collar_reference_price = 0;
  std::int64_t lower_auction_collar = 0;
  std::int64_t upper_auction_collar = 0;
};

namespace detail {

template <class... Messages>
constexpr std::array<std::uint16_t, 256> MakeLengthTable() noexcept {
  std::array<std::uint16_t, 256> lengths{};
  ((lengths[static_cast<unsigned char>(Messages::kType)] = Messages::kLength), ...);
  return lengths;
}

// TOPS 1.6: S D H I O P E Q T X B A ('E' from the v1.64 message list, 'I'
// added in v1.66).
inline constexpr std::array<std::uint16_t, 256> kTopsLengthByType =
    MakeLengthTable<SystemEvent, SecurityDirectory, TradingStatus, RetailLiquidityIndicator,
                    OperationalHaltStatus, ShortSalePriceTestStatus, SecurityEvent, QuoteUpdate,
                    TradeReport, OfficialPrice, TradeBreak, AuctionInformation>();

// DEEP 1.0: S D H I O P E 8 5 T X B A.
inline constexpr std::array<std::uint16_t, 256> kDeepLengthByType = [] {
  auto lengths =
      MakeLengthTable<SystemEvent, SecurityDirectory, TradingStatus, RetailLiquidityIndicator,
                      OperationalHaltStatus, ShortSalePriceTestStatus, SecurityEvent, TradeReport,
                      OfficialPrice, TradeBreak, AuctionInformation>();
  lengths[static_cast<unsigned char>(PriceLevelUpdate::kBuyType)] = PriceLevelUpdate::kLength;
  lengths[static_cast<unsigned char>(PriceLevelUpdate::kSellType)] = PriceLevelUpdate::kLength;
  return lengths;
}();

inline std::uint8_t U8(const std::byte* p) noexcept { return std::to_integer<std::uint8_t>(*p); }
inline std::uint32_t U32(const std::byte* p) noexcept {
  return wire::LoadLittleEndian<std::uint32_t>(p);
}
inline std::int64_t I64(const std::byte* p) noexcept {
  return std::bit_cast<std::int64_t>(wire::LoadLittleEndian<std::uint64_t>(p));
}
inline char Alpha(const std::byte* p) noexcept { return wire::LoadChar(p); }
inline Symbol SymbolAt(const std::byte* p) noexcept { return wire::LoadChars<8>(p); }
// Trade Report ('T') and Trade Break ('B') share one layout.
template <class Trade>
inline Trade TradeAt(const std::byte* p) noexcept {
  Trade m;
  m.sale_condition_flags = U8(p + 1);
  m.timestamp_ns = I64(p + 2);
  m.symbol = SymbolAt(p + 10);
  m.size = U32(p + 18);
  m.price = I64(p + 22);
  m.trade_id = I64(p + 30);
  return m;
}

}  // namespace detail

// The specification's length of `type` in protocol `kind` (kIexTops16 or
// kIexDeep10); 0 if the protocol has no such type or `kind` is not IEX.
constexpr std::uint16_t ExpectedLength(PayloadKind kind, std::uint8_t type) noexcept {
  switch (kind) {
    case PayloadKind::kIexTops16:
      return detail::kTopsLengthByType[type];
    case PayloadKind::kIexDeep10:
      return detail::kDeepLengthByType[type];
    default:
      return 0;
  }
}

// Validates the length for the type in protocol `kind` and, when it matches,
// calls visitor(const M&) with the typed message M (a generic lambda accepts
// them all).
template <class Visitor>
inline DecodeResult Decode(PayloadKind kind, std::span<const std::byte> message,
                           Visitor&& visitor) {
  using namespace detail;
  if (message.empty()) return DecodeResult{DecodeStatus::kEmpty, 0, 0, 0};
  const auto type = std::to_integer<std::uint8_t>(message[0]);
  const std::uint16_t expected = ExpectedLength(kind, type);
  if (expected == 0) return DecodeResult{DecodeStatus::kUnknownType, type, 0, message.size()};
  if (message.size() != expected) {
    return DecodeResult{DecodeStatus::kWrongLength, type, expected, message.size()};
  }
  const std::byte* p = message.data();
  switch (static_cast<char>(type)) {
    case SystemEvent::kType: {
      SystemEvent m;
      m.system_event = Alpha(p + 1);
      m.timestamp_ns = I64(p + 2);
      visitor(static_cast<const SystemEvent&>(m));
      break;
    }
    case SecurityDirectory::kType: {
      SecurityDirectory m;
      m.flags = U8(p + 1);
      m.timestamp_ns = I64(p + 2);
      m.symbol = SymbolAt(p + 10);
      m.round_lot_size = U32(p + 18);
      m.adjusted_poc_price = I64(p + 22);
      m.luld_tier = U8(p + 30);
      visitor(static_cast<const SecurityDirectory&>(m));
      break;
    }
    case TradingStatus::kType: {
      TradingStatus m;
      m.trading_status = Alpha(p + 1);
      m.timestamp_ns = I64(p + 2);
      m.symbol = SymbolAt(p + 10);
      m.reason = wire::LoadChars<4>(p + 18);
      visitor(static_cast<const TradingStatus&>(m));
      break;
    }
    case RetailLiquidityIndicator::kType: {
      RetailLiquidityIndicator m;
      m.retail_liquidity_indicator = Alpha(p + 1);
      m.timestamp_ns = I64(p + 2);
      m.symbol = SymbolAt(p + 10);
      visitor(static_cast<const RetailLiquidityIndicator&>(m));
      break;
    }
    case OperationalHaltStatus::kType: {
      OperationalHaltStatus m;
      m.operational_halt_status = Alpha(p + 1);
      m.timestamp_ns = I64(p + 2);
      m.symbol = SymbolAt(p + 10);
      visitor(static_cast<const OperationalHaltStatus&>(m));
      break;
    }
    case ShortSalePriceTestStatus::kType: {
      ShortSalePriceTestStatus m;
      m.short_sale_price_test_status = U8(p + 1);
      m.timestamp_ns = I64(p + 2);
      m.symbol = SymbolAt(p + 10);
      m.detail = Alpha(p + 18);
      visitor(static_cast<const ShortSalePriceTestStatus&>(m));
      break;
    }
    case SecurityEvent::kType: {
      SecurityEvent m;
      m.security_event = Alpha(p + 1);
      m.timestamp_ns = I64(p + 2);
      m.symbol = SymbolAt(p + 10);
      visitor(static_cast<const SecurityEvent&>(m));
      break;
    }
    case QuoteUpdate::kType: {
      QuoteUpdate m;
      m.flags = U8(p + 1);
      m.timestamp_ns = I64(p + 2);
      m.symbol = SymbolAt(p + 10);
      m.bid_size = U32(p + 18);
      m.bid_price = I64(p + 22);
      m.ask_price = I64(p + 30);
      m.ask_size = U32(p + 38);
      visitor(static_cast<const QuoteUpdate&>(m));
      break;
    }
    case PriceLevelUpdate::kBuyType:
    case PriceLevelUpdate::kSellType: {
      PriceLevelUpdate m;
      m.message_type = static_cast<char>(type);
      m.event_flags = U8(p + 1);
      m.timestamp_ns = I64(p + 2);
      m.symbol = SymbolAt(p + 10);
      m.size = U32(p + 18);
      m.price = I64(p + 22);
      visitor(static_cast<const PriceLevelUpdate&>(m));
      break;
    }
    case TradeReport::kType: {
      const auto m = TradeAt<TradeReport>(p);
      visitor(static_cast<const TradeReport&>(m));
      break;
    }
    case OfficialPrice::kType: {
      OfficialPrice m;
      m.price_type = Alpha(p + 1);
      m.timestamp_ns = I64(p + 2);
      m.symbol = SymbolAt(p + 10);
      m.official_price = I64(p + 18);
      visitor(static_cast<const OfficialPrice&>(m));
      break;
    }
    case TradeBreak::kType: {
      const auto m = TradeAt<TradeBreak>(p);
      visitor(static_cast<const TradeBreak&>(m));
      break;
    }
    case AuctionInformation::kType: {
      AuctionInformation m;
      m.auction_type = Alpha(p + 1);
      m.timestamp_ns = I64(p + 2);
      m.symbol = SymbolAt(p + 10);
      m.paired_shares = U32(p + 18);
      m.reference_price = I64(p + 22);
      m.indicative_clearing_price = I64(p + 30);
      m.imbalance_shares = U32(p + 38);
      m.imbalance_side = Alpha(p + 42);
      m.extension_number = U8(p + 43);
      m.scheduled_auction_time = U32(p + 44);
      m.auction_book_clearing_price = I64(p + 48);
      m.collar_reference_price = I64(p + 56);
      m.lower_auction_collar = I64(p + 64);
      m.upper_auction_collar = I64(p + 72);
      visitor(static_cast<const AuctionInformation&>(m));
      break;
    }
    default:
      break;  // unreachable: every type with a length has a case
  }
  return DecodeResult{DecodeStatus::kOk, type, expected, message.size()};
}

// Folds the timestamp and, where the message has them, sizes, prices and the
// trade id into `fold` (see MessageCounter).
inline DecodeResult DecodeAndFold(PayloadKind kind, std::span<const std::byte> message,
                                  std::uint64_t& fold) noexcept {
  const auto as_bits = [](auto value) { return static_cast<std::uint64_t>(value); };
  return Decode(kind, message, [&fold, &as_bits](const auto& m) noexcept {
    fold = FoldField(fold, as_bits(m.timestamp_ns));
    if constexpr (requires { m.size; }) fold = FoldField(fold, m.size);
    if constexpr (requires { m.price; }) fold = FoldField(fold, as_bits(m.price));
    if constexpr (requires { m.trade_id; }) fold = FoldField(fold, as_bits(m.trade_id));
    if constexpr (requires { m.bid_price; }) {
      fold = FoldField(fold, as_bits(m.bid_price));
      fold = FoldField(fold, as_bits(m.ask_price));
      fold = FoldField(fold, m.bid_size);
      fold = FoldField(fold, m.ask_size);
    }
    if constexpr (requires { m.reference_price; }) {
      fold = FoldField(fold, as_bits(m.reference_price));
      fold = FoldField(fold, m.paired_shares);
    }
    if constexpr (requires { m.official_price; }) {
      fold = FoldField(fold, as_bits(m.official_price));
    }
  });
}

// Cold (iex.cpp): the specification's message name in protocol `kind`, e.g.
// TOPS 'Q' -> "Quote Update", DEEP '8' -> "Price Level Update (Buy)"; empty
// if the protocol has no such type.
std::string_view MessageName(PayloadKind kind, std::uint8_t type) noexcept;

}  // namespace feed::iex
