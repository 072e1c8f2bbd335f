// The transports of ring_bench. Each peer is used the way its documentation
// suggests for message passing, with blocking calls (no busy polling) for
// throughput; see docs/benchmarks.md, "What each mechanism does".
#include "mechanisms.hpp"

#include <fcntl.h>
#include <mqueue.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <chrono>
#include <cstring>
#include <algorithm>
#include <fstream>
#include <optional>
#include <sstream>
#include <thread>

#include <boost/interprocess/ipc/message_queue.hpp>

#if RING_BENCH_HAVE_ICEORYX
#include "iceoryx_hoofs/log/logmanager.hpp"
#include "iceoryx_posh/mepoo/chunk_header.hpp"
#include "iceoryx_posh/popo/untyped_publisher.hpp"
#include "iceoryx_posh/popo/untyped_subscriber.hpp"
#include "iceoryx_posh/popo/wait_set.hpp"
#include "iceoryx_posh/runtime/posh_runtime.hpp"
#endif

namespace bench {
namespace {

[[noreturn]] void ThrowErrno(const std::string& what) {
  throw std::runtime_error(what + ": " + std::strerror(errno));
}

// Kernel-visible names unique to this run and channel.
std::string UniqueName(std::string_view prefix) {
  static std::atomic<int> counter{0};
  return std::string(prefix) + std::to_string(::getpid()) + "." +
         std::to_string(counter.fetch_add(1));
}

void WriteAll(int fd, const void* data, std::size_t size) {
  const auto* p = static_cast<const char*>(data);
  while (size > 0) {
    const ssize_t n = ::write(fd, p, size);
    if (n < 0) {
      if (errno == EINTR) continue;
      ThrowErrno("write");
    }
    p += n;
    size -= static_cast<std::size_t>(n);
  }
}

void CloseFd(int& fd) noexcept {
  if (fd >= 0) ::close(fd);
  fd = -1;
}

// ------------------------------------------------------------------ ringlib

class RingChannel final : public Channel {
 public:
  explicit RingChannel(const ChannelSpec& spec)
      : spec_(spec), name_(UniqueName("ring_bench.")) {}
  ~RingChannel() override { ringlib::CircularBuffer::IWrapper::Remove(name_); }
  std::unique_ptr<Sender> OpenSender() override {
    return std::make_unique<RingSender>(name_, spec_);
  }
  std::unique_ptr<Receiver> OpenReceiver(int) override {
    return std::make_unique<RingReceiver>(name_, spec_);
  }
  std::string Describe() const override {
    return "capacity " + std::to_string(spec_.ring_capacity_bytes) + " B" +
           (spec_.tethered ? ", tethered (lossless)" : ", writer never waits") +
           (spec_.prepare_next ? ", PrepareNext(size) after each message" : "");
  }

 private:
  ChannelSpec spec_;
  std::string name_;
};

// ------------------------------------------------------------------ pipe

class PipeSender final : public Sender {
 public:
  explicit PipeSender(std::vector<int> fds) : fds_(std::move(fds)) {}
  ~PipeSender() override {
    for (int& fd : fds_) CloseFd(fd);
  }
  void Send(const std::byte* data, std::size_t size) override {
    // One system call per message and reader: a length prefix and the
    // payload gathered by writev (at most 64 KiB + 4, written whole).
    auto length = static_cast<std::uint32_t>(size);
    for (int fd : fds_) {
      struct iovec parts[2] = {{&length, sizeof length},
                               {const_cast<std::byte*>(data), size}};
      std::size_t total = sizeof length + size;
      std::size_t done = 0;
      while (done < total) {
        ssize_t n = ::writev(fd, parts, 2);
        if (n < 0) {
          if (errno == EINTR) continue;
          ThrowErrno("pipe writev");
        }
        done += static_cast<std::size_t>(n);
        if (done < total) {  // partial: finish with plain writes
          const std::size_t header_left = done < sizeof length ? sizeof length - done : 0;
          if (header_left > 0) {
            WriteAll(fd, reinterpret_cast<char*>(&length) + (sizeof length - header_left), header_left);
          }
          const std::size_t payload_done = done > sizeof length ? done - sizeof length : 0;
          WriteAll(fd, data + payload_done, size - payload_done);
          done = total;
        }
      }
    }
  }

