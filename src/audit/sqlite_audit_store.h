// The SQLite audit store: one file in WAL mode, written by one background
// thread that commits queued records in groups (one transaction per batch),
// so thousands of concurrent requests share each fsync. A second thread,
// on its own connection, checkpoints the WAL, so commits (and the replies
// waiting for them) do not stall behind a checkpoint's writes and fsync,
// but for a rare RESTART checkpoint that starts the WAL over.
//
// With `spool` (hakamd's default) the writer thread instead appends each
// batch to a spool file next to the database (audit_spool.h; one write, and
// one fsync with full_sync) and answers, and a third thread, at low CPU
// priority, copies the spool into the database in large transactions that
// also record how far it has copied, so that after a crash the copy resumes
// exactly there. A reply then waits for one write, not for SQLite's B-trees
// and checkpoints; a decision reaches SQL readers a few milliseconds after
// its reply (Flush() waits for the copy).
//
//   SqliteAuditStoreOptions o;
//   o.path = "var/audit.db";
//   absl::StatusOr<std::unique_ptr<SqliteAuditStore>> s =
//       SqliteAuditStore::Open(o);
//
// The `decisions` table is append-only: triggers refuse UPDATE and DELETE.
// The schema is documented in docs/operations.md.
//
// Thread safety: thread-safe. Callbacks run on the writer thread (with the
// spool and no fsync, possibly on Append's caller's, inside Append) and must
// not block.
#pragma once

#include <deque>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "audit/audit_spool.h"
#include "audit/audit_store.h"

struct sqlite3;
struct sqlite3_stmt;

namespace hakam {

struct SqliteAuditStoreOptions {
  // Database file; its parent directory is created if missing. Required.
  std::string path;
  // true (default): synchronous=FULL, a committed record survives power
  // loss. false: synchronous=NORMAL, survives a crash of hakamd only.
  bool full_sync = true;
  // Most records committed in one transaction. Default 512.
  int max_batch = 512;
  // Group commit under moderate load. When the writer finds fewer than
  // kCommitDelayBatch records queued, it waits up to this long for more
  // before committing (Flush() and shutdown cut the wait short). Each
  // commit rewrites whole pages of the table and its indexes, so fewer,
  // larger commits cost less CPU and disk: measured at 4,000 decisions/s
  // on one core, 1 ms took hakamd from 91% to 74% busy and p99 from
  // 13-15 to 8.5-9 ms, and raised p50 from 1.0 to 2.0-2.2 ms
  // (docs/performance.md).
  // Every decision waits up to this long when traffic is light. Default 0:
  // commit at once.
  absl::Duration commit_delay = absl::ZeroDuration();
  static constexpr int kCommitDelayBatch = 32;
  // The WAL is copied back into the database (a checkpoint, which fsyncs)
  // by a second connection on its own thread once it holds this many pages,
  // and after each commit while it still does, so commits do not wait
  // behind one (but for a rare RESTART past 8x this many pages). 0:
  // SQLite's own automatic checkpoints, inline in the commit that crosses
  // 1000 pages.
  int checkpoint_pages = 1000;
  // Called on the writer thread (or Append's caller's, as callbacks) when
  // commits, or appends to the spool, start failing (with the first
  // failure, whatever its cause: a full disk, an I/O error, a duplicate
  // decision id) and when one succeeds again (OK): on each change, not on
  // every failure, so a log stays readable while a disk is full. Failed
  // checkpoints are not reported. Must not block. Default: none.
  std::function<void(const absl::Status&)> on_health_change;
  // The same for the background checkpoints, on the checkpointer thread
  // (so possibly at the same time as on_health_change): when they start
  // failing (an I/O error, a full disk; not SQLITE_BUSY, which contention
  // for SQLite's locks or a reader holding up a RESTART causes) and when
  // one that copied something succeeds again. Checkpoints run only after
  // commits, so both are seen at the next commits. While they fail the
  // WAL grows, and with full_sync false little else shows a failing disk.
  // Must not block. Default: none.
  std::function<void(const absl::Status&)> on_checkpoint_health_change;

