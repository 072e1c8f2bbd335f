// pcap / pcapng captures of IEX-TP over Ethernet (optionally 802.1Q tagged)
// / IPv4 / UDP, read with libpcap. Each IEX-TP message is one record,
// timestamped with its segment's send time. A packet that is not IEX-TP, or
// whose lengths do not add up, is reported with its number and offset and
// skipped; a segment is checked whole before any of its messages is returned.
#include <pcap/pcap.h>
#include <sys/stat.h>

#include <cerrno>
#include <cstdio>
#include <cstring>

#include <fmt/format.h>

#include "recording_internal.hpp"

namespace feed::detail {
namespace {

constexpr std::size_t kEthernetHeaderBytes = 14;
constexpr std::size_t kVlanTagBytes = 4;
constexpr std::uint16_t kEthertypeIpv4 = 0x0800;
constexpr std::uint16_t kEthertypeVlan = 0x8100;
constexpr std::uint16_t kEthertypeQinQ = 0x88a8;
constexpr std::size_t kUdpHeaderBytes = 8;
constexpr std::uint8_t kIpProtocolUdp = 17;
constexpr std::size_t kIexTpHeaderBytes = 40;
constexpr std::uint8_t kIexTpVersion = 1;
constexpr std::uint16_t kProtocolTops16 = 0x8003;
constexpr std::uint16_t kProtocolDeep10 = 0x8004;
constexpr std::size_t kClassicFileHeaderBytes = 24;
constexpr std::size_t kClassicRecordHeaderBytes = 16;
constexpr std::uint32_t kMaxClassicCaptureBytes = 262'144;  // libpcap's largest snapshot length
constexpr std::size_t kClassicBufferBytes = std::size_t{1} << 20;  // > header + largest packet

struct Segment {
  std::uint16_t protocol_id = 0;
  std::uint16_t message_count = 0;
  std::uint64_t send_time_ns = 0;
  std::span<const std::byte> messages;  // message_count x (u16 LE length + message)
};

std::optional<PayloadKind> KindOfProtocol(std::uint16_t protocol_id) {
  if (protocol_id == kProtocolTops16) return PayloadKind::kIexTops16;
  if (protocol_id == kProtocolDeep10) return PayloadKind::kIexDeep10;
  return std::nullopt;
}

// Parses one captured frame down to a whole, consistent IEX-TP segment.
// Returns an empty string on success, else what is wrong.
std::string ParsePacket(const pcap_pkthdr& header, const u_char* data, Segment& segment) {
  if (header.caplen < header.len) {
    return fmt::format("packet truncated by the capture: {} of {} bytes captured", header.caplen,
                       header.len);
  }
  const std::span<const std::byte> frame(reinterpret_cast<const std::byte*>(data), header.caplen);
  if (frame.size() < kEthernetHeaderBytes) {
    return fmt::format("frame of {} bytes is shorter than an Ethernet header", frame.size());
  }
  std::size_t pos = 12;
  std::uint16_t ethertype = LoadU16Be(frame.data() + pos);
  pos += 2;
  for (int tags = 0; (ethertype == kEthertypeVlan || ethertype == kEthertypeQinQ) && tags < 2;
       ++tags) {
    if (frame.size() < pos + kVlanTagBytes) return "frame truncated inside an 802.1Q VLAN tag";
    ethertype = LoadU16Be(frame.data() + pos + 2);
    pos += kVlanTagBytes;
  }
  if (ethertype != kEthertypeIpv4) {
    return fmt::format("not an IPv4 packet (ethertype 0x{:04x}), expected IEX-TP over UDP/IPv4",
                       ethertype);
  }
  const std::span<const std::byte> ip = frame.subspan(pos);
  if (ip.size() < 20) return fmt::format("IPv4 header truncated: {} bytes", ip.size());
  const auto version_ihl = std::to_integer<unsigned>(ip[0]);
  const std::size_t ip_header_bytes = (version_ihl & 0x0f) * 4U;
  if ((version_ihl >> 4) != 4 || ip_header_bytes < 20) {
    return fmt::format("bad IPv4 header (version {}, header length {})", version_ihl >> 4,
                       ip_header_bytes);
  }
  const std::size_t ip_total_bytes = LoadU16Be(ip.data() + 2);
  if (ip_total_bytes < ip_header_bytes || ip_total_bytes > ip.size()) {
    return fmt::format("IPv4 total length {} does not fit the {} bytes captured after the "
                       "Ethernet header",
                       ip_total_bytes, ip.size());
  }
  const std::uint16_t fragment_field = LoadU16Be(ip.data() + 6);
  if ((fragment_field & 0x3fff) != 0) {  // more-fragments flag or a fragment offset
    return fmt::format("fragmented IPv4 packet (fragment offset {} bytes, more fragments {}): "
                       "reassembly is not supported",
                       (fragment_field & 0x1fff) * 8U, (fragment_field & 0x2000) != 0);
  }
  const auto ip_protocol = std::to_integer<std::uint8_t>(ip[9]);
  if (ip_protocol != kIpProtocolUdp) {
    return fmt::format("not a UDP packet (IP protocol {}), expected IEX-TP over UDP", ip_protocol);
  }
  // Bounded by the IP total length: Ethernet pads short frames.
  const std::span<const std::byte> udp = ip.subspan(ip_header_bytes, ip_total_bytes - ip_header_bytes);
  if (udp.size() < kUdpHeaderBytes) return "UDP header truncated";
  const std::size_t udp_length = LoadU16Be(udp.data() + 4);
  if (udp_length != udp.size()) {
    return fmt::format("UDP length {} does not match the IPv4 payload of {} bytes", udp_length,
                       udp.size());
  }
  const std::span<const std::byte> iex = udp.subspan(kUdpHeaderBytes);
  if (iex.size() < kIexTpHeaderBytes) {
    return fmt::format("not IEX-TP: UDP payload of {} bytes is shorter than the {}-byte segment "
                       "header",
                       iex.size(), kIexTpHeaderBytes);
  }
  const auto version = std::to_integer<std::uint8_t>(iex[0]);
  segment.protocol_id = LoadU16Le(iex.data() + 2);
  if (version != kIexTpVersion || !KindOfProtocol(segment.protocol_id)) {
    return fmt::format("not IEX-TP TOPS/DEEP: version {} (expected 1), message protocol id "
                       "0x{:04x} (expected 0x8003 or 0x8004)",
                       version, segment.protocol_id);
  }
  const std::size_t payload_length = LoadU16Le(iex.data() + 12);
  segment.message_count = LoadU16Le(iex.data() + 14);
  segment.send_time_ns = LoadU64Le(iex.data() + 32);
  segment.messages = iex.subspan(kIexTpHeaderBytes);
  if (payload_length != segment.messages.size()) {
    return fmt::format("IEX-TP payload length {} does not match the {} bytes after the segment "
                       "header",
                       payload_length, segment.messages.size());
  }
  std::size_t walked = 0;
  for (unsigned message = 1; message <= segment.message_count; ++message) {
    if (segment.messages.size() - walked < 2) {
      return fmt::format("IEX-TP segment ends before message {} of {}", message,
                         segment.message_count);
    }
    const std::size_t length = LoadU16Le(segment.messages.data() + walked);
    if (length == 0) return fmt::format("IEX-TP message {} has length 0", message);
    walked += 2 + length;
    if (walked > segment.messages.size()) {
      return fmt::format("IEX-TP message {} of {} (length {}) runs past the segment payload",
                         message, segment.message_count, length);
    }
  }
  if (walked != segment.messages.size()) {
    return fmt::format("{} bytes follow the segment's {} messages", segment.messages.size() - walked,
                       segment.message_count);
  }
  return {};
}

struct PcapCloser {
  void operator()(pcap_t* handle) const noexcept { pcap_close(handle); }
};
using PcapHandle = std::unique_ptr<pcap_t, PcapCloser>;

PcapHandle OpenCapture(const std::string& path) {
  std::array<char, PCAP_ERRBUF_SIZE> errbuf{};
  PcapHandle handle(pcap_open_offline(path.c_str(), errbuf.data()));
  if (!handle) {
    throw InputFileError(
        MakeError(path, 0, 0, fmt::format("cannot read as pcap/pcapng: {}", errbuf.data())));
  }
  if (pcap_datalink(handle.get()) != DLT_EN10MB) {
    throw InputFileError(MakeError(
        path, 0, 0,
        fmt::format("link type {} ({}) is not supported, expected Ethernet (DLT_EN10MB)",
                    pcap_datalink(handle.get()),
                    pcap_datalink_val_to_name(pcap_datalink(handle.get())) != nullptr
                        ? pcap_datalink_val_to_name(pcap_datalink(handle.get()))
                        : "unknown")));
  }
  return handle;
}

class PcapReader final : public RecordingReader {
 public:
  explicit PcapReader(const std::string& path) : path_(path) {
    struct stat info {};
    if (::stat(path.c_str(), &info) != 0) {
      throw InputFileError(MakeError(path, 0, 0, fmt::format("cannot stat: {}", std::strerror(errno))));
    }
    size_bytes_ = static_cast<std::uint64_t>(info.st_size);
    // libpcap validates the file (header, link type) for both formats, and
    // the same handle finds the payload kind; then the reading starts over
    // (Rewind: libpcap again for pcapng, the streaming buffer for classic).
    payload_kind_ = PeekPayloadKind(OpenCapture(path_));
    DetectClassicPcap();
    Rewind();
  }

