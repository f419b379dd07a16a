// The rule linter: the loader's errors with file:line:col, and each lint
// warning produced by a minimal ruleset. Dictionaries and corpora are small
// files in a temporary directory, never the Debian dictionaries.
#include "engine/linter.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <map>
#include <string>
#include <vector>

#include "absl/strings/str_cat.h"
#include "engine/temp_dir.h"

namespace hakam {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::IsEmpty;

constexpr char kPolicies[] = R"(policies:
  - {id: default, review_at: 5, reject_at: 10}
)";

// No dictionaries and no corpus unless a test adds them.
LintOptions Hermetic() {
  LintOptions options;
  options.dictionaries.clear();
  return options;
}

// Lints `pack` (the content of rules/p.yaml) beside a default policy and
// returns every diagnostic as a line.
std::vector<std::string> LintPack(const std::string& pack,
                                  const LintOptions& options = Hermetic()) {
  absl::StatusOr<LintReport> report = Lint(
      std::make_unique<InMemoryRuleSource>(std::map<std::string, std::string>{
          {"rules/p.yaml", pack}, {"rules/policies.yaml", kPolicies}}),
      options);
  EXPECT_TRUE(report.ok()) << report.status();
  std::vector<std::string> lines;
  if (!report.ok()) return lines;
  for (const Diagnostic& d : report->diagnostics) lines.push_back(d.ToString());
  return lines;
}

// A word rule with both kinds of examples: lint-clean.
constexpr char kCleanPack[] = R"(pack: p
rules:
  - id: en.idiot
    category: insult
    weight: 5
    words: [idiot]
    tests: {match: ["you idiot"], no_match: ["idiotic plan"]}
  - id: link
    category: link
    weight: 5
    pattern: 'https?://\S+'
    tests: {match: ["see http://x.y"], no_match: ["see you"]}
)";

TEST(LinterTest, CleanRulesetHasNoDiagnostics) {
  EXPECT_THAT(LintPack(kCleanPack), IsEmpty());
}

TEST(LinterTest, BrokenFileGivesEveryErrorWithItsPosition) {
  constexpr char kBroken[] = R"(pack: broken
rules:
  - id: dup
    category: insult
    weight: 5
    words: [idiot]
  - id: dup
    category: insult
    weight: 5
    words: [moron]
  - id: bad.re
    category: spam
    weight: 1
    pattern: 'a(b'
  - id: typo
    category: insult
    wieght: 5
    words: [fool]
)";
  absl::StatusOr<LintReport> report = Lint(
      std::make_unique<InMemoryRuleSource>(std::map<std::string, std::string>{
          {"rules/broken.yaml", kBroken}, {"rules/policies.yaml", kPolicies}}),
      Hermetic());
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_FALSE(report->loaded);
  EXPECT_EQ(report->errors, 4);
  EXPECT_EQ(report->warnings, 0);
  std::vector<std::string> lines;
  for (const Diagnostic& d : report->diagnostics) lines.push_back(d.ToString());
  EXPECT_THAT(
      lines,
      ElementsAre(
          "rules/broken.yaml:17:5: error: unknown key \"wieght\" (expected "
          "one of: id, category, weight, pattern, words, composite, views, "
          "clitics, exceptions, mode, description, tests) [typo]",
          "rules/broken.yaml:15:5: error: missing required key `weight` "
          "[typo]",
          "rules/broken.yaml:7:5: error: duplicate rule id (first defined at "
          "rules/broken.yaml:3) [dup]",
          "rules/broken.yaml:11:5: error: bad RE2 pattern: missing ): a(b "
          "[bad.re]"));
}

TEST(LinterTest, MissingSourceIsAStatusNotAReport) {
  absl::StatusOr<LintReport> report = Lint(
      std::make_unique<DirectoryRuleSource>("/nonexistent/rules"), Hermetic());
  EXPECT_EQ(report.status().code(), absl::StatusCode::kNotFound);
}

TEST(LinterTest, RuleWithoutTests) {
  EXPECT_THAT(LintPack(R"(pack: p
rules:
  - {id: none, category: c, weight: 1, words: [aaa]}
  - id: only.match
    category: c
    weight: 1
    words: [bbb]
    tests: {match: [bbb]}
  - id: only.no_match
    category: c
    weight: 1
    words: [ccc]
    tests: {no_match: [ddd]}
)"),
              ElementsAre("rules/p.yaml:3:5: warning: rule has no tests: add "
                          "`match:` and `no_match:` examples [none]",
                          "rules/p.yaml:4:5: warning: rule has no "
                          "`no_match:` example: add one it must not fire on "
                          "[only.match]",
                          "rules/p.yaml:9:5: warning: rule has no `match:` "
                          "example: add one it must fire on [only.no_match]"));
}

