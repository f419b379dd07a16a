// Byte-class tests on 16 bytes at once (SSE2), shared by the scans that
// find words, stretched letters and masks in the view builders. Each
// returns 0xFF in the lanes that hold a byte of the class, 0 elsewhere.
// Only defined where SSE2 is; callers keep a scalar path for the rest.
//
// Thread safety: stateless.
#pragma once

#if defined(__SSE2__)
#include <emmintrin.h>

#include <cstdint>

namespace hakam::internal {

// Lanes where the byte, read unsigned, is below `limit` (0..255). SSE2 only
// compares signed bytes, so both sides are shifted by 0x80.
inline __m128i BytesBelow(__m128i x, int limit) {
  const __m128i bias = _mm_set1_epi8(static_cast<char>(0x80));
  return _mm_cmplt_epi8(_mm_xor_si128(x, bias),
                        _mm_set1_epi8(static_cast<char>(limit ^ 0x80)));
}

// ASCII letters, either case. ((x | 0x20) - 'a' < 26 holds for no byte
// >= 0x80.)
inline __m128i AsciiLetterBytes(__m128i x) {
  return BytesBelow(
      _mm_sub_epi8(_mm_or_si128(x, _mm_set1_epi8(0x20)), _mm_set1_epi8('a')),
      26);
}

inline __m128i AsciiDigitBytes(__m128i x) {
  return BytesBelow(_mm_sub_epi8(x, _mm_set1_epi8('0')), 10);
}

// The marker bytes of view.h (0x1a, 0x1c-0x1f).
inline __m128i MarkerBytes(__m128i x) {
  return _mm_or_si128(_mm_cmpeq_epi8(x, _mm_set1_epi8(0x1a)),
                      BytesBelow(_mm_sub_epi8(x, _mm_set1_epi8(0x1c)), 4));
}

// Bytes >= 0x80 (any byte of a non-ASCII code point).
inline __m128i HighBytes(__m128i x) {
  return _mm_cmplt_epi8(x, _mm_setzero_si128());
}

inline __m128i BytesEqual(__m128i x, char c) {
  return _mm_cmpeq_epi8(x, _mm_set1_epi8(c));
}

// The lanes of `m` as bits 16k..16k+15 of a 64-bit block mask (k < 4).
inline uint64_t LaneBits(__m128i m, int k) {
  return static_cast<uint64_t>(static_cast<uint16_t>(_mm_movemask_epi8(m)))
         << (16 * k);
}

// Word bytes, as IsWordByte (view.h) tells them.
inline __m128i WordBytes(__m128i x) {
  return _mm_or_si128(_mm_or_si128(AsciiLetterBytes(x), AsciiDigitBytes(x)),
                      _mm_or_si128(MarkerBytes(x), HighBytes(x)));
}

}  // namespace hakam::internal

#endif  // __SSE2__