  // The per-message path stays small: a big function (strings, error
  // paths) here cost ~20 instructions a message in saved registers alone.
  ReadOutcome Next(Record& out, InputError& error) override {
    if (remaining_messages_ > 0) [[likely]] {
      TakeMessage(out);
      return ReadOutcome::kRecord;
    }
    return NextPacket(out, error);
  }

  void Rewind() override {
    if (classic_) {
      file_->Rewind();
      // Skip the file header (checked when the file was opened): Consume
      // only skips bytes a Peek has made available.
      file_->Consume(file_->Peek(kClassicFileHeaderBytes).size());
    } else {
      handle_ = OpenCapture(path_);
    }
    records_seen_ = 0;
    packets_seen_ = 0;
    remaining_messages_ = 0;
    ended_ = false;
  }
  Format format() const override { return Format::kIexTpPcap; }
  PayloadKind payload_kind() const override { return payload_kind_; }
  std::optional<std::uint64_t> expected_count() const override { return std::nullopt; }
  std::uint64_t position_bytes() const override { return CurrentOffset(); }
  std::uint64_t size_bytes() const override { return size_bytes_; }
  std::uint64_t packets_read() const override { return packets_seen_; }

 private:
  void TakeMessage(Record& out) noexcept {
    const std::size_t length = LoadU16Le(segment_.messages.data() + message_pos_);
    out.payload = segment_.messages.subspan(message_pos_ + 2, length);
    out.timestamp_ns = segment_.send_time_ns;
    out.index = ++records_seen_;
    out.offset_bytes = packet_offset_;
    message_pos_ += 2 + length;
    --remaining_messages_;
  }

