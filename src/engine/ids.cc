#include "engine/ids.h"

#include "absl/random/random.h"

namespace hakam {
namespace {

// Writes `v` as `digits` lowercase hex digits (its low bits) at `out`.
void PutHex(uint64_t v, int digits, char* out) {
  constexpr char kHex[] = "0123456789abcdef";
  for (int i = digits - 1; i >= 0; --i) {
    out[i] = kHex[v & 0xF];
    v >>= 4;
  }
}

}  // namespace

std::string NewDecisionId(absl::Time now) {
  std::string id;
  NewDecisionId(now, &id);
  return id;
}

void NewDecisionId(absl::Time now, std::string* id) {
  // One generator per thread: absl::BitGen is not thread-safe and costly to
  // seed.
  thread_local absl::BitGen gen;
  const uint64_t millis = static_cast<uint64_t>(absl::ToUnixMillis(now));
  const uint64_t r1 = absl::Uniform<uint64_t>(gen);
  const uint32_t r2 = absl::Uniform<uint32_t>(gen);
  // Formatted by hand: absl::StrFormat cost more than the rest of building
  // a decision (measured: 3.5% of Engine::Evaluate).
  id->resize(32);
  PutHex(millis, 12, &(*id)[0]);
  PutHex(r2, 4, &(*id)[12]);
  PutHex(r1, 16, &(*id)[16]);
}

}  // namespace hakam
