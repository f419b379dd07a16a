#include "text/normalizer.h"

#include <unicode/bytestream.h>
#include <unicode/edits.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <optional>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "text/compact_view.h"
#include "text/skeleton_view.h"
#include "text/translit_view.h"

namespace hakam {

struct Normalizer::IcuData {
  const icu::Normalizer2* nfkc_casefold = nullptr;  // owned by ICU
};

namespace {

// True for code points that end a word: everything outside letters, marks
// and numbers (punctuation, symbols, separators, controls, unassigned).
bool IsSeparator(UChar32 c) {
  // Arabic letters, marks and digits, the bulk of our text, without a
  // property lookup.
  if (c >= 0x0621 && c <= 0x0669) return false;
  const uint32_t mask = U_GET_GC_MASK(c);
  return (mask & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) == 0;
}

// False for code points that are certainly not default-ignorable (a cheap
// filter before the property lookup).
bool MayBeIgnorable(UChar32 c) {
  if (c < 0x0300) return c == 0x00AD;
  if (c >= 0x0600 && c <= 0x06FF) return c == 0x061C;
  return true;
}

bool IsBidiControl(UChar32 c) {
  return c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

// Counts letters and invisible characters, and finds the runs a
// right-to-left override (U+202E) reverses: up to a PDF (U+202C), a PDI
// (U+2069), a line break or the end.
void ScanOriginal(absl::string_view text, TextSignals* signals,
                  std::vector<OriginalRange>* rlo_runs) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  int32_t run_start = -1;
  int32_t i = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      if ((s[i] | 0x20) >= 'a' && (s[i] | 0x20) <= 'z') ++signals->letters;
      if ((s[i] == '\n' || s[i] == '\r') && run_start >= 0) {
        rlo_runs->push_back({static_cast<uint32_t>(run_start),
                             static_cast<uint32_t>(i)});
        run_start = -1;
      }
      ++i;
      continue;
    }
    const int32_t start = i;
    UChar32 c;
    U8_NEXT_UNSAFE(s, i, c);
    if ((c >= 0x0621 && c <= 0x064A) || u_isalpha(c)) {
      ++signals->letters;
    } else if (MayBeIgnorable(c) &&
               u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) {
      ++signals->invisible_chars;
      if (IsBidiControl(c)) ++signals->bidi_controls;
      if (c == 0x202E && run_start < 0) {
        run_start = i;
      } else if ((c == 0x202C || c == 0x2069) && run_start >= 0) {
        rlo_runs->push_back({static_cast<uint32_t>(run_start),
                             static_cast<uint32_t>(start)});
        run_start = -1;
      }
    }
  }
  if (run_start >= 0 && run_start < n) {
    rlo_runs->push_back({static_cast<uint32_t>(run_start),
                         static_cast<uint32_t>(n)});
  }
}

}  // namespace

Normalizer::Normalizer(NormalizerOptions options,
                       std::unique_ptr<const IcuData> icu,
                       std::unique_ptr<const ConfusableTable> confusables)
    : options_(std::move(options)),
      icu_(std::move(icu)),
      confusables_(std::move(confusables)) {}
Normalizer::~Normalizer() = default;

absl::StatusOr<std::unique_ptr<const Normalizer>> Normalizer::Create(
    const NormalizerOptions& options) {
  UErrorCode status = U_ZERO_ERROR;
  auto icu = std::make_unique<IcuData>();
  icu->nfkc_casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status) || icu->nfkc_casefold == nullptr) {
    return absl::InternalError(
        absl::StrCat("ICU NFKC_Casefold unavailable: ", u_errorName(status)));
  }
  absl::StatusOr<std::unique_ptr<const ConfusableTable>> confusables =
      ConfusableTable::Create();
  if (!confusables.ok()) return confusables.status();
  return std::unique_ptr<const Normalizer>(
      new Normalizer(options, std::move(icu), *std::move(confusables)));
}

