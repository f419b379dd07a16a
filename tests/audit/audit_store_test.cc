#include <gmock/gmock.h>
#include <gtest/gtest.h>
#include <poll.h>
#include <sqlite3.h>
#include <sys/wait.h>
#include <unistd.h>

#include <atomic>
#include <chrono>
#include <csignal>
#include <filesystem>
#include <fstream>
#include <functional>
#include <memory>
#include <ostream>
#include <random>
#include <thread>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "absl/synchronization/mutex.h"
#include "absl/synchronization/notification.h"
#include "absl/time/time.h"
#include "audit/fault_vfs.h"
#include "audit/memory_audit_store.h"
#include "audit/sqlite_audit_store.h"
#include "engine/comment_json.h"
#include "util/sha256.h"

namespace hakam {
namespace {

AuditRecord Record(int i) {
  hakam::v1::Comment c;
  c.set_comment_id("c" + std::to_string(i));
  c.set_site("site");
  c.set_text("text " + std::to_string(i));
  hakam::v1::Decision d;
  d.set_decision_id("d" + std::to_string(i));
  d.set_action(hakam::v1::REVIEW);
  d.set_score(5);
  d.set_ruleset_version("sha256:abc");
  d.set_policy_id("default");
  auto* r = d.add_reasons();
  r->set_rule_id("rule.x");
  r->mutable_span()->set_byte_end(4);
  // Each record's own excerpt, so a row can tell whose reasons it holds.
  r->set_excerpt("excerpt " + std::to_string(i));
  return MakeAuditRecord(c, d);
}

// This process' temporary databases (a forked child's too), removed when
// its tests end.
std::filesystem::path TempRoot() {
  return std::filesystem::temp_directory_path() /
         ("hakam_audit_test_" + std::to_string(::getpid()));
}

class TempRootCleanup : public ::testing::Environment {
 public:
  void TearDown() override {
    std::error_code ignored;
    std::filesystem::remove_all(TempRoot(), ignored);
  }
};
::testing::Environment* const kTempRootCleanup =
    ::testing::AddGlobalTestEnvironment(new TempRootCleanup);

std::string TempDb(const std::string& name) {
  const std::filesystem::path path = TempRoot() / "nested" / name;
  for (const char* suffix : {"", "-wal", "-shm", "-spool"}) {
    std::filesystem::remove(path.string() + suffix);
  }
  return path.string();
}

// Runs `sql` on the file and returns the first column of the first row, as
// text, or as raw bytes if `blob`.
std::string QueryValue(const std::string& path, const std::string& sql,
                       bool blob) {
  sqlite3* db = nullptr;
  EXPECT_EQ(sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr),
            SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  EXPECT_EQ(sqlite3_prepare_v2(db, sql.c_str(), -1, &stmt, nullptr), SQLITE_OK)
      << sqlite3_errmsg(db);
  std::string out;
  if (sqlite3_step(stmt) == SQLITE_ROW) {
    const void* value =
        blob ? sqlite3_column_blob(stmt, 0)
             : static_cast<const void*>(sqlite3_column_text(stmt, 0));
    if (value != nullptr) {
      out.assign(static_cast<const char*>(value),
                 sqlite3_column_bytes(stmt, 0));
    }
  }
  sqlite3_finalize(stmt);
  sqlite3_close(db);
  return out;
}

std::string Query(const std::string& path, const std::string& sql) {
  return QueryValue(path, sql, /*blob=*/false);
}

std::string QueryBlob(const std::string& path, const std::string& sql) {
  return QueryValue(path, sql, /*blob=*/true);
}

TEST(AuditRecordTest, HashesTheTextInsteadOfKeepingIt) {
  AuditRecord r = Record(1);
  EXPECT_EQ(r.text_sha256, Sha256Hex("text 1"));
  EXPECT_EQ(r.text_sha256.size(), 64u);
  EXPECT_EQ(Sha256Hex(""),
            "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
}

TEST(MemoryAuditStoreTest, KeepsRecordsInOrderAndCanFail) {
  MemoryAuditStore store;
  ASSERT_TRUE(store.AppendAndWait(Record(1)).ok());
  ASSERT_TRUE(store.AppendAndWait(Record(2)).ok());
  store.FailAppends(true);
  EXPECT_EQ(store.AppendAndWait(Record(3)).code(),
            absl::StatusCode::kUnavailable);
  auto records = store.Records();
  ASSERT_EQ(records.size(), 2u);
  EXPECT_EQ(records[1].comment_id, "c2");
}

// The tests that hold for every way of writing run with each: commits
// before the reply (Direct), the spool with an fsync per batch (Spool), and
// the spool without, which Append writes itself when it can (SpoolNoSync).
struct WriteMode {
  const char* name;
  bool spool;
  bool full_sync;
};

// Printed by name (gtest would print the struct's bytes, a pointer among
// them, into every test's name).
void PrintTo(const WriteMode& mode, std::ostream* out) { *out << mode.name; }

class SqliteAuditStoreModeTest : public ::testing::TestWithParam<WriteMode> {
 protected:
  static bool spool() { return GetParam().spool; }
  static SqliteAuditStoreOptions Options(const std::string& path) {
    SqliteAuditStoreOptions o;
    o.path = path;
    o.spool = GetParam().spool;
    o.full_sync = GetParam().full_sync;
    // Starting over every few batches, so the tests reach it too (and under
    // faults and crashes), not only the spool's first generation.
    o.spool_reset_bytes = 4096;
    return o;
  }
};

INSTANTIATE_TEST_SUITE_P(Modes, SqliteAuditStoreModeTest,
                         ::testing::Values(WriteMode{"Direct", false, true},
                                           WriteMode{"Spool", true, true},
                                           WriteMode{"SpoolNoSync", true,
                                                     false}),
                         [](const ::testing::TestParamInfo<WriteMode>& info) {
                           return info.param.name;
                         });

TEST_P(SqliteAuditStoreModeTest, AppendsAreDurableAndQueryable) {
  const std::string path = TempDb("a.db");
  {
    SqliteAuditStoreOptions o = Options(path);
    auto store = SqliteAuditStore::Open(o);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->AppendAndWait(Record(1)).ok());
    EXPECT_EQ((*store)->committed(), 1);
    // Visible to another connection as soon as Append reported success;
    // with the spool, once Flush() has returned.
    if (spool()) {
      ASSERT_TRUE((*store)->Flush().ok());
    }
    EXPECT_EQ(Query(path, "SELECT comment_id FROM decisions"), "c1");
  }
  EXPECT_EQ(Query(path,
                  "SELECT action || ' ' || score || ' ' || policy_id "
                  "FROM decisions WHERE decision_id = 'd1'"),
            "REVIEW 5.0 default");
  EXPECT_EQ(Query(path, "SELECT text_sha256 FROM decisions"),
            Sha256Hex("text 1"));
  EXPECT_THAT(Query(path, "SELECT reasons_json FROM decisions"),
              ::testing::HasSubstr("\"rule_id\":\"rule.x\""));
  EXPECT_EQ(Query(path, "PRAGMA journal_mode"), "wal");
}

TEST_P(SqliteAuditStoreModeTest, GroupCommitsConcurrentAppendsWithoutLoss) {
  const std::string path = TempDb("b.db");
  SqliteAuditStoreOptions o = Options(path);
  o.full_sync = false;
  auto store = SqliteAuditStore::Open(o);
  ASSERT_TRUE(store.ok());
  constexpr int kThreads = 4, kPerThread = 500;
  std::atomic<int> ok{0};
  std::vector<std::thread> threads;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (int i = 0; i < kPerThread; ++i) {
        (*store)->Append(Record(t * kPerThread + i), [&](absl::Status s) {
          if (s.ok()) ++ok;
        });
      }
    });
  }
  for (auto& th : threads) th.join();
  ASSERT_TRUE((*store)->Flush().ok());
  EXPECT_EQ(ok.load(), kThreads * kPerThread);
  EXPECT_EQ(Query(path, "SELECT count(*) FROM decisions"),
            std::to_string(kThreads * kPerThread));
  // Every row holds its own record, although a group's values are bound
  // without copies: a row whose comment, decision id or reasons came from
  // another record of its group would show here.
  EXPECT_EQ(Query(path,
                  "SELECT count(*) FROM decisions WHERE decision_id = "
                  "'d' || substr(comment_id, 2) AND reasons_json LIKE "
                  "'%\"excerpt\":\"excerpt ' || substr(comment_id, 2) || "
                  "'\"%'"),
            std::to_string(kThreads * kPerThread));
  for (int i : {0, 777, kThreads * kPerThread - 1}) {
    const AuditRecord expected = Record(i);
    EXPECT_EQ(Query(path,
                    "SELECT text_sha256 FROM decisions WHERE "
                    "comment_id = 'c" +
                        std::to_string(i) + "'"),
              expected.text_sha256);
    hakam::v1::Decision stored;
    ASSERT_TRUE(stored.ParseFromString(
        QueryBlob(path, "SELECT decision FROM decisions WHERE comment_id = 'c" +
                            std::to_string(i) + "'")));
    EXPECT_EQ(stored.SerializeAsString(),
              expected.decision.SerializeAsString());
    EXPECT_EQ(Query(path,
                    "SELECT reasons_json FROM decisions WHERE "
                    "comment_id = 'c" +
                        std::to_string(i) + "'"),
              ReasonsToJson(expected.decision.reasons()));
  }
}

