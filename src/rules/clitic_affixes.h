// Where an Arabic token may carry clitics: the byte lengths of the prefixes
// it starts with and of the pronoun suffixes it ends with, as word_regex.cc
// accepts them around a word that takes clitics:
//
//   prefix: [وف]? then one of ال بال كال لل ب ك ل (or nothing)
//   suffix: one of ها هم هما كم كما كن هن ني نا ك ه ي (or nothing)
//
//   std::array<uint8_t, kMaxAffixLengths> prefixes, suffixes;
//   const int p = CliticPrefixLengths(token, prefixes.data());
//   const int s = CliticSuffixLengths(token, suffixes.data());
//   // For i < p and j < s whose lengths together are shorter than the
//   // token: the token less prefixes[i] bytes in front and suffixes[j] at
//   // the end is a form to look up. Not every pair is one the regexes
//   // accept (no suffix follows the article): the word's regex, run on
//   // the token, decides.
//
// WordIndex::FindCandidates asks this of most Arabic tokens of every
// comment (those long enough that start or end with an Arabic letter), so
// the letters are compared as their two UTF-8 bytes, read as one 16-bit
// unit, without decoding code points and without branches on the text.
// The word regexes' own affix patterns (word_regex.h) are the
// specification: clitic_affixes_test.cc checks both functions against
// them (kCliticPrefix, and kCliticArticle or kCliticNoArticle, which
// single words use) on every token of up to four letters of an alphabet
// of affix and other letters.
//
// Every affix letter is a two-byte letter of U+0600-U+067F: a unit equal
// to a letter's bytes is that letter (a lead byte is never a continuation
// byte, so the unit cannot straddle another character), and every length
// returned is a whole number of letters.
//
// Thread safety: thread-safe (no state).
#pragma once

#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>

#include "absl/strings/string_view.h"

namespace hakam {

// The affix letters.
inline constexpr uint32_t kCliticWaw = 0x0648, kCliticFa = 0x0641,
                          kCliticBa = 0x0628, kCliticKaf = 0x0643,
                          kCliticLam = 0x0644, kCliticAlef = 0x0627,
                          kCliticHa = 0x0647, kCliticMeem = 0x0645,
                          kCliticNoon = 0x0646, kCliticYa = 0x064A;

// Room for the lengths either function returns, 0 included: at most four
// prefixes (0, و/ف, one of بال كال ال لل, one of ب ك ل) and three suffixes
// (0, 2 and 4, as in ني). Neither writes at index 4 or beyond.
inline constexpr int kMaxAffixLengths = 5;

namespace clitic_internal {

// The UTF-8 bytes of a code point of U+0080-U+07FF as a little-endian
// 16-bit unit: what LoadUnit reads where the letter is written.
constexpr uint16_t Unit(uint32_t c) {
  return static_cast<uint16_t>((0xC0 | (c >> 6)) | ((0x80 | (c & 0x3F)) << 8));
}

constexpr bool IsTwoByteLetter(uint32_t c) { return c >= 0x80 && c < 0x800; }
static_assert(IsTwoByteLetter(kCliticWaw) && IsTwoByteLetter(kCliticFa) &&
                  IsTwoByteLetter(kCliticBa) && IsTwoByteLetter(kCliticKaf) &&
                  IsTwoByteLetter(kCliticLam) && IsTwoByteLetter(kCliticAlef) &&
                  IsTwoByteLetter(kCliticHa) && IsTwoByteLetter(kCliticMeem) &&
                  IsTwoByteLetter(kCliticNoon) && IsTwoByteLetter(kCliticYa),
              "Unit() encodes two-byte UTF-8 only");

// The two bytes of `s` at `at`, or 0 (no letter's unit) if they are not
// both inside `s`.
inline uint16_t LoadUnit(absl::string_view s, size_t at) {
  if (s.size() < 2 || at > s.size() - 2) return 0;
  uint16_t u;
  std::memcpy(&u, s.data() + at, 2);
  // Little-endian order, as Unit() writes it.
  if constexpr (std::endian::native == std::endian::big) {
    u = static_cast<uint16_t>((u >> 8) | (u << 8));
  }
  return u;
}

}  // namespace clitic_internal

// Byte lengths of the clitic prefixes `token` starts with, 0 first; the
// others are 2, 4, 6 or 8. `lengths` has room for kMaxAffixLengths; the
// lengths found are lengths[0, returned count), and the slot after them
// may have been written too.
inline int CliticPrefixLengths(absl::string_view token, uint8_t* lengths) {
  using clitic_internal::LoadUnit;
  using clitic_internal::Unit;
  // An int, not a bool: the tests below combine with & and |, on purpose.
  auto is = [](uint16_t unit, uint32_t letter) -> int {
    return unit == Unit(letter);
  };
  const uint16_t first = LoadUnit(token, 0);
  const int conjunction = is(first, kCliticWaw) | is(first, kCliticFa);
  const size_t base = conjunction ? 2 : 0;  // bytes
  const uint16_t a = LoadUnit(token, base), b = LoadUnit(token, base + 2),
                 d = LoadUnit(token, base + 4);
  const int ba_or_kaf = is(a, kCliticBa) | is(a, kCliticKaf);
  int count = 0;
  lengths[count++] = 0;
  lengths[count] = 2;
  count += conjunction;
  // بال كال
  lengths[count] = static_cast<uint8_t>(base + 6);
  count += ba_or_kaf & is(b, kCliticAlef) & is(d, kCliticLam);
  // ال لل
  lengths[count] = static_cast<uint8_t>(base + 4);
  count += (is(a, kCliticAlef) | is(a, kCliticLam)) & is(b, kCliticLam);
  // ب ك ل
  lengths[count] = static_cast<uint8_t>(base + 2);
  count += ba_or_kaf | is(a, kCliticLam);
  return count;
}

// Byte lengths of the pronoun suffixes `token` ends with, 0 first; the
// others are 2, 4 or 6. `lengths` as for CliticPrefixLengths.
inline int CliticSuffixLengths(absl::string_view token, uint8_t* lengths) {
  using clitic_internal::LoadUnit;
  using clitic_internal::Unit;
  const size_t n = token.size();
  // Last letter, the one before, and the one before that (0 where the
  // token is too short).
  const uint16_t c0 = n >= 2 ? LoadUnit(token, n - 2) : 0;
  const uint16_t c1 = n >= 4 ? LoadUnit(token, n - 4) : 0;
  const uint16_t c2 = n >= 6 ? LoadUnit(token, n - 6) : 0;
  // An int, not a bool: the tests below combine with & and |, on purpose.
  auto is = [](uint16_t unit, uint32_t letter) -> int {
    return unit == Unit(letter);
  };
  int count = 0;
  lengths[count++] = 0;
  // ك ه ي
  lengths[count] = 2;
  count += is(c0, kCliticKaf) | is(c0, kCliticHa) | is(c0, kCliticYa);
  // ها هم هن كم كن ني نا
  lengths[count] = 4;
  count += (is(c1, kCliticHa) &
            (is(c0, kCliticAlef) | is(c0, kCliticMeem) | is(c0, kCliticNoon))) |
           (is(c1, kCliticKaf) & (is(c0, kCliticMeem) | is(c0, kCliticNoon))) |
           (is(c1, kCliticNoon) & (is(c0, kCliticYa) | is(c0, kCliticAlef)));
  // هما كما
  lengths[count] = 6;
  count += is(c0, kCliticAlef) & is(c1, kCliticMeem) &
           (is(c2, kCliticHa) | is(c2, kCliticKaf));
  return count;
}

}  // namespace hakam
