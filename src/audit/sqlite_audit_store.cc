#include "audit/sqlite_audit_store.h"

#include <pthread.h>
#include <sched.h>
#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <filesystem>

#include "absl/strings/str_cat.h"
#include "engine/comment_json.h"

namespace hakam {

namespace {

constexpr const char* kSchema = R"sql(
CREATE TABLE IF NOT EXISTS decisions (
  -- No AUTOINCREMENT: rows are never deleted (see the triggers), so the
  -- rowid never repeats anyway, and AUTOINCREMENT would write one more
  -- page (sqlite_sequence) in every commit.
  seq              INTEGER PRIMARY KEY,
  decision_id      TEXT NOT NULL UNIQUE,
  decided_at_us    INTEGER NOT NULL,
  comment_id       TEXT NOT NULL,
  article_id       TEXT NOT NULL,
  site             TEXT NOT NULL,
  section          TEXT NOT NULL,
  author_id        TEXT NOT NULL,
  text_sha256      TEXT NOT NULL,
  action           TEXT NOT NULL,
  score            REAL NOT NULL,
  policy_id        TEXT NOT NULL,
  ruleset_version  TEXT NOT NULL,
  reasons_json     TEXT NOT NULL,
  decision         BLOB NOT NULL
);
CREATE INDEX IF NOT EXISTS decisions_comment ON decisions(site, comment_id);
-- With the spool (audit_spool.h): how far its copy into `decisions` has
-- come, written in the same transaction as the rows it copied, so that
-- after a crash the copy resumes at the first decision not yet here.
-- `closed`: the store closed cleanly and deleted the spool.
CREATE TABLE IF NOT EXISTS spool_copy (
  id         INTEGER PRIMARY KEY CHECK (id = 1),
  generation INTEGER NOT NULL,
  copied_to  INTEGER NOT NULL,
  closed     INTEGER NOT NULL
);
CREATE TRIGGER IF NOT EXISTS decisions_no_update BEFORE UPDATE ON decisions
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
CREATE TRIGGER IF NOT EXISTS decisions_no_delete BEFORE DELETE ON decisions
  BEGIN SELECT RAISE(ABORT, 'the audit trail is append-only'); END;
PRAGMA user_version = 1;
)sql";

constexpr const char* kInsert = R"sql(
INSERT INTO decisions (decision_id, decided_at_us, comment_id, article_id,
  site, section, author_id, text_sha256, action, score, policy_id,
  ruleset_version, reasons_json, decision)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
)sql";

constexpr const char* kInsertOrSkip = R"sql(
INSERT INTO decisions (decision_id, decided_at_us, comment_id, article_id,
  site, section, author_id, text_sha256, action, score, policy_id,
  ruleset_version, reasons_json, decision)
VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14)
ON CONFLICT (decision_id) DO NOTHING
)sql";

constexpr const char* kProgress = R"sql(
INSERT INTO spool_copy (id, generation, copied_to, closed)
VALUES (1, ?1, ?2, ?3)
ON CONFLICT (id) DO UPDATE SET generation = excluded.generation,
  copied_to = excluded.copied_to, closed = excluded.closed
)sql";

// The spool starts over when the copy is this close behind (bytes).
constexpr int64_t kResetLagBytes = 256 << 10;
// Decisions copied a transaction while appends wait for the copy (see
// SqliteAuditStoreOptions::max_copy_batch). Only then: when the copy merely
// fell behind at moderate load, longer transactions lengthened the tail
// (docs/performance-log.md, 2026-12-01 07:40).
constexpr int kHeldCopyBatch = 512;

// Puts the calling thread in SCHED_IDLE: it runs when the core has nothing
// else to do, and a thread that wakes preempts it. At nice 19 the copier
// lengthened the replies' tail more (at 15,197 calls/s on one core,
// Moderate's p90 1.1-1.6 ms against 0.62-1.2 ms; docs/performance-log.md).
void SetThreadIdle() {
  sched_param param{};
  pthread_setschedparam(pthread_self(), SCHED_IDLE, &param);
}

// For its scope, the calling thread (if `idle`, under SCHED_IDLE) runs
// under the default policy, if it may: leaving SCHED_IDLE takes
// CAP_SYS_NICE or an RLIMIT_NICE of 20 (sched(7)). If it may not, it stays
// under SCHED_IDLE, and what waits for it waits until the core is idle.
class ScopedNormalPriority {
 public:
  explicit ScopedNormalPriority(bool idle) : idle_(idle) {
    sched_param param{};
    if (idle_) pthread_setschedparam(pthread_self(), SCHED_OTHER, &param);
  }
  ~ScopedNormalPriority() {
    if (idle_) SetThreadIdle();
  }
  ScopedNormalPriority(const ScopedNormalPriority&) = delete;
  ScopedNormalPriority& operator=(const ScopedNormalPriority&) = delete;

 private:
  const bool idle_;
};

absl::Status SqliteError(sqlite3* db, absl::string_view what) {
  return absl::UnavailableError(
      absl::StrCat("audit store: ", what, ": ", sqlite3_errmsg(db)));
}

}  // namespace

