#include "rules/rule_set.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <random>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "re2/re2.h"
#include "rules/rule_parser.h"
#include "rules/word_regex.h"

namespace hakam {
namespace {

using ::testing::HasSubstr;

class RuleSetTest : public ::testing::Test {
 protected:
  void SetUp() override { normalizer_ = *Normalizer::Create(); }

  absl::StatusOr<std::unique_ptr<const RuleSet>> Compile(
      const std::string& yaml, DiagnosticSink& sink,
      RuleSetOptions options = RuleSetOptions()) {
    RuleFileSpec spec = ParseRuleFile("t.yaml", yaml, sink);
    EXPECT_FALSE(sink.has_errors()) << sink.ToString();
    return RuleSet::Compile(spec.pack->rules, *normalizer_, options, sink);
  }

  // "rule@excerpt" for every hit, in order.
  std::vector<std::string> Hits(const RuleSet& set, const std::string& text) {
    auto n = normalizer_->Normalize(text, set.views_used());
    EXPECT_TRUE(n.ok());
    std::vector<RuleHit> hits;
    set.Match(*n, &hits);
    std::vector<std::string> out;
    for (const RuleHit& h : hits) {
      out.push_back(
          set.rules()[h.rule].id + "@" +
          text.substr(h.original.begin, h.original.end - h.original.begin));
    }
    return out;
  }

  std::unique_ptr<const Normalizer> normalizer_;
};

constexpr char kPack[] = R"(pack: p
rules:
  - {id: ass, category: profanity, weight: 5, words: [ass]}
  - {id: kalb, category: insult, weight: 10, words: [يا كلب]}
  - {id: url, category: link, weight: 3, pattern: 'https?://\S+'}
)";

TEST_F(RuleSetTest, WordsMatchOnlyAsWholeWords) {
  DiagnosticSink sink;
  auto set = Compile(kPack, sink);
  ASSERT_TRUE(set.ok()) << sink.ToString();
  EXPECT_THAT(Hits(**set, "kiss my ass"), ::testing::ElementsAre("ass@ass"));
  EXPECT_THAT(Hits(**set, "ASS!"), ::testing::ElementsAre("ass@ASS"));
  EXPECT_TRUE(Hits(**set, "a classic assassin passes").empty());
  EXPECT_TRUE(Hits(**set, "assess the brass").empty());
}

TEST_F(RuleSetTest, ArabicPhrasesRespectBoundariesAndSeparators) {
  DiagnosticSink sink;
  auto set = Compile(kPack, sink);
  ASSERT_TRUE(set.ok());
  EXPECT_THAT(Hits(**set, "اسكت يا كلب"),
              ::testing::ElementsAre("kalb@يا كلب"));
  // Several spaces and Arabic punctuation still separate the words.
  EXPECT_THAT(Hits(**set, "يا   كلب، اسكت"),
              ::testing::ElementsAre("kalb@يا   كلب"));
  // Inside longer words, no hit.
  EXPECT_TRUE(Hits(**set, "يا كلبي الصغير").empty());
  EXPECT_TRUE(Hits(**set, "بيا كلب").empty());
}

TEST_F(RuleSetTest, ReportsEveryOccurrenceInOrder) {
  DiagnosticSink sink;
  auto set = Compile(kPack, sink);
  ASSERT_TRUE(set.ok());
  EXPECT_THAT(Hits(**set, "ass ass http://x.y ass"),
              ::testing::ElementsAre("ass@ass", "ass@ass", "url@http://x.y",
                                     "ass@ass"));
}

// A word's regex is confirmed only over the tokens the word index named
// (see word_index.h); what it finds must be what a scan of the whole text
// finds: every occurrence up to the limit, in order, at the text's edges,
// and phrases (whose words may share one key) across tokens.
TEST_F(RuleSetTest, WordsAreConfirmedTokenByTokenAsInTheWholeText) {
  DiagnosticSink sink;
  RuleSetOptions options;
  options.max_spans_per_rule = 3;
  auto set = Compile(R"(pack: p
rules:
  - {id: ass, category: profanity, weight: 5, words: [ass, kiss ass]}
  - {id: bla, category: spam, weight: 1, words: [bla bla, "buy buy buy"]}
  - {id: kalb, category: insult, weight: 5, clitics: true, words: [كلب]}
)",
                     sink, options);
  ASSERT_TRUE(set.ok()) << sink.ToString();
  EXPECT_THAT(Hits(**set, "ass"), ::testing::ElementsAre("ass@ass"));
  EXPECT_THAT(Hits(**set, "ass, you ASS."),
              ::testing::ElementsAre("ass@ass", "ass@ASS"));
  // The limit counts across tokens: the first three, in order.
  EXPECT_THAT(Hits(**set, "ass1 aSs ass2 ASS, Ass asS ass"),
              ::testing::ElementsAre("ass@aSs", "ass@ASS", "ass@Ass"));
  // The phrase is a candidate: the whole text is scanned, and leftmost
  // wins as before.
  EXPECT_THAT(Hits(**set, "ass kiss ass"),
              ::testing::ElementsAre("ass@ass", "ass@kiss ass"));
  // Phrases whose words share one key span tokens.
  EXPECT_THAT(Hits(**set, "bla bla bla"),
              ::testing::ElementsAre("bla@bla bla"));
  EXPECT_THAT(Hits(**set, "buy  buy, buy now"),
              ::testing::ElementsAre("bla@buy  buy, buy"));
  EXPECT_TRUE(Hits(**set, "bla blah").empty());
  // Affixes belong to the token the index named.
  EXPECT_THAT(Hits(**set, "وكلبهم كلب، الكلب"),
              ::testing::ElementsAre("kalb@وكلبهم", "kalb@كلب", "kalb@الكلب"));
}

