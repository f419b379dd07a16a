#include "text/utf8.h"

#include <unicode/utf8.h>

#include <cstdint>
#include <cstring>

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

#include "absl/strings/str_format.h"

namespace hakam {

size_t FindInvalidUtf8(absl::string_view text) {
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  // ICU's int32_t indexing bounds comments to 2 GiB; the request size limit
  // is far below that.
  int32_t i = 0;
  int32_t scalar_until = 0;  // after a block the fast path could not take
  while (i < length) {
#if defined(__SSE2__)
    // Sixteen bytes at a time while they are ASCII and 2-byte sequences
    // (Arabic, Latin, Greek, Cyrillic): then every byte is a lead of a
    // 2-byte sequence (C2-DF) exactly when the next one is a continuation
    // byte (80-BF), and the first is none (the scalar path below checks
    // what precedes `i`, not s[i] itself). Bytes are compared as signed:
    // 80-BF are -128..-65, C2-DF are -62..-33.
    if (i >= scalar_until && i + 17 <= length && (s[i] & 0xC0) != 0x80) {
      const __m128i a = _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i));
      const __m128i b =
          _mm_loadu_si128(reinterpret_cast<const __m128i*>(s + i + 1));
      auto gt = [](__m128i x, int v) {
        return _mm_cmpgt_epi8(x, _mm_set1_epi8(static_cast<char>(v)));
      };
      auto lt = [](__m128i x, int v) {
        return _mm_cmplt_epi8(x, _mm_set1_epi8(static_cast<char>(v)));
      };
      const __m128i lead2 = _mm_and_si128(gt(a, -63), lt(a, -32));
      const __m128i cont = lt(b, -64);
      // C0, C1 (overlong) and E0-FF (longer sequences, invalid bytes).
      const __m128i other = _mm_or_si128(_mm_and_si128(gt(a, -65), lt(a, -62)),
                                         _mm_and_si128(gt(a, -33), lt(a, 0)));
      if (_mm_movemask_epi8(
              _mm_or_si128(other, _mm_xor_si128(lead2, cont))) == 0) {
        // A lead in the last byte has its continuation at i + 16.
        i += 16 + ((_mm_movemask_epi8(cont) >> 15) & 1);
        continue;
      }
      scalar_until = i + 16;
    }
#endif
    // Fast paths for what comments are made of: eight ASCII bytes at a
    // time, and 2-byte sequences (Arabic, Latin, Greek, Cyrillic).
    uint64_t word;
    if (i + 8 <= length &&
        (std::memcpy(&word, s + i, 8), (word & 0x8080808080808080u) == 0)) {
      i += 8;
      continue;
    }
    if (s[i] < 0x80) {
      ++i;
      continue;
    }
    if (s[i] >= 0xC2 && s[i] <= 0xDF && i + 1 < length &&
        (s[i + 1] & 0xC0) == 0x80) {
      i += 2;
      continue;
    }
    const int32_t start = i;
    UChar32 c;
    U8_NEXT(s, i, length, c);
    if (c < 0) return static_cast<size_t>(start);
  }
  return text.size();
}

absl::Status ValidateUtf8(absl::string_view text, absl::string_view field) {
  if (text.size() > static_cast<size_t>(INT32_MAX)) {
    return absl::InvalidArgumentError(
        absl::StrFormat("%s: text of %d bytes exceeds 2 GiB", field,
                        text.size()));
  }
  const size_t bad = FindInvalidUtf8(text);
  if (bad == text.size()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrFormat(
      "%s: invalid UTF-8 at byte offset %d (byte 0x%02X)", field, bad,
      static_cast<uint8_t>(text[bad])));
}

uint32_t CodePointOffset(absl::string_view text, size_t byte_offset) {
  uint32_t count = 0;
  for (size_t i = 0; i < byte_offset && i < text.size(); ++i) {
    // Count every byte that is not a continuation byte (10xxxxxx).
    if ((static_cast<uint8_t>(text[i]) & 0xC0) != 0x80) ++count;
  }
  return count;
}

}  // namespace hakam
