// The one place where absl::Status becomes grpc::Status. The codes are the
// same numbers (absl adopted gRPC's), so the most specific code and the
// message pass through unchanged.
//
// Thread safety: stateless.
#pragma once

#include <grpcpp/support/status.h>

#include "absl/status/status.h"

namespace hakam {

grpc::Status ToGrpcStatus(const absl::Status& status);

}  // namespace hakam
