#include "text/arabic_view.h"

#include <gtest/gtest.h>
#include <unicode/utf8.h>

#include <random>
#include <string>
#include <vector>

#include "text/normalizer.h"

namespace hakam {
namespace {

// The arabic view as it was built before it was folded in place: code point
// by code point through a ViewBuilder, with its own table of what folds.
// An independent reference for the in-place version's text and maps.
View ReferenceArabicView(const View& folded, bool fold_hamza_carriers) {
  const absl::string_view text = folded.text();
  const auto* s = reinterpret_cast<const uint8_t*>(text.data());
  const int32_t n = static_cast<int32_t>(text.size());
  ViewBuilder b(ViewId::kArabic, folded);
  for (int32_t i = 0; i < n;) {
    const int32_t start = i;
    UChar32 c;
    U8_NEXT_UNSAFE(s, i, c);
    const auto from = static_cast<uint32_t>(start);
    const auto to = static_cast<uint32_t>(i);
    if ((c >= 0x064B && c <= 0x065F) || c == 0x0670 ||
        (c >= 0x0610 && c <= 0x061A) || (c >= 0x06D6 && c <= 0x06ED) ||
        c == 0x0640) {
      b.Absorb(from, to);
      continue;
    }
    UChar32 out = -1;
    switch (c) {
      case 0x0622:
      case 0x0623:
      case 0x0625:
      case 0x0671:
      case 0x0672:
      case 0x0673:
        out = 0x0627;
        break;
      case 0x0649:
      case 0x06CC:
        out = 0x064A;
        break;
      case 0x0629:
      case 0x06D5:
      case 0x06C1:
      case 0x06BE:
      case 0x06C0:
        out = 0x0647;
        break;
      case 0x06A9:
        out = 0x0643;
        break;
      case 0x0624:
        if (fold_hamza_carriers) out = 0x0648;
        break;
      case 0x0626:
        if (fold_hamza_carriers) out = 0x064A;
        break;
      default:
        if (c >= 0x0660 && c <= 0x0669) out = '0' + (c - 0x0660);
        if (c >= 0x06F0 && c <= 0x06F9) out = '0' + (c - 0x06F0);
        break;
    }
    if (out < 0) {
      b.Copy(from, to);
      continue;
    }
    char bytes[4];
    int32_t len = 0;
    U8_APPEND_UNSAFE(bytes, len, out);
    b.Append(absl::string_view(bytes, len), from, to);
  }
  return std::move(b).Finish();
}

void ExpectSameView(const View& got, const View& want, const std::string& in) {
  ASSERT_EQ(got.text(), want.text()) << in;
  for (uint32_t i = 0; i < got.text().size(); ++i) {
    const OriginalRange g = got.MapToOriginal(i, i + 1);
    const OriginalRange w = want.MapToOriginal(i, i + 1);
    ASSERT_TRUE(g.begin == w.begin && g.end == w.end)
        << in << " @" << i << ": " << g.begin << "-" << g.end << " against "
        << w.begin << "-" << w.end;
  }
}

// Random texts of Arabic letters that fold and that do not, marks and
// tatweel (removed), Arabic-Indic digits (two bytes to one), presentation
// forms (folded by NFKC first), Latin, spaces and emoji, long enough to
// cross 64-byte blocks; against the reference, both as BuildArabicView
// makes it (a copy) and as Normalize makes it when `folded` is not asked
// for (in place).
TEST(ArabicViewTest, MatchesTheReferenceInPlaceAndCopied) {
  const std::vector<std::string> pieces = {
      "ك", "ل", "ب", "ا", "و", "ي", "ه", "ة", "ى", "أ", "إ", "آ",     "ٱ", "ؤ",
      "ئ", "ء", "ک", "ی", "ە", "ھ", "ۀ", "ـ", "َ",  "ً",  "ّ",  "ٰ",      "ؐ",  "ۖ",
      "٣", "٧", "۴", "ﻻ", "ﺍ", " ", " ", "x", "1", "😡", "é", "\u200B"};
  for (bool hamza : {true, false}) {
    NormalizerOptions options;
    options.arabic.fold_hamza_carriers = hamza;
    auto normalizer = Normalizer::Create(options);
    ASSERT_TRUE(normalizer.ok());
    std::mt19937 rng(hamza ? 29 : 30);
    int folded_texts = 0;
    for (int round = 0; round < 3000; ++round) {
      std::string text;
      const int n = static_cast<int>(rng() % 90);
      for (int i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
      auto all = (*normalizer)->Normalize(text, kAllViews);
      ASSERT_TRUE(all.ok());
      const View& folded = all->view(ViewId::kFolded);
      const View want = ReferenceArabicView(folded, hamza);
      // BuildArabicView's copy.
      ExpectSameView(all->view(ViewId::kArabic), want, text);
      // In place, as the pipeline's views have it (every view but raw and
      // folded: the signals depend on which views are built).
      auto in_place = (*normalizer)
                          ->Normalize(text, kAllViews & ~ViewBit(ViewId::kRaw) &
                                                ~ViewBit(ViewId::kFolded));
      ASSERT_TRUE(in_place.ok());
      EXPECT_FALSE(in_place->has_view(ViewId::kFolded));
      ExpectSameView(in_place->view(ViewId::kArabic), want, text);
      EXPECT_EQ(in_place->signals().letters_changed,
                all->signals().letters_changed);
      // Shared exactly where folding changes nothing.
      const bool changed = want.text() != folded.text();
      EXPECT_EQ(all->view(ViewId::kArabic).id(),
                changed ? ViewId::kArabic : ViewId::kFolded)
          << text;
      EXPECT_EQ(in_place->view(ViewId::kArabic).id(),
                all->view(ViewId::kArabic).id())
          << text;
      folded_texts += changed;
    }
    EXPECT_GT(folded_texts, 2000);
  }
}

// Every code point of the Arabic block, at every byte offset up to 80
// (every position of a 16-byte lane, the edge of the first 64-byte block,
// where a lane reads its last second byte from the next block, and a
// first fold in the second block) and at the end of the text: the lanes
// tell by byte ranges which characters may fold (FoldCandidateBits), and a
// range that left one out would keep it unfolded.
TEST(ArabicViewTest, FoldsEveryCodePointOfTheBlockAtEveryOffset) {
  for (bool hamza : {true, false}) {
    ArabicFoldingOptions options;
    options.fold_hamza_carriers = hamza;
    for (UChar32 c = 0x0600; c <= 0x06FF; ++c) {
      char bytes[4];
      int32_t len = 0;
      U8_APPEND_UNSAFE(bytes, len, c);
      for (int offset = 0; offset < 80; ++offset) {
        for (const std::string suffix : {"", " كلب بيت وطن جبل كتب"}) {
          std::string text(offset % 2, 'x');
          for (int k = 0; k < offset / 2; ++k) text += "ب";
          text.append(bytes, len);
          text += suffix;
          const View source = View::Identity(ViewId::kFolded, text);
          const View want = ReferenceArabicView(source, hamza);
          View got = View::Identity(ViewId::kFolded, text);
          uint32_t letters_changed = 0;
          EXPECT_EQ(FoldArabicInPlace(options, &got, &letters_changed),
                    want.text() != text)
              << "U+" << std::hex << c << std::dec << " at " << offset;
          ExpectSameView(got, want, text);
          if (HasFatalFailure()) return;
        }
      }
    }
  }
}

TEST(ArabicViewTest, FoldsAViewInPlaceOrLeavesIt) {
  auto normalizer = Normalizer::Create();
  ASSERT_TRUE(normalizer.ok());
  auto t = (*normalizer)->Normalize("كلب", kAllViews);
  ASSERT_TRUE(t.ok());
  View unchanged = t->view(ViewId::kFolded);
  uint32_t letters_changed = 0;
  EXPECT_FALSE(FoldArabicInPlace({}, &unchanged, &letters_changed));
  EXPECT_EQ(unchanged.id(), ViewId::kFolded);
  EXPECT_EQ(unchanged.text(), "كلب");
  // An identity view (the raw text) folds too, into buffers of its own.
  const std::string original = "مدرسةٌ ٣";
  View raw = View::Identity(ViewId::kRaw, original);
  EXPECT_TRUE(FoldArabicInPlace({}, &raw, &letters_changed));
  EXPECT_EQ(raw.id(), ViewId::kArabic);
  EXPECT_EQ(raw.text(), "مدرسه 3");
  EXPECT_EQ(letters_changed, 1u);  // ة; a digit is not a letter
  const OriginalRange h = raw.MapToOriginal(8, 10);  // ه, widened by ٌ
  EXPECT_EQ(original.substr(h.begin, h.end - h.begin), "ةٌ");
}

}  // namespace
}  // namespace hakam
