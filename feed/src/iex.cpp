// Cold part of the IEX TOPS 1.6 / DEEP 1.0 decoders: message names for reports.
#include "feed/iex.hpp"

namespace feed::iex {

std::string_view MessageName(PayloadKind kind, std::uint8_t type) noexcept {
  // A name only for types the protocol defines, so TOPS 'Q' has one and DEEP 'Q' not.
  if (ExpectedLength(kind, type) == 0) return {};
  switch (static_cast<char>(type)) {
    case SystemEvent::kType: return "System Event";
    case SecurityDirectory::kType: return "Security Directory";
    case TradingStatus::kType: return "Trading Status";
    case RetailLiquidityIndicator::kType: return "Retail Liquidity Indicator";
    case OperationalHaltStatus::kType: return "Operational Halt Status";
    case ShortSalePriceTestStatus::kType: return "Short Sale Price Test Status";
    case SecurityEvent::kType: return "Security Event";
    case QuoteUpdate::kType: return "Quote Update";
    case PriceLevelUpdate::kBuyType: return "Price Level Update (Buy)";
    case PriceLevelUpdate::kSellType: return "Price Level Update (Sell)";
    case TradeReport::kType: return "Trade Report";
    case OfficialPrice::kType: return "Official Price";
    case TradeBreak::kType: return "Trade Break";
    case AuctionInformation::kType: return "Auction Information";
    default: return {};
  }
}

}  // namespace feed::iex
