#include "text/normalizer.h"

#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "text/utf8.h"

namespace hakam {
namespace {

class NormalizerTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto n = Normalizer::Create();
    ASSERT_TRUE(n.ok()) << n.status();
    normalizer_ = *std::move(n);
  }
  NormalizedText Normalize(absl::string_view text) {
    auto t = normalizer_->Normalize(text, kAllViews);
    EXPECT_TRUE(t.ok()) << t.status();
    return *std::move(t);
  }
  // The original text behind view bytes [begin, end).
  static std::string Original(const NormalizedText& t, ViewId v,
                              uint32_t begin, uint32_t end) {
    const OriginalRange r = t.view(v).MapToOriginal(begin, end);
    return std::string(t.original().substr(r.begin, r.end - r.begin));
  }
  std::unique_ptr<const Normalizer> normalizer_;
};

TEST_F(NormalizerTest, RawIsTheOriginal) {
  const std::string text = "Hello يا عالم";
  NormalizedText t = Normalize(text);
  EXPECT_EQ(t.view(ViewId::kRaw).text(), text);
  EXPECT_EQ(Original(t, ViewId::kRaw, 6, 10), "يا");
}

TEST_F(NormalizerTest, FoldedCaseFoldsAndAppliesNfkc) {
  // Full-width letters, a ligature and math bold fold to plain lowercase.
  NormalizedText t = Normalize("ＨＥＬＬＯ ﬁne 𝐁𝐈𝐆");
  EXPECT_EQ(t.view(ViewId::kFolded).text(), "hello fine big");
}

TEST_F(NormalizerTest, FoldedMapsExpansionsBackToTheWholeSourceCharacter) {
  const std::string text = "a ﬁx";  // U+FB01 (3 bytes) -> "fi"
  NormalizedText t = Normalize(text);
  const View& v = t.view(ViewId::kFolded);
  ASSERT_EQ(v.text(), "a fix");
  EXPECT_EQ(Original(t, ViewId::kFolded, 2, 3), "ﬁ");  // just "f"
  EXPECT_EQ(Original(t, ViewId::kFolded, 2, 5), "ﬁx");
}

TEST_F(NormalizerTest, FoldedDropsDefaultIgnorablesAndKeepsMapsExact) {
  // A zero-width joiner inside a word disappears from the folded view, but
  // the span of the word still covers it in the original.
  const std::string text = "x fu\u200Dck y";
  NormalizedText t = Normalize(text);
  const View& v = t.view(ViewId::kFolded);
  ASSERT_EQ(v.text(), "x fuck y");
  EXPECT_EQ(Original(t, ViewId::kFolded, 2, 6), "fu\u200Dck");
}

TEST_F(NormalizerTest, NonAsciiPunctuationBecomesAsciiSpace) {
  NormalizedText t = Normalize("كلب،حمار؟ «نعم»");
  const View& v = t.view(ViewId::kFolded);
  ASSERT_EQ(v.tokens().size(), 3u);
  for (char c : v.text()) {
    // Every byte is a word byte or an ASCII separator.
    EXPECT_TRUE(IsWordByte(c) || c == ' ') << int(c);
  }
  const Token second = v.tokens()[1];
  EXPECT_EQ(Original(t, ViewId::kFolded, second.begin, second.end), "حمار");
}

TEST_F(NormalizerTest, MapsAreMonotoneAndInsideTheOriginal) {
  const std::string text = "ＡＢ ﬁ كلب\u200B! Straße ŉ ǅ";
  NormalizedText t = Normalize(text);
  for (int v = 0; v < kViewCount; ++v) {
    const View& view = t.view(static_cast<ViewId>(v));
    ASSERT_TRUE(ValidateUtf8(view.text(), "view").ok());
    uint32_t last = 0;
    for (uint32_t i = 0; i < view.text().size(); ++i) {
      const OriginalRange r = view.MapToOriginal(i, i + 1);
      EXPECT_LE(r.begin, r.end);
      EXPECT_LE(r.end, text.size());
      EXPECT_GE(r.begin, last);
      last = r.begin;
    }
  }
}

TEST_F(NormalizerTest, EmptyTextHasEmptyViews) {
  NormalizedText t = Normalize("");
  EXPECT_EQ(t.view(ViewId::kFolded).text(), "");
  EXPECT_TRUE(t.view(ViewId::kFolded).tokens().empty());
}