void SqliteAuditStore::Statements::Finalize() const {
  for (sqlite3_stmt* st :
       {insert, insert_or_skip, progress, begin, commit, rollback}) {
    sqlite3_finalize(st);  // a no-op on nullptr
  }
}

absl::StatusOr<std::unique_ptr<SqliteAuditStore>> SqliteAuditStore::Open(
    const SqliteAuditStoreOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("audit store: empty database path");
  }
  if (options.max_batch < 1 || options.max_copy_batch < 1 ||
      options.max_copy_lag_bytes < 1 || options.spool_reset_bytes < 1 ||
      options.checkpoint_pages < 0) {
    return absl::InvalidArgumentError(
        "audit store: max_batch, max_copy_batch, max_copy_lag_bytes and "
        "spool_reset_bytes must be positive, checkpoint_pages not negative");
  }
  const std::filesystem::path parent =
      std::filesystem::path(options.path).parent_path();
  std::error_code ec;
  if (!parent.empty()) std::filesystem::create_directories(parent, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "audit store: cannot create ", parent.string(), ": ", ec.message()));
  }
  sqlite3* db = nullptr;
  if (sqlite3_open_v2(
          options.path.c_str(), &db,
          SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
          nullptr) != SQLITE_OK) {
    absl::Status s = SqliteError(db, absl::StrCat("open ", options.path));
    sqlite3_close(db);
    return s;
  }
  const std::string pragmas = absl::StrCat(
      "PRAGMA journal_mode=WAL; PRAGMA synchronous=",
      options.full_sync ? "FULL" : "NORMAL", "; PRAGMA busy_timeout=5000;");
  Statements statements;
  auto prepare = [db](const char* sql, sqlite3_stmt** statement) {
    return sqlite3_prepare_v2(db, sql, -1, statement, nullptr) == SQLITE_OK;
  };
  if (sqlite3_exec(db, pragmas.c_str(), nullptr, nullptr, nullptr) !=
          SQLITE_OK ||
      sqlite3_exec(db, kSchema, nullptr, nullptr, nullptr) != SQLITE_OK ||
      !prepare(kInsert, &statements.insert) ||
      !prepare(kInsertOrSkip, &statements.insert_or_skip) ||
      !prepare(kProgress, &statements.progress) ||
      !prepare("BEGIN IMMEDIATE", &statements.begin) ||
      !prepare("COMMIT", &statements.commit) ||
      !prepare("ROLLBACK", &statements.rollback)) {
    absl::Status s = SqliteError(db, absl::StrCat("initialize ", options.path));
    statements.Finalize();
    sqlite3_close(db);
    return s;
  }
  sqlite3* checkpoint_db = nullptr;
  if (options.checkpoint_pages > 0) {
    // SQLite reuses the WAL file after a checkpoint without shrinking it;
    // after a burst the checkpointer could not keep up with, the file is
    // cut back to twice the threshold.
    const std::string size_limit =
        absl::StrCat("PRAGMA journal_size_limit=",
                     int64_t{2} * options.checkpoint_pages * 4096, ";");
    const std::string writer_pragmas =
        absl::StrCat("PRAGMA wal_autocheckpoint=0; ", size_limit);
    // The checkpointer waits for readers at most 100 ms: a RESTART
    // checkpoint holds SQLite's writer lock while it waits for readers
    // still on the WAL, and with the writer's own 5 s a long reader (a
    // query, a copy) stalled replies 5 s at a time and failed commits.
    const std::string checkpoint_pragmas = absl::StrCat(
        "PRAGMA synchronous=", options.full_sync ? "FULL" : "NORMAL",
        "; PRAGMA busy_timeout=100; ", size_limit);
    if (sqlite3_exec(db, writer_pragmas.c_str(), nullptr, nullptr, nullptr) !=
            SQLITE_OK ||
        sqlite3_open_v2(options.path.c_str(), &checkpoint_db,
                        SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
                        nullptr) != SQLITE_OK ||
        sqlite3_exec(checkpoint_db, checkpoint_pragmas.c_str(), nullptr,
                     nullptr, nullptr) != SQLITE_OK) {
      absl::Status s = SqliteError(checkpoint_db ? checkpoint_db : db,
                                   absl::StrCat("initialize ", options.path));
      sqlite3_close(checkpoint_db);
      statements.Finalize();
      sqlite3_close(db);
      return s;
    }
  }
  std::unique_ptr<AuditSpool> spool;
  int64_t copy_from = 0;
  absl::Status spooled = OpenSpool(options, db, &spool, &copy_from);
  if (!spooled.ok()) {
    sqlite3_close(checkpoint_db);
    statements.Finalize();
    sqlite3_close(db);
    return spooled;
  }
  return std::unique_ptr<SqliteAuditStore>(new SqliteAuditStore(
      options, db, statements, checkpoint_db, std::move(spool), copy_from));
}

