// UTF-8 validation and offset helpers for untrusted comment text.
//
// Comment text arrives as bytes. Before anything else looks at it, it is
// validated here so that every later stage may assume well-formed UTF-8.
//
//   absl::Status s = hakam::ValidateUtf8(text, "comment.text");
//   if (!s.ok()) return s;  // INVALID_ARGUMENT naming field and byte offset
//
// Thread safety: stateless functions, safe from any thread.
#pragma once

#include <cstddef>
#include <cstdint>
#include "absl/strings/string_view.h"

#include "absl/status/status.h"

namespace hakam {

// Returns OK if `text` is well-formed UTF-8 (no overlong forms, surrogates,
// code points above U+10FFFF, or truncated sequences). Otherwise returns
// INVALID_ARGUMENT: "<field>: invalid UTF-8 at byte offset N (byte 0xXX)".
// NUL bytes are valid UTF-8 and accepted.
absl::Status ValidateUtf8(absl::string_view text, absl::string_view field);

// Byte offset of the first invalid sequence, or text.size() if valid. Only
// the first 2 GiB (INT32_MAX bytes) are read, ICU's limit: a longer text
// valid that far is reported invalid at INT32_MAX.
size_t FindInvalidUtf8(absl::string_view text);

// Number of code points in the valid UTF-8 prefix text[0, byte_offset).
// Precondition: `text` is valid UTF-8 and byte_offset <= text.size().
uint32_t CodePointOffset(absl::string_view text, size_t byte_offset);

}  // namespace hakam
