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
  EXPECT_THAT(all, HasSubstr("either `pattern` or `words`, not both [b]"));
  EXPECT_THAT(all, HasSubstr("missing required key `category` [c]"));
  EXPECT_THAT(all, HasSubstr("pack.yaml:14:21: error: unknown view "
                             "\"sideways\""));
  EXPECT_THAT(all, HasSubstr("a rule needs `pattern` or `words` [c]"));
  EXPECT_GE(sink.error_count(), 6);
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

}  // namespace
}  // namespace hakam