TEST(LinterTest, PatternMatchingTheEmptyString) {
  const std::vector<std::string> lines = LintPack(R"(pack: p
rules:
  - id: star
    category: c
    weight: 1
    pattern: 'x*'
    tests: {match: [xx], no_match: [y]}
  - id: empty.alternative
    category: c
    weight: 1
    pattern: '\bfoo|\b'
    tests: {match: [foo], no_match: [bar]}
  - id: fine
    category: c
    weight: 1
    pattern: '\bfoo\b'
    tests: {match: [foo], no_match: [bar]}
)");
  ASSERT_EQ(lines.size(), 2u) << ::testing::PrintToString(lines);
  EXPECT_EQ(lines[0],
            "rules/p.yaml:3:5: warning: pattern matches the empty string (an "
            "optional or starred part on its own, or an empty alternative as "
            "in \"a|\"): make some part of it required [star]");
  EXPECT_THAT(lines[1], HasSubstr("rules/p.yaml:8:5: warning: pattern matches "
                                  "the empty string"));
  EXPECT_THAT(lines[1], HasSubstr("[empty.alternative]"));
}

TEST(LinterTest, RuleThatMatchesNoneOfItsOwnExamples) {
  EXPECT_THAT(
      LintPack(R"(pack: p
rules:
  - id: one
    category: c
    weight: 1
    words: [idiot]
    tests: {match: ["hello there"], no_match: [bye]}
  - id: all.miss
    category: c
    weight: 1
    words: [moron]
    tests:
      match:
        - "good morning"
        - "good night"
      no_match: [bye]
  - id: some.hit
    category: c
    weight: 1
    words: [fool]
    tests: {match: ["a fool", "nothing"], no_match: [bye]}
)"),
      ElementsAre(
          "rules/p.yaml:3:5: warning: rule does not match its only `match:` "
          "example (rules/p.yaml:7): check its words or pattern and its views "
          "[one]",
          "rules/p.yaml:8:5: warning: rule matches none of its 2 `match:` "
          "examples (first at rules/p.yaml:14): check its words or pattern "
          "and its views [all.miss]"));
}

TEST(LinterTest, WordsRepeatedAfterNormalization) {
  EXPECT_THAT(
      LintPack(R"(pack: p
rules:
  - id: first
    category: c
    weight: 1
    words: [idiot, IDIOT, moron, ｍｏｒｏｎ, fool, كلب, كَلب]
    tests: {match: [idiot], no_match: [bye]}
  - id: second
    category: c
    weight: 1
    words: [twit, Fool, "كلب"]
    tests: {match: [twit], no_match: [bye]}
)"),
      ElementsAre(
          "rules/p.yaml:3:5: warning: 3 list words are repeated (the same "
          "after normalization), e.g. \"IDIOT\" (same as \"idiot\"), "
          "\"ｍｏｒｏｎ\" (same as \"moron\"), \"كَلب\" (same as \"كلب\"): "
          "remove the repeats [first]",
          "rules/p.yaml:8:5: warning: 2 list words are also listed in "
          "[first] (rules/p.yaml:3), e.g. \"Fool\", \"كلب\": both rules fire "
          "on them; keep each word in one rule [second]"));
}

// A word rule on نيك with clitics reads بنيك ("your sons") as ب + نيك.
constexpr char kCliticPack[] = R"(pack: p
rules:
  - id: ar.x
    category: sexual
    weight: 10
    words: [نيك]
    clitics: true
    tests: {match: [نيك], no_match: [نيكاراغوا]}
  - id: en.ass
    category: profanity
    weight: 5
    words: [ass]
    tests: {match: [ass], no_match: [classic]}
)";

TEST(LinterTest, DictionaryWordsARuleFiresOn) {
  testing::TempDir dir;
  // Hunspell format: a count, then words with /FLAGS; the rules' own words
  // (نيك, ass, Ass's) do not count, words around them do.
  dir.Write("test.dic",
            "9\nنيك/12\nبنيك/3\nفنيك\nنيكاراغوا/4\nclassic/M\nass\nAss's\n"
            "# a comment\nbass\t12\nبنيك\n");
  LintOptions options = Hermetic();
  options.dictionaries = {{"test-dict", dir.Path("test.dic"), "test-pkg"}};
  EXPECT_THAT(LintPack(kCliticPack, options),
              ElementsAre("rules/p.yaml:3:5: warning: fires on 2 dictionary "
                          "words, e.g. \"بنيك\", \"فنيك\" (test-dict): add an "
                          "exception or drop clitics [ar.x]"));
  options.max_examples = 1;
  EXPECT_THAT(LintPack(kCliticPack, options),
              ElementsAre(HasSubstr("fires on 2 dictionary words, e.g. "
                                    "\"بنيك\" (test-dict)")));
}