TEST_F(NormalizerTest, ArabicViewFoldsOrthography) {
  NormalizedText t = Normalize("أَحْمَد إلى آخر ٱلمدينة مدرسة مستشفى مؤمن قائد ١٢٣ ۴۵ ک ی ە");
  EXPECT_EQ(t.view(ViewId::kArabic).text(),
            "احمد الي اخر المدينه مدرسه مستشفي مومن قايد 123 45 ك ي ه");
}

TEST_F(NormalizerTest, ArabicViewCanKeepHamzaCarriers) {
  NormalizerOptions options;
  options.arabic.fold_hamza_carriers = false;
  auto n = Normalizer::Create(options);
  ASSERT_TRUE(n.ok());
  auto t = (*n)->Normalize("مؤمن قائد", kAllViews);
  ASSERT_TRUE(t.ok());
  EXPECT_EQ(t->view(ViewId::kArabic).text(), "مؤمن قائد");
}

TEST_F(NormalizerTest, ArabicSpanIncludesTrailingRemovedMarks) {
  const std::string text = "كَلْبٌ";
  NormalizedText t = Normalize(text);
  const View& v = t.view(ViewId::kArabic);
  ASSERT_EQ(v.text(), "كلب");
  EXPECT_EQ(Original(t, ViewId::kArabic, 0, v.text().size()), text);
}

// Replacements that shorten the text (a two-byte digit becomes one byte)
// and removed marks move what follows down; every byte keeps its map.
TEST_F(NormalizerTest, ArabicViewMapsSurviveShorterFolds) {
  const std::string text = "ـأَحمد ٣ً٤ ـــكلبٌ x";
  NormalizedText t = Normalize(text);
  const View& v = t.view(ViewId::kArabic);
  ASSERT_EQ(v.text(), "احمد 34 كلب x");
  // A tatweel before anything is written is dropped; the fatha widens ا.
  EXPECT_EQ(Original(t, ViewId::kArabic, 0, 2), "أَ");
  EXPECT_EQ(Original(t, ViewId::kArabic, 9, 10), "٣ً");
  EXPECT_EQ(Original(t, ViewId::kArabic, 10, 11), "٤");
  // The tatweels after the space widen the space; the tanween widens ب.
  EXPECT_EQ(Original(t, ViewId::kArabic, 11, 12), " ـــ");
  EXPECT_EQ(Original(t, ViewId::kArabic, 16, 18), "بٌ");
  EXPECT_EQ(Original(t, ViewId::kArabic, 19, 20), "x");
}

// Where no rule reads `folded`, the arabic view is folded in place from
// it: the same view, and `folded` is not kept (where folding changes
// nothing, `arabic` is still `folded`, as its id() says).
TEST_F(NormalizerTest, ArabicViewIsTheSameWhenFoldedIsNotAskedFor) {
  const ViewMask without_folded =
      kAllViews & ~ViewBit(ViewId::kFolded) & ~ViewBit(ViewId::kRaw);
  for (const char* text :
       {"ـأَحمد ٣ً٤ ـــكلبٌ x", "كلب", "plain", "", "ـ", "ﻻ إله ﺍﻟﺤﻖ",
        "أ\u200Bحمد", "\u202Eبلك\u202C x", "مؤمن ١٢ َ", "ّ ّ"}) {
    NormalizedText all = Normalize(text);
    absl::StatusOr<NormalizedText> in_place =
        normalizer_->Normalize(text, without_folded);
    ASSERT_TRUE(in_place.ok()) << in_place.status();
    const View& expected = all.view(ViewId::kArabic);
    const View& got = in_place->view(ViewId::kArabic);
    EXPECT_EQ(got.text(), expected.text()) << text;
    for (uint32_t b = 0; b < got.text().size(); ++b) {
      const OriginalRange e = expected.MapToOriginal(b, b + 1);
      const OriginalRange g = got.MapToOriginal(b, b + 1);
      EXPECT_TRUE(e.begin == g.begin && e.end == g.end) << text << " @" << b;
    }
    EXPECT_FALSE(in_place->has_view(ViewId::kFolded)) << text;
    EXPECT_EQ(got.id(), expected.id()) << text;
    EXPECT_EQ(in_place->signals().letters_changed,
              all.signals().letters_changed)
        << text;
    EXPECT_EQ(in_place->view(ViewId::kSkeleton).text(),
              all.view(ViewId::kSkeleton).text())
        << text;
  }
}