// The same, on random text, in every view words are matched on by default:
// a word rule's hits are exactly the group-1 spans a capturing scan of the
// whole text finds, up to a limit the texts often reach.
TEST_F(RuleSetTest, WordHitsAreWhatACapturingScanOfTheWholeTextFinds) {
  const std::vector<std::string> words = {"كلب",  "زب",       "يا حمار", "حمار",
                                          "ass",  "kiss ass", "la la",   "f*ck",
                                          "fuck", "shit",     "a.s.s"};
  const std::vector<std::string> pieces = {
      "كلب",   "زب",     "حزب",  "يا",   "حمار", "و",    "ال",
      "هم",    "ass",    "kiss", "la",   "f*ck", "f",    "*",
      "ck",    "fuuuck", "FUCK", "sh1t", "7mar", "kalb", "ya",
      "a.s.s", "ك ل ب",  " ",    "  ",   ".",    "،",    "ـ"};
  std::vector<std::string> quoted;
  for (const std::string& w : words)
    quoted.push_back(absl::StrCat("\"", w, "\""));
  RuleSetOptions options;
  options.max_spans_per_rule = 2;
  for (ViewId view_id : {ViewId::kArabic, ViewId::kSkeleton, ViewId::kCompact,
                         ViewId::kTranslit}) {
    SCOPED_TRACE(ViewName(view_id));
    DiagnosticSink sink;
    auto set = Compile(
        absl::StrCat("pack: p\nrules:\n  - {id: w, category: x, weight: 1, "
                     "clitics: true, views: [",
                     ViewName(view_id), "], words: [",
                     absl::StrJoin(quoted, ", "), "]}\n"),
        sink, options);
    ASSERT_TRUE(set.ok()) << sink.ToString();
    // As RuleSet builds it (Alternatives()), with a capture group.
    std::vector<std::string> alternatives;
    for (const std::string& w : words) {
      auto rendered = normalizer_->Normalize(w, kWordRenderViews);
      ASSERT_TRUE(rendered.ok());
      std::string alternative = WordRegex(view_id, *rendered, true);
      if (!alternative.empty()) alternatives.push_back(std::move(alternative));
    }
    const RE2 capturing(absl::StrCat("(?:^|", kWordBoundaryClass, ")(",
                                     absl::StrJoin(alternatives, "|"),
                                     ")(?:", kWordBoundaryClass, "|$)"));
    ASSERT_TRUE(capturing.ok()) << capturing.error();
    std::mt19937 rng(11);
    int texts_with_hits = 0;
    int texts_at_limit = 0;
    for (int round = 0; round < 2000; ++round) {
      std::string text;
      const int n = static_cast<int>(rng() % 14);
      for (int i = 0; i < n; ++i) {
        text += pieces[rng() % pieces.size()];
        if (rng() % 2 == 0) text += " ";
      }
      auto normalized = normalizer_->Normalize(text, (*set)->views_used());
      ASSERT_TRUE(normalized.ok());
      const View& view = normalized->view(view_id);
      const re2::StringPiece t(view.text().data(), view.text().size());
      std::vector<std::string> expected;
      re2::StringPiece m[2];
      size_t pos = 0;
      while (pos <= t.size() &&
             static_cast<int>(expected.size()) < options.max_spans_per_rule) {
        if (!capturing.Match(t, pos, t.size(), RE2::UNANCHORED, m, 2)) break;
        const auto begin = static_cast<uint32_t>(m[1].data() - t.data());
        const auto end = static_cast<uint32_t>(begin + m[1].size());
        if (end > begin) {
          const OriginalRange r = view.MapToOriginal(begin, end);
          expected.push_back("w@" + text.substr(r.begin, r.end - r.begin));
          pos = end;
        } else {
          pos = std::max<size_t>(end, pos + 1);
        }
      }
      ASSERT_EQ(Hits(**set, text), expected) << "text: " << text;
      if (!expected.empty()) ++texts_with_hits;
      if (static_cast<int>(expected.size()) == options.max_spans_per_rule) {
        ++texts_at_limit;
      }
    }
    EXPECT_GT(texts_with_hits, 1000) << "of 2,000";
    EXPECT_GT(texts_at_limit, 200) << "of 2,000";
  }
}