TEST(LinterTest, DictionaryHitsAreMappedBackAcrossBatches) {
  // Far more than one batch of words; the hits sit in different batches.
  std::string words;
  for (int i = 0; i < 30000; ++i) {
    absl::StrAppend(&words, "filler", i, "\n");
    if (i == 10) words += "بنيك\n";
    if (i == 29000) words += "وبنيك\n";
    if (i == 15000) words += "ass\nنيك\nbass\n";
  }
  testing::TempDir dir;
  dir.Write("big.dic", words);
  LintOptions options = Hermetic();
  options.dictionaries = {{"big", dir.Path("big.dic"), "big-pkg"}};
  absl::StatusOr<LintReport> report = Lint(
      std::make_unique<InMemoryRuleSource>(std::map<std::string, std::string>{
          {"rules/p.yaml", kCliticPack}, {"rules/policies.yaml", kPolicies}}),
      options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->dictionary_words, 30005);
  ASSERT_EQ(report->diagnostics.size(), 1u);
  EXPECT_EQ(report->diagnostics[0].ToString(),
            "rules/p.yaml:3:5: warning: fires on 2 dictionary words, e.g. "
            "\"بنيك\", \"وبنيك\" (big): add an exception or drop clitics "
            "[ar.x]");
}

TEST(LinterTest, MissingDictionaryNamesItsPackage) {
  LintOptions options = Hermetic();
  options.dictionaries = {
      {"hunspell-ar", "/nonexistent/ar.dic", "hunspell-ar"}};
  EXPECT_THAT(LintPack(kCleanPack, options),
              ElementsAre("/nonexistent/ar.dic: warning: dictionary "
                          "hunspell-ar not found: install the Debian package "
                          "hunspell-ar to check list words against its "
                          "words"));
}

TEST(LinterTest, DefaultDictionariesAreDebians) {
  const std::vector<Dictionary> d = LintOptions().dictionaries;
  ASSERT_EQ(d.size(), 2u);
  EXPECT_EQ(d[0].path, "/usr/share/hunspell/ar.dic");
  EXPECT_EQ(d[0].package, "hunspell-ar");
  EXPECT_EQ(d[1].path, "/usr/share/dict/american-english");
  EXPECT_EQ(d[1].package, "wamerican");
}

TEST(LinterTest, CorpusCommentsARuleFiresOn) {
  testing::TempDir dir;
  dir.Write("corpus/en.txt",
            "# Ordinary comments\n"
            "\n"
            "A fine analysis of the budget.\n"
            "The idiot box is what my grandfather called television.\n"
            "Idiot-proof instructions, finally.\n");
  dir.Write("corpus/ar.txt", "الكلب يحرس البيت\n");
  dir.Write("corpus/notes.md", "idiot\n");  // not a *.txt: ignored
  LintOptions options = Hermetic();
  options.corpus_dir = dir.Path("corpus");
  absl::StatusOr<LintReport> report = Lint(
      std::make_unique<InMemoryRuleSource>(std::map<std::string, std::string>{
          {"rules/p.yaml", kCleanPack}, {"rules/policies.yaml", kPolicies}}),
      options);
  ASSERT_TRUE(report.ok()) << report.status();
  EXPECT_EQ(report->corpus_comments, 4);
  ASSERT_EQ(report->diagnostics.size(), 1u);
  EXPECT_EQ(report->diagnostics[0].ToString(),
            absl::StrCat("rules/p.yaml:3:5: warning: fires on 2 ordinary "
                         "comments, e.g. \"idiot\" (",
                         dir.Path("corpus/en.txt"), ":4), \"Idiot\" (",
                         dir.Path("corpus/en.txt"),
                         ":5): add an exception [en.idiot]"));
}

TEST(LinterTest, MissingCorpusDirectoryIsAWarning) {
  LintOptions options = Hermetic();
  options.corpus_dir = "/nonexistent/corpus";
  EXPECT_THAT(LintPack(kCleanPack, options),
              ElementsAre("/nonexistent/corpus: warning: corpus directory not "
                          "found: rules are not checked against ordinary "
                          "comments"));
}

}  // namespace
}  // namespace hakam
