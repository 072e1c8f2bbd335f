// The publisher's schedule, as pure arithmetic (no clocks, no sleeping), so it
// can be tested over billions of simulated messages.
//
// Lessons from tcpreplay's bug reports, applied here:
// - every target is an absolute offset from one fixed start point, computed in
//   closed form or by exact integer accumulation: no floating increment, no
//   drift, however long the run;
// - when late, send at once and stay on the absolute schedule (catch up);
// - 128-bit intermediates and saturation: no overflow for long runs, large
//   files, extreme speed factors or many loops;
// - a recorded gap longer than the cap is shortened to the cap (the rest of
//   the schedule shifts earlier by the difference), so hour-long gaps in a
//   recording never freeze a run.
#pragma once

#include <cstddef>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

#include "feed/latency.hpp"

namespace feed {

__extension__ typedef unsigned __int128
    Uint128;  // __extension__: GCC/Clang type, quiet under -Wpedantic

inline constexpr std::uint64_t kNanosPerSecond = 1'000'000'000;

enum class PaceMode : std::uint8_t {
  kTop = 0,                // as fast as possible, no schedule
  kMessagesPerSecond = 1,  // rate = messages per second
  kBytesPerSecond = 2,     // rate = payload bytes per second
  kRecorded = 3,           // the recording's own timestamps, divided by speed
};
// "top", "messages_per_second", "bytes_per_second", "recorded".
std::string_view PaceModeName(PaceMode mode) noexcept;
std::optional<PaceMode> ParsePaceMode(std::string_view name) noexcept;

inline constexpr std::uint64_t kMaxPaceRate = 1'000'000'000'000;  // per second, both rate modes
inline constexpr double kMinSpeed = 0.001;
inline constexpr double kMaxSpeed = 1'000'000.0;
inline constexpr std::uint64_t kDefaultMaxSleepNs = 1'000'000'000;  // 1 s

struct PaceConfig {
  PaceMode mode = PaceMode::kTop;
  std::uint64_t rate = 0;  // messages/s or bytes/s, 1..kMaxPaceRate; unused otherwise
  double speed = 1.0;      // recorded mode: 2.0 replays twice as fast; kMinSpeed..kMaxSpeed
};

// "top speed", "1,000 messages/s", "1,048,576 bytes/s", "recorded x2.5".
std::string DescribePace(const PaceConfig& pace);

// An optional window of recorded time: start inclusive, end exclusive.
struct RecordedWindow {
  std::uint64_t start_ns = 0;
  std::uint64_t end_ns = std::numeric_limits<std::uint64_t>::max();  // max = no end

  enum class Position : std::uint8_t { kBefore, kInside, kAfter };
  constexpr Position Classify(std::uint64_t recorded_ns) const noexcept {
    if (recorded_ns < start_ns) return Position::kBefore;
    if (recorded_ns >= end_ns) return Position::kAfter;
    return Position::kInside;
  }
  constexpr bool unbounded() const noexcept {
    return start_ns == 0 && end_ns == std::numeric_limits<std::uint64_t>::max();
  }
};

namespace pacing_detail {
constexpr std::uint64_t Saturate(Uint128 value) noexcept {
  return value > std::numeric_limits<std::uint64_t>::max()
             ? std::numeric_limits<std::uint64_t>::max()
             : static_cast<std::uint64_t>(value);
}
constexpr std::uint64_t SaturatingAdd(std::uint64_t a, std::uint64_t b) noexcept {
  return b > std::numeric_limits<std::uint64_t>::max() - a
             ? std::numeric_limits<std::uint64_t>::max()
             : a + b;
}
}  // namespace pacing_detail

// Target send times, in nanoseconds after the run's start point. Call Next()
// once per message actually sent (after window filtering), in order, across
// loops; call StartNextLoop() when the input is rewound.
class PaceSchedule {
 public:
  // max_gap_ns: the longest wait between two consecutive targets (the sleep
  // cap); UINT64_MAX for no cap.
  explicit PaceSchedule(const PaceConfig& pace,
                        std::uint64_t max_gap_ns = kDefaultMaxSleepNs) noexcept;

  bool paced() const noexcept { return mode_ != PaceMode::kTop; }

