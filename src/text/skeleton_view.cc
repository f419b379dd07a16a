#include "text/skeleton_view.h"

#include <unicode/uchar.h>
#include <unicode/utf8.h>

#include <algorithm>
#include <cstring>

#include "absl/container/inlined_vector.h"
#include "text/byte_classes.h"
#include "text/script.h"

namespace hakam {
namespace {

struct CodePoint {
  UChar32 c;
  uint32_t begin;  // source view bytes
  uint32_t end;
  Script script;
};

bool IsMark(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_M_MASK) != 0; }
bool IsFormat(UChar32 c) { return (U_GET_GC_MASK(c) & U_GC_CF_MASK) != 0; }

void AppendCodePoint(ViewBuilder& b, UChar32 c, uint32_t begin, uint32_t end) {
  char out[U8_MAX_LENGTH];
  int32_t len = 0;
  U8_APPEND_UNSAFE(out, len, c);
  b.Append(absl::string_view(out, len), begin, end);
}

// What to do with one word, decided before anything is emitted so that
// unchanged words are copied in bulk.
struct WordPlan {
  bool to_latin = false;   // fold Cyrillic/Greek look-alikes to Latin
  bool to_arabic = false;  // fold ASCII look-alikes to Arabic
  bool strip = false;      // has format characters or stacked marks
  bool mixed_script = false;
  bool digits_in_arabic = false;

