#include "text/normalizer.h"

#include <unicode/bytestream.h>
#include <unicode/edits.h>
#include <unicode/normalizer2.h>
#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <array>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <new>
#include <optional>
#include <string>
#include <vector>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/numeric/bits.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_format.h"
#include "text/byte_classes.h"
#include "text/compact_view.h"
#include "text/skeleton_view.h"
#include "text/translit_view.h"

namespace hakam {

namespace {

// What the folded pass needs to know about a code point of the original.
enum CharProp : uint8_t {
  kLetter = 1 << 0,          // counted in TextSignals::letters (bit 0: the
                             // fast path adds it as a count)
  kIgnorable = 1 << 1,       // default-ignorable (and not a letter)
  kSeparator = 1 << 2,       // not a letter, mark or number: becomes spaces
  kBoundaryBefore = 1 << 3,  // NFKC_Casefold never joins it to what precedes
  kStable = 1 << 4,          // NFKC_Casefold leaves it unchanged
};

// Code points below this have their CharProps in a table built at Create():
// every 1- and 2-byte UTF-8 sequence (Latin, Greek, Cyrillic, Arabic...).
constexpr UChar32 kPropTableSize = 0x800;

}  // namespace

struct Normalizer::IcuData {
  const icu::Normalizer2* nfkc_casefold = nullptr;  // owned by ICU
  std::array<uint8_t, kPropTableSize> props{};
};

namespace {

// True for code points that end a word: everything outside letters, marks
// and numbers (punctuation, symbols, separators, controls, unassigned).
bool IsSeparator(UChar32 c) {
  // Arabic letters, marks and digits, the bulk of our text, without a
  // property lookup.
  if (c >= 0x0621 && c <= 0x0669) return false;
  const uint32_t mask = U_GET_GC_MASK(c);
  return (mask & (U_GC_L_MASK | U_GC_M_MASK | U_GC_N_MASK)) == 0;
}

// False for code points that are certainly not default-ignorable (a cheap
// filter before the property lookup).
bool MayBeIgnorable(UChar32 c) {
  if (c < 0x0300) return c == 0x00AD;
  if (c >= 0x0600 && c <= 0x06FF) return c == 0x061C;
  return true;
}

bool IsBidiControl(UChar32 c) {
  return c == 0x061C || c == 0x200E || c == 0x200F ||
         (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069);
}

// The letter and invisible-character part of CharProps, as the signals
// define them.
uint8_t SignalProps(UChar32 c) {
  if ((c >= 0x0621 && c <= 0x064A) || u_isalpha(c)) return kLetter;
  if (MayBeIgnorable(c) &&
      u_hasBinaryProperty(c, UCHAR_DEFAULT_IGNORABLE_CODE_POINT)) {
    return kIgnorable;
  }
  return 0;
}

// ASCII as the folded view has it: lowercase, and controls other than the
// line feed as spaces, so the marker bytes of later views never come from
// the text.
constexpr std::array<char, 128> kAsciiFold = [] {
  std::array<char, 128> t{};
  for (int c = 0; c < 128; ++c) {
    t[c] = static_cast<char>(c >= 'A' && c <= 'Z' ? c + 32
                             : c < 0x20 && c != '\n' ? ' '
                                                     : c);
  }
  return t;
}();

bool IsAsciiLetter(uint8_t c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

// The Arabic letters the folded pass copies 16 bytes at a time (see
// FoldPlainBlock), first to last: U+0621-U+063F (lead 0xD8, second byte
// 0xA1-0xBF) and U+0640-U+064A (lead 0xD9, second byte 0x80-0x8A),
// tatweel included. Create() checks that each one is a letter that
// NFKC_Casefold leaves alone and never joins to what precedes it, as the
// one-by-one path would find in the property table.
constexpr UChar32 kFirstPlainArabicLetter = 0x0621;
constexpr UChar32 kLastPlainArabicLetter = 0x064A;

#if defined(__SSE2__)
constexpr uint32_t kBlockBytes = 16;

// What FoldPlainBlock wrote.
struct PlainBlock {
  uint32_t bytes;       // taken from the block: whole characters, maybe 0
  uint32_t letters;     // letters among them
  uint32_t last_start;  // start of the last character taken, if any
};

// Folds the longest prefix of the 16 bytes at `s` (at offset `at` of the
// original; s[16] is read too) made only of ASCII and plain Arabic letters
// (kFirstPlainArabicLetter to kLastPlainArabicLetter), as the one-by-one
// path would: ASCII through
// kAsciiFold, letters as they are, each output byte mapped to its whole
// source character. Writes all 16 bytes of `out` and `map`; only the first
// `bytes` mean anything. Needs no branch per byte: where Arabic words and
// spaces alternate, the one-by-one path mispredicted at every word.
PlainBlock FoldPlainBlock(const uint8_t* s, uint32_t at, char* out,
                          OriginalRange* map) {
  using internal::BytesBelow;
  const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s));
  const __m128i next = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + 1));
  // A lead of a plain letter, whose second byte is in its range.
  const __m128i lead = _mm_or_si128(
      _mm_and_si128(
          _mm_cmpeq_epi8(x, _mm_set1_epi8(static_cast<char>(0xD8))),
          BytesBelow(_mm_sub_epi8(next, _mm_set1_epi8(static_cast<char>(0xA1))),
                     0xBF - 0xA1 + 1)),
      _mm_and_si128(
          _mm_cmpeq_epi8(x, _mm_set1_epi8(static_cast<char>(0xD9))),
          BytesBelow(_mm_sub_epi8(next, _mm_set1_epi8(static_cast<char>(0x80))),
                     0x8A - 0x80 + 1)));
  // The second byte of such a letter (a continuation byte, never a lead
  // or ASCII, so no byte is both).
  const __m128i second = _mm_slli_si128(lead, 1);
  const uint32_t leads = static_cast<uint32_t>(_mm_movemask_epi8(lead));
  const uint32_t ascii = ~static_cast<uint32_t>(_mm_movemask_epi8(x)) & 0xFFFF;
  const uint32_t plain =
      ascii | leads | static_cast<uint32_t>(_mm_movemask_epi8(second));
  // Up to the first other byte (the start of a character: a plain
  // letter's second byte is plain); a letter whose second byte lies past
  // the block waits for the next one.
  uint32_t bytes = static_cast<uint32_t>(absl::countr_one(plain));
  if (bytes == kBlockBytes) bytes -= leads >> 15;
  const uint32_t taken = (uint32_t{1} << bytes) - 1;
  const uint32_t ascii_letters =
      static_cast<uint32_t>(_mm_movemask_epi8(internal::AsciiLetterBytes(x)));
  // Counted in the register: built for x86-64 without POPCNT,
  // absl::popcount is a call into libgcc.
  uint32_t letters = (ascii_letters | leads) & taken;
  letters -= (letters >> 1) & 0x5555;
  letters = (letters & 0x3333) + ((letters >> 2) & 0x3333);
  letters = (letters + (letters >> 4)) & 0x0F0F;
  letters = (letters + (letters >> 8)) & 0x1F;

  // kAsciiFold: A-Z lowercased, controls but the line feed as spaces;
  // bytes >= 0x80 fall in neither range.
  const __m128i upper =
      BytesBelow(_mm_sub_epi8(x, _mm_set1_epi8('A')), 'Z' - 'A' + 1);
  const __m128i control = _mm_andnot_si128(
      _mm_cmpeq_epi8(x, _mm_set1_epi8('\n')), BytesBelow(x, 0x20));
  const __m128i lowered =
      _mm_add_epi8(x, _mm_and_si128(upper, _mm_set1_epi8(0x20)));
  _mm_storeu_si128(reinterpret_cast<__m128i*>(out),
                   _mm_or_si128(_mm_andnot_si128(control, lowered),
                                _mm_and_si128(control, _mm_set1_epi8(' '))));

  // map[j].begin = at + j, less one if byte j is a letter's second byte;
  // map[j].end = begin + 2 for either byte of a letter, begin + 1 for
  // ASCII. In the lanes, lead and second are 0xFF (-1) where they hold, so
  // begin adds `second` and the width is 1 - (lead | second).
  const __m128i iota =
      _mm_setr_epi8(0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15);
  const __m128i begin8 = _mm_add_epi8(iota, second);
  const __m128i width8 =
      _mm_sub_epi8(_mm_set1_epi8(1), _mm_or_si128(lead, second));
  const __m128i zero = _mm_setzero_si128();
  const __m128i base = _mm_set1_epi32(static_cast<int>(at));
  auto* dst = reinterpret_cast<__m128i*>(map);
  for (int half = 0; half < 2; ++half) {
    const __m128i b16 = half == 0 ? _mm_unpacklo_epi8(begin8, zero)
                                  : _mm_unpackhi_epi8(begin8, zero);
    const __m128i w16 = half == 0 ? _mm_unpacklo_epi8(width8, zero)
                                  : _mm_unpackhi_epi8(width8, zero);
    for (int quarter = 0; quarter < 2; ++quarter) {
      const __m128i b32 =
          _mm_add_epi32(base, quarter == 0 ? _mm_unpacklo_epi16(b16, zero)
                                           : _mm_unpackhi_epi16(b16, zero));
      const __m128i e32 =
          _mm_add_epi32(b32, quarter == 0 ? _mm_unpacklo_epi16(w16, zero)
                                          : _mm_unpackhi_epi16(w16, zero));
      _mm_storeu_si128(dst++, _mm_unpacklo_epi32(b32, e32));
      _mm_storeu_si128(dst++, _mm_unpackhi_epi32(b32, e32));
    }
  }
  // The last character taken starts one byte earlier if it is a letter.
  const uint32_t last = bytes == 0 ? 0 : bytes - 1;
  const uint32_t last_start =
      last - ((static_cast<uint32_t>(_mm_movemask_epi8(second)) >> last) & 1);
  return {bytes, letters, last_start};
}
#endif  // __SSE2__

