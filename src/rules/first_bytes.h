// The bytes a regex's matches can start with. A text that holds none of
// them cannot match, so a scan for the regex (or for an RE2::Set of such
// regexes) can skip it without reading it through the DFA.
//
//   std::optional<ByteSet> first = MatchFirstBytes("\\bkill(?:s|ed)?\\b",
//                                                  options);
//   // first holds 'k' (and perhaps a few bytes around it: see below).
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
  bool full() const;

 private:
  std::array<uint64_t, 4> bits_{};
};

// The bytes a match of `pattern` (compiled with `options`) can start with,
// wherever in a text the match starts: at its beginning, or after a word
// character, a newline or another character (\b, \B and (?m)^ look back).
// A superset: bounds come from RE2::PossibleMatchRange, so a pattern
// starting with "t" or "w" yields t..w. nullopt when no bound is known:
// the pattern can match the empty string, RE2 gives up on it, or it does
// not compile.
std::optional<ByteSet> MatchFirstBytes(absl::string_view pattern,
                                       const RE2::Options& options);

}  // namespace hakam
