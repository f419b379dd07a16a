#include "text/arabic_view.h"

#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/numeric/bits.h"
#include "text/byte_classes.h"

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

// Bit j set for every lead (0xD8-0xDB) at p[j], j < len <= 64, whose
// character may be one that folds; p[0, avail) may be read (avail >= len).
// A superset (the lanes' ranges include a few characters that do not fold,
// and the bytes after the last whole lane set every lead): callers ask
// `table` about each. Most Arabic letters never fold
// (U+0627-U+063A but ة, U+0641-U+0648, U+064A), so testing the lead and
// its second byte against the ranges that do, 16 bytes at a time, leaves
// a few characters a comment to look up instead of every letter:
//
//   0xD8 0x90-0x9A  U+0610-U+061A  Quranic marks
//   0xD8 0xA2-0xA6  U+0622-U+0626  آ أ ؤ إ ئ
//   0xD8 0xA9       U+0629         ة
//   0xD9 0x80       U+0640         tatweel
//   0xD9 0x89       U+0649         ى
//   0xD9 0x8B-0xA9  U+064B-U+0669  tashkeel, Arabic-Indic digits
//   0xD9 0xB0-0xB3  U+0670-U+0673  superscript alef, ٱ ٲ ٳ
//   0xDA, 0xDB      U+0680-U+06FF  all (Persian and Urdu letters, marks,
//                                  digits: rare)
//
// FoldArabic folds nothing else in U+0600-U+067F; arabic_view_test tries
// every code point of the block at every offset of a 16-byte lane.
uint64_t FoldCandidateBits(const uint8_t* p, uint32_t len, uint32_t avail) {
  uint64_t bits = 0;
  uint32_t j = 0;
#if defined(__SSE2__)
  using internal::BytesBelow;
  auto byte = [](int b) { return _mm_set1_epi8(static_cast<char>(b)); };
  // The second byte of the lane's last lead is read from p[j + 16].
  for (; j + 16 <= len && j + 17 <= avail; j += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + j));
    const __m128i next =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + j + 1));
    auto in = [&](int lo, int hi) {
      return BytesBelow(_mm_sub_epi8(next, byte(lo)), hi - lo + 1);
    };
    const __m128i d8 =
        _mm_and_si128(_mm_cmpeq_epi8(x, byte(0xD8)),
                      _mm_or_si128(_mm_or_si128(in(0x90, 0x9A), in(0xA2, 0xA6)),
                                   _mm_cmpeq_epi8(next, byte(0xA9))));
    const __m128i d9 = _mm_and_si128(
        _mm_cmpeq_epi8(x, byte(0xD9)),
        _mm_or_si128(_mm_or_si128(_mm_cmpeq_epi8(next, byte(0x80)),
                                  _mm_cmpeq_epi8(next, byte(0x89))),
                     _mm_or_si128(in(0x8B, 0xA9), in(0xB0, 0xB3))));
    const __m128i da_db =
        _mm_cmpeq_epi8(_mm_and_si128(x, byte(0xFE)), byte(0xDA));
    const __m128i candidate = _mm_or_si128(_mm_or_si128(d8, d9), da_db);
    bits |= static_cast<uint64_t>(
                static_cast<uint16_t>(_mm_movemask_epi8(candidate)))
            << j;
  }
#endif
  // Every lead, as a superset.
  for (; j < len; ++j) {
    bits |= static_cast<uint64_t>((p[j] & 0xFC) == 0xD8) << j;
  }
  return bits;
}

// The position of the first character of s[0, n) that `table` changes,
// or -1.
int64_t FirstFold(const uint8_t* s, uint32_t n, const FoldTable& table) {
  // U+0600–U+06FF are the only code points folded here; their UTF-8 lead
  // bytes are 0xD8–0xDB. Visited one set bit at a time: a loop over bytes
  // branches on every one, and mispredicts at every word. A lead's second
  // byte never looks like a lead, so every set bit starts a character.
  for (uint32_t base = 0; base < n; base += 64) {
    uint64_t candidates =
        FoldCandidateBits(s + base, std::min<uint32_t>(64, n - base), n - base);
    while (candidates != 0) {
      const uint32_t start =
          base + static_cast<uint32_t>(absl::countr_zero(candidates));
      candidates &= candidates - 1;
      if (table[((s[start] - 0xD8) << 6) | (s[start + 1] & 0x3F)].fold !=
          Fold::kKeep) {
        return start;
      }
    }
  }
  return -1;
}