TEST_F(NormalizerTest, ViewsThatChangeNothingAreShared) {
  NormalizedText t = Normalize("plain english text");
  EXPECT_EQ(t.view(ViewId::kArabic).id(), ViewId::kFolded);
  EXPECT_EQ(t.view(ViewId::kSkeleton).id(), ViewId::kFolded);
  EXPECT_EQ(t.view(ViewId::kCompact).id(), ViewId::kFolded);
  EXPECT_EQ(t.view(ViewId::kTranslit).id(), ViewId::kFolded);
  NormalizedText only_raw = *normalizer_->Normalize("x", ViewBit(ViewId::kRaw));
  EXPECT_TRUE(only_raw.has_view(ViewId::kRaw));
  EXPECT_FALSE(only_raw.has_view(ViewId::kFolded));
}

// The pipeline normalizes into its evaluation's NormalizedText. Whatever
// that held before is replaced: no view or signal of an earlier text stays.
TEST_F(NormalizerTest, NormalizeIntoReplacesWhatTheTextHeld) {
  const std::string earlier = "ｆｕｃｋ ك1ب f u c k fuuuck";
  const std::string later = "plain words";
  NormalizedText t;
  ASSERT_TRUE(normalizer_->NormalizeInto(earlier, kAllViews, &t).ok());
  ASSERT_TRUE(t.has_view(ViewId::kTranslit));
  ASSERT_GT(t.signals().letters_changed, 0u);
  const ViewMask wanted = ViewBit(ViewId::kArabic);
  ASSERT_TRUE(normalizer_->NormalizeInto(later, wanted, &t).ok());
  const NormalizedText fresh = *normalizer_->Normalize(later, wanted);
  EXPECT_EQ(t.original(), later);
  for (int v = 0; v < kViewCount; ++v) {
    const ViewId id = static_cast<ViewId>(v);
    ASSERT_EQ(t.has_view(id), fresh.has_view(id)) << ViewName(id);
    if (!t.has_view(id)) continue;
    EXPECT_EQ(t.view(id).text(), fresh.view(id).text()) << ViewName(id);
    EXPECT_EQ(t.view(id).id(), fresh.view(id).id()) << ViewName(id);
  }
  EXPECT_FALSE(t.has_view(ViewId::kTranslit));
  EXPECT_EQ(t.signals().letters, fresh.signals().letters);
  EXPECT_EQ(t.signals().letters_changed, 0u);
  EXPECT_EQ(t.signals().digits_in_arabic_words, 0u);
}

// NormalizedText keeps its views in raw storage (see normalizer.h): a move
// must carry every view built, keep aliases pointing at them, and leave
// the moved-to text's earlier views destroyed, not leaked or doubled.
TEST_F(NormalizerTest, MovesCarryEveryViewAndAlias) {
  const std::string mixed = "ｆｕｃｋ f u c k 3arabi";
  const std::string plain = "plain words";
  NormalizedText expected = Normalize(mixed);
  auto same_as_expected = [&](const NormalizedText& t) {
    EXPECT_EQ(t.original(), expected.original());
    for (int v = 0; v < kViewCount; ++v) {
      const ViewId id = static_cast<ViewId>(v);
      ASSERT_TRUE(t.has_view(id)) << ViewName(id);
      EXPECT_EQ(t.view(id).text(), expected.view(id).text()) << ViewName(id);
      EXPECT_EQ(t.view(id).id(), expected.view(id).id()) << ViewName(id);
      EXPECT_EQ(t.view(id).MapToOriginal(0, t.view(id).text().size()).end,
                mixed.size())
          << ViewName(id);
    }
    // Views that share one object still do (RuleSet::Match scans a shared
    // view once), and views built apart stay apart.
    for (int u = 0; u < kViewCount; ++u) {
      for (int v = u + 1; v < kViewCount; ++v) {
        const ViewId a = static_cast<ViewId>(u), b = static_cast<ViewId>(v);
        EXPECT_EQ(&t.view(a) == &t.view(b),
                  &expected.view(a) == &expected.view(b))
            << ViewName(a) << " " << ViewName(b);
      }
    }
    EXPECT_EQ(t.signals().letters_changed, expected.signals().letters_changed);
  };
  // Both kinds of view in the text moved: some shared (no Arabic letter,
  // so arabic and skeleton are folded), some built apart (compact,
  // translit).
  ASSERT_EQ(&expected.view(ViewId::kSkeleton), &expected.view(ViewId::kFolded));
  ASSERT_NE(&expected.view(ViewId::kTranslit),
            &expected.view(ViewId::kSkeleton));
  NormalizedText plain_text = Normalize(plain);
  ASSERT_EQ(plain_text.view(ViewId::kTranslit).id(), ViewId::kFolded);

  NormalizedText moved(Normalize(mixed));
  same_as_expected(moved);
  NormalizedText constructed(std::move(moved));
  same_as_expected(constructed);
  plain_text = std::move(constructed);  // over a text with views of its own
  same_as_expected(plain_text);
  NormalizedText& same = plain_text;
  plain_text = std::move(same);  // onto itself: nothing changes
  same_as_expected(plain_text);
  // A moved-from text can be normalized into again.
  ASSERT_TRUE(normalizer_->NormalizeInto(mixed, kAllViews, &constructed).ok());
  same_as_expected(constructed);
  std::vector<NormalizedText> texts;
  for (int i = 0; i < 9; ++i) texts.push_back(Normalize(mixed));  // regrows
  for (const NormalizedText& t : texts) same_as_expected(t);
}