// Builds the folded view in one pass over the original, and observes the
// signals of the original on the way.
//
// NFKC_Casefold is applied piecewise: a code point that ICU says has a
// normalization boundary before it and that normalizes to itself (or is
// ASCII, which only lowercases) is written straight to the output; only the
// runs between such code points go through ICU, with Edits for their maps.
// Runs are cut only at boundaries, so the output and the edits, hence the
// maps, are those of normalizing the whole text at once. Plain Arabic or
// English text makes no ICU call at all.
class FoldedBuilder {
 public:
  // `use_blocks`: take runs of plain characters 16 bytes at a time where
  // SSE2 is (FoldPlainBlock); false only for tests, which compare the two.
  FoldedBuilder(const icu::Normalizer2& nfkc_cf,
                const std::array<uint8_t, kPropTableSize>& props,
                absl::string_view original, TextSignals* signals,
                std::vector<OriginalRange>* rlo_runs, bool use_blocks)
      : use_blocks_(use_blocks),
        nfkc_cf_(nfkc_cf),
        props_(props),
        original_(original),
        s_(reinterpret_cast<const uint8_t*>(original.data())),
        n_(static_cast<uint32_t>(original.size())),
        signals_(signals),
        rlo_runs_(rlo_runs) {
    out_.resize(n_);
    map_.ResizeUninitialized(n_);
  }

