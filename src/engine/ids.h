// Identifiers for decisions.
//
// Thread safety: thread-safe.
#pragma once

#include <string>

#include "absl/time/time.h"

namespace hakam {

// A new decision id: 32 lowercase hex digits, the first 12 the milliseconds
// since the Unix epoch of `now` (so ids sort by time), the rest random.
std::string NewDecisionId(absl::Time now);
// The same, written over `*id` (whatever it held), reusing its storage:
// the engine writes a reused Decision's id in place.
void NewDecisionId(absl::Time now, std::string* id);

}  // namespace hakam
