#include "rules/rule_parser.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hakam {
namespace {

using ::testing::HasSubstr;

RuleFileSpec Parse(const std::string& yaml, DiagnosticSink& sink) {
  return ParseRuleFile("pack.yaml", yaml, sink);
}

TEST(RuleParserTest, ParsesAPackWithWordAndPatternRules) {
  DiagnosticSink sink;
  RuleFileSpec spec = Parse(R"(
pack: test.pack
description: A test pack
language: ar
rules:
  - id: r.words
    category: insult
    weight: 10
    words: [كلب, "يا حمار"]
    views: [folded]
    tests:
      match: ["يا كلب"]
      no_match: "كلبة"
  - id: r.pattern
    category: link
    weight: 2.5
    pattern: 'https?://\S+'
)",
                            sink);
  ASSERT_FALSE(sink.has_errors()) << sink.ToString();
  ASSERT_TRUE(spec.pack.has_value());
  EXPECT_EQ(spec.pack->id, "test.pack");
  ASSERT_EQ(spec.pack->rules.size(), 2u);
  const RuleSpec& words = spec.pack->rules[0];
  EXPECT_EQ(words.id, "r.words");
  EXPECT_EQ(words.pack, "test.pack");
  EXPECT_EQ(words.words, (std::vector<std::string>{"كلب", "يا حمار"}));
  EXPECT_EQ(words.views, std::vector<ViewId>{ViewId::kFolded});
  EXPECT_EQ(words.where.line, 6);
  ASSERT_EQ(words.tests.size(), 2u);
  EXPECT_TRUE(words.tests[0].should_match);
  EXPECT_FALSE(words.tests[1].should_match);
  EXPECT_EQ(words.tests[1].where.line, 13);
  const RuleSpec& pattern = spec.pack->rules[1];
  EXPECT_EQ(pattern.pattern.value_or(""), "https?://\\S+");
  EXPECT_DOUBLE_EQ(pattern.weight, 2.5);
}

TEST(RuleParserTest, ReportsEveryProblemWithLineAndColumn) {
  DiagnosticSink sink;
  Parse(R"(pack: p
rules:
  - id: a
    category: insult
    wieght: 3
    words: [x]
  - id: b
    category: insult
    weight: heavy
    pattern: 'x'
    words: [y]
  - id: c
    weight: 1
    views: [folded, sideways]
)",
        sink);
  const std::string all = sink.ToString();
  EXPECT_THAT(all, HasSubstr("pack.yaml:5:5: error: unknown key \"wieght\""));
  EXPECT_THAT(all, HasSubstr("[a]"));
  EXPECT_THAT(all, HasSubstr("pack.yaml:9:13: error: `weight` must be a "
                             "finite number [b]"));
  EXPECT_THAT(all, HasSubstr("exactly one of `pattern`, `words` or "
                             "`composite` [b]"));
  EXPECT_THAT(all, HasSubstr("missing required key `category` [c]"));
  EXPECT_THAT(all, HasSubstr("pack.yaml:14:21: error: unknown view "
                             "\"sideways\""));
  EXPECT_THAT(all, HasSubstr("a rule needs `pattern`, `words` or "
                             "`composite` [c]"));
  EXPECT_GE(sink.error_count(), 6);
}

TEST(RuleParserTest, InvalidUtf8IsAnErrorAtItsLineAndColumn) {
  DiagnosticSink sink;
  RuleFileSpec spec = Parse(
      "pack: p\nrules:\n  - {id: a, category: x, weight: 1, words: [k\xC3]}\n",
      sink);
  EXPECT_FALSE(spec.pack.has_value());
  EXPECT_EQ(sink.ToString(),
            "pack.yaml:3:46: error: invalid UTF-8 at byte offset 60: rule "
            "files must be UTF-8\n");
}

TEST(RuleParserTest, YamlSyntaxErrorsAreDiagnosticsNotExceptions) {
  DiagnosticSink sink;
  Parse("pack: p\nrules:\n  - id: [unclosed\n", sink);
  ASSERT_TRUE(sink.has_errors());
  EXPECT_THAT(sink.diagnostics()[0].message, HasSubstr("YAML syntax"));
  EXPECT_EQ(sink.diagnostics()[0].where.file, "pack.yaml");
  EXPECT_GT(sink.diagnostics()[0].where.line, 0);
}

TEST(RuleParserTest, RejectsEmptyAndNonMappingFiles) {
  for (const char* yaml : {"", "# only a comment\n", "- a\n- b\n", "42"}) {
    DiagnosticSink sink;
    Parse(yaml, sink);
    EXPECT_TRUE(sink.has_errors()) << yaml;
  }
}

TEST(RuleParserTest, DuplicateKeysAreErrors) {
  DiagnosticSink sink;
  Parse("pack: p\nrules:\n  - id: a\n    category: x\n    weight: 1\n"
        "    weight: 2\n    words: [w]\n",
        sink);
  EXPECT_THAT(sink.ToString(), HasSubstr("duplicate key \"weight\""));
}