// `folded` is kept only when asked for by name, whatever the text: reading
// it otherwise fails at once, on English text as on Arabic.
TEST_F(NormalizerTest, ReadingAViewNotBuiltAborts) {
  for (const char* text : {"plain english", "كلب", "مدرسة"}) {
    NormalizedText t = *normalizer_->Normalize(text, ViewBit(ViewId::kArabic));
    EXPECT_FALSE(t.has_view(ViewId::kFolded)) << text;
    EXPECT_DEATH(t.view(ViewId::kFolded), "view not built") << text;
  }
}

TEST_F(NormalizerTest, SkeletonFoldsLookAlikesOnlyInsideMixedWords) {
  NormalizedText t = Normalize("fυck ѕhit привет Αθήνα حمlر l0l");
  EXPECT_EQ(t.view(ViewId::kSkeleton).text(),
            "fuck shit привет αθήνα حمار l0l");
  EXPECT_EQ(t.signals().mixed_script_words, 3u);
}

TEST_F(NormalizerTest, SkeletonDropsMarksStackedOnLatinLetters) {
  const std::string text = "f̶u̶c̶k̶";
  NormalizedText t = Normalize(text);
  EXPECT_EQ(t.view(ViewId::kSkeleton).text(), "fuck");
  EXPECT_EQ(Original(t, ViewId::kSkeleton, 0, 4), text);
}

TEST_F(NormalizerTest, SkeletonRestoresOverriddenText) {
  const std::string text = "ok ‮kcuf‬ ok";
  NormalizedText t = Normalize(text);
  const View& v = t.view(ViewId::kSkeleton);
  EXPECT_EQ(v.text(), "ok fuck ok");
  EXPECT_EQ(Original(t, ViewId::kSkeleton, 3, 7), "kcuf");
  EXPECT_EQ(t.signals().bidi_controls, 2u);
  EXPECT_EQ(t.signals().invisible_chars, 2u);
}

TEST_F(NormalizerTest, CompactJoinsSpacedLettersCutsRunsAndMarksMasks) {
  NormalizedText t = Normalize("f u c k  ك.ل.ب  حمااااار  sh!t  a$$hole  Shiite");
  EXPECT_EQ(t.view(ViewId::kCompact).text(),
            "fuck  كلب  حمااار  sh\x1a" "t  a\x1a\x1a" "hole  shiite");
}

TEST_F(NormalizerTest, CompactLeavesOrdinaryTextAlone) {
  NormalizedText t = Normalize("I am 5*3 years, e.g. 2024! ok");
  EXPECT_EQ(t.view(ViewId::kCompact).id(), ViewId::kFolded);
}