  absl::StatusOr<View> Build() && {
    // The output is written through raw pointers held in locals: writes
    // through a char* may alias any member, which would otherwise be
    // reloaded after every byte. FlushSlow may grow the buffers.
    char* out = out_.data();
    OriginalRange* map = map_.data();
    const uint8_t* const s = s_;
    const uint32_t n = n_;
    uint32_t o = 0;
    uint32_t letters = 0;
    int64_t slow = -1;  // start of the pending ICU run, or -1
    auto flush = [&](uint32_t end) {
      o_ = o;
      const uint32_t begin = static_cast<uint32_t>(slow);
      slow = -1;
      if (!FlushSlow(begin, end)) return false;
      o = o_;
      out = out_.data();
      map = map_.data();
      return true;
    };
    uint32_t i = 0;
    uint32_t prev = 0;  // start of the previous code point
    while (i < n) {
#if defined(__SSE2__)
      // Reads s[i, i + 17): the last lead's second byte may be s[i + 16].
      // Writes out[o, o + 16) and map[o, o + 16). Both fit: the buffers
      // keep room for at least n - i bytes after o (they start n long,
      // writing as is advances o and i together, joining a character to
      // an ICU run moves o back, and FlushSlow grows them by what ICU's
      // output adds), and n - i > 16 here.
      if (use_blocks_ && slow < 0 && rlo_start_ < 0 && n - i > kBlockBytes) {
        const PlainBlock b = FoldPlainBlock(s + i, i, out + o, map + o);
        if (b.bytes > 0) {
          letters += b.letters;
          prev = i + b.last_start;
          i += b.bytes;
          o += b.bytes;
          continue;
        }
      }
#endif
      const uint8_t lead = s[i];
      if (lead < 0x80) {
        if (slow >= 0) {
          if (!flush(i)) return error_;
          continue;  // the blocks above may take the ASCII from here
        }
        // The common case, in a tight loop: a run of ASCII.
        do {
          const uint8_t b = s[i];
          letters += IsAsciiLetter(b);
          if ((b == '\n' || b == '\r') && rlo_start_ >= 0) EndRlo(i);
          out[o] = kAsciiFold[b];
          map[o] = {i, i + 1};
          ++o;
          prev = i++;
        } while (i < n && s[i] < 0x80);
        continue;
      }
      if (lead < 0xE0 && slow < 0) {
        // A 2-byte letter written as is (Arabic text is mostly these), with
        // no more branches than it needs.
        const uint8_t tail = s[i + 1];
        const uint8_t p = props_[((lead & 0x1F) << 6) | (tail & 0x3F)];
        constexpr uint8_t kMask = kBoundaryBefore | kStable | kIgnorable;
        if ((p & kMask) == (kBoundaryBefore | kStable)) {
          letters += p & kLetter;
          const bool separator = (p & kSeparator) != 0;
          out[o] = separator ? ' ' : static_cast<char>(lead);
          out[o + 1] = separator ? ' ' : static_cast<char>(tail);
          // Not `map[o] = map[o + 1] = ...`: that reloads map[o + 1] as
          // one 8-byte word right after storing it as two 4-byte halves,
          // a store-forwarding stall on every Arabic letter.
          const OriginalRange r{i, i + 2};
          map[o] = r;
          map[o + 1] = r;
          o += 2;
          prev = i;
          i += 2;
          continue;
        }
      }
      const uint32_t start = i;
      UChar32 c;
      U8_NEXT_UNSAFE(s, i, c);
      const uint8_t p = Props(c);
      if (p & kLetter) {
        ++letters;
      } else if (p & kIgnorable) {
        ++signals_->invisible_chars;
        if (IsBidiControl(c)) ++signals_->bidi_controls;
        if (c == 0x202E && rlo_start_ < 0) {
          rlo_start_ = static_cast<int64_t>(i);
        } else if ((c == 0x202C || c == 0x2069) && rlo_start_ >= 0) {
          EndRlo(start);
        }
      }
      if (!(p & kBoundaryBefore)) {
        // Joins what precedes it: the previous code point, written as
        // stable, goes back into the ICU run.
        if (slow < 0) {
          slow = start == 0 ? 0 : prev;
          o -= start - prev;  // stable output has its source's length
        }
      } else if (!(p & kStable)) {
        if (slow < 0) slow = start;
      } else if (slow < 0) {
        // Stable, and no ICU run open: written as is. (Inside a run it
        // just extends the run, which saves an ICU call per diacritic in
        // vocalized Arabic; runs end at ASCII.)
        const bool separator = (p & kSeparator) != 0;
        for (uint32_t k = start; k < i; ++k) {
          out[o] = separator ? ' ' : static_cast<char>(s[k]);
          map[o] = {start, i};
          ++o;
        }
      }
      prev = start;
    }
    if (slow >= 0 && !flush(n)) return error_;
    signals_->letters += letters;
    if (rlo_start_ >= 0 && rlo_start_ < n_) {
      rlo_runs_->push_back({static_cast<uint32_t>(rlo_start_), n_});
    }
    out_.resize(o);
    map_.ResizeUninitialized(o);
    return View::FromMap(ViewId::kFolded, std::move(out_), std::move(map_),
                         n_);
  }

