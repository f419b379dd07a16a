#include "rules/first_bytes.h"

#include <gtest/gtest.h>

#include <optional>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"

namespace hakam {
namespace {

RE2::Options Utf8() {
  RE2::Options o;
  o.set_encoding(RE2::Options::EncodingUTF8);
  o.set_log_errors(false);
  return o;
}

std::optional<ByteSet> First(const std::string& pattern) {
  return MatchFirstBytes(pattern, Utf8());
}

TEST(ByteSetTest, AddsRangesAndIntersects) {
  ByteSet s;
  EXPECT_TRUE(s.empty());
  s.AddRange('a', 'c');
  EXPECT_TRUE(s.Contains('a') && s.Contains('b') && s.Contains('c'));
  EXPECT_FALSE(s.Contains('d'));
  ByteSet high;
  high.AddRange(0xF0, 0xFF);
  EXPECT_FALSE(s.Intersects(high));
  high.Add('c');
  EXPECT_TRUE(s.Intersects(high));
  for (int b = 0; b < 256; ++b) {
    EXPECT_TRUE(ByteSet::All().Contains(static_cast<unsigned char>(b)));
  }
}

TEST(MatchFirstBytesTest, ALiteralStartsWithItsFirstByte) {
  const std::optional<ByteSet> f = First("\\bkill(?:s|ed)?\\b");
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(f->Contains('k'));
  EXPECT_FALSE(f->Contains('a'));
  EXPECT_FALSE(f->Contains(' '));
  EXPECT_FALSE(f->Contains(0xD9));
}

TEST(MatchFirstBytesTest, ArabicStartsWithItsLeadByte) {
  // ك is U+0643, D9 83 in UTF-8.
  const std::optional<ByteSet> f = First("ك+ـ*ل+ـ*ب+");
  ASSERT_TRUE(f.has_value());
  EXPECT_TRUE(f->Contains(0xD9));
  EXPECT_FALSE(f->Contains(0xD8));
  EXPECT_FALSE(f->Contains('k'));
}

TEST(MatchFirstBytesTest, CaseFoldingAndAlternationWiden) {
  const std::optional<ByteSet> folded = First("(?i)kill");
  ASSERT_TRUE(folded.has_value());
  EXPECT_TRUE(folded->Contains('K'));
  EXPECT_TRUE(folded->Contains('k'));
  const std::optional<ByteSet> either = First("(?:whatsapp|واتساب)\\d+");
  ASSERT_TRUE(either.has_value());
  EXPECT_TRUE(either->Contains('w'));
  EXPECT_TRUE(either->Contains(0xD9));  // و is U+0648, D9 88
}

TEST(MatchFirstBytesTest, LooksBehindTheStart) {
  // At the beginning of a text only y can start a match; after a word
  // character \B lets x start one, after a newline (?m)^ does, and after
  // a word character \b lets '-' start one.
  for (const char* pattern : {"\\Bx|y", "(?m:^)x|y", "\\b-|y"}) {
    const std::optional<ByteSet> f = First(pattern);
    ASSERT_TRUE(f.has_value()) << pattern;
    EXPECT_TRUE(f->Contains('y')) << pattern;
  }
  EXPECT_TRUE(First("\\Bx|y")->Contains('x'));
  EXPECT_TRUE(First("(?m:^)x|y")->Contains('x'));
  EXPECT_TRUE(First("\\b-|y")->Contains('-'));
}

TEST(MatchFirstBytesTest, LooksAheadOfTheMatch) {
  // "a" matches `a\B` only when a word character follows it, never at the
  // end of a text: the bound must hold for matches inside a text too.
  for (const char* pattern : {"a\\B|y", "ab?\\B|y", "(?:a\\b\\B)?b|y"}) {
    const std::optional<ByteSet> f = First(pattern);
    ASSERT_TRUE(f.has_value()) << pattern;
    EXPECT_TRUE(f->Contains('y')) << pattern;
  }
  EXPECT_TRUE(First("a\\B|y")->Contains('a'));
  EXPECT_TRUE(First("ab?\\B|y")->Contains('a'));
  EXPECT_TRUE(First("(?:a\\b\\B)?b|y")->Contains('b'));
}

TEST(MatchFirstBytesTest, APatternThatMatchesEmptyCanStartAnywhere) {
  // An empty match, then any text: every byte that starts a character.
  for (const char* pattern : {"x*", "(?:q|)", "a?", "^"}) {
    const std::optional<ByteSet> f = First(pattern);
    ASSERT_TRUE(f.has_value()) << pattern;
    for (int b : {0x00, 0x61, 0x7A, 0x20, 0xD9, 0xF0}) {
      EXPECT_TRUE(f->Contains(static_cast<unsigned char>(b)))
          << pattern << " " << b;
    }
  }
}

TEST(MatchFirstBytesTest, NoBoundForBadOrEmptyOnlyPatterns) {
  for (const char* pattern : {"(", "a)|(b", "x\\", "$", "\\z"}) {
    EXPECT_FALSE(First(pattern).has_value()) << pattern;
  }
  RE2::Options latin1 = Utf8();
  latin1.set_encoding(RE2::Options::EncodingLatin1);
  EXPECT_FALSE(MatchFirstBytes("kill", latin1).has_value());
}

// The contract, on random patterns and texts: wherever a non-empty match
// starts, after whatever byte, its first byte is in the set.
TEST(MatchFirstBytesTest, EveryMatchStartsWithAByteOfTheSet) {
  const std::vector<std::string> atoms = {
      "a",   "b",   "x",   "ك",      "ل",      "\\d",  "[a-c]", "[^a]",
      ".",   "\\W", "\\s", "_",      "-",      " ",    "\\w",   "\\b",
      "\\B", "^",   "$",   "(?m:^)", "(?m:$)", "\\pL", "[ك-ن]", "A"};
  const std::vector<std::string> repeats = {"",  "",  "",      "*",
                                            "+", "?", "{0,2}", "{2}"};
  const std::vector<std::string> text_pieces = {
      "a", "b", "x", "A", "ك", "ل", "م", "1", "_", "-", " ", "\n", "é"};
  std::mt19937 rng(20261129);
  auto pick = [&](const std::vector<std::string>& v) {
    return v[std::uniform_int_distribution<size_t>(0, v.size() - 1)(rng)];
  };
  auto piece = [&]() {
    std::string out;
    const int n = 1 + static_cast<int>(rng() % 3);
    for (int i = 0; i < n; ++i)
      absl::StrAppend(&out, pick(atoms), pick(repeats));
    return out;
  };
  int bounded = 0;
  int checked_matches = 0;
  for (int round = 0; round < 1500; ++round) {
    std::string pattern = piece();
    if (rng() % 3 == 0) pattern = absl::StrCat("(?:", pattern, ")|", piece());
    if (rng() % 5 == 0) pattern = absl::StrCat("(?i)", pattern);
    const RE2 re(pattern, Utf8());
    if (!re.ok()) continue;
    const std::optional<ByteSet> first = MatchFirstBytes(pattern, Utf8());
    if (first) ++bounded;
    for (int t = 0; t < 8; ++t) {
      std::string text;
      const int len = static_cast<int>(rng() % 12);
      for (int i = 0; i < len; ++i) text += pick(text_pieces);
      for (size_t pos = 0; pos <= text.size(); ++pos) {
        if (pos < text.size() && (text[pos] & 0xC0) == 0x80) continue;
        re2::StringPiece m;
        if (!re.Match(text, pos, text.size(), RE2::ANCHOR_START, &m, 1)) {
          continue;
        }
        if (m.empty()) continue;
        ++checked_matches;
        ASSERT_TRUE(!first ||
                    first->Contains(static_cast<unsigned char>(text[pos])))
            << "pattern " << pattern << " matches '" << m << "' at " << pos
            << " of '" << text << "', first byte not in the set";
      }
    }
  }
  // Not vacuous: many patterns got a bound, and many matches were checked.
  EXPECT_GT(bounded, 300);
  EXPECT_GT(checked_matches, 3000);
}

}  // namespace
}  // namespace hakam
