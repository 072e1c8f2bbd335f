// ring_bench's percentiles (bench/bench_util.hpp): nearest rank for a clock
// that advances every tick, interpolation within the step for one that
// advances in steps (the TSC of the AMD EPYC VM: 10 ns).
#include <gtest/gtest.h>

#include <cmath>
#include <cstdint>
#include <random>
#include <vector>

#include "bench_util.hpp"

namespace {

using bench::ComputePercentiles;
using bench::GridQuantile;

TEST(ComputePercentiles, NearestRankWithoutAStep) {
  std::vector<double> ns;
  for (int i = 100; i >= 1; --i) ns.push_back(i);  // 1..100, unsorted
  const bench::Percentiles p = ComputePercentiles(ns);
  EXPECT_EQ(p.p50, 50);
  EXPECT_EQ(p.p90, 90);
  EXPECT_EQ(p.p99, 99);
  EXPECT_EQ(p.p999, 100);
  EXPECT_EQ(p.min, 1);
  EXPECT_EQ(p.max, 100);
  EXPECT_DOUBLE_EQ(p.mean, 50.5);
  EXPECT_EQ(p.samples, 100u);
}

// Every sample on one grid point: a duration that always read the same.
TEST(GridQuantile, OneGridValueIsThatValue) {
  const std::vector<double> sorted(1000, 100.0);
  EXPECT_DOUBLE_EQ(GridQuantile(sorted, 0.5, 10.0), 100.0);
}

// A duration of exactly half a step past a grid point reads as the two
// points around it equally often; its median is that duration.
TEST(GridQuantile, HalfAndHalfIsTheMidpoint) {
  std::vector<double> sorted(500, 100.0);
  sorted.insert(sorted.end(), 500, 110.0);
  EXPECT_DOUBLE_EQ(GridQuantile(sorted, 0.5, 10.0), 105.0);
}

// Grid values carry the jitter of a step that is not a whole number of
// nanoseconds (26 ticks of 0.385 ns, sometimes 25): they are binned by
// rounding, and the rank falls in a bin by its share of that bin.
TEST(GridQuantile, InterpolatesWithinTheBinOfTheRank) {
  std::vector<double> sorted(200, 99.6);  // bin 10: ranks 1..200
  sorted.insert(sorted.end(), 600, 110.1);  // bin 11: ranks 201..800
  sorted.insert(sorted.end(), 200, 120.2);  // bin 12
  // p50: rank 500 is 300 of bin 11's 600, halfway through [105, 115).
  EXPECT_NEAR(GridQuantile(sorted, 0.5, 10.0), 110.0, 1e-9);
  // p90: rank 900 is 100 of bin 12's 200.
  EXPECT_NEAR(GridQuantile(sorted, 0.9, 10.0), 120.0, 1e-9);
  // p10: rank 100 is half of bin 10.
  EXPECT_NEAR(GridQuantile(sorted, 0.1, 10.0), 100.0, 1e-9);
}

// Durations with a normal spread of `sd_ns` around 104 ns, each timed as a
// clock with a 10-ns step timed it (read at a random phase of the step):
// the durations, and what the clock read.
struct Timed {
  std::vector<double> durations;
  std::vector<double> stepped;
};
Timed TimeWithASteppedClock(double sd_ns) {
  constexpr double kStep = 10.0;
  std::mt19937_64 random(42);
  std::uniform_real_distribution<double> phase(0.0, kStep);
  std::normal_distribution<double> duration(104.0, sd_ns);
  Timed timed;
  for (int i = 0; i < 200000; ++i) {
    const double d = duration(random);
    const double t0 = 1000.0 + phase(random);
    timed.durations.push_back(d);
    timed.stepped.push_back(std::floor((t0 + d) / kStep) * kStep - std::floor(t0 / kStep) * kStep);
  }
  return timed;
}

// The point of it: durations of 104 +- 3 ns read as 100 or 110 (60 % /
// 40 %), so nearest rank says 100; the interpolation is within 1 ns.
TEST(GridQuantile, RecoversTheMedianOfDurationsTimedByASteppedClock) {
  Timed timed = TimeWithASteppedClock(3.0);
  const bench::Percentiles truth = ComputePercentiles(timed.durations);
  std::vector<double> nearest = timed.stepped;
  const bench::Percentiles by_rank = ComputePercentiles(nearest);
  const bench::Percentiles by_grid = ComputePercentiles(timed.stepped, 10.0);
  EXPECT_NEAR(truth.p50, 104.0, 0.1);
  EXPECT_NEAR(by_grid.p50, truth.p50, 1.0);
  EXPECT_EQ(by_rank.p50, 100.0);
  EXPECT_GT(std::abs(by_rank.p50 - truth.p50), 3.0);
}

// Tails: the clock itself spreads each reading over +-1 step (a triangle,
// sd 10/sqrt(6) = 4.1 ns), which no estimate undoes; where the durations
// spread wider than a step, as round trips do, p90 and p99 come within
// 3 ns (under a third of the step) and the median within 0.5.
TEST(GridQuantile, TailsOfAWideSpreadComeWithinAThirdOfAStep) {
  Timed timed = TimeWithASteppedClock(15.0);
  const bench::Percentiles truth = ComputePercentiles(timed.durations);
  const bench::Percentiles by_grid = ComputePercentiles(timed.stepped, 10.0);
  EXPECT_NEAR(by_grid.p50, truth.p50, 0.5);
  EXPECT_NEAR(by_grid.p90, truth.p90, 3.0);
  EXPECT_NEAR(by_grid.p99, truth.p99, 3.0);
}

// Tsc::StepTicks on differences such as its busy loops give: a span of a
// few hundred ticks, 100,000 differences, and a few hundred stretched by
// interrupts and preemptions, far apart.
std::vector<std::uint64_t> Differences(std::uint64_t tick_every, double step) {
  std::mt19937_64 random(7);
  std::vector<std::uint64_t> deltas;
  for (int i = 0; i < 100000; ++i) {
    const double duration = 40 + (i % 200) * 2.3 + std::uniform_real_distribution<double>(0, step)(random);
    auto ticks = static_cast<std::uint64_t>(std::floor(duration / step) * step);
    deltas.push_back(ticks / tick_every * tick_every);
  }
  for (int i = 0; i < 300; ++i) deltas.push_back(5000 + std::uniform_int_distribution<std::uint64_t>(0, 2'000'000)(random));
  return deltas;
}

TEST(TscStepTicks, EveryTickIsNoStepDespiteInterruptedTimings) {
  EXPECT_EQ(bench::Tsc::StepTicks(Differences(1, 1.0)), 0.0);
}

TEST(TscStepTicks, EverySecondTickIsNoStepDespiteInterruptedTimings) {
  EXPECT_EQ(bench::Tsc::StepTicks(Differences(2, 1.0)), 0.0);
}

TEST(TscStepTicks, StepsOf26TicksAreFoundDespiteInterruptedTimings) {
  EXPECT_NEAR(bench::Tsc::StepTicks(Differences(1, 25.96)), 25.96, 0.5);
}

}  // namespace
