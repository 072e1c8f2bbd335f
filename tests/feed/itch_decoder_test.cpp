// ITCH 5.0 decoder against the specification: every message is built here byte
// by byte from the spec's field table (big-endian), with lengths written from
// the spec, never taken from the decoder's tables.
#include <gtest/gtest.h>

#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <set>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "feed/itch.hpp"

namespace {

using namespace feed;

// Lengths from the NASDAQ TotalView-ITCH 5.0 specification, section 4.
constexpr std::array<std::pair<char, std::size_t>, 23> kSpecLengths{{
    {'S', 12}, {'R', 39}, {'H', 25}, {'Y', 20}, {'L', 26}, {'V', 35}, {'W', 12}, {'K', 28},
    {'J', 35}, {'h', 21}, {'A', 36}, {'F', 40}, {'E', 31}, {'C', 36}, {'X', 23}, {'D', 19},
    {'U', 35}, {'P', 44}, {'Q', 40}, {'B', 19}, {'I', 50}, {'N', 20}, {'O', 48},
}};

// Writes a message big-endian, starting at an odd address (one pad byte in
// front) so every multi-byte field is read unaligned.
class Message {
 public:
  Message() { bytes_.push_back(std::byte{0xEE}); }
  Message& U8(std::uint8_t v) {
    bytes_.push_back(std::byte{v});
    return *this;
  }
  Message& Char(char c) { return U8(static_cast<std::uint8_t>(c)); }
  Message& BigEndian(std::uint64_t v, int width_bytes) {
    for (int shift = 8 * (width_bytes - 1); shift >= 0; shift -= 8) {
      U8(static_cast<std::uint8_t>((v >> shift) & 0xFF));
    }
    return *this;
  }
  Message& Be16(std::uint16_t v) { return BigEndian(v, 2); }
  Message& Be32(std::uint32_t v) { return BigEndian(v, 4); }
  Message& Be48(std::uint64_t v) { return BigEndian(v, 6); }
  Message& Be64(std::uint64_t v) { return BigEndian(v, 8); }
  // Alpha field: left-justified, space-padded to `width`.
  Message& Alpha(std::string_view text, std::size_t width) {
    for (std::size_t i = 0; i < width; ++i) Char(i < text.size() ? text[i] : ' ');
    return *this;
  }
  // Type, stock locate, tracking number, 6-byte timestamp.
  Message& Header(char type, std::uint16_t locate, std::uint16_t tracking, std::uint64_t ts) {
    return Char(type).Be16(locate).Be16(tracking).Be48(ts);
  }
  [[nodiscard]] std::span<const std::byte> span() const {
    return std::span<const std::byte>(bytes_).subspan(1);
  }
  [[nodiscard]] std::size_t size() const { return bytes_.size() - 1; }

 private:
  std::vector<std::byte> bytes_;
};

template <std::size_t N>
std::array<char, N> Chars(std::string_view text) {
  std::array<char, N> chars{};
  for (std::size_t i = 0; i < N; ++i) chars[i] = i < text.size() ? text[i] : ' ';
  return chars;
}

constexpr std::uint16_t kLocate = 0x1234;
constexpr std::uint16_t kTracking = 0xBEEF;
constexpr std::uint64_t kTimestamp = 0x123456789ABCULL;  // uses all 48 bits

// Decodes `message`, expects success and exactly one visit with type T.
template <class T>
std::optional<T> DecodeAs(const Message& message) {
  std::optional<T> decoded;
  int visits = 0;
  const DecodeResult result = itch::Decode(message.span(), [&](const auto& m) {
    ++visits;
    if constexpr (std::is_same_v<std::decay_t<decltype(m)>, T>) decoded = m;
  });
  EXPECT_EQ(result.status, DecodeStatus::kOk);
  EXPECT_EQ(result.type, static_cast<std::uint8_t>(T::kType));
  EXPECT_EQ(result.actual_length, message.size());
  EXPECT_EQ(visits, 1);
  return decoded;
}

void ExpectHeader(const itch::Header& m) {
  EXPECT_EQ(m.stock_locate, kLocate);
  EXPECT_EQ(m.tracking_number, kTracking);
  EXPECT_EQ(m.timestamp_ns, kTimestamp);
}

TEST(ItchDecoder, DecodesSystemEvent) {
  Message msg;
  msg.Header('S', kLocate, kTracking, kTimestamp).Char('O');
  ASSERT_EQ(msg.size(), 12u);
  const auto m = DecodeAs<itch::SystemEvent>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->event_code, 'O');
}