absl::StatusOr<View> Normalizer::BuildFolded(absl::string_view original,
                                             TextSignals* signals) const {
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
      // Unchanged bytes map one to one, widened to their whole character
      // so spans never split one.
      for (uint32_t k = 0; k < new_len;) {
        const auto lead = static_cast<uint8_t>(out[dst + k]);
        const uint32_t len = lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
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
      // Count non-ASCII letters folded into something else; case folding
      // alone (К → к) is not a trick.
      if (static_cast<uint8_t>(original[src]) >= 0x80) {
        const auto* o = reinterpret_cast<const uint8_t*>(original.data());
        int32_t k = static_cast<int32_t>(src);
        UChar32 c;
        U8_NEXT_UNSAFE(o, k, c);
        UChar32 folded = -1;
        if (static_cast<uint32_t>(k) == src + old_len && new_len > 0) {
          int32_t d = static_cast<int32_t>(dst);
          U8_NEXT_UNSAFE(reinterpret_cast<const uint8_t*>(out.data()), d, folded);
          if (static_cast<uint32_t>(d) != dst + new_len) folded = -1;
        }
        if (folded != static_cast<UChar32>(u_foldCase(c, U_FOLD_CASE_DEFAULT))) {
          for (uint32_t b = src; b < src + old_len; ++b) {
            signals->letters_changed += (o[b] & 0xC0) != 0x80;
          }
        }
      }
    }
  }
  if (U_FAILURE(status)) {
    return absl::InternalError(
        absl::StrCat("NFKC_Casefold edits failed: ", u_errorName(status)));
  }

  // Separators become spaces of the same byte length, so maps stay aligned
  // and every word boundary is an ASCII byte. ASCII controls become spaces
  // too, so the marker bytes of later views never come from the text.
  const auto* s = reinterpret_cast<const uint8_t*>(out.data());
  const int32_t n = static_cast<int32_t>(out.size());
  int32_t i = 0;
  while (i < n) {
    if (s[i] < 0x80) {
      if (s[i] < 0x20 && s[i] != '\n') out[i] = ' ';
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
  auto put = [&t](ViewId id, std::optional<View> view, ViewId alias) {
    const int slot = static_cast<int>(id);
    if (view.has_value()) {
      t.views_[slot] = *std::move(view);
      t.slot_[slot] = static_cast<int8_t>(slot);
    } else {
      t.slot_[slot] = t.slot_[static_cast<int>(alias)];
    }
  };
  auto want = [wanted](std::initializer_list<ViewId> ids) {
    for (ViewId id : ids) {
      if (wanted & ViewBit(id)) return true;
    }
    return false;
  };
  put(ViewId::kRaw, View::Identity(ViewId::kRaw, original), ViewId::kRaw);
  if (!want({ViewId::kFolded, ViewId::kArabic, ViewId::kSkeleton,
             ViewId::kCompact, ViewId::kTranslit})) {
    return t;
  }
  std::vector<OriginalRange> rlo_runs;
  ScanOriginal(original, &t.signals_, &rlo_runs);
  absl::StatusOr<View> folded = BuildFolded(original, &t.signals_);
  if (!folded.ok()) return folded.status();
  put(ViewId::kFolded, *std::move(folded), ViewId::kRaw);
  if (!want({ViewId::kArabic, ViewId::kSkeleton, ViewId::kCompact,
             ViewId::kTranslit})) {
    return t;
  }
  put(ViewId::kArabic,
      BuildArabicView(t.view(ViewId::kFolded), options_.arabic,
                      &t.signals_.letters_changed),
      ViewId::kFolded);
  if (!want({ViewId::kSkeleton, ViewId::kCompact, ViewId::kTranslit})) {
    return t;
  }
  put(ViewId::kSkeleton,
      BuildSkeletonView(t.view(ViewId::kArabic), *confusables_, rlo_runs,
                        &t.signals_),
      ViewId::kArabic);
  t.signals_.letters_changed =
      std::min(t.signals_.letters_changed, t.signals_.letters);
  if (want({ViewId::kCompact})) {
    put(ViewId::kCompact, BuildCompactView(t.view(ViewId::kSkeleton)),
        ViewId::kSkeleton);
  }
  if (want({ViewId::kTranslit})) {
    put(ViewId::kTranslit, BuildTranslitView(t.view(ViewId::kSkeleton)),
        ViewId::kSkeleton);
  }
  return t;
}

}  // namespace hakam
