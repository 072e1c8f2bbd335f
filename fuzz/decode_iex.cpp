// libFuzzer target: the IEX TOPS 1.6 and DEEP 1.0 decoders on one arbitrary
// message (the first input byte picks the protocol; the rest is the message,
// copied to a buffer of exactly its size).
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "feed/decode.hpp"
#include "feed/iex.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  if (size == 0) return 0;
  const feed::PayloadKind kind =
      (data[0] & 1) != 0 ? feed::PayloadKind::kIexDeep10 : feed::PayloadKind::kIexTops16;
  const std::size_t length = size - 1;
  auto message = std::make_unique<std::byte[]>(length);
  if (length != 0) std::memcpy(message.get(), data + 1, length);
  const std::span<const std::byte> payload(message.get(), length);
  feed::MessageCounter counter;
  const feed::DecodeResult result = counter.Decode(kind, payload);
  if (result.ok() && result.actual_length != feed::iex::ExpectedLength(kind, result.type)) {
    std::abort();
  }
  if (result.ok() != (counter.decoded() == 1)) std::abort();
  std::uint64_t fold = 0;
  if (!(feed::iex::DecodeAndFold(kind, payload, fold) == result)) std::abort();
  (void)feed::DescribeDecodeResult(kind, result);
  (void)feed::MessageTypeName(kind, result.type);
  return 0;
}