TEST(RuleParserTest, ParsesPoliciesAndChecksThresholds) {
  DiagnosticSink sink;
  RuleFileSpec spec = Parse(R"(policies:
  - id: default
    review_at: 5
    reject_at: 10
  - id: strict
    review_at: 8
    reject_at: 4
)",
                            sink);
  ASSERT_EQ(spec.policies.size(), 2u);
  EXPECT_EQ(spec.policies[0].id, "default");
  EXPECT_DOUBLE_EQ(spec.policies[0].reject_at, 10);
  EXPECT_THAT(sink.ToString(),
              HasSubstr("pack.yaml:5:5: error: `review_at` must not exceed "
                        "`reject_at`"));
}

TEST(RuleParserTest, NonFiniteWeightsAreRejected) {
  DiagnosticSink sink;
  Parse("pack: p\nrules:\n  - {id: a, category: x, weight: .nan, words: [w]}\n",
        sink);
  EXPECT_THAT(sink.ToString(), HasSubstr("finite number"));
}

TEST(RuleParserTest, ParsesModesCompositesExceptionsAndCaps) {
  DiagnosticSink sink;
  RuleFileSpec spec = Parse(R"(pack: p
exceptions: [moby dick]
categories:
  spam: {max_score: 8}
rules:
  - {id: a, category: x, weight: 1, words: [w], mode: shadow,
     exceptions: [w x]}
  - id: c
    category: spam
    weight: 4
    composite: {at_least: 2, of: [a, "category:link", b]}
  - id: d
    category: spam
    weight: 4
    composite: {all: [a, b]}
)",
                            sink);
  ASSERT_FALSE(sink.has_errors()) << sink.ToString();
  ASSERT_EQ(spec.pack->rules.size(), 3u);
  const RuleSpec& a = spec.pack->rules[0];
  EXPECT_EQ(a.mode, RuleMode::kShadow);
  EXPECT_EQ(a.exceptions, (std::vector<std::string>{"w x", "moby dick"}));
  const RuleSpec& c = spec.pack->rules[1];
  ASSERT_TRUE(c.composite.has_value());
  EXPECT_EQ(c.composite->kind, CompositeSpec::Kind::kAtLeast);
  EXPECT_EQ(c.composite->at_least, 2);
  EXPECT_EQ(c.composite->operands.size(), 3u);
  EXPECT_TRUE(c.exceptions.empty());
  EXPECT_EQ(spec.pack->rules[2].composite->kind, CompositeSpec::Kind::kAll);
  ASSERT_EQ(spec.category_caps.size(), 1u);
  EXPECT_EQ(spec.category_caps[0].category, "spam");
  EXPECT_DOUBLE_EQ(spec.category_caps[0].max_score, 8);
}

TEST(RuleParserTest, RejectsBadModesAndComposites) {
  DiagnosticSink sink;
  Parse(R"(pack: p
rules:
  - {id: a, category: x, weight: 1, words: [w], mode: loud}
  - {id: b, category: x, weight: 1, composite: {all: [a], any: [a]}}
  - {id: c, category: x, weight: 1, composite: {at_least: 3, of: [a, b]}}
  - {id: d, category: x, weight: 1, composite: {all: [a]}, views: [raw]}
)",
        sink);
  const std::string all = sink.ToString();
  EXPECT_THAT(all, HasSubstr("`mode` must be enforce or shadow, not \"loud\""));
  EXPECT_THAT(all, HasSubstr("exactly one of `all`, `any`, `at_least` [b]"));
  EXPECT_THAT(all, HasSubstr("`at_least: 3` of only 2 operands [c]"));
  EXPECT_THAT(all, HasSubstr("takes no `views`"));
}

TEST(RuleParserTest, ParsesScopedPoliciesOverridesAndExamples) {
  DiagnosticSink sink;
  RuleFileSpec spec = Parse(R"(policies:
  - id: politics
    site: news.example
    section: politics
    review_at: 3
    reject_at: 6
    overrides:
      - {category: threat, min_weight: 5, action: REVIEW}
      - {category: pii, action: review}
    examples:
      - {text: "you idiot", expect: REJECT}
      - {text: "hello", expect: ALLOW, section: sport}
  - id: bad
    review_at: 1
    reject_at: 2
    overrides: [{category: x, action: BAN}]
)",
                            sink);
  ASSERT_EQ(spec.policies.size(), 2u);
  const PolicySpec& p = spec.policies[0];
  EXPECT_EQ(p.site, "news.example");
  EXPECT_EQ(p.section, "politics");
  ASSERT_EQ(p.overrides.size(), 2u);
  EXPECT_EQ(p.overrides[0].category, "threat");
  EXPECT_DOUBLE_EQ(p.overrides[0].min_weight, 5);
  EXPECT_EQ(p.overrides[1].action, hakam::v1::REVIEW);
  ASSERT_EQ(p.examples.size(), 2u);
  EXPECT_EQ(p.examples[0].expect, hakam::v1::REJECT);
  EXPECT_EQ(p.examples[0].site, "news.example");
  EXPECT_EQ(p.examples[0].section, "politics");
  EXPECT_EQ(p.examples[1].section, "sport");
  EXPECT_EQ(p.examples[1].where.line, 12);
  EXPECT_THAT(sink.ToString(), HasSubstr("unknown action \"BAN\""));
}

}  // namespace
}  // namespace hakam
