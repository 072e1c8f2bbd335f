// ring_bench's replay section (bench/replay.cpp): every run of a data set is
// recorded in the order it ran, each with the round trip measured right
// before and right after it, and the reported run is the median by rate
// with its own pair. The programs are the real feed_publisher and
// feed_subscriber on the repository's ITCH file; no timing is asserted.
#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "replay.hpp"

namespace {

bench::ReplayConfig Config(const std::string& itch_file) {
  bench::ReplayConfig config;
  config.publisher = FEED_PUBLISHER_PATH;
  config.subscriber = FEED_SUBSCRIBER_PATH;
  config.itch_file = itch_file;  // no IEX file: that data set reports why it did not run
  return config;
}

TEST(ReplayRuns, EveryRunInOrderWithItsOwnRoundTrips) {
  // A "round trip" that counts its calls: the values a run carries say
  // which calls bracketed it.
  double calls = 0;
  const auto counter = [&calls] { return ++calls; };
  constexpr int kRepeat = 3;
  const std::vector<bench::ReplayResult> results =
      bench::RunReplay(Config(RINGLIB_SOURCE_DIR "/data/demo.itch"), -1, -1, /*quick=*/true, kRepeat, counter);
  ASSERT_EQ(results.size(), 2u);

  const bench::ReplayResult& iex = results[0];
  EXPECT_EQ(iex.dataset, "iex-deep");
  EXPECT_FALSE(iex.ran);
  EXPECT_EQ(iex.error, "no input given");
  EXPECT_TRUE(iex.runs.empty());

  const bench::ReplayResult& itch = results[1];
  EXPECT_EQ(itch.dataset, "itch");
  ASSERT_TRUE(itch.ran);
  ASSERT_EQ(itch.error, "");
  EXPECT_GT(itch.messages, 0u);
  ASSERT_EQ(itch.runs.size(), static_cast<std::size_t>(kRepeat));
  // In order: run k took the two calls after run k-1's.
  for (std::size_t k = 0; k < itch.runs.size(); ++k) {
    EXPECT_GT(itch.runs[k].messages_per_second, 0) << "run " << k;
    EXPECT_EQ(itch.runs[k].rtt_after_ns, itch.runs[k].rtt_before_ns + 1) << "run " << k;
    if (k > 0) {
      EXPECT_EQ(itch.runs[k].rtt_before_ns, itch.runs[k - 1].rtt_after_ns + 1) << "run " << k;
    }
  }
  // The IEX data set's one call came first; the ITCH runs took the rest.
  EXPECT_EQ(itch.runs.front().rtt_before_ns, 2);
  EXPECT_EQ(itch.runs.back().rtt_after_ns, calls);

  // The reported run is the median by rate, with its own round trips.
  const auto reported = std::find_if(itch.runs.begin(), itch.runs.end(), [&](const auto& run) {
    return run.messages_per_second == itch.messages_per_second;
  });
  ASSERT_NE(reported, itch.runs.end());
  EXPECT_EQ(reported->rtt_before_ns, itch.rtt_before_ns);
  EXPECT_EQ(reported->rtt_after_ns, itch.rtt_after_ns);
  const auto slower = std::count_if(itch.runs.begin(), itch.runs.end(), [&](const auto& run) {
    return run.messages_per_second < itch.messages_per_second;
  });
  const auto faster = std::count_if(itch.runs.begin(), itch.runs.end(), [&](const auto& run) {
    return run.messages_per_second > itch.messages_per_second;
  });
  EXPECT_LE(slower, kRepeat / 2);
  EXPECT_LE(faster, kRepeat / 2);
}

// With a catch-up backoff, each default run is followed by one whose
// subscriber has it: the two alternate in the same minutes, and the data
// set's second result reports them.
TEST(ReplayRuns, ABackoffRunFollowsEachDefaultRunAndIsReportedAfterIt) {
  double calls = 0;
  const auto counter = [&calls] { return ++calls; };
  bench::ReplayConfig config = Config(RINGLIB_SOURCE_DIR "/data/demo.itch");
  config.catch_up_backoff_ns = 4'000;
  constexpr int kRepeat = 2;
  const std::vector<bench::ReplayResult> results =
      bench::RunReplay(config, -1, -1, /*quick=*/true, kRepeat, counter);
  ASSERT_EQ(results.size(), 3u);  // IEX (not run), ITCH, ITCH with the backoff
  EXPECT_FALSE(results[0].ran);
  const bench::ReplayResult& plain = results[1];
  const bench::ReplayResult& backoff = results[2];
  ASSERT_TRUE(plain.ran && plain.error.empty()) << plain.error;
  ASSERT_TRUE(backoff.ran && backoff.error.empty()) << backoff.error;
  EXPECT_EQ(plain.dataset, "itch");
  EXPECT_EQ(backoff.dataset, "itch");
  EXPECT_EQ(plain.catch_up_backoff_ns, 0u);
  EXPECT_EQ(backoff.catch_up_backoff_ns, 4'000u);
  EXPECT_EQ(plain.command.find("--catch-up-backoff"), std::string::npos) << plain.command;
  EXPECT_NE(backoff.command.find("--catch-up-backoff 4000ns"), std::string::npos) << backoff.command;
  EXPECT_EQ(backoff.messages, plain.messages);
  ASSERT_EQ(plain.runs.size(), static_cast<std::size_t>(kRepeat));
  ASSERT_EQ(backoff.runs.size(), static_cast<std::size_t>(kRepeat));
  // Call 1 was the IEX data set's; then, per k, the plain run's two calls
  // and right after them the backoff run's two.
  for (std::size_t k = 0; k < plain.runs.size(); ++k) {
    const double base = 2 + 4 * static_cast<double>(k);
    EXPECT_EQ(plain.runs[k].rtt_before_ns, base) << "run " << k;
    EXPECT_EQ(plain.runs[k].rtt_after_ns, base + 1) << "run " << k;
    EXPECT_EQ(backoff.runs[k].rtt_before_ns, base + 2) << "run " << k;
    EXPECT_EQ(backoff.runs[k].rtt_after_ns, base + 3) << "run " << k;
  }
  EXPECT_EQ(calls, 1 + 4 * kRepeat);
}

TEST(ReplayRuns, AMissingInputSaysSoAndRecordsNoRun) {
  double calls = 0;
  const auto counter = [&calls] { return ++calls; };
  const std::vector<bench::ReplayResult> results =
      bench::RunReplay(Config("/nonexistent/replay_runs_test.itch"), -1, -1, /*quick=*/true, 3, counter);
  ASSERT_EQ(results.size(), 2u);
  EXPECT_FALSE(results[1].ran);
  EXPECT_EQ(results[1].error, "input not found: /nonexistent/replay_runs_test.itch");
  EXPECT_TRUE(results[1].runs.empty());
}

}  // namespace