 private:
  uint8_t Props(UChar32 c) const {
    if (c < kPropTableSize) return props_[c];
    // Rare in comments (emoji, CJK, symbols): ask ICU.
    uint8_t p = SignalProps(c);
    if (nfkc_cf_.isInert(c)) {
      p |= kBoundaryBefore | kStable;
      if (IsSeparator(c)) p |= kSeparator;
    } else if (nfkc_cf_.hasBoundaryBefore(c)) {
      p |= kBoundaryBefore;
    }
    return p;
  }

  void EndRlo(uint32_t at) {
    rlo_runs_->push_back({static_cast<uint32_t>(rlo_start_), at});
    rlo_start_ = -1;
  }

  // Normalizes original [begin, end) with ICU and appends it at o_.
  bool FlushSlow(uint32_t begin, uint32_t end) {
    run_.clear();
    icu::StringByteSink<std::string> sink(&run_);
    edits_.reset();
    UErrorCode status = U_ZERO_ERROR;
    nfkc_cf_.normalizeUTF8(
        0,
        icu::StringPiece(original_.data() + begin,
                         static_cast<int32_t>(end - begin)),
        sink, &edits_, status);
    if (U_FAILURE(status)) {
      error_ = absl::InternalError(
          absl::StrCat("NFKC_Casefold failed: ", u_errorName(status)));
      return false;
    }
    // Room for this run and for the rest of the text written as is.
    const size_t need = o_ + run_.size() + (n_ - end);
    if (out_.size() < need) {
      out_.resize(need);
      map_.ResizeUninitialized(need);
    }
    const uint32_t base = o_;
    std::memcpy(out_.data() + base, run_.data(), run_.size());
    o_ += static_cast<uint32_t>(run_.size());

    // Per output byte: the original range that produced it.
    icu::Edits::Iterator it = edits_.getFineIterator();
    while (it.next(status)) {
      const uint32_t src = begin + static_cast<uint32_t>(it.sourceIndex());
      const uint32_t dst = base + static_cast<uint32_t>(it.destinationIndex());
      const uint32_t old_len = static_cast<uint32_t>(it.oldLength());
      const uint32_t new_len = static_cast<uint32_t>(it.newLength());
      if (!it.hasChange()) {
        // Unchanged bytes map one to one, widened to their whole character
        // so spans never split one.
        for (uint32_t k = 0; k < new_len;) {
          const auto lead = static_cast<uint8_t>(out_[dst + k]);
          const uint32_t len =
              lead < 0x80 ? 1 : lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : 2;
          for (uint32_t j = 0; j < len && k + j < new_len; ++j) {
            map_[dst + k + j] = {src + k, src + k + len};
          }
          k += len;
        }
        continue;
      }
      for (uint32_t k = 0; k < new_len; ++k) {
        map_[dst + k] = {src, src + old_len};
      }
      // Count non-ASCII letters folded into something else; case folding
      // alone (К → к) is not a trick.
      if (s_[src] >= 0x80) {
        int32_t k = static_cast<int32_t>(src);
        UChar32 c;
        U8_NEXT_UNSAFE(s_, k, c);
        UChar32 folded = -1;
        if (static_cast<uint32_t>(k) == src + old_len && new_len > 0) {
          int32_t d = static_cast<int32_t>(dst);
          U8_NEXT_UNSAFE(reinterpret_cast<const uint8_t*>(out_.data()), d,
                         folded);
          if (static_cast<uint32_t>(d) != dst + new_len) folded = -1;
        }
        if (folded !=
            static_cast<UChar32>(u_foldCase(c, U_FOLD_CASE_DEFAULT))) {
          for (uint32_t b = src; b < src + old_len; ++b) {
            signals_->letters_changed += (s_[b] & 0xC0) != 0x80;
          }
        }
      }
    }
    if (U_FAILURE(status)) {
      error_ = absl::InternalError(
          absl::StrCat("NFKC_Casefold edits failed: ", u_errorName(status)));
      return false;
    }

    // Separators become spaces of the same byte length, so maps stay
    // aligned and every word boundary is an ASCII byte.
    auto* d = reinterpret_cast<uint8_t*>(out_.data());
    const int32_t limit = static_cast<int32_t>(o_);
    int32_t i = static_cast<int32_t>(base);
    while (i < limit) {
      if (d[i] < 0x80) {
        if (d[i] < 0x20 && d[i] != '\n') d[i] = ' ';
        ++i;
        continue;
      }
      const int32_t start = i;
      UChar32 c;
      U8_NEXT(d, i, limit, c);
      const bool separator =
          c < 0 || (c < kPropTableSize ? (props_[c] & kSeparator) != 0
                                       : IsSeparator(c));
      if (separator) {
        for (int32_t k = start; k < i; ++k) d[k] = ' ';
      }
    }
    return true;
  }