TEST_F(NormalizerTest, TranslitReadsLeetAndArabizi) {
  NormalizedText leet = Normalize("sh1t and 4ss");
  EXPECT_EQ(leet.view(ViewId::kTranslit).text(), "sh\x1c" "t and ass");
  NormalizedText arabizi = Normalize("ya 7mar");
  EXPECT_EQ(arabizi.view(ViewId::kTranslit).text(),
            "ya \xd9\x8a\x1d tmar \xd8\xad\xd9\x85\x1d\xd8\xb1");
  // Arabic-script words stay out of the translit view.
  NormalizedText arabic = Normalize("كلب kalb5");
  EXPECT_EQ(arabic.view(ViewId::kTranslit).text().find("كلب"),
            absl::string_view::npos);
}

TEST_F(NormalizerTest, TranslitIsEmptyWithoutALatinLetter) {
  // Arabic script, digits, punctuation and emoji, but no Latin letter: an
  // empty view, so no Arabizi spelling meets the Arabic words.
  NormalizedText arabic = Normalize("قتل 25 شخصا في بغداد 😡 ... عام 2003!");
  EXPECT_EQ(arabic.view(ViewId::kTranslit).id(), ViewId::kTranslit);
  EXPECT_EQ(arabic.view(ViewId::kTranslit).text(), "");
  // ASCII without a letter: nothing to read or to leave out.
  EXPECT_NE(
      Normalize("2003 ... 25!! 2004 ... 26??").view(ViewId::kTranslit).id(),
      ViewId::kTranslit);
  // One Arabic letter among 16 bytes or more of digits, in the part read
  // 16 bytes at a time or in the bytes after it: still an empty view.
  for (const char* text : {"ك 2003 2004 2005 2006", "2003 2004 2005 2006 ك"}) {
    NormalizedText normalized = Normalize(text);
    EXPECT_EQ(normalized.view(ViewId::kTranslit).id(), ViewId::kTranslit)
        << text;
    EXPECT_EQ(normalized.view(ViewId::kTranslit).text(), "") << text;
  }
  // One Latin word at every position of an Arabic text, in the part read 16
  // bytes at a time and in the bytes after it, is kept (and read).
  const std::string arabic_words = "في بغداد اليوم والله ";  // 38 bytes
  for (size_t at = 0; at <= arabic_words.size(); ++at) {
    if (at < arabic_words.size() &&
        (static_cast<unsigned char>(arabic_words[at]) & 0xC0) == 0x80) {
      continue;  // inside a letter
    }
    const std::string text = absl::StrCat(arabic_words.substr(0, at), " k4lb ",
                                          arabic_words.substr(at));
    NormalizedText normalized = Normalize(text);
    const View& t = normalized.view(ViewId::kTranslit);
    EXPECT_NE(t.text().find("kalb"), absl::string_view::npos)
        << at << ": " << t.text();
  }
}

TEST_F(NormalizerTest, TranslitNeedsNoReadingForPunctuationOrApostrophes) {
  // An apostrophe is a word boundary in every view, and trailing symbols
  // are punctuation: words with nothing else do not make the view needed,
  // so it is the skeleton's, not a copy of it.
  for (const char* text :
       {"don't you dare", "who're they? he'll see", "idiot! yes' no!",
        "it's 'quoted' here", "idiot| idiot+ idiot@ ok"}) {
    NormalizedText t = Normalize(text);
    EXPECT_NE(t.view(ViewId::kTranslit).id(), ViewId::kTranslit) << text;
  }
  // Other symbols inside a word are leet; once the view is built, an
  // apostrophe is read as a space there too, and the words are the same
  // tokens as in skeleton.
  EXPECT_EQ(Normalize("sh!t").view(ViewId::kTranslit).text(), "shit");
  EXPECT_EQ(Normalize("don't b1tch").view(ViewId::kTranslit).text(),
            "don t b\x1c" "tch");
  // A word across the 64-byte blocks the view's scan works in.
  const std::string long_text = std::string(61, 'x') + " don't b1tch";
  EXPECT_EQ(Normalize(long_text).view(ViewId::kTranslit).text(),
            std::string(61, 'x') + " don t b\x1c" "tch");
  EXPECT_EQ(Normalize("'quoted' b1tch").view(ViewId::kTranslit).text(),
            " quoted' b\x1c" "tch");
  auto words = [](const View& v) {
    std::vector<std::string> out;
    for (const Token& t : v.tokens()) {
      out.emplace_back(v.text().substr(t.begin, t.end - t.begin));
    }
    return out;
  };
  NormalizedText quoted = Normalize("it's 'quoted' don't sh1t");
  std::vector<std::string> skeleton = words(quoted.view(ViewId::kSkeleton));
  skeleton.back() = "sh\x1c" "t";
  EXPECT_EQ(words(quoted.view(ViewId::kTranslit)), skeleton);
  // Arabizi reads every Latin word, apostrophes and all.
  EXPECT_EQ(Normalize("3'abi").view(ViewId::kTranslit).id(),
            ViewId::kTranslit);
  NormalizedText arabizi = Normalize("enta don't");
  EXPECT_NE(arabizi.view(ViewId::kTranslit).text().find("don t "),
            absl::string_view::npos)
      << arabizi.view(ViewId::kTranslit).text();
}

