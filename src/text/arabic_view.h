// The `arabic` view: Arabic orthographic folding on top of `folded`, so
// spelling variants that readers treat as the same word match the same rule:
//
//   tashkeel (U+064B–U+065F, U+0670), Quranic marks (U+0610–U+061A,
//   U+06D6–U+06ED) and tatweel (U+0640) are removed;
//   أ إ آ ٱ → ا;  ى → ي;  ة → ه;  ؤ → و and ئ → ي (option);
//   Persian/Urdu look-alikes ک → ك, ی → ي, ە ہ ھ ۀ → ه;
//   Arabic-Indic (٠-٩) and Persian (۰-۹) digits → ASCII digits.
//
//   std::optional<View> v = BuildArabicView(folded, {}, &changed_letters);
//
// Thread safety: stateless.
#pragma once

#include <optional>

#include "text/view.h"

namespace hakam {

struct ArabicFoldingOptions {
  // Fold the hamza carriers ؤ → و and ئ → ي. Default true.
  bool fold_hamza_carriers = true;
};

// Returns std::nullopt when the view would equal `folded` (none of its
// characters is folded), so callers can share the folded view. Adds the
// number of letters it replaced (not removed marks) to `*letters_changed`.
std::optional<View> BuildArabicView(const View& folded,
                                    const ArabicFoldingOptions& options,
                                    uint32_t* letters_changed);

// The same, for a caller that does not keep `folded`: folds `*view` (the
// folded view) in place into the arabic view, whose id() is then kArabic,
// sparing a copy of its text and offset map. Returns false, and leaves
// `*view` as it was, when none of its characters is folded.
bool FoldArabicInPlace(const ArabicFoldingOptions& options, View* view,
                       uint32_t* letters_changed);

}  // namespace hakam