absl::Status SqliteAuditStore::OpenSpool(const SqliteAuditStoreOptions& options,
                                         sqlite3* db,
                                         std::unique_ptr<AuditSpool>* spool,
                                         int64_t* copy_from) {
  const std::string path = options.path + "-spool";
  if (!options.spool) {
    std::error_code ec;
    if (std::filesystem::exists(path, ec)) {
      return absl::FailedPreconditionError(absl::StrCat(
          "audit store: ", path,
          " exists and may hold decisions not yet in the database; open the "
          "store with its spool (hakamd --audit_spool=true) to copy them"));
    }
    return absl::OkStatus();
  }
  // The database's record of the copy; none: nothing was ever copied.
  uint64_t generation = 0;
  int64_t copied_to = AuditSpool::kHeaderBytes;
  bool closed = true;
  sqlite3_stmt* select = nullptr;
  if (sqlite3_prepare_v2(db,
                         "SELECT generation, copied_to, closed FROM spool_copy",
                         -1, &select, nullptr) != SQLITE_OK) {
    return SqliteError(db, "read spool_copy");
  }
  const int rc = sqlite3_step(select);
  if (rc == SQLITE_ROW) {
    generation = static_cast<uint64_t>(sqlite3_column_int64(select, 0));
    copied_to = sqlite3_column_int64(select, 1);
    closed = sqlite3_column_int64(select, 2) != 0;
  }
  sqlite3_finalize(select);
  if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
    return SqliteError(db, "read spool_copy");
  }

  // Looked for before AuditSpool::Open creates it: a refusal below must not
  // leave an empty spool that the next start would take for a torn one.
  std::error_code ec;
  const bool exists = std::filesystem::exists(path, ec);
  if (ec) {
    return absl::UnavailableError(absl::StrCat(
        "audit store: cannot tell whether ", path, " exists: ", ec.message()));
  }
  if (!exists && !closed) {
    return absl::FailedPreconditionError(absl::StrCat(
        "audit store: the spool ", path, " is missing, but ", options.path,
        " was still copying from it (generation ", generation, ", byte ",
        copied_to,
        ") when it stopped: the decisions answered after the last copy are "
        "lost unless the spool is restored. To go on without them: sqlite3 ",
        options.path, " 'UPDATE spool_copy SET closed = 1'"));
  }
  absl::StatusOr<std::unique_ptr<AuditSpool>> opened =
      AuditSpool::Open(path, options.full_sync);
  if (!opened.ok()) return opened.status();
  AuditSpool& s = **opened;
  auto notice = [&](std::string text) {
    if (options.on_notice) options.on_notice(text);
  };
  absl::Status status;
  *copy_from = AuditSpool::kHeaderBytes;
  bool reset = false;
  if (s.created()) {
    reset = true;
  } else if (s.generation() == 0) {
    // A header torn by a crash: the spool was being created or started
    // over, and had nothing left to copy either way.
    reset = true;
  } else if (s.generation() == generation + 1 ||
             (s.generation() == generation && s.end() > copied_to)) {
    if (s.generation() == generation) *copy_from = copied_to;
    absl::StatusOr<int64_t> cut = s.Recover(*copy_from);
    if (!cut.ok()) return cut.status();
    if (*cut > 0) {
      notice(absl::StrCat("audit spool ", path, ": cut ", *cut,
                          " bytes at byte ", s.end(),
                          ": a write that a crash tore or that failed (its "
                          "calls had not been answered OK)"));
    }
    if (s.end() > *copy_from) {
      notice(absl::StrCat("audit spool ", path, ": ", s.end() - *copy_from,
                          " bytes of decisions left by a crash or an unclean "
                          "stop; copying them into ",
                          options.path));
    }
  } else if (s.generation() == generation && s.end() == copied_to) {
    // Everything was copied (a stop cut short before the spool went).
    reset = true;
  } else {
    return absl::FailedPreconditionError(absl::StrCat(
        "audit store: the spool ", path, " (generation ", s.generation(), ", ",
        s.end(), " bytes) does not continue the copy recorded in ",
        options.path, " (generation ", generation, ", byte ", copied_to,
        "): they do not belong together; move the spool away"));
  }
  if (reset) {
    // The new generation is recorded once the spool has it (a crash in
    // between leaves a spool one generation ahead, which the cases above
    // copy from its start), and before any decision is answered: from
    // here on, a missing spool is refused, not started afresh.
    status = s.Reset(generation + 1);
    if (status.ok()) {
      const std::string record = absl::StrCat(
          "INSERT INTO spool_copy (id, generation, copied_to, closed) VALUES "
          "(1, ",
          generation + 1, ", ", AuditSpool::kHeaderBytes,
          ", 0) ON CONFLICT (id) DO UPDATE SET generation = "
          "excluded.generation, copied_to = excluded.copied_to, closed = 0");
      if (sqlite3_exec(db, record.c_str(), nullptr, nullptr, nullptr) !=
          SQLITE_OK) {
        status = SqliteError(db, "record the spool's generation");
      }
    }
  }
  if (!status.ok()) return status;
  *spool = std::move(*opened);
  return absl::OkStatus();
}

