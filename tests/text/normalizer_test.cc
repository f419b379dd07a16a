#include "text/normalizer.h"

#include <gtest/gtest.h>

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