 private:
  std::vector<int> fds_;
};

class PipeReceiver final : public Receiver {
 public:
  explicit PipeReceiver(int fd) : fd_(fd), buffer_(std::size_t{1} << 18) {}
  ~PipeReceiver() override { CloseFd(fd_); }
  std::size_t Receive(std::byte* out, std::size_t capacity) override {
    // A stream: read as much as the kernel has (one call often returns many
    // messages), then cut messages out of the buffer.
    Fill(sizeof(std::uint32_t));
    std::uint32_t length = 0;
    std::memcpy(&length, buffer_.data() + begin_, sizeof length);
    Fill(sizeof length + length);
    if (length > capacity) throw std::runtime_error("pipe: message larger than the buffer");
    std::memcpy(out, buffer_.data() + begin_ + sizeof length, length);
    begin_ += sizeof length + length;
    return length;
  }

 private:
  void Fill(std::size_t need) {
    while (end_ - begin_ < need) {
      if (begin_ > 0 && buffer_.size() - end_ < need) {
        std::memmove(buffer_.data(), buffer_.data() + begin_, end_ - begin_);
        end_ -= begin_;
        begin_ = 0;
      }
      const ssize_t n = ::read(fd_, buffer_.data() + end_, buffer_.size() - end_);
      if (n < 0) {
        if (errno == EINTR) continue;
        ThrowErrno("pipe read");
      }
      if (n == 0) throw std::runtime_error("pipe: end of file (sender gone)");
      end_ += static_cast<std::size_t>(n);
    }
  }
  int fd_;
  std::vector<std::byte> buffer_;
  std::size_t begin_ = 0;
  std::size_t end_ = 0;
};

class PipeChannel final : public Channel {
 public:
  explicit PipeChannel(const ChannelSpec& spec) {
    for (int i = 0; i < spec.receivers; ++i) {
      int fds[2];
      if (::pipe2(fds, O_CLOEXEC) != 0) ThrowErrno("pipe2");
      // As large as the ring (the kernel's default is 64 KiB; the
      // unprivileged maximum, /proc/sys/fs/pipe-max-size, is 1 MiB).
      const auto wanted = static_cast<int>(std::min<std::uint64_t>(spec.ring_capacity_bytes, 1u << 20));
      pipe_bytes_ = ::fcntl(fds[1], F_SETPIPE_SZ, wanted);
      if (pipe_bytes_ < 0) pipe_bytes_ = ::fcntl(fds[1], F_GETPIPE_SZ);
      read_fds_.push_back(fds[0]);
      write_fds_.push_back(fds[1]);
    }
  }
  ~PipeChannel() override { ReleaseParentCopies(); }
  std::unique_ptr<Sender> OpenSender() override {
    for (int& fd : read_fds_) CloseFd(fd);
    auto sender = std::make_unique<PipeSender>(write_fds_);
    write_fds_.clear();
    return sender;
  }
  std::unique_ptr<Receiver> OpenReceiver(int index) override {
    for (int& fd : write_fds_) CloseFd(fd);
    const int mine = read_fds_.at(static_cast<std::size_t>(index));
    for (int& fd : read_fds_) {
      if (fd != mine) CloseFd(fd);
    }
    read_fds_.clear();
    return std::make_unique<PipeReceiver>(mine);
  }
  void ReleaseParentCopies() noexcept override {
    for (int& fd : read_fds_) CloseFd(fd);
    for (int& fd : write_fds_) CloseFd(fd);
  }
  std::string Describe() const override {
    return "pipe buffer " + std::to_string(pipe_bytes_) +
           " B, one writev per message and reader, reader reads up to 256 KiB per call";
  }

 private:
  std::vector<int> read_fds_;
  std::vector<int> write_fds_;
  int pipe_bytes_ = 0;
};

// ------------------------------------------------------------------ SOCK_SEQPACKET

class SocketSender final : public Sender {
 public:
  explicit SocketSender(std::vector<int> fds) : fds_(std::move(fds)) {}
  ~SocketSender() override {
    for (int& fd : fds_) CloseFd(fd);
  }
  void Send(const std::byte* data, std::size_t size) override {
    for (int fd : fds_) {
      while (::send(fd, data, size, MSG_NOSIGNAL) < 0) {
        if (errno != EINTR) ThrowErrno("send(SOCK_SEQPACKET)");
      }
    }
  }

