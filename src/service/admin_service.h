// The gRPC glue for hakam.v1.RulesAdmin on the callback API: reload the
// engine's rules on request and describe the ruleset being served.
//
//   RulesAdminService admin(engine, [](absl::string_view text) { ... });
//   grpc::ServerBuilder builder;
//   builder.RegisterService(&admin);
//
// ReloadRules compiles the new rules on the service's own worker thread, so
// a slow compile never occupies gRPC's threads; reloads run one at a time
// in arrival order. GetRuleset answers at once. Both are unauthenticated
// (see proto/hakam/v1/admin.proto).
//
// Thread safety: thread-safe. The engine must outlive the service, and the
// service must outlive the grpc::Server it is registered with (destroy it
// only after the server has shut down).
#pragma once

#include <deque>
#include <thread>

#include "absl/base/thread_annotations.h"
#include "absl/synchronization/mutex.h"
#include "engine/engine.h"
#include "engine/reloader.h"
#include "hakam/v1/admin.grpc.pb.h"

namespace hakam {

class RulesAdminService final : public hakam::v1::RulesAdmin::CallbackService {
 public:
  // `log` receives the log text of every reload this service runs (see
  // Reloader); may be empty.
  RulesAdminService(Engine& engine, Reloader::LogFn log);
  // Waits for the reload in progress, if any.
  ~RulesAdminService() override;

  RulesAdminService(const RulesAdminService&) = delete;
  RulesAdminService& operator=(const RulesAdminService&) = delete;

  grpc::ServerUnaryReactor* ReloadRules(
      grpc::CallbackServerContext* context,
      const hakam::v1::ReloadRulesRequest* request,
      hakam::v1::ReloadRulesResponse* response) override;

  grpc::ServerUnaryReactor* GetRuleset(
      grpc::CallbackServerContext* context,
      const hakam::v1::GetRulesetRequest* request,
      hakam::v1::GetRulesetResponse* response) override;

 private:
  struct PendingReload {
    grpc::ServerUnaryReactor* reactor;
    hakam::v1::ReloadRulesResponse* response;
  };
  void Work();
  bool HasWorkOrStopping() const ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);

  const Engine& engine_;
  const Reloader reloader_;
  absl::Mutex mu_;
  std::deque<PendingReload> queue_ ABSL_GUARDED_BY(mu_);
  bool stopping_ ABSL_GUARDED_BY(mu_) = false;
  std::thread worker_;
};

}  // namespace hakam