  // The target for the next message. recorded_ns is its recorded timestamp
  // (recorded mode), payload_bytes its size (bytes mode). Top speed: always 0.
  std::uint64_t Next(std::uint64_t recorded_ns, std::size_t payload_bytes) noexcept {
    ++messages_;
    std::uint64_t raw = 0;
    switch (mode_) {
      case PaceMode::kTop:
        return 0;
      case PaceMode::kMessagesPerSecond: {
        // floor(i * 1e9 / rate) for message i, kept exactly as quotient +
        // remainder: a few integer operations per message, never a rounding
        // error. Written without helper calls: this loop runs 10^9 times in tests.
        raw = rate_quotient_;
        rate_remainder_ += rate_step_remainder_;
        const std::uint64_t carry = rate_remainder_ >= rate_ ? 1 : 0;
        rate_remainder_ -= carry * rate_;
        if (__builtin_add_overflow(rate_quotient_, rate_step_quotient_ + carry, &rate_quotient_)) {
          rate_quotient_ = std::numeric_limits<std::uint64_t>::max();
        }
        break;
      }
      case PaceMode::kBytesPerSecond:
        raw = pacing_detail::Saturate(Uint128{bytes_before_} * kNanosPerSecond / rate_);
        bytes_before_ = pacing_detail::SaturatingAdd(bytes_before_, payload_bytes);
        break;
      case PaceMode::kRecorded:
        raw = NextRecorded(recorded_ns);
        break;
    }
    // The gap cap: consecutive targets at most max_gap_ns apart. The excess
    // is accumulated in shift_ns_ and subtracted from every later target, so
    // the schedule stays absolute after a shortened gap.
    std::uint64_t target = raw > shift_ns_ ? raw - shift_ns_ : 0;
    if (target > last_target_) {
      const std::uint64_t gap = target - last_target_;
      if (gap > max_gap_ns_ && messages_ > 1) {
        shift_ns_ += gap - max_gap_ns_;  // <= raw, cannot overflow
        target = last_target_ + max_gap_ns_;
      }
    } else {
      target = last_target_;  // saturation can only flatten the schedule, never reverse it
    }
    last_target_ = target;
    return target;
  }

  // The input starts again from its first message. In recorded mode the next
  // loop begins one mean gap (of the loop just finished) after its last
  // message, so time keeps moving forward; rate modes simply continue.
  void StartNextLoop() noexcept;

  std::uint64_t messages() const noexcept { return messages_; }
  // Total time removed from the schedule by the gap cap so far.
  std::uint64_t capped_ns() const noexcept { return shift_ns_; }
  // Recorded timestamps that went backwards (sent at once, no negative wait).
  std::uint64_t out_of_order_timestamps() const noexcept { return out_of_order_; }

 private:
  std::uint64_t NextRecorded(std::uint64_t recorded_ns) noexcept {
    if (loop_messages_ == 0) {
      loop_first_ns_ = recorded_ns;
      loop_last_ns_ = recorded_ns;
    } else if (recorded_ns < loop_last_ns_) {
      ++out_of_order_;  // keep the latest time seen: never schedule backwards
    } else {
      loop_last_ns_ = recorded_ns;
    }
    ++loop_messages_;
    const std::uint64_t recorded_elapsed =
        pacing_detail::SaturatingAdd(loop_offset_ns_, loop_last_ns_ - loop_first_ns_);
    // elapsed / speed with speed in millionths: elapsed * 1e6 / speed_ppm.
    return pacing_detail::Saturate(Uint128{recorded_elapsed} * kSpeedScale / speed_ppm_);
  }

  static constexpr std::uint64_t kSpeedScale = 1'000'000;

  PaceMode mode_;
  std::uint64_t rate_ = 1;
  std::uint64_t speed_ppm_ = kSpeedScale;
  std::uint64_t max_gap_ns_;

  std::uint64_t messages_ = 0;
  std::uint64_t last_target_ = 0;
  std::uint64_t shift_ns_ = 0;

  std::uint64_t rate_step_quotient_ = 0;   // 1e9 / rate
  std::uint64_t rate_step_remainder_ = 0;  // 1e9 % rate
  std::uint64_t rate_quotient_ = 0;
  std::uint64_t rate_remainder_ = 0;

  std::uint64_t bytes_before_ = 0;

