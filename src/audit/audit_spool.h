// The audit spool: an append-only file of framed decisions that the SQLite
// audit store writes before it answers, and copies into its database
// afterwards, in the background (sqlite_audit_store.h). Appending a batch
// is one write (and one fsync when `sync`), so a reply no longer waits for
// SQLite's B-trees, indexes and checkpoints.
//
//   header:  "HKSPOOL1" | generation (8 bytes, little-endian)
//   frame:   payload length (4, LE) | CRC-32 of the payload (4, LE) |
//            payload (hakam.internal.SpooledRecord, at most kMaxFrameBytes)
//
// Frames are only ever appended at the end. An append that fails (a short
// write, a failed fsync) is cut off again before Append returns (or marked
// for Recover to cut, if the cut fails too), so bad frames can only be in
// the last write, left by a crash, and Recover() cuts that write.
// When everything has been copied the owner starts the spool over with
// Reset(), which bumps the generation, so that a copy position (generation,
// offset) names one frame for good.
//
// The file goes through SQLite's default VFS, like the database, so that a
// test VFS that fails writes or syncs reaches both (tests/audit/fault_vfs.h).
//
// Thread safety: Append, Reset, Recover and Remove must not run at the
// same time as one another (the store calls them under one mutex). Read
// uses its own file handle and may run concurrently with them, on bytes
// below an end() that an earlier Append returned.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "audit/audit_store.h"

struct sqlite3_file;
struct sqlite3_vfs;

namespace hakam {

class AuditSpool {
 public:
  static constexpr int64_t kHeaderBytes = 16;
  static constexpr int64_t kFrameHeaderBytes = 8;
  // A bigger length can only be damage: a decision is a few KiB.
  static constexpr int64_t kMaxFrameBytes = 16 << 20;

  // Opens the spool at `path`, creating an empty file if there is none
  // (created() says so). `sync`: Append and Reset fsync before returning.
  // FAILED_PRECONDITION if the file holds something else than a spool;
  // UNAVAILABLE if it cannot be opened.
  static absl::StatusOr<std::unique_ptr<AuditSpool>> Open(std::string path,
                                                          bool sync);
  ~AuditSpool();
  AuditSpool(const AuditSpool&) = delete;
  AuditSpool& operator=(const AuditSpool&) = delete;

  // Whether Open created the file.
  bool created() const { return created_; }
  // The generation in the header; 0 if the file has no whole header (it
  // was just created, or a crash cut a Reset short).
  uint64_t generation() const { return generation_; }
  // Where the next frame goes: the end of the last whole frame.
  int64_t end() const { return end_.load(std::memory_order_acquire); }

  // Checks the frames from `offset` (a frame boundary, at least
  // kHeaderBytes) to the end of the file and cuts the file before the
  // first bad one: a write a crash tore, or one that failed and could not
  // be cut off then. Returns the number of bytes cut. A bad frame more than
  // `max_torn_bytes` from the end (more than one write) with whole frames
  // after it is the disk's damage to answered decisions: DATA_LOSS, and
  // nothing cut. Needs a generation.
  static constexpr int64_t kMaxTornBytes = 4 << 20;
  absl::StatusOr<int64_t> Recover(int64_t offset,
                                  int64_t max_torn_bytes = kMaxTornBytes);

  // Appends `records` (moved from) as one write, fsynced when `sync`. On
  // failure nothing of them stays: the file is cut back to its old end,
  // fsynced; if that fails too, a cut mark over the first frame makes
  // Recover cut there, and the next Append cuts the file before writing.
  absl::Status Append(std::vector<AuditRecord*>& records);

  // Starts the spool over, empty, at `generation` (above generation()):
  // cuts the file to its header and writes the new header, fsynced when
  // `sync`. The caller must have copied every frame first. If it fails,
  // the next Append tries it again first.
  absl::Status Reset(uint64_t generation);

  // Parses whole frames from `offset` (a frame boundary) up to `limit`
  // (an end() returned earlier), at most `max_records`, into `out`
  // (appended). Returns the offset after the last one parsed. DATA_LOSS
  // for a damaged frame or a payload that does not parse.
  absl::StatusOr<int64_t> Read(int64_t offset, int64_t limit, int max_records,
                               std::vector<AuditRecord>* out);

  // Closes the spool and deletes its file.
  absl::Status Remove();

 private:
  AuditSpool(std::string path, bool sync, sqlite3_vfs* vfs);
  absl::Status OpenFiles();
  absl::Status Write(sqlite3_file* file, const void* data, int64_t n,
                     int64_t offset, const char* what);
  absl::Status Truncate(int64_t size);
  absl::Status Sync();
  absl::Status ReadAt(sqlite3_file* file, void* data, int64_t n,
                      int64_t offset);
  absl::Status Repair();
  void Close();
  struct ScanEnd {
    int64_t offset;         // after the last whole, valid frame scanned
    bool damaged;           // stopped at a bad frame, not at `limit`
    bool cut_mark = false;  // the bad frame is Append's cut mark
  };
  // The offset of the first whole, valid frame after `offset`, up to
  // `size`; -1 if none.
  absl::StatusOr<int64_t> FindFrameAfter(int64_t offset, int64_t size);
  // Scans the frames of `file` in [offset, limit), at most `max_frames`,
  // calling `on_frame` with each payload (valid until the next call).
  template <typename OnFrame>
  absl::StatusOr<ScanEnd> Scan(sqlite3_file* file, int64_t offset,
                               int64_t limit, int64_t max_frames,
                               OnFrame on_frame);

  const std::string path_;  // outlives the handles, as SQLite's VFS needs
  const bool sync_;
  sqlite3_vfs* const vfs_;
  sqlite3_file* writer_ = nullptr;  // Append, Reset, Recover
  sqlite3_file* reader_ = nullptr;  // Read
  bool created_ = false;
  uint64_t generation_ = 0;
  std::atomic<int64_t> end_{0};
  // Set when a failed Append could not be cut back, or a Reset failed:
  // the next Append repairs first (cuts back to end_, or resets again).
  enum class PendingRepair { kNone, kTruncate, kReset };
  PendingRepair pending_repair_ = PendingRepair::kNone;
  uint64_t reset_generation_ = 0;  // with PendingRepair::kReset
  std::string buffer_;             // Append's frames; reused
};

}  // namespace hakam
