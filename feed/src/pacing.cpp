#include "feed/pacing.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <utility>

namespace feed {
namespace {
constexpr std::array<std::pair<PaceMode, std::string_view>, 4> kPaceModeNames{{
    {PaceMode::kTop, "top"},
    {PaceMode::kMessagesPerSecond, "messages_per_second"},
    {PaceMode::kBytesPerSecond, "bytes_per_second"},
    {PaceMode::kRecorded, "recorded"},
}};

// Messages (or bytes) per second over a span of nanoseconds; 0 for an empty span.
double PerSecond(std::uint64_t amount, std::uint64_t span_ns) {
  if (span_ns == 0) return 0.0;
  return static_cast<double>(amount) * 1e9 / static_cast<double>(span_ns);
}
}  // namespace

std::string_view PaceModeName(PaceMode mode) noexcept {
  for (const auto& [value, name] : kPaceModeNames) {
    if (value == mode) return name;
  }
  return "unknown";
}

std::optional<PaceMode> ParsePaceMode(std::string_view name) noexcept {
  for (const auto& [value, known] : kPaceModeNames) {
    if (known == name) return value;
  }
  return std::nullopt;
}

std::string DescribePace(const PaceConfig& pace) {
  switch (pace.mode) {
    case PaceMode::kTop:
      return "top speed";
    case PaceMode::kMessagesPerSecond:
      return fmt::format("{} messages/s", pace.rate);
    case PaceMode::kBytesPerSecond:
      return fmt::format("{} bytes/s", pace.rate);
    case PaceMode::kRecorded:
      return fmt::format("recorded x{}", pace.speed);
  }
  return "unknown pace";
}

PaceSchedule::PaceSchedule(const PaceConfig& pace, std::uint64_t max_gap_ns) noexcept
    : mode_(pace.mode), max_gap_ns_(max_gap_ns) {
  rate_ = std::max<std::uint64_t>(pace.rate, 1);
  rate_step_quotient_ = kNanosPerSecond / rate_;
  rate_step_remainder_ = kNanosPerSecond % rate_;
  // The speed factor becomes an exact integer (millionths) once, here; from
  // then on every target is integer arithmetic.
  const double speed = std::clamp(pace.speed, kMinSpeed, kMaxSpeed);
  speed_ppm_ = std::max<std::uint64_t>(
      static_cast<std::uint64_t>(std::llround(speed * static_cast<double>(kSpeedScale))), 1);
}

void PaceSchedule::StartNextLoop() noexcept {
  if (mode_ != PaceMode::kRecorded || loop_messages_ == 0) return;
  const std::uint64_t span_ns = loop_last_ns_ - loop_first_ns_;
  const std::uint64_t mean_gap_ns = loop_messages_ > 1 ? span_ns / (loop_messages_ - 1) : 0;
  loop_offset_ns_ = pacing_detail::SaturatingAdd(
      loop_offset_ns_, pacing_detail::SaturatingAdd(span_ns, mean_gap_ns));
  loop_messages_ = 0;
}

PacingReport PacingStats::Report(bool paced) const noexcept {
  PacingReport report;
  report.messages = messages_;
  report.bytes = bytes_;
  report.late_messages = late_messages_;
  report.lateness = lateness_.Summarize();
  if (messages_at_last_ < 2) return report;
  // Rates over the intervals between the first and the last timed send: the
  // messages after the first up to that one, and every byte before it.
  const std::uint64_t intervals = messages_at_last_ - 1;
  const std::uint64_t bytes_before_last = bytes_before_last_;
  report.duration_ns = last_actual_ns_ - first_actual_ns_;
  report.achieved_messages_per_second = PerSecond(intervals, report.duration_ns);
  report.achieved_bytes_per_second = PerSecond(bytes_before_last, report.duration_ns);
  if (paced) {
    const std::uint64_t scheduled_span_ns = last_target_ns_ - first_target_ns_;
    report.scheduled_messages_per_second = PerSecond(intervals, scheduled_span_ns);
    report.scheduled_bytes_per_second = PerSecond(bytes_before_last, scheduled_span_ns);
  }
  return report;
}

}  // namespace feed
