// hakamd: the Hakam moderation server. See docs/operations.md.
#include <csignal>
#include <cstdio>
#include <functional>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/synchronization/mutex.h"
#include "audit/sqlite_audit_store.h"
#include "engine/engine.h"
#include "engine/reloader.h"
#include "engine/rules_watcher.h"
#include "service/server.h"
#include "util/memory_trimmer.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:50051", "Address to serve gRPC on");
ABSL_FLAG(std::string, rules, "./rules", "Directory of rule and policy files");
ABSL_FLAG(std::string, audit_db, "./var/audit.db", "SQLite audit database");
ABSL_FLAG(bool, audit_full_sync, true,
          "fsync every audit commit (synchronous=FULL); false survives a "
          "process crash but not power loss");
ABSL_FLAG(bool, audit_spool, true,
          "Answer once a decision is in the audit spool (--audit_db + "
          "\"-spool\", one write per batch) and copy it into the database "
          "in the background; false: answer after the database commit "
          "(docs/operations.md)");
ABSL_FLAG(int, audit_commit_delay_us, 0,
          "Group commit under moderate load: with fewer than 32 decisions "
          "queued, wait up to this many microseconds for more before "
          "committing (0: commit at once; see docs/operations.md)");
ABSL_FLAG(int, max_in_flight, 4096,
          "Most Moderate calls in progress at once; more fail fast with "
          "RESOURCE_EXHAUSTED instead of queueing (0: no limit)");
ABSL_FLAG(int, max_concurrent_streams, 256,
          "Most calls one client connection may have open at once; more wait "
          "on the client's side (0: no limit)");
ABSL_FLAG(int, shutdown_grace_seconds, 10,
          "On SIGTERM/SIGINT, how long in-flight calls may take to finish");
ABSL_FLAG(int, memory_trim_interval_s, 10,
          "Every this many seconds, hand the heap's free pages back to the "
          "kernel (glibc malloc_trim), so RSS follows the load rather than "
          "its worst backlog; 0 never");
ABSL_FLAG(bool, watch_rules, true,
          "Reload the rules when a file under --rules changes (inotify)");
ABSL_FLAG(int, watch_debounce_ms, 300,
          "Quiet period after a change under --rules before reloading");