SqliteAuditStore::SqliteAuditStore(SqliteAuditStoreOptions options, sqlite3* db,
                                   Statements statements,
                                   sqlite3* checkpoint_db,
                                   std::unique_ptr<AuditSpool> spool,
                                   int64_t copy_from)
    : options_(std::move(options)),
      db_(db),
      statements_(statements),
      checkpoint_db_(checkpoint_db),
      spool_(std::move(spool)) {
  if (spool_ != nullptr) {
    absl::MutexLock lock(&mu_);
    generation_ = spool_->generation();
    spool_end_ = spool_->end();
    copied_to_ = copy_from;
  }
  if (checkpoint_db_ != nullptr) {
    sqlite3_wal_hook(db_, &SqliteAuditStore::OnWalCommit, this);
    checkpointer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "audit-checkpt");  // for top, perf
      // With the spool no reply waits for a checkpoint; without it, a
      // lower priority made replies wait longer (docs/performance-log.md).
      if (spool_ != nullptr && options_.background_idle) SetThreadIdle();
      CheckpointLoop();
    });
  }
  if (spool_ != nullptr) {
    copier_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "audit-copier");
      if (options_.background_idle) SetThreadIdle();
      CopyLoop();
    });
  }
  writer_ = std::thread([this] {
    pthread_setname_np(pthread_self(), "audit-writer");
    WriterLoop();
  });
}

SqliteAuditStore::~SqliteAuditStore() {
  {
    absl::MutexLock lock(&mu_);
    stopping_ = true;
  }
  writer_.join();
  if (copier_.joinable()) copier_.join();
  if (checkpointer_.joinable()) {
    {
      absl::MutexLock lock(&checkpoint_mu_);
      checkpoint_stopping_ = true;
    }
    checkpointer_.join();
    sqlite3_close(checkpoint_db_);
  }
  statements_.Finalize();
  // The last connection to close checkpoints what is left and removes the
  // WAL.
  sqlite3_close(db_);
}

int SqliteAuditStore::OnWalCommit(void* self, sqlite3*, const char*,
                                  int pages) {
  auto* store = static_cast<SqliteAuditStore*>(self);
  absl::MutexLock lock(&store->checkpoint_mu_);
  store->wal_pages_ = pages;
  return SQLITE_OK;
}

void SqliteAuditStore::CheckpointLoop() {
  int pages = 0;
  // Whether checkpoints fail (not with SQLITE_BUSY), and what the last
  // PASSIVE one reported: one with nothing to copy syncs nothing, so its
  // success says nothing of the disk and does not end a failure.
  bool failing = false;
  int last_log_frames = 0;
  int last_copied_frames = 0;
  // After a RESTART that failed, none for a second (see below).
  auto next_restart = std::chrono::steady_clock::time_point::min();
  while (true) {
    {
      absl::MutexLock lock(&checkpoint_mu_);
      checkpoint_mu_.Await(absl::Condition(
          +[](SqliteAuditStore* s)
               ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->checkpoint_mu_) {
                 return s->checkpoint_stopping_ ||
                        s->wal_pages_ >= s->options_.checkpoint_pages;
               },
          this));
      if (checkpoint_stopping_) return;
      pages = wal_pages_;
      wal_pages_ = 0;
    }
    // A PASSIVE checkpoint copies what is committed and never blocks the
    // writer, which starts the WAL over at its next transaction if the
    // checkpoint copied everything and nothing was committed meanwhile.
    // Under constant load that may never happen and the WAL would grow
    // without end, so past 8x the threshold, once a PASSIVE one has copied
    // everything, a RESTART checkpoint copies what was committed since,
    // waits for readers still on the WAL (at most the 100 ms busy timeout)
    // and makes the next commit start the WAL over. It runs between two
    // commits (it holds commit_mu_, so it never contends with the writer
    // for SQLite's lock): a short stall, rarely. A reader of an old
    // snapshot keeps PASSIVE from copying everything, so it costs commits
    // nothing; a RESTART that failed anyway (SQLITE_BUSY) is not tried
    // again for a second.
    //
    // Until the WAL starts over, every commit's hook reports it past the
    // threshold, so a checkpoint follows nearly every commit: many small
    // ones. That spreads the disk's work, which the tail latency needs:
    // one checkpoint per checkpoint_pages new frames instead halved the
    // CPU a lone commit costs and Moderate's p50 at half load, but raised
    // its p99 from 2.8-7.7 to 15.4-18.6 ms (docs/performance-log.md,
    // 2026-12-01).
    int log_frames = 0;
    int copied_frames = 0;
    int rc = sqlite3_wal_checkpoint_v2(checkpoint_db_, nullptr,
                                       SQLITE_CHECKPOINT_PASSIVE, &log_frames,
                                       &copied_frames);
    // Frames copied, or the WAL started over since the last one.
    bool copied =
        rc == SQLITE_OK && log_frames >= 0 &&
        (copied_frames > last_copied_frames || log_frames < last_log_frames);
    if (rc == SQLITE_OK && log_frames >= 0) {
      last_log_frames = log_frames;
      last_copied_frames = copied_frames;
    }
    if (rc == SQLITE_OK && copied_frames == log_frames &&
        pages >= 8 * options_.checkpoint_pages &&
        std::chrono::steady_clock::now() >= next_restart) {
      absl::MutexLock pause_writer(&commit_mu_);
      rc = sqlite3_wal_checkpoint_v2(
          checkpoint_db_, nullptr, SQLITE_CHECKPOINT_RESTART, nullptr, nullptr);
      if (rc == SQLITE_OK) {
        copied = true;
      } else if (rc != SQLITE_BUSY) {
        copied = false;  // the last checkpoint failed: no recovery
      }
      if (rc == SQLITE_BUSY) {
        next_restart =
            std::chrono::steady_clock::now() + std::chrono::seconds(1);
      }
    }
    if (failing ? copied : rc != SQLITE_OK && rc != SQLITE_BUSY) {
      failing = !failing;
      if (options_.on_checkpoint_health_change) {
        options_.on_checkpoint_health_change(
            failing ? SqliteError(checkpoint_db_, "checkpoint")
                    : absl::OkStatus());
      }
    }
    absl::MutexLock lock(&checkpoint_mu_);
    if (rc == SQLITE_OK) ++checkpoints_;
  }
}

