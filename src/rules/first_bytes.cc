#include "rules/first_bytes.h"

#include <string>

#include "absl/strings/match.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/string_view.h"

namespace hakam {

ByteSet ByteSet::All() {
  ByteSet s;
  s.bits_.fill(~uint64_t{0});
  return s;
}

void ByteSet::AddRange(unsigned char lo, unsigned char hi) {
  for (int b = lo; b <= hi; ++b) Add(static_cast<unsigned char>(b));
}

void ByteSet::Add(const ByteSet& other) {
  for (size_t i = 0; i < bits_.size(); ++i) bits_[i] |= other.bits_[i];
}

bool ByteSet::Intersects(const ByteSet& other) const {
  for (size_t i = 0; i < bits_.size(); ++i) {
    if ((bits_[i] & other.bits_[i]) != 0) return true;
  }
  return false;
}

bool ByteSet::empty() const {
  return (bits_[0] | bits_[1] | bits_[2] | bits_[3]) == 0;
}

namespace {

// The byte before a match, as the assertions that look back tell them
// apart (RE2's four DFA start states): none (the beginning of the text), a
// word character, a newline, any other character.
struct Context {
  absl::string_view regex;  // the byte, as RE2 syntax ("" for none)
  absl::string_view byte;   // the byte itself
};
constexpr Context kBeginning = {"", ""};
constexpr Context kAfterByte[] = {{"a", "a"}, {"\\n", "\n"}, {" ", " "}};

// Adds the first bytes of the non-empty matches of `pattern` that follow
// `context`. False when RE2 cannot bound them.
//
// The full matches of context(?:pattern)(?s:.*) are the context byte, a
// match of the pattern, and any text after it (which the pattern's \b, \B
// and $ may look at). RE2::PossibleMatchRange(min, max, n) promises
// min <= s <= max for each of them, so the byte after the context lies in
// [min[k], max[k]] (k: the context's length). In UTF-8 no match holds a
// 0xFF byte, so rounding max up never carries into the context byte.
bool AddFirstBytes(absl::string_view pattern, const Context& context,
                   const RE2::Options& options, ByteSet* out) {
  const RE2 re(absl::StrCat(context.regex, "(?:", pattern, ")(?s:.*)"),
               options);
  const size_t k = context.byte.size();
  std::string min, max;
  if (!re.ok() || !re.PossibleMatchRange(&min, &max, static_cast<int>(k) + 1)) {
    return false;  // e.g. every text matches (the pattern matches empty)
  }
  // max is the context alone: no non-empty match follows it.
  if (max == context.byte) return true;
  if (max.size() <= k || !absl::StartsWith(max, context.byte)) return false;
  unsigned char lo = 0x00;
  if (min.size() > k) {
    if (!absl::StartsWith(min, context.byte)) return false;
    lo = static_cast<unsigned char>(min[k]);
  }
  out->AddRange(lo, static_cast<unsigned char>(max[k]));
  return true;
}

}  // namespace

std::optional<ByteSet> MatchFirstBytes(absl::string_view pattern,
                                       const RE2::Options& options) {
  if (options.encoding() != RE2::Options::EncodingUTF8) return std::nullopt;
  // Wrapped in (?:...), an invalid pattern such as "a)|(b" could compile.
  if (!RE2(re2::StringPiece(pattern.data(), pattern.size()), options).ok()) {
    return std::nullopt;
  }
  ByteSet first;
  if (!AddFirstBytes(pattern, kBeginning, options, &first)) {
    return std::nullopt;
  }
  // Where a match may start depends on the byte before it only through
  // \b, \B and (?m)^ (^ and \A only narrow it to the beginning). A
  // pattern that cannot hold them is done; the others are also measured
  // after one byte of each kind those assertions tell apart.
  const bool looks_back =
      options.posix_syntax() || absl::StrContains(pattern, "\\b") ||
      absl::StrContains(pattern, "\\B") || absl::StrContains(pattern, "(?");
  if (looks_back) {
    for (const Context& context : kAfterByte) {
      if (!AddFirstBytes(pattern, context, options, &first)) {
        return std::nullopt;
      }
    }
  }
  if (first.empty()) return std::nullopt;
  return first;
}

}  // namespace hakam