TEST(SqliteAuditStoreTest, CheckpointsInTheBackgroundAndKeepsTheWalBounded) {
  const std::string path = TempDb("ckpt.db");
  SqliteAuditStoreOptions o;
  o.path = path;
  o.full_sync = false;
  o.checkpoint_pages = 8;
  o.max_batch = 16;
  auto store = SqliteAuditStore::Open(o);
  ASSERT_TRUE(store.ok()) << store.status();
  constexpr int kRecords = 4000;
  std::atomic<int> ok{0};
  for (int i = 0; i < kRecords; ++i) {
    (*store)->Append(Record(i), [&](absl::Status s) {
      if (s.ok()) ++ok;
    });
  }
  ASSERT_TRUE((*store)->Flush().ok());
  EXPECT_EQ(ok.load(), kRecords);
  // The checkpointer thread runs on its own schedule: wait for it (this is
  // liveness, not timing; the bound is generous).
  for (int i = 0; i < 1000 && (*store)->checkpoints() == 0; ++i) {
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_GT((*store)->checkpoints(), 0);
  EXPECT_EQ(Query(path, "SELECT count(*) FROM decisions"),
            std::to_string(kRecords));
  // The burst outran the checkpointer and the WAL grew; once it catches
  // up, the next commits start the WAL over and cut the file back to
  // journal_size_limit (2 x 8 pages of 4 KiB).
  const std::string wal = path + "-wal";
  for (int i = 0; i < 1000 && std::filesystem::file_size(wal) > 65536; ++i) {
    ASSERT_TRUE((*store)->AppendAndWait(Record(kRecords + i)).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_LE(std::filesystem::file_size(wal), 65536u);
}

// A reader that holds an old snapshot (a long query, a backup) fails no
// commit: past 8 x checkpoint_pages the checkpointer runs RESTART
// checkpoints, which hold SQLite's writer lock while they wait for
// readers; when the writer contended for that lock, with a 5 s busy
// timeout like its own, commits waited 5 s at a time and some failed with
// SQLITE_BUSY (1 run in 4 of this test failed). Now a RESTART is tried
// only once a PASSIVE checkpoint has copied everything, which such a
// reader prevents, and runs between two commits. Both a burst (the writer
// busy) and single commits (the writer idle between them) are checked,
// then that the WAL starts over once the reader is gone.
TEST(SqliteAuditStoreTest, AReaderOfAnOldSnapshotFailsNoCommit) {
  const std::string path = TempDb("reader.db");
  SqliteAuditStoreOptions o;
  o.path = path;
  o.full_sync = false;
  o.checkpoint_pages = 32;
  o.max_batch = 8;
  auto store = SqliteAuditStore::Open(o);
  ASSERT_TRUE(store.ok()) << store.status();
  ASSERT_TRUE((*store)->AppendAndWait(Record(0)).ok());
  // Declared after the store, so closed before it.
  sqlite3* raw_reader = nullptr;
  const int opened = sqlite3_open(path.c_str(), &raw_reader);
  std::unique_ptr<sqlite3, int (*)(sqlite3*)> reader(raw_reader,
                                                     &sqlite3_close);
  ASSERT_EQ(opened, SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(reader.get(), "BEGIN; SELECT count(*) FROM decisions;",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(reader.get());
  constexpr int kBurst = 3000;
  std::atomic<int> ok{0};
  for (int i = 1; i < kBurst; ++i) {
    (*store)->Append(Record(i), [&](absl::Status s) {
      if (s.ok()) ++ok;
    });
  }
  const absl::Status flushed = (*store)->Flush();
  EXPECT_TRUE(flushed.ok()) << flushed;
  EXPECT_EQ(ok.load(), kBurst - 1);
  // The WAL cannot start over while the reader holds its snapshot: it
  // went well past the RESTART threshold.
  EXPECT_GT(std::filesystem::file_size(path + "-wal"),
            uintmax_t{8} * o.checkpoint_pages * 4096);
  constexpr int kSingles = 5;
  for (int i = 0; i < kSingles; ++i) {
    const absl::Status s = (*store)->AppendAndWait(Record(kBurst + i));
    EXPECT_TRUE(s.ok()) << "single commit " << i << ": " << s;
  }
  EXPECT_EQ(Query(path, "SELECT count(*) FROM decisions"),
            std::to_string(kBurst + kSingles));
  EXPECT_EQ(sqlite3_exec(reader.get(), "COMMIT", nullptr, nullptr, nullptr),
            SQLITE_OK);
  // Once the reader is gone, a RESTART starts the WAL over and the file
  // is cut back to journal_size_limit (2 x 32 pages of 4 KiB). (Liveness,
  // not timing: the bound is generous.)
  const std::string wal = path + "-wal";
  for (int i = 0; i < 500 && std::filesystem::file_size(wal) > 262144; ++i) {
    ASSERT_TRUE((*store)->AppendAndWait(Record(kBurst + kSingles + i)).ok());
    std::this_thread::sleep_for(std::chrono::milliseconds(10));
  }
  EXPECT_LE(std::filesystem::file_size(wal), 262144u);
}

TEST(SqliteAuditStoreTest, TheTrailIsAppendOnly) {
  const std::string path = TempDb("c.db");
  SqliteAuditStoreOptions o;
  o.path = path;
  {
    auto store = SqliteAuditStore::Open(o);
    ASSERT_TRUE(store.ok());
    ASSERT_TRUE((*store)->AppendAndWait(Record(1)).ok());
  }
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  char* err = nullptr;
  EXPECT_NE(sqlite3_exec(db, "UPDATE decisions SET action = 'ALLOW'", nullptr,
                         nullptr, &err),
            SQLITE_OK);
  EXPECT_THAT(err, ::testing::HasSubstr("append-only"));
  sqlite3_free(err);
  EXPECT_NE(
      sqlite3_exec(db, "DELETE FROM decisions", nullptr, nullptr, nullptr),
      SQLITE_OK);
  sqlite3_close(db);
}

// seq is the append order: dense from 1, and it continues after a restart
// (the table has no AUTOINCREMENT; rows are never deleted, so the rowid
// cannot repeat).
TEST(SqliteAuditStoreTest, SeqIsTheAppendOrderAcrossReopens) {
  const std::string path = TempDb("seq.db");
  SqliteAuditStoreOptions o;
  o.path = path;
  o.full_sync = false;
  for (int round = 0; round < 2; ++round) {
    auto store = SqliteAuditStore::Open(o);
    ASSERT_TRUE(store.ok()) << store.status();
    for (int i = 0; i < 50; ++i) {
      ASSERT_TRUE((*store)->AppendAndWait(Record(round * 50 + i)).ok());
    }
  }
  EXPECT_EQ(Query(path,
                  "SELECT min(seq) || ' ' || max(seq) || ' ' || "
                  "count(DISTINCT seq) FROM decisions"),
            "1 100 100");
  EXPECT_EQ(Query(path, "SELECT decision_id FROM decisions WHERE seq = 51"),
            "d50");
}

// A database created before seq lost AUTOINCREMENT is used as it is.
TEST(SqliteAuditStoreTest, OpensADatabaseWithTheEarlierAutoincrementSchema) {
  const std::string path = TempDb("old.db");
  std::filesystem::create_directories(
      std::filesystem::path(path).parent_path());
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, R"sql(
    CREATE TABLE decisions (
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      decision_id TEXT NOT NULL UNIQUE, decided_at_us INTEGER NOT NULL,
      comment_id TEXT NOT NULL, article_id TEXT NOT NULL, site TEXT NOT NULL,
      section TEXT NOT NULL, author_id TEXT NOT NULL,
      text_sha256 TEXT NOT NULL, action TEXT NOT NULL, score REAL NOT NULL,
      policy_id TEXT NOT NULL, ruleset_version TEXT NOT NULL,
      reasons_json TEXT NOT NULL, decision BLOB NOT NULL);
    INSERT INTO decisions VALUES (1, 'old', 0, 'c', '', 's', '', '', 'h',
      'ALLOW', 0, 'default', 'v', '[]', x'');
    PRAGMA user_version = 1;)sql",
                         nullptr, nullptr, nullptr),
            SQLITE_OK)
      << sqlite3_errmsg(db);
  sqlite3_close(db);
  {
    SqliteAuditStoreOptions o;
    o.path = path;
    auto store = SqliteAuditStore::Open(o);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->AppendAndWait(Record(1)).ok());
    ASSERT_TRUE((*store)->AppendAndWait(Record(2)).ok());
  }
  EXPECT_EQ(Query(path,
                  "SELECT group_concat(decision_id) FROM "
                  "(SELECT decision_id FROM decisions ORDER BY seq)"),
            "old,d1,d2");
  EXPECT_EQ(Query(path, "SELECT seq FROM sqlite_sequence"), "3");
  // The append-only triggers were added to the old table too.
  EXPECT_EQ(Query(path,
                  "SELECT count(*) FROM sqlite_master WHERE "
                  "type = 'trigger' AND tbl_name = 'decisions'"),
            "2");
}

TEST(SqliteAuditStoreTest, DuplicateDecisionIdFailsTheAppendVisibly) {
  const std::string path = TempDb("d.db");
  SqliteAuditStoreOptions o;
  o.path = path;
  auto store = SqliteAuditStore::Open(o);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->AppendAndWait(Record(1)).ok());
  const absl::Status dup = (*store)->AppendAndWait(Record(1));
  EXPECT_EQ(dup.code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(dup.message()), ::testing::HasSubstr("UNIQUE"));
  // The failed batch was rolled back: the store goes on appending.
  ASSERT_TRUE((*store)->AppendAndWait(Record(2)).ok());
  EXPECT_EQ(Query(path, "SELECT group_concat(comment_id) FROM decisions"),
            "c1,c2");
}

