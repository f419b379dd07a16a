// The gRPC glue for hakam.v1.Moderation on the callback API: validate the
// request's shape, evaluate with the Engine, append to the audit store, and
// reply only once the decision is durable.
//
// Thread safety: thread-safe; the engine and the store must outlive it.
#pragma once

#include <atomic>

#include "audit/audit_store.h"
#include "engine/engine.h"
#include "hakam/v1/moderation.grpc.pb.h"

namespace hakam {

class ModerationService final : public hakam::v1::Moderation::CallbackService {
 public:
  // At most `max_in_flight` Moderate calls are evaluated or waiting for
  // the audit store at once; more are refused at once with
  // RESOURCE_EXHAUSTED rather than queued without bound (an overloaded
  // server that queues only answers later and later, and grows).
  // 0: no limit.
  ModerationService(const Engine& engine, AuditStore& audit,
                    int max_in_flight = 0)
      : engine_(engine), audit_(audit), max_in_flight_(max_in_flight) {}

  grpc::ServerUnaryReactor* Moderate(
      grpc::CallbackServerContext* context,
      const hakam::v1::ModerateRequest* request,
      hakam::v1::ModerateResponse* response) override;

 private:
  const Engine& engine_;
  AuditStore& audit_;
  const int max_in_flight_;
  std::atomic<int> in_flight_{0};
};

}  // namespace hakam
