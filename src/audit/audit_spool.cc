#include "audit/audit_spool.h"

#include <sqlite3.h>
#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstring>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"
#include "hakam/internal/audit_spool.pb.h"

namespace hakam {

namespace {

constexpr char kMagic[8] = {'H', 'K', 'S', 'P', 'O', 'O', 'L', '1'};
// Scan reads this much at a time, so that a frame costs no system call.
constexpr int64_t kReadChunk = 256 << 10;
// The frame header Append writes over a failed write it could not cut off:
// no frame has this length, and Recover cuts the file there.
constexpr uint32_t kCutLength = 0xffffffff;
constexpr uint32_t kCutMark = 0x54554348;  // "HCUT"
// Recover reads at most this much after a bad frame to tell a torn last
// write from damage with decisions after it.
constexpr int64_t kMaxCheckBytes = int64_t{256} << 20;

void StoreLittleEndian(uint64_t value, int bytes, char* out) {
  for (int i = 0; i < bytes; ++i) out[i] = static_cast<char>(value >> (8 * i));
}

uint64_t LoadLittleEndian(const char* in, int bytes) {
  uint64_t value = 0;
  for (int i = 0; i < bytes; ++i) {
    value |= uint64_t{static_cast<unsigned char>(in[i])} << (8 * i);
  }
  return value;
}

uint32_t Crc32(absl::string_view payload) {
  return static_cast<uint32_t>(
      crc32(0, reinterpret_cast<const Bytef*>(payload.data()),
            static_cast<uInt>(payload.size())));
}

}  // namespace

absl::StatusOr<std::unique_ptr<AuditSpool>> AuditSpool::Open(std::string path,
                                                             bool sync) {
  sqlite3_vfs* vfs = sqlite3_vfs_find(nullptr);
  if (vfs == nullptr) {
    return absl::UnavailableError("audit spool: SQLite has no default VFS");
  }
  std::unique_ptr<AuditSpool> spool(new AuditSpool(std::move(path), sync, vfs));
  if (absl::Status s = spool->OpenFiles(); !s.ok()) return s;
  return spool;
}

AuditSpool::AuditSpool(std::string path, bool sync, sqlite3_vfs* vfs)
    : path_(std::move(path)), sync_(sync), vfs_(vfs) {}

AuditSpool::~AuditSpool() { Close(); }

void AuditSpool::Close() {
  for (sqlite3_file** file : {&writer_, &reader_}) {
    if (*file == nullptr) continue;
    if ((*file)->pMethods != nullptr) (*file)->pMethods->xClose(*file);
    sqlite3_free(*file);
    *file = nullptr;
  }
}

absl::Status AuditSpool::OpenFiles() {
  // Not the VFS's xAccess: SQLite's takes an empty file for none, and an
  // empty spool is one whose start-over a crash cut short.
  std::error_code ec;
  const bool exists = std::filesystem::exists(path_, ec);
  if (ec) {
    return absl::UnavailableError(
        absl::StrCat("audit spool ", path_,
                     ": cannot tell whether it exists: ", ec.message()));
  }
  created_ = !exists;
  // A super-journal is SQLite's plain file: no locks, and its directory is
  // fsynced with the file's first fsync, so a new spool's name is durable.
  const int kinds[2] = {
      SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_SUPER_JOURNAL,
      SQLITE_OPEN_READONLY | SQLITE_OPEN_SUPER_JOURNAL};
  sqlite3_file** files[2] = {&writer_, &reader_};
  for (int i = 0; i < 2; ++i) {
    *files[i] = static_cast<sqlite3_file*>(sqlite3_malloc(vfs_->szOsFile));
    if (*files[i] == nullptr) {
      return absl::ResourceExhaustedError("audit spool: out of memory");
    }
    std::memset(*files[i], 0, vfs_->szOsFile);
    int out_flags = 0;
    const int rc =
        vfs_->xOpen(vfs_, path_.c_str(), *files[i], kinds[i], &out_flags);
    if (rc != SQLITE_OK) {
      return absl::UnavailableError(absl::StrCat(
          "audit spool ", path_, ": cannot open: ", sqlite3_errstr(rc)));
    }
  }
  sqlite3_int64 size = 0;
  if (int rc = writer_->pMethods->xFileSize(writer_, &size); rc != SQLITE_OK) {
    return absl::UnavailableError(absl::StrCat(
        "audit spool ", path_, ": cannot read its size: ", sqlite3_errstr(rc)));
  }
  end_.store(size, std::memory_order_release);
  if (size < kHeaderBytes) return absl::OkStatus();  // no generation yet
  char header[kHeaderBytes];
  if (absl::Status s = ReadAt(writer_, header, kHeaderBytes, 0); !s.ok()) {
    return s;
  }
  if (std::all_of(header, header + kHeaderBytes,
                  [](char c) { return c == 0; })) {
    return absl::OkStatus();  // zeros: a header a crash cut short
  }
  if (std::memcmp(header, kMagic, sizeof kMagic) != 0) {
    return absl::FailedPreconditionError(absl::StrCat(
        "audit spool ", path_,
        ": not a Hakam audit spool (its first bytes are not HKSPOOL1); "
        "move it away"));
  }
  generation_ = LoadLittleEndian(header + 8, 8);
  return absl::OkStatus();
}

absl::Status AuditSpool::Write(sqlite3_file* file, const void* data, int64_t n,
                               int64_t offset, const char* what) {
  if (n > INT_MAX) {
    return absl::InvalidArgumentError(
        absl::StrCat("audit spool ", path_, ": ", what, " of ", n,
                     " bytes is larger than one write"));
  }
  const int rc =
      file->pMethods->xWrite(file, data, static_cast<int>(n), offset);
  if (rc == SQLITE_OK) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("audit spool ", path_, ": ", what,
                                             " at offset ", offset, ": ",
                                             sqlite3_errstr(rc)));
}