 private:
  std::vector<int> fds_;
};

class SocketReceiver final : public Receiver {
 public:
  explicit SocketReceiver(int fd) : fd_(fd) {}
  ~SocketReceiver() override { CloseFd(fd_); }
  std::size_t Receive(std::byte* out, std::size_t capacity) override {
    for (;;) {
      const ssize_t n = ::recv(fd_, out, capacity, 0);
      if (n > 0) return static_cast<std::size_t>(n);
      if (n == 0) throw std::runtime_error("socket: peer closed");
      if (errno != EINTR) ThrowErrno("recv(SOCK_SEQPACKET)");
    }
  }

 private:
  int fd_;
};

class SocketChannel final : public Channel {
 public:
  explicit SocketChannel(const ChannelSpec& spec) {
    for (int i = 0; i < spec.receivers; ++i) {
      int fds[2];
      if (::socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, fds) != 0) {
        ThrowErrno("socketpair(AF_UNIX, SOCK_SEQPACKET)");
      }
      send_fds_.push_back(fds[0]);
      receive_fds_.push_back(fds[1]);
    }
    socklen_t len = sizeof send_buffer_;
    ::getsockopt(send_fds_.front(), SOL_SOCKET, SO_SNDBUF, &send_buffer_, &len);
  }
  ~SocketChannel() override { ReleaseParentCopies(); }
  std::unique_ptr<Sender> OpenSender() override {
    for (int& fd : receive_fds_) CloseFd(fd);
    auto sender = std::make_unique<SocketSender>(send_fds_);
    send_fds_.clear();
    return sender;
  }
  std::unique_ptr<Receiver> OpenReceiver(int index) override {
    for (int& fd : send_fds_) CloseFd(fd);
    const int mine = receive_fds_.at(static_cast<std::size_t>(index));
    for (int& fd : receive_fds_) {
      if (fd != mine) CloseFd(fd);
    }
    receive_fds_.clear();
    return std::make_unique<SocketReceiver>(mine);
  }
  void ReleaseParentCopies() noexcept override {
    for (int& fd : send_fds_) CloseFd(fd);
    for (int& fd : receive_fds_) CloseFd(fd);
  }
  std::string Describe() const override {
    return "socketpair, SO_SNDBUF " + std::to_string(send_buffer_) + " B (default)";
  }

 private:
  std::vector<int> send_fds_;
  std::vector<int> receive_fds_;
  int send_buffer_ = 0;
};

// ------------------------------------------------------------------ POSIX mq

class MqSender final : public Sender {
 public:
  explicit MqSender(std::vector<mqd_t> queues) : queues_(std::move(queues)) {}
  ~MqSender() override {
    for (mqd_t q : queues_) ::mq_close(q);
  }
  void Send(const std::byte* data, std::size_t size) override {
    for (mqd_t q : queues_) {
      while (::mq_send(q, reinterpret_cast<const char*>(data), size, 0) != 0) {
        if (errno != EINTR) ThrowErrno("mq_send");
      }
    }
  }

 private:
  std::vector<mqd_t> queues_;
};

class MqReceiver final : public Receiver {
 public:
  MqReceiver(mqd_t queue, std::size_t message_bytes) : queue_(queue), scratch_(message_bytes) {}
  ~MqReceiver() override { ::mq_close(queue_); }
  std::size_t Receive(std::byte* out, std::size_t capacity) override {
    // mq_receive insists on a buffer of at least mq_msgsize bytes.
    char* target = capacity >= scratch_.size() ? reinterpret_cast<char*>(out)
                                               : reinterpret_cast<char*>(scratch_.data());
    for (;;) {
      const ssize_t n = ::mq_receive(queue_, target, std::max(capacity, scratch_.size()), nullptr);
      if (n >= 0) {
        if (target != reinterpret_cast<char*>(out)) std::memcpy(out, target, static_cast<std::size_t>(n));
        return static_cast<std::size_t>(n);
      }
      if (errno != EINTR) ThrowErrno("mq_receive");
    }
  }

