// The `translit` view reads Latin-script words the way obfuscators write
// them, on top of `skeleton`:
//
//   - leetspeak: a word with digits or symbols inside is read as letters
//     (@ 4 → a, 3 → e, 1 | → kIOrLMarker (i or l), ! → i, 0 → o, $ 5 → s,
//     7 + → t): "sh1t", "a$$hole", "1d10t";
//   - Arabizi (the Arabic chat alphabet): when the comment contains Arabizi
//     (a word mixing letters with 2 3 5 6 7 8 9, or a word such as "enta",
//     "wallah"), each Latin word is also read as Arabic (2→ء 3→ع 3'/4→غ 5→خ
//     6→ط 7→ح 8→ق 9→ص, sh→ش kh→خ gh→غ th→ث dh→ذ, b→ب t→ت ...), with
//     vowels as markers (a → kVowelAMarker, e/i → kVowelIMarker, o/u →
//     kVowelUMarker) so Arabic word rules can match "ya 7mar" or "kalb".
//     The Arabic reading follows the Latin one, separated by a space.
//
// A word here is a run of letters, digits, apostrophes and the symbols
// @ $ ! | + (other punctuation ends it), less its trailing punctuation
// other than $ ("idiot!" is read as "idiot"). Digits followed by a unit or
// ordinal ("45s", "3d", "2nd", "10pm") are numbers, neither leet nor
// Arabizi. An apostrophe alone ("don't") does not make the view needed;
// in a view built anyway it reads as a space. The words that make a
// comment Arabizi without digits: enta inta ente enti inti entu intu
// wallah wallahi walla yalla mesh mish msh shu shou khalas habibi.
//
// Arabic-script words are left out of this view (replaced by a space):
// Arabic rules match them in the other views, and only text that was
// written in Latin letters should meet the looser Arabizi spelling.
//
// Thread safety: stateless.
#pragma once

#include <optional>

#include "text/view.h"

namespace hakam {

// Returns std::nullopt when the view would equal `source` (no Latin word
// needs reading and nothing Arabic is to be left out).
std::optional<View> BuildTranslitView(const View& source);

}  // namespace hakam
