// Cold part of the ITCH 5.0 decoder: message names for reports.
#include "feed/itch.hpp"

namespace feed::itch {

std::string_view MessageName(char type) noexcept {
  // Names as in the specification's section 4 headings.
  switch (type) {
    case SystemEvent::kType: return "System Event";
    case StockDirectory::kType: return "Stock Directory";
    case StockTradingAction::kType: return "Stock Trading Action";
    case RegShoRestriction::kType: return "Reg SHO Short Sale Price Test Restricted Indicator";
    case MarketParticipantPosition::kType: return "Market Participant Position";
    case MwcbDeclineLevel::kType: return "MWCB Decline Level";
    case MwcbStatus::kType: return "MWCB Status";
    case IpoQuotingPeriodUpdate::kType: return "IPO Quoting Period Update";
    case LuldAuctionCollar::kType: return "LULD Auction Collar";
    case OperationalHalt::kType: return "Operational Halt";
    case AddOrder::kType: return "Add Order";
    case AddOrderWithMpid::kType: return "Add Order with MPID Attribution";
    case OrderExecuted::kType: return "Order Executed";
    case OrderExecutedWithPrice::kType: return "Order Executed with Price";
    case OrderCancel::kType: return "Order Cancel";
    case OrderDelete::kType: return "Order Delete";
    case OrderReplace::kType: return "Order Replace";
    case Trade::kType: return "Trade (Non-Cross)";
    case CrossTrade::kType: return "Cross Trade";
    case BrokenTrade::kType: return "Broken Trade";
    case NetOrderImbalanceIndicator::kType: return "Net Order Imbalance Indicator";
    case RetailPriceImprovementIndicator::kType: return "Retail Price Improvement Indicator";
    case DirectListingCapitalRaise::kType:
      return "Direct Listing with Capital Raise Price Discovery";
    default: return {};
  }
}

}  // namespace feed::itch
