// The `compact` view undoes spacing and stretching tricks, on top of
// `skeleton`:
//
//   - separators between single letters are removed when three or more
//     single letters stand in a row: "f u c k", "f.u.c.k", "ك ل ب" → one word;
//   - a run of three or more of the same letter is shortened to exactly
//     three (حمااااار → حماار, fuuuuck → fuuuck); runs of one or two are
//     kept, so a legitimate double ("Shiite", "الله") is never merged.
//     Word rules accept one, two or three letters where they spell one or
//     two (see rule_set.cc), so "fuuuck" matches "fuck" but "shiite" does
//     not match "shite";
//   - one to three masking characters (* ! # % @ $ ? _ ^ ~) between letters
//     become mask markers (kMaskMarker), each standing for one letter:
//     f*ck, sh!t, a$$hole.
//
// Thread safety: stateless.
#pragma once

#include <optional>

#include "text/view.h"

namespace hakam {

// Returns std::nullopt when the view would equal `source`.
std::optional<View> BuildCompactView(const View& source);

// The masking characters the compact view resolves.
bool IsMaskChar(char c);

}  // namespace hakam
