// libFuzzer target: the ITCH 5.0 decoder on one arbitrary message. The input
// is copied to a buffer of exactly its size, so any read past the message is
// an ASan report. A decoded message must have its type's specified length;
// every result must be described without crashing.
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <memory>

#include "feed/decode.hpp"
#include "feed/itch.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  auto message = std::make_unique<std::byte[]>(size);
  if (size != 0) std::memcpy(message.get(), data, size);
  const std::span<const std::byte> payload(message.get(), size);
  feed::MessageCounter counter;
  const feed::DecodeResult result = counter.Decode(feed::PayloadKind::kItch50, payload);
  if (result.ok() &&
      result.actual_length != feed::itch::ExpectedLength(static_cast<char>(result.type))) {
    std::abort();
  }
  if (result.ok() != (counter.decoded() == 1)) std::abort();
  std::uint64_t fold = 0;
  const feed::DecodeResult again = feed::itch::DecodeAndFold(payload, fold);
  if (!(again == result)) std::abort();  // decoding is a pure function of the bytes
  (void)feed::DescribeDecodeResult(feed::PayloadKind::kItch50, result);
  (void)feed::itch::TimestampNs(payload);
  return 0;
}
