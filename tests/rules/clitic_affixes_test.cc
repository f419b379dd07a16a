#include "rules/clitic_affixes.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <random>
#include <string>
#include <vector>

#include "absl/strings/escaping.h"
#include "absl/strings/str_cat.h"
#include "re2/re2.h"
#include "rules/word_regex.h"

namespace hakam {
namespace {

// The oracle: the lengths L for which the token's first (last) L bytes are
// a whole prefix (suffix) the word regexes accept, from their own
// patterns. Every length is tried, so a longer affix added to a pattern
// shows.
std::vector<int> RegexLengths(absl::string_view token, const RE2& re,
                              bool at_start) {
  std::vector<int> lengths;
  for (size_t l = 0; l <= token.size(); ++l) {
    const absl::string_view part =
        at_start ? token.substr(0, l) : token.substr(token.size() - l);
    if (RE2::FullMatch(re2::StringPiece(part.data(), part.size()), re)) {
      lengths.push_back(static_cast<int>(l));
    }
  }
  return lengths;
}

const RE2& PrefixRegex() {
  static const RE2* re = new RE2(std::string(kCliticPrefix));
  return *re;
}

// The prefixes single words take: the article, or a bare ب ك ل, each
// after an optional و/ف (word_regex.cc). Together they must be exactly
// kCliticPrefix's, or the index would strip what a single word's regex
// does not accept, or miss what it does.
const RE2& SingleWordPrefixRegex() {
  static const RE2* re =
      new RE2(absl::StrCat("(?:", kCliticArticle, "|", kCliticNoArticle, ")"));
  return *re;
}

const RE2& SuffixRegex() {
  static const RE2* re = new RE2(std::string(kCliticSuffix));
  return *re;
}

std::vector<int> Sorted(const uint8_t* lengths, int count) {
  std::vector<int> v(lengths, lengths + count);
  std::sort(v.begin(), v.end());
  return v;
}

// Compares both functions with the regexes on `token`. Also checks that
// every length is a whole affix: 0 first, no duplicate, even.
void ExpectSameAsRegexes(absl::string_view token) {
  ASSERT_TRUE(PrefixRegex().ok() && SingleWordPrefixRegex().ok() &&
              SuffixRegex().ok());
  // Guard bytes past kMaxAffixLengths: the functions must not write there.
  // (They write below index 4; see kMaxAffixLengths.)
  std::array<uint8_t, kMaxAffixLengths + 3> prefixes, suffixes;
  prefixes.fill(0xEE);
  suffixes.fill(0xEE);
  const int p = CliticPrefixLengths(token, prefixes.data());
  const int s = CliticSuffixLengths(token, suffixes.data());
  ASSERT_GE(p, 1);
  ASSERT_GE(s, 1);
  ASSERT_LE(p, kMaxAffixLengths);
  ASSERT_LE(s, kMaxAffixLengths);
  for (size_t k = 4; k < prefixes.size(); ++k) {
    ASSERT_EQ(prefixes[k], 0xEE);
    ASSERT_EQ(suffixes[k], 0xEE);
  }
  EXPECT_EQ(prefixes[0], 0);
  EXPECT_EQ(suffixes[0], 0);
  EXPECT_EQ(Sorted(prefixes.data(), p),
            RegexLengths(token, PrefixRegex(), /*at_start=*/true))
      << "prefixes of " << absl::CHexEscape(token);
  EXPECT_EQ(Sorted(prefixes.data(), p),
            RegexLengths(token, SingleWordPrefixRegex(), /*at_start=*/true))
      << "single-word prefixes of " << absl::CHexEscape(token);
  EXPECT_EQ(Sorted(suffixes.data(), s),
            RegexLengths(token, SuffixRegex(), /*at_start=*/false))
      << "suffixes of " << absl::CHexEscape(token);
}

// Every affix letter, a letter next to them in the block (ت), one outside
// it (چ U+0686), an ASCII letter and a three-byte character.
const std::vector<std::string>& Alphabet() {
  static const auto* a = new std::vector<std::string>{
      "و", "ف", "ب", "ك", "ل", "ا", "ه", "م", "ن", "ي", "ت", "چ", "a", "€"};
  return *a;
}

TEST(CliticAffixesTest, EveryTokenOfUpToFourLettersAgreesWithTheWordRegexes) {
  std::vector<std::string> tokens = {""};
  size_t from = 0;
  for (int length = 1; length <= 4; ++length) {
    const size_t to = tokens.size();
    for (size_t i = from; i < to; ++i) {
      for (const std::string& letter : Alphabet()) {
        tokens.push_back(tokens[i] + letter);
      }
    }
    from = to;
  }
  ASSERT_EQ(tokens.size(), 1 + 14 + 14 * 14 + 14 * 14 * 14 + 14 * 14 * 14 * 14);
  for (const std::string& token : tokens) {
    ExpectSameAsRegexes(token);
    if (::testing::Test::HasFailure()) return;  // one report, not thousands
  }
}

// Longer tokens, where the affixes leave a stem between them, and byte
// strings that are not UTF-8 (a view never holds one, but a token is only
// bytes here): a letter's lead byte alone, a continuation byte alone, the
// two in the wrong order.
TEST(CliticAffixesTest, RandomTokensAndBrokenUtf8AgreeWithTheWordRegexes) {
  std::mt19937 rng(20261130);
  for (int i = 0; i < 20000; ++i) {
    std::string token;
    const int letters = 5 + static_cast<int>(rng() % 6);
    for (int k = 0; k < letters; ++k) token += Alphabet()[rng() % 14];
    ExpectSameAsRegexes(token);
    if (::testing::Test::HasFailure()) return;
  }
  const std::string bytes = "\xD8\xD9\x88\x84\xA7\x83\xC3\x80\xE2x";
  for (int i = 0; i < 20000; ++i) {
    std::string token;
    const int n = static_cast<int>(rng() % 10);
    for (int k = 0; k < n; ++k) token += bytes[rng() % bytes.size()];
    // Sometimes a real affix at one end, broken bytes at the other.
    if (rng() % 2) token = "وال" + token;
    if (rng() % 2) token += "هما";
    ExpectSameAsRegexes(token);
    if (::testing::Test::HasFailure()) return;
  }
}

TEST(CliticAffixesTest, ExamplesOfEachKindOfAffix) {
  std::array<uint8_t, kMaxAffixLengths> l;
  // والكتاب: و, وال.
  ASSERT_EQ(CliticPrefixLengths("والكتاب", l.data()), 3);
  EXPECT_EQ(Sorted(l.data(), 3), (std::vector<int>{0, 2, 6}));
  // وبالكتاب: و, وب, وبال.
  ASSERT_EQ(CliticPrefixLengths("وبالكتاب", l.data()), 4);
  EXPECT_EQ(Sorted(l.data(), 4), (std::vector<int>{0, 2, 4, 8}));
  // كتابهما: ه? no (ا ends it); هما.
  ASSERT_EQ(CliticSuffixLengths("كتابهما", l.data()), 2);
  EXPECT_EQ(Sorted(l.data(), 2), (std::vector<int>{0, 6}));
  // An English word has none.
  EXPECT_EQ(CliticPrefixLengths("idiot", l.data()), 1);
  EXPECT_EQ(CliticSuffixLengths("idiot", l.data()), 1);
}

}  // namespace
}  // namespace hakam