// Flush() reports the failures of the records it waited for, and not those
// already answered: hakamd's exit status at shutdown says whether the
// calls still in flight were audited, not whether one failed hours ago.
TEST(SqliteAuditStoreTest, FlushReportsOnlyTheFailuresItWaitedFor) {
  const std::string path = TempDb("flush-failures.db");
  SqliteAuditStoreOptions o;
  o.path = path;
  o.full_sync = false;
  // Appends wait for a Flush() (an hour's commit delay): each is still
  // waiting when Flush() is called.
  o.commit_delay = absl::Hours(1);
  auto store = SqliteAuditStore::Open(o);
  ASSERT_TRUE(store.ok());
  (*store)->Append(Record(1), [](absl::Status) {});
  EXPECT_TRUE((*store)->Flush().ok());
  absl::Status answered;
  (*store)->Append(Record(1), [&answered](absl::Status s) { answered = s; });
  const absl::Status flushed = (*store)->Flush();
  EXPECT_THAT(std::string(flushed.message()), ::testing::HasSubstr("UNIQUE"));
  EXPECT_EQ(flushed, answered);
  // Answered and reported: nothing more to say.
  EXPECT_TRUE((*store)->Flush().ok());
  (*store)->Append(Record(2), [](absl::Status) {});
  EXPECT_TRUE((*store)->Flush().ok());
  EXPECT_EQ(Query(path, "SELECT group_concat(comment_id) FROM decisions"),
            "c1,c2");
}

// --audit_commit_delay_us: the writer waits for a batch, but never past
// kCommitDelayBatch records, a Flush() or shutdown. The delay here is an
// hour: a test that waited for it would time out.
SqliteAuditStoreOptions DelayedOptions(const std::string& path) {
  SqliteAuditStoreOptions o;
  o.path = path;
  o.full_sync = false;
  o.commit_delay = absl::Hours(1);
  return o;
}

