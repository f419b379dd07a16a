// Turns one list word or phrase of a `words` rule into the RE2 regex that
// finds it in a given view. The word is first rendered through the same
// views as comments (so its folding matches theirs); then:
//
//   raw, folded, arabic, skeleton: the rendered word, literally;
//   compact:  each letter also matches a stretched run of three and, inside
//             the word (not its first or last letter), a mask marker
//             (f*ck); a double letter also a run of three, so "fuuuck" and
//             "sh!t" match but "shiite" does not match "shite";
//   translit: Latin words accept the leet i/l marker; Arabic words are
//             spelled as Arabizi writes them: optional short vowels between
//             letters, long vowels as vowel markers, and the letters Arabizi
//             writers merge (ح/h, ط/t, ص/s, ق/k/2...) as classes.
//
// Inside a phrase, any run of separators matches the space. With clitics,
// an Arabic word also matches with attached prefixes (و ف ب ك ل ال ...)
// and pronoun suffixes (ك ه ها هم كم ني نا ي ...).
//
// The result is the inner expression only; the caller adds the word
// boundaries (kWordBoundaryClass). What it matches, if not empty, begins
// and ends with a word byte (view.h): separators occur only between the
// words of a phrase.
//
// Thread safety: stateless.
#pragma once

#include <string>

#include "absl/strings/string_view.h"
#include "text/normalizer.h"

namespace hakam {

// The views a word is normalized to for WordRegex and WordIndex::Add: up
// to skeleton, with `folded` asked for by name (the normalizer otherwise
// folds it into `arabic` in place).
inline constexpr ViewMask kWordRenderViews =
    ViewBit(ViewId::kFolded) | ViewBit(ViewId::kSkeleton);

// The clitics a word with clitics accepts: a prefix (و/ف, then بال كال ال
// لل or a bare ب ك ل) and a pronoun suffix, each possibly empty. Suffixes
// never follow the article (الكلبي is "canine", not "the my-dog"), so a
// word takes either kCliticArticle or kCliticNoArticle, then the suffix.
// clitic_affixes.h finds the same affixes in a token, letter by letter.
inline constexpr absl::string_view kCliticPrefix =
    "(?:[وف]?(?:[بك]?ال|لل|[بكل])?)";
inline constexpr absl::string_view kCliticArticle = "[وف]?(?:[بك]?ال|لل)";
inline constexpr absl::string_view kCliticNoArticle = "[وف]?[بكل]?";
inline constexpr absl::string_view kCliticSuffix =
    "(?:ها|هم|هما|كم|كما|كن|هن|ني|نا|ك|ه|ي)?";

// `rendered` is the word normalized to at least kWordRenderViews.
// Returns "" when nothing of the word survives normalization.
std::string WordRegex(ViewId view, const NormalizedText& rendered,
                      bool clitics);

}  // namespace hakam