TEST_F(RuleSetTest, RejectsDuplicateIdsAndBadPatterns) {
  DiagnosticSink sink;
  auto set = Compile(R"(pack: p
rules:
  - {id: a, category: x, weight: 1, words: [w]}
  - {id: a, category: x, weight: 1, words: [v]}
  - {id: b, category: x, weight: 1, pattern: 'a(b'}
)",
                     sink);
  EXPECT_FALSE(set.ok());
  EXPECT_THAT(sink.ToString(), HasSubstr("t.yaml:4:5: error: duplicate rule "
                                         "id (first defined at t.yaml:3)"));
  EXPECT_THAT(sink.ToString(), HasSubstr("bad RE2 pattern: missing )"));
}

TEST_F(RuleSetTest, RejectsPatternsOverTheProgramBudget) {
  DiagnosticSink sink;
  RuleSetOptions options;
  options.max_program_size = 50;
  auto set = Compile(R"(pack: p
rules:
  - {id: big, category: x, weight: 1, pattern: '(?:abc|def|ghi){10}'}
)",
                     sink, options);
  EXPECT_FALSE(set.ok());
  EXPECT_THAT(sink.ToString(), HasSubstr("over the budget of 50 [big]"));
}

TEST_F(RuleSetTest, RejectsWordListsOverTheProgramBudget) {
  std::string words;
  for (int i = 0; i < 40; ++i) {
    absl::StrAppend(&words, i ? ", " : "", "word", std::string(1, 'a' + i % 26),
                    std::string(1, 'a' + i / 26));
  }
  DiagnosticSink sink;
  RuleSetOptions options;
  options.max_program_size = 100;
  auto set =
      Compile(absl::StrCat("pack: p\nrules:\n  - {id: many, category: x, "
                           "weight: 1, views: [arabic], words: [",
                           words, "]}\n"),
              sink, options);
  EXPECT_FALSE(set.ok());
  EXPECT_THAT(sink.ToString(), HasSubstr("over the budget of 100 [many]"));
  // A small list under the same budget loads and matches.
  DiagnosticSink small_sink;
  auto small = Compile(
      "pack: p\nrules:\n  - {id: few, category: x, weight: 1, views: "
      "[arabic], words: [worda]}\n",
      small_sink, options);
  ASSERT_TRUE(small.ok()) << small_sink.ToString();
  EXPECT_THAT(Hits(**small, "a worda b"), ::testing::ElementsAre("few@worda"));
}

