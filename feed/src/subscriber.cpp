// The subscriber loop: ring -> envelope check -> checksum -> decode -> counts,
// with sequence, count and digest verification against the publisher's
// end-of-stream record.
#include <fmt/format.h>
#include <time.h>

#include <cstdio>
#include <memory>
#include <optional>
#include <vector>

#include "feed/checksum.hpp"
#include "feed/decode.hpp"
#include "feed/envelope.hpp"
#include "feed/latency.hpp"
#include "feed/replay.hpp"
#include "ringlib/circular_buffer.hpp"

namespace feed {
namespace {

constexpr auto kPollTimeout = std::chrono::milliseconds(100);  // how often a stop is noticed
constexpr std::uint64_t kProgressEveryNs = 250'000'000;

ringlib::IdleStrategy ToRingIdle(IdleStrategy idle) {
  switch (idle) {
    case IdleStrategy::kSpin: return ringlib::IdleStrategy::kBusySpin;
    case IdleStrategy::kYield: return ringlib::IdleStrategy::kSpinYield;
    case IdleStrategy::kFutex: break;
  }
  return ringlib::IdleStrategy::kFutexSleep;
}

class Subscriber {
 public:
  Subscriber(const SubscriberRun& run, const std::atomic<bool>& stop) : run_(run), stop_(stop) {
    summary_.name = run.subscriber.name;
    summary_.ring = run.ring;
  }

  SubscriberSummary Run() {
    ringlib::CircularBuffer::ReaderOptions options;
    options.lap_policy = ringlib::LapPolicy::kReport;  // we print our own line, with sequences
    options.idle = ToRingIdle(run_.subscriber.idle);
    if (run_.subscriber.spin_ns) options.spin_before_idle = std::chrono::nanoseconds(*run_.subscriber.spin_ns);
    options.catch_up_backoff = std::chrono::nanoseconds(run_.subscriber.catch_up_backoff_ns);
    options.attach_timeout = std::chrono::milliseconds(run_.attach_timeout_ns / 1'000'000);
    options.register_slot = true;  // visible to ringctl; falls back if all slots are taken
    options.tethered = run_.lossless;
    try {
      reader_ = std::make_unique<ringlib::CircularBuffer::Reader>(run_.ring, options);
    } catch (const ringlib::Error& error) {
      // Without a slot a lossless publisher would not wait for us: fail.
      if (error.code() == ringlib::ErrorCode::kInvalidArgument && !run_.lossless) {
        options.register_slot = false;
        reader_ = std::make_unique<ringlib::CircularBuffer::Reader>(run_.ring, options);
      } else {
        return Finish(ExitCode::kWriterGone, fmt::format("cannot attach to ring \"{}\": {}",
                                                         run_.ring, error.what()));
      }
    }
    start_ns_ = MonotonicNowNs();
    next_progress_ns_ = start_ns_ + kProgressEveryNs;
    throttle_next_ns_ = start_ns_;
    buffer_.resize(ringlib::layout::kMaxMessageBytes);
    for (;;) {
      const ringlib::ReadResult result = reader_->ReadFor(buffer_, kPollTimeout);
      switch (result.status) {
        case ringlib::ReadStatus::kMessage:
          if (OnMessage({buffer_.data(), result.size})) return std::move(final_);
          Throttle();
          // The clock is read once per 4,096 messages on this path (the
          // progress line is redrawn every 250 ms).
          if ((++progress_tick_ & 4095) == 0) MaybeShowProgress();
          continue;
        case ringlib::ReadStatus::kTimedOut:
        case ringlib::ReadStatus::kEmpty:
          if (stop_.load(std::memory_order_relaxed)) {
            return Finish(ExitCode::kWriterGone, "stopped by a signal before the end of the stream");
          }
          MaybeShowProgress();
          continue;
        case ringlib::ReadStatus::kLapped:
          return Lapped();
        case ringlib::ReadStatus::kWriterClosed:
          return Finish(ExitCode::kWriterGone,
                        fmt::format("ring \"{}\": the writer closed the ring without an "
                                    "end-of-stream record (after sequence {})",
                                    run_.ring, LastSequenceText()));
        case ringlib::ReadStatus::kWriterDead:
          return Finish(ExitCode::kWriterGone,
                        fmt::format("ring \"{}\": the writer died (after sequence {})", run_.ring,
                                    LastSequenceText()));
        case ringlib::ReadStatus::kWriterRestarted:
          return Finish(ExitCode::kWriterGone,
                        fmt::format("ring \"{}\": a new writer took over the ring after sequence "
                                    "{}; not mixing two streams",
                                    run_.ring, LastSequenceText()));
        case ringlib::ReadStatus::kCorrupt:
        case ringlib::ReadStatus::kBufferTooSmall:
          return Finish(ExitCode::kVerification,
                        fmt::format("ring \"{}\": corrupt record at ring position {}", run_.ring,
                                    reader_->position()));
      }
    }
  }

 private:
  std::string LastSequenceText() const {
    return last_sequence_ ? std::to_string(*last_sequence_) : std::string("none");
  }

