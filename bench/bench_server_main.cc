// hakam-bench-server: hakamd's server, engine and services, with the audit
// trail replaced by a store that accepts each record at once and keeps
// nothing. bench/run measures Moderate on it next to hakamd, so the table
// shows how much of the distance to the no-op RPC is the audit path
// (SQLite, its writer thread, the disk) and how much is evaluation and
// gRPC. Everything before the store still runs: the record is built and
// the comment hashed, as in hakamd.
//
// For measurements only: it audits nothing. It listens on loopback only.
//
//   hakam-bench-server --listen=127.0.0.1:0 --rules=rules
//   (logs "... listening on 127.0.0.1:0 (port N)"; SIGTERM stops it)
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "absl/strings/match.h"
#include "absl/synchronization/mutex.h"
#include "audit/audit_store.h"
#include "engine/engine.h"
#include "service/server.h"
#include "util/memory_trimmer.h"

ABSL_FLAG(std::string, listen, "127.0.0.1:0",
          "Loopback address to serve gRPC on");
ABSL_FLAG(std::string, rules, "./rules", "Directory of rule and policy files");
ABSL_FLAG(int, max_in_flight, 4096, "As hakamd's --max_in_flight");
ABSL_FLAG(int, max_concurrent_streams, 256,
          "As hakamd's --max_concurrent_streams");

namespace {

// Accepts every record at once, on the caller's thread, and drops it.
class DiscardingAuditStore : public hakam::AuditStore {
 public:
  void Append(hakam::AuditRecord /*record*/, DoneCallback done) override {
    done(absl::OkStatus());
  }
  absl::Status Flush() override { return absl::OkStatus(); }
};

}  // namespace

int main(int argc, char** argv) {
  absl::SetProgramUsageMessage(
      "hakamd without its audit trail, for benchmarks only.\n"
      "Usage: hakam-bench-server [--listen=127.0.0.1:PORT] [--rules=DIR]");
  absl::ParseCommandLine(argc, argv);
  absl::SetMutexDeadlockDetectionMode(
      absl::OnDeadlockCycle::kIgnore);  // as hakamd

  const std::string listen = absl::GetFlag(FLAGS_listen);
  if (!absl::StartsWith(listen, "127.0.0.1:") &&
      !absl::StartsWith(listen, "[::1]:")) {
    std::fprintf(stderr,
                 "hakam-bench-server: --listen=%s: only loopback addresses "
                 "(127.0.0.1:PORT, [::1]:PORT); it audits nothing\n",
                 listen.c_str());
    return 2;
  }
  sigset_t signals;
  sigemptyset(&signals);
  sigaddset(&signals, SIGTERM);
  sigaddset(&signals, SIGINT);
  pthread_sigmask(SIG_BLOCK, &signals, nullptr);

  hakam::DiagnosticSink sink;
  absl::StatusOr<std::unique_ptr<hakam::Engine>> engine = hakam::Engine::Create(
      std::make_unique<hakam::DirectoryRuleSource>(absl::GetFlag(FLAGS_rules)),
      hakam::EngineOptions(), sink);
  if (!engine.ok()) {
    std::fprintf(stderr, "%shakam-bench-server: cannot load rules: %s\n",
                 sink.ToString().c_str(), engine.status().ToString().c_str());
    return 1;
  }
  DiscardingAuditStore audit;
  hakam::ServerOptions options;
  options.listen_address = listen;
  options.max_in_flight = absl::GetFlag(FLAGS_max_in_flight);
  options.max_concurrent_streams = absl::GetFlag(FLAGS_max_concurrent_streams);
  absl::StatusOr<std::unique_ptr<hakam::Server>> server =
      hakam::Server::Start(options, **engine, audit);
  if (!server.ok()) {
    std::fprintf(stderr, "hakam-bench-server: %s\n",
                 server.status().ToString().c_str());
    return 1;
  }
  // As hakamd with its defaults, so the two compare.
  const std::unique_ptr<hakam::MemoryTrimmer> trimmer =
      hakam::MemoryTrimmer::Start(hakam::MemoryTrimmerOptions());
  std::fprintf(stderr,
               "hakam-bench-server: ruleset %s (%zu rules), NO AUDIT, "
               "listening on %s (port %d)\n",
               (*engine)->snapshot()->ruleset->version.c_str(),
               (*engine)->snapshot()->ruleset->rules->rules().size(),
               listen.c_str(), (*server)->port());
  int signal = 0;
  sigwait(&signals, &signal);
  (*server)->Shutdown(absl::Seconds(5));
  return 0;
}