TEST(SqliteAuditStoreTest, CommitDelayGathersOneBatch) {
  const std::string path = TempDb("delay-batch.db");
  auto store = SqliteAuditStore::Open(DelayedOptions(path));
  ASSERT_TRUE(store.ok());
  constexpr int kRecords = SqliteAuditStoreOptions::kCommitDelayBatch;
  std::atomic<int> ok{0};
  absl::Notification all_done;
  for (int i = 0; i < kRecords; ++i) {
    (*store)->Append(Record(i), [&](absl::Status s) {
      if (s.ok() && ++ok == kRecords) all_done.Notify();
    });
  }
  // The batch is full: committed without waiting for the delay or a Flush.
  ASSERT_TRUE(all_done.WaitForNotificationWithTimeout(absl::Seconds(60)));
  EXPECT_EQ((*store)->commits(), 1);
  EXPECT_EQ((*store)->committed(), kRecords);
  EXPECT_EQ(Query(path, "SELECT count(*) FROM decisions"),
            std::to_string(kRecords));
}

TEST(SqliteAuditStoreTest, FlushDoesNotWaitForTheCommitDelay) {
  const std::string path = TempDb("delay-flush.db");
  auto store = SqliteAuditStore::Open(DelayedOptions(path));
  ASSERT_TRUE(store.ok());
  absl::Notification done;
  (*store)->Append(Record(1), [&](absl::Status s) {
    EXPECT_TRUE(s.ok()) << s;
    done.Notify();
  });
  absl::Notification flushed;
  std::thread flusher([&] {
    EXPECT_TRUE((*store)->Flush().ok());
    flushed.Notify();
  });
  EXPECT_TRUE(flushed.WaitForNotificationWithTimeout(absl::Seconds(60)));
  EXPECT_TRUE(done.HasBeenNotified());
  EXPECT_EQ((*store)->committed(), 1);
  store->reset();  // would end a still-waiting writer, and so the Flush
  flusher.join();
}

TEST(SqliteAuditStoreTest, ShutdownCommitsWhatWaitsForTheCommitDelay) {
  const std::string path = TempDb("delay-shutdown.db");
  auto store = SqliteAuditStore::Open(DelayedOptions(path));
  ASSERT_TRUE(store.ok());
  absl::Status status = absl::UnknownError("callback not called");
  (*store)->Append(Record(1), [&](absl::Status s) { status = s; });
  store->reset();
  EXPECT_TRUE(status.ok()) << status;
  EXPECT_EQ(Query(path, "SELECT count(*) FROM decisions"), "1");
}

// A full disk fails the batch it hits, visibly, and no other: once space
// is back, the store appends again, and the failed record is not in the
// trail (its client got UNAVAILABLE and no decision).
TEST_P(SqliteAuditStoreModeTest, AFullDiskFailsTheBatchAndTheStoreRecovers) {
  testing::FaultVfs::Install();
  const std::string path = TempDb("full.db");
  // What on_health_change reported, in order (the writer thread calls it
  // before the batch's callbacks, so each AppendAndWait below sees it).
  std::vector<absl::Status> changes;
  {
    SqliteAuditStoreOptions o = Options(path);
    o.on_health_change = [&changes](const absl::Status& s) {
      changes.push_back(s);
    };
    auto store = SqliteAuditStore::Open(o);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->AppendAndWait(Record(1)).ok());
    const int failures = testing::FaultVfs::failures();
    absl::Status full;
    {
      testing::FaultVfs::Scoped fault(testing::FaultVfs::kDiskFull);
      full = (*store)->AppendAndWait(Record(2));
      // Reported once, however many commits fail.
      EXPECT_FALSE((*store)->AppendAndWait(Record(4)).ok());
    }
    EXPECT_GT(testing::FaultVfs::failures(), failures);
    EXPECT_EQ(full.code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(full.message()), ::testing::HasSubstr("full"));
    EXPECT_TRUE((*store)->AppendAndWait(Record(3)).ok());
    EXPECT_TRUE((*store)->AppendAndWait(Record(5)).ok());
    ASSERT_EQ(changes.size(), 2u);
    EXPECT_EQ(changes[0], full);
    EXPECT_TRUE(changes[1].ok());
    // Each failure went to its record's caller; nothing is left to report.
    EXPECT_TRUE((*store)->Flush().ok());
    EXPECT_EQ((*store)->committed(), 3);
  }
  EXPECT_EQ(changes.size(), 2u);
  EXPECT_EQ(Query(path, "SELECT group_concat(comment_id) FROM decisions"),
            "c1,c3,c5");
  EXPECT_EQ(Query(path, "PRAGMA integrity_check"), "ok");
}

// The same for an fsync that fails (an I/O error) under synchronous=FULL.
TEST_P(SqliteAuditStoreModeTest, AFailedSyncFailsTheBatchAndTheStoreRecovers) {
  testing::FaultVfs::Install();
  const std::string path = TempDb("sync.db");
  {
    SqliteAuditStoreOptions o = Options(path);
    o.full_sync = true;  // the fsync this test fails
    auto store = SqliteAuditStore::Open(o);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->AppendAndWait(Record(1)).ok());
    absl::Status failed;
    {
      testing::FaultVfs::Scoped fault(testing::FaultVfs::kSyncFails);
      failed = (*store)->AppendAndWait(Record(2));
    }
    EXPECT_EQ(failed.code(), absl::StatusCode::kUnavailable);
    EXPECT_THAT(std::string(failed.message()), ::testing::HasSubstr("I/O"));
    EXPECT_TRUE((*store)->AppendAndWait(Record(3)).ok());
    EXPECT_EQ((*store)->committed(), 2);
  }
  EXPECT_EQ(Query(path, "SELECT group_concat(comment_id) FROM decisions"),
            "c1,c3");
  EXPECT_EQ(Query(path, "PRAGMA integrity_check"), "ok");
}

// A Flush() that begins while a failed batch's callbacks run reports the
// failure: hakamd's shutdown, where the failed calls have their answer and
// the server stops, but the writer has not yet counted the batch finished.
TEST_P(SqliteAuditStoreModeTest, AFlushDuringAFailedBatchsCallbacksReportsIt) {
  testing::FaultVfs::Install();
  const std::string path = TempDb("flush-race.db");
  SqliteAuditStoreOptions o = Options(path);
  auto store = SqliteAuditStore::Open(o);
  ASSERT_TRUE(store.ok()) << store.status();
  absl::Notification answered;
  {
    testing::FaultVfs::Scoped fault(testing::FaultVfs::kDiskFull);
    // From another thread: with SpoolNoSync, Append runs the callback
    // itself.
    std::thread caller([&] {
      (*store)->Append(Record(1), [&answered](absl::Status) {
        answered.Notify();
        // Time for the Flush() below to begin while the batch is
        // unfinished (if it began later, it would have nothing to wait for
        // and this test would fail: generous).
        absl::SleepFor(absl::Milliseconds(500));
      });
    });
    answered.WaitForNotification();
    EXPECT_EQ((*store)->Flush().code(), absl::StatusCode::kUnavailable);
    caller.join();
  }
}

