#include "text/arabic_view.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <array>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/numeric/bits.h"

namespace hakam {
namespace {

// What becomes of one code point: removed, replaced, or kept.
enum class Fold : uint8_t { kKeep, kRemove, kReplace };

struct FoldResult {
  Fold fold = Fold::kKeep;
  UChar32 to = 0;
};

FoldResult FoldArabic(UChar32 c, const ArabicFoldingOptions& o) {
  if ((c >= 0x064B && c <= 0x065F) || c == 0x0670 ||
      (c >= 0x0610 && c <= 0x061A) || (c >= 0x06D6 && c <= 0x06ED) ||
      c == 0x0640) {
    return {Fold::kRemove, 0};
  }
  switch (c) {
    case 0x0622:  // آ
    case 0x0623:  // أ
    case 0x0625:  // إ
    case 0x0671:  // ٱ
    case 0x0672:  // ٲ
    case 0x0673:  // ٳ
      return {Fold::kReplace, 0x0627};
    case 0x0649:  // ى
    case 0x06CC:  // ی
      return {Fold::kReplace, 0x064A};
    case 0x0629:  // ة
    case 0x06D5:  // ە
    case 0x06C1:  // ہ
    case 0x06BE:  // ھ
    case 0x06C0:  // ۀ
      return {Fold::kReplace, 0x0647};
    case 0x06A9:  // ک
      return {Fold::kReplace, 0x0643};
    case 0x0624:  // ؤ
      return o.fold_hamza_carriers ? FoldResult{Fold::kReplace, 0x0648}
                                   : FoldResult{};
    case 0x0626:  // ئ
      return o.fold_hamza_carriers ? FoldResult{Fold::kReplace, 0x064A}
                                   : FoldResult{};
    default:
      break;
  }
  if (c >= 0x0660 && c <= 0x0669) return {Fold::kReplace, '0' + (c - 0x0660)};
  if (c >= 0x06F0 && c <= 0x06F9) return {Fold::kReplace, '0' + (c - 0x06F0)};
  return {};
}

// FoldArabic for every code point of U+0600–U+06FF, the only block folded
// here, with the replacement already in UTF-8: the view is built with one
// table lookup per Arabic character.
struct TableEntry {
  Fold fold = Fold::kKeep;
  uint8_t len = 0;          // bytes of `out`
  bool letter_changed = false;
  char out[2] = {};
};
using FoldTable = std::array<TableEntry, 256>;

FoldTable MakeTable(const ArabicFoldingOptions& o) {
  FoldTable t;
  for (UChar32 c = 0x0600; c <= 0x06FF; ++c) {
    const FoldResult r = FoldArabic(c, o);
    TableEntry& e = t[c - 0x0600];
    e.fold = r.fold;
    if (r.fold != Fold::kReplace) continue;
    int32_t len = 0;
    U8_APPEND_UNSAFE(e.out, len, r.to);
    e.len = static_cast<uint8_t>(len);
    e.letter_changed = r.to > 0x7F;
  }
  return t;
}

const FoldTable& TableFor(const ArabicFoldingOptions& o) {
  static const FoldTable* const kWithHamza = new FoldTable(MakeTable({true}));
  static const FoldTable* const kWithoutHamza =
      new FoldTable(MakeTable({false}));
  return o.fold_hamza_carriers ? *kWithHamza : *kWithoutHamza;
}

// Bit j set iff p[j] is 0xD8-0xDB, for j < len <= 64.
uint64_t LeadBits(const uint8_t* p, uint32_t len) {
  uint64_t bits = 0;
  uint32_t j = 0;
#if defined(__SSE2__)
  // 0xD8-0xDB are the bytes whose top six bits are 110110.
  for (; j + 16 <= len; j += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + j));
    const __m128i lead =
        _mm_cmpeq_epi8(_mm_and_si128(x, _mm_set1_epi8(static_cast<char>(0xFC))),
                       _mm_set1_epi8(static_cast<char>(0xD8)));
    bits |= static_cast<uint64_t>(
                static_cast<uint16_t>(_mm_movemask_epi8(lead)))
            << j;
  }
#endif
  for (; j < len; ++j) {
    bits |= static_cast<uint64_t>((p[j] & 0xFC) == 0xD8) << j;
  }
  return bits;
}

}  // namespace

std::optional<View> BuildArabicView(const View& folded,
                                    const ArabicFoldingOptions& options,
                                    uint32_t* letters_changed) {
  const absl::string_view text = folded.text();
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const uint32_t n = static_cast<uint32_t>(text.size());
  // U+0600–U+06FF are the only code points folded here; their UTF-8 lead
  // bytes are 0xD8–0xDB.
  uint32_t base = 0;
  uint64_t leads = 0;
  for (; base < n; base += 64) {
    leads = LeadBits(s + base, std::min<uint32_t>(64, n - base));
    if (leads != 0) break;
  }
  if (base >= n) return std::nullopt;

  const FoldTable& table = TableFor(options);
  ViewBuilder b(ViewId::kArabic, folded);
  uint32_t copy_from = 0;  // start of the pending unchanged run
  // The lead bytes, 64 at a time, visited one set bit at a time: a loop
  // over bytes branches on every one, and mispredicts at every word.
  // A lead's second byte never looks like a lead, so every set bit starts
  // a character.
  for (; base < n; base += 64) {
    if (leads == 0) {
      leads = LeadBits(s + base, std::min<uint32_t>(64, n - base));
    }
    while (leads != 0) {
      const uint32_t start =
          base + static_cast<uint32_t>(absl::countr_zero(leads));
      leads &= leads - 1;
      const TableEntry& e =
          table[((s[start] - 0xD8) << 6) | (s[start + 1] & 0x3F)];
      if (e.fold == Fold::kKeep) continue;
      b.Copy(copy_from, start);
      copy_from = start + 2;
      if (e.fold == Fold::kReplace) {
        b.Append(absl::string_view(e.out, e.len), start, start + 2);
        *letters_changed += e.letter_changed;
      } else {
        b.Absorb(start, start + 2);
      }
    }
  }
  b.Copy(copy_from, n);
  return std::move(b).Finish();
}

}  // namespace hakam