  bool changes() const { return to_latin || to_arabic || strip; }
};

WordPlan Plan(const absl::InlinedVector<CodePoint, 32>& cps,
              const ConfusableTable& table) {
  int latin = 0, arabic = 0, cyrillic = 0, greek = 0, digits = 0;
  int look_alikes = 0, ascii_look_alikes = 0;
  WordPlan plan;
  Script base = Script::kOther;
  for (const CodePoint& cp : cps) {
    switch (cp.script) {
      case Script::kLatin:
        ++latin;
        break;
      case Script::kArabic:
        arabic += IsArabicLetter(cp.c) ? 1 : 0;
        break;
      case Script::kCyrillic:
        ++cyrillic;
        break;
      case Script::kGreek:
        ++greek;
        break;
      case Script::kOther:
        break;
    }
    if (cp.c >= '0' && cp.c <= '9') ++digits;
    if ((cp.script == Script::kCyrillic || cp.script == Script::kGreek) &&
        table.ToLatin(cp.c) != 0) {
      ++look_alikes;
    }
    if (cp.c < 0x80 && table.ToArabic(static_cast<char>(cp.c)) != 0) {
      ++ascii_look_alikes;
    }
    if (IsFormat(cp.c) ||
        (IsMark(cp.c) && base != Script::kArabic && base != Script::kOther)) {
      plan.strip = true;
    }
    if (!IsMark(cp.c)) base = cp.script;
  }
  plan.mixed_script =
      (latin > 0) + (arabic > 0) + (cyrillic > 0) + (greek > 0) >= 2;
  plan.digits_in_arabic = arabic > 0 && digits > 0;
  const int foreign = cyrillic + greek;
  // Latin with Cyrillic/Greek inside, or a whole word of look-alikes.
  plan.to_latin = foreign > 0 && arabic == 0 && look_alikes > 0 &&
                  (latin > 0 || (look_alikes == foreign && foreign >= 2));
  // Mostly Arabic with ASCII look-alikes inside.
  plan.to_arabic =
      arabic >= 2 && ascii_look_alikes > 0 && arabic > latin + digits;
  return plan;
}

void Emit(const absl::InlinedVector<CodePoint, 32>& cps, const WordPlan& plan,
          const ConfusableTable& table, ViewBuilder& b, TextSignals* signals) {
  Script base = Script::kOther;
  for (const CodePoint& cp : cps) {
    if (IsFormat(cp.c) ||
        (IsMark(cp.c) && base != Script::kArabic && base != Script::kOther)) {
      // Format characters, and marks stacked on Latin/Cyrillic/Greek.
      b.Absorb(cp.begin, cp.end);
      continue;
    }
    if (!IsMark(cp.c)) base = cp.script;
    UChar32 out = cp.c;
    if (plan.to_latin &&
        (cp.script == Script::kCyrillic || cp.script == Script::kGreek)) {
      if (const char l = table.ToLatin(cp.c)) out = l;
    } else if (plan.to_arabic && cp.c < 0x80) {
      if (const UChar32 a = table.ToArabic(static_cast<char>(cp.c))) out = a;
    }
    if (out != cp.c) ++signals->letters_changed;
    AppendCodePoint(b, out, cp.begin, cp.end);
  }
}

// Whether `a b`, a lead byte and its continuation byte, is a code point of
// the Arabic block, U+0600–U+06FF (leads D8–DB), other than the block's
// format characters (U+0600–U+0605, U+061C, U+06DD). A word of these alone
// is one Plan() leaves as it is: one script, no ASCII look-alike, no ASCII
// digit, no format character, and no mark stacked on another script.
constexpr bool IsArabicBlockNonFormat(uint8_t a, uint8_t b) {
  return (a & 0xFC) == 0xD8 && !(a == 0xD8 && (b <= 0x85 || b == 0x9C)) &&
         !(a == 0xDB && b == 0x9D);
}

// True if [p, end) is all ASCII, or all IsArabicBlockNonFormat code points
// (Arabic and Persian letters, Arabic marks and digits).
bool IsAsciiOrArabicBlockOnly(const uint8_t* p, const uint8_t* end) {
  const uint8_t* q = p;
  while (q < end && *q < 0x80) ++q;
  if (q == end) return true;
  if (q != p) return false;
  for (; q + 1 < end; q += 2) {
    if (!IsArabicBlockNonFormat(q[0], q[1])) return false;
  }
  return q == end;
}

// True if every word of [s, s + n) is all ASCII or all Arabic block (see
// IsAsciiOrArabicBlockOnly): no non-ASCII byte is the lead of anything but
// an IsArabicBlockNonFormat code point, and no ASCII word byte touches a
// non-ASCII byte. The common case, told in one branch-free pass, with no
// tokens.
bool AllWordsAsciiOrArabicBlock(const uint8_t* s, size_t n) {
  size_t i = 0;
  uint8_t other = 0;
#if defined(__SSE2__)
  // Sixteen bytes at a time (the compiler does not vectorize the loop
  // below).
  auto ascii_word = [&](__m128i x) {
    const __m128i letter = internal::AsciiLetterBytes(x);
    const __m128i digit = internal::AsciiDigitBytes(x);
    const __m128i marker = internal::MarkerBytes(x);
    return _mm_or_si128(_mm_or_si128(letter, digit), marker);
  };
  __m128i acc = _mm_setzero_si128();
  for (; i + 17 <= n; i += 16) {
    const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
    const __m128i b =
        _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 1));
    const __m128i a_high = _mm_cmplt_epi8(a, _mm_setzero_si128());
    const __m128i b_high = _mm_cmplt_epi8(b, _mm_setzero_si128());
    const __m128i lead =
        _mm_andnot_si128(internal::BytesBelow(a, 0xC0), a_high);
    const __m128i block =
        _mm_cmpeq_epi8(_mm_and_si128(a, _mm_set1_epi8(static_cast<char>(0xFC))),
                       _mm_set1_epi8(static_cast<char>(0xD8)));
    const __m128i format = _mm_or_si128(
        _mm_and_si128(
            internal::BytesEqual(a, static_cast<char>(0xD8)),
            _mm_or_si128(internal::BytesBelow(b, 0x86),
                         internal::BytesEqual(b, static_cast<char>(0x9C)))),
        _mm_and_si128(internal::BytesEqual(a, static_cast<char>(0xDB)),
                      internal::BytesEqual(b, static_cast<char>(0x9D))));
    const __m128i bad_lead =
        _mm_andnot_si128(_mm_andnot_si128(format, block), lead);
    acc = _mm_or_si128(acc, bad_lead);
    acc = _mm_or_si128(acc, _mm_and_si128(a_high, ascii_word(b)));
    acc = _mm_or_si128(acc, _mm_and_si128(ascii_word(a), b_high));
  }
  other = _mm_movemask_epi8(acc) != 0;
#endif
  auto ascii_word_byte = [](uint8_t c) -> uint8_t {
    return (static_cast<uint8_t>((c | 0x20) - 'a') < 26) |
           (static_cast<uint8_t>(c - '0') < 10) | (c == 0x1a) |
           (static_cast<uint8_t>(c - 0x1c) < 4);
  };
  for (; i + 1 < n; ++i) {
    const uint8_t a = s[i], b = s[i + 1];
    // After a lead byte, b is a continuation byte (0x80–0xBF).
    const uint8_t arabic = IsArabicBlockNonFormat(a, b);
    other |= ((a >= 0xC0) & (arabic ^ 1)) | ((a >= 0x80) & ascii_word_byte(b)) |
             (ascii_word_byte(a) & (b >= 0x80));
  }
  return other == 0;
}