int64_t SqliteAuditStore::checkpoints() const {
  absl::MutexLock lock(&checkpoint_mu_);
  return checkpoints_;
}

void SqliteAuditStore::Append(AuditRecord record, DoneCallback done) {
  mu_.Lock();
  if (stopping_) {
    mu_.Unlock();
    done(absl::UnavailableError("audit store is shutting down"));
    return;
  }
  ++appended_;
  if (!AppendsInline()) {
    queue_.push_back({std::move(record), std::move(done)});
    mu_.Unlock();
    return;
  }
  busy_ = true;
  mu_.Unlock();
  std::deque<Pending> batch;
  batch.push_back({std::move(record), std::move(done)});
  WriteBatch(batch);
}

bool SqliteAuditStore::AppendsInline() const {
  // Into the spool on the caller's thread when nothing is being written and
  // it needs no fsync: one write, and the reply, without waking the writer
  // thread (at 15,000 calls/s on one core that hand-off cost the writer
  // thread 16% of the core; docs/performance-log.md). Otherwise queued for
  // the writer thread, which keeps the order.
  return spool_ != nullptr && !options_.full_sync &&
         options_.commit_delay == absl::ZeroDuration() && !busy_ &&
         queue_.empty() &&
         spool_end_ - copied_to_ <= options_.max_copy_lag_bytes;
}

absl::Status SqliteAuditStore::Flush() {
  absl::MutexLock lock(&mu_);
  absl::Status status = WaitForWriter();
  if (spool_ == nullptr || !status.ok()) return status;
  // Then for the copy of what the spool holds now.
  // A copy that began before this call and fails does not count: it may
  // have failed before a disk was mended that the next one finds well.
  struct Copy {
    SqliteAuditStore* self;
    uint64_t generation;
    int64_t target;
    int64_t attempts;
    bool done() const ABSL_NO_THREAD_SAFETY_ANALYSIS {
      return self->generation_ != generation || self->copied_to_ >= target;
    }
  } copy{this, generation_, spool_end_, copy_attempts_};
  ++copy_waiters_;  // the copier stops waiting for a larger batch
  mu_.Await(absl::Condition(
      +[](Copy* c) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return c->done() || c->self->last_failed_copy_ > c->attempts;
      },
      &copy));
  --copy_waiters_;
  if (copy.done()) return absl::OkStatus();
  return absl::UnavailableError(absl::StrCat(
      "audit store: decisions are in the spool but not yet in the database, "
      "which fails: ",
      copy_error_.message()));
}

absl::Status SqliteAuditStore::WaitForWriter() {
  if (finished_ >= appended_) return absl::OkStatus();
  FlushWaiter waiter{appended_, absl::OkStatus()};
  // Registered, the writer also stops waiting for a larger batch.
  flush_waiters_.push_back(&waiter);
  struct Wait {
    SqliteAuditStore* self;
    int64_t target;
  } wait{this, waiter.target};
  mu_.Await(absl::Condition(
      +[](Wait* w) ABSL_NO_THREAD_SAFETY_ANALYSIS {
        return w->self->finished_ >= w->target;
      },
      &wait));
  flush_waiters_.erase(
      std::find(flush_waiters_.begin(), flush_waiters_.end(), &waiter));
  return waiter.first_error;
}

int64_t SqliteAuditStore::committed() const {
  absl::MutexLock lock(&mu_);
  return committed_;
}

int64_t SqliteAuditStore::commits() const {
  absl::MutexLock lock(&mu_);
  return commits_;
}

