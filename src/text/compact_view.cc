#include "text/compact_view.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstring>
#include <vector>

#if defined(__SSE2__)
#endif

#include "absl/container/inlined_vector.h"
#include "absl/numeric/bits.h"
#include "text/byte_classes.h"
#include "text/script.h"

namespace hakam {
namespace {

// Longest separator run between letters that still joins them.
constexpr uint32_t kMaxJoinGap = 3;
// Fewest single letters in a row that are joined.
constexpr size_t kMinJoinedLetters = 3;
// Longest run of masking characters resolved as wildcards.
constexpr uint32_t kMaxMaskRun = 3;
// Runs of one letter are cut to this length.
constexpr int kMaxRun = 3;

bool IsLetter(UChar32 c) {
  if (c < 0x80) return (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
  return u_isalpha(c);
}

// One code point of a word being assembled, or a mask.
struct Unit {
  UChar32 c;  // 0 for a mask
  uint32_t begin;
  uint32_t end;
};

// The script of a token made of one letter, or kOther if it is not one.
Script SingleLetterScript(const absl::string_view text, const Token& t) {
  if (t.end - t.begin > 4) return Script::kOther;  // longer than a code point
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  int32_t i = static_cast<int32_t>(t.begin);
  UChar32 c;
  U8_NEXT_UNSAFE(s, i, c);
  if (static_cast<uint32_t>(i) != t.end || !IsLetter(c)) return Script::kOther;
  const Script script = ScriptOf(c);
  // Letters of scripts we do not tell apart still join each other.
  return script == Script::kOther ? Script::kGreek : script;
}

bool IsJoinGap(absl::string_view gap) {
  if (gap.empty() || gap.size() > kMaxJoinGap) return false;
  for (char c : gap) {
    if (c == '\n' || c == '\r') return false;
  }
  return true;
}

bool IsMaskGap(absl::string_view gap) {
  if (gap.empty() || gap.size() > kMaxMaskRun) return false;
  for (char c : gap) {
    if (!IsMaskChar(c)) return false;
  }
  return true;
}

bool IsAsciiLetter(char c) { return (c | 0x20) >= 'a' && (c | 0x20) <= 'z'; }

// Per 64 bytes of text, bit j for byte base + j (bytes past the end of the
// text have no bit set).
struct BlockBits {
  uint64_t word = 0;       // IsWordByte
  uint64_t letterish = 0;  // ASCII letter or non-ASCII: a maskable neighbour
  uint64_t mask = 0;       // IsMaskChar
  uint64_t ascii_letter = 0;
  uint64_t high = 0;   // >= 0x80
  uint64_t lead2 = 0;  // 0xC0-0xDF: starts a 2-byte sequence
  uint64_t lead3 = 0;  // >= 0xE0: starts a 3- or 4-byte sequence
  uint64_t eq1 = 0;    // byte j == byte j + 1
  uint64_t eq2 = 0;    // byte j == byte j + 2
};

// Bits of the 64 bytes at p, reading p[0, 66).
BlockBits SimdBits(const uint8_t* p) {
  BlockBits b;
#if defined(__SSE2__)
  constexpr auto eq = internal::BytesEqual;
  constexpr auto bits = internal::LaneBits;
  for (int k = 0; k < 4; ++k) {
    const uint8_t* q = p + 16 * k;
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q));
    const __m128i x1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 1));
    const __m128i x2 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(q + 2));
    // (x | 0x20) - 'a' < 26 holds for no byte >= 0x80.
    const __m128i letter = internal::AsciiLetterBytes(x);
    const __m128i high = internal::HighBytes(x);
    const __m128i digit = internal::AsciiDigitBytes(x);
    const __m128i marker = internal::MarkerBytes(x);
    const __m128i word =
        _mm_or_si128(_mm_or_si128(letter, digit), _mm_or_si128(marker, high));
    // * ! # % @ $ ? _ ^ ~
    const __m128i mask = _mm_or_si128(
        _mm_or_si128(_mm_or_si128(eq(x, '!'),
                                  internal::BytesBelow(
                                      _mm_sub_epi8(x, _mm_set1_epi8('#')), 3)),
                     _mm_or_si128(eq(x, '*'), eq(x, '~'))),
        _mm_or_si128(
            internal::BytesBelow(_mm_sub_epi8(x, _mm_set1_epi8('?')), 2),
            internal::BytesBelow(_mm_sub_epi8(x, _mm_set1_epi8('^')), 2)));
    const __m128i lead3 = _mm_andnot_si128(internal::BytesBelow(x, 0xE0), high);
    const __m128i lead2 = _mm_andnot_si128(internal::BytesBelow(x, 0xC0), high);
    b.word |= bits(word, k);
    b.letterish |= bits(_mm_or_si128(letter, high), k);
    b.mask |= bits(mask, k);
    b.ascii_letter |= bits(letter, k);
    b.high |= bits(high, k);
    b.lead2 |= bits(_mm_andnot_si128(lead3, lead2), k);
    b.lead3 |= bits(lead3, k);
    b.eq1 |= bits(_mm_cmpeq_epi8(x, x1), k);
    b.eq2 |= bits(_mm_cmpeq_epi8(x, x2), k);
  }