 private:
  mqd_t queue_;
  std::vector<std::byte> scratch_;
};

class MqChannel final : public Channel {
 public:
  explicit MqChannel(const ChannelSpec& spec) : message_bytes_(spec.max_message_bytes) {
    for (int i = 0; i < spec.receivers; ++i) {
      const std::string name = UniqueName("/ring_bench.mq.");
      struct mq_attr attr {};
      // 64 messages deep; the unprivileged limit is /proc/sys/fs/mqueue/msg_max (10).
      attr.mq_maxmsg = 64;
      attr.mq_msgsize = static_cast<long>(message_bytes_);
      mqd_t q = ::mq_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
      if (q == static_cast<mqd_t>(-1) && errno == EINVAL) {
        attr.mq_maxmsg = 10;
        q = ::mq_open(name.c_str(), O_CREAT | O_EXCL | O_RDWR, 0600, &attr);
      }
      if (q == static_cast<mqd_t>(-1)) {
        const int err = errno;
        Cleanup();
        throw Unavailable("mq_open(" + std::to_string(message_bytes_) + "-byte messages): " +
                          std::strerror(err) + " (limits: /proc/sys/fs/mqueue/msgsize_max, msg_max)");
      }
      depth_ = attr.mq_maxmsg;
      ::mq_close(q);
      names_.push_back(name);
    }
  }
  ~MqChannel() override { Cleanup(); }
  std::unique_ptr<Sender> OpenSender() override {
    std::vector<mqd_t> queues;
    for (const auto& name : names_) {
      const mqd_t q = ::mq_open(name.c_str(), O_WRONLY);
      if (q == static_cast<mqd_t>(-1)) ThrowErrno("mq_open " + name);
      queues.push_back(q);
    }
    return std::make_unique<MqSender>(std::move(queues));
  }
  std::unique_ptr<Receiver> OpenReceiver(int index) override {
    const auto& name = names_.at(static_cast<std::size_t>(index));
    const mqd_t q = ::mq_open(name.c_str(), O_RDONLY);
    if (q == static_cast<mqd_t>(-1)) ThrowErrno("mq_open " + name);
    return std::make_unique<MqReceiver>(q, message_bytes_);
  }
  std::string Describe() const override {
    return "mq_maxmsg " + std::to_string(depth_) + ", mq_msgsize " + std::to_string(message_bytes_);
  }

 private:
  void Cleanup() noexcept {
    for (const auto& name : names_) ::mq_unlink(name.c_str());
    names_.clear();
  }
  std::size_t message_bytes_;
  std::vector<std::string> names_;
  long depth_ = 0;
};

// ------------------------------------------------------------------ boost::interprocess

namespace bip = boost::interprocess;

class BoostSender final : public Sender {
 public:
  explicit BoostSender(const std::vector<std::string>& names) {
    for (const auto& name : names) queues_.push_back(std::make_unique<bip::message_queue>(bip::open_only, name.c_str()));
  }
  void Send(const std::byte* data, std::size_t size) override {
    for (auto& q : queues_) q->send(data, size, 0);
  }

 private:
  std::vector<std::unique_ptr<bip::message_queue>> queues_;
};

class BoostReceiver final : public Receiver {
 public:
  explicit BoostReceiver(const std::string& name) : queue_(bip::open_only, name.c_str()) {}
  std::size_t Receive(std::byte* out, std::size_t capacity) override {
    bip::message_queue::size_type received = 0;
    unsigned int priority = 0;
    queue_.receive(out, capacity, received, priority);
    return received;
  }

 private:
  bip::message_queue queue_;
};

class BoostChannel final : public Channel {
 public:
  explicit BoostChannel(const ChannelSpec& spec) {
    depth_ = std::clamp<std::size_t>(spec.ring_capacity_bytes / std::max<std::size_t>(spec.max_message_bytes, 1),
                                     16, 1024);
    for (int i = 0; i < spec.receivers; ++i) {
      const std::string name = UniqueName("ring_bench.boost.");
      try {
        bip::message_queue queue(bip::create_only, name.c_str(), depth_, spec.max_message_bytes);
      } catch (const std::exception& error) {
        Cleanup();
        throw Unavailable(std::string("boost::interprocess::message_queue: ") + error.what());
      }
      names_.push_back(name);
    }
    message_bytes_ = spec.max_message_bytes;
  }
  ~BoostChannel() override { Cleanup(); }
  std::unique_ptr<Sender> OpenSender() override { return std::make_unique<BoostSender>(names_); }
  std::unique_ptr<Receiver> OpenReceiver(int index) override {
    return std::make_unique<BoostReceiver>(names_.at(static_cast<std::size_t>(index)));
  }
  std::string Describe() const override {
    return "max_num_msg " + std::to_string(depth_) + ", max_msg_size " + std::to_string(message_bytes_);
  }