TEST_F(NormalizerTest, TranslitTellsArabiziMarkerWordsExactly) {
  // A marker word alone makes an ASCII comment Arabizi, wherever it stands
  // (the lookup reads up to 8 bytes past a word's start when the text has
  // them); its prefixes, extensions and look-alikes do not.
  for (const char* word :
       {"enta", "inta", "ente", "enti", "inti", "entu", "intu", "wallah",
        "wallahi", "walla", "yalla", "mesh", "mish", "msh", "shu", "shou",
        "khalas", "habibi"}) {
    for (const std::string& text :
         {std::string(word), "ok " + std::string(word),
          std::string(word) + " ok", "ok " + std::string(word) + " and more"}) {
      NormalizedText t = Normalize(text);
      EXPECT_EQ(t.view(ViewId::kTranslit).id(), ViewId::kTranslit) << text;
    }
  }
  for (const char* word : {"ent", "entaa", "ment", "shoe", "wallahii", "ms",
                           "mshh", "shuu", "habib", "yall", "xenta", "a", ""}) {
    for (const std::string& text :
         {std::string(word), "ok " + std::string(word),
          std::string(word) + " ok", "ok " + std::string(word) + " and more"}) {
      NormalizedText t = Normalize(text);
      EXPECT_NE(t.view(ViewId::kTranslit).id(), ViewId::kTranslit) << text;
    }
  }
}

TEST_F(NormalizerTest, SignalsCountDigitsInArabicWordsAndChangedLetters) {
  NormalizedText t = Normalize("ك1ب ｆｕｃｋ");
  EXPECT_EQ(t.signals().digits_in_arabic_words, 1u);
  EXPECT_EQ(t.signals().letters, 6u);
  // 4 full-width letters, and the digit read as alef inside the Arabic word.
  EXPECT_EQ(t.signals().letters_changed, 5u);
}

TEST_F(NormalizerTest, MarkerBytesNeverComeFromTheText) {
  NormalizedText t = Normalize("a\x1a" "b\x1c" "c\x1d" "d");
  for (int v = 1; v < kViewCount; ++v) {
    for (char c : t.view(static_cast<ViewId>(v)).text()) {
      EXPECT_FALSE(c == kMaskMarker || c == kIOrLMarker || c == kVowelAMarker)
          << ViewName(static_cast<ViewId>(v));
    }
  }
}

// The folded view takes runs of ASCII and plain Arabic letters 16 bytes at
// a time; built a character at a time it must be the same, byte for byte,
// map for map, signal for signal.
class FoldedBlocksTest : public NormalizerTest {
 protected:
  void ExpectBlocksAgree(const std::string& text) {
    const std::string what = testing::PrintToString(text);
    TextSignals block_signals, char_signals;
    std::vector<OriginalRange> block_rlo, char_rlo;
    const absl::StatusOr<View> blocks = normalizer_internal::BuildFolded(
        *normalizer_, text, &block_signals, &block_rlo, /*use_blocks=*/true);
    const absl::StatusOr<View> chars = normalizer_internal::BuildFolded(
        *normalizer_, text, &char_signals, &char_rlo, /*use_blocks=*/false);
    ASSERT_TRUE(blocks.ok()) << blocks.status();
    ASSERT_TRUE(chars.ok()) << chars.status();
    ASSERT_EQ(blocks->text(), chars->text()) << what;
    for (uint32_t i = 0; i < blocks->text().size(); ++i) {
      const OriginalRange a = blocks->MapToOriginal(i, i + 1);
      const OriginalRange b = chars->MapToOriginal(i, i + 1);
      ASSERT_EQ(a.begin, b.begin) << what << " @" << i;
      ASSERT_EQ(a.end, b.end) << what << " @" << i;
    }
    EXPECT_EQ(block_signals.letters, char_signals.letters) << what;
    EXPECT_EQ(block_signals.letters_changed, char_signals.letters_changed)
        << what;
    EXPECT_EQ(block_signals.invisible_chars, char_signals.invisible_chars)
        << what;
    EXPECT_EQ(block_signals.bidi_controls, char_signals.bidi_controls)
        << what;
    ASSERT_EQ(block_rlo.size(), char_rlo.size()) << what;
    for (size_t k = 0; k < block_rlo.size(); ++k) {
      EXPECT_EQ(block_rlo[k].begin, char_rlo[k].begin) << what;
      EXPECT_EQ(block_rlo[k].end, char_rlo[k].end) << what;
    }
    // And Normalize() builds it with the blocks.
    NormalizedText t = Normalize(text);
    EXPECT_EQ(t.view(ViewId::kFolded).text(), chars->text()) << what;
  }
};