// With synchronous=NORMAL commits never fsync, so a disk whose fsyncs fail
// shows only in the checkpoints: reported once each way.
TEST(SqliteAuditStoreTest, FailingCheckpointsAreReportedOnceEachWay) {
  testing::FaultVfs::Install();
  const std::string path = TempDb("ckpt-fail.db");
  absl::Mutex mu;
  std::vector<absl::Status> changes;
  auto changes_size = [&] {
    absl::MutexLock lock(&mu);
    return changes.size();
  };
  SqliteAuditStoreOptions o;
  o.path = path;
  o.full_sync = false;
  o.checkpoint_pages = 8;
  o.on_checkpoint_health_change = [&](const absl::Status& s) {
    absl::MutexLock lock(&mu);
    changes.push_back(s);
  };
  auto store = SqliteAuditStore::Open(o);
  ASSERT_TRUE(store.ok()) << store.status();
  // Records until a checkpoint has run and failed, then until one has
  // succeeded (liveness bounds, not timing). A commit that starts the WAL
  // over syncs its header and may fail too; that is not what is checked.
  int i = 0;
  {
    testing::FaultVfs::Scoped fault(testing::FaultVfs::kSyncFails);
    for (; i < 5000 && changes_size() == 0; ++i) {
      (void)(*store)->AppendAndWait(Record(i));
      std::this_thread::sleep_for(std::chrono::microseconds(200));
    }
    ASSERT_EQ(changes_size(), 1u);
    // Reported once, however many fail.
    const int failures = testing::FaultVfs::failures();
    for (int j = 0; j < 200; ++j, ++i) {
      (void)(*store)->AppendAndWait(Record(i));
    }
    EXPECT_GT(testing::FaultVfs::failures(), failures);
    ASSERT_EQ(changes_size(), 1u);
  }
  for (int j = 0; j < 5000 && changes_size() == 1; ++j, ++i) {
    (void)(*store)->AppendAndWait(Record(i));
    std::this_thread::sleep_for(std::chrono::microseconds(200));
  }
  absl::MutexLock lock(&mu);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_EQ(changes[0].code(), absl::StatusCode::kUnavailable);
  EXPECT_THAT(std::string(changes[0].message()),
              ::testing::HasSubstr("checkpoint: disk I/O error"));
  EXPECT_TRUE(changes[1].ok());
}

// Faults that come and go while records stream in, at whatever point the
// writer or the checkpointer is at: every record answered OK is in the
// trail once, and every record answered with an error is not, before and
// after the store closes; the database stays sound, and the store appends
// again once the disk is well.
TEST_P(SqliteAuditStoreModeTest,
       UnderIntermittentFaultsTheTrailHoldsWhatWasAnswered) {
  testing::FaultVfs::Install();
  const std::string path = TempDb("faults.db");
  constexpr int kRecords = 3000;
  // 0: no answer yet, 1: OK, 2: failed.
  std::vector<std::atomic<int>> answers(kRecords);
  {
    SqliteAuditStoreOptions o = Options(path);
    o.checkpoint_pages = 8;  // checkpoints, and restarts, all the time
    o.max_batch = 16;
    auto store = SqliteAuditStore::Open(o);
    ASSERT_TRUE(store.ok()) << store.status();
    // However the stream below falls, both kinds of answer happen.
    {
      testing::FaultVfs::Scoped fault(testing::FaultVfs::kDiskFull);
      answers[0].store((*store)->AppendAndWait(Record(0)).ok() ? 1 : 2);
    }
    answers[1].store((*store)->AppendAndWait(Record(1)).ok() ? 1 : 2);
    testing::FaultVfs::Scoped reset_at_exit(testing::FaultVfs::kNone);
    std::mt19937 rng(20261201);
    const testing::FaultVfs::Fault faults[] = {testing::FaultVfs::kNone,
                                               testing::FaultVfs::kDiskFull,
                                               testing::FaultVfs::kSyncFails};
    for (int i = 2; i < kRecords; ++i) {
      if (i % 25 == 0) testing::FaultVfs::Set(faults[rng() % 3]);
      (*store)->Append(Record(i), [&answers, i](absl::Status s) {
        answers[i].store(s.ok() ? 1 : 2);
      });
      if (i % 5 == 0)
        std::this_thread::sleep_for(std::chrono::microseconds(50));
    }
    testing::FaultVfs::Set(testing::FaultVfs::kNone);
    (void)(*store)->Flush();
    ASSERT_TRUE((*store)->AppendAndWait(Record(kRecords)).ok());
  }
  EXPECT_EQ(answers[0].load(), 2);
  EXPECT_EQ(answers[1].load(), 1);
  std::string expected;
  for (int i = 0; i < kRecords; ++i) {
    ASSERT_NE(answers[i].load(), 0) << "record " << i << " never answered";
    if (answers[i].load() == 1) {
      absl::StrAppend(&expected, expected.empty() ? "" : ",", "c", i);
    }
  }
  absl::StrAppend(&expected, ",c", kRecords);
  EXPECT_EQ(Query(path,
                  "SELECT group_concat(comment_id) FROM "
                  "(SELECT comment_id FROM decisions ORDER BY seq)"),
            expected);
  EXPECT_EQ(Query(path, "PRAGMA integrity_check"), "ok");
}