  // Reads packets until one holds messages, and returns its first message.
  [[gnu::noinline]] ReadOutcome NextPacket(Record& out, InputError& error) {
    for (;;) {
      if (ended_) return ReadOutcome::kEnd;
      pcap_pkthdr header{};
      const u_char* data = nullptr;
      std::string problem = classic_ ? ReadClassicPacket(header, data) : ReadPacket(header, data);
      if (data == nullptr) {
        ended_ = true;
        if (problem.empty()) return ReadOutcome::kEnd;
        // Neither reader can resynchronise within a damaged file: stop here.
        error = MakeError(path_, packets_seen_, packet_offset_, std::move(problem), "packet");
        return ReadOutcome::kError;
      }
      Segment segment;
      problem = ParsePacket(header, data, segment);
      if (problem.empty() && KindOfProtocol(segment.protocol_id) != payload_kind_) {
        problem = fmt::format("message protocol id 0x{:04x} differs from the capture's first "
                              "IEX-TP segment, which set the payload kind to '{}'",
                              segment.protocol_id, PayloadKindName(payload_kind_));
      }
      if (!problem.empty()) {
        error = MakeError(path_, packets_seen_, packet_offset_, std::move(problem), "packet");
        return ReadOutcome::kError;
      }
      segment_ = segment;
      message_pos_ = 0;
      remaining_messages_ = segment.message_count;
      // A heartbeat (no messages) yields nothing: read on.
      if (remaining_messages_ > 0) {
        TakeMessage(out);
        return ReadOutcome::kRecord;
      }
    }
  }

  // Where the next packet record (classic pcap) or block (pcapng, which may
  // be a non-packet block libpcap skips) starts.
  std::uint64_t CurrentOffset() const {
    if (classic_) return file_->position_bytes();
    const long offset = std::ftell(pcap_file(handle_.get()));
    return offset < 0 ? 0 : static_cast<std::uint64_t>(offset);
  }

  // pcapng, through libpcap. Sets data (nullptr at the end or on an error,
  // then the returned text says which).
  std::string ReadPacket(pcap_pkthdr& header, const u_char*& data) {
    packet_offset_ = CurrentOffset();
    pcap_pkthdr* next = nullptr;
    const int rc = pcap_next_ex(handle_.get(), &next, &data);
    if (rc == PCAP_ERROR_BREAK) {  // end of the file
      data = nullptr;
      return {};
    }
    ++packets_seen_;
    if (rc != 1) {
      data = nullptr;
      return fmt::format("cannot read the packet: {}", pcap_geterr(handle_.get()));
    }
    header = *next;
    return {};
  }