// Folds `text` and its `map` in place from `from`, the first character
// that changes.
// Output never outgrows input (a replacement is at most as long as the
// character it replaces), so the text is written over itself: `w` (what
// is written) never passes `r` (what is read). The maps are those
// ViewBuilder would compose over the folded view: a kept byte keeps its
// range, a replacement covers its character's range, and a removed mark
// widens the code point written before it to cover the mark.
void FoldFrom(std::string& text, internal::PodVector<OriginalRange>& map,
              uint32_t from, const FoldTable& table,
              uint32_t* letters_changed) {
  char* const t = text.data();
  OriginalRange* const m = map.data();
  const auto* const s = reinterpret_cast<const uint8_t*>(t);
  const auto n = static_cast<uint32_t>(text.size());
  uint32_t w = from, r = from;
  // Moves the kept bytes [r, end) down to w.
  auto keep_until = [&](uint32_t end) {
    const uint32_t kept = end - r;
    if (w != r && kept > 0) {
      std::memmove(t + w, t + r, kept);
      std::memmove(m + w, m + r, kept * sizeof(OriginalRange));
    }
    w += kept;
    r = end;
  };
  for (uint32_t base = from - from % 64; base < n; base += 64) {
    uint64_t candidates =
        FoldCandidateBits(s + base, std::min<uint32_t>(64, n - base), n - base);
    while (candidates != 0) {
      const uint32_t start =
          base + static_cast<uint32_t>(absl::countr_zero(candidates));
      candidates &= candidates - 1;
      // Bytes before r may have been written over; the characters there
      // are done.
      if (start < r) continue;
      const TableEntry& e =
          table[((s[start] - 0xD8) << 6) | (s[start + 1] & 0x3F)];
      if (e.fold == Fold::kKeep) continue;
      keep_until(start);
      const OriginalRange range{m[start].begin, m[start + 1].end};
      r = start + 2;
      if (e.fold == Fold::kReplace) {
        for (uint32_t k = 0; k < e.len; ++k, ++w) {
          t[w] = e.out[k];
          m[w] = range;
        }
        *letters_changed += e.letter_changed;
      } else if (w > 0) {
        uint32_t k = w;
        do {
          --k;
          if (m[k].end < range.end) m[k].end = range.end;
        } while (k > 0 && (s[k] & 0xC0) == 0x80);
      }
    }
  }
  keep_until(n);
  text.resize(w);
  map.ResizeUninitialized(w);
}

// FirstFold of the view's text: where folding `view` starts, or -1.
int64_t FirstFold(const View& view, const FoldTable& table) {
  const absl::string_view text = view.text();
  return FirstFold(reinterpret_cast<const uint8_t*>(text.data()),
                   static_cast<uint32_t>(text.size()), table);
}

}  // namespace

// Friend of View: rewrites its buffers. Defined before BuildArabicView,
// which folds a copy with it.
bool FoldArabicInPlace(const ArabicFoldingOptions& options, View* view,
                       uint32_t* letters_changed) {
  const FoldTable& table = TableFor(options);
  const int64_t first = FirstFold(*view, table);
  if (first < 0) return false;
  if (view->identity_) {
    // Not a view the normalizer folds (`folded` owns its text), but the
    // contract holds for any view: give it buffers of its own first.
    view->owned_.assign(view->external_.data(), view->external_.size());
    view->map_.ResizeUninitialized(view->owned_.size());
    for (uint32_t i = 0; i < view->owned_.size(); ++i) {
      view->map_[i] = {i, i + 1};
    }
    view->identity_ = false;
    view->external_ = {};
  }
  FoldFrom(view->owned_, view->map_, static_cast<uint32_t>(first), table,
           letters_changed);
  view->id_ = ViewId::kArabic;
  view->tokens_.clear();
  view->tokenized_ = false;
  return true;
}

std::optional<View> BuildArabicView(const View& folded,
                                    const ArabicFoldingOptions& options,
                                    uint32_t* letters_changed) {
  // Scanned twice where something folds (here and in FoldArabicInPlace),
  // once where nothing does: cheaper than copying `folded` to find out.
  if (FirstFold(folded, TableFor(options)) < 0) return std::nullopt;
  View arabic = folded;
  FoldArabicInPlace(options, &arabic, letters_changed);
  return arabic;
}

}  // namespace hakam
