#include "text/translit_view.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <array>
#include <memory>
#include <optional>
#include <random>
#include <set>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "absl/strings/ascii.h"
#include "absl/strings/string_view.h"
#include "text/normalizer.h"

namespace hakam {
namespace {

// When English text needs the view, as translit_view.h specifies it, read
// byte by byte with none of the view's shortcuts: some word (a maximal run
// of letters, digits, ' @ $ ! | +, with trailing punctuation other than $
// cut off) has a letter and a digit or symbol, and is not a number with a
// unit (45s, 2nd); or is an Arabizi marker word.
bool EnglishNeedsView(absl::string_view text) {
  auto chunk_byte = [](char c) {
    return absl::ascii_isalnum(static_cast<unsigned char>(c)) ||
           absl::string_view("'@$!|+").find(c) != absl::string_view::npos;
  };
  static constexpr std::array<absl::string_view, 18> kMarkers = {
      "enta", "inta",   "ente",    "enti",  "inti",   "entu",
      "intu", "wallah", "wallahi", "walla", "yalla",  "mesh",
      "mish", "msh",    "shu",     "shou",  "khalas", "habibi"};
  auto number_with_unit = [](absl::string_view w) {
    size_t i = 0;
    while (i < w.size() &&
           absl::ascii_isdigit(static_cast<unsigned char>(w[i])))
      ++i;
    static constexpr std::array<absl::string_view, 14> kUnits = {
        "",  "s",  "d",  "k",  "g",  "m",  "h",
        "x", "th", "st", "nd", "rd", "am", "pm"};
    return i > 0 &&
           std::find(kUnits.begin(), kUnits.end(), w.substr(i)) != kUnits.end();
  };
  size_t i = 0;
  while (i < text.size()) {
    if (!chunk_byte(text[i])) {
      ++i;
      continue;
    }
    size_t end = i;
    while (end < text.size() && chunk_byte(text[end])) ++end;
    const size_t next = end;
    while (end > i &&
           !absl::ascii_isalnum(static_cast<unsigned char>(text[end - 1])) &&
           text[end - 1] != '$') {
      --end;
    }
    const absl::string_view word = text.substr(i, end - i);
    i = next;
    bool letter = false, digit = false, symbol = false;
    for (char c : word) {
      letter |= absl::ascii_isalpha(static_cast<unsigned char>(c));
      digit |= absl::ascii_isdigit(static_cast<unsigned char>(c));
      symbol |= absl::string_view("@$!|+").find(c) != absl::string_view::npos;
    }
    if (!letter || (digit && number_with_unit(word))) continue;
    if (digit || symbol ||
        std::find(kMarkers.begin(), kMarkers.end(), word) != kMarkers.end()) {
      return true;
    }
  }
  return false;
}

class TranslitViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto n = Normalizer::Create();
    ASSERT_TRUE(n.ok()) << n.status();
    normalizer_ = *std::move(n);
  }
  // Whether the view is built over `text`'s skeleton view (`*built`), and
  // that view's text (`*source_text`).
  void Build(absl::string_view text, bool* built, std::string* source_text) {
    auto t = normalizer_->Normalize(text, ViewBit(ViewId::kSkeleton));
    ASSERT_TRUE(t.ok()) << t.status();
    const View& source = t->view(ViewId::kSkeleton);
    *source_text = std::string(source.text());
    *built = BuildTranslitView(source).has_value();
  }
  // Expects the view built over `text` exactly when EnglishNeedsView says;
  // returns whether it was.
  bool ExpectAsSpecified(absl::string_view text) {
    bool built = false;
    std::string source;
    Build(text, &built, &source);
    EXPECT_EQ(built, EnglishNeedsView(source))
        << "[" << std::string(text) << "]";
    return built;
  }
  std::unique_ptr<const Normalizer> normalizer_;
};

TEST_F(TranslitViewTest, EnglishNeedsTheViewOnlyForAWordToRead) {
  for (absl::string_view text :
       {"you are an idiot", "idiot!", "what?! no!!", "don't you dare",
        "'quoted' words", "in 2003 and 45s, the 2nd time", "a + b | c",
        "!!! @@@ $$$", "wallah's", "entail"}) {
    EXPECT_FALSE(ExpectAsSpecified(text)) << text;
  }
  for (absl::string_view text :
       {"sh!t", "a$$hole", "1d10t", "b1tch please", "ya 7mar", "enta kalb",
        "yalla", "mesh", "you are f|lth", "kalb 5ara", "enta's kalb enta",
        "enta'", "ENTA"}) {
    EXPECT_TRUE(ExpectAsSpecified(text)) << text;
  }
}

// Words that cross a 64-byte block and ones that end the text exactly at a
// block's end, where the view's word scan carries a word over.
TEST_F(TranslitViewTest, WordsAtBlockEdges) {
  for (size_t pad = 0; pad < 70; ++pad) {
    for (absl::string_view word : {"sh!t", "enta", "idiot", "yalla!", "kalb"}) {
      for (size_t total : {size_t{64}, size_t{128}, pad + word.size()}) {
        if (total < pad + word.size()) continue;
        std::string text(pad, ' ');
        text.append(word.data(), word.size());
        text.append(total - text.size(), ' ');
        // And the same with the word ending the text.
        std::string flush(total - word.size(), 'x');
        if (!flush.empty()) flush.back() = ' ';
        flush.append(word.data(), word.size());
        for (const std::string& t : {text, flush}) {
          ExpectAsSpecified(t);
        }
      }
    }
  }
}

