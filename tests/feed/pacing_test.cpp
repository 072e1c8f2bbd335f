#include "feed/pacing.hpp"

#include <gtest/gtest.h>

#include <cstdint>
#include <limits>
#include <vector>

namespace feed {
namespace {

constexpr std::uint64_t kNoCap = std::numeric_limits<std::uint64_t>::max();
constexpr std::uint64_t kMs = 1'000'000;
constexpr std::uint64_t kSecond = 1'000'000'000;

PaceConfig Rate(PaceMode mode, std::uint64_t rate) {
  PaceConfig pace;
  pace.mode = mode;
  pace.rate = rate;
  return pace;
}

PaceConfig Recorded(double speed) {
  PaceConfig pace;
  pace.mode = PaceMode::kRecorded;
  pace.speed = speed;
  return pace;
}

std::vector<std::uint64_t> Targets(PaceSchedule& schedule,
                                   const std::vector<std::uint64_t>& recorded_ns) {
  std::vector<std::uint64_t> targets;
  for (const auto timestamp : recorded_ns) targets.push_back(schedule.Next(timestamp, 0));
  return targets;
}

// The closed form the schedule must equal: floor(i * 1e9 / rate), exactly.
std::uint64_t ClosedForm(std::uint64_t index, std::uint64_t rate) {
  return static_cast<std::uint64_t>(Uint128{index} * kSecond / rate);
}

TEST(PaceSchedule, TopSpeedHasNoSchedule) {
  PaceSchedule schedule(PaceConfig{});
  EXPECT_FALSE(schedule.paced());
  for (std::uint64_t i = 0; i < 10; ++i) EXPECT_EQ(schedule.Next(i * kSecond, 100), 0u);
  EXPECT_EQ(schedule.messages(), 10u);
}

TEST(PaceSchedule, MessagesPerSecondDoesNotDriftOverABillionMessages) {
  // Rates that do not divide 1e9: a floating increment would drift visibly.
  for (const std::uint64_t rate : {std::uint64_t{3}}) {
    PaceSchedule schedule(Rate(PaceMode::kMessagesPerSecond, rate), kNoCap);
    constexpr std::uint64_t kMessages = 1'000'000'000;
    std::uint64_t target = 0;
    for (std::uint64_t index = 0; index <= kMessages; ++index) {
      target = schedule.Next(0, 0);
      if ((index & 0xFFFFFF) == 0) {
        ASSERT_EQ(target, ClosedForm(index, rate)) << "message " << index;
      }
    }
    EXPECT_EQ(target, ClosedForm(kMessages, rate)) << "rate " << rate;
    EXPECT_EQ(schedule.capped_ns(), 0u);
  }
}

TEST(PaceSchedule, MessagesPerSecondMatchesClosedFormForAwkwardRates) {
  for (const std::uint64_t rate :
       {std::uint64_t{1}, std::uint64_t{999'983}, std::uint64_t{1'000'000'007}, kMaxPaceRate}) {
    PaceSchedule schedule(Rate(PaceMode::kMessagesPerSecond, rate), kNoCap);
    for (std::uint64_t index = 0; index < 100'000; ++index) {
      ASSERT_EQ(schedule.Next(0, 0), ClosedForm(index, rate))
          << "rate " << rate << " message " << index;
    }
  }
}

TEST(PaceSchedule, BytesPerSecondWaitsForThePreviousBytes) {
  PaceSchedule schedule(Rate(PaceMode::kBytesPerSecond, 1'000), kNoCap);
  EXPECT_EQ(schedule.Next(0, 100), 0u);         // nothing before it
  EXPECT_EQ(schedule.Next(0, 250), 100 * kMs);  // 100 bytes at 1000 B/s
  EXPECT_EQ(schedule.Next(0, 7), 350 * kMs);    // 350 bytes
  EXPECT_EQ(schedule.Next(0, 1), 357 * kMs);    // 357 bytes
}

TEST(PaceSchedule, RecordedTimestampsScaleBySpeed) {
  const std::uint64_t open = 34'200 * kSecond;  // 09:30:00 in ITCH nanoseconds since midnight
  const std::vector<std::uint64_t> recorded{open, open + 1 * kMs, open + 3 * kMs, open + 10 * kMs};
  struct Case {
    double speed;
    std::vector<std::uint64_t> expected;
  };
  for (const Case& c :
       {Case{1.0, {0, 1 * kMs, 3 * kMs, 10 * kMs}}, Case{0.5, {0, 2 * kMs, 6 * kMs, 20 * kMs}},
        Case{2.0, {0, 500'000, 1'500'000, 5 * kMs}}, Case{10.0, {0, 100'000, 300'000, 1 * kMs}}}) {
    PaceSchedule schedule(Recorded(c.speed), kNoCap);
    EXPECT_EQ(Targets(schedule, recorded), c.expected) << "speed " << c.speed;
  }
}

TEST(PaceSchedule, LoopsContinueOneMeanGapAfterTheLastMessage) {
  PaceSchedule schedule(Recorded(1.0), kNoCap);
  const std::vector<std::uint64_t> loop{100, 200, 400};  // span 300, mean gap 150
  std::vector<std::uint64_t> targets = Targets(schedule, loop);
  schedule.StartNextLoop();
  for (const auto t : Targets(schedule, loop)) targets.push_back(t);
  schedule.StartNextLoop();
  for (const auto t : Targets(schedule, loop)) targets.push_back(t);
  EXPECT_EQ(targets, (std::vector<std::uint64_t>{0, 100, 300, 450, 550, 750, 900, 1000, 1200}));
}

TEST(PaceSchedule, ManyLoopsKeepTimeStrictlyIncreasing) {
  PaceSchedule schedule(Recorded(3.0), kNoCap);
  std::uint64_t previous = 0;
  for (int loop = 0; loop < 1'000; ++loop) {
    for (const std::uint64_t timestamp : {5'000ULL, 5'007ULL, 9'999ULL}) {
      const std::uint64_t target = schedule.Next(timestamp, 0);
      if (loop != 0 || timestamp != 5'000) {
        ASSERT_GT(target, previous) << "loop " << loop;
      }
      previous = target;
    }
    schedule.StartNextLoop();
  }
}

TEST(PaceSchedule, RateModesIgnoreLoopBoundaries) {
  PaceSchedule schedule(Rate(PaceMode::kMessagesPerSecond, 4), kNoCap);
  EXPECT_EQ(schedule.Next(0, 0), 0u);
  EXPECT_EQ(schedule.Next(0, 0), 250 * kMs);
  schedule.StartNextLoop();
  EXPECT_EQ(schedule.Next(0, 0), 500 * kMs);
}

TEST(PaceSchedule, TimestampsGoingBackwardsAreSentAtOnce) {
  PaceSchedule schedule(Recorded(1.0), kNoCap);
  EXPECT_EQ(Targets(schedule, {0, 100, 50, 200}), (std::vector<std::uint64_t>{0, 100, 100, 200}));
  EXPECT_EQ(schedule.out_of_order_timestamps(), 1u);
}

TEST(PaceSchedule, HugeTimestampsAndSlowSpeedsSaturateInsteadOfWrapping) {
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  PaceSchedule slow(Recorded(kMinSpeed), kNoCap);
  EXPECT_EQ(slow.Next(0, 0), 0u);
  EXPECT_EQ(slow.Next(kMax / 2, 0), kMax);  // (2^63) * 1000 does not fit: saturates
  EXPECT_EQ(slow.Next(kMax, 0), kMax);
  slow.StartNextLoop();
  EXPECT_EQ(slow.Next(0, 0), kMax);  // loop offsets saturate too

  PaceSchedule fast(Recorded(kMaxSpeed), kNoCap);
  EXPECT_EQ(fast.Next(0, 0), 0u);
  EXPECT_EQ(fast.Next(kMax, 0), kMax / 1'000'000);  // exact: elapsed * 1e6 / 1e12
}

TEST(PaceSchedule, ByteCountsSaturateInsteadOfWrapping) {
  PaceSchedule schedule(Rate(PaceMode::kBytesPerSecond, 1), kNoCap);
  std::uint64_t previous = 0;
  // 65,535-byte messages at 1 byte/s pass 2^64 ns after about 281,000 messages.
  for (int message = 0; message < 400'000; ++message) {
    const std::uint64_t target = schedule.Next(0, 65'535);
    ASSERT_GE(target, previous) << message;
    previous = target;
  }
  EXPECT_EQ(previous, std::numeric_limits<std::uint64_t>::max());
}

TEST(PaceSchedule, GapCapShortensLongRecordedGapsAndKeepsTheRestAbsolute) {
  constexpr std::uint64_t kHour = 3'600 * kSecond;
  PaceSchedule schedule(Recorded(1.0), 1 * kSecond);
  EXPECT_EQ(
      Targets(schedule, {0, 500 * kMs, 2 * kHour, 2 * kHour + 5 * kMs, 2 * kHour + 5 * kSecond}),
      (std::vector<std::uint64_t>{0, 500 * kMs, 1'500 * kMs, 1'505 * kMs, 2'505 * kMs}));
  // The two-hour gap lost 2 h - 1 s; the last gap (4.995 s) lost 3.995 s.
  EXPECT_EQ(schedule.capped_ns(),
            (2 * kHour - 500 * kMs - 1 * kSecond) + (4'995 * kMs - 1 * kSecond));
}

TEST(RecordedWindow, StartIsInclusiveEndIsExclusive) {
  const RecordedWindow window{100, 200};
  EXPECT_EQ(window.Classify(99), RecordedWindow::Position::kBefore);
  EXPECT_EQ(window.Classify(100), RecordedWindow::Position::kInside);
  EXPECT_EQ(window.Classify(199), RecordedWindow::Position::kInside);
  EXPECT_EQ(window.Classify(200), RecordedWindow::Position::kAfter);
  EXPECT_FALSE(window.unbounded());
  EXPECT_TRUE(RecordedWindow{}.unbounded());
  EXPECT_EQ(RecordedWindow{}.Classify(std::numeric_limits<std::uint64_t>::max() - 1),
            RecordedWindow::Position::kInside);
}

TEST(RecordedWindow, FilteredMessagesArePacedFromTheFirstOneInside) {
  const RecordedWindow window{1'000, 3'000};
  PaceSchedule schedule(Recorded(1.0), kNoCap);
  std::vector<std::uint64_t> targets;
  for (const std::uint64_t timestamp :
       {500ULL, 999ULL, 1'000ULL, 1'500ULL, 2'999ULL, 3'000ULL, 4'000ULL}) {
    if (window.Classify(timestamp) == RecordedWindow::Position::kInside) {
      targets.push_back(schedule.Next(timestamp, 0));
    }
  }
  EXPECT_EQ(targets, (std::vector<std::uint64_t>{0, 500, 1'999}));
}

TEST(SleepBeforeSend, SleepsUntilTargetButNeverLongerThanTheCap) {
  EXPECT_EQ(SleepBeforeSend(100, 40, 1'000), 60u);
  EXPECT_EQ(SleepBeforeSend(5'000, 0, 1'000), 1'000u);
  EXPECT_EQ(SleepBeforeSend(100, 100, 1'000), 0u);  // due
  EXPECT_EQ(SleepBeforeSend(100, 250, 1'000), 0u);  // late: send at once
}

TEST(SleepBeforeSend, LateSendsCatchUpWithoutShiftingTheSchedule) {
  PaceSchedule schedule(Rate(PaceMode::kMessagesPerSecond, 100), kNoCap);  // every 10 ms
  std::uint64_t now = 0;
  std::vector<std::uint64_t> sent_at;
  for (int message = 0; message < 20; ++message) {
    const std::uint64_t target = schedule.Next(0, 0);
    while (const std::uint64_t sleep = SleepBeforeSend(target, now, 3 * kMs)) now += sleep;
    sent_at.push_back(now);
    if (message == 5) now += 50 * kMs;  // the publisher stalls after message 5
  }
  for (std::size_t message = 6; message <= 10; ++message)
    EXPECT_EQ(sent_at[message], 100 * kMs) << message;
  for (std::size_t message = 11; message < 20; ++message)
    EXPECT_EQ(sent_at[message], message * 10 * kMs) << message;
}

TEST(PacingStats, ReportsAchievedAndScheduledRatesAndLateness) {
  PacingStats stats;
  for (std::uint64_t message = 0; message <= 100; ++message) {
    const std::uint64_t target = message * 10 * kMs;
    // 51 on time (even), 49 late by 100 ns (odd), one (51) late by 2 ms.
    const std::uint64_t late = message == 51 ? 2 * kMs : (message % 2 == 1 ? 100 : 0);
    stats.Record(target, target + late, 10);
  }
  const PacingReport report = stats.Report(true);
  EXPECT_EQ(report.messages, 101u);
  EXPECT_EQ(report.bytes, 1'010u);
  EXPECT_EQ(report.duration_ns, 1 * kSecond);
  EXPECT_DOUBLE_EQ(report.achieved_messages_per_second, 100.0);
  EXPECT_DOUBLE_EQ(report.scheduled_messages_per_second, 100.0);
  EXPECT_DOUBLE_EQ(report.scheduled_bytes_per_second, 1'000.0);
  EXPECT_EQ(report.late_messages, 1u);  // only message 51 is more than 1 ms late
  EXPECT_EQ(report.lateness.max_ns, 2 * kMs);
  EXPECT_EQ(report.lateness.p50_ns, 0u);    // rank 51 of 101: on time
  EXPECT_EQ(report.lateness.p90_ns, 100u);  // rank 91: 100 ns (exact below 128 ns)
}

TEST(PacingStats, TopSpeedReportsNoScheduledRate) {
  PacingStats stats;
  stats.Record(0, 0, 1);
  stats.Record(0, 500 * kMs, 1);
  const PacingReport report = stats.Report(false);
  EXPECT_DOUBLE_EQ(report.achieved_messages_per_second, 2.0);
  EXPECT_EQ(report.scheduled_messages_per_second, 0.0);
}

// Top speed times only stamped messages (1 in 64): the others are counted,
// and the rates cover the span from the first to the last timed message.
TEST(PacingStats, UntimedMessagesCountButRatesCoverTheTimedSpan) {
  PacingStats stats;
  stats.Record(0, 0, 10);                // message 1, at 0
  for (int i = 0; i < 63; ++i) stats.Count(10);  // messages 2..64, untimed
  stats.Record(0, 640 * kMs, 10);        // message 65, at 640 ms
  for (int i = 0; i < 5; ++i) stats.Count(20);   // after the last timed one
  const PacingReport report = stats.Report(false);
  EXPECT_EQ(report.messages, 70u);
  EXPECT_EQ(report.bytes, 750u);
  EXPECT_EQ(report.duration_ns, 640 * kMs);
  // 64 intervals in 0.64 s; 640 bytes were sent before the last timed message.
  EXPECT_DOUBLE_EQ(report.achieved_messages_per_second, 100.0);
  EXPECT_DOUBLE_EQ(report.achieved_bytes_per_second, 1'000.0);
}

// A top-speed run whose last messages were untimed: timing the last one at
// the end makes the rates cover all of them.
TEST(PacingStats, TimingTheLastMessageCoversTheUntimedTail) {
  PacingStats stats;
  stats.Record(0, 0, 10);
  for (int i = 0; i < 9; ++i) stats.Count(10);  // 10 messages, only the first timed
  stats.TimeLastMessage(90 * kMs);
  const PacingReport report = stats.Report(false);
  EXPECT_EQ(report.messages, 10u);
  EXPECT_EQ(report.duration_ns, 90 * kMs);
  EXPECT_DOUBLE_EQ(report.achieved_messages_per_second, 100.0);  // 9 intervals in 90 ms
  EXPECT_DOUBLE_EQ(report.achieved_bytes_per_second, 1'000.0);   // 90 bytes before the last
  stats.TimeLastMessage(500 * kMs);  // nothing untimed since: no change
  EXPECT_EQ(stats.Report(false).duration_ns, 90 * kMs);
}

TEST(PaceMode, NamesRoundTripAndDescriptionsReadWell) {
  for (const PaceMode mode : {PaceMode::kTop, PaceMode::kMessagesPerSecond,
                              PaceMode::kBytesPerSecond, PaceMode::kRecorded}) {
    EXPECT_EQ(ParsePaceMode(PaceModeName(mode)), mode);
  }
  EXPECT_FALSE(ParsePaceMode("fast").has_value());
  EXPECT_EQ(DescribePace(PaceConfig{}), "top speed");
  EXPECT_EQ(DescribePace(Rate(PaceMode::kMessagesPerSecond, 5000)), "5000 messages/s");
  EXPECT_EQ(DescribePace(Recorded(2.5)), "recorded x2.5");
}

}  // namespace
}  // namespace feed