TEST_F(RuleSetTest, InvalidUtf8InAWordIsAnErrorNotACrash) {
  // The parser refuses such files; a spec built otherwise (or a YAML
  // escape) must still not reach the normalizer.
  RuleSpec spec;
  spec.id = "bad";
  spec.category = "x";
  spec.weight = 1;
  spec.words = {"ok", std::string("k\xC3")};
  DiagnosticSink sink;
  auto set = RuleSet::Compile({spec}, *normalizer_, RuleSetOptions(), sink);
  EXPECT_FALSE(set.ok());
  EXPECT_THAT(sink.ToString(),
              HasSubstr("word: invalid UTF-8 at byte offset 1"));
}

TEST_F(RuleSetTest, WordsAreNormalizedLikeTheText) {
  DiagnosticSink sink;
  auto set = Compile(R"(pack: p
rules:
  - {id: w, category: x, weight: 1, words: [ＳＣＵＭＢＡＧ]}
)",
                     sink);
  ASSERT_TRUE(set.ok());
  EXPECT_THAT(Hits(**set, "what a Scumbag"),
              ::testing::ElementsAre("w@Scumbag"));
}

TEST_F(RuleSetTest, EmptyMatchesDoNotLoopOrReport) {
  DiagnosticSink sink;
  auto set = Compile(R"(pack: p
rules:
  - {id: e, category: x, weight: 1, pattern: 'z*'}
)",
                     sink);
  ASSERT_TRUE(set.ok());
  EXPECT_THAT(Hits(**set, "abc zz d"), ::testing::ElementsAre("e@zz"));
}

// Many patterns are split into two sets by the first bytes of their
// matches (RuleSetOptions::split_patterns_above): ASCII starts, and the
// rest; a comment skips the sets none of whose first bytes it holds.
// Split or not, the hits are the same.
class SplitPatternSetsTest : public RuleSetTest {
 protected:
  // Compiles `yaml` split and as one set.
  void CompileBoth(const std::string& yaml) {
    DiagnosticSink sink;
    RuleSetOptions split_options;
    split_options.split_patterns_above = 0;
    auto split = Compile(yaml, sink, split_options);
    ASSERT_TRUE(split.ok()) << sink.ToString();
    auto one = Compile(yaml, sink);
    ASSERT_TRUE(one.ok()) << sink.ToString();
    EXPECT_EQ((*split)->pattern_set_count(ViewId::kArabic), 2);
    EXPECT_EQ((*one)->pattern_set_count(ViewId::kArabic), 1);
    split_ = *std::move(split);
    one_ = *std::move(one);
  }

  // Random texts made of `pieces` find the same hits split as in one set;
  // more than `min_with_hits` of 3,000 find some.
  void ExpectSameHitsOnRandomTexts(const std::vector<std::string>& pieces,
                                   int min_with_hits) {
    std::mt19937 rng(7);
    int texts_with_hits = 0;
    for (int round = 0; round < 3000; ++round) {
      std::string text;
      const int n = static_cast<int>(rng() % 10);
      for (int i = 0; i < n; ++i) text += pieces[rng() % pieces.size()];
      const std::vector<std::string> expected = Hits(*one_, text);
      ASSERT_EQ(Hits(*split_, text), expected) << "text: " << text;
      if (!expected.empty()) ++texts_with_hits;
    }
    EXPECT_GT(texts_with_hits, min_with_hits);
  }

