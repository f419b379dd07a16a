// The `skeleton` view: what the reader sees, stripped of tricks that hide
// a word from a filter, on top of `arabic`:
//
//   - invisible and format characters are removed (NFKC_Casefold in
//     `folded` already removes zero-width characters, bidi controls, soft
//     hyphens and variation selectors);
//   - combining marks stacked on Latin, Cyrillic or Greek letters are
//     removed (z̶a̶l̶g̶o̶, strike-through);
//   - cross-script look-alikes are folded inside words: Cyrillic or Greek
//     letters in a Latin word (or a word made only of such look-alikes)
//     become Latin; Latin look-alikes in an Arabic word (l, 1 → ا; o, 0 → ه)
//     become Arabic. Tables come from ICU's confusables data;
//   - text the reader saw reversed by a right-to-left override (U+202E) is
//     put back in reading order; its characters map to the whole run.
//
// Thread safety: stateless; the table must outlive the call.
#pragma once

#include <optional>
#include <vector>

#include "text/confusables.h"
#include "text/signals.h"
#include "text/view.h"

namespace hakam {

// `rlo_runs`: original byte ranges under a right-to-left override, ordered.
// Updates mixed_script_words, digits_in_arabic_words and letters_changed
// in `*signals`. Returns std::nullopt when the view would equal `source`.
std::optional<View> BuildSkeletonView(
    const View& source, const ConfusableTable& table,
    const std::vector<OriginalRange>& rlo_runs, TextSignals* signals);

namespace skeleton_internal {

// BuildSkeletonView without its shortcuts: every word is decoded and
// weighed, none skipped for what its bytes show. For tests, which hold the
// shortcuts to it.
std::optional<View> BuildSkeletonViewWordByWord(
    const View& source, const ConfusableTable& table,
    const std::vector<OriginalRange>& rlo_runs, TextSignals* signals);

}  // namespace skeleton_internal

}  // namespace hakam
