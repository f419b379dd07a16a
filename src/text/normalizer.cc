#include "text/normalizer.h"

#include <unicode/bytestream.h>
#include <unicode/edits.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace hakam {

struct Normalizer::IcuData {
  const icu::Normalizer2* nfkc_casefold = nullptr;  // owned by ICU
};

namespace {

// True for code points that end a word: everything outside letters, marks
// and numbers (punctuation, symbols, separators, controls, unassigned).
bool IsSeparator(UChar32 c) {
  const uint32_t mask = U_GET_GC_MASK(c);
  return (mask & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) == 0;
}

}  // namespace

Normalizer::Normalizer(std::unique_ptr<const IcuData> icu)
    : icu_(std::move(icu)) {}
Normalizer::~Normalizer() = default;

absl::StatusOr<std::unique_ptr<const Normalizer>> Normalizer::Create() {
  UErrorCode status = U_ZERO_ERROR;
  auto icu = std::make_unique<IcuData>();
  icu->nfkc_casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status) || icu->nfkc_casefold == nullptr) {
    return absl::InternalError(
        absl::StrCat("ICU NFKC_Casefold unavailable: ", u_errorName(status)));
  }
  return std::unique_ptr<const Normalizer>(new Normalizer(std::move(icu)));
}

absl::StatusOr<View> Normalizer::BuildFolded(absl::string_view original) const {
  std::string out;
  out.reserve(original.size() + original.size() / 8);
  icu::StringByteSink<std::string> sink(&out);
  icu::Edits edits;
  UErrorCode status = U_ZERO_ERROR;
  icu_->nfkc_casefold->normalizeUTF8(
      0, icu::StringPiece(original.data(),
                          static_cast<int32_t>(original.size())),
      sink, &edits, status);
  if (U_FAILURE(status)) {
    return absl::InternalError(
        absl::StrCat("NFKC_Casefold failed: ", u_errorName(status)));
  }

  // Per output byte: the original range that produced it.
  std::vector<uint32_t> begin(out.size());
  std::vector<uint32_t> end(out.size());
  icu::Edits::Iterator it = edits.getFineIterator();
  while (it.next(status)) {
    const uint32_t src = static_cast<uint32_t>(it.sourceIndex());
    const uint32_t dst = static_cast<uint32_t>(it.destinationIndex());
    const uint32_t old_len = static_cast<uint32_t>(it.oldLength());
    const uint32_t new_len = static_cast<uint32_t>(it.newLength());
    if (!it.hasChange()) {
      for (uint32_t k = 0; k < new_len; ++k) {
        begin[dst + k] = src + k;
        end[dst + k] = src + k + 1;
      }
      // Unchanged runs may span multibyte characters: widen each byte's
      // range to its whole character so spans never split one.
      for (uint32_t k = 0; k < new_len;) {
        uint32_t len = 1;
        const auto lead = static_cast<uint8_t>(out[dst + k]);
        if (lead >= 0xF0) len = 4;
        else if (lead >= 0xE0) len = 3;
        else if (lead >= 0xC0) len = 2;
        for (uint32_t j = 0; j < len && k + j < new_len; ++j) {
          begin[dst + k + j] = src + k;
          end[dst + k + j] = src + k + len;
        }
        k += len;
      }
    } else {
      for (uint32_t k = 0; k < new_len; ++k) {
        begin[dst + k] = src;
        end[dst + k] = src + old_len;
      }
    }
  }
  if (U_FAILURE(status)) {
    return absl::InternalError(
        absl::StrCat("NFKC_Casefold edits failed: ", u_errorName(status)));
  }

  // Separators become spaces of the same byte length, so maps stay aligned
  // and every word boundary is an ASCII byte.
  const auto* s = reinterpret_cast<const uint8_t*>(out.data());
  const int32_t n = static_cast<int32_t>(out.size());
  int32_t i = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, n, c);
    if (c < 0 || IsSeparator(c)) {
      for (int32_t k = start; k < i; ++k) out[k] = ' ';
    }
  }
  return View::FromMaps(ViewId::kFolded, std::move(out), std::move(begin),
                        std::move(end),
                        static_cast<uint32_t>(original.size()));
}

absl::StatusOr<NormalizedText> Normalizer::Normalize(absl::string_view original,
                                                     ViewMask wanted) const {
  NormalizedText t;
  t.original_ = original;
  t.views_[static_cast<int>(ViewId::kRaw)] =
      View::Identity(ViewId::kRaw, original);
  t.present_ |= ViewBit(ViewId::kRaw);
  if (wanted & ~ViewBit(ViewId::kRaw)) {
    absl::StatusOr<View> folded = BuildFolded(original);
    if (!folded.ok()) return folded.status();
    t.views_[static_cast<int>(ViewId::kFolded)] = *std::move(folded);
    t.present_ |= ViewBit(ViewId::kFolded);
  }
  return t;
}

}  // namespace hakam