TEST(ItchDecoder, DecodesStockDirectory) {
  Message msg;
  msg.Header('R', kLocate, kTracking, kTimestamp)
      .Alpha("AAPL", 8)
      .Char('Q')
      .Char('N')
      .Be32(100)
      .Char('N')
      .Char('C')
      .Alpha("Z", 2)
      .Char('P')
      .Char('N')
      .Char('N')
      .Char('1')
      .Char('N')
      .Be32(3)
      .Char('Y');
  ASSERT_EQ(msg.size(), 39u);
  const auto m = DecodeAs<itch::StockDirectory>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->stock, Chars<8>("AAPL"));
  EXPECT_EQ(m->market_category, 'Q');
  EXPECT_EQ(m->financial_status_indicator, 'N');
  EXPECT_EQ(m->round_lot_size, 100u);
  EXPECT_EQ(m->round_lots_only, 'N');
  EXPECT_EQ(m->issue_classification, 'C');
  EXPECT_EQ(m->issue_sub_type, Chars<2>("Z"));
  EXPECT_EQ(m->authenticity, 'P');
  EXPECT_EQ(m->short_sale_threshold_indicator, 'N');
  EXPECT_EQ(m->ipo_flag, 'N');
  EXPECT_EQ(m->luld_reference_price_tier, '1');
  EXPECT_EQ(m->etp_flag, 'N');
  EXPECT_EQ(m->etp_leverage_factor, 3u);
  EXPECT_EQ(m->inverse_indicator, 'Y');
}

TEST(ItchDecoder, DecodesStockTradingAction) {
  Message msg;
  msg.Header('H', kLocate, kTracking, kTimestamp).Alpha("MSFT", 8).Char('T').Char(' ').Alpha(
      "LUDP", 4);
  ASSERT_EQ(msg.size(), 25u);
  const auto m = DecodeAs<itch::StockTradingAction>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->stock, Chars<8>("MSFT"));
  EXPECT_EQ(m->trading_state, 'T');
  EXPECT_EQ(m->reserved, ' ');
  EXPECT_EQ(m->reason, Chars<4>("LUDP"));
}

TEST(ItchDecoder, DecodesRegShoRestriction) {
  Message msg;
  msg.Header('Y', kLocate, kTracking, kTimestamp).Alpha("ZVZZT", 8).Char('1');
  ASSERT_EQ(msg.size(), 20u);
  const auto m = DecodeAs<itch::RegShoRestriction>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->stock, Chars<8>("ZVZZT"));
  EXPECT_EQ(m->reg_sho_action, '1');
}

TEST(ItchDecoder, DecodesMarketParticipantPosition) {
  Message msg;
  msg.Header('L', kLocate, kTracking, kTimestamp)
      .Alpha("GSCO", 4)
      .Alpha("IBM", 8)
      .Char('Y')
      .Char('N')
      .Char('A');
  ASSERT_EQ(msg.size(), 26u);
  const auto m = DecodeAs<itch::MarketParticipantPosition>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->mpid, Chars<4>("GSCO"));
  EXPECT_EQ(m->stock, Chars<8>("IBM"));
  EXPECT_EQ(m->primary_market_maker, 'Y');
  EXPECT_EQ(m->market_maker_mode, 'N');
  EXPECT_EQ(m->market_participant_state, 'A');
}