 private:
  void Cleanup() noexcept {
    for (const auto& name : names_) bip::message_queue::remove(name.c_str());
    names_.clear();
  }
  std::vector<std::string> names_;
  std::size_t depth_ = 0;
  std::size_t message_bytes_ = 0;
};

// ------------------------------------------------------------------ iceoryx

struct Roudi {
  pid_t pid = -1;
  bool checked = false;
  bool shared = false;  // one was already running; we use it and leave it
  std::string unavailable;
  std::string log_path;
};
Roudi& TheRoudi() {
  static Roudi roudi;
  return roudi;
}

#if RING_BENCH_HAVE_ICEORYX

void InitIceoryxRuntime(const char* role) {
  // The library logs every registration at debug level by default.
  iox::log::LogManager::GetLogManager().SetDefaultLogLevel(iox::log::LogLevel::kWarn,
                                                          iox::log::LogLevelOutput::kHideLogLevel);
  const std::string name = std::string("rb_") + role + "_" + std::to_string(::getpid());
  iox::runtime::PoshRuntime::initRuntime(iox::RuntimeName_t(iox::cxx::TruncateToCapacity, name.c_str()));
}

class IceoryxSender final : public Sender {
 public:
  explicit IceoryxSender(const std::string& instance)
      : publisher_({"ring_bench", iox::capro::IdString_t(iox::cxx::TruncateToCapacity, instance.c_str()), "data"},
                   Options()) {}
  void Send(const std::byte* data, std::size_t size) override {
    bool sent = false;
    publisher_.loan(static_cast<std::uint32_t>(size)).and_then([&](void* payload) {
      std::memcpy(payload, data, size);
      publisher_.publish(payload);
      sent = true;
    });
    // The subscriber queues are sized so the mempool cannot run dry (see
    // IceoryxQueueCapacity); a failed loan is a configuration error.
    if (!sent) throw std::runtime_error("iceoryx: loan of " + std::to_string(size) + " bytes failed (mempool exhausted)");
  }
  bool HasSubscribers() { return publisher_.hasSubscribers(); }