#else
  for (int j = 0; j < 64; ++j) {
    const uint8_t c = p[j];
    const uint64_t bit = uint64_t{1} << j;
    const bool letter = c < 0x80 && IsAsciiLetter(static_cast<char>(c));
    if (IsWordByte(c)) b.word |= bit;
    if (c >= 0x80 || letter) b.letterish |= bit;
    if (IsMaskChar(static_cast<char>(c))) b.mask |= bit;
    if (letter) b.ascii_letter |= bit;
    if (c >= 0x80) b.high |= bit;
    if (c >= 0xC0 && c < 0xE0) b.lead2 |= bit;
    if (c >= 0xE0) b.lead3 |= bit;
    if (c == p[j + 1]) b.eq1 |= bit;
    if (c == p[j + 2]) b.eq2 |= bit;
  }
#endif
  return b;
}

// Bits of text[base, base + 64).
inline BlockBits Bits(const uint8_t* s, uint32_t n, uint32_t base) {
  if (base >= n) return {};
  const uint32_t avail = n - base;
  if (avail >= 66) return SimdBits(s + base);
  // The end of the text, from a zero-padded copy (the padding's bits are
  // cleared below: zero bytes are in no class, but equal each other).
  uint8_t padded[80] = {};
  std::memcpy(padded, s + base, avail);
  BlockBits b = SimdBits(padded);
  auto low = [](uint32_t len) {
    return len >= 64 ? ~uint64_t{0} : (uint64_t{1} << len) - 1;
  };
  b.eq1 &= low(avail - 1);
  b.eq2 &= avail >= 2 ? low(avail - 2) : 0;
  const uint64_t valid = low(avail);
  b.word &= valid;
  b.letterish &= valid;
  b.mask &= valid;
  b.ascii_letter &= valid;
  b.high &= valid;
  b.lead2 &= valid;
  b.lead3 &= valid;
  return b;
}

