// The gRPC glue for hakam.v1.Moderation on the callback API: validate the
// request's shape, evaluate with the Engine, append to the audit store, and
// reply only once the decision is durable.
//
// Thread safety: thread-safe; the engine and the store must outlive it.
#pragma once

#include "audit/audit_store.h"
#include "engine/engine.h"
#include "hakam/v1/moderation.grpc.pb.h"

namespace hakam {

class ModerationService final : public hakam::v1::Moderation::CallbackService {
 public:
  ModerationService(const Engine& engine, AuditStore& audit)
      : engine_(engine), audit_(audit) {}

  grpc::ServerUnaryReactor* Moderate(
      grpc::CallbackServerContext* context,
      const hakam::v1::ModerateRequest* request,
      hakam::v1::ModerateResponse* response) override;

 private:
  const Engine& engine_;
  AuditStore& audit_;
};

}  // namespace hakam