  // Classic pcap, read here through one streaming buffer: a 16-byte record
  // header (seconds, fraction, captured length, original length, in the
  // file's byte order) and the captured bytes. libpcap's per-packet fread
  // calls and an ftell (an lseek system call) for the offset cost more than
  // the rest of the publisher's work per message (docs/benchmarks.md).
  std::string ReadClassicPacket(pcap_pkthdr& header, const u_char*& data) {
    data = nullptr;
    packet_offset_ = file_->position_bytes();
    const std::span<const std::byte> head = file_->Peek(kClassicRecordHeaderBytes);
    if (head.empty()) return {};  // end of the file
    ++packets_seen_;
    if (head.size() < kClassicRecordHeaderBytes) {
      return fmt::format("truncated packet record header: {} of {} bytes at the end of the file",
                         head.size(), kClassicRecordHeaderBytes);
    }
    header.caplen = ClassicField(head.data() + 8);
    header.len = ClassicField(head.data() + 12);
    if (header.caplen > kMaxClassicCaptureBytes) {
      return fmt::format("packet record says {} captured bytes, more than the {} any capture holds",
                         header.caplen, kMaxClassicCaptureBytes);
    }
    const std::span<const std::byte> whole =
        file_->Peek(kClassicRecordHeaderBytes + header.caplen);
    if (whole.size() < kClassicRecordHeaderBytes + header.caplen) {
      return fmt::format("truncated packet: the record header says {} captured bytes, {} are left "
                         "in the file",
                         header.caplen, whole.size() - kClassicRecordHeaderBytes);
    }
    // Consume moves the read position only: the bytes stay valid until the
    // next Peek, after the last message of this packet was returned.
    file_->Consume(whole.size());
    data = reinterpret_cast<const u_char*>(whole.data() + kClassicRecordHeaderBytes);
    return {};
  }

  std::uint32_t ClassicField(const std::byte* at) const noexcept {
    const auto value = wire::LoadLittleEndian<std::uint32_t>(at);
    return classic_swapped_ ? wire::ByteSwap(value) : value;
  }

  // Classic pcap magic numbers (micro- or nanosecond timestamps) as read
  // little-endian: the file's byte order is the host's when they read as
  // written, swapped when they read reversed. Anything else is pcapng (or
  // not a capture, which libpcap reports when it opens the file).
  void DetectClassicPcap() {
    file_ = std::make_unique<StreamingFile>(path_, kClassicBufferBytes);
    const std::span<const std::byte> head = file_->Peek(kClassicFileHeaderBytes);
    if (head.size() < kClassicFileHeaderBytes) return;
    const auto magic = wire::LoadLittleEndian<std::uint32_t>(head.data());
    classic_ = magic == 0xa1b2c3d4 || magic == 0xa1b23c4d || magic == 0xd4c3b2a1 ||
               magic == 0x4d3cb2a1;
    classic_swapped_ = magic == 0xd4c3b2a1 || magic == 0x4d3cb2a1;
    if (!classic_) file_.reset();
  }

  // The first well-formed IEX-TP segment decides TOPS or DEEP; a capture
  // without one is opaque (and each of its packets is reported as an error).
  static PayloadKind PeekPayloadKind(PcapHandle handle) {
    pcap_pkthdr* header = nullptr;
    const u_char* data = nullptr;
    while (pcap_next_ex(handle.get(), &header, &data) == 1) {
      Segment segment;
      if (ParsePacket(*header, data, segment).empty()) {
        return *KindOfProtocol(segment.protocol_id);
      }
    }
    return PayloadKind::kOpaque;
  }

  std::string path_;
  std::uint64_t size_bytes_ = 0;
  PayloadKind payload_kind_ = PayloadKind::kOpaque;
  PcapHandle handle_;  // pcapng only
  Segment segment_;
  std::size_t message_pos_ = 0;
  std::size_t remaining_messages_ = 0;
  std::uint64_t packet_offset_ = 0;
  bool classic_ = false;          // classic pcap, read by ReadClassicPacket
  bool classic_swapped_ = false;  // ... in the other byte order than the host's
  std::unique_ptr<StreamingFile> file_;  // classic pcap only
  std::uint64_t records_seen_ = 0;
  std::uint64_t packets_seen_ = 0;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<RecordingReader> OpenPcapReader(const std::string& path) {
  return std::make_unique<PcapReader>(path);
}

}  // namespace feed::detail
