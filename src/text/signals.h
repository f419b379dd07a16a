// Signals the normalizer observes about a comment's text: evidence of
// obfuscation that a later scoring stage may weigh. They are observations,
// never verdicts: no signal by itself changes a decision.
//
// Thread safety: plain value.
#pragma once

#include <cstdint>

namespace hakam {

struct TextSignals {
  // Invisible and format characters in the original (zero-width spaces and
  // joiners, word joiner, soft hyphen, variation selectors, bidi controls),
  // all of which the views remove.
  uint32_t invisible_chars = 0;
  // Of those, bidi embeddings, overrides, isolates and marks (LRM/RLM/ALM).
  uint32_t bidi_controls = 0;
  // Words mixing letters of two or more of Latin, Arabic, Cyrillic, Greek.
  uint32_t mixed_script_words = 0;
  // Arabic words with a digit inside (Arabizi or an obfuscated word).
  uint32_t digits_in_arabic_words = 0;
  // Letters in the original, and how many NFKC/case/Arabic folding changed
  // beyond plain ASCII lowercasing (full-width, math bold, presentation
  // forms, diacritics, look-alikes...).
  uint32_t letters = 0;
  uint32_t letters_changed = 0;
};

}  // namespace hakam
