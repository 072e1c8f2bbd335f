#include "feed/latency.hpp"

#include <algorithm>
#include <cmath>

namespace feed {

std::uint64_t LatencyHistogram::Percentile(double percentile) const noexcept {
  if (count_ == 0) return 0;
  const double clamped = std::clamp(percentile, 0.0, 100.0);
  auto rank = static_cast<std::uint64_t>(std::ceil(clamped / 100.0 * static_cast<double>(count_)));
  rank = std::clamp<std::uint64_t>(rank, 1, count_);
  // The extremes are known exactly; no need for a bucket's approximation.
  if (rank == 1) return min();
  if (rank == count_) return max();
  std::uint64_t seen = 0;
  for (std::size_t index = 0; index < counts_.size(); ++index) {
    seen += counts_[index];
    if (seen >= rank) {
      const std::uint64_t middle = BucketLowest(index) + (BucketWidth(index) - 1) / 2;
      return std::clamp(middle, min(), max());
    }
  }
  return max();
}

LatencySummary LatencyHistogram::Summarize() const noexcept {
  LatencySummary summary;
  summary.count = count_;
  summary.min_ns = min();
  summary.max_ns = max();
  summary.mean_ns = mean();
  summary.p50_ns = Percentile(50.0);
  summary.p90_ns = Percentile(90.0);
  summary.p99_ns = Percentile(99.0);
  summary.p999_ns = Percentile(99.9);
  return summary;
}

void LatencyHistogram::Merge(const LatencyHistogram& other) noexcept {
  for (std::size_t index = 0; index < counts_.size(); ++index)
    counts_[index] += other.counts_[index];
  count_ += other.count_;
  sum_ns_ += other.sum_ns_;
  min_ns_ = std::min(min_ns_, other.min_ns_);
  max_ns_ = std::max(max_ns_, other.max_ns_);
}

void LatencyHistogram::Reset() noexcept {
  std::fill(counts_.begin(), counts_.end(), 0);
  count_ = 0;
  sum_ns_ = 0.0;
  min_ns_ = std::numeric_limits<std::uint64_t>::max();
  max_ns_ = 0;
}

}  // namespace feed
