// A fixed-memory latency histogram (log-linear buckets, in the manner of
// HdrHistogram): values below 128 ns are exact, larger values fall into one of
// 128 equal sub-buckets per power of two, so a reported value is within 0.4%
// (half a sub-bucket) of the true one, across the whole uint64 range.
// Record() never allocates: all buckets are allocated by the constructor.
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace feed {

// What summaries print: all values in nanoseconds.
struct LatencySummary {
  std::uint64_t count = 0;
  std::uint64_t min_ns = 0;
  std::uint64_t max_ns = 0;
  double mean_ns = 0.0;
  std::uint64_t p50_ns = 0;
  std::uint64_t p90_ns = 0;
  std::uint64_t p99_ns = 0;
  std::uint64_t p999_ns = 0;
  bool operator==(const LatencySummary&) const = default;
};

class LatencyHistogram {
 public:
  static constexpr unsigned kSubBucketBits = 7;
  static constexpr std::uint64_t kSubBucketCount = std::uint64_t{1} << kSubBucketBits;  // 128
  // 128 exact buckets, then 128 per octave for octaves 7..63.
  static constexpr std::size_t kBucketCount =
      kSubBucketCount + (64 - kSubBucketBits) * kSubBucketCount;

  LatencyHistogram() : counts_(kBucketCount, 0) {}

  void Record(std::uint64_t value_ns) noexcept {
    ++counts_[BucketIndex(value_ns)];
    ++count_;
    sum_ns_ += static_cast<double>(value_ns);
    if (value_ns < min_ns_) min_ns_ = value_ns;
    if (value_ns > max_ns_) max_ns_ = value_ns;
  }

  std::uint64_t count() const noexcept { return count_; }
  std::uint64_t min() const noexcept { return count_ == 0 ? 0 : min_ns_; }
  std::uint64_t max() const noexcept { return max_ns_; }
  double mean() const noexcept { return count_ == 0 ? 0.0 : sum_ns_ / static_cast<double>(count_); }

  // Nearest-rank percentile (0 < percentile <= 100): the value whose rank is
  // ceil(percentile / 100 * count), reported as the middle of its bucket and
  // clamped to [min, max]; the first and last ranks are min and max exactly.
  // 0 when empty.
  std::uint64_t Percentile(double percentile) const noexcept;

  LatencySummary Summarize() const noexcept;
  void Merge(const LatencyHistogram& other) noexcept;
  void Reset() noexcept;

  static constexpr std::size_t BucketIndex(std::uint64_t value) noexcept {
    if (value < kSubBucketCount) return static_cast<std::size_t>(value);
    const unsigned octave = static_cast<unsigned>(std::bit_width(value)) - 1;  // >= 7
    const unsigned shift = octave - kSubBucketBits;
    const std::uint64_t sub_bucket = (value >> shift) - kSubBucketCount;  // 0..127
    return static_cast<std::size_t>(kSubBucketCount + shift * kSubBucketCount + sub_bucket);
  }
  static constexpr std::uint64_t BucketLowest(std::size_t index) noexcept {
    if (index < kSubBucketCount) return index;
    const std::size_t shift = (index - kSubBucketCount) / kSubBucketCount;
    const std::uint64_t sub_bucket = (index - kSubBucketCount) % kSubBucketCount;
    return (kSubBucketCount + sub_bucket) << shift;
  }
  static constexpr std::uint64_t BucketWidth(std::size_t index) noexcept {
    if (index < kSubBucketCount) return 1;
    return std::uint64_t{1} << ((index - kSubBucketCount) / kSubBucketCount);
  }

 private:
  std::vector<std::uint64_t> counts_;
  std::uint64_t count_ = 0;
  double sum_ns_ = 0.0;
  std::uint64_t min_ns_ = std::numeric_limits<std::uint64_t>::max();
  std::uint64_t max_ns_ = 0;
};

}  // namespace feed
