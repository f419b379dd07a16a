#include "audit/sqlite_audit_store.h"

#include <pthread.h>
#include <sqlite3.h>

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

absl::Status SqliteError(sqlite3* db, absl::string_view what) {
  return absl::UnavailableError(
      absl::StrCat("audit store: ", what, ": ", sqlite3_errmsg(db)));
}

}  // namespace

void SqliteAuditStore::Statements::Finalize() const {
  for (sqlite3_stmt* st : {insert, begin, commit, rollback}) {
    sqlite3_finalize(st);  // a no-op on nullptr
  }
}

absl::StatusOr<std::unique_ptr<SqliteAuditStore>> SqliteAuditStore::Open(
    const SqliteAuditStoreOptions& options) {
  if (options.path.empty()) {
    return absl::InvalidArgumentError("audit store: empty database path");
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
  return std::unique_ptr<SqliteAuditStore>(
      new SqliteAuditStore(options, db, statements, checkpoint_db));
}

SqliteAuditStore::SqliteAuditStore(SqliteAuditStoreOptions options, sqlite3* db,
                                   Statements statements,
                                   sqlite3* checkpoint_db)
    : options_(std::move(options)),
      db_(db),
      statements_(statements),
      checkpoint_db_(checkpoint_db) {
  if (checkpoint_db_ != nullptr) {
    sqlite3_wal_hook(db_, &SqliteAuditStore::OnWalCommit, this);
    checkpointer_ = std::thread([this] {
      pthread_setname_np(pthread_self(), "audit-checkpt");  // for top, perf
      CheckpointLoop();
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
  {
    absl::MutexLock lock(&mu_);
    if (!stopping_) {
      queue_.push_back({std::move(record), std::move(done)});
      ++appended_;
      return;
    }
  }
  done(absl::UnavailableError("audit store is shutting down"));
}

absl::Status SqliteAuditStore::Flush() {
  absl::MutexLock lock(&mu_);
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
            return !s->queue_.empty() || s->stopping_;
          },
          this));
      if (queue_.empty() && stopping_) return;
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
    }
    absl::Status status;
    {
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
  sqlite3_stmt* const insert = statements_.insert;
  for (const Pending& p : batch) {
    const AuditRecord& r = p.record;
    const hakam::v1::Decision& d = r.decision;
    const std::string reasons = ReasonsToJson(d.reasons());
    const std::string blob = d.SerializeAsString();
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
    text(3, r.comment_id);
    text(4, r.article_id);
    text(5, r.site);
    text(6, r.section);
    text(7, r.author_id);
    text(8, r.text_sha256);
    text(9, hakam::v1::Action_Name(d.action()));
    sqlite3_bind_double(insert, 10, d.score());
    text(11, d.policy_id());
    text(12, d.ruleset_version());
    text(13, reasons);
    sqlite3_bind_blob(insert, 14, blob.data(), static_cast<int>(blob.size()),
                      SQLITE_STATIC);
    absl::Status s = Run(insert, "insert");
    // A statement keeps its bindings across a reset: cleared here, before
    // `reasons` and `blob` go, none can point at freed memory.
    sqlite3_clear_bindings(insert);
    if (!s.ok()) {
      (void)Run(statements_.rollback, "rollback");
      return s;
    }
  }
  if (absl::Status s = Run(statements_.commit, "commit"); !s.ok()) {
    (void)Run(statements_.rollback, "rollback");
    return s;
  }
  return absl::OkStatus();
}

}  // namespace hakam