// A crash of the process (the child below ends with _exit, nothing closed,
// mid-stream, with fsyncs failing now and then): after it, every decision
// answered OK is in the trail, and nothing is that was not appended. A
// batch whose fsync failed may be there (SQLite's recovery finds it whole
// in the WAL; docs/operations.md), so failed ones are not checked.
TEST_P(SqliteAuditStoreModeTest, ACrashLosesNoDecisionAnsweredOk) {
  const std::string path = TempDb("crash.db");
  constexpr int kRecords = 600;
  int pipe_fds[2];
  ASSERT_EQ(pipe(pipe_fds), 0);
  const pid_t child = fork();
  ASSERT_GE(child, 0);
  if (child == 0) {
    close(pipe_fds[0]);
    testing::FaultVfs::Install();
    SqliteAuditStoreOptions o = Options(path);
    o.checkpoint_pages = 8;
    o.max_batch = 16;
    auto store = SqliteAuditStore::Open(o);
    if (!store.ok()) _exit(2);
    // Each answer is written to the pipe as it comes: a 4-byte record
    // number, negative for a failure (atomic: under PIPE_BUF).
    auto answer_to_pipe = [fd = pipe_fds[1]](int i) {
      return [fd, i](absl::Status s) {
        const int32_t answer = s.ok() ? i : -1 - i;
        if (write(fd, &answer, sizeof answer) != sizeof answer) _exit(3);
      };
    };
    // However the stream below falls, a failure and a success after it.
    testing::FaultVfs::Set(testing::FaultVfs::kDiskFull);
    absl::Notification failed;
    (*store)->Append(Record(0), [&](absl::Status s) {
      answer_to_pipe(0)(s);
      failed.Notify();
    });
    failed.WaitForNotification();
    testing::FaultVfs::Set(testing::FaultVfs::kNone);
    std::mt19937 rng(1201);
    for (int i = 1; i < kRecords; ++i) {
      if (i % 20 == 0) {
        testing::FaultVfs::Set(rng() % 3 == 0 ? testing::FaultVfs::kSyncFails
                                              : testing::FaultVfs::kNone);
      }
      (*store)->Append(Record(i), answer_to_pipe(i));
      // Paced, so faults come and go between commits.
      if (i % 5 == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(300));
      }
      // At least one record answered OK after the failure above.
      if (i == kRecords / 2) {
        testing::FaultVfs::Set(testing::FaultVfs::kNone);
        (void)(*store)->AppendAndWait(Record(kRecords));
      }
    }
    _exit(0);  // the crash: no flush, no close, the writer mid-commit
  }
  close(pipe_fds[1]);
  std::vector<int> answered_ok;
  std::vector<int> answered_error;
  bool failed = false;
  bool ok_after_failure = false;
  int32_t answer;
  // A child that hangs is killed after a minute (liveness, not timing).
  pollfd readable{pipe_fds[0], POLLIN, 0};
  while (poll(&readable, 1, 60000) == 1 &&
         read(pipe_fds[0], &answer, sizeof answer) == sizeof answer) {
    if (answer >= 0) {
      answered_ok.push_back(answer);
      ok_after_failure = ok_after_failure || failed;
    } else {
      failed = true;
      answered_error.push_back(-1 - answer);
    }
  }
  close(pipe_fds[0]);
  int status = 0;
  if (waitpid(child, &status, WNOHANG) == 0) {
    kill(child, SIGKILL);
    ASSERT_EQ(waitpid(child, &status, 0), child);
  }
  ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0) << status;
  EXPECT_TRUE(failed);
  if (spool()) {
    // Opening the store copies what the crash left in the spool, each
    // decision once (the UNIQUE decision id would hide a second copy from
    // the counts below, not from this).
    auto store = SqliteAuditStore::Open(Options(path));
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Flush().ok());
    EXPECT_EQ((*store)->duplicates_skipped(), 0);
    // And unlike SQLite's WAL, the spool keeps no batch whose append
    // failed: it was cut (or marked) before its calls were answered.
    for (int i : answered_error) {
      EXPECT_EQ(
          Query(path, "SELECT count(*) FROM decisions WHERE comment_id = 'c" +
                          std::to_string(i) + "'"),
          "0")
          << "decision " << i << " was answered UNAVAILABLE and is there";
    }
  }
  EXPECT_FALSE(std::filesystem::exists(path + "-spool"));
  // Opening it runs SQLite's recovery of the WAL.
  for (int i : answered_ok) {
    EXPECT_EQ(Query(path,
                    "SELECT count(*) FROM decisions WHERE comment_id = "
                    "'c" +
                        std::to_string(i) + "'"),
              "1")
        << "decision " << i << " was answered OK and is missing";
  }
  EXPECT_EQ(Query(path,
                  "SELECT count(*) FROM decisions WHERE NOT "
                  "(comment_id GLOB 'c[0-9]*' AND decision_id = "
                  "'d' || substr(comment_id, 2) AND "
                  "CAST(substr(comment_id, 2) AS INTEGER) <= " +
                      std::to_string(kRecords) + ")"),
            "0");
  EXPECT_EQ(Query(path, "PRAGMA integrity_check"), "ok");
  // Failed batches were rolled back, not left open (which would fail every
  // commit after them).
  EXPECT_TRUE(ok_after_failure);
}

// --- The spool ---------------------------------------------------------------

SqliteAuditStoreOptions SpoolOptions(const std::string& path) {
  SqliteAuditStoreOptions o;
  o.path = path;
  o.spool = true;
  return o;
}

// Runs `body` in a forked child, which must end with _exit(0) while its
// store is open: a crash, as far as the store can tell (nothing flushed,
// closed or deleted). True if the child got there.
bool CrashAfter(const std::function<void()>& body) {
  const pid_t child = fork();
  if (child < 0) return false;
  if (child == 0) {
    body();
    _exit(1);  // `body` returned: its store was closed, not crashed
  }
  int status = 0;
  return waitpid(child, &status, 0) == child && WIFEXITED(status) &&
         WEXITSTATUS(status) == 0;
}

// Crashes (CrashAfter) a spool store at `path` that has answered Record(1)
// and not copied it.
bool CrashWithOneDecisionNotCopied(const std::string& path) {
  return CrashAfter([&] {
    SqliteAuditStoreOptions o = SpoolOptions(path);
    o.copy_delay = absl::Hours(1);
    auto store = SqliteAuditStore::Open(o);
    if (!store.ok() || !(*store)->AppendAndWait(Record(1)).ok()) _exit(2);
    _exit(0);
  });
}

// Collects on_notice's lines (from Open's thread and the copier's).
struct Notices {
  absl::Mutex mu;
  std::vector<std::string> lines;
  std::function<void(absl::string_view)> Callback() {
    return [this](absl::string_view line) {
      absl::MutexLock lock(&mu);
      lines.emplace_back(line);
    };
  }
  std::string All() {
    absl::MutexLock lock(&mu);
    return absl::StrJoin(lines, "\n");
  }
};

std::string CommentIdsInOrder(const std::string& path) {
  return Query(path,
               "SELECT group_concat(comment_id) FROM "
               "(SELECT comment_id FROM decisions ORDER BY seq)");
}

TEST(SqliteAuditStoreSpoolTest, AnswersBeforeTheCopyAndFlushWaitsForIt) {
  const std::string path = TempDb("spool-answer.db");
  {
    SqliteAuditStoreOptions o = SpoolOptions(path);
    o.copy_delay = absl::Hours(1);  // nothing copied until asked
    auto store = SqliteAuditStore::Open(o);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->AppendAndWait(Record(1)).ok());
    ASSERT_TRUE((*store)->AppendAndWait(Record(2)).ok());
    EXPECT_EQ((*store)->committed(), 2);
    EXPECT_EQ((*store)->copied(), 0);
    EXPECT_EQ(Query(path, "SELECT count(*) FROM decisions"), "0");
    EXPECT_TRUE(std::filesystem::exists(path + "-spool"));
    ASSERT_TRUE((*store)->Flush().ok());
    EXPECT_EQ((*store)->copied(), 2);
    EXPECT_EQ(CommentIdsInOrder(path), "c1,c2");
    ASSERT_TRUE((*store)->AppendAndWait(Record(3)).ok());
  }
  // Closing copies the rest, records a clean close and deletes the spool.
  EXPECT_EQ(CommentIdsInOrder(path), "c1,c2,c3");
  EXPECT_FALSE(std::filesystem::exists(path + "-spool"));
  EXPECT_EQ(Query(path, "SELECT closed FROM spool_copy"), "1");
  // And the next open starts a new generation.
  {
    auto store = SqliteAuditStore::Open(SpoolOptions(path));
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->AppendAndWait(Record(4)).ok());
    ASSERT_TRUE((*store)->Flush().ok());
    EXPECT_EQ(Query(path, "SELECT generation || ' ' || closed FROM spool_copy"),
              "2 0");
  }
  EXPECT_EQ(CommentIdsInOrder(path), "c1,c2,c3,c4");
}

