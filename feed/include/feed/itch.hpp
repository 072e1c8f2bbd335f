// NASDAQ TotalView-ITCH 5.0 message decoder (hot path, header-only).
//
// Source: "Nasdaq TotalView-ITCH 5.0" specification, section 4 "Message
// Formats" (all 23 message types, including 'h' Operational Halt and 'O'
// Direct Listing with Capital Raise Price Discovery); see docs/decoders.md.
//
// Every message is fixed-length and starts with the same 11 bytes:
//   offset 0 type (1, ASCII), 1 stock locate (2), 3 tracking number (2),
//   5 timestamp (6, nanoseconds since midnight).
// All integers are big-endian. Prices are unsigned fixed point: Price(4) has
// 4 implied decimals (u32), Price(8) has 8 (u64, MWCB levels only).
#pragma once

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>

#include "feed/decode.hpp"

namespace feed::itch {

using Stock = std::array<char, 8>;  // left-justified, space-padded

inline constexpr std::size_t kHeaderLength = 11;

// The 11-byte header every ITCH 5.0 message starts with (after the type byte).
struct Header {
  std::uint16_t stock_locate = 0;  // "Locate Code" in the Reg SHO table
  std::uint16_t tracking_number = 0;
  std::uint64_t timestamp_ns = 0;  // nanoseconds since midnight
};

// ---- 4.1 System Event ----
struct SystemEvent : Header {
  static constexpr char kType = 'S';
  static constexpr std::uint16_t kLength = 12;
  char event_code = 0;
};

// ---- 4.2 Stock Related Messages ----
struct StockDirectory : Header {
  static constexpr char kType = 'R';
  static constexpr std::uint16_t kLength = 39;
  Stock stock{};
  char market_category = 0;
  char financial_status_indicator = 0;
  std::uint32_t round_lot_size = 0;
  char round_lots_only = 0;
  char issue_classification = 0;
  std::array<char, 2> issue_sub_type{};
  char authenticity = 0;
  char short_sale_threshold_indicator = 0;
  char ipo_flag = 0;
  char luld_reference_price_tier = 0;
  char etp_flag = 0;
  std::uint32_t etp_leverage_factor = 0;
  char inverse_indicator = 0;
};

struct StockTradingAction : Header {
  static constexpr char kType = 'H';
  static constexpr std::uint16_t kLength = 25;
  Stock stock{};
  char trading_state = 0;
  char reserved = 0;
  std::array<char, 4> reason{};
};

struct RegShoRestriction : Header {
  static constexpr char kType = 'Y';
  static constexpr std::uint16_t kLength = 20;
  Stock stock{};
  char reg_sho_action = 0;
};

struct MarketParticipantPosition : Header {
  static constexpr char kType = 'L';
  static constexpr std::uint16_t kLength = 26;
  std::array<char, 4> mpid{};
  Stock stock{};
  char primary_market_maker = 0;
  char market_maker_mode = 0;
  char market_participant_state = 0;
};

struct MwcbDeclineLevel : Header {
  static constexpr char kType = 'V';
  static constexpr std::uint16_t kLength = 35;
  std::uint64_t level_1 = 0;  // Price(8)
  std::uint64_t level_2 = 0;  // Price(8)
  std::uint64_t level_3 = 0;  // Price(8)
};

struct MwcbStatus : Header {
  static constexpr char kType = 'W';
  static constexpr std::uint16_t kLength = 12;
  char breached_level = 0;
};

struct IpoQuotingPeriodUpdate : Header {
  static constexpr char kType = 'K';
  static constexpr std::uint16_t kLength = 28;
  Stock stock{};
  std::uint32_t ipo_quotation_release_time = 0;  // seconds since midnight
  char ipo_quotation_release_qualifier = 0;
  std::uint32_t ipo_price = 0;  // Price(4)
};

struct LuldAuctionCollar : Header {
  static constexpr char kType = 'J';
  static constexpr std::uint16_t kLength = 35;
  Stock stock{};
  std::uint32_t auction_collar_reference_price = 0;  // Price(4)
  std::uint32_t upper_auction_collar_price = 0;      // Price(4)
  std::uint32_t lower_auction_collar_price = 0;      // Price(4)
  std::uint32_t auction_collar_extension = 0;
};

struct OperationalHalt : Header {
  static constexpr char kType = 'h';
  static constexpr std::uint16_t kLength = 21;
  Stock stock{};
  char market_code = 0;
  char operational_halt_action = 0;
};

// ---- 4.3 Add Order Messages ----
struct AddOrder : Header {
  static constexpr char kType = 'A';
  static constexpr std::uint16_t kLength = 36;
  std::uint64_t order_reference = 0;
  char side = 0;  // 'B' buy, 'S' sell
  std::uint32_t shares = 0;
  Stock stock{};
  std::uint32_t price = 0;  // Price(4)
};

struct AddOrderWithMpid : Header {
  static constexpr char kType = 'F';
  static constexpr std::uint16_t kLength = 40;
  std::uint64_t order_reference = 0;
  char side = 0;
  std::uint32_t shares = 0;
  Stock stock{};
  std::uint32_t price = 0;  // Price(4)
  std::array<char, 4> attribution{};
};

// ---- 4.4 Modify Order Messages ----
struct OrderExecuted : Header {
  static constexpr char kType = 'E';
  static constexpr std::uint16_t kLength = 31;
  std::uint64_t order_reference = 0;
  std::uint32_t executed_shares = 0;
  std::uint64_t match_number = 0;
};

struct OrderExecutedWithPrice : Header {
  static constexpr char kType = 'C';
  static constexpr std::uint16_t kLength = 36;
  std::uint64_t order_reference = 0;
  std::uint32_t executed_shares = 0;
  std::uint64_t match_number = 0;
  char printable = 0;
  std::uint32_t execution_price = 0;  // Price(4)
};

struct OrderCancel : Header {
  static constexpr char kType = 'X';
  static constexpr std::uint16_t kLength = 23;
  std::uint64_t order_reference = 0;
  std::uint32_t cancelled_shares = 0;
};

struct OrderDelete : Header {
  static constexpr char kType = 'D';
  static constexpr std::uint16_t kLength = 19;
  std::uint64_t order_reference = 0;
};

struct OrderReplace : Header {
  static constexpr char kType = 'U';
  static constexpr std::uint16_t kLength = 35;
  std::uint64_t original_order_reference = 0;
  std::uint64_t new_order_reference = 0;
  std::uint32_t shares = 0;
  std::uint32_t price = 0;  // Price(4)
};

// ---- 4.5 Trade Messages ----
struct Trade : Header {  // non-cross
  static constexpr char kType = 'P';
  static constexpr std::uint16_t kLength = 44;
  std::uint64_t order_reference = 0;
  char side = 0;
  std::uint32_t shares = 0;
  Stock stock{};
  std::uint32_t price = 0;  // Price(4)
  std::uint64_t match_number = 0;
};

struct CrossTrade : Header {
  static constexpr char kType = 'Q';
  static constexpr std::uint16_t kLength = 40;
  std::uint64_t shares = 0;
  Stock stock{};
  std::uint32_t cross_price = 0;  // Price(4)
  std::uint64_t match_number = 0;
  char cross_type = 0;
};

struct BrokenTrade : Header {
  static constexpr char kType = 'B';
  static constexpr std::uint16_t kLength = 19;
  std::uint64_t match_number = 0;
};

// ---- 4.6 Net Order Imbalance Indicator ----
struct NetOrderImbalanceIndicator : Header {
  static constexpr char kType = 'I';
  static constexpr std::uint16_t kLength = 50;
  std::uint64_t paired_shares = 0;
  std::uint64_t imbalance_shares = 0;
  char imbalance_direction = 0;
  Stock stock{};
  std::uint32_t far_price = 0;                // Price(4)
  std::uint32_t near_price = 0;               // Price(4)
  std::uint32_t current_reference_price = 0;  // Price(4)
  char cross_type = 0;
  char price_variation_indicator = 0;
};

// ---- 4.7 Retail Price Improvement Indicator ----
struct RetailPriceImprovementIndicator : Header {
  static constexpr char kType = 'N';
  static constexpr std::uint16_t kLength = 20;
  Stock stock{};
  char interest_flag = 0;
};

// ---- 4.8 Direct Listing with Capital Raise Price Discovery ----
struct DirectListingCapitalRaise : Header {
  static constexpr char kType = 'O';
  static constexpr std::uint16_t kLength = 48;
  Stock stock{};
  char open_eligibility_status = 0;
  std::uint32_t minimum_allowable_price = 0;  // Price(4)
  std::uint32_t maximum_allowable_price = 0;  // Price(4)
  std::uint32_t near_execution_price = 0;     // Price(4)
  std::uint64_t near_execution_time = 0;
  std::uint32_t lower_price_range_collar = 0;  // Price(4)
  std::uint32_t upper_price_range_collar = 0;  // Price(4)
};

namespace detail {

template <class... Messages>
constexpr std::array<std::uint16_t, 256> MakeLengthTable() noexcept {
  std::array<std::uint16_t, 256> lengths{};
  ((lengths[static_cast<unsigned char>(Messages::kType)] = Messages::kLength), ...);
  return lengths;
}

inline constexpr std::array<std::uint16_t, 256> kLengthByType = MakeLengthTable<
    SystemEvent, StockDirectory, StockTradingAction, RegShoRestriction, MarketParticipantPosition,
    MwcbDeclineLevel, MwcbStatus, IpoQuotingPeriodUpdate, LuldAuctionCollar, OperationalHalt,
    AddOrder, AddOrderWithMpid, OrderExecuted, OrderExecutedWithPrice, OrderCancel, OrderDelete,
    OrderReplace, Trade, CrossTrade, BrokenTrade, NetOrderImbalanceIndicator,
    RetailPriceImprovementIndicator, DirectListingCapitalRaise>();

inline std::uint16_t U16(const std::byte* p) noexcept {
  return wire::LoadBigEndian<std::uint16_t>(p);
}
inline std::uint32_t U32(const std::byte* p) noexcept {
  return wire::LoadBigEndian<std::uint32_t>(p);
}
inline std::uint64_t U64(const std::byte* p) noexcept {
  return wire::LoadBigEndian<std::uint64_t>(p);
}
inline char Alpha(const std::byte* p) noexcept { return wire::LoadChar(p); }
template <std::size_t N>
inline std::array<char, N> Alphas(const std::byte* p) noexcept {
  return wire::LoadChars<N>(p);
}

template <class M>
inline M WithHeader(const std::byte* p) noexcept {
  M m;
  m.stock_locate = U16(p + 1);
  m.tracking_number = U16(p + 3);
  m.timestamp_ns = wire::LoadBigEndian48(p + 5);
  return m;
}

}  // namespace detail

// The specification's fixed length of a message type, 0 if the type is unknown.
constexpr std::uint16_t ExpectedLength(char type) noexcept {
  return detail::kLengthByType[static_cast<unsigned char>(type)];
}

// The 6-byte big-endian timestamp at offset 5 (nanoseconds since midnight);
// nullopt if the message is shorter than the 11-byte common header.
inline std::optional<std::uint64_t> TimestampNs(std::span<const std::byte> message) noexcept {
  if (message.size() < kHeaderLength) return std::nullopt;
  return wire::LoadBigEndian48(message.data() + 5);
}

// Validates the length for the type and, when it matches, calls
// visitor(const M&) with the typed message M. The visitor must accept every
// message struct above (a generic lambda does).
template <class Visitor>
inline DecodeResult Decode(std::span<const std::byte> message, Visitor&& visitor) {
  using namespace detail;
  if (message.empty()) return DecodeResult{DecodeStatus::kEmpty, 0, 0, 0};
  const auto type = std::to_integer<std::uint8_t>(message[0]);
  const std::uint16_t expected = kLengthByType[type];
  if (expected == 0) return DecodeResult{DecodeStatus::kUnknownType, type, 0, message.size()};
  if (message.size() != expected) {
    return DecodeResult{DecodeStatus::kWrongLength, type, expected, message.size()};
  }
  const std::byte* p = message.data();
  switch (static_cast<char>(type)) {
    case SystemEvent::kType: {
      auto m = WithHeader<SystemEvent>(p);
      m.event_code = Alpha(p + 11);
      visitor(static_cast<const SystemEvent&>(m));
      break;
    }
    case StockDirectory::kType: {
      auto m = WithHeader<StockDirectory>(p);
      m.stock = Alphas<8>(p + 11);
      m.market_category = Alpha(p + 19);
      m.financial_status_indicator = Alpha(p + 20);
      m.round_lot_size = U32(p + 21);
      m.round_lots_only = Alpha(p + 25);
      m.issue_classification = Alpha(p + 26);
      m.issue_sub_type = Alphas<2>(p + 27);
      m.authenticity = Alpha(p + 29);
      m.short_sale_threshold_indicator = Alpha(p + 30);
      m.ipo_flag = Alpha(p + 31);
      m.luld_reference_price_tier = Alpha(p + 32);
      m.etp_flag = Alpha(p + 33);
      m.etp_leverage_factor = U32(p + 34);
      m.inverse_indicator = Alpha(p + 38);
      visitor(static_cast<const StockDirectory&>(m));
      break;
    }
    case StockTradingAction::kType: {
      auto m = WithHeader<StockTradingAction>(p);
      m.stock = Alphas<8>(p + 11);
      m.trading_state = Alpha(p + 19);
      m.reserved = Alpha(p + 20);
      m.reason = Alphas<4>(p + 21);
      visitor(static_cast<const StockTradingAction&>(m));
      break;
    }
    case RegShoRestriction::kType: {
      auto m = WithHeader<RegShoRestriction>(p);
      m.stock = Alphas<8>(p + 11);
      m.reg_sho_action = Alpha(p + 19);
      visitor(static_cast<const RegShoRestriction&>(m));
      break;
    }
    case MarketParticipantPosition::kType: {
      auto m = WithHeader<MarketParticipantPosition>(p);
      m.mpid = Alphas<4>(p + 11);
      m.stock = Alphas<8>(p + 15);
      m.primary_market_maker = Alpha(p + 23);
      m.market_maker_mode = Alpha(p + 24);
      m.market_participant_state = Alpha(p + 25);
      visitor(static_cast<const MarketParticipantPosition&>(m));
      break;
    }
    case MwcbDeclineLevel::kType: {
      auto m = WithHeader<MwcbDeclineLevel>(p);
      m.level_1 = U64(p + 11);
      m.level_2 = U64(p + 19);
      m.level_3 = U64(p + 27);
      visitor(static_cast<const MwcbDeclineLevel&>(m));
      break;
    }
    case MwcbStatus::kType: {
      auto m = WithHeader<MwcbStatus>(p);
      m.breached_level = Alpha(p + 11);
      visitor(static_cast<const MwcbStatus&>(m));
      break;
    }
    case IpoQuotingPeriodUpdate::kType: {
      auto m = WithHeader<IpoQuotingPeriodUpdate>(p);
      m.stock = Alphas<8>(p + 11);
      m.ipo_quotation_release_time = U32(p + 19);
      m.ipo_quotation_release_qualifier = Alpha(p + 23);
      m.ipo_price = U32(p + 24);
      visitor(static_cast<const IpoQuotingPeriodUpdate&>(m));
      break;
    }
    case LuldAuctionCollar::kType: {
      auto m = WithHeader<LuldAuctionCollar>(p);
      m.stock = Alphas<8>(p + 11);
      m.auction_collar_reference_price = U32(p + 19);
      m.upper_auction_collar_price = U32(p + 23);
      m.lower_auction_collar_price = U32(p + 27);
      m.auction_collar_extension = U32(p + 31);
      visitor(static_cast<const LuldAuctionCollar&>(m));
      break;
    }
    case OperationalHalt::kType: {
      auto m = WithHeader<OperationalHalt>(p);
      m.stock = Alphas<8>(p + 11);
      m.market_code = Alpha(p + 19);
      m.operational_halt_action = Alpha(p + 20);
      visitor(static_cast<const OperationalHalt&>(m));
      break;
    }
    case AddOrder::kType: {
      auto m = WithHeader<AddOrder>(p);
      m.order_reference = U64(p + 11);
      m.side = Alpha(p + 19);
      m.shares = U32(p + 20);
      m.stock = Alphas<8>(p + 24);
      m.price = U32(p + 32);
      visitor(static_cast<const AddOrder&>(m));
      break;
    }
    case AddOrderWithMpid::kType: {
      auto m = WithHeader<AddOrderWithMpid>(p);
      m.order_reference = U64(p + 11);
      m.side = Alpha(p + 19);
      m.shares = U32(p + 20);
      m.stock = Alphas<8>(p + 24);
      m.price = U32(p + 32);
      m.attribution = Alphas<4>(p + 36);
      visitor(static_cast<const AddOrderWithMpid&>(m));
      break;
    }
    case OrderExecuted::kType: {
      auto m = WithHeader<OrderExecuted>(p);
      m.order_reference = U64(p + 11);
      m.executed_shares = U32(p + 19);
      m.match_number = U64(p + 23);
      visitor(static_cast<const OrderExecuted&>(m));
      break;
    }
    case OrderExecutedWithPrice::kType: {
      auto m = WithHeader<OrderExecutedWithPrice>(p);
      m.order_reference = U64(p + 11);
      m.executed_shares = U32(p + 19);
      m.match_number = U64(p + 23);
      m.printable = Alpha(p + 31);
      m.execution_price = U32(p + 32);
      visitor(static_cast<const OrderExecutedWithPrice&>(m));
      break;
    }
    case OrderCancel::kType: {
      auto m = WithHeader<OrderCancel>(p);
      m.order_reference = U64(p + 11);
      m.cancelled_shares = U32(p + 19);
      visitor(static_cast<const OrderCancel&>(m));
      break;
    }
    case OrderDelete::kType: {
      auto m = WithHeader<OrderDelete>(p);
      m.order_reference = U64(p + 11);
      visitor(static_cast<const OrderDelete&>(m));
      break;
    }
    case OrderReplace::kType: {
      auto m = WithHeader<OrderReplace>(p);
      m.original_order_reference = U64(p + 11);
      m.new_order_reference = U64(p + 19);
      m.shares = U32(p + 27);
      m.price = U32(p + 31);
      visitor(static_cast<const OrderReplace&>(m));
      break;
    }
    case Trade::kType: {
      auto m = WithHeader<Trade>(p);
      m.order_reference = U64(p + 11);
      m.side = Alpha(p + 19);
      m.shares = U32(p + 20);
      m.stock = Alphas<8>(p + 24);
      m.price = U32(p + 32);
      m.match_number = U64(p + 36);
      visitor(static_cast<const Trade&>(m));
      break;
    }
    case CrossTrade::kType: {
      auto m = WithHeader<CrossTrade>(p);
      m.shares = U64(p + 11);
      m.stock = Alphas<8>(p + 19);
      m.cross_price = U32(p + 27);
      m.match_number = U64(p + 31);
      m.cross_type = Alpha(p + 39);
      visitor(static_cast<const CrossTrade&>(m));
      break;
    }
    case BrokenTrade::kType: {
      auto m = WithHeader<BrokenTrade>(p);
      m.match_number = U64(p + 11);
      visitor(static_cast<const BrokenTrade&>(m));
      break;
    }
    case NetOrderImbalanceIndicator::kType: {
      auto m = WithHeader<NetOrderImbalanceIndicator>(p);
      m.paired_shares = U64(p + 11);
      m.imbalance_shares = U64(p + 19);
      m.imbalance_direction = Alpha(p + 27);
      m.stock = Alphas<8>(p + 28);
      m.far_price = U32(p + 36);
      m.near_price = U32(p + 40);
      m.current_reference_price = U32(p + 44);
      m.cross_type = Alpha(p + 48);
      m.price_variation_indicator = Alpha(p + 49);
      visitor(static_cast<const NetOrderImbalanceIndicator&>(m));
      break;
    }
    case RetailPriceImprovementIndicator::kType: {
      auto m = WithHeader<RetailPriceImprovementIndicator>(p);
      m.stock = Alphas<8>(p + 11);
      m.interest_flag = Alpha(p + 19);
      visitor(static_cast<const RetailPriceImprovementIndicator&>(m));
      break;
    }
    case DirectListingCapitalRaise::kType: {
      auto m = WithHeader<DirectListingCapitalRaise>(p);
      m.stock = Alphas<8>(p + 11);
      m.open_eligibility_status = Alpha(p + 19);
      m.minimum_allowable_price = U32(p + 20);
      m.maximum_allowable_price = U32(p + 24);
      m.near_execution_price = U32(p + 28);
      m.near_execution_time = U64(p + 32);
      m.lower_price_range_collar = U32(p + 40);
      m.upper_price_range_collar = U32(p + 44);
      visitor(static_cast<const DirectListingCapitalRaise&>(m));
      break;
    }
    default:
      break;  // unreachable: every type with a length has a case
  }
  return DecodeResult{DecodeStatus::kOk, type, expected, message.size()};
}

// Folds the timestamp and, where the message has them, the order reference,
// share count and price into `fold` (see MessageCounter).
inline DecodeResult DecodeAndFold(std::span<const std::byte> message,
                                  std::uint64_t& fold) noexcept {
  return Decode(message, [&fold](const auto& m) noexcept {
    fold = FoldField(fold, m.timestamp_ns);
    if constexpr (requires { m.order_reference; }) fold = FoldField(fold, m.order_reference);
    if constexpr (requires { m.shares; }) fold = FoldField(fold, m.shares);
    if constexpr (requires { m.executed_shares; }) fold = FoldField(fold, m.executed_shares);
    if constexpr (requires { m.price; }) fold = FoldField(fold, m.price);
    if constexpr (requires { m.match_number; }) fold = FoldField(fold, m.match_number);
  });
}

// Cold (itch.cpp): the specification's message name, e.g. 'A' -> "Add Order";
// empty for an unknown type.
std::string_view MessageName(char type) noexcept;

}  // namespace feed::itch