  // --- The spool -------------------------------------------------------
  // Answer once a batch is in the spool, `path` + "-spool", and copy it
  // into the database in the background. Either way, Open() refuses to
  // open a database whose spool holds decisions it would not copy.
  bool spool = false;
  // The copier waits up to this long for more decisions before a
  // transaction (Flush() and shutdown cut the wait short): fewer, larger
  // transactions cost less CPU, and no reply waits for them.
  absl::Duration copy_delay = absl::Milliseconds(10);
  // Most decisions copied in one transaction. Small, because longer
  // transactions lengthened the replies' tail even under SCHED_IDLE (why
  // is not known): at 15,197 calls/s on one core, up to 4,096 a
  // transaction gave Moderate a median p90 of 0.76 ms and p99 of 2.2 ms in
  // five runs, 64 gave 0.50 and 1.6 ms in eight, and 16 cost 9% more of
  // the core (docs/performance-log.md). While appends wait for the copy
  // (max_copy_lag_bytes below), until it is back within half that lag,
  // up to 512 a transaction: each then costs less CPU, and the replies'
  // tail is long anyway (closed loop, 64 in flight, one core: Moderate
  // 22,200-24,800 calls/s with 64, 29,000-30,600 with this).
  int max_copy_batch = 64;
  // How far (spool bytes) the copy may fall behind the appends. Past it,
  // appends wait for the copy, so a server that takes in more than the
  // database can keep up with is slowed down to its pace instead of
  // filling the disk; while copies fail, they fail instead
  // (UNAVAILABLE), so a failing database is seen within this many bytes.
  int64_t max_copy_lag_bytes = int64_t{16} << 20;
  // Once the spool has grown past this many bytes and the copy is within
  // 256 KiB of its end, the copy finishes and the spool starts over, empty
  // (appends wait meanwhile: that copy, a truncate and a short write,
  // fsynced with full_sync). Past 4x this, it starts over however far
  // behind the copy is.
  int64_t spool_reset_bytes = int64_t{64} << 20;
  // The copier and the checkpointer run under SCHED_IDLE (Linux), so that
  // on a busy core they use the time the requests leave over, and a
  // request's thread preempts them at once.
  bool background_idle = true;
  // Called on the copier thread when copies start failing and when one
  // succeeds again, as on_health_change. Must not block. Default: none.
  std::function<void(const absl::Status&)> on_copy_health_change;
  // Called with what an operator should know of, once each: at Open, a
  // torn write cut from the spool or decisions left in it by a crash; on
  // the copier thread, a decision id already in the database (its copy
  // skipped). Must not block. Default: none.
  std::function<void(absl::string_view)> on_notice;
};

class SqliteAuditStore : public AuditStore {
 public:
  // Opens (creating if needed) the database and starts the writer thread.
  // UNAVAILABLE with SQLite's message if the file cannot be opened.
  static absl::StatusOr<std::unique_ptr<SqliteAuditStore>> Open(
      const SqliteAuditStoreOptions& options);

  // Flushes, stops the writer thread and closes the database.
  ~SqliteAuditStore() override;

  void Append(AuditRecord record, DoneCallback done) override;
  absl::Status Flush() override;

  // Records committed so far, or with the spool, appended to it (for stats
  // and tests).
  int64_t committed() const;
  // Background checkpoints run so far (for stats and tests).
  int64_t checkpoints() const;
  // Transactions committed so far, or batches appended to the spool (for
  // stats and tests).
  int64_t commits() const;
  // With the spool: decisions copied into the database so far, and of
  // those, the ones skipped because their decision id was already there.
  int64_t copied() const;
  int64_t duplicates_skipped() const;
  // With the spool: the transactions that copied them.
  int64_t copy_transactions() const;

 private:
  struct Pending {
    AuditRecord record;
    DoneCallback done;
  };

  // The writer's prepared statements: parsed once, not at every commit.
  // Plain handles, copied freely; the store finalizes them once, in its
  // destructor (Open() on its failure paths).
  struct Statements {
    sqlite3_stmt* insert = nullptr;
    sqlite3_stmt* insert_or_skip = nullptr;  // the copier's
    sqlite3_stmt* progress = nullptr;        // the copier's spool_copy row
    sqlite3_stmt* begin = nullptr;
    sqlite3_stmt* commit = nullptr;
    sqlite3_stmt* rollback = nullptr;
    // Finalizes each one prepared.
    void Finalize() const;
  };

