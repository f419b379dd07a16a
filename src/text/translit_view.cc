#include "text/translit_view.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstring>
#include <string>

#include "absl/container/inlined_vector.h"
#include "absl/numeric/bits.h"
#include "absl/strings/ascii.h"
#include "text/byte_classes.h"

namespace hakam {
namespace {

// Bytes that can be part of a Latin word written with leet or Arabizi.
// Read only by the scalar paths where SSE2 is missing; the SSE2 paths
// test the same classes.
[[maybe_unused]] constexpr std::array<bool, 256> kChunkBytes = [] {
  std::array<bool, 256> t{};
  for (int c = '0'; c <= '9'; ++c) t[c] = true;
  for (int c = 'a'; c <= 'z'; ++c) t[c] = t[c - 'a' + 'A'] = true;
  for (char c : {'@', '$', '!', '|', '+', '\''})
    t[static_cast<unsigned char>(c)] = true;
  return t;
}();

// Words that only Arabizi writers use; one of them makes the comment
// Arabizi even without digits.
constexpr std::array<absl::string_view, 18> kMarkerWords = {
    "enta", "inta",   "ente",    "enti",  "inti",   "entu",
    "intu", "wallah", "wallahi", "walla", "yalla",  "mesh",
    "mish", "msh",    "shu",     "shou",  "khalas", "habibi"};

// A word of up to 7 bytes as one integer, first byte lowest. Distinct
// words have distinct keys: no view holds a NUL byte.
constexpr uint64_t WordKey(absl::string_view w) {
  uint64_t key = 0;
  for (size_t k = 0; k < w.size(); ++k) {
    key |= uint64_t{static_cast<unsigned char>(w[k])} << (8 * k);
  }
  return key;
}

// The marker words' keys in a hash table without collisions: every word
// of a comment is looked up, and one multiply and one compare have none
// of the branches of comparing strings.
struct MarkerTable {
  uint64_t multiplier = 0;
  std::array<uint64_t, 64> slots{};  // 0: empty (no key is 0)
  static constexpr uint32_t Slot(uint64_t key, uint64_t multiplier) {
    return static_cast<uint32_t>((key * multiplier) >> 58);
  }
};
constexpr MarkerTable kMarkerTable = [] {
  uint64_t multiplier = 0x9E3779B97F4A7C15u;
  for (;;) {
    MarkerTable t;
    t.multiplier = multiplier;
    bool collision = false;
    for (absl::string_view w : kMarkerWords) {
      uint64_t& slot = t.slots[MarkerTable::Slot(WordKey(w), multiplier)];
      collision = collision || slot != 0;
      slot = WordKey(w);
    }
    if (!collision) return t;
    multiplier = multiplier * 6364136223846793005u + 1442695040888963407u;
    multiplier |= 1;
  }
}();

// Whether text[begin, end) is one of kMarkerWords. Without a branch on the
// length where eight bytes can be read: it is asked of every Latin word,
// and a branch on "longer than seven" went both ways (16% of the corpus'
// English words are).
bool IsArabiziMarkerWord(absl::string_view text, uint32_t begin, uint32_t end) {
  const uint32_t len = end - begin;
  uint64_t key;
  if (std::endian::native == std::endian::little && begin + 8 <= text.size()) {
    std::memcpy(&key, text.data() + begin, 8);
    // Lengths outside 3..7 are refused below, whatever the key.
    key &= ~(~uint64_t{0} << (8 * (len & 7)));
  } else {
    if (len > 7) return false;
    key = WordKey(text.substr(begin, len));
  }
  return (len - 3 <= 4) &
         (kMarkerTable.slots[MarkerTable::Slot(key, kMarkerTable.multiplier)] ==
          key);
}

// The end of the word [begin, end) once its trailing punctuation is cut
// ("idiot!", "yes'", "ok+"): punctuation, not leet. A trailing $ stays
// ("a$$"). Returns `begin` if nothing is left.
uint32_t CutTrailingPunctuation(absl::string_view text, uint32_t begin,
                                uint32_t end) {
  while (end > begin &&
         !absl::ascii_isalnum(static_cast<unsigned char>(text[end - 1])) &&
         text[end - 1] != '$') {
    --end;
  }
  return end;
}

// Digits followed by a unit or ordinal suffix ("45s", "3d", "5g", "2nd").
bool IsNumberWithSuffix(absl::string_view w) {
  size_t i = 0;
  while (i < w.size() && absl::ascii_isdigit(static_cast<unsigned char>(w[i])))
    ++i;
  if (i == 0) return false;
  static constexpr std::array<absl::string_view, 14> kSuffixes = {
      "",  "s",  "d",  "k",  "g",  "m",  "h",
      "x", "th", "st", "nd", "rd", "am", "pm"};
  const absl::string_view suffix = w.substr(i);
  return std::find(kSuffixes.begin(), kSuffixes.end(), suffix) !=
         kSuffixes.end();
}

// Per 64 bytes of the source view, bit j for byte base + j (none past the
// end of the text). The chunk scan works on these rather than byte by
// byte: a byte loop that exits at every word end mispredicts once per word.
struct ByteBits {
  uint64_t chunk = 0;   // kChunkBytes
  uint64_t letter = 0;  // ASCII letter
  uint64_t digit = 0;
  uint64_t symbol = 0;  // a chunk byte other than a letter, digit or '
  // An apostrophe (don't, who're) is a word boundary in every view
  // already: alone it does not make this view needed, though a view built
  // anyway reads it as a space inside a word (see Reading).
  uint64_t apostrophe = 0;
  uint64_t high = 0;           // non-ASCII
  uint64_t arabizi_digit = 0;  // 2 3 5 6 7 8 9: Arabizi letters
  uint64_t word = 0;           // IsWordByte
};
using BitBlocks = absl::InlinedVector<ByteBits, 16>;

// Bits of the 64 bytes at p.
ByteBits SimdBits(const uint8_t* p) {
  ByteBits b;
#if defined(__SSE2__)
  constexpr auto eq = internal::BytesEqual;
  constexpr auto bits = internal::LaneBits;
  for (int k = 0; k < 4; ++k) {
    const __m128i x =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
    // (x | 0x20) - 'a' < 26 holds for no byte >= 0x80.
    const __m128i letter = internal::AsciiLetterBytes(x);
    const __m128i digit = internal::AsciiDigitBytes(x);
    // @ $ ! | +
    const __m128i symbol =
        _mm_or_si128(_mm_or_si128(_mm_or_si128(eq(x, '@'), eq(x, '$')),
                                  _mm_or_si128(eq(x, '!'), eq(x, '|'))),
                     eq(x, '+'));
    const __m128i not_arabizi =
        _mm_or_si128(_mm_or_si128(eq(x, '0'), eq(x, '1')), eq(x, '4'));
    b.letter |= bits(letter, k);
    b.digit |= bits(digit, k);
    b.symbol |= bits(symbol, k);
    const __m128i apostrophe = eq(x, '\'');
    b.apostrophe |= bits(apostrophe, k);
    b.chunk |= bits(_mm_or_si128(_mm_or_si128(letter, digit),
                                 _mm_or_si128(symbol, apostrophe)),
                    k);
    b.high |= bits(internal::HighBytes(x), k);
    b.arabizi_digit |= bits(_mm_andnot_si128(not_arabizi, digit), k);
    b.word |= bits(internal::WordBytes(x), k);
  }
#else
  for (int j = 0; j < 64; ++j) {
    const uint8_t c = p[j];
    const uint64_t bit = uint64_t{1} << j;
    const bool letter = (c | 0x20) >= 'a' && (c | 0x20) <= 'z';
    const bool digit = c >= '0' && c <= '9';
    if (kChunkBytes[c]) b.chunk |= bit;
    if (letter) b.letter |= bit;
    if (digit) b.digit |= bit;
    if (kChunkBytes[c] && !letter && !digit && c != '\'') b.symbol |= bit;
    if (c == '\'') b.apostrophe |= bit;
    if (c >= 0x80) b.high |= bit;
    // 2 3 5 6 7 8 9: the digits Arabizi writes letters with.
    if (digit && c != '0' && c != '1' && c != '4') b.arabizi_digit |= bit;
    if (IsWordByte(c)) b.word |= bit;
  }
#endif
  return b;
}

// Which of two classes the bytes [s, s + n) hold.
struct AsciiScan {
  bool letter = false;     // an ASCII letter, either case
  bool non_ascii = false;  // a byte >= 0x80
};

// The view's first question, asked of every comment: an Arabic comment
// has no ASCII letter, and telling so needs only these two classes, read
// 16 bytes at a time, not ComputeBits' seven.
AsciiScan ScanAscii(const uint8_t* s, uint32_t n) {
  AsciiScan scan;
  uint32_t i = 0;
#if defined(__SSE2__)
  __m128i letters = _mm_setzero_si128(), highs = _mm_setzero_si128();
  for (; i + 16 <= n; i += 16) {
    const __m128i x = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    letters = _mm_or_si128(letters, internal::AsciiLetterBytes(x));
    highs = _mm_or_si128(highs, internal::HighBytes(x));
  }
  scan.letter = _mm_movemask_epi8(letters) != 0;
  scan.non_ascii = _mm_movemask_epi8(highs) != 0;
#endif
  for (; i < n; ++i) {
    scan.letter |= static_cast<uint8_t>((s[i] | 0x20) - 'a') < 26;
    scan.non_ascii |= s[i] >= 0x80;
  }
  return scan;
}

// Whether some chunk of the ASCII `text` may have a reading: one with a
// letter and a digit or leet symbol (once trailing punctuation is cut, as
// BuildTranslitView cuts it), or an Arabizi marker word. False means the
// view is not needed. Asked of every English comment, so told from three
// bit masks per 64 bytes and a few operations per chunk, not from
// ComputeBits' seven masks and a Chunk each: most such comments have
// neither.
bool MayHaveReading(absl::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const uint32_t n = static_cast<uint32_t>(text.size());
  struct Masks {
    uint64_t chunk = 0, letter = 0, other = 0;  // other: digits, @ $ ! | +
  };
  auto masks_of = [](const uint8_t* p) {
    Masks m;
#if defined(__SSE2__)
    constexpr auto eq = internal::BytesEqual;
    for (int k = 0; k < 4; ++k) {
      const __m128i x =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(p + 16 * k));
      const __m128i letter = internal::AsciiLetterBytes(x);
      const __m128i other =
          _mm_or_si128(_mm_or_si128(internal::AsciiDigitBytes(x), eq(x, '+')),
                       _mm_or_si128(_mm_or_si128(eq(x, '@'), eq(x, '$')),
                                    _mm_or_si128(eq(x, '!'), eq(x, '|'))));
      m.letter |= internal::LaneBits(letter, k);
      m.other |= internal::LaneBits(other, k);
      m.chunk |= internal::LaneBits(
          _mm_or_si128(_mm_or_si128(letter, other), eq(x, '\'')), k);
    }
#else
    for (int j = 0; j < 64; ++j) {
      const uint8_t c = p[j];
      const bool letter = static_cast<uint8_t>((c | 0x20) - 'a') < 26;
      m.chunk |= uint64_t{kChunkBytes[c]} << j;
      m.letter |= uint64_t{letter} << j;
      m.other |= uint64_t{kChunkBytes[c] && !letter && c != '\''} << j;
    }
#endif
    return m;
  };
  uint32_t begin = 0;
  Masks m;
  uint32_t base = 0;  // of the block `m` holds
  // The chunk [begin, end), which ends in the block at `base`.
  auto may_have_reading = [&](uint32_t end) {
    end = CutTrailingPunctuation(text, begin, end);
    if (end == begin) return false;
    bool letter, other;
    if (begin >= base) {
      const uint64_t in = (~uint64_t{0} << (begin - base)) &
                          (~uint64_t{0} >> (63 - (end - 1 - base)));
      letter = (m.letter & in) != 0;
      other = (m.other & in) != 0;
    } else {
      // Across blocks (rare): byte by byte.
      letter = other = false;
      for (uint32_t i = begin; i < end; ++i) {
        const bool l = static_cast<uint8_t>((s[i] | 0x20) - 'a') < 26;
        letter |= l;
        other |= !l && s[i] != '\'';
      }
    }
    return (letter && other) || IsArabiziMarkerWord(text, begin, end);
  };
  uint64_t carry = 0;  // whether the byte before the block is a chunk byte
  uint8_t padded[64];
  for (; base < n; base += 64) {
    const uint8_t* block = s + base;
    if (n - base < 64) {
      // Zero bytes are in no class: the padding ends the last chunk.
      std::memset(padded, 0, sizeof(padded));
      std::memcpy(padded, s + base, n - base);
      block = padded;
    }
    m = masks_of(block);
    uint64_t edges = m.chunk ^ ((m.chunk << 1) | carry);
    carry = m.chunk >> 63;
    while (edges != 0) {
      const uint32_t at = static_cast<uint32_t>(absl::countr_zero(edges));
      edges &= edges - 1;
      if ((m.chunk >> at) & 1) {
        begin = base + at;
      } else if (may_have_reading(base + at)) {
        return true;
      }
    }
  }
  if (!carry) return false;
  // A chunk that runs to the end of a text of whole blocks.
  base = n - 64;
  return may_have_reading(n);
}

BitBlocks ComputeBits(const uint8_t* s, uint32_t n) {
  BitBlocks blocks((n + 63) / 64);
  uint32_t base = 0;
  for (; base + 64 <= n; base += 64) blocks[base / 64] = SimdBits(s + base);
  if (base < n) {
    // Zero bytes are in no class: the padding sets no bit.
    uint8_t padded[64] = {};
    std::memcpy(padded, s + base, n - base);
    blocks[base / 64] = SimdBits(padded);
  }
  return blocks;
}

// Whether any bit of `field` is set for bytes [begin, end), begin < end.
inline bool AnyIn(const BitBlocks& blocks, uint64_t ByteBits::*field,
                  uint32_t begin, uint32_t end) {
  const uint32_t first = begin / 64, last = (end - 1) / 64;
  const uint64_t from = ~uint64_t{0} << (begin % 64);
  const uint64_t to = ~uint64_t{0} >> (63 - (end - 1) % 64);
  if (first == last) return (blocks[first].*field & from & to) != 0;
  if (blocks[first].*field & from) return true;
  for (uint32_t k = first + 1; k < last; ++k) {
    if (blocks[k].*field) return true;
  }
  return (blocks[last].*field & to) != 0;
}

// The first position of [from, to) whose bit of `field` is `value`, or
// `to` if none is; `to` is at most the text's length.
uint32_t FindBit(const BitBlocks& blocks, uint64_t ByteBits::*field,
                 bool value, uint32_t from, uint32_t to) {
  for (uint32_t k = from / 64; 64 * k < to; ++k) {
    uint64_t w = value ? blocks[k].*field : ~(blocks[k].*field);
    if (k == from / 64) w &= ~uint64_t{0} << (from % 64);
    if (w != 0) {
      return std::min(to, 64 * k + static_cast<uint32_t>(absl::countr_zero(w)));
    }
  }
  return to;
}

// A maximal run of chunk bytes: [begin, end) in the source view.
struct Chunk {
  uint32_t begin;
  uint32_t end;
  bool has_letter = false;
  bool has_digit = false;
  bool has_symbol = false;  // other than an apostrophe
  bool has_apostrophe = false;
  bool arabizi_digit_in_word = false;
};

// The leet or Arabizi reading of a chunk.
std::string Reading(absl::string_view text, const Chunk& c, bool leet) {
  std::string result;
  uint32_t i = c.begin;
  while (i < c.end) {
    const char ch = text[i];
    const char next = i + 1 < c.end ? text[i + 1] : 0;
    if (leet) {
      absl::string_view out;
      switch (ch) {
        case '@':
        case '4':
          out = "a";
          break;
        case '3':
          out = "e";
          break;
        case '1':
        case '|':
          out = absl::string_view(&kIOrLMarker, 1);
          break;
        case '!':
          // Only inside a word: a final "!" is punctuation.
          out = (i + 1 < c.end) ? "i" : "";
          break;
        case '0':
          out = "o";
          break;
        case '$':
        case '5':
          out = "s";
          break;
        case '7':
        case '+':
          out = "t";
          break;
        case '\'':
          out = " ";
          break;  // who're, he'll: not leet
        default:
          out = absl::string_view(&text[i], 1);
          break;
      }
      result.append(out.data(), out.size());
      ++i;
      continue;
    }
    // Arabizi: digraphs first.
    absl::string_view out;
    uint32_t len = 1;
    const char pair[3] = {ch, next, 0};
    const absl::string_view p(pair, 2);
    if (p == "sh" || p == "ch") {
      out = "ش";
      len = 2;
    } else if (p == "kh" || p == "7'" || p == "5'") {
      out = "خ";
      len = 2;
    } else if (p == "gh" || p == "3'") {
      out = "غ";
      len = 2;
    } else if (p == "th") {
      out = "ث";
      len = 2;
    } else if (p == "dh") {
      out = "ذ";
      len = 2;
    } else if (p == "9'") {
      out = "ض";
      len = 2;
    } else if (p == "6'") {
      out = "ظ";
      len = 2;
    } else {
      switch (ch) {
        case 'a':
        case '@':
          out = absl::string_view(&kVowelAMarker, 1);
          break;
        case 'e':
        case 'i':
          out = absl::string_view(&kVowelIMarker, 1);
          break;
        case 'o':
        case 'u':
          out = absl::string_view(&kVowelUMarker, 1);
          break;
        case 'b':
        case 'p':
          out = "ب";
          break;
        case 't':
          out = "ت";
          break;
        case 'j':
        case 'g':
          out = "ج";
          break;
        case 'h':
          out = "ه";
          break;
        case 'd':
          out = "د";
          break;
        case 'r':
          out = "ر";
          break;
        case 'z':
          out = "ز";
          break;
        case 's':
        case '$':
          out = "س";
          break;
        case 'f':
        case 'v':
          out = "ف";
          break;
        case 'q':
        case '8':
          out = "ق";
          break;
        case 'k':
        case 'c':
          out = "ك";
          break;
        case 'l':
          out = "ل";
          break;
        case 'm':
          out = "م";
          break;
        case 'n':
          out = "ن";
          break;
        case 'w':
          out = "و";
          break;
        case 'y':
          out = "ي";
          break;
        case 'x':
          out = "كس";
          break;
        case '2':
          out = "ء";
          break;
        case '3':
          out = "ع";
          break;
        case '4':
          out = "غ";
          break;
        case '5':
          out = "خ";
          break;
        case '6':
          out = "ط";
          break;
        case '7':
          out = "ح";
          break;
        case '9':
          out = "ص";
          break;
        default:
          out = "";
          break;  // 0, 1, symbols
      }
    }
    // Doubled letters and long vowels are written once (Arabic has no
    // doubled letters in writing): skip a repeat of the same reading.
    uint32_t end = i + len;
    while (end + len <= c.end && text.substr(end, len) == text.substr(i, len)) {
      end += len;
    }
    // "ou", "oo", "ee", "ei": one vowel marker.
    if (len == 1 && out.size() == 1 && out[0] >= kVowelAMarker &&
        out[0] <= kVowelUMarker) {
      while (end < c.end && ((out[0] == kVowelUMarker &&
                              (text[end] == 'o' || text[end] == 'u')) ||
                             (out[0] == kVowelIMarker &&
                              (text[end] == 'e' || text[end] == 'i')))) {
        ++end;
      }
    }
    result.append(out.data(), out.size());
    i = end;
  }
  return result;
}

}  // namespace