  // Returns true when the stream is over; final_ then holds the summary.
  // The per-message path is kept small and every report is out of line: the
  // error formatting inline cost ~20 instructions a message in saved
  // registers alone.
  bool OnMessage(std::span<const std::byte> message) {
    const DecodedMessage decoded = DecodeEnvelope(message);
    if (!decoded.ok()) [[unlikely]] {
      BadEnvelope(decoded.error);
      return false;
    }
    const Envelope& envelope = decoded.envelope;
    // The clock is read only for stamped messages (all when paced, 1 in
    // kTopSpeedStampEvery at top speed): it costs as much as the checks.
    const bool stamped = envelope.publish_time_ns != 0;
    const std::uint64_t now = stamped ? MonotonicNowNs() : 0;
    ring_bytes_ += ringlib::layout::AlignedRecordBytes(message.size());
    if (!last_sequence_ || envelope.sequence != *last_sequence_ + 1) [[unlikely]] {
      SequenceBreak(envelope);
    }
    last_sequence_ = envelope.sequence;
    const std::uint64_t checksum = Checksum(decoded.payload);
    if (checksum != envelope.payload_checksum) [[unlikely]] ChecksumMismatch(envelope, checksum);
    if (envelope.kind != MessageKind::kData) [[unlikely]] {
      return OnControl(envelope.kind, decoded.payload);
    }
    digest_.AddChecksum(checksum, decoded.payload.size());
    summary_.bytes += decoded.payload.size();
    const DecodeResult result = counter_.Decode(envelope.payload_kind, decoded.payload);
    if (!result.ok()) [[unlikely]] DecodeProblem(envelope, result);
    payload_kind_ = envelope.payload_kind;
    if (stamped) {
      latency_.Record(now > envelope.publish_time_ns ? now - envelope.publish_time_ns : 0);
    }
    return false;
  }

  [[gnu::noinline]] void BadEnvelope(EnvelopeError error) {
    ++summary_.checksum_failures;
    if (first_problem_.empty()) {
      first_problem_ = fmt::format("message after sequence {}: bad envelope: {}", LastSequenceText(),
                                   Describe(error));
    }
  }

  // The first message, or a sequence that does not follow the last one.
  [[gnu::noinline]] void SequenceBreak(const Envelope& envelope) {
    if (!last_sequence_) {
      if (envelope.kind != MessageKind::kStartOfStream) {
        summary_.late_join = true;
        std::fprintf(stderr,
                     "feed_subscriber %s: joined ring \"%s\" at the live end, at sequence %llu "
                     "(the start of the stream was missed; count and digest cannot be compared)\n",
                     run_.subscriber.name.c_str(), run_.ring.c_str(),
                     static_cast<unsigned long long>(envelope.sequence));
      }
      return;
    }
    ++summary_.gaps;
    summary_.missing_messages +=
        envelope.sequence > *last_sequence_ ? envelope.sequence - *last_sequence_ - 1 : 0;
    if (first_problem_.empty()) {
      first_problem_ = fmt::format("sequence gap: {} followed {}", envelope.sequence, *last_sequence_);
    }
  }

  [[gnu::noinline]] void ChecksumMismatch(const Envelope& envelope, std::uint64_t checksum) {
    ++summary_.checksum_failures;
    if (first_problem_.empty()) {
      first_problem_ = fmt::format("sequence {}: payload checksum {} does not match the "
                                   "envelope's {}",
                                   envelope.sequence, FormatDigest(checksum),
                                   FormatDigest(envelope.payload_checksum));
    }
  }

  [[gnu::noinline]] void DecodeProblem(const Envelope& envelope, const DecodeResult& result) {
    if (first_problem_.empty()) {
      first_problem_ = fmt::format("sequence {}: {}", envelope.sequence,
                                   DescribeDecodeResult(envelope.payload_kind, result));
    }
  }

  // Start-of-stream and end-of-stream records; true at the end.
  [[gnu::noinline]] bool OnControl(MessageKind kind, std::span<const std::byte> payload) {
    if (kind == MessageKind::kEndOfStream) {
      final_ = EndOfStreamReached(payload);
      return true;
    }
    const auto body = DecodeStartOfStream(payload);
    if (body.ok()) {
      payload_kind_ = body.value->payload_kind;
    } else if (first_problem_.empty()) {
      first_problem_ = "bad start-of-stream record: " + body.error;
    }
    return false;
  }

  SubscriberSummary EndOfStreamReached(std::span<const std::byte> payload) {
    summary_.end_of_stream = true;
    const auto body = DecodeEndOfStream(payload);
    if (!body.ok()) {
      return Finish(ExitCode::kVerification, "bad end-of-stream record: " + body.error);
    }
    summary_.expected_messages = body.value->message_count;
    summary_.digest_expected = body.value->digest;
    summary_.digest_actual = digest_.value();
    summary_.digest_match = digest_.value() == body.value->digest &&
                            digest_.message_count() == body.value->message_count;
    std::string problem = first_problem_;
    if (problem.empty() && !summary_.late_join && !summary_.digest_match) {
      problem = fmt::format("received {} messages with digest {}, the publisher sent {} with "
                            "digest {}",
                            digest_.message_count(), FormatDigest(digest_.value()),
                            body.value->message_count, FormatDigest(body.value->digest));
    }
    const bool verified = summary_.gaps == 0 && summary_.checksum_failures == 0 &&
                          counter_.malformed() == 0 && problem.empty();
    if (!verified) return Finish(ExitCode::kVerification, "verification failed: " + problem);
    if (body.value->reason == EndReason::kInputError) {
      // Everything that arrived is intact; the publisher's input broke off.
      std::fprintf(stderr, "feed_subscriber %s: the publisher ended on an input error: %s\n",
                   run_.subscriber.name.c_str(), body.value->detail.c_str());
    }
    return Finish(ExitCode::kSuccess, "");
  }