TEST(ItchDecoder, DecodesMwcbDeclineLevelWithEightDecimalPrices) {
  Message msg;
  msg.Header('V', kLocate, kTracking, kTimestamp)
      .Be64(310'000'000'000ULL)
      .Be64(290'000'000'000ULL)
      .Be64(0x0102030405060708ULL);
  ASSERT_EQ(msg.size(), 35u);
  const auto m = DecodeAs<itch::MwcbDeclineLevel>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->level_1, 310'000'000'000ULL);
  EXPECT_EQ(m->level_2, 290'000'000'000ULL);
  EXPECT_EQ(m->level_3, 0x0102030405060708ULL);
}

TEST(ItchDecoder, DecodesMwcbStatus) {
  Message msg;
  msg.Header('W', kLocate, kTracking, kTimestamp).Char('2');
  ASSERT_EQ(msg.size(), 12u);
  const auto m = DecodeAs<itch::MwcbStatus>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->breached_level, '2');
}

TEST(ItchDecoder, DecodesIpoQuotingPeriodUpdate) {
  Message msg;
  msg.Header('K', kLocate, kTracking, kTimestamp)
      .Alpha("NEWCO", 8)
      .Be32(34'200)
      .Char('A')
      .Be32(215'000);
  ASSERT_EQ(msg.size(), 28u);
  const auto m = DecodeAs<itch::IpoQuotingPeriodUpdate>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->stock, Chars<8>("NEWCO"));
  EXPECT_EQ(m->ipo_quotation_release_time, 34'200u);
  EXPECT_EQ(m->ipo_quotation_release_qualifier, 'A');
  EXPECT_EQ(m->ipo_price, 215'000u);
}

TEST(ItchDecoder, DecodesLuldAuctionCollar) {
  Message msg;
  msg.Header('J', kLocate, kTracking, kTimestamp)
      .Alpha("TSLA", 8)
      .Be32(2'500'000)
      .Be32(2'750'000)
      .Be32(2'250'000)
      .Be32(2);
  ASSERT_EQ(msg.size(), 35u);
  const auto m = DecodeAs<itch::LuldAuctionCollar>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->stock, Chars<8>("TSLA"));
  EXPECT_EQ(m->auction_collar_reference_price, 2'500'000u);
  EXPECT_EQ(m->upper_auction_collar_price, 2'750'000u);
  EXPECT_EQ(m->lower_auction_collar_price, 2'250'000u);
  EXPECT_EQ(m->auction_collar_extension, 2u);
}

TEST(ItchDecoder, DecodesOperationalHalt) {
  Message msg;
  msg.Header('h', kLocate, kTracking, kTimestamp).Alpha("QQQ", 8).Char('Q').Char('H');
  ASSERT_EQ(msg.size(), 21u);
  const auto m = DecodeAs<itch::OperationalHalt>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->stock, Chars<8>("QQQ"));
  EXPECT_EQ(m->market_code, 'Q');
  EXPECT_EQ(m->operational_halt_action, 'H');
}

TEST(ItchDecoder, DecodesAddOrder) {
  Message msg;
  msg.Header('A', kLocate, kTracking, kTimestamp)
      .Be64(0x0011223344556677ULL)
      .Char('B')
      .Be32(500)
      .Alpha("AAPL", 8)
      .Be32(1'905'500);
  ASSERT_EQ(msg.size(), 36u);
  const auto m = DecodeAs<itch::AddOrder>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->order_reference, 0x0011223344556677ULL);
  EXPECT_EQ(m->side, 'B');
  EXPECT_EQ(m->shares, 500u);
  EXPECT_EQ(m->stock, Chars<8>("AAPL"));
  EXPECT_EQ(m->price, 1'905'500u);
}

TEST(ItchDecoder, DecodesAddOrderWithMpidAttribution) {
  Message msg;
  msg.Header('F', kLocate, kTracking, kTimestamp)
      .Be64(987'654'321)
      .Char('S')
      .Be32(0xFFFFFFFFu)
      .Alpha("SPY", 8)
      .Be32(4'501'234)
      .Alpha("VIRT", 4);
  ASSERT_EQ(msg.size(), 40u);
  const auto m = DecodeAs<itch::AddOrderWithMpid>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->order_reference, 987'654'321u);
  EXPECT_EQ(m->side, 'S');
  EXPECT_EQ(m->shares, 0xFFFFFFFFu);
  EXPECT_EQ(m->stock, Chars<8>("SPY"));
  EXPECT_EQ(m->price, 4'501'234u);
  EXPECT_EQ(m->attribution, Chars<4>("VIRT"));
}

TEST(ItchDecoder, DecodesOrderExecuted) {
  Message msg;
  msg.Header('E', kLocate, kTracking, kTimestamp).Be64(42).Be32(100).Be64(0xA1B2C3D4E5F60718ULL);
  ASSERT_EQ(msg.size(), 31u);
  const auto m = DecodeAs<itch::OrderExecuted>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->order_reference, 42u);
  EXPECT_EQ(m->executed_shares, 100u);
  EXPECT_EQ(m->match_number, 0xA1B2C3D4E5F60718ULL);
}

