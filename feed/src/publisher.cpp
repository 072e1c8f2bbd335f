// The publisher loop: recording -> envelope -> ring, on an absolute schedule.
#include <fmt/format.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstdio>
#include <algorithm>
#include <memory>
#include <thread>

#include "feed/checksum.hpp"
#include "feed/envelope.hpp"
#include "feed/pacing.hpp"
#include "feed/recording.hpp"
#include "feed/replay.hpp"
#include "ringlib/circular_buffer.hpp"

namespace feed {

std::uint64_t MonotonicNowNs() noexcept {
  struct timespec now {};
  ::clock_gettime(CLOCK_MONOTONIC, &now);
  return static_cast<std::uint64_t>(now.tv_sec) * kNanosPerSecond +
         static_cast<std::uint64_t>(now.tv_nsec);
}

namespace {

constexpr std::uint64_t kSpinBeforeTargetNs = 50'000;  // sleep until 50 us before, then spin
constexpr std::uint64_t kProgressEveryNs = 250'000'000;

// Sleeps until `deadline_ns` (CLOCK_MONOTONIC, absolute), or returns early
// when a signal arrives so the caller can check for a stop request.
void SleepUntil(std::uint64_t deadline_ns) noexcept {
  struct timespec until {};
  until.tv_sec = static_cast<time_t>(deadline_ns / kNanosPerSecond);
  until.tv_nsec = static_cast<long>(deadline_ns % kNanosPerSecond);
  ::clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &until, nullptr);
}

class Publisher {
 public:
  Publisher(const PublisherRun& run, const std::atomic<bool>& stop) : run_(run), stop_(stop) {
    summary_.ring = run.ring.name;
    summary_.input = run.publisher.input;
    summary_.pace = DescribePace(run.publisher.pace);
  }

  PublisherSummary Run() {
    try {
      reader_ = OpenRecording(run_.publisher.input, run_.publisher.format);
    } catch (const InputFileError& error) {
      return Fail(ExitCode::kInput, error.what());
    }
    summary_.format = std::string(FormatName(reader_->format()));
    payload_kind_ = reader_->payload_kind();  // fixed for the stream: no virtual call per message
    summary_.payload_kind = std::string(PayloadKindName(payload_kind_));
    try {
      ringlib::CircularBuffer::WriterOptions options;
      options.capacity_bytes = run_.ring.capacity_bytes;
      options.mode = run_.ring_mode;
      options.tethered = run_.ring.lossless;
      options.release_tether = &stop_;  // SIGINT ends a wait for a stopped subscriber
      writer_ = std::make_unique<ringlib::CircularBuffer::Writer>(run_.ring.name, options);
    } catch (const ringlib::Error& error) {
      return Fail(ExitCode::kUsage, fmt::format("cannot create ring \"{}\": {}", run_.ring.name,
                                                error.what()));
    }
    max_payload_ = std::min<std::uint64_t>(kMaxPayloadBytes,
                                           writer_->max_message_bytes() - kEnvelopeBytes);
    WaitForSubscribers();
    WriteStartOfStream();
    const EndReason reason = Replay();
    stats_.TimeLastMessage(MonotonicNowNs() - start_ns_);  // top speed: the last may be unstamped
    WriteEndOfStream(reason);
    writer_->Close();
    if (progress_shown_) std::fputc('\n', stderr);

    summary_.messages = digest_.message_count();
    summary_.digest = digest_.value();
    summary_.reason = std::string(EndReasonName(reason));
    summary_.pacing = stats_.Report(run_.publisher.pace.mode != PaceMode::kTop);
    summary_.duration_seconds =
        static_cast<double>(MonotonicNowNs() - start_ns_) / static_cast<double>(kNanosPerSecond);
    summary_.exit_code = ToInt(reason == EndReason::kInputError ? ExitCode::kInput : ExitCode::kSuccess);
    return summary_;
  }

 private:
  PublisherSummary Fail(ExitCode code, const std::string& message) {
    std::fprintf(stderr, "feed_publisher: %s\n", message.c_str());
    summary_.error = message;
    summary_.exit_code = ToInt(code);
    summary_.reason = "error";
    return summary_;
  }