  std::unique_ptr<const RuleSet> split_;
  std::unique_ptr<const RuleSet> one_;
};

constexpr char kSplitPatterns[] = R"(pack: p
rules:
  - {id: kill, category: threat, weight: 9, pattern: '\bkill(?:s|ed)?\b'}
  - {id: spelled, category: insult, weight: 5, pattern: 'i+[\W_]*d+[\W_]*i+[\W_]*o+[\W_]*t+'}
  - {id: kalb, category: insult, weight: 5, pattern: 'ك+ـ*ل+ـ*ب+'}
  - {id: handle, category: spam, weight: 5, pattern: '(?:whatsapp|واتساب)\W{0,3}@?\w+'}
  - {id: behind, category: x, weight: 1, pattern: '\Bzz|yy'}
  - {id: line, category: x, weight: 1, pattern: '(?m:^)qq'}
  - {id: empty, category: x, weight: 1, pattern: 'w*v'}
)";

// The pieces random texts are made of: every pattern's letters, whole
// words for the patterns random letters seldom spell, and what separates
// them.
std::vector<std::string> SplitPieces() {
  return {"kill", "kills", "ك",  "ل",     "ب",  "ـ", "i",        "d",
          "o",    "t",     "_",  " ",     "\n", "-", "whatsapp", "واتساب",
          "@",    "zz",    "yy", "a",     "qq", "v", "w",        "1",
          "é",    "!",     "س",  "idiot", "كلب"};
}

TEST_F(SplitPatternSetsTest, FindWhatOneSetFinds) {
  ASSERT_NO_FATAL_FAILURE(CompileBoth(kSplitPatterns));
  EXPECT_THAT(Hits(*split_, "i will kill you"),
              ::testing::ElementsAre("kill@kill"));
  EXPECT_THAT(Hits(*split_, "you i.d_i o-t"),
              ::testing::ElementsAre("spelled@i.d_i o-t"));
  EXPECT_THAT(Hits(*split_, "يا كلب"), ::testing::ElementsAre("kalb@كلب"));
  EXPECT_THAT(Hits(*split_, "كلمني واتساب @abc"),
              ::testing::ElementsAre("handle@واتساب @abc"));
  // A pattern that may start either way shares the Arabic patterns' set,
  // which a comment without Arabic must still run when it holds one of
  // that pattern's ASCII first bytes (here nothing else in the set starts
  // with an ASCII byte).
  EXPECT_THAT(Hits(*split_, "call me on whatsapp @abc"),
              ::testing::ElementsAre("handle@whatsapp @abc"));
  EXPECT_THAT(Hits(*split_, "azz"), ::testing::ElementsAre("behind@zz"));
  EXPECT_THAT(Hits(*split_, "x\nqq"), ::testing::ElementsAre("line@qq"));
  EXPECT_TRUE(Hits(*split_, "هذا كلام عادي").empty());
  ExpectSameHitsOnRandomTexts(SplitPieces(), 1000);
}

// A pattern that may match the empty string may start anywhere: its set
// runs on every text, and the hits are still the same.
TEST_F(SplitPatternSetsTest, WithAPatternThatMatchesEmpty) {
  ASSERT_NO_FATAL_FAILURE(CompileBoth(
      std::string(kSplitPatterns) +
      "  - {id: maybe, category: x, weight: 1, pattern: '(?:jj|)'}\n"));
  EXPECT_THAT(Hits(*split_, "jj kill"),
              ::testing::ElementsAre("maybe@jj", "kill@kill"));
  std::vector<std::string> pieces = SplitPieces();
  pieces.push_back("jj");
  ExpectSameHitsOnRandomTexts(pieces, 1000);
}

}  // namespace
}  // namespace hakam
