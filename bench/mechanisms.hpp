// The transports ring_bench compares: ringlib and what users would pick
// instead. Each is a Channel (created in the parent before fork; it owns the
// kernel names and removes them) with one sender and N receivers opened in
// the child processes. Messages are delivered losslessly and in order by
// every mechanism as configured here (ringlib: tethered readers; the rest
// block the sender when full), so a reader's rate is one it sustains.
#pragma once

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

#include "ringlib/circular_buffer.hpp"

namespace bench {

enum class Mechanism {
  kRing,           // ringlib, readers with the configured idle strategy
  kPipe,           // pipe(2), one per reader; 4-byte length prefix; buffered reads
  kUnixSeqpacket,  // socketpair(AF_UNIX, SOCK_SEQPACKET), one per reader
  kPosixMq,        // mq_open(3), one queue per reader
  kBoostMq,        // boost::interprocess::message_queue, one per reader
  kIceoryx,        // iceoryx UntypedPublisher/UntypedSubscriber through RouDi
};

std::string_view MechanismName(Mechanism mechanism) noexcept;
// Parses a name as printed by MechanismName; throws std::invalid_argument.
Mechanism ParseMechanism(std::string_view name);
std::vector<Mechanism> AllMechanisms();

// A mechanism that cannot run here, with the reason (printed in the output).
class Unavailable : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Throws Unavailable when the mechanism cannot be used on this machine
// (not built, daemon missing, kernel limits); starts RouDi for iceoryx once.
void CheckAvailable(Mechanism mechanism);
// Stops what CheckAvailable started (RouDi). Idempotent.
void ShutdownMechanisms() noexcept;

struct ChannelSpec {
  Mechanism mechanism = Mechanism::kRing;
  int receivers = 1;
  std::size_t max_message_bytes = 65535;
  std::uint64_t ring_capacity_bytes = std::uint64_t{1} << 20;
  ringlib::IdleStrategy idle = ringlib::IdleStrategy::kFutexSleep;
  // ringlib readers: ReaderOptions::spin_before_idle.
  std::chrono::nanoseconds spin_before_idle = ringlib::CircularBuffer::kDefaultSpinBeforeIdle;
  // ringlib readers: ReaderOptions::catch_up_backoff (opt-in; 0 = off).
  std::chrono::nanoseconds catch_up_backoff{0};
  bool tethered = true;  // ringlib: lossless mode (the throughput runs)
  // ringlib: the sender calls Writer::PrepareNext(size) after each message
  // (the round trips' "ringlib-prepared": the pinger and the ponger have
  // time while they wait for the other side).
  bool prepare_next = false;
};

class Sender {
 public:
  virtual ~Sender() = default;
  virtual void Send(const std::byte* data, std::size_t size) = 0;
};

class Receiver {
 public:
  virtual ~Receiver() = default;
  // Blocks until a message arrives; returns its size.
  virtual std::size_t Receive(std::byte* out, std::size_t capacity) = 0;
};

// ringlib's sender and receiver are final so the benchmark loops can call
// them without virtual dispatch (see the dynamic_casts in ring_bench.cpp).
class RingSender final : public Sender {
 public:
  RingSender(const std::string& ring_name, const ChannelSpec& spec);
  void Send(const std::byte* data, std::size_t size) override {
    writer_.Write({data, size});
    if (prepare_next_) writer_.PrepareNext(size);
  }
  ringlib::CircularBuffer::Writer& writer() noexcept { return writer_; }

 private:
  ringlib::CircularBuffer::Writer writer_;
  bool prepare_next_ = false;
};

class RingReceiver final : public Receiver {
 public:
  RingReceiver(const std::string& ring_name, const ChannelSpec& spec);
  std::size_t Receive(std::byte* out, std::size_t capacity) override {
    return reader_.Read({out, capacity});
  }
  ringlib::CircularBuffer::Reader& reader() noexcept { return reader_; }

 private:
  ringlib::CircularBuffer::Reader reader_;
};

class Channel {
 public:
  virtual ~Channel() = default;
  // In the sending child. Called once, before any receiver opens.
  virtual std::unique_ptr<Sender> OpenSender() = 0;
  // In receiving child `index` (0 .. receivers-1).
  virtual std::unique_ptr<Receiver> OpenReceiver(int index) = 0;
  // In the parent after fork: close the parent's copies of descriptors so a
  // dead peer is noticed (EOF / EPIPE) instead of hanging.
  virtual void ReleaseParentCopies() noexcept {}
  // What the output should say about this channel's configuration.
  virtual std::string Describe() const = 0;
};

// Creates the kernel objects (pipes, sockets, queues, names). Throws
// Unavailable with a reason when the mechanism cannot run here.
std::unique_ptr<Channel> CreateChannel(const ChannelSpec& spec);

}  // namespace bench