// Whether the compact view could differ from `text`: true whenever
// BuildCompactView would change something (and, rarely, when it would
// not). Most comments have no spaced single letters, no masks between
// letters and no stretched letters; telling so from bit masks of 64 bytes
// at a time costs a small part of the tokenizing and per-token analysis
// that would otherwise find nothing.
bool MayChange(absl::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const uint32_t n = static_cast<uint32_t>(text.size());
  // Single code points standing alone, chained (see the join rule).
  int chain = 0;
  uint32_t chain_end = 0;
  uint64_t prev_word = 0, prev_letterish = 0;  // bit 63 of the last block
  BlockBits cur = Bits(s, n, 0);
  for (uint32_t base = 0; base < n; base += 64) {
    const BlockBits next = Bits(s, n, base + 64);
    // x at bit j + d (d in 1..63), with the following block's bits.
    auto ahead = [](uint64_t x, uint64_t x_next, int d) {
      return (x >> d) | (x_next << (64 - d));
    };
    const uint64_t word_before = (cur.word << 1) | prev_word;
    const uint64_t letterish_before = (cur.letterish << 1) | prev_letterish;
    const uint64_t word_after1 = ahead(cur.word, next.word, 1);
    const uint64_t word_after2 = ahead(cur.word, next.word, 2);
    // Stretched letters: exactly the byte-level test of the full analysis.
    const uint64_t eq2_1 = ahead(cur.eq2, next.eq2, 1);
    const uint64_t eq2_2 = ahead(cur.eq2, next.eq2, 2);
    const uint64_t eq2_3 = ahead(cur.eq2, next.eq2, 3);
    const uint64_t stretched =
        (cur.ascii_letter & cur.eq1 & ahead(cur.eq1, next.eq1, 1)) |
        ((cur.lead2 | cur.lead3) & cur.eq2 & eq2_1 & eq2_2 & eq2_3);
    if (stretched != 0) return true;
    // Masking characters right after a letter: exact test below.
    for (uint64_t m = cur.mask & letterish_before; m != 0; m &= m - 1) {
      uint32_t r = base + static_cast<uint32_t>(absl::countr_zero(m));
      const uint32_t from = r;
      while (r < n && r - from <= kMaxMaskRun && IsMaskChar(text[r])) ++r;
      if (r - from <= kMaxMaskRun && r < n &&
          (s[r] >= 0x80 || IsAsciiLetter(text[r]))) {
        return true;
      }
    }
    // Tokens of a single code point, chained when at most kMaxJoinGap
    // bytes apart. Chaining candidates rather than tokens loses no join: a
    // token between two candidates that is not one itself has two bytes
    // or more, which puts them more than kMaxJoinGap apart.
    const uint64_t starts = cur.word & ~word_before;
    for (uint64_t t = starts & ((~cur.high & ~word_after1) |
                                (cur.lead2 & ~word_after2) | cur.lead3);
         t != 0; t &= t - 1) {
      const uint32_t at = base + static_cast<uint32_t>(absl::countr_zero(t));
      const uint32_t len = s[at] < 0x80   ? 1
                           : s[at] < 0xE0 ? 2
                           : s[at] < 0xF0 ? 3
                                          : 4;
      const uint32_t end = at + len;
      if (end > n || (end < n && IsWordByte(s[end]))) continue;
      chain = (chain > 0 && at - chain_end <= kMaxJoinGap) ? chain + 1 : 1;
      chain_end = end;
      if (chain >= static_cast<int>(kMinJoinedLetters)) return true;
    }
    prev_word = cur.word >> 63;
    prev_letterish = cur.letterish >> 63;
    cur = next;
  }
  return false;
}

}  // namespace

bool IsMaskChar(char c) {
  switch (c) {
    case '*':
    case '!':
    case '#':
    case '%':
    case '@':
    case '$':
    case '?':
    case '_':
    case '^':
    case '~':
      return true;
    default:
      return false;
  }
}