absl::Status AuditSpool::Truncate(int64_t size) {
  const int rc = writer_->pMethods->xTruncate(writer_, size);
  if (rc == SQLITE_OK) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat("audit spool ", path_,
                                             ": cannot cut it to ", size,
                                             " bytes: ", sqlite3_errstr(rc)));
}

absl::Status AuditSpool::Sync() {
  if (!sync_) return absl::OkStatus();
  const int rc = writer_->pMethods->xSync(writer_, SQLITE_SYNC_NORMAL);
  if (rc == SQLITE_OK) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(
      "audit spool ", path_, ": fsync failed: ", sqlite3_errstr(rc)));
}

absl::Status AuditSpool::ReadAt(sqlite3_file* file, void* data, int64_t n,
                                int64_t offset) {
  const int rc = file->pMethods->xRead(file, data, static_cast<int>(n), offset);
  if (rc == SQLITE_OK) return absl::OkStatus();
  return absl::UnavailableError(
      absl::StrCat("audit spool ", path_, ": cannot read ", n,
                   " bytes at offset ", offset, ": ", sqlite3_errstr(rc)));
}

template <typename OnFrame>
absl::StatusOr<AuditSpool::ScanEnd> AuditSpool::Scan(sqlite3_file* file,
                                                     int64_t offset,
                                                     int64_t limit,
                                                     int64_t max_frames,
                                                     OnFrame on_frame) {
  std::string buffer;
  int64_t buffer_start = offset;
  // Makes [at, at + n) readable in `buffer`; false if it passes `limit`.
  auto fill = [&](int64_t at, int64_t n) -> absl::StatusOr<bool> {
    if (at + n > limit) return false;
    if (at >= buffer_start &&
        at + n <= buffer_start + static_cast<int64_t>(buffer.size())) {
      return true;
    }
    const int64_t want = std::min(limit - at, std::max(n, kReadChunk));
    buffer.resize(want);
    buffer_start = at;
    if (absl::Status s = ReadAt(file, buffer.data(), want, at); !s.ok()) {
      return s;
    }
    return true;
  };
  int64_t pos = offset;
  for (int64_t frames = 0; frames < max_frames && pos < limit; ++frames) {
    absl::StatusOr<bool> have = fill(pos, kFrameHeaderBytes);
    if (!have.ok()) return have.status();
    if (!*have) return ScanEnd{pos, true};
    const char* header = buffer.data() + (pos - buffer_start);
    const int64_t length = static_cast<int64_t>(LoadLittleEndian(header, 4));
    const uint32_t crc = static_cast<uint32_t>(LoadLittleEndian(header + 4, 4));
    if (length == kCutLength && crc == kCutMark)
      return ScanEnd{pos, true, true};
    // Zeros (a file extended by a crash past what was written) are no
    // frame: a decision is never empty.
    if (length == 0 || length > kMaxFrameBytes) return ScanEnd{pos, true};
    have = fill(pos, kFrameHeaderBytes + length);
    if (!have.ok()) return have.status();
    if (!*have) return ScanEnd{pos, true};
    const absl::string_view payload(
        buffer.data() + (pos - buffer_start) + kFrameHeaderBytes,
        static_cast<size_t>(length));
    if (Crc32(payload) != crc) return ScanEnd{pos, true};
    if (absl::Status s = on_frame(payload); !s.ok()) return s;
    pos += kFrameHeaderBytes + length;
  }
  return ScanEnd{pos, false};
}

