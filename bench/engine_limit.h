// The engine limit, the denominator of the in-process pipeline's ratio: a
// bare UTF-8 scan (ICU U8_NEXT over every code point) and ICU's
// NFKC_Casefold of the same text into a reused buffer, with no offset maps
// and no views.
//
//   absl::StatusOr<EngineLimit> limit = EngineLimit::Create();
//   for (...) if (!limit->Run(text)) ...;
//
// Thread safety: one EngineLimit per thread (it owns its output buffer).
#pragma once

#include <unicode/normalizer2.h>

#include <cstdint>
#include <string>

#include "absl/status/statusor.h"

namespace hakam::bench {

// The bare scan: U8_NEXT over every code point, stopping at the first
// ill-formed sequence. Returns the number of code points (so the loop
// cannot be optimized away), or -1 if `text` is not valid UTF-8.
int32_t BareUtf8Scan(const std::string& text);

class EngineLimit {
 public:
  // Fails if ICU's NFKC_Casefold data is unavailable.
  static absl::StatusOr<EngineLimit> Create();

  // Scans and normalizes `text`. False if it is not valid UTF-8 or ICU
  // fails.
  bool Run(const std::string& text);

  // The last Run()'s normalized text.
  const std::string& output() const { return out_; }

 private:
  explicit EngineLimit(const icu::Normalizer2* nfkc_cf) : nfkc_cf_(nfkc_cf) {}

  const icu::Normalizer2* nfkc_cf_;  // ICU's singleton, not owned
  std::string out_;
};

}  // namespace hakam::bench
