#include "feed/latency.hpp"

#include <gtest/gtest.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

namespace feed {
namespace {

// Nearest-rank percentile of a sorted sample: the value at rank ceil(p/100 * n).
std::uint64_t ExactPercentile(const std::vector<std::uint64_t>& sorted, double percentile) {
  const auto rank =
      static_cast<std::size_t>(std::ceil(percentile / 100.0 * static_cast<double>(sorted.size())));
  return sorted[std::max<std::size_t>(rank, 1) - 1];
}

// The documented precision: within 0.4% (half of a 1/128-wide bucket), or exact below 128 ns.
void ExpectWithinPrecision(std::uint64_t reported, std::uint64_t exact, double percentile) {
  const double tolerance = std::max(static_cast<double>(exact) / 256.0, 0.5);
  EXPECT_LE(std::abs(static_cast<double>(reported) - static_cast<double>(exact)), tolerance)
      << "p" << percentile << ": reported " << reported << ", exact " << exact;
}

TEST(LatencyHistogram, EmptyHistogramReportsZeros) {
  const LatencyHistogram histogram;
  EXPECT_EQ(histogram.count(), 0u);
  EXPECT_EQ(histogram.min(), 0u);
  EXPECT_EQ(histogram.max(), 0u);
  EXPECT_EQ(histogram.mean(), 0.0);
  EXPECT_EQ(histogram.Percentile(99.0), 0u);
}

TEST(LatencyHistogram, SmallValuesAreExact) {
  LatencyHistogram histogram;
  for (std::uint64_t value = 1; value <= 100; ++value) histogram.Record(value);
  EXPECT_EQ(histogram.count(), 100u);
  EXPECT_EQ(histogram.min(), 1u);
  EXPECT_EQ(histogram.max(), 100u);
  EXPECT_DOUBLE_EQ(histogram.mean(), 50.5);
  EXPECT_EQ(histogram.Percentile(50.0), 50u);
  EXPECT_EQ(histogram.Percentile(90.0), 90u);
  EXPECT_EQ(histogram.Percentile(99.0), 99u);
  EXPECT_EQ(histogram.Percentile(100.0), 100u);
}

TEST(LatencyHistogram, PercentilesOfRandomDataAreWithinStatedPrecision) {
  std::mt19937_64 random(20240808);
  // Log-uniform from 50 ns to 100 s: every octave of the range is exercised.
  std::uniform_real_distribution<double> exponent(std::log(50.0), std::log(100e9));
  std::vector<std::uint64_t> values(200'000);
  LatencyHistogram histogram;
  for (auto& value : values) {
    value = static_cast<std::uint64_t>(std::exp(exponent(random)));
    histogram.Record(value);
  }
  std::sort(values.begin(), values.end());
  for (const double percentile : {1.0, 10.0, 50.0, 90.0, 99.0, 99.9, 99.99}) {
    ExpectWithinPrecision(histogram.Percentile(percentile), ExactPercentile(values, percentile),
                          percentile);
  }
  EXPECT_EQ(histogram.min(), values.front());
  EXPECT_EQ(histogram.max(), values.back());
  const LatencySummary summary = histogram.Summarize();
  EXPECT_EQ(summary.count, values.size());
  ExpectWithinPrecision(summary.p999_ns, ExactPercentile(values, 99.9), 99.9);
}

TEST(LatencyHistogram, NarrowDistributionAroundAMicrosecond) {
  std::mt19937_64 random(7);
  std::normal_distribution<double> around(1'500.0, 200.0);
  std::vector<std::uint64_t> values;
  LatencyHistogram histogram;
  for (int sample = 0; sample < 100'000; ++sample) {
    const auto value = static_cast<std::uint64_t>(std::max(0.0, around(random)));
    values.push_back(value);
    histogram.Record(value);
  }
  std::sort(values.begin(), values.end());
  for (const double percentile : {50.0, 90.0, 99.0, 99.9}) {
    ExpectWithinPrecision(histogram.Percentile(percentile), ExactPercentile(values, percentile),
                          percentile);
  }
}

TEST(LatencyHistogram, AcceptsTheWholeUint64Range) {
  LatencyHistogram histogram;
  histogram.Record(0);
  histogram.Record(std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(histogram.max(), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(histogram.Percentile(100.0), std::numeric_limits<std::uint64_t>::max());
  EXPECT_EQ(histogram.Percentile(50.0), 0u);
}

TEST(LatencyHistogram, BucketsTileTheRangeWithoutGaps) {
  for (std::size_t index = 0; index + 1 < LatencyHistogram::kBucketCount; ++index) {
    ASSERT_EQ(LatencyHistogram::BucketLowest(index) + LatencyHistogram::BucketWidth(index),
              LatencyHistogram::BucketLowest(index + 1))
        << index;
    ASSERT_EQ(LatencyHistogram::BucketIndex(LatencyHistogram::BucketLowest(index)), index);
  }
}

TEST(LatencyHistogram, MergeEqualsRecordingEverythingInOne) {
  LatencyHistogram first;
  LatencyHistogram second;
  LatencyHistogram both;
  for (std::uint64_t value = 0; value < 10'000; value += 7) {
    (value % 2 == 0 ? first : second).Record(value * 13);
    both.Record(value * 13);
  }
  first.Merge(second);
  EXPECT_EQ(first.Summarize(), both.Summarize());
  first.Reset();
  EXPECT_EQ(first.count(), 0u);
  EXPECT_EQ(first.Percentile(50.0), 0u);
}

}  // namespace
}  // namespace feed
