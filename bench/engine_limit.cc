#include "engine_limit.h"

#include <unicode/bytestream.h>
#include <unicode/utf8.h>

#include "absl/status/status.h"

namespace hakam::bench {

int32_t BareUtf8Scan(const std::string& text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const auto n = static_cast<int32_t>(text.size());
  int32_t i = 0;
  int32_t count = 0;
  while (i < n) {
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0) return -1;
    ++count;
  }
  return count;
}

absl::StatusOr<EngineLimit> EngineLimit::Create() {
  UErrorCode status = U_ZERO_ERROR;
  const icu::Normalizer2* nfkc_cf =
      icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status)) {
    return absl::UnavailableError(
        std::string("ICU NFKC_Casefold unavailable: ") + u_errorName(status));
  }
  return EngineLimit(nfkc_cf);
}

bool EngineLimit::Run(const std::string& text) {
  if (BareUtf8Scan(text) < 0) return false;
  out_.clear();
  icu::StringByteSink<std::string> sink(&out_);
  UErrorCode status = U_ZERO_ERROR;
  nfkc_cf_->normalizeUTF8(
      0, icu::StringPiece(text.data(), static_cast<int32_t>(text.size())), sink,
      nullptr, status);
  return U_SUCCESS(status);
}

}  // namespace hakam::bench
