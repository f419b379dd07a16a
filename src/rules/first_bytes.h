// The bytes a regex's non-empty matches can start with. A text that holds
// none of them holds no non-empty match, so a scan for the regex (or for
// an RE2::Set of such regexes) can skip it without running the DFA; an
// empty match never yields a hit anyway.
//
//   std::optional<ByteSet> first = MatchFirstBytes("\\bkill(?:s|ed)?\\b",
//                                                  options);
//   // *first holds 'k' (and 'l': the bounds are rounded up, see below).
//
// Thread safety: ByteSet is a value; MatchFirstBytes is stateless.
#pragma once

#include <array>
#include <cstdint>
#include <optional>

#include "absl/strings/string_view.h"
#include "re2/re2.h"

namespace hakam {

// A set of byte values.
class ByteSet {
 public:
  static ByteSet All();

  void Add(unsigned char b) { bits_[b >> 6] |= uint64_t{1} << (b & 63); }
  void AddRange(unsigned char lo, unsigned char hi);
  void Add(const ByteSet& other);

  bool Contains(unsigned char b) const {
    return (bits_[b >> 6] >> (b & 63)) & 1;
  }
  bool Intersects(const ByteSet& other) const;
  bool empty() const;

 private:
  std::array<uint64_t, 4> bits_{};
};

// The bytes a non-empty match of `pattern` (compiled with `options`) can
// start with, wherever in a text it starts: at the beginning, or after a
// word character, a newline or another character (\b, \B and (?m)^ look
// back), and whatever text follows it (\b, \B and $ look ahead). A
// superset: the bounds come from RE2::PossibleMatchRange, so a pattern
// whose matches start with "t" or "w" yields t..x. A pattern that matches
// the empty string yields about every byte, since any text may follow.
// nullopt when no bound is known: the pattern does not compile, RE2's
// analysis gives up, or `options` are not UTF-8.
std::optional<ByteSet> MatchFirstBytes(absl::string_view pattern,
                                       const RE2::Options& options);

}  // namespace hakam