  SqliteAuditStore(SqliteAuditStoreOptions options, sqlite3* db,
                   Statements statements, sqlite3* checkpoint_db,
                   std::unique_ptr<AuditSpool> spool, int64_t copy_from);
  // Opens the spool and finds where the copy resumes (Open's part).
  static absl::Status OpenSpool(const SqliteAuditStoreOptions& options,
                                sqlite3* db, std::unique_ptr<AuditSpool>* spool,
                                int64_t* copy_from);
  // Flush()'s first part: waits for the records appended so far to be
  // committed or spooled, or to fail; returns the first failure.
  absl::Status WaitForWriter() ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Whether Append writes its record itself (see there).
  bool AppendsInline() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  void WriterLoop();
  // Commits or spools `batch`, answers its calls and counts it finished;
  // on the writer thread, or on Append's caller's (the spool, no fsync).
  // The caller has set busy_; WriteBatch clears it.
  void WriteBatch(std::deque<Pending>& batch);
  void CheckpointLoop();
  void CopyLoop();
  // Appends `batch` to the spool (the writer's part in spool mode).
  absl::Status SpoolBatch(std::deque<Pending>& batch);
  // Copies from `from` up to `limit` (at most max_copy_batch decisions)
  // in one transaction; returns where it stopped.
  absl::StatusOr<int64_t> CopyOnce(uint64_t generation, int64_t from,
                                   int64_t limit);
  // Writes the spool_copy row: copied up to `copied_to` of `generation`;
  // `closed` at a clean close. Copier thread, holding commit_mu_.
  absl::Status RecordCopy(uint64_t generation, int64_t copied_to, bool closed);
  // Copies what is left and starts the spool over, appends held.
  absl::Status ResetSpool();
  // Inserts `records` (inside a transaction). With `skip_duplicates`, a
  // record whose decision id is there already is skipped and its id added
  // to `skipped`; without, it fails the insert.
  absl::Status InsertRows(const std::vector<const AuditRecord*>& records,
                          bool skip_duplicates,
                          std::vector<std::string>* skipped);
  // sqlite3_wal_hook: runs on the thread that commits (the writer, or with
  // the spool the copier) after each commit.
  static int OnWalCommit(void* self, sqlite3* db, const char* name, int pages);
  absl::Status CommitBatch(std::deque<Pending>& batch)
      ABSL_EXCLUSIVE_LOCKS_REQUIRED(commit_mu_);
  // Steps `statement` to its end and resets it; on failure, SQLite's
  // message prefixed with `what`.
  absl::Status Run(sqlite3_stmt* statement, absl::string_view what);

  const SqliteAuditStoreOptions options_;
  sqlite3* const db_;            // used by the writer thread only
  const Statements statements_;  // used by the writer thread only

  mutable absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t appended_ ABSL_GUARDED_BY(mu_) = 0;  // records handed to Append
  int64_t finished_ ABSL_GUARDED_BY(mu_) = 0;  // committed or failed
  int64_t committed_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t commits_ ABSL_GUARDED_BY(mu_) = 0;
  // One per Flush() call waiting: the first failure among the records it
  // waits for, those numbered up to `target` in append order (records
  // finish in that order).
  struct FlushWaiter {
    int64_t target;
    absl::Status first_error;
  };
  std::vector<FlushWaiter*> flush_waiters_ ABSL_GUARDED_BY(mu_);
  // A batch is being written (by the writer thread or an Append): one at a
  // time, so that records finish in the order they were appended.
  bool busy_ ABSL_GUARDED_BY(mu_) = false;
  bool failing_ = false;  // the last batch failed; whoever holds busy_
  std::thread writer_;

  // Held by the writer around each commit, and by the checkpointer around
  // a RESTART checkpoint, so that it runs between two commits. Taken
  // before checkpoint_mu_ (the WAL hook runs inside a commit).
  absl::Mutex commit_mu_ ABSL_ACQUIRED_BEFORE(checkpoint_mu_);
  sqlite3* const checkpoint_db_;  // checkpointer thread only; may be null
  mutable absl::Mutex checkpoint_mu_;
  int wal_pages_ ABSL_GUARDED_BY(checkpoint_mu_) = 0;  // after last commit
  bool checkpoint_stopping_ ABSL_GUARDED_BY(checkpoint_mu_) = false;
  int64_t checkpoints_ ABSL_GUARDED_BY(checkpoint_mu_) = 0;
  std::thread checkpointer_;

  // The spool (null without one). Appended and started over under
  // spool_mu_; the copier thread reads it and owns db_.
  std::unique_ptr<AuditSpool> spool_;
  absl::Mutex spool_mu_ ABSL_ACQUIRED_BEFORE(mu_);
  // Where the copy stands, in the spool's current generation.
  uint64_t generation_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t spool_end_ ABSL_GUARDED_BY(mu_) = 0;  // after the last append
  int64_t copied_to_ ABSL_GUARDED_BY(mu_) = 0;
  bool writer_done_ ABSL_GUARDED_BY(mu_) = false;
  int copy_waiters_ ABSL_GUARDED_BY(mu_) = 0;  // Flush() calls
  bool copy_failing_ ABSL_GUARDED_BY(mu_) = false;
  // An append found the copy max_copy_lag_bytes behind (and waited, or
  // failed while copies failed); until the copy is back within half that,
  // it copies more decisions a transaction (see max_copy_batch).
  bool appends_held_ ABSL_GUARDED_BY(mu_) = false;
  // Copies begun, and the number of the last one that failed.
  int64_t copy_attempts_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t last_failed_copy_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status copy_error_ ABSL_GUARDED_BY(mu_);
  int64_t copied_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t duplicates_skipped_ ABSL_GUARDED_BY(mu_) = 0;
  int64_t copy_transactions_ ABSL_GUARDED_BY(mu_) = 0;
  std::thread copier_;
};

}  // namespace hakam