void SqliteAuditStore::WriterLoop() {
  std::deque<Pending> batch;
  while (true) {
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](SqliteAuditStore* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mu_) {
            return !s->busy_ && (!s->queue_.empty() || s->stopping_);
          },
          this));
      if (queue_.empty() && stopping_) {
        writer_done_ = true;  // the copier copies what is left and stops
        return;
      }
      if (options_.commit_delay > absl::ZeroDuration()) {
        mu_.AwaitWithTimeout(
            absl::Condition(
                +[](SqliteAuditStore* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mu_) {
                  return s->queue_.size() >=
                             static_cast<size_t>(std::min(
                                 SqliteAuditStoreOptions::kCommitDelayBatch,
                                 s->options_.max_batch)) ||
                         s->stopping_ || !s->flush_waiters_.empty();
                },
                this),
            options_.commit_delay);
      }
      const size_t n =
          std::min(queue_.size(), static_cast<size_t>(options_.max_batch));
      for (size_t i = 0; i < n; ++i) {
        batch.push_back(std::move(queue_.front()));
        queue_.pop_front();
      }
      busy_ = true;
    }
    WriteBatch(batch);
  }
}

void SqliteAuditStore::WriteBatch(std::deque<Pending>& batch) {
  {
    absl::Status status;
    if (spool_ != nullptr) {
      status = SpoolBatch(batch);
    } else {
      absl::MutexLock commit_lock(&commit_mu_);
      status = CommitBatch(batch);
    }
    const int64_t n = static_cast<int64_t>(batch.size());
    {
      // Counted before the callbacks run, so a caller that has its answer
      // sees it in committed() and commits().
      absl::MutexLock lock(&mu_);
      if (status.ok()) {
        committed_ += n;
        ++commits_;
      }
    }
    if (status.ok() == failing_) {
      failing_ = !status.ok();
      if (options_.on_health_change) options_.on_health_change(status);
    }
    for (Pending& p : batch) p.done(status);
    batch.clear();
    // Finished after the callbacks, so Flush() returns once they have run.
    // The failure goes to the Flush() calls waiting for one of the batch's
    // records in the same critical section, so that one that began while
    // the callbacks ran sees it too.
    absl::MutexLock lock(&mu_);
    if (!status.ok()) {
      for (FlushWaiter* w : flush_waiters_) {
        if (finished_ < w->target && w->first_error.ok()) {
          w->first_error = status;
        }
      }
    }
    finished_ += n;
    busy_ = false;
  }
}

absl::Status SqliteAuditStore::Run(sqlite3_stmt* statement,
                                   absl::string_view what) {
  // The error is read before the reset, which may replace it.
  absl::Status status = sqlite3_step(statement) == SQLITE_DONE
                            ? absl::OkStatus()
                            : SqliteError(db_, what);
  sqlite3_reset(statement);
  return status;
}

absl::Status SqliteAuditStore::CommitBatch(std::deque<Pending>& batch) {
  if (absl::Status s = Run(statements_.begin, "begin"); !s.ok()) return s;
  std::vector<const AuditRecord*> records;
  records.reserve(batch.size());
  for (const Pending& p : batch) records.push_back(&p.record);
  absl::Status status =
      InsertRows(records, /*skip_duplicates=*/false, /*skipped=*/nullptr);
  if (status.ok()) status = Run(statements_.commit, "commit");
  if (!status.ok()) (void)Run(statements_.rollback, "rollback");
  return status;
}

absl::Status SqliteAuditStore::InsertRows(
    const std::vector<const AuditRecord*>& records, bool skip_duplicates,
    std::vector<std::string>* skipped) {
  sqlite3_stmt* const insert =
      skip_duplicates ? statements_.insert_or_skip : statements_.insert;
  std::string reasons;
  std::string blob;
  for (const AuditRecord* r : records) {
    const hakam::v1::Decision& d = r->decision;
    reasons = ReasonsToJson(d.reasons());
    d.SerializeToString(&blob);
    const int64_t decided_us =
        d.decided_at().seconds() * 1000000 + d.decided_at().nanos() / 1000;
    // Bound without a copy (SQLITE_STATIC): every string lives until the
    // bindings are cleared below, after the step.
    auto text = [&](int i, absl::string_view s) {
      sqlite3_bind_text(insert, i, s.data(), static_cast<int>(s.size()),
                        SQLITE_STATIC);
    };
    text(1, d.decision_id());
    sqlite3_bind_int64(insert, 2, decided_us);
    text(3, r->comment_id);
    text(4, r->article_id);
    text(5, r->site);
    text(6, r->section);
    text(7, r->author_id);
    text(8, r->text_sha256);
    text(9, hakam::v1::Action_Name(d.action()));
    sqlite3_bind_double(insert, 10, d.score());
    text(11, d.policy_id());
    text(12, d.ruleset_version());
    text(13, reasons);
    sqlite3_bind_blob(insert, 14, blob.data(), static_cast<int>(blob.size()),
                      SQLITE_STATIC);
    absl::Status s = Run(insert, "insert");
    // A statement keeps its bindings across a reset: cleared here, before
    // `reasons` and `blob` change, none can point at freed memory.
    sqlite3_clear_bindings(insert);
    if (!s.ok()) return s;
    if (skip_duplicates && sqlite3_changes(db_) == 0) {
      // The reply went out before this copy, so a duplicate id can no
      // longer fail its call: the row already there stays, and this one is
      // counted and reported instead of stopping every later copy.
      skipped->push_back(d.decision_id());
    }
  }
  return absl::OkStatus();
}

