// The SQLite audit store: one file in WAL mode, written by one background
// thread that commits queued records in groups (one transaction per batch),
// so thousands of concurrent requests share each fsync. A second thread,
// on its own connection, checkpoints the WAL, so commits (and the replies
// waiting for them) do not stall behind a checkpoint's writes and fsync,
// but for a rare RESTART checkpoint that starts the WAL over.
//
//   SqliteAuditStoreOptions o;
//   o.path = "var/audit.db";
//   absl::StatusOr<std::unique_ptr<SqliteAuditStore>> s =
//       SqliteAuditStore::Open(o);
//
// The `decisions` table is append-only: triggers refuse UPDATE and DELETE.
// The schema is documented in docs/operations.md.
//
// Thread safety: thread-safe. Callbacks run on the writer thread and must
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
  // Called on the writer thread when commits start failing (with the first
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

  // Records committed so far (for stats and tests).
  int64_t committed() const;
  // Background checkpoints run so far (for stats and tests).
  int64_t checkpoints() const;
  // Transactions committed so far (for stats and tests).
  int64_t commits() const;

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
    sqlite3_stmt* begin = nullptr;
    sqlite3_stmt* commit = nullptr;
    sqlite3_stmt* rollback = nullptr;
    // Finalizes each one prepared.
    void Finalize() const;
  };

  SqliteAuditStore(SqliteAuditStoreOptions options, sqlite3* db,
                   Statements statements, sqlite3* checkpoint_db);
  void WriterLoop();
  void CheckpointLoop();
  // sqlite3_wal_hook: runs on the writer thread after each commit.
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
  bool failing_ = false;  // the last commit failed; writer thread only
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
};

}  // namespace hakam