// A crash leaves answered decisions in the spool only; the next Open copies
// them, once each, after those copied before the crash, and cuts a torn
// last write.
TEST(SqliteAuditStoreSpoolTest, TheNextOpenCopiesWhatACrashLeftOnce) {
  const std::string path = TempDb("spool-crash.db");
  ASSERT_TRUE(CrashAfter([&] {
    SqliteAuditStoreOptions o = SpoolOptions(path);
    o.copy_delay = absl::Hours(1);
    auto store = SqliteAuditStore::Open(o);
    if (!store.ok()) _exit(2);
    for (int i = 0; i < 50; ++i) {
      if (!(*store)->AppendAndWait(Record(i)).ok()) _exit(3);
    }
    if (!(*store)->Flush().ok()) _exit(4);  // 0-49 copied
    for (int i = 50; i < 120; ++i) {
      if (!(*store)->AppendAndWait(Record(i)).ok()) _exit(5);
    }
    _exit(0);
  }));
  EXPECT_EQ(Query(path, "SELECT count(*) FROM decisions"), "50");
  const int64_t spool_bytes =
      static_cast<int64_t>(std::filesystem::file_size(path + "-spool"));
  // Half a frame, as a crash in the middle of a write leaves.
  std::ofstream(path + "-spool", std::ios::binary | std::ios::app)
      << std::string("\x40\x00\x00\x00\x12\x34", 6);
  Notices notices;
  SqliteAuditStoreOptions o = SpoolOptions(path);
  o.on_notice = notices.Callback();
  {
    auto store = SqliteAuditStore::Open(o);
    ASSERT_TRUE(store.ok()) << store.status();
    ASSERT_TRUE((*store)->Flush().ok());
    EXPECT_EQ((*store)->copied(), 70);
    EXPECT_EQ((*store)->duplicates_skipped(), 0);
  }
  EXPECT_EQ(std::filesystem::exists(path + "-spool"), false);
  std::string expected;
  for (int i = 0; i < 120; ++i) {
    absl::StrAppend(&expected, i == 0 ? "" : ",", "c", i);
  }
  EXPECT_EQ(CommentIdsInOrder(path), expected);
  EXPECT_THAT(notices.All(),
              ::testing::HasSubstr(
                  absl::StrCat("cut 6 bytes at byte ", spool_bytes,
                               ": a write that a crash tore or that failed")));
  EXPECT_THAT(notices.All(), ::testing::HasSubstr("left by a crash"));
}

TEST(SqliteAuditStoreSpoolTest, AMissingSpoolIsRefusedWithTheWayOn) {
  const std::string path = TempDb("spool-missing.db");
  ASSERT_TRUE(CrashAfter([&] {
    auto store = SqliteAuditStore::Open(SpoolOptions(path));
    if (!store.ok()) _exit(2);
    if (!(*store)->AppendAndWait(Record(1)).ok()) _exit(3);
    if (!(*store)->Flush().ok()) _exit(4);
    _exit(0);
  }));
  ASSERT_TRUE(std::filesystem::remove(path + "-spool"));
  auto refused = SqliteAuditStore::Open(SpoolOptions(path));
  ASSERT_FALSE(refused.ok());
  EXPECT_EQ(refused.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(refused.status().message()),
              ::testing::HasSubstr("is missing"));
  EXPECT_FALSE(std::filesystem::exists(path + "-spool"));
  // The way on the message gives.
  EXPECT_THAT(std::string(refused.status().message()),
              ::testing::HasSubstr("UPDATE spool_copy SET closed = 1"));
  sqlite3* db = nullptr;
  ASSERT_EQ(sqlite3_open(path.c_str(), &db), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(db, "UPDATE spool_copy SET closed = 1", nullptr,
                         nullptr, nullptr),
            SQLITE_OK);
  sqlite3_close(db);
  auto store = SqliteAuditStore::Open(SpoolOptions(path));
  ASSERT_TRUE(store.ok()) << store.status();
  EXPECT_TRUE((*store)->AppendAndWait(Record(2)).ok());
}

// Before the first copy too: the database records the spool's generation
// when the store opens, so a spool lost before anything was copied is not
// taken for a fresh start.
TEST(SqliteAuditStoreSpoolTest, ASpoolLostBeforeItsFirstCopyIsRefused) {
  const std::string path = TempDb("spool-lost-early.db");
  ASSERT_TRUE(CrashWithOneDecisionNotCopied(path));
  EXPECT_EQ(Query(path, "SELECT count(*) FROM decisions"), "0");
  ASSERT_TRUE(std::filesystem::remove(path + "-spool"));
  auto refused = SqliteAuditStore::Open(SpoolOptions(path));
  ASSERT_FALSE(refused.ok());
  EXPECT_THAT(std::string(refused.status().message()),
              ::testing::HasSubstr("is missing"));
  EXPECT_FALSE(std::filesystem::exists(path + "-spool"));
}

TEST(SqliteAuditStoreSpoolTest, ASpoolThatDoesNotContinueTheCopyIsRefused) {
  const std::string path = TempDb("spool-foreign.db");
  std::filesystem::create_directories(
      std::filesystem::path(path).parent_path());
  {
    auto spool = AuditSpool::Open(path + "-spool", true);
    ASSERT_TRUE(spool.ok());
    ASSERT_TRUE((*spool)->Reset(5).ok());
  }
  auto store = SqliteAuditStore::Open(SpoolOptions(path));
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(store.status().message()),
              ::testing::HasSubstr("do not belong together"));
  EXPECT_TRUE(std::filesystem::exists(path + "-spool"));  // left as it was
}

// Without the spool, a spool left by a crash would never be copied.
TEST(SqliteAuditStoreSpoolTest, WithoutTheSpoolALeftSpoolIsRefused) {
  const std::string path = TempDb("spool-left.db");
  ASSERT_TRUE(CrashWithOneDecisionNotCopied(path));
  SqliteAuditStoreOptions o;
  o.path = path;
  auto store = SqliteAuditStore::Open(o);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kFailedPrecondition);
  EXPECT_THAT(std::string(store.status().message()),
              ::testing::HasSubstr("--audit_spool=true"));
  { ASSERT_TRUE(SqliteAuditStore::Open(SpoolOptions(path)).ok()); }
  EXPECT_EQ(CommentIdsInOrder(path), "c1");
  EXPECT_TRUE(SqliteAuditStore::Open(o).ok());
}

// The reply goes out before the copy, so a duplicate decision id cannot
// fail its call: the copy skips it, counts it and says so, and the copies
// after it go on.
TEST(SqliteAuditStoreSpoolTest, ADuplicateDecisionIdIsSkippedAndReported) {
  const std::string path = TempDb("spool-dup.db");
  Notices notices;
  SqliteAuditStoreOptions o = SpoolOptions(path);
  o.on_notice = notices.Callback();
  auto store = SqliteAuditStore::Open(o);
  ASSERT_TRUE(store.ok());
  ASSERT_TRUE((*store)->AppendAndWait(Record(1)).ok());
  AuditRecord again = Record(1);
  again.comment_id = "c1-again";
  ASSERT_TRUE((*store)->AppendAndWait(std::move(again)).ok());
  ASSERT_TRUE((*store)->AppendAndWait(Record(2)).ok());
  ASSERT_TRUE((*store)->Flush().ok());
  EXPECT_EQ(CommentIdsInOrder(path), "c1,c2");
  EXPECT_EQ((*store)->duplicates_skipped(), 1);
  EXPECT_THAT(notices.All(), ::testing::HasSubstr(
                                 "decision id d1 is already in the database"));
}