absl::Status SqliteAuditStore::SpoolBatch(std::deque<Pending>& batch) {
  {
    absl::MutexLock lock(&mu_);
    if (spool_end_ - copied_to_ > options_.max_copy_lag_bytes) {
      appends_held_ = true;
    }
    mu_.Await(absl::Condition(
        +[](SqliteAuditStore* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mu_) {
          return s->spool_end_ - s->copied_to_ <=
                     s->options_.max_copy_lag_bytes ||
                 s->copy_failing_;
        },
        this));
    if (spool_end_ - copied_to_ > options_.max_copy_lag_bytes) {
      return absl::UnavailableError(absl::StrCat(
          "audit store: the spool holds ", spool_end_ - copied_to_,
          " bytes of decisions the database has not taken, which fails: ",
          copy_error_.message()));
    }
  }
  std::vector<AuditRecord*> records;
  records.reserve(batch.size());
  for (Pending& p : batch) records.push_back(&p.record);
  absl::MutexLock spool_lock(&spool_mu_);
  if (absl::Status s = spool_->Append(records); !s.ok()) return s;
  absl::MutexLock lock(&mu_);
  if (spool_->generation() != generation_) {
    // Append finished a start-over the copier began and could not finish:
    // everything before it had been copied.
    generation_ = spool_->generation();
    copied_to_ = AuditSpool::kHeaderBytes;
  }
  spool_end_ = spool_->end();
  return absl::OkStatus();
}

absl::StatusOr<int64_t> SqliteAuditStore::CopyOnce(uint64_t generation,
                                                   int64_t from,
                                                   int64_t limit) {
  int max_records = options_.max_copy_batch;
  {
    absl::MutexLock lock(&mu_);
    if (appends_held_) max_records = std::max(max_records, kHeldCopyBatch);
  }
  std::vector<AuditRecord> records;
  absl::StatusOr<int64_t> to = spool_->Read(from, limit, max_records, &records);
  if (!to.ok()) return to.status();
  std::vector<const AuditRecord*> rows;
  rows.reserve(records.size());
  for (const AuditRecord& r : records) rows.push_back(&r);
  absl::Status status;
  std::vector<std::string> skipped;
  {
    absl::MutexLock commit_lock(&commit_mu_);
    status = Run(statements_.begin, "begin");
    if (status.ok()) {
      status = InsertRows(rows, /*skip_duplicates=*/true, &skipped);
    }
    if (status.ok()) status = RecordCopy(generation, *to, /*closed=*/false);
    if (status.ok()) status = Run(statements_.commit, "commit");
    if (!status.ok()) (void)Run(statements_.rollback, "rollback");
  }
  if (!status.ok()) return status;
  // Said before the copy counts as done, so that a Flush() that returns
  // has seen them said.
  if (options_.on_notice) {
    for (const std::string& id : skipped) {
      options_.on_notice(absl::StrCat(
          "audit store: decision id ", id,
          " is already in the database; its copy from the spool skipped"));
    }
  }
  absl::MutexLock lock(&mu_);
  if (generation_ == generation) copied_to_ = *to;
  if (spool_end_ - copied_to_ <= options_.max_copy_lag_bytes / 2) {
    appends_held_ = false;
  }
  copied_ += static_cast<int64_t>(records.size());
  duplicates_skipped_ += static_cast<int64_t>(skipped.size());
  ++copy_transactions_;
  return *to;
}

absl::Status SqliteAuditStore::ResetSpool() {
  // First, appends going on, what the spool holds now; then, appends held,
  // what came meanwhile, so that they wait for one short copy at most.
  uint64_t generation;
  int64_t target;
  {
    absl::MutexLock lock(&mu_);
    generation = generation_;
    target = spool_end_;
  }
  while (true) {
    int64_t from;
    {
      absl::MutexLock lock(&mu_);
      from = copied_to_;
    }
    if (from >= target) break;
    if (absl::StatusOr<int64_t> to = CopyOnce(generation, from, target);
        !to.ok()) {
      return to.status();
    }
  }
  // While appends wait for it, the copier runs at their priority where it
  // may: under SCHED_IDLE it would hold them until the requests' threads
  // ran out of other work.
  ScopedNormalPriority normal_priority(options_.background_idle);
  absl::MutexLock spool_lock(&spool_mu_);
  while (true) {
    int64_t from, limit;
    {
      absl::MutexLock lock(&mu_);
      from = copied_to_;
      limit = spool_end_;
    }
    if (from == limit) break;
    if (absl::StatusOr<int64_t> to = CopyOnce(generation, from, limit);
        !to.ok()) {
      return to.status();
    }
  }
  // The copy of the last frame is committed (and durable with full_sync,
  // whose synchronous=FULL fsyncs the commit) before the frames go.
  if (absl::Status s = spool_->Reset(generation + 1); !s.ok()) {
    // Not a failing copy: the next append tries the start-over again
    // first, and fails (and says so) if it cannot.
    if (options_.on_notice) {
      options_.on_notice(absl::StrCat(
          "audit store: could not start the spool over (the next append "
          "tries again): ",
          s.message()));
    }
    return absl::OkStatus();
  }
  absl::MutexLock lock(&mu_);
  generation_ = spool_->generation();
  copied_to_ = spool_end_ = spool_->end();
  return absl::OkStatus();
}

