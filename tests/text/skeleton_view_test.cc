#include "text/skeleton_view.h"

#include <gtest/gtest.h>

#include <memory>
#include <random>
#include <string>
#include <vector>

#include "text/confusables.h"
#include "text/normalizer.h"

namespace hakam {
namespace {

class SkeletonViewTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto n = Normalizer::Create();
    ASSERT_TRUE(n.ok()) << n.status();
    normalizer_ = *std::move(n);
    auto t = ConfusableTable::Create();
    ASSERT_TRUE(t.ok()) << t.status();
    table_ = *std::move(t);
  }

  // Builds the view over `source` both ways, with the shortcuts and word by
  // word, and expects the same view (text, and the original bytes behind
  // each byte) and the same signals.
  void ExpectShortcutsAgree(const View& source, absl::string_view label) {
    const std::string what = testing::PrintToString(std::string(label));
    TextSignals fast_signals, slow_signals;
    const std::optional<View> fast =
        BuildSkeletonView(source, *table_, {}, &fast_signals);
    const std::optional<View> slow =
        skeleton_internal::BuildSkeletonViewWordByWord(source, *table_, {},
                                                       &slow_signals);
    const View& f = fast ? *fast : source;
    const View& s = slow ? *slow : source;
    ASSERT_EQ(f.text(), s.text()) << what;
    for (uint32_t i = 0; i < f.text().size(); ++i) {
      const OriginalRange a = f.MapToOriginal(i, i + 1);
      const OriginalRange b = s.MapToOriginal(i, i + 1);
      ASSERT_EQ(a.begin, b.begin) << what << " @" << i;
      ASSERT_EQ(a.end, b.end) << what << " @" << i;
    }
    EXPECT_EQ(fast_signals.mixed_script_words, slow_signals.mixed_script_words)
        << what;
    EXPECT_EQ(fast_signals.digits_in_arabic_words,
              slow_signals.digits_in_arabic_words)
        << what;
    EXPECT_EQ(fast_signals.letters_changed, slow_signals.letters_changed)
        << what;
  }

  // The same over `text` itself, as the view skeleton is built on (marks,
  // Arabic digits, ی and ک, format characters and all: the normalizer
  // removes or folds those before this view), and over its arabic view.
  void ExpectShortcutsAgree(const std::string& text) {
    ExpectShortcutsAgree(View::Identity(ViewId::kArabic, text), text);
    if (HasFatalFailure()) return;
    auto normalized = normalizer_->Normalize(text, ViewBit(ViewId::kArabic));
    ASSERT_TRUE(normalized.ok()) << normalized.status();
    ExpectShortcutsAgree(normalized->view(ViewId::kArabic), text);
  }

  std::unique_ptr<const Normalizer> normalizer_;
  std::unique_ptr<const ConfusableTable> table_;
};

// Persian letters (چ گ پ) are most of the Arabic-script words outside
// U+0621–U+064A in Iraqi comments: words of them are left as they are,
// without being weighed letter by letter.
TEST_F(SkeletonViewTest, PersianLettersNeedNothing) {
  for (const std::string text :
       {"چلب ابن چلب", "گلبي", "پاپا", "كلب٣", "قلبی", "كَلْب ک۴"}) {
    ExpectShortcutsAgree(text);
    TextSignals signals;
    EXPECT_FALSE(BuildSkeletonView(View::Identity(ViewId::kArabic, text),
                                   *table_, {}, &signals)
                     .has_value())
        << text;
    EXPECT_EQ(signals.mixed_script_words + signals.digits_in_arabic_words +
                  signals.letters_changed,
              0u)
        << text;
  }
}

// The Arabic block's format characters (U+0600–U+0605, U+061C, U+06DD)
// never reach a word from the normalizer (the folded view drops or spaces
// them), but a word that holds one is not one the shortcuts may skip: the
// word-by-word view strips them.
TEST_F(SkeletonViewTest, FormatCharactersOfTheArabicBlockAreStripped) {
  // Each alone, and before and after runs of letters long enough for the
  // 16-byte scan of the whole text (which leaves the last 16 bytes to a
  // scalar loop) to reach it.
  std::vector<std::string> texts;
  for (const std::string word :
       {"كلب\u0600", "\u0605كلب", "ك\u06DDلب", "چ\u0603لب", "كل\u061Cب ok"}) {
    texts.push_back(word);
    texts.push_back("حزب حزب حزب حزب حزب " + word);
    texts.push_back(word + " حزب حزب حزب حزب حزب");
  }
  for (const std::string& text : texts) {
    ExpectShortcutsAgree(text);
    if (HasFatalFailure()) return;
    const View source = View::Identity(ViewId::kArabic, text);
    TextSignals signals;
    const std::optional<View> fast =
        BuildSkeletonView(source, *table_, {}, &signals);
    ASSERT_TRUE(fast.has_value()) << text;
    EXPECT_EQ(fast->text().size() + 2, text.size()) << text;
    const std::optional<View> slow =
        skeleton_internal::BuildSkeletonViewWordByWord(source, *table_, {},
                                                       &signals);
    ASSERT_TRUE(slow.has_value()) << text;
    EXPECT_EQ(fast->text(), slow->text()) << text;
  }
}

TEST_F(SkeletonViewTest, RandomTextAgreesWithTheWordByWordView) {
  const std::vector<std::string> pieces = {
      // Arabic letters, Persian letters, marks, digits of the block.
      "ا", "ب", "ك", "ل", "ه", "ي", "ة", "پ", "چ", "گ", "ک", "ی", "ٹ", "\u064E",
      "\u0651", "\u0670", "٣", "۴",
      // The block's format characters, and ones outside it.
      "\u0600", "\u0603", "\u0605", "\u061C", "\u06DD", "\u200D", "\u2066",
      // Arabic outside the block (supplement, presentation forms).
      "\u0750", "\uFE8D",
      // ASCII look-alikes and digits, Cyrillic and Greek look-alikes,
      // a mark stacked on Latin, Latin with a diacritic.
      "a", "o", "l", "1", "0", "3", "k", "\u0430", "\u043E", "\u0441", "\u03BF",
      "\u0336", "\u00E9",
      // Separators.
      " ", " ", " ", ".", "\n", "-"};
  std::mt19937 rng(20261130);
  for (int n = 0; n < 20000; ++n) {
    std::string text;
    const int length = static_cast<int>(rng() % 40);
    for (int k = 0; k < length; ++k) text += pieces[rng() % pieces.size()];
    ExpectShortcutsAgree(text);
    if (HasFatalFailure()) return;
  }
}

}  // namespace
}  // namespace hakam
