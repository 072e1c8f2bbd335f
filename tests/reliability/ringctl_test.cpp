// ringctl against real rings: list shows the writer, its liveness, capacity,
// positions and registered readers with their lag; inspect dumps the header
// and counters; clean removes stale segments and refuses live ones; looking
// never attaches.
#include <gtest/gtest.h>
#include <signal.h>

#include <sstream>

#include "fault_util.hpp"

namespace {

namespace cb = ringlib::CircularBuffer;
using reltest::kPeer;
using reltest::kRingctl;
using ringtest::Field;
using ringtest::Process;

// The lines of `text` that mention `needle`.
std::vector<std::string> LinesWith(const std::string& text, const std::string& needle) {
  std::vector<std::string> lines;
  std::istringstream stream(text);
  std::string line;
  while (std::getline(stream, line)) {
    if (line.find(needle) != std::string::npos) lines.push_back(line);
  }
  return lines;
}

TEST(Ringctl, ListShowsWriterPidLivenessCapacityPositionsReadersAndTheirLag) {
  reltest::PrefixGuard guard("list");
  const std::string ring = guard.Ring();
  cb::WriterOptions options;
  options.capacity_bytes = 65536;
  cb::Writer writer(ring, options);
  cb::ReaderOptions reader_options;
  reader_options.register_slot = true;
  reader_options.lap_policy = ringlib::LapPolicy::kReport;
  cb::Reader behind(ring, reader_options);
  cb::Reader caught_up(ring, reader_options);
  const std::vector<std::byte> message(100,
                                       std::byte{7});  // records of 8 + 100 bytes, padded to 112
  for (int i = 0; i < 10; ++i) writer.Write(message);
  std::vector<std::byte> buffer(200);
  for (int i = 0; i < 10; ++i) ASSERT_TRUE(caught_up.TryRead(buffer).ok());

  const auto listed = reltest::Run({kRingctl, "list"});
  ASSERT_EQ(listed.exit_code, 0) << listed.err;
  const auto rows = LinesWith(listed.out, "ringlib." + ring + " ");
  ASSERT_EQ(rows.size(), 1u) << listed.out;
  std::istringstream row(rows[0]);
  std::string name, pid, state, capacity_number, capacity_unit, commit, generation, participants,
      readers, max_lag;
  row >> name >> pid >> state >> capacity_number >> capacity_unit >> commit >> generation >>
      participants >> readers >> max_lag;
  EXPECT_EQ(name, ring);
  EXPECT_EQ(pid, std::to_string(::getpid()));
  EXPECT_EQ(state, "alive");
  EXPECT_EQ(capacity_number + " " + capacity_unit, "64 KiB");
  EXPECT_EQ(commit, "1120");  // 10 records of 112 bytes
  EXPECT_EQ(generation, "1");
  EXPECT_EQ(participants, "3");  // the writer and two readers, from the kernel's locks
  EXPECT_EQ(readers, "2");
  EXPECT_EQ(max_lag, "1120");
  const auto reader_lines = LinesWith(listed.out, "  reader slot=");
  std::vector<std::string> ours;
  for (const auto& line : reader_lines) {
    if (line.find("pid=" + std::to_string(::getpid()) + " ") != std::string::npos) {
      ours.push_back(line);
    }
  }
  ASSERT_EQ(ours.size(), 2u) << listed.out;
  EXPECT_EQ(Field(ours[0], "lag_bytes"), 1120) << ours[0];
  EXPECT_EQ(Field(ours[1], "lag_bytes"), 0) << ours[1];
  EXPECT_NE(ours[0].find("state=alive"), std::string::npos) << ours[0];
  EXPECT_NE(ours[0].find("lapped=no"), std::string::npos) << ours[0];
}

TEST(Ringctl, InspectDumpsHeaderPositionsWriterLifetimeAndSlots) {
  reltest::PrefixGuard guard("inspect");
  const std::string ring = guard.Ring();
  cb::WriterOptions options;
  options.capacity_bytes = 4096;
  cb::Writer writer(ring, options);
  cb::ReaderOptions reader_options;
  reader_options.register_slot = true;
  reader_options.lap_policy = ringlib::LapPolicy::kReport;
  cb::Reader reader(ring, reader_options);
  const std::vector<std::byte> message(1000, std::byte{1});  // 1008-byte records
  for (int i = 0; i < 5; ++i) writer.Write(message);         // 5040 > 4096: lapped
  std::vector<std::byte> buffer(2000);
  EXPECT_EQ(reader.TryRead(buffer).status, ringlib::ReadStatus::kLapped);

  const auto inspected = reltest::Run({kRingctl, "inspect", ring});
  ASSERT_EQ(inspected.exit_code, 0) << inspected.out << inspected.err;
  const std::string& out = inspected.out;
  EXPECT_NE(out.find("validation: ok"), std::string::npos) << out;
  EXPECT_EQ(Field(out, "capacity_bytes"), 4096) << out;
  EXPECT_EQ(Field(out, "max_message_bytes"), 2040) << out;  // half the ring less a header
  EXPECT_EQ(Field(out, "layout_version"), ringlib::layout::kLayoutVersion) << out;
  EXPECT_EQ(Field(out, "header_bytes"), 8192) << out;
  // Four records end at 4032; the fifth does not fit before 4096, so a
  // 64-byte padding record precedes it at 4096: it ends at 5104.
  EXPECT_EQ(Field(out, "commit"), 5104) << out;
  EXPECT_EQ(Field(out, "generation"), 1) << out;
  EXPECT_EQ(Field(out, "participants"), 2) << out;
  EXPECT_EQ(Field(out, "ref_count"), 2) << out;
  EXPECT_NE(out.find("writer: pid=" + std::to_string(::getpid()) + " "), std::string::npos) << out;
  EXPECT_NE(out.find("state=alive"), std::string::npos) << out;
  EXPECT_NE(out.find("status=live"), std::string::npos) << out;
  const auto slots = LinesWith(out, "  reader slot=");
  ASSERT_EQ(slots.size(), 1u) << out;
  EXPECT_NE(slots[0].find("lapped=yes"), std::string::npos) << slots[0];
  EXPECT_EQ(Field(slots[0], "laps"), 1) << slots[0];
  EXPECT_NE(slots[0].find("flags=in_use|lapped"), std::string::npos) << slots[0];
}

TEST(Ringctl, CleanRemovesAStaleSegmentAndRefusesALiveOne) {
  reltest::PrefixGuard guard("clean");
  const std::string stale = guard.Ring("stale");
  const std::string live = guard.Ring("live");
  // A stale segment: its writer was killed, nobody else attached.
  Process dead(
      {kPeer, "writer", stale, "--capacity", "65536", "--count", "10", "--hang-mid-write"});
  ASSERT_TRUE(reltest::WaitForOutput(dead, "claimed", std::chrono::seconds(10)));
  dead.Kill(SIGKILL);
  ASSERT_TRUE(dead.WaitFor(std::chrono::seconds(5)));
  ASSERT_TRUE(ringtest::SegmentExists(stale));
  cb::Writer writer(live);

  const auto list = reltest::Run({kRingctl, "list", "--no-readers"});
  const auto stale_rows = LinesWith(list.out, "ringlib." + stale + " ");
  ASSERT_EQ(stale_rows.size(), 1u) << list.out;
  EXPECT_NE(stale_rows[0].find(" dead "), std::string::npos) << stale_rows[0];
  EXPECT_NE(stale_rows[0].find("(stale)"), std::string::npos) << stale_rows[0];

  const auto refused = reltest::Run({kRingctl, "clean", live});
  EXPECT_EQ(refused.exit_code, 3) << refused.out << refused.err;
  EXPECT_NE(refused.err.find("refusing to remove ringlib." + live), std::string::npos)
      << refused.err;
  EXPECT_TRUE(ringtest::SegmentExists(live));

  const auto dry = reltest::Run({kRingctl, "clean", "--dry-run", stale});
  EXPECT_EQ(dry.exit_code, 0) << dry.err;
  EXPECT_NE(dry.out.find("would remove ringlib." + stale), std::string::npos) << dry.out;
  EXPECT_TRUE(ringtest::SegmentExists(stale));

  const auto cleaned = reltest::Run({kRingctl, "clean", stale, live});
  EXPECT_EQ(cleaned.exit_code, 3) << cleaned.out << cleaned.err;  // one was live
  EXPECT_NE(cleaned.out.find("removed ringlib." + stale), std::string::npos) << cleaned.out;
  EXPECT_FALSE(ringtest::SegmentExists(stale));
  EXPECT_TRUE(ringtest::SegmentExists(live));
  // The live ring still works.
  cb::Reader reader(live);
  writer.Write(std::vector<std::byte>(4));
  std::vector<std::byte> buffer(16);
  EXPECT_TRUE(reader.TryRead(buffer).ok());
}

TEST(Ringctl, ListingAndInspectingNeverAttachSoAStaleSegmentStaysUntilCleaned) {
  reltest::PrefixGuard guard("observe");
  const std::string ring = guard.Ring();
  Process dead({kPeer, "writer", ring, "--capacity", "65536", "--count", "3", "--hang-mid-write"});
  ASSERT_TRUE(reltest::WaitForOutput(dead, "claimed", std::chrono::seconds(10)));
  dead.Kill(SIGKILL);
  ASSERT_TRUE(dead.WaitFor(std::chrono::seconds(5)));
  for (int i = 0; i < 3; ++i) {
    EXPECT_EQ(reltest::Run({kRingctl, "list"}).exit_code, 0);
    const auto inspected = reltest::Run({kRingctl, "inspect", ring});
    EXPECT_EQ(inspected.exit_code, 0) << inspected.out << inspected.err;
    // The killed writer's reference is still counted (diagnostic only) ...
    EXPECT_EQ(Field(inspected.out, "ref_count"), 1) << inspected.out;
    // ... but the kernel knows nobody is attached.
    EXPECT_EQ(Field(inspected.out, "participants"), 0) << inspected.out;
    EXPECT_NE(inspected.out.find("state=dead"), std::string::npos) << inspected.out;
    EXPECT_NE(inspected.out.find("reserved_uncommitted_bytes="), std::string::npos);
  }
  EXPECT_TRUE(ringtest::SegmentExists(ring)) << "looking at a stale segment removed it";
  EXPECT_EQ(reltest::Run({kRingctl, "clean", ring}).exit_code, 0);
  EXPECT_FALSE(ringtest::SegmentExists(ring));
}

TEST(Ringctl, InspectOfAMissingRingExits2AndBadNamesAreUsageErrors) {
  reltest::PrefixGuard guard("missing");
  const auto missing = reltest::Run({kRingctl, "inspect", guard.Ring()});
  EXPECT_EQ(missing.exit_code, 2);
  EXPECT_NE(missing.err.find("No such file or directory"), std::string::npos) << missing.err;
  const auto escape = reltest::Run({kRingctl, "clean", "../../etc/passwd"});
  EXPECT_EQ(escape.exit_code, 1) << escape.out << escape.err;
  EXPECT_NE(escape.err.find("invalid segment name"), std::string::npos) << escape.err;
}

}  // namespace