// A word that starts in one 64-byte block and runs to the end of a text
// of whole blocks: read across blocks, after the last block's scan.
TEST_F(TranslitViewTest, WordAcrossBlocksToTheEnd) {
  const std::string head(60, ' ');
  const std::string body(66, 'b');
  EXPECT_TRUE(ExpectAsSpecified(head + "a" + body + "7"));   // 128 bytes
  EXPECT_FALSE(ExpectAsSpecified(head + "a" + body + "!"));  // cut: punctuation
  EXPECT_FALSE(ExpectAsSpecified(head + "ab" + body));
  EXPECT_TRUE(ExpectAsSpecified(head + "7" + body + "a"));
}

TEST_F(TranslitViewTest, RandomEnglishAgreesWithTheSpecification) {
  std::mt19937 rng(20261130);
  // Plain words and punctuation, and now and then (1 in 30) a digit, a
  // leet symbol or an Arabizi marker word.
  static constexpr std::array<absl::string_view, 15> kPlain = {
      "a", "e", "k", "t", "sh", "idiot", "you", " ",
      " ", " ", ".", ",", "\n", "'",     "!"};
  static constexpr std::array<absl::string_view, 13> kRare = {
      "@",    "$",      "|",   "+",      "7",      "45", "2nd",
      "enta", "wallah", "msh", "habibi", "khalas", "?!"};
  int built = 0;
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    const size_t length = rng() % 200;
    while (text.size() < length) {
      const absl::string_view piece = rng() % 30 == 0
                                          ? kRare[rng() % kRare.size()]
                                          : kPlain[rng() % kPlain.size()];
      text.append(piece.data(), piece.size());
    }
    bool view = false;
    std::string source;
    Build(text, &view, &source);
    built += view;
    ASSERT_EQ(view, EnglishNeedsView(source)) << "[" << text << "]";
  }
  // Both answers were exercised.
  EXPECT_GT(built, 1000);
  EXPECT_LT(built, 19000);
}

// In a mixed comment, each word outside the Latin chunks that starts with a
// non-ASCII byte (its word bytes, IsWordByte, from there on, up to a Latin
// letter or digit, where a chunk starts) is left out as one space mapped to
// the whole word, and the ASCII around it is copied: checked through the
// maps, over random texts whose runs cross 64-byte blocks.
TEST_F(TranslitViewTest, MixedTextLeavesEachNonAsciiWordOutAsOneSpace) {
  std::mt19937 rng(20261201);
  static constexpr std::array<absl::string_view, 14> kPieces = {
      "كلب", "الحكومه", "و", "😡", "é", "wallah", "ya", "7mar",
      " ",   " ",       ".", "،",  "-", "\n"};
  int words_seen = 0;
  for (int n = 0; n < 5000; ++n) {
    std::string text;
    const size_t length = rng() % 300;
    while (text.size() < length) {
      const absl::string_view piece = kPieces[rng() % kPieces.size()];
      text.append(piece.data(), piece.size());
    }
    auto t = normalizer_->Normalize(text, ViewBit(ViewId::kSkeleton));
    ASSERT_TRUE(t.ok()) << t.status();
    const View& source = t->view(ViewId::kSkeleton);
    const std::optional<View> view = BuildTranslitView(source);
    // Not built (no Arabic word to leave out and no word to read), or
    // empty (nothing written in Latin letters; normalizer_test has it).
    if (!view.has_value() || view->text().empty()) continue;
    const absl::string_view src = source.text();
    // The non-ASCII words of the source, as source ranges.
    std::vector<std::pair<uint32_t, uint32_t>> words;
    for (uint32_t i = 0; i < src.size();) {
      if (static_cast<uint8_t>(src[i]) < 0x80) {
        ++i;
        continue;
      }
      uint32_t end = i;
      while (end < src.size() && IsWordByte(src[end]) &&
             !absl::ascii_isalnum(static_cast<unsigned char>(src[end]))) {
        ++end;
      }
      words.push_back({i, end});
      i = end;
    }
    // Each shows as exactly one view byte, a space, mapped to it whole
    // (through the source's own map, back to the original); no other
    // view byte reaches into it.
    std::vector<int> shown(words.size(), 0);
    for (uint32_t v = 0; v < view->text().size(); ++v) {
      const OriginalRange r = view->MapToOriginal(v, v + 1);
      for (size_t k = 0; k < words.size(); ++k) {
        const OriginalRange w =
            source.MapToOriginal(words[k].first, words[k].second);
        if (r.end <= w.begin || r.begin >= w.end) continue;
        ASSERT_EQ(view->text()[v], ' ') << "[" << text << "] @" << v;
        ASSERT_EQ(r.begin, w.begin) << "[" << text << "] @" << v;
        ASSERT_EQ(r.end, w.end) << "[" << text << "] @" << v;
        ++shown[k];
      }
    }
    for (size_t k = 0; k < words.size(); ++k) {
      ASSERT_EQ(shown[k], 1) << "[" << text << "] word " << k;
    }
    words_seen += static_cast<int>(words.size());
    // The ASCII between words and chunks (spaces, punctuation) is copied,
    // each byte mapped to itself.
    std::set<std::tuple<uint32_t, uint32_t, char>> copied;
    for (uint32_t v = 0; v < view->text().size(); ++v) {
      const OriginalRange r = view->MapToOriginal(v, v + 1);
      copied.insert({r.begin, r.end, view->text()[v]});
    }
    for (uint32_t i = 0; i < src.size(); ++i) {
      const char c = src[i];
      if (static_cast<uint8_t>(c) >= 0x80 || IsWordByte(c) ||
          absl::string_view("'@$!|+").find(c) != absl::string_view::npos) {
        continue;
      }
      const OriginalRange r = source.MapToOriginal(i, i + 1);
      ASSERT_TRUE(copied.count({r.begin, r.end, c}))
          << "[" << text << "] @" << i;
    }
  }
  EXPECT_GT(words_seen, 10000);
}

}  // namespace
}  // namespace hakam
