// The project's own recording format (docs/recording-format.md): a 32-byte
// header, then records of [u64 timestamp_ns][u16 length][payload], all
// little-endian, no padding.
#include <cerrno>
#include <cstring>

#include <fmt/format.h>

#include "recording_internal.hpp"

namespace feed {
namespace detail {
namespace {

namespace rf = recording_format;

constexpr std::size_t kBufferBytes = 1 << 20;

void StoreU16Le(std::byte* p, std::uint16_t value) { wire::StoreLittleEndian(p, value); }
void StoreU64Le(std::byte* p, std::uint64_t value) { wire::StoreLittleEndian(p, value); }

class FeedRecordingReader final : public RecordingReader {
 public:
  explicit FeedRecordingReader(const std::string& path) : file_(path, kBufferBytes) {
    const std::span<const std::byte> header = file_.Peek(rf::kHeaderBytes);
    auto fail = [&](std::string message) {
      throw InputFileError(MakeError(path, 0, 0, "not a valid feed recording: " + message));
    };
    if (header.size() < rf::kMagic.size() ||
        std::memcmp(header.data(), rf::kMagic.data(), rf::kMagic.size()) != 0) {
      fail("the file does not start with the magic \"FEEDREC\\n\"");
    }
    if (header.size() < rf::kHeaderBytes) {
      fail(fmt::format("the file has {} bytes, fewer than the {}-byte header", header.size(),
                       rf::kHeaderBytes));
    }
    const std::uint16_t version = LoadU16Le(header.data() + rf::kVersionOffset);
    if (version != rf::kVersion) {
      fail(fmt::format("format version {}, this reader knows version {}", version, rf::kVersion));
    }
    header_bytes_ = LoadU16Le(header.data() + rf::kHeaderBytesOffset);
    if (header_bytes_ < rf::kHeaderBytes) {
      fail(fmt::format("header length {} is less than {}", header_bytes_, rf::kHeaderBytes));
    }
    const auto kind = std::to_integer<std::uint8_t>(header[rf::kPayloadKindOffset]);
    if (kind > static_cast<std::uint8_t>(PayloadKind::kIexDeep10)) {
      fail(fmt::format("unknown payload kind {}", kind));
    }
    payload_kind_ = static_cast<PayloadKind>(kind);
    const std::uint16_t flags = LoadU16Le(header.data() + rf::kFlagsOffset);
    if ((flags & rf::kFlagCountFinal) != 0) {
      expected_count_ = LoadU64Le(header.data() + rf::kRecordCountOffset);
    }
    Rewind();
  }

  ReadOutcome Next(Record& out, InputError& error) override {
    if (ended_) return ReadOutcome::kEnd;
    const std::uint64_t offset = file_.position_bytes();
    const std::uint64_t index = records_seen_ + 1;
    if (expected_count_ && records_seen_ == *expected_count_) {
      ended_ = true;
      if (offset == file_.size_bytes()) return ReadOutcome::kEnd;
      error = MakeError(file_.path(), index, offset,
                        fmt::format("{} bytes follow the last of the {} records the header counts",
                                    file_.size_bytes() - offset, *expected_count_));
      return ReadOutcome::kError;
    }
    const std::span<const std::byte> head = file_.Peek(rf::kRecordHeaderBytes);
    if (head.empty()) {
      ended_ = true;
      if (!expected_count_) return ReadOutcome::kEnd;
      error = MakeError(file_.path(), index, offset,
                        fmt::format("the file ends after {} records, the header counts {}",
                                    records_seen_, *expected_count_));
      return ReadOutcome::kError;
    }
    if (head.size() < rf::kRecordHeaderBytes) {
      ended_ = true;
      error = MakeError(file_.path(), index, offset,
                        fmt::format("truncated record header: {} bytes left, expected {}",
                                    head.size(), rf::kRecordHeaderBytes));
      return ReadOutcome::kError;
    }
    const std::size_t length = LoadU16Le(head.data() + 8);
    const std::span<const std::byte> whole = file_.Peek(rf::kRecordHeaderBytes + length);
    if (whole.size() < rf::kRecordHeaderBytes + length) {
      ended_ = true;
      error = MakeError(file_.path(), index, offset,
                        fmt::format("truncated record: length {} but only {} payload bytes are "
                                    "left in the file",
                                    length, whole.size() - rf::kRecordHeaderBytes));
      return ReadOutcome::kError;
    }
    file_.Consume(whole.size());
    records_seen_ = index;
    out.payload = whole.subspan(rf::kRecordHeaderBytes);
    out.timestamp_ns = LoadU64Le(whole.data());
    out.index = index;
    out.offset_bytes = offset;
    return ReadOutcome::kRecord;
  }

