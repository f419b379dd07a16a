#include "engine/engine.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include "engine/test_rules.h"

namespace hakam {
namespace {

using ::testing::HasSubstr;

hakam::v1::Comment Comment(const std::string& text) {
  hakam::v1::Comment c;
  c.set_comment_id("c1");
  c.set_text(text);
  return c;
}

TEST(EngineTest, RejectsAnArabicInsultWithItsExactSpan) {
  auto engine = testing::TestEngine();
  ASSERT_NE(engine, nullptr);
  const std::string text = "رأيك سخيف، اسكت يا كلب!";
  auto d = engine->Evaluate(Comment(text));
  ASSERT_TRUE(d.ok()) << d.status();
  EXPECT_EQ(d->action(), hakam::v1::REJECT);
  EXPECT_EQ(d->comment_id(), "c1");
  EXPECT_DOUBLE_EQ(d->score(), 10);
  ASSERT_EQ(d->reasons_size(), 1);
  const auto& r = d->reasons(0);
  EXPECT_EQ(r.rule_id(), "ar.kalb");
  EXPECT_EQ(r.category(), "insult");
  EXPECT_EQ(r.excerpt(), "يا كلب");
  EXPECT_EQ(text.substr(r.span().byte_start(),
                        r.span().byte_end() - r.span().byte_start()),
            "يا كلب");
  // Code points: "رأيك سخيف، اسكت " is 16 characters.
  EXPECT_EQ(r.span().codepoint_start(), 16u);
  EXPECT_EQ(r.span().codepoint_end(), 22u);
  EXPECT_EQ(d->policy_id(), "default");
  EXPECT_EQ(d->ruleset_version(), engine->snapshot()->ruleset->version);
  EXPECT_EQ(d->decision_id().size(), 32u);
  ASSERT_EQ(d->category_scores_size(), 1);
  EXPECT_EQ(d->category_scores(0).category(), "insult");
}

TEST(EngineTest, AllowsOrdinaryNews) {
  auto engine = testing::TestEngine();
  ASSERT_NE(engine, nullptr);
  for (const char* text :
       {"قال مسؤولون عراقيون إن الحكومة ستناقش الميزانية يوم الأحد",
        "Iraq's parliament met on Sunday to discuss the budget", "",
        "   \n\t  "}) {
    auto d = engine->Evaluate(Comment(text));
    ASSERT_TRUE(d.ok()) << d.status();
    EXPECT_EQ(d->action(), hakam::v1::ALLOW) << text;
    EXPECT_EQ(d->reasons_size(), 0) << text;
  }
}

TEST(EngineTest, ScoresAddUpAcrossCategoriesAndRulesCountOnce) {
  auto engine = testing::TestEngine();
  ASSERT_NE(engine, nullptr);
  auto review = engine->Evaluate(Comment("idiot idiot idiot"));
  ASSERT_TRUE(review.ok());
  EXPECT_EQ(review->action(), hakam::v1::REVIEW);
  EXPECT_DOUBLE_EQ(review->score(), 5);
  EXPECT_EQ(review->reasons_size(), 3);
  auto reject = engine->Evaluate(Comment("idiot, see http://spam.example"));
  ASSERT_TRUE(reject.ok());
  EXPECT_EQ(reject->action(), hakam::v1::REJECT);
  EXPECT_DOUBLE_EQ(reject->score(), 10);
  ASSERT_EQ(reject->category_scores_size(), 2);
  EXPECT_EQ(reject->category_scores(0).category(), "insult");
  EXPECT_EQ(reject->category_scores(1).category(), "link");
}

TEST(EngineTest, InvalidUtf8IsInvalidArgumentWithOffset) {
  auto engine = testing::TestEngine();
  ASSERT_NE(engine, nullptr);
  auto d = engine->Evaluate(Comment("abc\xFF"));
  ASSERT_EQ(d.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(d.status().message(),
              HasSubstr("comment.text: invalid UTF-8 at byte offset 3"));
}

TEST(EngineTest, BrokenRulesFailToLoadNamingFileAndLine) {
  DiagnosticSink sink;
  auto files = testing::TestRuleFiles();
  files["rules/bad.yaml"] = "pack: bad\nrules:\n  - id: x\n    category: c\n"
                            "    weight: 1\n    pattern: '(unclosed'\n";
  auto engine = Engine::Create(
      std::make_unique<InMemoryRuleSource>(files), EngineOptions(), sink);
  ASSERT_EQ(engine.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(engine.status().message()),
              HasSubstr("rules/bad.yaml:3:5: error: bad RE2 pattern"));
}

TEST(EngineTest, VersionIsAContentHash) {
  auto a = testing::TestEngine();
  auto b = testing::TestEngine();
  ASSERT_NE(a, nullptr);
  ASSERT_NE(b, nullptr);
  EXPECT_EQ(a->snapshot()->ruleset->version, b->snapshot()->ruleset->version);
  EXPECT_THAT(a->snapshot()->ruleset->version, HasSubstr("sha256:"));
  auto files = testing::TestRuleFiles();
  files["rules/policies.yaml"] += "# a comment changes the version\n";
  DiagnosticSink sink;
  auto c = Engine::Create(std::make_unique<InMemoryRuleSource>(files),
                          EngineOptions(), sink);
  ASSERT_TRUE(c.ok());
  EXPECT_NE((*c)->snapshot()->ruleset->version,
            a->snapshot()->ruleset->version);
}

}  // namespace
}  // namespace hakam
