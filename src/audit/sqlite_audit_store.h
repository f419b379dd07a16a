// The SQLite audit store: one file in WAL mode, written by one background
// thread that commits queued records in groups (one transaction per batch),
// so thousands of concurrent requests share each fsync.
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
#include <memory>
#include <string>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
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

 private:
  struct Pending {
    AuditRecord record;
    DoneCallback done;
  };

  SqliteAuditStore(SqliteAuditStoreOptions options, sqlite3* db,
                   sqlite3_stmt* insert);
  void WriterLoop();
  absl::Status CommitBatch(std::deque<Pending>& batch);

  const SqliteAuditStoreOptions options_;
  sqlite3* const db_;             // used by the writer thread only
  sqlite3_stmt* const insert_;    // used by the writer thread only

  mutable absl::Mutex mu_;
  std::deque<Pending> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  int64_t appended_ ABSL_GUARDED_BY(mu_) = 0;   // records handed to Append
  int64_t finished_ ABSL_GUARDED_BY(mu_) = 0;   // committed or failed
  int64_t committed_ ABSL_GUARDED_BY(mu_) = 0;
  absl::Status first_error_ ABSL_GUARDED_BY(mu_);
  std::thread writer_;
};

}  // namespace hakam
