// Writes the seed corpora in fuzz/corpus/<target>/ from tiny synthetic
// inputs (never from ../shared/data): a few valid inputs per target, plus
// the classic bad shapes (empty, truncated). Run by `scripts/run-fuzz
// --make-seeds`; the files are committed.
//
//   make_seeds CORPUS_DIR
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>
#include <vector>

#include "feed/iex.hpp"
#include "feed/itch.hpp"
#include "feed/itch_generator.hpp"
#include "feed/recording.hpp"
#include "ringlib/layout.hpp"

namespace {

using Bytes = std::vector<std::uint8_t>;
namespace fs = std::filesystem;

fs::path g_root;

void Put(const std::string& target, const std::string& name, const Bytes& bytes) {
  const fs::path dir = g_root / target;
  fs::create_directories(dir);
  std::ofstream out(dir / name, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}
Bytes Text(const std::string& text) { return Bytes(text.begin(), text.end()); }
void Le(Bytes& out, std::uint64_t value, int n) {
  for (int i = 0; i < n; ++i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}
void Be(Bytes& out, std::uint64_t value, int n) {
  for (int i = n - 1; i >= 0; --i) out.push_back(static_cast<std::uint8_t>(value >> (8 * i)));
}

std::vector<Bytes> ItchMessages(std::uint64_t count) {
  feed::ItchGeneratorOptions options;
  options.message_count = count;
  options.symbol_count = 1;
  options.seed = 7;
  feed::ItchGenerator generator(options);
  std::vector<Bytes> messages;
  for (auto m = generator.Next(); !m.empty(); m = generator.Next()) {
    const auto* p = reinterpret_cast<const std::uint8_t*>(m.data());
    messages.emplace_back(p, p + m.size());
  }
  return messages;
}

Bytes ItchFile(const std::vector<Bytes>& messages) {
  Bytes file;
  for (const Bytes& m : messages) {
    Be(file, m.size(), 2);
    file.insert(file.end(), m.begin(), m.end());
  }
  return file;
}

Bytes IexMessage(feed::PayloadKind kind, std::uint8_t type) {
  Bytes m(feed::iex::ExpectedLength(kind, type), 0x20);
  m[0] = type;
  return m;
}

Bytes IexSegment(std::uint16_t protocol, const std::vector<Bytes>& messages,
                 std::uint64_t time_ns) {
  Bytes payload;
  for (const Bytes& m : messages) {
    Le(payload, m.size(), 2);
    payload.insert(payload.end(), m.begin(), m.end());
  }
  Bytes segment;
  Le(segment, 1, 1);
  Le(segment, 0, 1);
  Le(segment, protocol, 2);
  Le(segment, 1, 4);
  Le(segment, 42, 4);
  Le(segment, payload.size(), 2);
  Le(segment, messages.size(), 2);
  Le(segment, 0, 8);
  Le(segment, 1, 8);
  Le(segment, time_ns, 8);
  segment.insert(segment.end(), payload.begin(), payload.end());
  return segment;
}

Bytes Frame(const Bytes& udp_payload) {
  Bytes frame;
  Be(frame, 0x01005e000001ULL, 6);
  Be(frame, 0x020000000001ULL, 6);
  Be(frame, 0x0800, 2);
  Be(frame, 0x45, 1);
  Be(frame, 0, 1);
  Be(frame, 20 + 8 + udp_payload.size(), 2);
  Be(frame, 0, 2);
  Be(frame, 0, 2);
  Be(frame, 64, 1);
  Be(frame, 17, 1);
  Be(frame, 0, 2);
  Be(frame, 0x0a000001, 4);
  Be(frame, 0xe9d70001, 4);
  Be(frame, 10378, 2);
  Be(frame, 10378, 2);
  Be(frame, 8 + udp_payload.size(), 2);
  Be(frame, 0, 2);
  frame.insert(frame.end(), udp_payload.begin(), udp_payload.end());
  return frame;
}

Bytes Pcap(const std::vector<Bytes>& frames) {
  Bytes file;
  Le(file, 0xa1b2c3d4, 4);
  Le(file, 2, 2);
  Le(file, 4, 2);
  Le(file, 0, 4);
  Le(file, 0, 4);
  Le(file, 65535, 4);
  Le(file, 1, 4);
  std::uint32_t second = 1'500'000'000;
  for (const Bytes& frame : frames) {
    Le(file, second++, 4);
    Le(file, 0, 4);
    Le(file, frame.size(), 4);
    Le(file, frame.size(), 4);
    file.insert(file.end(), frame.begin(), frame.end());
  }
  return file;
}

Bytes OwnRecording(feed::PayloadKind kind, const std::vector<Bytes>& payloads) {
  const fs::path temp = fs::temp_directory_path() / ("make_seeds_" + std::to_string(::getpid()));
  {
    feed::RecordingWriter writer(temp.string(), kind);
    std::uint64_t time_ns = 1000;
    for (const Bytes& p : payloads) {
      writer.Append(time_ns, {reinterpret_cast<const std::byte*>(p.data()), p.size()});
      time_ns += 10;
    }
    writer.Close();
  }
  std::ifstream in(temp, std::ios::binary);
  Bytes bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  fs::remove(temp);
  return bytes;
}

Bytes Truncate(Bytes bytes, std::size_t drop) {
  bytes.resize(bytes.size() > drop ? bytes.size() - drop : 0);
  return bytes;
}

// Structured segment_reader input (see segment_reader.cpp): mode byte, commit
// at attach, commit after, reserve after, flags, then the data area.
Bytes SegmentInput(std::uint8_t mode, std::uint64_t commit_after, std::uint8_t flags,
                   const Bytes& data) {
  Bytes input{mode};
  Le(input, 0, 8);
  Le(input, commit_after, 8);
  Le(input, commit_after, 8);
  input.push_back(flags);
  input.insert(input.end(), data.begin(), data.end());
  return input;
}

Bytes RingRecords(const std::vector<Bytes>& payloads) {
  Bytes data;
  for (const Bytes& p : payloads) {
    Le(data, ringlib::layout::RecordHeader(p.size(), ringlib::layout::kDataRecordType, 1), 8);
    data.insert(data.end(), p.begin(), p.end());
    while (data.size() % 8 != 0) data.push_back(0);
  }
  return data;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_seeds CORPUS_DIR\n");
    return 1;
  }
  g_root = argv[1];
  const auto itch = ItchMessages(feed::ItchGenerator::FixedMessageCount(1) + 12);
  const Bytes itch_file = ItchFile(itch);
  Put("recording_itch", "small.itch", itch_file);
  Put("recording_itch", "truncated_mid_record.itch", Truncate(itch_file, 5));
  Put("recording_itch", "empty", {});
  Bytes oversized;
  Be(oversized, 60000, 2);
  oversized.push_back('A');
  Put("recording_itch", "length_past_end.itch", oversized);

  const Bytes tops = Pcap({Frame(IexSegment(0x8003,
                                            {IexMessage(feed::PayloadKind::kIexTops16, 'Q'),
                                             IexMessage(feed::PayloadKind::kIexTops16, 'T')},
                                            1'500'000'000'000'000'000ULL)),
                           Frame(IexSegment(0x8003, {}, 1'500'000'000'000'000'001ULL))});
  const Bytes deep = Pcap({Frame(IexSegment(0x8004,
                                            {IexMessage(feed::PayloadKind::kIexDeep10, '8'),
                                             IexMessage(feed::PayloadKind::kIexDeep10, '5')},
                                            1'500'000'000'000'000'000ULL))});
  Put("recording_pcap", "tops.pcap", tops);
  Put("recording_pcap", "deep.pcap", deep);
  Put("recording_pcap", "truncated_mid_packet.pcap", Truncate(tops, 30));
  Put("recording_pcap", "header_only.pcap", Truncate(deep, deep.size() - 24));

  const Bytes lines = Text("34200000000000 hello\n34200000000100 world\n34200000000050 back\n");
  Put("recording_lines", "three.txt", lines);
  Put("recording_lines", "no_final_newline.txt", Text("1 a\n2 b"));
  Put("recording_lines", "bad_timestamp.txt", Text("x12 a\n3 b\n"));

  const Bytes own = OwnRecording(feed::PayloadKind::kItch50, {itch.begin(), itch.begin() + 4});
  Put("recording_own", "itch.rec", own);
  Put("recording_own", "truncated.rec", Truncate(own, 3));
  Put("recording_own", "opaque.rec",
      OwnRecording(feed::PayloadKind::kOpaque, {Text(""), Text("xyz")}));

  Put("recording_detect", "small.itch", itch_file);
  Put("recording_detect", "tops.pcap", tops);
  Put("recording_detect", "three.txt", lines);
  Put("recording_detect", "itch.rec", own);

  for (std::size_t i = 0; i < itch.size(); ++i) {
    Put("decode_itch",
        "msg_" + std::to_string(i) + "_" + std::string(1, static_cast<char>(itch[i][0])), itch[i]);
  }
  Put("decode_itch", "empty", {});
  for (const char type : std::string("SDHOPQTXBA")) {
    for (const auto kind : {feed::PayloadKind::kIexTops16, feed::PayloadKind::kIexDeep10}) {
      const auto length = feed::iex::ExpectedLength(kind, static_cast<std::uint8_t>(type));
      if (length == 0) continue;
      Bytes input{static_cast<std::uint8_t>(kind == feed::PayloadKind::kIexDeep10 ? 1 : 0)};
      const Bytes m = IexMessage(kind, static_cast<std::uint8_t>(type));
      input.insert(input.end(), m.begin(), m.end());
      Put("decode_iex",
          std::string(kind == feed::PayloadKind::kIexDeep10 ? "deep_" : "tops_") + type, input);
    }
  }
  for (const char type : std::string("85")) {
    Bytes input{1};
    const Bytes m = IexMessage(feed::PayloadKind::kIexDeep10, static_cast<std::uint8_t>(type));
    input.insert(input.end(), m.begin(), m.end());
    Put("decode_iex", std::string("deep_") + type, input);
  }

  Put("config_yaml", "minimal.yaml",
      Text("ring:\n  name: fuzz_ring\n  capacity: 64KiB\npublisher:\n  synthetic: { count: 10 }\n"
           "subscribers:\n  - name: a\n"));
  Put("config_yaml", "full.yaml",
      Text("ring:\n  name: feed_demo\n  capacity: 1MiB\npublisher:\n  input: demo.itch\n"
           "  format: itch\n  pace: { mode: recorded, speed: 15 }\nsubscribers:\n"
           "  - name: healthy\n    expect: complete\n  - name: throttled\n"
           "    throttle: { delay_us: 200 }\n    expect: lapped\n"
           "run:\n  subscriber_wait_ms: 2000\n  timeout_seconds: 60\n"));
  Put("config_yaml", "bad_capacity.yaml", Text("ring: { name: r, capacity: 3000 }\n"));
  Put("config_yaml", "not_yaml", Text("{[}\n"));

  const Bytes three =
      RingRecords({Text("hello"), Text(""), Text("a longer message of 32 bytes....")});
  Put("segment_reader", "three_records", SegmentInput(0, three.size(), 0, three));
  Put("segment_reader", "three_records_closed", SegmentInput(2, three.size(), 1, three));
  Put("segment_reader", "restarted", SegmentInput(0, three.size(), 2, three));
  Put("segment_reader", "lapped", SegmentInput(0, three.size(), 0, three));
  {
    Bytes padded = RingRecords({Bytes(4000, 'x')});  // ends at 4008: a padding record to 4096
    Le(padded, ringlib::layout::RecordHeader(4096 - 4008 - 8, ringlib::layout::kPaddingRecordType, 1), 8);
    padded.resize(4096, 0);
    Put("segment_reader", "padding", SegmentInput(0, 4096, 8, padded));
  }
  Bytes raw{1};
  Put("segment_reader", "raw_tiny", raw);
  std::printf("seeds written under %s\n", g_root.c_str());
  return 0;
}