TEST(ItchDecoder, DecodesOrderExecutedWithPrice) {
  Message msg;
  msg.Header('C', kLocate, kTracking, kTimestamp)
      .Be64(43)
      .Be32(75)
      .Be64(9'001)
      .Char('Y')
      .Be32(1'000'100);
  ASSERT_EQ(msg.size(), 36u);
  const auto m = DecodeAs<itch::OrderExecutedWithPrice>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->order_reference, 43u);
  EXPECT_EQ(m->executed_shares, 75u);
  EXPECT_EQ(m->match_number, 9'001u);
  EXPECT_EQ(m->printable, 'Y');
  EXPECT_EQ(m->execution_price, 1'000'100u);
}

TEST(ItchDecoder, DecodesOrderCancel) {
  Message msg;
  msg.Header('X', kLocate, kTracking, kTimestamp).Be64(44).Be32(25);
  ASSERT_EQ(msg.size(), 23u);
  const auto m = DecodeAs<itch::OrderCancel>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->order_reference, 44u);
  EXPECT_EQ(m->cancelled_shares, 25u);
}

TEST(ItchDecoder, DecodesOrderDelete) {
  Message msg;
  msg.Header('D', kLocate, kTracking, kTimestamp).Be64(0xFFFFFFFFFFFFFFFEULL);
  ASSERT_EQ(msg.size(), 19u);
  const auto m = DecodeAs<itch::OrderDelete>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->order_reference, 0xFFFFFFFFFFFFFFFEULL);
}