  [[maybe_unused]] const bool use_blocks_;  // read only where SSE2 is
  const icu::Normalizer2& nfkc_cf_;
  const std::array<uint8_t, kPropTableSize>& props_;
  const absl::string_view original_;
  const uint8_t* const s_;
  const uint32_t n_;
  TextSignals* const signals_;
  std::vector<OriginalRange>* const rlo_runs_;

  std::string out_;  // sized ahead; o_ bytes are written (during FlushSlow)
  internal::PodVector<OriginalRange> map_;  // as out_
  uint32_t o_ = 0;
  int64_t rlo_start_ = -1;   // start of the open override run, or -1
  std::string run_;          // ICU's output for one run
  icu::Edits edits_;
  absl::Status error_;
};

}  // namespace

Normalizer::Normalizer(NormalizerOptions options,
                       std::unique_ptr<const IcuData> icu,
                       std::unique_ptr<const ConfusableTable> confusables)
    : options_(std::move(options)),
      icu_(std::move(icu)),
      confusables_(std::move(confusables)) {}
Normalizer::~Normalizer() = default;

absl::StatusOr<std::unique_ptr<const Normalizer>> Normalizer::Create(
    const NormalizerOptions& options) {
  UErrorCode status = U_ZERO_ERROR;
  auto icu = std::make_unique<IcuData>();
  icu->nfkc_casefold = icu::Normalizer2::getNFKCCasefoldInstance(status);
  if (U_FAILURE(status) || icu->nfkc_casefold == nullptr) {
    return absl::InternalError(
        absl::StrCat("ICU NFKC_Casefold unavailable: ", u_errorName(status)));
  }
  const icu::Normalizer2& nfkc_cf = *icu->nfkc_casefold;
  for (UChar32 c = 0; c < kPropTableSize; ++c) {
    uint8_t p = SignalProps(c);
    if (IsSeparator(c)) p |= kSeparator;
    if (nfkc_cf.hasBoundaryBefore(c)) p |= kBoundaryBefore;
    const icu::UnicodeString one(c);
    if (nfkc_cf.normalize(one, status) == one) p |= kStable;
    icu->props[c] = p;
  }
  // The folded pass writes ASCII without asking ICU: every ASCII character
  // must start a normalization segment and fold to its lowercase.
  for (UChar32 c = 0; c < 0x80; ++c) {
    const icu::UnicodeString one(c);
    const icu::UnicodeString lower(static_cast<UChar32>(
        c >= 'A' && c <= 'Z' ? c + 32 : c));
    if (!(icu->props[c] & kBoundaryBefore) ||
        nfkc_cf.normalize(one, status) != lower) {
      return absl::InternalError("ICU NFKC_Casefold data changes ASCII");
    }
  }
  if (U_FAILURE(status)) {
    return absl::InternalError(
        absl::StrCat("ICU NFKC_Casefold: ", u_errorName(status)));
  }
  // FoldPlainBlock copies these letters as the one-by-one path would.
  for (UChar32 c = kFirstPlainArabicLetter; c <= kLastPlainArabicLetter; ++c) {
    constexpr uint8_t kAsked =
        kLetter | kIgnorable | kSeparator | kBoundaryBefore | kStable;
    if ((icu->props[c] & kAsked) != (kLetter | kBoundaryBefore | kStable)) {
      return absl::InternalError(
          absl::StrFormat("ICU NFKC_Casefold data changes or joins U+%04X", c));
    }
  }
  absl::StatusOr<std::unique_ptr<const ConfusableTable>> confusables =
      ConfusableTable::Create();
  if (!confusables.ok()) return confusables.status();
  return std::unique_ptr<const Normalizer>(
      new Normalizer(options, std::move(icu), *std::move(confusables)));
}