absl::StatusOr<int64_t> AuditSpool::Recover(int64_t offset,
                                            int64_t max_torn_bytes) {
  if (generation_ == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit spool ", path_, ": no header to recover"));
  }
  sqlite3_int64 size = 0;
  if (int rc = writer_->pMethods->xFileSize(writer_, &size); rc != SQLITE_OK) {
    return absl::UnavailableError(absl::StrCat(
        "audit spool ", path_, ": cannot read its size: ", sqlite3_errstr(rc)));
  }
  if (offset < kHeaderBytes || offset > size) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit spool ", path_, ": ", size,
                     " bytes long; cannot recover from offset ", offset));
  }
  absl::StatusOr<ScanEnd> scan =
      Scan(writer_, offset, size, INT64_MAX,
           [](absl::string_view) { return absl::OkStatus(); });
  if (!scan.ok()) return scan.status();
  if (scan->damaged && !scan->cut_mark &&
      size - scan->offset > max_torn_bytes) {
    // A crash tears only the last write (in any order of its pages, after a
    // power loss, so whole frames may follow its bad one). Further from the
    // end, a whole frame after the bad one means the disk damaged a frame
    // that was answered, and cutting there would lose every decision after
    // it.
    absl::StatusOr<int64_t> next = FindFrameAfter(scan->offset, size);
    if (!next.ok()) return next.status();
    if (*next >= 0) {
      return absl::DataLossError(absl::StrCat(
          "audit spool ", path_, ": the frame at byte ", scan->offset,
          " is damaged, and a whole frame follows at byte ", *next,
          ": not a write torn by a crash. The spool is left as it is; copy "
          "it away for inspection before anything else"));
    }
  }
  if (scan->offset < size) {
    if (absl::Status s = Truncate(scan->offset); !s.ok()) return s;
    if (absl::Status s = Sync(); !s.ok()) return s;
  }
  end_.store(scan->offset, std::memory_order_release);
  return size - scan->offset;
}

absl::StatusOr<int64_t> AuditSpool::FindFrameAfter(int64_t offset,
                                                   int64_t size) {
  if (size - offset > kMaxCheckBytes) {
    return absl::DataLossError(absl::StrCat(
        "audit spool ", path_, ": the frame at byte ", offset,
        " is damaged, with ", size - offset,
        " bytes after it: too much for a write torn by a crash. The spool "
        "is left as it is; copy it away for inspection before anything "
        "else"));
  }
  std::string tail(static_cast<size_t>(size - offset), '\0');
  if (absl::Status s = ReadAt(writer_, tail.data(),
                              static_cast<int64_t>(tail.size()), offset);
      !s.ok()) {
    return s;
  }
  for (size_t at = 1; at + kFrameHeaderBytes < tail.size(); ++at) {
    const int64_t length =
        static_cast<int64_t>(LoadLittleEndian(tail.data() + at, 4));
    if (length == 0 || length > kMaxFrameBytes ||
        at + kFrameHeaderBytes + length > tail.size()) {
      continue;
    }
    const uint32_t crc =
        static_cast<uint32_t>(LoadLittleEndian(tail.data() + at + 4, 4));
    if (Crc32(absl::string_view(tail.data() + at + kFrameHeaderBytes,
                                static_cast<size_t>(length))) == crc) {
      return offset + static_cast<int64_t>(at);
    }
  }
  return -1;
}

absl::Status AuditSpool::Repair() {
  switch (pending_repair_) {
    case PendingRepair::kNone:
      return absl::OkStatus();
    case PendingRepair::kTruncate:
      if (absl::Status s = Truncate(end()); !s.ok()) return s;
      pending_repair_ = PendingRepair::kNone;
      return absl::OkStatus();
    case PendingRepair::kReset:
      return Reset(reset_generation_);
  }
  return absl::OkStatus();
}