TEST(ItchDecoder, DecodesOrderReplace) {
  Message msg;
  msg.Header('U', kLocate, kTracking, kTimestamp).Be64(45).Be64(46).Be32(300).Be32(123'400);
  ASSERT_EQ(msg.size(), 35u);
  const auto m = DecodeAs<itch::OrderReplace>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->original_order_reference, 45u);
  EXPECT_EQ(m->new_order_reference, 46u);
  EXPECT_EQ(m->shares, 300u);
  EXPECT_EQ(m->price, 123'400u);
}

TEST(ItchDecoder, DecodesNonCrossTrade) {
  Message msg;
  msg.Header('P', kLocate, kTracking, kTimestamp)
      .Be64(0)
      .Char('B')
      .Be32(200)
      .Alpha("AMZN", 8)
      .Be32(1'345'600)
      .Be64(77'777);
  ASSERT_EQ(msg.size(), 44u);
  const auto m = DecodeAs<itch::Trade>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->order_reference, 0u);
  EXPECT_EQ(m->side, 'B');
  EXPECT_EQ(m->shares, 200u);
  EXPECT_EQ(m->stock, Chars<8>("AMZN"));
  EXPECT_EQ(m->price, 1'345'600u);
  EXPECT_EQ(m->match_number, 77'777u);
}

TEST(ItchDecoder, DecodesCrossTradeWithEightByteShares) {
  Message msg;
  msg.Header('Q', kLocate, kTracking, kTimestamp)
      .Be64(0x0000000100000002ULL)
      .Alpha("NVDA", 8)
      .Be32(4'500'000)
      .Be64(88'888)
      .Char('C');
  ASSERT_EQ(msg.size(), 40u);
  const auto m = DecodeAs<itch::CrossTrade>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->shares, 0x0000000100000002ULL);
  EXPECT_EQ(m->stock, Chars<8>("NVDA"));
  EXPECT_EQ(m->cross_price, 4'500'000u);
  EXPECT_EQ(m->match_number, 88'888u);
  EXPECT_EQ(m->cross_type, 'C');
}

TEST(ItchDecoder, DecodesBrokenTrade) {
  Message msg;
  msg.Header('B', kLocate, kTracking, kTimestamp).Be64(99'999);
  ASSERT_EQ(msg.size(), 19u);
  const auto m = DecodeAs<itch::BrokenTrade>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->match_number, 99'999u);
}

TEST(ItchDecoder, DecodesNetOrderImbalanceIndicator) {
  Message msg;
  msg.Header('I', kLocate, kTracking, kTimestamp)
      .Be64(1'000'000)
      .Be64(25'000)
      .Char('B')
      .Alpha("GOOG", 8)
      .Be32(1'500'000)
      .Be32(1'510'000)
      .Be32(1'505'000)
      .Char('O')
      .Char('L');
  ASSERT_EQ(msg.size(), 50u);
  const auto m = DecodeAs<itch::NetOrderImbalanceIndicator>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->paired_shares, 1'000'000u);
  EXPECT_EQ(m->imbalance_shares, 25'000u);
  EXPECT_EQ(m->imbalance_direction, 'B');
  EXPECT_EQ(m->stock, Chars<8>("GOOG"));
  EXPECT_EQ(m->far_price, 1'500'000u);
  EXPECT_EQ(m->near_price, 1'510'000u);
  EXPECT_EQ(m->current_reference_price, 1'505'000u);
  EXPECT_EQ(m->cross_type, 'O');
  EXPECT_EQ(m->price_variation_indicator, 'L');
}

TEST(ItchDecoder, DecodesRetailPriceImprovementIndicator) {
  Message msg;
  msg.Header('N', kLocate, kTracking, kTimestamp).Alpha("INTC", 8).Char('A');
  ASSERT_EQ(msg.size(), 20u);
  const auto m = DecodeAs<itch::RetailPriceImprovementIndicator>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->stock, Chars<8>("INTC"));
  EXPECT_EQ(m->interest_flag, 'A');
}

TEST(ItchDecoder, DecodesDirectListingWithCapitalRaisePriceDiscovery) {
  Message msg;
  msg.Header('O', kLocate, kTracking, kTimestamp)
      .Alpha("DLCR", 8)
      .Char('Y')
      .Be32(100'000)
      .Be32(120'000)
      .Be32(110'000)
      .Be64(0x0000123456789ABCULL)
      .Be32(99'000)
      .Be32(121'000);
  ASSERT_EQ(msg.size(), 48u);
  const auto m = DecodeAs<itch::DirectListingCapitalRaise>(msg);
  ASSERT_TRUE(m);
  ExpectHeader(*m);
  EXPECT_EQ(m->stock, Chars<8>("DLCR"));
  EXPECT_EQ(m->open_eligibility_status, 'Y');
  EXPECT_EQ(m->minimum_allowable_price, 100'000u);
  EXPECT_EQ(m->maximum_allowable_price, 120'000u);
  EXPECT_EQ(m->near_execution_price, 110'000u);
  EXPECT_EQ(m->near_execution_time, 0x0000123456789ABCULL);
  EXPECT_EQ(m->lower_price_range_collar, 99'000u);
  EXPECT_EQ(m->upper_price_range_collar, 121'000u);
}

// A message of `length` bytes: the type, then zeros.
Message ZeroMessage(char type, std::size_t length) {
  Message msg;
  msg.Char(type);
  for (std::size_t i = 1; i < length; ++i) msg.U8(0);
  return msg;
}

TEST(ItchDecoder, ExpectedLengthIsTheSpecificationLengthForEveryType) {
  for (const auto& [type, length] : kSpecLengths) {
    EXPECT_EQ(itch::ExpectedLength(type), length) << "type '" << type << "'";
  }
}

TEST(ItchDecoder, AcceptsEveryTypeAtExactlyItsSpecifiedLength) {
  for (const auto& [type, length] : kSpecLengths) {
    int visits = 0;
    const auto result = itch::Decode(ZeroMessage(type, length).span(), [&](const auto&) {
      ++visits;
    });
    EXPECT_EQ(result.status, DecodeStatus::kOk) << "type '" << type << "'";
    EXPECT_EQ(result.expected_length, length) << "type '" << type << "'";
    EXPECT_EQ(visits, 1) << "type '" << type << "'";
  }
}

TEST(ItchDecoder, ReportsOneByteShortAsWrongLengthWithExpectedAndActual) {
  for (const auto& [type, length] : kSpecLengths) {
    int visits = 0;
    const auto result =
        itch::Decode(ZeroMessage(type, length - 1).span(), [&](const auto&) { ++visits; });
    EXPECT_EQ(result, (DecodeResult{DecodeStatus::kWrongLength, static_cast<std::uint8_t>(type),
                                    static_cast<std::uint16_t>(length), length - 1}))
        << "type '" << type << "'";
    EXPECT_EQ(visits, 0) << "type '" << type << "'";
  }
}

TEST(ItchDecoder, ReportsOneByteLongAsWrongLengthWithExpectedAndActual) {
  for (const auto& [type, length] : kSpecLengths) {
    int visits = 0;
    const auto result =
        itch::Decode(ZeroMessage(type, length + 1).span(), [&](const auto&) { ++visits; });
    EXPECT_EQ(result, (DecodeResult{DecodeStatus::kWrongLength, static_cast<std::uint8_t>(type),
                                    static_cast<std::uint16_t>(length), length + 1}))
        << "type '" << type << "'";
    EXPECT_EQ(visits, 0) << "type '" << type << "'";
  }
}

TEST(ItchDecoder, ReportsEveryTypeOutsideTheSpecificationAsUnknown) {
  std::set<unsigned char> known;
  for (const auto& entry : kSpecLengths) known.insert(static_cast<unsigned char>(entry.first));
  for (int type = 0; type < 256; ++type) {
    if (known.count(static_cast<unsigned char>(type)) != 0) continue;
    int visits = 0;
    const auto result = itch::Decode(ZeroMessage(static_cast<char>(type), 36).span(),
                                     [&](const auto&) { ++visits; });
    EXPECT_EQ(result, (DecodeResult{DecodeStatus::kUnknownType, static_cast<std::uint8_t>(type),
                                    0, 36}))
        << "type " << type;
    EXPECT_EQ(itch::ExpectedLength(static_cast<char>(type)), 0) << "type " << type;
    EXPECT_EQ(visits, 0);
  }
}

TEST(ItchDecoder, ReportsEmptyPayloadWithoutVisiting) {
  int visits = 0;
  const auto result = itch::Decode(std::span<const std::byte>{}, [&](const auto&) { ++visits; });
  EXPECT_EQ(result.status, DecodeStatus::kEmpty);
  EXPECT_EQ(result.actual_length, 0u);
  EXPECT_EQ(visits, 0);
}

TEST(ItchDecoder, TimestampNsReadsSixBigEndianBytesAtOffsetFive) {
  Message msg;
  msg.Header('D', kLocate, kTracking, 0xFEDCBA987654ULL).Be64(1);
  EXPECT_EQ(itch::TimestampNs(msg.span()), 0xFEDCBA987654ULL);
}

TEST(ItchDecoder, TimestampNsNeedsTheElevenByteHeader) {
  Message msg;
  msg.Char('S').Be16(1).Be16(2).Be32(3);  // 9 bytes: timestamp cut short
  EXPECT_EQ(itch::TimestampNs(msg.span()), std::nullopt);
  EXPECT_EQ(itch::TimestampNs(std::span<const std::byte>{}), std::nullopt);
}

TEST(ItchDecoder, NamesMessageTypesAsTheSpecification) {
  EXPECT_EQ(itch::MessageName('A'), "Add Order");
  EXPECT_EQ(itch::MessageName('F'), "Add Order with MPID Attribution");
  EXPECT_EQ(itch::MessageName('h'), "Operational Halt");
  EXPECT_EQ(itch::MessageName('O'), "Direct Listing with Capital Raise Price Discovery");
  EXPECT_EQ(itch::MessageName('Z'), "");
  for (const auto& entry : kSpecLengths) {
    EXPECT_FALSE(itch::MessageName(entry.first).empty()) << "type '" << entry.first << "'";
  }
}

}  // namespace
