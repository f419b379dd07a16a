// libFuzzer target over the normalizer. For any input that is valid UTF-8
// (invalid input must be rejected by the validator, never crash it), every
// view must satisfy the invariants the rest of Hakam relies on:
//   - the view's text is valid UTF-8;
//   - every byte maps inside the original, begin <= end;
//   - maps are monotone (begin never decreases along the view);
//   - output growth is bounded (at most 8 bytes of view per original byte,
//     plus a constant);
//   - every token lies inside the view and consists of word bytes;
//   - normalized without `folded` (as the pipeline does: `arabic` is then
//     folded in place), every later view has the same text and maps.
// A violation aborts, so libFuzzer records the input as a crasher.
#include <cstdint>
#include <cstdio>
#include <cstdlib>

#include "text/normalizer.h"
#include "text/utf8.h"

namespace {

void Check(bool ok, const char* what) {
  if (!ok) {
    std::fprintf(stderr, "invariant violated: %s\n", what);
    std::abort();
  }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const hakam::Normalizer* normalizer =
      hakam::Normalizer::Create()->release();
  const absl::string_view text(reinterpret_cast<const char*>(data), size);
  if (!hakam::ValidateUtf8(text, "fuzz").ok()) return 0;
  absl::StatusOr<hakam::NormalizedText> t =
      normalizer->Normalize(text, hakam::kAllViews);
  Check(t.ok(), "Normalize failed on valid UTF-8");
  for (int v = 0; v < hakam::kViewCount; ++v) {
    const hakam::View& view = t->view(static_cast<hakam::ViewId>(v));
    const absl::string_view out = view.text();
    Check(hakam::FindInvalidUtf8(out) == out.size(), "view is not UTF-8");
    Check(out.size() <= 8 * size + 64, "view grew without bound");
    uint32_t last_begin = 0;
    for (uint32_t i = 0; i < out.size(); ++i) {
      const hakam::OriginalRange r = view.MapToOriginal(i, i + 1);
      Check(r.begin <= r.end, "range begin > end");
      Check(r.end <= size, "range outside the original");
      Check(r.begin >= last_begin, "map not monotone");
      last_begin = r.begin;
    }
    const hakam::OriginalRange all =
        view.MapToOriginal(0, static_cast<uint32_t>(out.size()));
    Check(all.begin <= all.end && all.end <= size, "whole-view range");
    for (const hakam::Token& tok : view.tokens()) {
      Check(tok.begin < tok.end && tok.end <= out.size(), "token bounds");
      for (uint32_t i = tok.begin; i < tok.end; ++i) {
        Check(hakam::IsWordByte(out[i]), "token holds a separator");
      }
    }
  }
  // The views rules read by default, without `folded`.
  constexpr hakam::ViewMask kRuleViews =
      hakam::kAllViews & ~hakam::ViewBit(hakam::ViewId::kRaw) &
      ~hakam::ViewBit(hakam::ViewId::kFolded);
  absl::StatusOr<hakam::NormalizedText> in_place =
      normalizer->Normalize(text, kRuleViews);
  Check(in_place.ok(), "Normalize failed on valid UTF-8 (rules' views)");
  for (int v = static_cast<int>(hakam::ViewId::kArabic);
       v < hakam::kViewCount; ++v) {
    const hakam::View& a = t->view(static_cast<hakam::ViewId>(v));
    const hakam::View& b = in_place->view(static_cast<hakam::ViewId>(v));
    Check(a.text() == b.text(), "view differs without folded");
    for (uint32_t i = 0; i < a.text().size(); ++i) {
      const hakam::OriginalRange ra = a.MapToOriginal(i, i + 1);
      const hakam::OriginalRange rb = b.MapToOriginal(i, i + 1);
      Check(ra.begin == rb.begin && ra.end == rb.end,
            "map differs without folded");
    }
  }
  Check(in_place->signals().letters_changed == t->signals().letters_changed,
        "letters_changed differs without folded");
  return 0;
}