  std::uint64_t loop_offset_ns_ = 0;  // recorded time at which the current loop starts
  std::uint64_t loop_first_ns_ = 0;
  std::uint64_t loop_last_ns_ = 0;
  std::uint64_t loop_messages_ = 0;
  std::uint64_t out_of_order_ = 0;
};

// The sleep policy: how long to sleep now before sending a message due at
// target_ns when the clock reads now_ns (both offsets from the start point).
// 0 when due or late: send at once, the absolute schedule catches up by itself.
// Never more than max_sleep_ns, so the caller re-checks (signals, stop limits)
// at least that often; it loops until this returns 0.
constexpr std::uint64_t SleepBeforeSend(std::uint64_t target_ns, std::uint64_t now_ns,
                                        std::uint64_t max_sleep_ns) noexcept {
  if (target_ns <= now_ns) return 0;
  const std::uint64_t wait = target_ns - now_ns;
  return wait < max_sleep_ns ? wait : max_sleep_ns;
}

// What the publisher reports about its own timing accuracy.
struct PacingReport {
  std::uint64_t messages = 0;
  std::uint64_t bytes = 0;
  std::uint64_t duration_ns = 0;               // first send to last send
  double achieved_messages_per_second = 0.0;   // over duration_ns
  double scheduled_messages_per_second = 0.0;  // what the schedule asked for (0 = top speed)
  double achieved_bytes_per_second = 0.0;
  double scheduled_bytes_per_second = 0.0;
  std::uint64_t late_messages = 0;  // sent more than kLateThresholdNs after target
  LatencySummary lateness;          // actual - target, ns (early sends count as 0)
  bool operator==(const PacingReport&) const = default;
};

// Records, per sent message, the target and the actual send time (offsets from
// the start point) and reports achieved vs scheduled rate and lateness.
class PacingStats {
 public:
  static constexpr std::uint64_t kLateThresholdNs = 1'000'000;  // 1 ms

  void Record(std::uint64_t target_ns, std::uint64_t actual_ns,
              std::size_t payload_bytes) noexcept {
    if (messages_ == 0) {
      first_target_ns_ = target_ns;
      first_actual_ns_ = actual_ns;
    }
    last_target_ns_ = target_ns;
    last_actual_ns_ = actual_ns;
    ++messages_;
    bytes_ += payload_bytes;
    messages_at_last_ = messages_;
    bytes_before_last_ = bytes_ - payload_bytes;
    const std::uint64_t late_ns = actual_ns > target_ns ? actual_ns - target_ns : 0;
    if (late_ns > kLateThresholdNs) ++late_messages_;
    lateness_.Record(late_ns);
  }

  // A message sent without reading the clock (top speed stamps only some):
  // it counts in messages and bytes; the rates cover the timed ones' span.
  void Count(std::size_t payload_bytes) noexcept {
    ++messages_;
    bytes_ += payload_bytes;
    last_count_bytes_ = payload_bytes;
  }

  // After the last message: if it was untimed (Count), time it now, so the
  // rates cover every message, also in a run shorter than one stamp period.
  void TimeLastMessage(std::uint64_t actual_ns) noexcept {
    if (messages_at_last_ == 0 || messages_ == messages_at_last_) return;
    last_actual_ns_ = actual_ns;
    last_target_ns_ = actual_ns;
    messages_at_last_ = messages_;
    bytes_before_last_ = bytes_ - last_count_bytes_;
  }

  // paced: false for top speed (no scheduled rate to report).
  PacingReport Report(bool paced) const noexcept;

 private:
  std::uint64_t messages_ = 0;
  std::uint64_t bytes_ = 0;
  std::uint64_t first_target_ns_ = 0;
  std::uint64_t first_actual_ns_ = 0;
  std::uint64_t last_target_ns_ = 0;
  std::uint64_t last_actual_ns_ = 0;
  std::uint64_t messages_at_last_ = 0;   // messages_ when the last timed one was recorded
  std::uint64_t bytes_before_last_ = 0;  // bytes_ before the last timed message
  std::uint64_t last_count_bytes_ = 0;   // payload of the last untimed message
  std::uint64_t late_messages_ = 0;
  LatencyHistogram lateness_;
};

}  // namespace feed