std::optional<View> BuildTranslitView(const View& source) {
  const absl::string_view text = source.text();
  const uint32_t n = static_cast<uint32_t>(text.size());
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  // Every kept chunk has an ASCII letter; most Arabic comments have none.
  const AsciiScan scan = ScanAscii(s, n);
  const bool any_non_ascii = scan.non_ascii;
  if (!scan.letter) {
    if (!any_non_ascii) return std::nullopt;
    return View::FromMap(ViewId::kTranslit, "", {}, source.original_size());
  }
  // English with no word to read: the view is not needed (as below, with
  // any_leet and arabizi false), told without ComputeBits' classes.
  if (!any_non_ascii && !MayHaveReading(text)) return std::nullopt;
  const BitBlocks bits = ComputeBits(s, n);
  std::vector<Chunk> chunks;
  {
    size_t starts = 0;
    uint64_t carry = 0;
    for (const ByteBits& b : bits) {
      starts += absl::popcount(b.chunk & ~((b.chunk << 1) | carry));
      carry = b.chunk >> 63;
    }
    chunks.reserve(starts);  // one allocation, not one per doubling
  }
  bool arabizi = false;
  auto add_chunk = [&](uint32_t begin, uint32_t end) {
    // Trailing symbols ("idiot!", "yes'", "ok+") are punctuation, not
    // leet: cut before the chunk's bytes are classified, so that they do
    // not make the view needed.
    end = CutTrailingPunctuation(text, begin, end);
    if (end == begin) return;
    Chunk c{begin, end};
    if (begin / 64 == (end - 1) / 64) {
      const ByteBits& block = bits[begin / 64];
      const uint64_t in = (~uint64_t{0} << (begin % 64)) &
                          (~uint64_t{0} >> (63 - (end - 1) % 64));
      c.has_letter = (block.letter & in) != 0;
      c.has_digit = (block.digit & in) != 0;
      c.has_symbol = (block.symbol & in) != 0;
      c.has_apostrophe = (block.apostrophe & in) != 0;
    } else {
      c.has_letter = AnyIn(bits, &ByteBits::letter, begin, end);
      c.has_digit = AnyIn(bits, &ByteBits::digit, begin, end);
      c.has_symbol = AnyIn(bits, &ByteBits::symbol, begin, end);
      c.has_apostrophe = AnyIn(bits, &ByteBits::apostrophe, begin, end);
    }
    if (c.has_digit &&
        IsNumberWithSuffix(text.substr(c.begin, c.end - c.begin))) {
      return;  // 45s, 3d, 5g, 10th: numbers, neither leet nor Arabizi
    }
    if (c.has_letter) {
      c.arabizi_digit_in_word =
          c.has_digit && AnyIn(bits, &ByteBits::arabizi_digit, c.begin, c.end);
      arabizi = arabizi || c.arabizi_digit_in_word ||
                IsArabiziMarkerWord(text, c.begin, c.end);
      chunks.push_back(c);
    }
  };
  // Chunks start and end where the chunk bits change; text starts outside
  // a chunk, so the changes alternate start, end, start...
  uint32_t chunk_begin = 0;
  uint64_t carry = 0;  // whether the byte before the block is a chunk byte
  for (uint32_t k = 0; k < bits.size(); ++k) {
    const uint64_t chunk = bits[k].chunk;
    uint64_t edges = chunk ^ ((chunk << 1) | carry);
    carry = chunk >> 63;
    while (edges != 0) {
      const uint32_t at = static_cast<uint32_t>(absl::countr_zero(edges));
      edges &= edges - 1;
      if ((chunk >> at) & 1) {
        chunk_begin = 64 * k + at;
      } else {
        add_chunk(chunk_begin, 64 * k + at);
      }
    }
  }
  if (carry) add_chunk(chunk_begin, n);
  // An apostrophe alone does not make the view needed (see ByteBits); once
  // it is built, a word with one is read like any other leet word, its
  // apostrophes as spaces.
  const bool any_leet =
      std::any_of(chunks.begin(), chunks.end(),
                  [](const Chunk& c) { return c.has_digit || c.has_symbol; });
  auto has_reading = [](const Chunk& c) {
    return c.has_digit || c.has_symbol || c.has_apostrophe;
  };
  if (!any_non_ascii && !any_leet && !arabizi) return std::nullopt;
  if (chunks.empty()) {
    // Nothing written in Latin letters: an empty view, so Arabizi spellings
    // never meet Arabic-script text.
    return ViewBuilder(ViewId::kTranslit, source).Finish();
  }

  ViewBuilder b(ViewId::kTranslit, source);
  uint32_t done = 0;
  // Copies source [from, to) but leaves non-ASCII words out.
  auto copy_gap = [&](uint32_t from, uint32_t to) {
    if (from >= to) return;
    if (!AnyIn(bits, &ByteBits::high, from, to)) {
      b.Copy(from, to);
      return;
    }
    // Runs of ASCII, copied, and words from a non-ASCII byte on (word
    // bytes, IsWordByte), each a space; found from the bits, a byte loop
    // that stopped at every word mispredicted there.
    for (uint32_t k = from; k < to;) {
      const uint32_t word = FindBit(bits, &ByteBits::high, true, k, to);
      if (word > k) b.Copy(k, word);
      if (word == to) break;
      k = FindBit(bits, &ByteBits::word, false, word, to);
      b.Append(" ", word, k);
    }
  };
  for (const Chunk& c : chunks) {
    copy_gap(done, c.begin);
    // Every byte of a reading maps to the whole word: the two readings
    // of one word cannot each map to their own letters and stay in order.
    if (arabizi) {
      std::string both =
          has_reading(c)
              ? Reading(text, c, /*leet=*/true)
              : std::string(text.substr(c.begin, c.end - c.begin));
      both += ' ';
      both += Reading(text, c, /*leet=*/false);
      b.Append(both, c.begin, c.end);
    } else if (has_reading(c)) {
      b.Append(Reading(text, c, /*leet=*/true), c.begin, c.end);
    } else {
      b.Copy(c.begin, c.end);
    }
    done = c.end;
  }
  copy_gap(done, n);
  return std::move(b).Finish();
}

}  // namespace hakam
