// Output helpers shared by the CLI's subcommands.
//
// Thread safety: stateless.
#pragma once

#include <cstdint>
#include <string>

#include "absl/status/status.h"

namespace hakam::cli {

// {"line": N, "error": {"code": "INVALID_ARGUMENT", "message": "..."}}
// (line omitted when 0), as one line of JSON.
std::string ErrorJson(const absl::Status& status, int64_t line);

}  // namespace hakam::cli
