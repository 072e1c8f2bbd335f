// Writes one message through an installed ringlib and reads it back.
#include <ringlib/ringlib.hpp>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <string>

int main() {
  const std::string ring = "consumer_" + std::to_string(::getpid());
  ringlib::CircularBuffer::Writer writer(ring);
  ringlib::CircularBuffer::ReaderOptions options;
  options.lap_policy = ringlib::LapPolicy::kReport;
  ringlib::CircularBuffer::Reader reader(ring, options);
  const std::array<std::byte, 5> hello{std::byte{'h'}, std::byte{'e'}, std::byte{'l'},
                                       std::byte{'l'}, std::byte{'o'}};
  writer.Write(hello);
  std::array<std::byte, 16> out{};
  const auto result = reader.TryRead(out);
  if (!result.ok() || result.size != 5 || out[0] != std::byte{'h'}) return 1;
  std::puts("consumer: read 5 bytes through the installed ringlib");
  return 0;
}
