// IEX TOPS 1.6 and DEEP 1.0 decoders against the specifications: every message
// is built here byte by byte from the spec's field table (little-endian), with
// lengths written from the spec, never taken from the decoder's tables.
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

#include "feed/iex.hpp"

namespace {

using namespace feed;

using TypeLength = std::pair<char, std::size_t>;

// TOPS specification v1.66 and DEEP specification, message format sections.
constexpr std::array<TypeLength, 12> kTopsSpecLengths{{
    {'S', 10}, {'D', 31}, {'H', 22}, {'I', 18}, {'O', 18}, {'P', 19},
    {'E', 18}, {'Q', 42}, {'T', 38}, {'X', 26}, {'B', 38}, {'A', 80},
}};
constexpr std::array<TypeLength, 13> kDeepSpecLengths{{
    {'S', 10}, {'D', 31}, {'H', 22}, {'I', 18}, {'O', 18}, {'P', 19}, {'E', 18},
    {'8', 30}, {'5', 30}, {'T', 38}, {'X', 26}, {'B', 38}, {'A', 80},
}};

constexpr std::array<PayloadKind, 2> kIexKinds{PayloadKind::kIexTops16, PayloadKind::kIexDeep10};

std::span<const TypeLength> SpecLengths(PayloadKind kind) {
  if (kind == PayloadKind::kIexTops16) return kTopsSpecLengths;
  return kDeepSpecLengths;
}

const char* KindName(PayloadKind kind) {
  return kind == PayloadKind::kIexTops16 ? "TOPS" : "DEEP";
}

// Writes a message little-endian, starting at an odd address (one pad byte in
// front) so every multi-byte field is read unaligned.
class Message {
 public:
  Message() { bytes_.push_back(std::byte{0xEE}); }
  Message& U8(std::uint8_t v) {
    bytes_.push_back(std::byte{v});
    return *this;
  }
  Message& Char(char c) { return U8(static_cast<std::uint8_t>(c)); }
  Message& LittleEndian(std::uint64_t v, int width_bytes) {
    for (int i = 0; i < width_bytes; ++i) U8(static_cast<std::uint8_t>((v >> (8 * i)) & 0xFF));
    return *this;
  }
  Message& Le32(std::uint32_t v) { return LittleEndian(v, 4); }
  Message& Le64(std::int64_t v) { return LittleEndian(static_cast<std::uint64_t>(v), 8); }
  // String field: left-justified, space-padded to `width`.
  Message& Text(std::string_view text, std::size_t width) {
    for (std::size_t i = 0; i < width; ++i) Char(i < text.size() ? text[i] : ' ');
    return *this;
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

// 2017-04-17 17:00:00 UTC, the System Event example of the specifications.
constexpr std::int64_t kTimestamp = 1492448400000000000LL;

template <class T>
std::optional<T> DecodeAs(PayloadKind kind, const Message& message) {
  std::optional<T> decoded;
  int visits = 0;
  const DecodeResult result = iex::Decode(kind, message.span(), [&](const auto& m) {
    ++visits;
    if constexpr (std::is_same_v<std::decay_t<decltype(m)>, T>) decoded = m;
  });
  EXPECT_EQ(result.status, DecodeStatus::kOk) << KindName(kind);
  EXPECT_EQ(result.actual_length, message.size()) << KindName(kind);
  EXPECT_EQ(visits, 1) << KindName(kind);
  return decoded;
}

TEST(IexDecoder, DecodesSystemEventInTopsAndDeep) {
  Message msg;
  msg.Char('S').Char('E').Le64(kTimestamp);
  ASSERT_EQ(msg.size(), 10u);
  for (const PayloadKind kind : kIexKinds) {
    const auto m = DecodeAs<iex::SystemEvent>(kind, msg);
    ASSERT_TRUE(m) << KindName(kind);
    EXPECT_EQ(m->system_event, 'E');
    EXPECT_EQ(m->timestamp_ns, kTimestamp);
  }
}

TEST(IexDecoder, DecodesSecurityDirectoryInTopsAndDeep) {
  // The specification's example: ZIEXT, test security, 100-share lots, $99.05, tier 1.
  Message msg;
  msg.Char('D').U8(0x80).Le64(kTimestamp).Text("ZIEXT", 8).Le32(100).Le64(990'500).U8(1);
  ASSERT_EQ(msg.size(), 31u);
  for (const PayloadKind kind : kIexKinds) {
    const auto m = DecodeAs<iex::SecurityDirectory>(kind, msg);
    ASSERT_TRUE(m) << KindName(kind);
    EXPECT_EQ(m->flags, 0x80);
    EXPECT_EQ(m->timestamp_ns, kTimestamp);
    EXPECT_EQ(m->symbol, Chars<8>("ZIEXT"));
    EXPECT_EQ(m->round_lot_size, 100u);
    EXPECT_EQ(m->adjusted_poc_price, 990'500);
    EXPECT_EQ(m->luld_tier, 1);
  }
}

TEST(IexDecoder, DecodesTradingStatusInTopsAndDeep) {
  Message msg;
  msg.Char('H').Char('H').Le64(kTimestamp).Text("ZIEXT", 8).Text("T1", 4);
  ASSERT_EQ(msg.size(), 22u);
  for (const PayloadKind kind : kIexKinds) {
    const auto m = DecodeAs<iex::TradingStatus>(kind, msg);
    ASSERT_TRUE(m) << KindName(kind);
    EXPECT_EQ(m->trading_status, 'H');
    EXPECT_EQ(m->timestamp_ns, kTimestamp);
    EXPECT_EQ(m->symbol, Chars<8>("ZIEXT"));
    EXPECT_EQ(m->reason, Chars<4>("T1"));
  }
}

TEST(IexDecoder, DecodesRetailLiquidityIndicatorInTopsAndDeep) {
  Message msg;
  msg.Char('I').Char('A').Le64(kTimestamp).Text("IBM", 8);
  ASSERT_EQ(msg.size(), 18u);
  for (const PayloadKind kind : kIexKinds) {
    const auto m = DecodeAs<iex::RetailLiquidityIndicator>(kind, msg);
    ASSERT_TRUE(m) << KindName(kind);
    EXPECT_EQ(m->retail_liquidity_indicator, 'A');
    EXPECT_EQ(m->timestamp_ns, kTimestamp);
    EXPECT_EQ(m->symbol, Chars<8>("IBM"));
  }
}

TEST(IexDecoder, DecodesOperationalHaltStatusInTopsAndDeep) {
  Message msg;
  msg.Char('O').Char('N').Le64(kTimestamp).Text("SPY", 8);
  ASSERT_EQ(msg.size(), 18u);
  for (const PayloadKind kind : kIexKinds) {
    const auto m = DecodeAs<iex::OperationalHaltStatus>(kind, msg);
    ASSERT_TRUE(m) << KindName(kind);
    EXPECT_EQ(m->operational_halt_status, 'N');
    EXPECT_EQ(m->timestamp_ns, kTimestamp);
    EXPECT_EQ(m->symbol, Chars<8>("SPY"));
  }
}

TEST(IexDecoder, DecodesShortSalePriceTestStatusInTopsAndDeep) {
  Message msg;
  msg.Char('P').U8(1).Le64(kTimestamp).Text("ZIEXT", 8).Char('A');
  ASSERT_EQ(msg.size(), 19u);
  for (const PayloadKind kind : kIexKinds) {
    const auto m = DecodeAs<iex::ShortSalePriceTestStatus>(kind, msg);
    ASSERT_TRUE(m) << KindName(kind);
    EXPECT_EQ(m->short_sale_price_test_status, 1);
    EXPECT_EQ(m->timestamp_ns, kTimestamp);
    EXPECT_EQ(m->symbol, Chars<8>("ZIEXT"));
    EXPECT_EQ(m->detail, 'A');
  }
}

TEST(IexDecoder, DecodesSecurityEventInTopsAndDeep) {
  Message msg;
  msg.Char('E').Char('O').Le64(kTimestamp).Text("ZIEXT", 8);
  ASSERT_EQ(msg.size(), 18u);
  for (const PayloadKind kind : kIexKinds) {
    const auto m = DecodeAs<iex::SecurityEvent>(kind, msg);
    ASSERT_TRUE(m) << KindName(kind);
    EXPECT_EQ(m->security_event, 'O');
    EXPECT_EQ(m->timestamp_ns, kTimestamp);
    EXPECT_EQ(m->symbol, Chars<8>("ZIEXT"));
  }
}

TEST(IexDecoder, DecodesTopsQuoteUpdate) {
  Message msg;
  msg.Char('Q')
      .U8(0x40)
      .Le64(kTimestamp)
      .Text("ZIEXT", 8)
      .Le32(9'700)
      .Le64(990'500)
      .Le64(1'000'100)
      .Le32(1'800);
  ASSERT_EQ(msg.size(), 42u);
  const auto m = DecodeAs<iex::QuoteUpdate>(PayloadKind::kIexTops16, msg);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->flags, 0x40);
  EXPECT_EQ(m->timestamp_ns, kTimestamp);
  EXPECT_EQ(m->symbol, Chars<8>("ZIEXT"));
  EXPECT_EQ(m->bid_size, 9'700u);
  EXPECT_EQ(m->bid_price, 990'500);
  EXPECT_EQ(m->ask_price, 1'000'100);
  EXPECT_EQ(m->ask_size, 1'800u);
}

TEST(IexDecoder, DecodesDeepPriceLevelUpdateBuyAndSellSides) {
  for (const char type : {'8', '5'}) {
    Message msg;
    msg.Char(type).U8(1).Le64(kTimestamp).Text("ZIEXT", 8).Le32(9'700).Le64(990'500);
    ASSERT_EQ(msg.size(), 30u);
    const auto m = DecodeAs<iex::PriceLevelUpdate>(PayloadKind::kIexDeep10, msg);
    ASSERT_TRUE(m) << "type '" << type << "'";
    EXPECT_EQ(m->message_type, type);
    EXPECT_EQ(m->is_buy_side(), type == '8');
    EXPECT_EQ(m->event_flags, 1);
    EXPECT_EQ(m->timestamp_ns, kTimestamp);
    EXPECT_EQ(m->symbol, Chars<8>("ZIEXT"));
    EXPECT_EQ(m->size, 9'700u);
    EXPECT_EQ(m->price, 990'500);
  }
}

TEST(IexDecoder, DecodesTradeReportInTopsAndDeep) {
  Message msg;
  msg.Char('T').U8(0xA0).Le64(kTimestamp).Text("ZIEXT", 8).Le32(100).Le64(990'500).Le64(429'974);
  ASSERT_EQ(msg.size(), 38u);
  for (const PayloadKind kind : kIexKinds) {
    const auto m = DecodeAs<iex::TradeReport>(kind, msg);
    ASSERT_TRUE(m) << KindName(kind);
    EXPECT_EQ(m->sale_condition_flags, 0xA0);
    EXPECT_EQ(m->timestamp_ns, kTimestamp);
    EXPECT_EQ(m->symbol, Chars<8>("ZIEXT"));
    EXPECT_EQ(m->size, 100u);
    EXPECT_EQ(m->price, 990'500);
    EXPECT_EQ(m->trade_id, 429'974);
  }
}

TEST(IexDecoder, DecodesOfficialPriceInTopsAndDeep) {
  Message msg;
  msg.Char('X').Char('Q').Le64(kTimestamp).Text("ZIEXT", 8).Le64(990'500);
  ASSERT_EQ(msg.size(), 26u);
  for (const PayloadKind kind : kIexKinds) {
    const auto m = DecodeAs<iex::OfficialPrice>(kind, msg);
    ASSERT_TRUE(m) << KindName(kind);
    EXPECT_EQ(m->price_type, 'Q');
    EXPECT_EQ(m->timestamp_ns, kTimestamp);
    EXPECT_EQ(m->symbol, Chars<8>("ZIEXT"));
    EXPECT_EQ(m->official_price, 990'500);
  }
}

TEST(IexDecoder, DecodesTradeBreakInTopsAndDeep) {
  Message msg;
  msg.Char('B').U8(0x00).Le64(kTimestamp).Text("ZIEXT", 8).Le32(100).Le64(990'500).Le64(-7);
  ASSERT_EQ(msg.size(), 38u);
  for (const PayloadKind kind : kIexKinds) {
    const auto m = DecodeAs<iex::TradeBreak>(kind, msg);
    ASSERT_TRUE(m) << KindName(kind);
    EXPECT_EQ(m->sale_condition_flags, 0x00);
    EXPECT_EQ(m->timestamp_ns, kTimestamp);
    EXPECT_EQ(m->symbol, Chars<8>("ZIEXT"));
    EXPECT_EQ(m->size, 100u);
    EXPECT_EQ(m->price, 990'500);
    EXPECT_EQ(m->trade_id, -7);  // Long is signed
  }
}

TEST(IexDecoder, DecodesAuctionInformationInTopsAndDeep) {
  Message msg;
  msg.Char('A')
      .Char('C')
      .Le64(kTimestamp)
      .Text("ZIEXT", 8)
      .Le32(50'000)
      .Le64(990'500)
      .Le64(991'000)
      .Le32(1'200)
      .Char('B')
      .U8(3)
      .Le32(1'492'459'200)
      .Le64(992'000)
      .Le64(990'000)
      .Le64(891'000)
      .Le64(1'089'000);
  ASSERT_EQ(msg.size(), 80u);
  for (const PayloadKind kind : kIexKinds) {
    const auto m = DecodeAs<iex::AuctionInformation>(kind, msg);
    ASSERT_TRUE(m) << KindName(kind);
    EXPECT_EQ(m->auction_type, 'C');
    EXPECT_EQ(m->timestamp_ns, kTimestamp);
    EXPECT_EQ(m->symbol, Chars<8>("ZIEXT"));
    EXPECT_EQ(m->paired_shares, 50'000u);
    EXPECT_EQ(m->reference_price, 990'500);
    EXPECT_EQ(m->indicative_clearing_price, 991'000);
    EXPECT_EQ(m->imbalance_shares, 1'200u);
    EXPECT_EQ(m->imbalance_side, 'B');
    EXPECT_EQ(m->extension_number, 3);
    EXPECT_EQ(m->scheduled_auction_time, 1'492'459'200u);
    EXPECT_EQ(m->auction_book_clearing_price, 992'000);
    EXPECT_EQ(m->collar_reference_price, 990'000);
    EXPECT_EQ(m->lower_auction_collar, 891'000);
    EXPECT_EQ(m->upper_auction_collar, 1'089'000);
  }
}

TEST(IexDecoder, DecodesNegativePricesAsSigned) {
  Message msg;
  msg.Char('X').Char('M').Le64(-1).Text("NEG", 8).Le64(-990'500);
  const auto m = DecodeAs<iex::OfficialPrice>(PayloadKind::kIexTops16, msg);
  ASSERT_TRUE(m);
  EXPECT_EQ(m->timestamp_ns, -1);
  EXPECT_EQ(m->official_price, -990'500);
}

Message ZeroMessage(char type, std::size_t length) {
  Message msg;
  msg.Char(type);
  for (std::size_t i = 1; i < length; ++i) msg.U8(0);
  return msg;
}

TEST(IexDecoder, ExpectedLengthIsTheSpecificationLengthForEveryType) {
  for (const PayloadKind kind : kIexKinds) {
    for (const auto& [type, length] : SpecLengths(kind)) {
      EXPECT_EQ(iex::ExpectedLength(kind, static_cast<std::uint8_t>(type)), length)
          << KindName(kind) << " type '" << type << "'";
    }
  }
}

TEST(IexDecoder, AcceptsEveryTypeAtExactlyItsSpecifiedLength) {
  for (const PayloadKind kind : kIexKinds) {
    for (const auto& [type, length] : SpecLengths(kind)) {
      int visits = 0;
      const auto result =
          iex::Decode(kind, ZeroMessage(type, length).span(), [&](const auto&) { ++visits; });
      EXPECT_EQ(result.status, DecodeStatus::kOk) << KindName(kind) << " type '" << type << "'";
      EXPECT_EQ(visits, 1) << KindName(kind) << " type '" << type << "'";
    }
  }
}

TEST(IexDecoder, ReportsOneByteShortAndOneByteLongAsWrongLengthWithExpectedAndActual) {
  for (const PayloadKind kind : kIexKinds) {
    for (const auto& [type, length] : SpecLengths(kind)) {
      for (const std::size_t actual : {length - 1, length + 1}) {
        int visits = 0;
        const auto result =
            iex::Decode(kind, ZeroMessage(type, actual).span(), [&](const auto&) { ++visits; });
        EXPECT_EQ(result,
                  (DecodeResult{DecodeStatus::kWrongLength, static_cast<std::uint8_t>(type),
                                static_cast<std::uint16_t>(length), actual}))
            << KindName(kind) << " type '" << type << "' length " << actual;
        EXPECT_EQ(visits, 0);
      }
    }
  }
}

TEST(IexDecoder, ReportsEveryTypeOutsideEachSpecificationAsUnknown) {
  for (const PayloadKind kind : kIexKinds) {
    std::set<unsigned char> known;
    for (const auto& entry : SpecLengths(kind)) known.insert(static_cast<unsigned char>(entry.first));
    for (int type = 0; type < 256; ++type) {
      if (known.count(static_cast<unsigned char>(type)) != 0) continue;
      int visits = 0;
      const auto result = iex::Decode(kind, ZeroMessage(static_cast<char>(type), 42).span(),
                                      [&](const auto&) { ++visits; });
      EXPECT_EQ(result, (DecodeResult{DecodeStatus::kUnknownType,
                                      static_cast<std::uint8_t>(type), 0, 42}))
          << KindName(kind) << " type " << type;
      EXPECT_EQ(visits, 0);
    }
  }
}

TEST(IexDecoder, QuoteUpdateIsTopsOnlyAndPriceLevelUpdatesAreDeepOnly) {
  EXPECT_EQ(iex::Decode(PayloadKind::kIexDeep10, ZeroMessage('Q', 42).span(), [](const auto&) {})
                .status,
            DecodeStatus::kUnknownType);
  EXPECT_EQ(iex::Decode(PayloadKind::kIexTops16, ZeroMessage('8', 30).span(), [](const auto&) {})
                .status,
            DecodeStatus::kUnknownType);
  EXPECT_EQ(iex::Decode(PayloadKind::kIexTops16, ZeroMessage('5', 30).span(), [](const auto&) {})
                .status,
            DecodeStatus::kUnknownType);
}

TEST(IexDecoder, ReportsEmptyPayloadWithoutVisiting) {
  for (const PayloadKind kind : kIexKinds) {
    int visits = 0;
    const auto result =
        iex::Decode(kind, std::span<const std::byte>{}, [&](const auto&) { ++visits; });
    EXPECT_EQ(result.status, DecodeStatus::kEmpty) << KindName(kind);
    EXPECT_EQ(visits, 0);
  }
}

TEST(IexDecoder, ExpectedLengthIsZeroForNonIexPayloadKinds) {
  EXPECT_EQ(iex::ExpectedLength(PayloadKind::kItch50, 'Q'), 0);
  EXPECT_EQ(iex::ExpectedLength(PayloadKind::kOpaque, 'S'), 0);
}

TEST(IexDecoder, NamesMessageTypesPerProtocol) {
  EXPECT_EQ(iex::MessageName(PayloadKind::kIexTops16, 'Q'), "Quote Update");
  EXPECT_EQ(iex::MessageName(PayloadKind::kIexDeep10, '8'), "Price Level Update (Buy)");
  EXPECT_EQ(iex::MessageName(PayloadKind::kIexDeep10, '5'), "Price Level Update (Sell)");
  EXPECT_EQ(iex::MessageName(PayloadKind::kIexDeep10, 'I'), "Retail Liquidity Indicator");
  EXPECT_EQ(iex::MessageName(PayloadKind::kIexDeep10, 'Q'), "");
  EXPECT_EQ(iex::MessageName(PayloadKind::kIexTops16, '8'), "");
  for (const PayloadKind kind : kIexKinds) {
    for (const auto& entry : SpecLengths(kind)) {
      EXPECT_FALSE(iex::MessageName(kind, static_cast<std::uint8_t>(entry.first)).empty())
          << KindName(kind) << " type '" << entry.first << "'";
    }
  }
}

}  // namespace
