// Assembles and runs the gRPC server: the Moderation service, the
// RulesAdmin service (reload and inspect the rules; unauthenticated, see
// proto/hakam/v1/admin.proto), the standard health service (grpc.health.v1)
// and server reflection.
//
//   ServerOptions o;
//   o.listen_address = "127.0.0.1:0";
//   absl::StatusOr<std::unique_ptr<Server>> s =
//       Server::Start(o, engine, audit);
//   int port = (*s)->port();
//   (*s)->Shutdown(absl::Seconds(10));
//
// Thread safety: thread-safe. Engine and audit store must outlive it.
#pragma once

#include <grpcpp/server.h>

#include <atomic>
#include <functional>
#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "audit/audit_store.h"
#include "engine/engine.h"
#include "engine/reloader.h"
#include "service/admin_service.h"
#include "service/moderation_service.h"

namespace hakam {

struct ServerOptions {
  // host:port; port 0 picks a free port (see Server::port()).
  // Default "127.0.0.1:50051".
  std::string listen_address = "127.0.0.1:50051";
  // Largest request accepted, in bytes. Default 1 MiB.
  int max_receive_message_bytes = 1 << 20;
  // Most Moderate calls in progress (evaluating or waiting for the audit
  // store); beyond, calls fail fast with RESOURCE_EXHAUSTED. 0: no limit.
  // Default 4096.
  int max_in_flight = 4096;
  // Most calls one client connection may have open at once (HTTP/2
  // SETTINGS_MAX_CONCURRENT_STREAMS); a client's further calls wait on its
  // side. Without it, a client that outruns the server makes the server
  // hold every call it has not reached yet, without bound. 0: gRPC's
  // default (no limit). Default 256.
  int max_concurrent_streams = 256;
  // Receives the log text of each reload requested through
  // RulesAdmin.ReloadRules (see Reloader). Default: empty, nothing logged.
  Reloader::LogFn reload_log;
};

class Server {
 public:
  // Binds and starts serving. UNAVAILABLE if the address cannot be bound.
  static absl::StatusOr<std::unique_ptr<Server>> Start(
      const ServerOptions& options, Engine& engine, AuditStore& audit);

  ~Server();

  // The bound port.
  int port() const { return port_; }

  // Reports NOT_SERVING on the health service, stops accepting calls, and
  // waits up to `grace` for in-flight calls to finish (then cancels them).
  // Only the first call does so; a later or concurrent one returns at once.
  void Shutdown(absl::Duration grace);

 private:
  Server() = default;
  // Declared before server_, so destroyed after it.
  std::unique_ptr<ModerationService> service_;
  std::unique_ptr<RulesAdminService> admin_;
  std::unique_ptr<grpc::Server> server_;
  int port_ = 0;
  std::atomic<bool> shut_down_{false};
};

}  // namespace hakam
