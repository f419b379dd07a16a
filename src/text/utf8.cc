#include "text/utf8.h"

#include <simdjson.h>
#include <unicode/utf8.h>

#include <cstdint>
#include <cstring>

#include "absl/strings/str_format.h"

namespace hakam {

size_t FindInvalidUtf8(absl::string_view text) {
  // ICU's int32_t indexing reads 2 GiB at most (the request size limit is
  // far below that): past it, the text is reported invalid (see utf8.h).
  if (text.size() > static_cast<size_t>(INT32_MAX)) {
    const size_t bad = FindInvalidUtf8(text.substr(0, INT32_MAX));
    return bad < static_cast<size_t>(INT32_MAX) ? bad : INT32_MAX;
  }
  // Every comment is validated, and nearly all are valid: simdjson's
  // validator (SIMD, chosen for the CPU at run time) says so in about half
  // the time of the scan below, which is only needed to find the offset.
  if (simdjson::validate_utf8(text.data(), text.size())) return text.size();
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t length = static_cast<int32_t>(text.size());
  int32_t i = 0;
  while (i < length) {
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
  // Only if simdjson refused what ICU accepts: ICU's reading is the one
  // every later stage relies on (U8_NEXT_UNSAFE), so it decides.
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
