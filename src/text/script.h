// Coarse script classes of code points, for the views that treat words
// by script (skeleton, translit) and for the mixed-script signal. Only the
// scripts Hakam's rules care about are told apart; ranges are hard-coded
// because this runs per character on the hot path.
//
// Thread safety: stateless.
#pragma once

#include <unicode/umachine.h>

namespace hakam {

enum class Script : uint8_t { kOther, kLatin, kArabic, kCyrillic, kGreek };

inline Script ScriptOf(UChar32 c) {
  if (c < 0x80) {
    return ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') ? Script::kLatin
                                                    : Script::kOther;
  }
  if ((c >= 0x00C0 && c <= 0x024F && c != 0x00D7 && c != 0x00F7) ||
      (c >= 0x1E00 && c <= 0x1EFF)) {
    return Script::kLatin;
  }
  if ((c >= 0x0600 && c <= 0x06FF) || (c >= 0x0750 && c <= 0x077F) ||
      (c >= 0x08A0 && c <= 0x08FF) || (c >= 0xFB50 && c <= 0xFDFF) ||
      (c >= 0xFE70 && c <= 0xFEFF)) {
    return Script::kArabic;
  }
  if (c >= 0x0400 && c <= 0x052F) return Script::kCyrillic;
  if ((c >= 0x0370 && c <= 0x03FF) || (c >= 0x1F00 && c <= 0x1FFF)) {
    return Script::kGreek;
  }
  return Script::kOther;
}

// Arabic letters proper (hamza to yeh, plus the extended letters), not
// digits, punctuation or marks.
inline bool IsArabicLetter(UChar32 c) {
  return (c >= 0x0621 && c <= 0x064A) || (c >= 0x066E && c <= 0x06D3) ||
         c == 0x06D5 || (c >= 0x06EE && c <= 0x06FF && !(c >= 0x06F0 && c <= 0x06F9)) ||
         (c >= 0x0750 && c <= 0x077F);
}

}  // namespace hakam