TEST(SqliteAuditStoreSpoolTest, TheSpoolStartsOverOnceCopied) {
  const std::string path = TempDb("spool-reset.db");
  SqliteAuditStoreOptions o = SpoolOptions(path);
  o.copy_delay = absl::ZeroDuration();
  o.spool_reset_bytes = 4096;
  o.max_batch = 8;
  o.max_copy_batch = 16;
  constexpr int kRecords = 3000;
  {
    auto store = SqliteAuditStore::Open(o);
    ASSERT_TRUE(store.ok());
    std::atomic<int> ok{0};
    for (int i = 0; i < kRecords; ++i) {
      (*store)->Append(Record(i), [&ok](absl::Status s) {
        if (s.ok()) ++ok;
      });
      if (i % 50 == 0) {
        std::this_thread::sleep_for(std::chrono::microseconds(200));
      }
    }
    ASSERT_TRUE((*store)->Flush().ok());
    EXPECT_EQ(ok.load(), kRecords);
    // Once copied, it starts over: back far below the ~300 KB appended
    // (soon after the copy that Flush waited for; a minute is liveness).
    for (int i = 0;
         i < 600 && std::filesystem::file_size(path + "-spool") >= (64u << 10);
         ++i) {
      std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_LT(std::filesystem::file_size(path + "-spool"), 64u << 10);
  }
  // Started over at least once (how often depends on how far the copier,
  // at a low priority, fell behind meanwhile); the clean close records the
  // last generation.
  EXPECT_GE(std::stoi(Query(path, "SELECT generation FROM spool_copy")), 2);
  std::string expected;
  for (int i = 0; i < kRecords; ++i) {
    absl::StrAppend(&expected, i == 0 ? "" : ",", "c", i);
  }
  EXPECT_EQ(CommentIdsInOrder(path), expected);
}

// While copies fail (the database's disk, not the spool's), appends go on
// into the spool up to max_copy_lag_bytes, then fail, and the health
// change is reported once each way; once the database is well, the copy
// catches up and nothing answered OK is missing.
TEST(SqliteAuditStoreSpoolTest, FailingCopiesFailAppendsPastTheLag) {
  testing::FaultVfs::Install();
  const std::string path = TempDb("spool-lag.db");
  absl::Mutex mu;
  std::vector<absl::Status> changes;
  SqliteAuditStoreOptions o = SpoolOptions(path);
  o.copy_delay = absl::ZeroDuration();
  o.max_copy_lag_bytes = 2048;
  o.on_copy_health_change = [&](const absl::Status& s) {
    absl::MutexLock lock(&mu);
    changes.push_back(s);
  };
  std::string expected;
  {
    auto store = SqliteAuditStore::Open(o);
    ASSERT_TRUE(store.ok());
    absl::Status refused;
    int answered_ok = 0;
    {
      testing::FaultVfs::Scoped fault(testing::FaultVfs::kDiskFull,
                                      testing::FaultVfs::kDatabaseOnly);
      for (int i = 0; i < 200 && refused.ok(); ++i) {
        absl::Status s = (*store)->AppendAndWait(Record(i));
        if (s.ok()) {
          ++answered_ok;
          absl::StrAppend(&expected, i == 0 ? "" : ",", "c", i);
        } else {
          refused = s;
        }
      }
      EXPECT_EQ(refused.code(), absl::StatusCode::kUnavailable);
      EXPECT_THAT(std::string(refused.message()),
                  ::testing::HasSubstr("the database has not taken"));
      // What is answered fits in the lag.
      EXPECT_GT(answered_ok, 2);
      EXPECT_LT(answered_ok, 200);
      EXPECT_EQ((*store)->copied(), 0);
    }
    // May report the refused append, whose batch the writer is finishing.
    (void)(*store)->Flush();
    // The copy catches up once the disk is well.
    const absl::Status flushed = (*store)->Flush();
    ASSERT_TRUE(flushed.ok()) << flushed;
    EXPECT_EQ((*store)->copied(), answered_ok);
    ASSERT_TRUE((*store)->AppendAndWait(Record(1000)).ok());
    absl::StrAppend(&expected, ",c1000");
  }
  EXPECT_EQ(CommentIdsInOrder(path), expected);
  absl::MutexLock lock(&mu);
  ASSERT_EQ(changes.size(), 2u);
  EXPECT_THAT(std::string(changes[0].message()), ::testing::HasSubstr("full"));
  EXPECT_TRUE(changes[1].ok());
}

// Copies take max_copy_batch decisions a transaction, but once appends
// have found the copy max_copy_lag_bytes behind, many more, until it is
// back within half that lag.
TEST(SqliteAuditStoreSpoolTest, CopiesMoreATransactionOnceAppendsWaited) {
  testing::FaultVfs::Install();
  const std::string path = TempDb("spool-held.db");
  SqliteAuditStoreOptions o = SpoolOptions(path);
  o.copy_delay = absl::ZeroDuration();
  o.max_copy_batch = 2;
  o.max_copy_lag_bytes = 16 << 10;
  auto store = SqliteAuditStore::Open(o);
  ASSERT_TRUE(store.ok());
  // Not held: two a transaction, at most.
  for (int i = 0; i < 10; ++i) {
    ASSERT_TRUE((*store)->AppendAndWait(Record(i)).ok());
  }
  ASSERT_TRUE((*store)->Flush().ok());
  EXPECT_EQ((*store)->copied(), 10);
  EXPECT_GE((*store)->copy_transactions(), 5);
  // Copies fail until appends past the lag are refused.
  int answered_ok = 0;
  int64_t before = 0;
  {
    testing::FaultVfs::Scoped fault(testing::FaultVfs::kDiskFull,
                                    testing::FaultVfs::kDatabaseOnly);
    for (int i = 10; i < 2000; ++i) {
      if (!(*store)->AppendAndWait(Record(i)).ok()) break;
      ++answered_ok;
    }
    before = (*store)->copy_transactions();  // none succeeds meanwhile
  }
  // Enough for many transactions of two, fewer than one large one holds.
  ASSERT_GT(answered_ok, 40);
  ASSERT_LT(answered_ok, 500);
  (void)(*store)->Flush();  // may report the refused append
  const absl::Status flushed = (*store)->Flush();
  ASSERT_TRUE(flushed.ok()) << flushed;
  EXPECT_EQ((*store)->copied(), 10 + answered_ok);
  // Caught up in a few transactions, not answered_ok / 2.
  EXPECT_LE((*store)->copy_transactions() - before, 3);
  // Back within the lag, two a transaction again.
  const int64_t caught_up = (*store)->copy_transactions();
  for (int i = 3000; i < 3010; ++i) {
    ASSERT_TRUE((*store)->AppendAndWait(Record(i)).ok());
  }
  ASSERT_TRUE((*store)->Flush().ok());
  EXPECT_GE((*store)->copy_transactions() - caught_up, 5);
}

TEST(SqliteAuditStoreTest, UnopenablePathIsAClearError) {
  SqliteAuditStoreOptions o;
  o.path = "/proc/hakam/cannot/audit.db";
  auto store = SqliteAuditStore::Open(o);
  ASSERT_FALSE(store.ok());
  EXPECT_EQ(store.status().code(), absl::StatusCode::kUnavailable);
}

}  // namespace
}  // namespace hakam