// Puts runs under a right-to-left override back in reading order.
View ReverseOverrides(const View& source,
                      const std::vector<OriginalRange>& runs) {
  ViewBuilder b(ViewId::kSkeleton, source);
  const absl::string_view text = source.text();
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const uint32_t n = static_cast<uint32_t>(text.size());
  auto run_of = [&](uint32_t i) -> int {
    const uint32_t at = source.MapToOriginal(i, i + 1).begin;
    for (size_t r = 0; r < runs.size(); ++r) {
      if (at >= runs[r].begin && at < runs[r].end) return static_cast<int>(r);
    }
    return -1;
  };
  uint32_t i = 0;
  while (i < n) {
    const int run = run_of(i);
    uint32_t j = i + 1;
    while (j < n && run_of(j) == run) ++j;
    if (run < 0) {
      b.Copy(i, j);
    } else {
      // Reverse the code points of [i, j); every byte maps to the run.
      std::string reversed;
      int32_t k = static_cast<int32_t>(j);
      while (k > static_cast<int32_t>(i)) {
        int32_t end = k;
        U8_BACK_1_UNSAFE(s, k);
        reversed.append(text.data() + k, end - k);
      }
      b.Append(reversed, i, j);
    }
    i = j;
  }
  return std::move(b).Finish();
}

// `shortcuts`: whether words Plan() would leave as they are may be told
// from their bytes and skipped (false only for tests: see
// BuildSkeletonViewWordByWord).
std::optional<View> Build(const View& source, const ConfusableTable& table,
                          const std::vector<OriginalRange>& rlo_runs,
                          TextSignals* signals, bool shortcuts) {
  const absl::string_view text = source.text();
  // Eight bytes at a time: English comments are read to the end here.
  bool ascii = shortcuts;
  if (ascii) {
    const char* p = text.data();
    size_t k = 0;
    for (; ascii && k + 8 <= text.size(); k += 8) {
      uint64_t w;
      std::memcpy(&w, p + k, 8);
      ascii = (w & 0x8080808080808080u) == 0;
    }
    for (; ascii && k < text.size(); ++k) {
      ascii = static_cast<unsigned char>(p[k]) < 0x80;
    }
  }
  std::optional<View> result;
  if (!ascii &&
      !(shortcuts &&
        AllWordsAsciiOrArabicBlock(
            reinterpret_cast<const uint8_t*>(text.data()), text.size()))) {
    const auto* s = reinterpret_cast<const uint8_t*>(text.data());
    // Built on the first word that changes; most comments have none.
    std::optional<ViewBuilder> b;
    uint32_t done = 0;  // source bytes emitted so far
    absl::InlinedVector<CodePoint, 32> cps;
    for (const Token& t : source.tokens()) {
      // Words of plain ASCII, or of the Arabic block only (letters,
      // Persian ones too, marks and digits, but no format character), need
      // nothing: no look-alike, stripped mark or second script can be in
      // them. Most words are one or the other; tell from the bytes, before
      // decoding anything.
      if (shortcuts && IsAsciiOrArabicBlockOnly(s + t.begin, s + t.end)) {
        continue;
      }
      cps.clear();
      int32_t i = static_cast<int32_t>(t.begin);
      while (i < static_cast<int32_t>(t.end)) {
        const uint32_t start = static_cast<uint32_t>(i);
        UChar32 c;
        U8_NEXT_UNSAFE(s, i, c);
        cps.push_back({c, start, static_cast<uint32_t>(i), ScriptOf(c)});
      }
      const WordPlan plan = Plan(cps, table);
      signals->mixed_script_words += plan.mixed_script;
      signals->digits_in_arabic_words += plan.digits_in_arabic;
      if (!plan.changes()) continue;
      if (!b) b.emplace(ViewId::kSkeleton, source);
      b->Copy(done, t.begin);
      Emit(cps, plan, table, *b, signals);
      done = t.end;
    }
    if (b) {
      b->Copy(done, static_cast<uint32_t>(text.size()));
      result = std::move(*b).Finish();
    }
  }
  if (rlo_runs.empty()) return result;
  return ReverseOverrides(result ? *result : source, rlo_runs);
}

}  // namespace

std::optional<View> BuildSkeletonView(
    const View& source, const ConfusableTable& table,
    const std::vector<OriginalRange>& rlo_runs, TextSignals* signals) {
  return Build(source, table, rlo_runs, signals, /*shortcuts=*/true);
}

namespace skeleton_internal {

std::optional<View> BuildSkeletonViewWordByWord(
    const View& source, const ConfusableTable& table,
    const std::vector<OriginalRange>& rlo_runs, TextSignals* signals) {
  return Build(source, table, rlo_runs, signals, /*shortcuts=*/false);
}

}  // namespace skeleton_internal

}  // namespace hakam