  SubscriberSummary Lapped() {
    const ringlib::LapInfo& lap = reader_->last_lap();
    LappedInfo info;
    info.sequence_reached = last_sequence_.value_or(0);
    info.bytes_behind = lap.bytes_behind;
    const std::uint64_t received = digest_.message_count() + (last_sequence_ ? 1 : 0);
    if (received > 0 && ring_bytes_ > 0) {
      info.messages_behind = lap.bytes_behind / std::max<std::uint64_t>(1, ring_bytes_ / received);
    }
    summary_.lapped = info;
    const std::string line = fmt::format(
        "lapped on ring \"{}\": reached sequence {}, {} bytes behind the writer (about {} messages; "
        "the ring holds {} bytes), {} unread bytes overwritten; exiting with code {}",
        run_.ring, LastSequenceText(), lap.bytes_behind, info.messages_behind.value_or(0),
        reader_->capacity_bytes(), lap.bytes_lost, ToInt(ExitCode::kLapped));
    return Finish(ExitCode::kLapped, line);
  }

  SubscriberSummary Finish(ExitCode code, const std::string& error) {
    if (progress_shown_) std::fputc('\n', stderr);
    if (!error.empty()) {
      std::fprintf(stderr, "feed_subscriber %s: %s\n", run_.subscriber.name.c_str(), error.c_str());
    }
    summary_.exit_code = ToInt(code);
    summary_.outcome = std::string(OutcomeForExitCode(code));
    summary_.error = error;
    summary_.messages = digest_.message_count();
    summary_.digest_actual = digest_.value();
    summary_.decode_errors = counter_.malformed();
    if (reader_) summary_.caught_up_waits = reader_->waits();
    summary_.latency = latency_.Summarize();
    summary_.duration_seconds =
        static_cast<double>(MonotonicNowNs() - start_ns_) / static_cast<double>(kNanosPerSecond);
    for (const TypeCount& type : TypeCounts(payload_kind_, counter_)) {
      summary_.message_types[std::string(1, static_cast<char>(type.type))] = type.count;
    }
    return summary_;
  }

  // Deliberate slowness: a fixed delay per message, and/or a maximum rate on
  // an absolute schedule.
  void Throttle() {
    const ThrottleConfig& throttle = run_.subscriber.throttle;
    if (!throttle.active()) return;
    std::uint64_t until = 0;
    if (throttle.delay_ns != 0) until = MonotonicNowNs() + throttle.delay_ns;
    if (throttle.max_rate != 0) {
      throttle_next_ns_ += kNanosPerSecond / throttle.max_rate;
      until = std::max(until, throttle_next_ns_);
    }
    while (MonotonicNowNs() < until) {
      const std::uint64_t left = until - MonotonicNowNs();
      if (left > 200'000) {
        struct timespec pause {0, static_cast<long>(left - 100'000)};
        ::nanosleep(&pause, nullptr);
      }
    }
  }

  void MaybeShowProgress() {
    if (!run_.show_progress) return;
    const std::uint64_t now = MonotonicNowNs();
    if (now < next_progress_ns_) return;
    next_progress_ns_ = now + kProgressEveryNs;
    std::fprintf(stderr, "\r[feed_subscriber %s] %s messages, sequence %s   ",
                 run_.subscriber.name.c_str(), FormatCount(digest_.message_count()).c_str(),
                 LastSequenceText().c_str());
    progress_shown_ = true;
  }

  const SubscriberRun& run_;
  const std::atomic<bool>& stop_;
  SubscriberSummary summary_;
  SubscriberSummary final_;  // set when OnMessage returns true
  std::unique_ptr<ringlib::CircularBuffer::Reader> reader_;
  std::vector<std::byte> buffer_;
  std::optional<std::uint64_t> last_sequence_;
  std::uint64_t ring_bytes_ = 0;
  std::uint64_t start_ns_ = 0;
  std::uint64_t next_progress_ns_ = 0;
  std::uint64_t throttle_next_ns_ = 0;
  std::uint64_t progress_tick_ = 0;
  bool progress_shown_ = false;
  PayloadKind payload_kind_ = PayloadKind::kOpaque;
  std::string first_problem_;
  StreamDigest digest_;
  MessageCounter counter_;
  LatencyHistogram latency_;
};

}  // namespace

SubscriberSummary RunSubscriber(const SubscriberRun& run, const std::atomic<bool>& stop) {
  return Subscriber(run, stop).Run();
}

}  // namespace feed