TEST_F(FoldedBlocksTest, PlainTextIsTheSameAsCharacterByCharacter) {
  const std::string arabic = "قال الرئيس العراقي في بغداد ان الحكومه ستعمل";
  const std::string english = "The Prime Minister SAID on Tuesday\tthat it ";
  for (const std::string& text :
       {arabic, english, arabic + " " + english, english + arabic,
        // The edges of the plain ranges: U+0620 and U+064B are not plain,
        // U+0621, U+063F, U+0640 (tatweel) and U+064A are.
        std::string(20, 'a') + "\u0620\u0621\u063F\u0640\u064A\u064B" +
            std::string(20, 'B'),
        // A letter whose second byte is the first past a block.
        std::string(15, 'x') + "كلب" + std::string(20, 'y'),
        std::string(31, 'x') + "كلب" + std::string(20, 'y'),
        // Controls become spaces, but the line feed.
        "abc\x01\x1f\r\n\x7f" + english + english}) {
    ExpectBlocksAgree(text);
  }
}

TEST_F(FoldedBlocksTest, RandomTextAgreesWithCharacterByCharacter) {
  const std::vector<std::string> pieces = {
      // ASCII: letters of both cases, digits, controls, punctuation.
      "a", "Z", "q", "M", "7", " ", " ", " ", ".", "\n", "\r", "\t", "\x01",
      "\x7f", "@",
      // Plain Arabic letters, and the code points around their ranges.
      "ا", "ب", "ك", "ل", "ي", "ة", "ء", "\u063F", "\u0640", "\u0620",
      "\u064B", "\u0651",
      // Other Arabic: digits, the comma, Persian letters, presentation forms.
      "٣", "،", "پ", "ی", "\uFE8D", "\uFDFA",
      // Latin with a diacritic, a combining mark, full-width letters.
      "\u00C9", "\u00DF", "e\u0301", "\uFF21",
      // Invisible and bidi characters; an override and its ends.
      "\u200D", "\u200B", "\u202E", "\u202C", "\u2069", "\u061C",
      // An emoji.
      "\U0001F600"};
  std::mt19937 rng(20261130);
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    const int length = static_cast<int>(rng() % 60);
    // Long runs of one kind reach the blocks; mixed runs cut them short.
    const bool runs = rng() % 2 == 0;
    size_t piece = rng() % pieces.size();
    for (int k = 0; k < length; ++k) {
      if (!runs || rng() % 8 == 0) piece = rng() % pieces.size();
      text += pieces[piece];
      if (runs && rng() % 3 == 0) text += rng() % 2 ? " " : "ب";
    }
    ExpectBlocksAgree(text);
    if (HasFatalFailure()) return;
  }
}

TEST(ViewNameTest, RoundTripsAndRejectsUnknown) {
  for (int v = 0; v < kViewCount; ++v) {
    auto id = ParseViewName(ViewName(static_cast<ViewId>(v)));
    ASSERT_TRUE(id.ok());
    EXPECT_EQ(static_cast<int>(*id), v);
  }
  EXPECT_EQ(ParseViewName("nope").status().code(),
            absl::StatusCode::kInvalidArgument);
}

}  // namespace
}  // namespace hakam