void SqliteAuditStore::CopyLoop() {
  const absl::Duration kFirstBackoff = absl::Milliseconds(50);
  absl::Duration backoff = kFirstBackoff;
  bool failing = false;
  int failures_after_writer_done = 0;
  while (true) {
    uint64_t generation;
    int64_t from, limit;
    {
      absl::MutexLock lock(&mu_);
      mu_.Await(absl::Condition(
          +[](SqliteAuditStore* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mu_) {
            return s->spool_end_ > s->copied_to_ || s->writer_done_;
          },
          this));
      if (spool_end_ == copied_to_) break;  // the writer is done: all copied
      if (options_.copy_delay > absl::ZeroDuration() && !writer_done_ &&
          copy_waiters_ == 0) {
        mu_.AwaitWithTimeout(
            absl::Condition(
                +[](SqliteAuditStore* s) ABSL_EXCLUSIVE_LOCKS_REQUIRED(s->mu_) {
                  return s->writer_done_ || s->copy_waiters_ > 0 ||
                         s->spool_end_ - s->copied_to_ >=
                             s->options_.max_copy_lag_bytes / 2;
                },
                this),
            options_.copy_delay);
      }
      generation = generation_;
      from = copied_to_;
      limit = spool_end_;
      ++copy_attempts_;
    }
    absl::Status status = CopyOnce(generation, from, limit).status();
    bool reset_due = false;
    if (status.ok()) {
      // Appends wait while the start-over copies what is left, so it waits
      // for a moment when little is; under a load the copy cannot keep up
      // with, the spool may grow to 4x the threshold before that is forced.
      absl::MutexLock lock(&mu_);
      reset_due = !writer_done_ && copied_to_ >= options_.spool_reset_bytes &&
                  (spool_end_ - copied_to_ <= kResetLagBytes ||
                   spool_end_ >= 4 * options_.spool_reset_bytes);
    }
    if (reset_due) status = ResetSpool();
    if (failing != !status.ok()) {
      failing = !status.ok();
      if (options_.on_copy_health_change) {
        options_.on_copy_health_change(status);
      }
    }
    absl::MutexLock lock(&mu_);
    copy_failing_ = failing;
    if (status.ok()) {
      backoff = kFirstBackoff;
      continue;
    }
    last_failed_copy_ = copy_attempts_;
    copy_error_ = status;
    // Try again later; once the writer is done, twice more at most: what
    // is left stays in the spool for the next start.
    if (writer_done_ && ++failures_after_writer_done > 2) return;
    // Until the backoff's end, or the writer's (then at once, and from
    // then on the full backoff: a fault gets time to clear).
    static constexpr bool kNever = false;
    mu_.AwaitWithTimeout(
        absl::Condition(writer_done_ ? &kNever : &writer_done_), backoff);
    backoff = std::min(backoff * 2, absl::Seconds(2));
  }
  // Everything is copied: the store closes cleanly, and the spool goes.
  absl::Status status;
  {
    absl::MutexLock commit_lock(&commit_mu_);
    uint64_t generation;
    int64_t copied_to;
    {
      absl::MutexLock lock(&mu_);
      generation = generation_;
      copied_to = copied_to_;
    }
    status = RecordCopy(generation, copied_to, /*closed=*/true);
  }
  if (status.ok()) {
    absl::MutexLock spool_lock(&spool_mu_);
    status = spool_->Remove();
  }
  if (!status.ok() && options_.on_notice) {
    options_.on_notice(
        absl::StrCat("audit store: everything is copied, but the spool stays: ",
                     status.message()));
  }
}

absl::Status SqliteAuditStore::RecordCopy(uint64_t generation,
                                          int64_t copied_to, bool closed) {
  sqlite3_bind_int64(statements_.progress, 1, static_cast<int64_t>(generation));
  sqlite3_bind_int64(statements_.progress, 2, copied_to);
  sqlite3_bind_int64(statements_.progress, 3, closed ? 1 : 0);
  return Run(statements_.progress,
             closed ? "record a clean close" : "record the copy");
}

int64_t SqliteAuditStore::copied() const {
  absl::MutexLock lock(&mu_);
  return copied_;
}

int64_t SqliteAuditStore::duplicates_skipped() const {
  absl::MutexLock lock(&mu_);
  return duplicates_skipped_;
}

int64_t SqliteAuditStore::copy_transactions() const {
  absl::MutexLock lock(&mu_);
  return copy_transactions_;
}

}  // namespace hakam