absl::Status AuditSpool::Append(std::vector<AuditRecord*>& records) {
  if (absl::Status s = Repair(); !s.ok()) return s;
  if (generation_ == 0) {
    return absl::FailedPreconditionError(
        absl::StrCat("audit spool ", path_, ": no header; Reset() first"));
  }
  buffer_.clear();
  hakam::internal::SpooledRecord message;
  for (AuditRecord* r : records) {
    *message.mutable_decision() = std::move(r->decision);
    message.set_comment_id(std::move(r->comment_id));
    message.set_article_id(std::move(r->article_id));
    message.set_site(std::move(r->site));
    message.set_section(std::move(r->section));
    message.set_author_id(std::move(r->author_id));
    message.set_text_sha256(std::move(r->text_sha256));
    const size_t length = message.ByteSizeLong();
    if (static_cast<int64_t>(length) > kMaxFrameBytes) {
      return absl::InvalidArgumentError(absl::StrCat(
          "audit spool: a decision of ", length,
          " bytes is larger than a frame may be (", kMaxFrameBytes, ")"));
    }
    const size_t at = buffer_.size();
    buffer_.resize(at + kFrameHeaderBytes + length);
    char* frame = buffer_.data() + at;
    message.SerializeWithCachedSizesToArray(
        reinterpret_cast<uint8_t*>(frame + kFrameHeaderBytes));
    StoreLittleEndian(length, 4, frame);
    StoreLittleEndian(
        Crc32(absl::string_view(frame + kFrameHeaderBytes, length)), 4,
        frame + 4);
  }
  const int64_t start = end();
  absl::Status status =
      Write(writer_, buffer_.data(), static_cast<int64_t>(buffer_.size()),
            start, "write");
  if (status.ok()) status = Sync();
  if (!status.ok()) {
    // Whatever reached the file goes, durably, so that the frames of a
    // batch whose calls were told UNAVAILABLE are never copied.
    absl::Status cut = Truncate(start);
    if (cut.ok()) cut = Sync();
    if (!cut.ok()) {
      // Failing that, a mark over the batch's first frame makes Recover
      // cut there, and the next Append cuts the file before writing.
      char mark[kFrameHeaderBytes];
      StoreLittleEndian(kCutLength, 4, mark);
      StoreLittleEndian(kCutMark, 4, mark + 4);
      if (Write(writer_, mark, kFrameHeaderBytes, start, "cut mark").ok()) {
        (void)Sync();
      }
      pending_repair_ = PendingRepair::kTruncate;
    }
    return status;
  }
  end_.store(start + static_cast<int64_t>(buffer_.size()),
             std::memory_order_release);
  if (buffer_.capacity() > (4 << 20)) std::string().swap(buffer_);
  return absl::OkStatus();
}

absl::Status AuditSpool::Reset(uint64_t generation) {
  pending_repair_ = PendingRepair::kReset;
  reset_generation_ = generation;
  char header[kHeaderBytes];
  std::memcpy(header, kMagic, sizeof kMagic);
  StoreLittleEndian(generation, 8, header + 8);
  // Cut first: a header written before the cut would give the old frames
  // the new generation.
  if (absl::Status s = Truncate(0); !s.ok()) return s;
  if (absl::Status s = Write(writer_, header, kHeaderBytes, 0, "header");
      !s.ok()) {
    return s;
  }
  if (absl::Status s = Sync(); !s.ok()) return s;
  pending_repair_ = PendingRepair::kNone;
  generation_ = generation;
  end_.store(kHeaderBytes, std::memory_order_release);
  return absl::OkStatus();
}

absl::StatusOr<int64_t> AuditSpool::Read(int64_t offset, int64_t limit,
                                         int max_records,
                                         std::vector<AuditRecord>* out) {
  hakam::internal::SpooledRecord message;
  absl::StatusOr<ScanEnd> scan =
      Scan(reader_, offset, limit, max_records,
           [&](absl::string_view payload) -> absl::Status {
             if (!message.ParseFromArray(payload.data(),
                                         static_cast<int>(payload.size()))) {
               return absl::DataLossError(absl::StrCat(
                   "audit spool ", path_, ": a frame's checksum holds but its ",
                   payload.size(), " bytes are not a decision"));
             }
             AuditRecord& r = out->emplace_back();
             r.decision = std::move(*message.mutable_decision());
             r.comment_id = std::move(*message.mutable_comment_id());
             r.article_id = std::move(*message.mutable_article_id());
             r.site = std::move(*message.mutable_site());
             r.section = std::move(*message.mutable_section());
             r.author_id = std::move(*message.mutable_author_id());
             r.text_sha256 = std::move(*message.mutable_text_sha256());
             return absl::OkStatus();
           });
  if (!scan.ok()) return scan.status();
  if (scan->damaged) {
    return absl::DataLossError(absl::StrCat("audit spool ", path_,
                                            ": the frame at offset ",
                                            scan->offset, " is damaged"));
  }
  return scan->offset;
}

absl::Status AuditSpool::Remove() {
  Close();
  const int rc = vfs_->xDelete(vfs_, path_.c_str(), /*syncDir=*/1);
  if (rc == SQLITE_OK) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(
      "audit spool ", path_, ": cannot delete it: ", sqlite3_errstr(rc)));
}

}  // namespace hakam