  void WaitForSubscribers() {
    if (run_.wait_for_subscribers == 0) return;
    const std::uint64_t deadline = MonotonicNowNs() + run_.subscriber_wait_ns;
    // Registered readers, not the reference count: a reader counts in the
    // segment before it has taken its start position, and would miss the
    // first messages (late join) if we started on the count alone.
    while (writer_->registered_readers() < run_.wait_for_subscribers) {
      if (MonotonicNowNs() >= deadline || stop_.load(std::memory_order_relaxed)) {
        std::fprintf(stderr,
                     "feed_publisher: only %llu of %llu subscribers attached to ring \"%s\" "
                     "within %s; starting anyway\n",
                     static_cast<unsigned long long>(writer_->registered_readers()),
                     static_cast<unsigned long long>(run_.wait_for_subscribers),
                     run_.ring.name.c_str(), FormatDuration(run_.subscriber_wait_ns).c_str());
        return;
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }
  }

  void WriteControl(MessageKind kind, const std::vector<std::byte>& body) {
    Envelope envelope;
    envelope.sequence = next_sequence_++;
    envelope.publish_time_ns = MonotonicNowNs();
    envelope.payload_checksum = Checksum(body);
    envelope.kind = kind;
    envelope.payload_kind = reader_->payload_kind();
    const auto destination = writer_->Claim(kEnvelopeBytes + body.size());
    EncodeMessage(envelope, body, destination);
    writer_->Commit();
  }

  void WriteStartOfStream() {
    StartOfStream body;
    body.source_path = run_.publisher.input;
    body.format = reader_->format();
    body.payload_kind = reader_->payload_kind();
    const bool whole_file_once = run_.publisher.loops == 1 && run_.publisher.window.unbounded() &&
                                 run_.publisher.stop_after_messages == 0 &&
                                 run_.publisher.stop_after_ns == 0;
    body.expected_messages = whole_file_once ? reader_->expected_count().value_or(0) : 0;
    body.pacing = summary_.pace;
    WriteControl(MessageKind::kStartOfStream, EncodeStartOfStream(body));
  }

  void WriteEndOfStream(EndReason reason) {
    EndOfStream body;
    body.reason = reason;
    body.message_count = digest_.message_count();
    body.payload_bytes = summary_.bytes;
    body.digest = digest_.value();
    body.detail = summary_.error;
    WriteControl(MessageKind::kEndOfStream, EncodeEndOfStream(body));
  }

  // Reports a bad record; true when the run goes on (on_input_error: skip).
  bool InputProblem(const std::string& message) {
    ++input_errors_;
    std::fprintf(stderr, "feed_publisher: %s\n", message.c_str());
    if (summary_.error.empty()) summary_.error = message;
    return run_.publisher.on_input_error == OnInputError::kSkip;
  }

  EndReason Replay() {
    const PublisherConfig& config = run_.publisher;
    PaceSchedule schedule(config.pace, config.max_sleep_ns);
    start_ns_ = MonotonicNowNs();
    next_progress_ns_ = start_ns_ + kProgressEveryNs;
    Record record;
    InputError error;
    for (;;) {
      if (stop_.load(std::memory_order_relaxed)) return EndReason::kInterrupted;
      if (config.stop_after_messages != 0 && digest_.message_count() >= config.stop_after_messages) {
        return EndReason::kCompleted;
      }
      const ReadOutcome outcome = reader_->Next(record, error);
      if (outcome == ReadOutcome::kError) {
        if (!InputProblem(error.ToString())) return EndReason::kInputError;
        continue;
      }
      if (outcome == ReadOutcome::kEnd) {
        if (records_read_ == 0 && input_errors_ == 0) {
          // Nothing at all in the file: say so (a replay of nothing is
          // almost always a wrong path or a truncated copy).
          InputProblem(InputError{run_.publisher.input, 0, 0,
                                  "no records: the file is empty", "record"}
                           .ToString());
          return EndReason::kInputError;
        }
        ++summary_.loops_completed;
        if (!config.loops_forever() && summary_.loops_completed >= config.loops) {
          return EndReason::kCompleted;
        }
        reader_->Rewind();
        schedule.StartNextLoop();
        continue;
      }
      ++records_read_;
      switch (config.window.Classify(record.timestamp_ns)) {
        case RecordedWindow::Position::kBefore:
          ++summary_.skipped_outside_window;
          continue;
        case RecordedWindow::Position::kAfter:
          // The rest of this pass is after the window: next loop, or done.
          ++summary_.skipped_outside_window;
          ++summary_.loops_completed;
          if (!config.loops_forever() && summary_.loops_completed >= config.loops) {
            return EndReason::kCompleted;
          }
          reader_->Rewind();
          schedule.StartNextLoop();
          continue;
        case RecordedWindow::Position::kInside:
          break;
      }
      if (record.payload.size() > max_payload_) {
        const InputError too_big{run_.publisher.input, record.index, record.offset_bytes,
                                 fmt::format("payload of {} bytes does not fit a ring message: at "
                                             "most {} bytes after the {}-byte envelope",
                                             record.payload.size(), max_payload_, kEnvelopeBytes),
                                 reader_->format() == Format::kTimestampedLines ? "line" : "record"};
        if (!InputProblem(too_big.ToString())) return EndReason::kInputError;
        continue;
      }
      const std::uint64_t target = schedule.Next(record.timestamp_ns, record.payload.size());
      if (schedule.paced() && !WaitFor(target, config.max_sleep_ns, kEnvelopeBytes + record.payload.size())) {
        return EndReason::kInterrupted;
      }
      if (config.stop_after_ns != 0 && MonotonicNowNs() - start_ns_ >= config.stop_after_ns) {
        return EndReason::kCompleted;
      }
      Publish(record, target, schedule.paced());
    }
  }

  // Waits until start + target; false if a stop was requested meanwhile.
  // A message that must wait has its ring lines taken first (PrepareNext
  // for its `message_bytes`), so the write at the target does not wait for
  // them.
  bool WaitFor(std::uint64_t target, std::uint64_t max_sleep_ns, std::size_t message_bytes) {
    bool prepared = false;
    for (;;) {
      const std::uint64_t now = MonotonicNowNs() - start_ns_;
      const std::uint64_t wait = SleepBeforeSend(target, now, max_sleep_ns);
      if (wait == 0) return true;
      if (stop_.load(std::memory_order_relaxed)) return false;
      if (!prepared) {
        writer_->PrepareNext(message_bytes);
        prepared = true;
      }
      // Sleep (absolute, so no drift) until shortly before the target, then
      // spin the last microseconds; a capped wait just sleeps the cap.
      if (wait > kSpinBeforeTargetNs) {
        SleepUntil(start_ns_ + std::min(now + wait, target - kSpinBeforeTargetNs));
      }
      MaybeShowProgress();
    }
  }

  void Publish(const Record& record, std::uint64_t target, bool paced) {
    const std::uint64_t checksum = Checksum(record.payload);
    const auto destination = writer_->Claim(kEnvelopeBytes + record.payload.size());
    Envelope envelope;
    envelope.sequence = next_sequence_++;
    // The clock costs ~20-35 ns a read on these VMs, as much as the rest of
    // a message: at top speed only every kTopSpeedStampEvery-th data message
    // carries a publish time (0 = not stamped, see envelope.hpp); a paced
    // run stamps every message (it reads the clock to wait anyway).
    const bool stamp = paced || envelope.sequence % kTopSpeedStampEvery == 1;
    const std::uint64_t now = stamp ? MonotonicNowNs() : 0;
    envelope.publish_time_ns = now;
    envelope.payload_checksum = checksum;
    envelope.payload_kind = payload_kind_;
    EncodeMessage(envelope, record.payload, destination);
    writer_->Commit();
    digest_.AddChecksum(checksum, record.payload.size());
    summary_.bytes += record.payload.size();
    if (!stamp) {
      stats_.Count(record.payload.size());
      return;
    }
    // Top speed has no schedule: every message is exactly "on time".
    const std::uint64_t sent = now - start_ns_;
    stats_.Record(paced ? target : sent, sent, record.payload.size());
    if (run_.show_progress && now >= next_progress_ns_) MaybeShowProgress();
  }

  void MaybeShowProgress() {
    if (!run_.show_progress) return;
    const std::uint64_t now = MonotonicNowNs();
    if (now < next_progress_ns_) return;
    next_progress_ns_ = now + kProgressEveryNs;
    const double seconds = static_cast<double>(now - start_ns_) / 1e9;
    const double percent = reader_->size_bytes() == 0
                               ? 100.0
                               : 100.0 * static_cast<double>(reader_->position_bytes()) /
                                     static_cast<double>(reader_->size_bytes());
    std::fprintf(stderr, "\r[feed_publisher] %s messages  %s msg/s  %5.1f%% of pass %llu   ",
                 FormatCount(digest_.message_count()).c_str(),
                 FormatRate(seconds > 0 ? static_cast<double>(digest_.message_count()) / seconds : 0)
                     .c_str(),
                 percent, static_cast<unsigned long long>(summary_.loops_completed + 1));
    progress_shown_ = true;
  }

  const PublisherRun& run_;
  const std::atomic<bool>& stop_;
  PublisherSummary summary_;
  std::unique_ptr<RecordingReader> reader_;
  std::unique_ptr<ringlib::CircularBuffer::Writer> writer_;
  std::uint64_t max_payload_ = kMaxPayloadBytes;
  PayloadKind payload_kind_ = PayloadKind::kOpaque;
  std::uint64_t next_sequence_ = 0;
  std::uint64_t start_ns_ = MonotonicNowNs();
  std::uint64_t next_progress_ns_ = 0;
  std::uint64_t input_errors_ = 0;
  std::uint64_t records_read_ = 0;  // in all passes, inside the window or not
  bool progress_shown_ = false;
  StreamDigest digest_;
  PacingStats stats_;
};

}  // namespace

PublisherSummary RunPublisher(const PublisherRun& run, const std::atomic<bool>& stop) {
  return Publisher(run, stop).Run();
}

}  // namespace feed