  void Rewind() override {
    file_.Rewind();
    // Skip the header (possibly longer than this version's, see header_bytes).
    std::size_t to_skip = header_bytes_;
    while (to_skip > 0) {
      const std::span<const std::byte> chunk = file_.Peek(to_skip);
      if (chunk.empty()) break;
      file_.Consume(chunk.size());
      to_skip -= chunk.size();
    }
    records_seen_ = 0;
    ended_ = false;
  }
  Format format() const override { return Format::kFeedRecording; }
  PayloadKind payload_kind() const override { return payload_kind_; }
  std::optional<std::uint64_t> expected_count() const override { return expected_count_; }
  std::uint64_t position_bytes() const override { return file_.position_bytes(); }
  std::uint64_t size_bytes() const override { return file_.size_bytes(); }

 private:
  StreamingFile file_;
  std::size_t header_bytes_ = rf::kHeaderBytes;
  PayloadKind payload_kind_ = PayloadKind::kOpaque;
  std::optional<std::uint64_t> expected_count_;
  std::uint64_t records_seen_ = 0;
  bool ended_ = false;
};

}  // namespace

std::unique_ptr<RecordingReader> OpenFeedRecordingReader(const std::string& path) {
  return std::make_unique<FeedRecordingReader>(path);
}

}  // namespace detail

namespace rf = recording_format;

RecordingWriter::RecordingWriter(const std::string& path, PayloadKind kind) : path_(path) {
  file_ = std::fopen(path.c_str(), "wb");
  if (file_ == nullptr) {
    throw InputFileError(detail::MakeError(
        path, 0, 0, fmt::format("cannot open for writing: {}", std::strerror(errno))));
  }
  std::array<std::byte, rf::kHeaderBytes> header{};
  std::memcpy(header.data(), rf::kMagic.data(), rf::kMagic.size());
  detail::StoreU16Le(header.data() + rf::kVersionOffset, rf::kVersion);
  detail::StoreU16Le(header.data() + rf::kHeaderBytesOffset, rf::kHeaderBytes);
  header[rf::kPayloadKindOffset] = static_cast<std::byte>(kind);
  // Flags and count stay 0 until Close(): an unfinished file reads to its end.
  if (std::fwrite(header.data(), 1, header.size(), file_) != header.size()) {
    const int saved = errno;
    std::fclose(file_);
    file_ = nullptr;
    throw InputFileError(detail::MakeError(
        path, 0, 0, fmt::format("cannot write the header: {}", std::strerror(saved))));
  }
  bytes_written_ = header.size();
}

RecordingWriter::~RecordingWriter() {
  try {
    Close();
  } catch (const std::exception&) {
    // A destructor must not throw; callers who care call Close() themselves.
  }
}

void RecordingWriter::Append(std::uint64_t timestamp_ns, std::span<const std::byte> payload) {
  if (payload.size() > kMaxRecordPayloadBytes) {
    throw std::invalid_argument(fmt::format("{}: payload of {} bytes is over the {}-byte limit",
                                            path_, payload.size(), kMaxRecordPayloadBytes));
  }
  if (file_ == nullptr) throw std::runtime_error(fmt::format("{}: Append after Close", path_));
  std::array<std::byte, rf::kRecordHeaderBytes> head{};
  detail::StoreU64Le(head.data(), timestamp_ns);
  detail::StoreU16Le(head.data() + 8, static_cast<std::uint16_t>(payload.size()));
  if (std::fwrite(head.data(), 1, head.size(), file_) != head.size() ||
      // An empty span may have a null data(), which fwrite must not see.
      (!payload.empty() &&
       std::fwrite(payload.data(), 1, payload.size(), file_) != payload.size())) {
    throw std::runtime_error(fmt::format("{}: write failed after {} records: {}", path_,
                                         record_count_, std::strerror(errno)));
  }
  ++record_count_;
  bytes_written_ += head.size() + payload.size();
}

void RecordingWriter::Close() {
  if (file_ == nullptr) return;
  std::FILE* file = file_;
  file_ = nullptr;
  std::array<std::byte, 10> tail{};  // flags (u16) then record count (u64), adjacent in the header
  detail::StoreU16Le(tail.data(), rf::kFlagCountFinal);
  detail::StoreU64Le(tail.data() + 2, record_count_);
  static_assert(rf::kRecordCountOffset == rf::kFlagsOffset + 2);
  const bool ok = std::fflush(file) == 0 &&
                  std::fseek(file, static_cast<long>(rf::kFlagsOffset), SEEK_SET) == 0 &&
                  std::fwrite(tail.data(), 1, tail.size(), file) == tail.size();
  const int saved = errno;
  const bool closed = std::fclose(file) == 0;
  if (!ok || !closed) {
    throw std::runtime_error(fmt::format("{}: cannot finalize the header: {}", path_,
                                         std::strerror(ok ? errno : saved)));
  }
}

}  // namespace feed
