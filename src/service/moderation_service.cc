#include "service/moderation_service.h"

#include "service/status_conversion.h"

namespace hakam {

grpc::ServerUnaryReactor* ModerationService::Moderate(
    grpc::CallbackServerContext* context,
    const hakam::v1::ModerateRequest* request,
    hakam::v1::ModerateResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  if (!request->has_comment()) {
    reactor->Finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                                 "comment: required field is missing"));
    return reactor;
  }
  absl::StatusOr<hakam::v1::Decision> decision =
      engine_.Evaluate(request->comment());
  if (!decision.ok()) {
    reactor->Finish(ToGrpcStatus(decision.status()));
    return reactor;
  }
  AuditRecord record = MakeAuditRecord(request->comment(), *decision);
  *response->mutable_decision() = *std::move(decision);
  // The reply waits for the audit store: an unaudited decision is never
  // returned. The reactor stays valid until Finish is called.
  audit_.Append(std::move(record), [reactor](absl::Status s) {
    reactor->Finish(ToGrpcStatus(s));
  });
  return reactor;
}

}  // namespace hakam