absl::StatusOr<View> Normalizer::BuildFolded(
    absl::string_view original, TextSignals* signals,
    std::vector<OriginalRange>* rlo_runs, bool use_blocks) const {
  return FoldedBuilder(*icu_->nfkc_casefold, icu_->props, original, signals,
                       rlo_runs, use_blocks)
      .Build();
}

namespace normalizer_internal {

absl::StatusOr<View> BuildFolded(const Normalizer& normalizer,
                                 absl::string_view original,
                                 TextSignals* signals,
                                 std::vector<OriginalRange>* rlo_runs,
                                 bool use_blocks) {
  return normalizer.BuildFolded(original, signals, rlo_runs, use_blocks);
}

}  // namespace normalizer_internal

NormalizedText::NormalizedText(NormalizedText&& other) noexcept {
  TakeFrom(other);
}

NormalizedText& NormalizedText::operator=(NormalizedText&& other) noexcept {
  if (this == &other) return *this;
  DestroyViews();
  TakeFrom(other);
  return *this;
}

void NormalizedText::TakeFrom(NormalizedText& other) {
  original_ = other.original_;
  slot_ = other.slot_;
  signals_ = other.signals_;
  for (int i = 0; i < kViewCount; ++i) {
    if (Holds(i)) new (&views_[i].view) View(std::move(other.views_[i].view));
  }
}

