#include "service/moderation_service.h"

#include "absl/strings/str_cat.h"
#include "service/status_conversion.h"

namespace hakam {

grpc::ServerUnaryReactor* ModerationService::Moderate(
    grpc::CallbackServerContext* context,
    const hakam::v1::ModerateRequest* request,
    hakam::v1::ModerateResponse* response) {
  grpc::ServerUnaryReactor* reactor = context->DefaultReactor();
  // Counted from here until the reply; every path below releases it once.
  const int in_flight = in_flight_.fetch_add(1, std::memory_order_relaxed);
  auto finish = [this, reactor](const grpc::Status& status) {
    in_flight_.fetch_sub(1, std::memory_order_relaxed);
    reactor->Finish(status);
  };
  if (max_in_flight_ > 0 && in_flight >= max_in_flight_) {
    finish(grpc::Status(
        grpc::StatusCode::RESOURCE_EXHAUSTED,
        absl::StrCat("hakamd is overloaded: ", max_in_flight_,
                     " requests in flight (--max_in_flight); retry with "
                     "backoff")));
    return reactor;
  }
  if (!request->has_comment()) {
    finish(grpc::Status(grpc::StatusCode::INVALID_ARGUMENT,
                        "comment: required field is missing"));
    return reactor;
  }
  hakam::v1::Decision* decision = response->mutable_decision();
  if (absl::Status s = engine_.Evaluate(request->comment(), decision);
      !s.ok()) {
    response->clear_decision();
    finish(ToGrpcStatus(s));
    return reactor;
  }
  AuditRecord record = MakeAuditRecord(request->comment(), *decision);
  // The reply waits for the audit store: an unaudited decision is never
  // returned. The reactor stays valid until Finish is called.
  audit_.Append(std::move(record),
                [finish](absl::Status s) { finish(ToGrpcStatus(s)); });
  return reactor;
}

}  // namespace hakam