namespace {

// Every reload (SIGHUP, watcher, RPC) is logged with one fprintf.
void LogReload(absl::string_view text) {
  std::fprintf(stderr, "hakamd: %.*s", static_cast<int>(text.size()),
               text.data());
}

// True if lo <= value <= hi; otherwise says so, naming the flag.
bool FlagInRange(const char* flag, int value, int lo, int hi) {
  if (value >= lo && value <= hi) return true;
  std::fprintf(stderr, "hakamd: --%s=%d: must be %d to %d\n", flag, value, lo,
               hi);
  return false;
}

// Logs the audit store's changes of health, one line each: `failing`
// with the first failure, `recovered` when it ends.
std::function<void(const absl::Status&)> AuditHealthLogger(
    const char* failing, const char* recovered) {
  return [failing, recovered](const absl::Status& s) {
    if (s.ok()) {
      std::fprintf(stderr, "hakamd: audit store: %s\n", recovered);
    } else {
      std::fprintf(stderr, "hakamd: audit store: %s: %s\n", failing,
                   s.ToString().c_str());
    }
  };
}

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "Hakam comment-moderation server.\n"
      "Usage: hakamd [--listen=ADDR] [--rules=DIR] "
      "[--audit_db=FILE]");
  absl::ParseCommandLine(argc, argv);
  // Checked before the rules load, so a typo fails at once.
  const int commit_delay_us = absl::GetFlag(FLAGS_audit_commit_delay_us);
  const int trim_interval_s = absl::GetFlag(FLAGS_memory_trim_interval_s);
  if (!FlagInRange("audit_commit_delay_us", commit_delay_us, 0, 1000000) ||
      !FlagInRange("memory_trim_interval_s", trim_interval_s, 0, 3600) ||
      !FlagInRange("max_in_flight", absl::GetFlag(FLAGS_max_in_flight), 0,
                   10000000) ||
      !FlagInRange("max_concurrent_streams",
                   absl::GetFlag(FLAGS_max_concurrent_streams), 0, 1000000) ||
      !FlagInRange("shutdown_grace_seconds",
                   absl::GetFlag(FLAGS_shutdown_grace_seconds), 0, 3600)) {
    return 2;
  }
  // Debian's Abseil is built without NDEBUG, so every Mutex lock feeds a
  // lock-order graph for deadlock detection: ~4% of the server's CPU under
  // load. Tests keep it on.
  absl::SetMutexDeadlockDetectionMode(absl::OnDeadlockCycle::kIgnore);

  // Block the signals in every thread; main waits for them below.
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  sigaddset(&signals, SIGHUP);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  hakam::DiagnosticSink sink;
  absl::StatusOr<std::unique_ptr<hakam::Engine>> engine = hakam::Engine::Create(
      std::make_unique<hakam::DirectoryRuleSource>(absl::GetFlag(FLAGS_rules)),
      hakam::EngineOptions(), sink);
  if (!engine.ok()) {
    std::fprintf(stderr, "%shakamd: cannot load rules: %s\n",
                 sink.ToString().c_str(), engine.status().ToString().c_str());
    return 1;
  }
  hakam::SqliteAuditStoreOptions audit_options;
  audit_options.path = absl::GetFlag(FLAGS_audit_db);
  audit_options.full_sync = absl::GetFlag(FLAGS_audit_full_sync);
  audit_options.commit_delay = absl::Microseconds(commit_delay_us);
  audit_options.spool = absl::GetFlag(FLAGS_audit_spool);
  audit_options.on_health_change =
      audit_options.spool
          ? AuditHealthLogger(
                "writes to the spool fail, Moderate calls get "
                "UNAVAILABLE until one succeeds",
                "writes to the spool succeed again")
          : AuditHealthLogger(
                "commits fail, Moderate calls get UNAVAILABLE until one "
                "succeeds",
                "commits succeed again");
  audit_options.on_copy_health_change = AuditHealthLogger(
      "copies from the spool into the database fail; the spool grows, and "
      "Moderate calls get UNAVAILABLE once it holds 16 MiB not copied",
      "copies from the spool into the database succeed again");
  audit_options.on_notice = [](absl::string_view text) {
    std::fprintf(stderr, "hakamd: %.*s\n", static_cast<int>(text.size()),
                 text.data());
  };
  audit_options.on_checkpoint_health_change =
      AuditHealthLogger("checkpoints fail, the WAL grows until one succeeds",
                        "checkpoints succeed again");
  absl::StatusOr<std::unique_ptr<hakam::SqliteAuditStore>> audit =
      hakam::SqliteAuditStore::Open(audit_options);
  if (!audit.ok()) {
    std::fprintf(stderr, "hakamd: %s\n", audit.status().ToString().c_str());
    return 1;
  }
  hakam::ServerOptions server_options;
  server_options.listen_address = absl::GetFlag(FLAGS_listen);
  server_options.max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  server_options.max_concurrent_streams =
      absl::GetFlag(FLAGS_max_concurrent_streams);
  server_options.reload_log = LogReload;
  absl::StatusOr<std::unique_ptr<hakam::Server>> server =
      hakam::Server::Start(server_options, **engine, **audit);
  if (!server.ok()) {
    std::fprintf(stderr, "hakamd: %s\n", server.status().ToString().c_str());
    return 1;
  }
  const hakam::Reloader reloader(**engine, LogReload);
  std::unique_ptr<hakam::RulesWatcher> watcher;
  if (absl::GetFlag(FLAGS_watch_rules)) {
    hakam::RulesWatcherOptions watch_options;
    watch_options.debounce =
        absl::Milliseconds(absl::GetFlag(FLAGS_watch_debounce_ms));
    auto started = hakam::RulesWatcher::Start(
        absl::GetFlag(FLAGS_rules), watch_options,
        [&reloader](const std::vector<std::string>& changed) {
          reloader.Reload(hakam::DescribeChanges(changed));
        });
    if (started.ok()) {
      watcher = *std::move(started);
    } else {  // not fatal: SIGHUP and the RPC still reload
      std::fprintf(stderr, "hakamd: not watching the rules: %s\n",
                   started.status().ToString().c_str());
    }
  }
  std::unique_ptr<hakam::MemoryTrimmer> trimmer;
  if (trim_interval_s > 0) {
    hakam::MemoryTrimmerOptions trim_options;
    trim_options.interval = absl::Seconds(trim_interval_s);
    trimmer = hakam::MemoryTrimmer::Start(trim_options);
  }
  const auto snapshot = (*engine)->snapshot();
  std::fprintf(stderr,
               "hakamd %s: ruleset %s (%zu rules, %zu files), audit %s, "
               "listening on %s (port %d)\n",
               HAKAM_VERSION, snapshot->ruleset->version.c_str(),
               snapshot->ruleset->rules->rules().size(),
               snapshot->ruleset->files.size(), audit_options.path.c_str(),
               server_options.listen_address.c_str(), (*server)->port());

  int signal = 0;
  while (sigwait(&signals, &signal) == 0 && signal == SIGHUP) {
    reloader.Reload("SIGHUP");
  }
  watcher.reset();  // no reload from here on
  std::fprintf(stderr, "hakamd: %s, finishing in-flight calls\n",
               strsignal(signal));
  (*server)->Shutdown(
      absl::Seconds(absl::GetFlag(FLAGS_shutdown_grace_seconds)));
  if (absl::Status s = (*audit)->Flush(); !s.ok()) {
    std::fprintf(stderr, "hakamd: audit flush failed: %s\n",
                 s.ToString().c_str());
    return 1;
  }
  std::fprintf(stderr, "hakamd: audit flushed, bye\n");
  return 0;
}
