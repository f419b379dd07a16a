// `hakam lint` on rule directories in a temporary directory: output format
// and exit codes. Dictionaries are turned off; the corpus is DIR/corpus.
#include "cli/lint_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "absl/strings/str_split.h"
#include "engine/temp_dir.h"

namespace hakam::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::StartsWith;

constexpr char kPolicies[] = R"(policies:
  - {id: default, review_at: 5, reject_at: 10}
)";

constexpr char kCleanPack[] = R"(pack: p
rules:
  - id: en.idiot
    category: insult
    weight: 5
    words: [idiot]
    tests: {match: ["you idiot"], no_match: ["idiotic plan"]}
)";

// One warning: a rule without tests.
constexpr char kUntestedPack[] = R"(pack: p
rules:
  - {id: en.moron, category: insult, weight: 5, words: [moron]}
)";

struct Result {
  int exit_code;
  std::vector<std::string> lines;
  std::string err;
};

Result RunCli(const LintCommandOptions& options,
              const std::vector<std::string>& args) {
  std::ostringstream out, err;
  Result r;
  r.exit_code = RunLint(options, args, out, err);
  for (absl::string_view line : absl::StrSplit(out.str(), '\n')) {
    if (!line.empty()) r.lines.emplace_back(line);
  }
  r.err = err.str();
  return r;
}

LintCommandOptions Hermetic() {
  LintCommandOptions options;
  options.lint.dictionaries.clear();
  return options;
}

TEST(LintCommandTest, CleanRulesExitZeroWithASummary) {
  hakam::testing::TempDir dir;
  dir.Write("p.yaml", kCleanPack);
  dir.Write("policies.yaml", kPolicies);
  Result r = RunCli(Hermetic(), {dir.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.lines,
              ElementsAre("0 errors, 0 warnings (1 rules, checked against 0 "
                          "dictionary words and 0 ordinary comments)"));
}

TEST(LintCommandTest, WarningsExitZeroUnlessWerror) {
  hakam::testing::TempDir dir;
  dir.Write("p.yaml", kUntestedPack);
  dir.Write("policies.yaml", kPolicies);
  LintCommandOptions options = Hermetic();
  options.rules_dir = dir.path();  // --rules instead of a positional DIR
  Result r = RunCli(options, {});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0], dir.path() +
                            "/p.yaml:3:5: warning: rule has no tests: add "
                            "`match:` and `no_match:` examples [en.moron]");
  EXPECT_THAT(r.lines[1], StartsWith("0 errors, 1 warning (1 rules"));

  options.werror = true;
  Result strict = RunCli(options, {});
  EXPECT_EQ(strict.exit_code, 1);
  EXPECT_THAT(strict.lines.back(), HasSubstr("--werror: failing"));
}

TEST(LintCommandTest, ErrorsExitOneWithFileLineColumn) {
  hakam::testing::TempDir dir;
  dir.Write("bad.yaml", R"(pack: p
rules:
  - id: x
    category: insult
    wieght: 5
    words: [idiot]
)");
  dir.Write("policies.yaml", kPolicies);
  Result r = RunCli(Hermetic(), {dir.path()});
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_THAT(
      r.lines[0],
      StartsWith(dir.path() + "/bad.yaml:5:5: error: unknown key \"wieght\""));
  EXPECT_EQ(r.lines[1], dir.path() +
                            "/bad.yaml:3:5: error: missing required key "
                            "`weight` [x]");
  EXPECT_EQ(r.lines[2],
            "2 errors, 0 warnings (the rules do not load; fix the errors to "
            "run the other checks)");
}

TEST(LintCommandTest, UsesTheCorpusBesideTheRules) {
  hakam::testing::TempDir dir;
  dir.Write("p.yaml", kCleanPack);
  dir.Write("policies.yaml", kPolicies);
  dir.Write("corpus/en.txt",
            "# clean comments\nGood point.\nWhat an idiot box.\n");
  Result r = RunCli(Hermetic(), {dir.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  ASSERT_EQ(r.lines.size(), 2u);
  EXPECT_EQ(r.lines[0], dir.path() +
                            "/p.yaml:3:5: warning: fires on 1 ordinary "
                            "comment, e.g. \"idiot\" (" +
                            dir.path() +
                            "/corpus/en.txt:3): add an exception [en.idiot]");
  EXPECT_THAT(r.lines[1], HasSubstr("and 2 ordinary comments"));
}

TEST(LintCommandTest, UsageAndMissingRulesExitTwo) {
  EXPECT_EQ(RunCli(Hermetic(), {"a", "b"}).exit_code, 2);
  Result r = RunCli(Hermetic(), {"/nonexistent/rules"});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.lines, ::testing::IsEmpty());
  EXPECT_THAT(r.err, HasSubstr("/nonexistent/rules does not exist"));
}

}  // namespace
}  // namespace hakam::cli