 private:
  static iox::popo::PublisherOptions Options() {
    iox::popo::PublisherOptions options;
    options.subscriberTooSlowPolicy = iox::popo::ConsumerTooSlowPolicy::WAIT_FOR_CONSUMER;
    return options;
  }
  iox::popo::UntypedPublisher publisher_;
};

class IceoryxReceiver final : public Receiver {
 public:
  IceoryxReceiver(const std::string& instance, bool busy_poll, std::uint64_t queue_capacity)
      : subscriber_({"ring_bench", iox::capro::IdString_t(iox::cxx::TruncateToCapacity, instance.c_str()), "data"},
                    Options(queue_capacity)),
        busy_poll_(busy_poll) {
    // Wait for RouDi to connect us to the publisher.
    const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
    while (subscriber_.getSubscriptionState() != iox::SubscribeState::SUBSCRIBED) {
      if (std::chrono::steady_clock::now() > deadline) throw std::runtime_error("iceoryx: subscription timed out");
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
    if (!busy_poll_) {
      waitset_.emplace();
      waitset_->attachState(subscriber_, iox::popo::SubscriberState::HAS_DATA).or_else([](auto) {
        throw std::runtime_error("iceoryx: WaitSet attach failed");
      });
    }
  }
  ~IceoryxReceiver() override {
    if (waitset_) waitset_->detachState(subscriber_, iox::popo::SubscriberState::HAS_DATA);
  }
  std::size_t Receive(std::byte* out, std::size_t capacity) override {
    for (std::uint32_t round = 0;; ++round) {
      std::size_t size = 0;
      bool got = false;
      subscriber_.take().and_then([&](const void* payload) {
        size = iox::mepoo::ChunkHeader::fromUserPayload(payload)->userPayloadSize();
        if (size <= capacity) std::memcpy(out, payload, size);
        subscriber_.release(payload);
        got = true;
      });
      if (got) {
        if (size > capacity) throw std::runtime_error("iceoryx: message larger than the buffer");
        return size;
      }
      // Same shape as ringlib's futex strategy: spin briefly, then block.
      if (busy_poll_ || round < 128) {
        __builtin_ia32_pause();
      } else {
        (void)waitset_->wait();
      }
    }
  }

 private:
  static iox::popo::SubscriberOptions Options(std::uint64_t queue_capacity) {
    iox::popo::SubscriberOptions options;
    options.queueCapacity = queue_capacity;
    options.queueFullPolicy = iox::popo::QueueFullPolicy::BLOCK_PRODUCER;
    return options;
  }
  iox::popo::UntypedSubscriber subscriber_;
  std::optional<iox::popo::WaitSet<>> waitset_;
  bool busy_poll_;
};

// RouDi's built-in mempools (no config file): chunks of up to 128 B x 10000,
// 1 KiB x 5000, 16 KiB x 1000, 128 KiB x 200. A queue may hold at most its
// share of the pool the message size draws from, less some for the
// publisher's loans in flight: otherwise a loan fails instead of blocking.
std::uint64_t IceoryxQueueCapacity(std::size_t message_bytes, int receivers) {
  const std::uint64_t chunks = message_bytes <= 128     ? 10000
                               : message_bytes <= 1024  ? 5000
                               : message_bytes <= 16384 ? 1000
                                                        : 200;
  const std::uint64_t share = (chunks - 32) / static_cast<std::uint64_t>(std::max(receivers, 1));
  return std::clamp<std::uint64_t>(share, 1, 256);
}

class IceoryxChannel final : public Channel {
 public:
  explicit IceoryxChannel(const ChannelSpec& spec)
      : instance_(UniqueName("c")),
        busy_poll_(spec.idle == ringlib::IdleStrategy::kBusySpin),
        queue_capacity_(IceoryxQueueCapacity(spec.max_message_bytes, spec.receivers)) {
    for (char& c : instance_) {
      if (c == '.') c = '_';
    }
  }
  std::unique_ptr<Sender> OpenSender() override {
    InitIceoryxRuntime("tx");
    return std::make_unique<IceoryxSender>(instance_);
  }
  std::unique_ptr<Receiver> OpenReceiver(int) override {
    InitIceoryxRuntime("rx");
    return std::make_unique<IceoryxReceiver>(instance_, busy_poll_, queue_capacity_);
  }
  std::string Describe() const override {
    return "UntypedPublisher/Subscriber, WAIT_FOR_CONSUMER/BLOCK_PRODUCER, queue " +
           std::to_string(queue_capacity_) + ", " +
           (busy_poll_ ? "receiver busy-polls take()" : "receiver spins 128 then waits on a WaitSet");
  }