std::optional<View> BuildCompactView(const View& source) {
  const absl::string_view text = source.text();
  if (!MayChange(text)) return std::nullopt;
  const std::vector<Token>& tokens = source.tokens();
  const size_t nt = tokens.size();
  if (nt == 0) return std::nullopt;
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());

  // How each gap between token k and k+1 is treated.
  enum class Gap : uint8_t { kKeep, kJoin, kMask };
  absl::InlinedVector<Gap, 64> gaps(nt, Gap::kKeep);  // gaps[k]: after token k
  bool changed = false;

  // A gap that could glue two tokens into one masked word ("sh!t").
  auto maskable = [&](size_t g) {
    const uint32_t a = tokens[g].end, b = tokens[g + 1].begin;
    // The characters on both sides must be letters, not digits ("5*3").
    const char before = text[a - 1], after = text[b];
    if ((static_cast<unsigned char>(before) < 0x80 && !IsAsciiLetter(before)) ||
        (static_cast<unsigned char>(after) < 0x80 && !IsAsciiLetter(after))) {
      return false;
    }
    return IsMaskGap(text.substr(a, b - a));
  };
  // The script of each token made of a single letter, kOther for the rest.
  absl::InlinedVector<Script, 64> single(nt);
  for (size_t t = 0; t < nt; ++t)
    single[t] = SingleLetterScript(text, tokens[t]);
  // A single letter, not glued by a mask to a longer word ("t" in "sh!t").
  auto letter_alone = [&](size_t t) {
    return single[t] != Script::kOther &&
           !(t > 0 && single[t - 1] == Script::kOther && maskable(t - 1)) &&
           !(t + 1 < nt && single[t + 1] == Script::kOther && maskable(t));
  };
  // Single letters in a row.
  size_t k = 0;
  while (k < nt) {
    if (!letter_alone(k)) {
      ++k;
      continue;
    }
    size_t j = k;
    // Letters of one script only: "f u c k ك ل ب" is two words.
    while (j + 1 < nt && single[j + 1] == single[k] && letter_alone(j + 1) &&
           IsJoinGap(text.substr(tokens[j].end,
                                 tokens[j + 1].begin - tokens[j].end))) {
      ++j;
    }
    if (j - k + 1 >= kMinJoinedLetters) {
      for (size_t g = k; g < j; ++g) gaps[g] = Gap::kJoin;
      changed = true;
    }
    k = j + 1;
  }
  // Masks between letters.
  for (size_t g = 0; g + 1 < nt; ++g) {
    if (gaps[g] == Gap::kKeep && maskable(g)) {
      gaps[g] = Gap::kMask;
      changed = true;
    }
  }
  // Stretched letters (a cheap byte-level look first). Branch-free: a
  // repeat is rare, and a loop that exits on it mispredicts on Arabic text,
  // where every other byte repeats.
  if (!changed) {
    const size_t n = text.size();
    uint8_t stretched = 0;
    for (size_t i = 0; i + 2 < n; ++i) {
      const uint8_t a = s[i];
      stretched |= (a == s[i + 1]) & (a == s[i + 2]) &
                   (static_cast<uint8_t>((a | 0x20) - 'a') < 26);
    }
    for (size_t i = 0; i + 5 < n; ++i) {
      const uint8_t a = s[i], b = s[i + 1];
      stretched |= (a >= 0xC0) & (a == s[i + 2]) & (a == s[i + 4]) &
                   (b == s[i + 3]) & (b == s[i + 5]);
    }
    changed = stretched != 0;
  }
  if (!changed) return std::nullopt;

  ViewBuilder out(ViewId::kCompact, source);
  std::vector<Unit> word;
  auto flush = [&]() {
    // Emit the word, cutting runs of one letter to kMaxRun.
    size_t i = 0;
    while (i < word.size()) {
      size_t j = i + 1;
      if (word[i].c != 0 && IsLetter(word[i].c)) {
        while (j < word.size() && word[j].c == word[i].c) ++j;
      }
      const size_t keep = std::min(j - i, static_cast<size_t>(kMaxRun));
      for (size_t r = i; r < i + keep; ++r) {
        if (word[r].c == 0) {
          out.Append(absl::string_view(&kMaskMarker, 1), word[r].begin,
                     word[r].end);
        } else {
          out.Copy(word[r].begin, word[r].end);
        }
      }
      if (j > i + keep) out.Absorb(word[i + keep].begin, word[j - 1].end);
      i = j;
    }
    word.clear();
  };
  out.Copy(0, tokens[0].begin);
  for (size_t t = 0; t < nt; ++t) {
    int32_t i = static_cast<int32_t>(tokens[t].begin);
    while (i < static_cast<int32_t>(tokens[t].end)) {
      const uint32_t start = static_cast<uint32_t>(i);
      UChar32 c;
      U8_NEXT_UNSAFE(s, i, c);
      word.push_back({c, start, static_cast<uint32_t>(i)});
    }
    const uint32_t gap_end =
        t + 1 < nt ? tokens[t + 1].begin : static_cast<uint32_t>(text.size());
    switch (t + 1 < nt ? gaps[t] : Gap::kKeep) {
      case Gap::kJoin:
        break;  // the separators vanish; the word goes on
      case Gap::kMask:
        for (uint32_t m = tokens[t].end; m < gap_end; ++m) {
          word.push_back({0, m, m + 1});
        }
        break;
      case Gap::kKeep:
        flush();
        out.Copy(tokens[t].end, gap_end);
        break;
    }
  }
  flush();
  return std::move(out).Finish();
}

}  // namespace hakam