void NormalizedText::DestroyViews() {
  for (int i = 0; i < kViewCount; ++i) {
    if (Holds(i)) views_[i].view.~View();
  }
}

void NormalizedText::Emplace(int i, View&& view) {
  new (&views_[i].view) View(std::move(view));
  slot_[i] = static_cast<int8_t>(i);
}

void NormalizedText::ViewNotBuilt(ViewId id) {
  std::fprintf(stderr,
               "NormalizedText::view(%s): view not built (ask for it in "
               "Normalize's mask)\n",
               std::string(ViewName(id)).c_str());
  std::abort();
}

absl::StatusOr<NormalizedText> Normalizer::Normalize(absl::string_view original,
                                                     ViewMask wanted) const {
  NormalizedText t;
  if (absl::Status s = NormalizeInto(original, wanted, &t); !s.ok()) return s;
  return t;
}

absl::Status Normalizer::NormalizeInto(absl::string_view original,
                                       ViewMask wanted,
                                       NormalizedText* out) const {
  NormalizedText& t = *out;
  t.DestroyViews();
  t.slot_.fill(-1);
  t.signals_ = TextSignals();
  t.original_ = original;
  auto put = [&t](ViewId id, std::optional<View> view, ViewId alias) {
    const int slot = static_cast<int>(id);
    if (view.has_value()) {
      t.Emplace(slot, *std::move(view));
    } else {
      t.slot_[slot] = t.slot_[static_cast<int>(alias)];
    }
  };
  auto want = [wanted](std::initializer_list<ViewId> ids) {
    for (ViewId id : ids) {
      if (wanted & ViewBit(id)) return true;
    }
    return false;
  };
  put(ViewId::kRaw, View::Identity(ViewId::kRaw, original), ViewId::kRaw);
  if (!want({ViewId::kFolded, ViewId::kArabic, ViewId::kSkeleton,
             ViewId::kCompact, ViewId::kTranslit})) {
    return absl::OkStatus();
  }
  std::vector<OriginalRange> rlo_runs;
  absl::StatusOr<View> folded =
      BuildFolded(original, &t.signals_, &rlo_runs, /*use_blocks=*/true);
  if (!folded.ok()) return folded.status();
  if (!want({ViewId::kArabic, ViewId::kSkeleton, ViewId::kCompact,
             ViewId::kTranslit})) {
    put(ViewId::kFolded, *std::move(folded), ViewId::kRaw);
    return absl::OkStatus();
  }
  if (want({ViewId::kFolded})) {
    put(ViewId::kFolded, *std::move(folded), ViewId::kRaw);
    put(ViewId::kArabic,
        BuildArabicView(t.view(ViewId::kFolded), options_.arabic,
                        &t.signals_.letters_changed),
        ViewId::kFolded);
  } else {
    // Nobody reads `folded` itself (no rule does, by default): the arabic
    // view is folded in place from it, sparing a copy of its text and map.
    // Where nothing folds it is still `folded` (its id() says so), but kept
    // only as `arabic`, so that reading `folded` without asking for it
    // fails on every text, not only on Arabic ones.
    FoldArabicInPlace(options_.arabic, &*folded, &t.signals_.letters_changed);
    put(ViewId::kArabic, *std::move(folded), ViewId::kArabic);
  }
  if (!want({ViewId::kSkeleton, ViewId::kCompact, ViewId::kTranslit})) {
    return absl::OkStatus();
  }
  put(ViewId::kSkeleton,
      BuildSkeletonView(t.view(ViewId::kArabic), *confusables_, rlo_runs,
                        &t.signals_),
      ViewId::kArabic);
  t.signals_.letters_changed =
      std::min(t.signals_.letters_changed, t.signals_.letters);
  if (want({ViewId::kCompact})) {
    put(ViewId::kCompact, BuildCompactView(t.view(ViewId::kSkeleton)),
        ViewId::kSkeleton);
  }
  if (want({ViewId::kTranslit})) {
    put(ViewId::kTranslit, BuildTranslitView(t.view(ViewId::kSkeleton)),
        ViewId::kSkeleton);
  }
  return absl::OkStatus();
}

}  // namespace hakam