 private:
  std::string instance_;
  bool busy_poll_;
  std::uint64_t queue_capacity_;
};

void StartRoudi(Roudi& roudi) {
  const char* candidates[] = {"/usr/bin/iox-roudi", "/usr/local/bin/iox-roudi"};
  const char* path = nullptr;
  for (const char* candidate : candidates) {
    if (::access(candidate, X_OK) == 0) path = candidate;
  }
  if (path == nullptr) {
    roudi.unavailable = "iox-roudi not found (Debian package 'iceoryx')";
    return;
  }
  roudi.log_path = "/tmp/ring_bench_roudi." + std::to_string(::getpid()) + ".log";
  std::fflush(stdout);
  std::fflush(stderr);
  const pid_t pid = ::fork();
  if (pid < 0) {
    roudi.unavailable = std::string("fork: ") + std::strerror(errno);
    return;
  }
  if (pid == 0) {
    const int fd = ::open(roudi.log_path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
    if (fd >= 0) {
      ::dup2(fd, 1);
      ::dup2(fd, 2);
    }
    ::execl(path, path, "--log-level", "info", static_cast<char*>(nullptr));
    ::_exit(127);
  }
  roudi.pid = pid;
  const auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(10);
  for (;;) {
    std::ifstream log(roudi.log_path);
    std::stringstream text;
    text << log.rdbuf();
    if (text.str().find("RouDi is ready for clients") != std::string::npos) return;
    int status = 0;
    if (::waitpid(pid, &status, WNOHANG) == pid) {
      roudi.pid = -1;
      if (text.str().find("already running") != std::string::npos) {
        roudi.shared = true;  // somebody else's RouDi serves us as well
        return;
      }
      roudi.unavailable = "iox-roudi exited during start-up: " + text.str().substr(0, 300);
      return;
    }
    if (std::chrono::steady_clock::now() > deadline) {
      roudi.unavailable = "iox-roudi did not report ready within 10 s";
      return;
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(20));
  }
}

#endif  // RING_BENCH_HAVE_ICEORYX

}  // namespace

RingSender::RingSender(const std::string& ring_name, const ChannelSpec& spec)
    : writer_(ring_name, [&] {
        ringlib::CircularBuffer::WriterOptions options;
        options.capacity_bytes = spec.ring_capacity_bytes;
        options.tethered = spec.tethered;
        return options;
      }()),
      prepare_next_(spec.prepare_next) {}

RingReceiver::RingReceiver(const std::string& ring_name, const ChannelSpec& spec)
    : reader_(ring_name, [&] {
        ringlib::CircularBuffer::ReaderOptions options;
        options.idle = spec.idle;
        options.spin_before_idle = spec.spin_before_idle;
        options.catch_up_backoff = spec.catch_up_backoff;
        options.tethered = spec.tethered;
        options.lap_policy = ringlib::LapPolicy::kReport;
        options.attach_timeout = std::chrono::milliseconds(5000);
        return options;
      }()) {}

std::string_view MechanismName(Mechanism mechanism) noexcept {
  switch (mechanism) {
    case Mechanism::kRing: return "ringlib";
    case Mechanism::kPipe: return "pipe";
    case Mechanism::kUnixSeqpacket: return "unix-seqpacket";
    case Mechanism::kPosixMq: return "posix-mq";
    case Mechanism::kBoostMq: return "boost-mq";
    case Mechanism::kIceoryx: return "iceoryx";
  }
  return "?";
}

std::vector<Mechanism> AllMechanisms() {
  return {Mechanism::kRing, Mechanism::kPipe, Mechanism::kUnixSeqpacket,
          Mechanism::kPosixMq, Mechanism::kBoostMq, Mechanism::kIceoryx};
}

Mechanism ParseMechanism(std::string_view name) {
  for (Mechanism m : AllMechanisms()) {
    if (MechanismName(m) == name) return m;
  }
  throw std::invalid_argument("unknown mechanism '" + std::string(name) +
                              "' (ringlib, pipe, unix-seqpacket, posix-mq, boost-mq, iceoryx)");
}

void CheckAvailable(Mechanism mechanism) {
  if (mechanism != Mechanism::kIceoryx) return;
#if RING_BENCH_HAVE_ICEORYX
  Roudi& roudi = TheRoudi();
  if (!roudi.checked) {
    roudi.checked = true;
    StartRoudi(roudi);
  }
  if (!roudi.unavailable.empty()) throw Unavailable(roudi.unavailable);
#else
  throw Unavailable(
      "not built: find_package(iceoryx_posh) found nothing at configure time "
      "(Debian: libiceoryx-posh-dev, iceoryx)");
#endif
}

void ShutdownMechanisms() noexcept {
  Roudi& roudi = TheRoudi();
  if (roudi.pid > 0) {
    ::kill(roudi.pid, SIGTERM);
    int status = 0;
    ::waitpid(roudi.pid, &status, 0);
    roudi.pid = -1;
  }
  if (!roudi.log_path.empty()) ::unlink(roudi.log_path.c_str());
}

std::unique_ptr<Channel> CreateChannel(const ChannelSpec& spec) {
  CheckAvailable(spec.mechanism);
  switch (spec.mechanism) {
    case Mechanism::kRing: return std::make_unique<RingChannel>(spec);
    case Mechanism::kPipe: return std::make_unique<PipeChannel>(spec);
    case Mechanism::kUnixSeqpacket: return std::make_unique<SocketChannel>(spec);
    case Mechanism::kPosixMq: return std::make_unique<MqChannel>(spec);
    case Mechanism::kBoostMq: return std::make_unique<BoostChannel>(spec);
    case Mechanism::kIceoryx:
#if RING_BENCH_HAVE_ICEORYX
      return std::make_unique<IceoryxChannel>(spec);
#else
      break;
#endif
  }
  throw Unavailable("not built");
}

}  // namespace bench
