#include "engine/ids.h"

#include "absl/random/random.h"
#include "absl/strings/str_format.h"

namespace hakam {

std::string NewDecisionId(absl::Time now) {
  // One generator per thread: absl::BitGen is not thread-safe and costly to
  // seed.
  thread_local absl::BitGen gen;
  const uint64_t millis = static_cast<uint64_t>(absl::ToUnixMillis(now));
  const uint64_t r1 = absl::Uniform<uint64_t>(gen);
  const uint32_t r2 = absl::Uniform<uint32_t>(gen);
  return absl::StrFormat("%012x%04x%016x", millis & 0xFFFFFFFFFFFFull,
                         r2 & 0xFFFF, r1);
}

}  // namespace hakam
