// `hakam test` on rule directories in a temporary directory: failures with
// file:line, the summary line, exit codes.
#include "cli/test_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <sstream>

#include "absl/strings/str_split.h"
#include "engine/temp_dir.h"

namespace hakam::cli {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

constexpr char kPolicies[] = R"(policies:
  - id: default
    review_at: 5
    reject_at: 10
    examples:
      - {text: "you idiot", expect: REVIEW}
)";

struct Result {
  int exit_code;
  std::vector<std::string> lines;
  std::string err;
};

Result RunCli(const TestCommandOptions& options,
              const std::vector<std::string>& args) {
  std::ostringstream out, err;
  Result r;
  r.exit_code = RunTest(options, args, out, err);
  for (absl::string_view line : absl::StrSplit(out.str(), '\n')) {
    if (!line.empty()) r.lines.emplace_back(line);
  }
  r.err = err.str();
  return r;
}

TEST(TestCommandTest, PassingExamplesExitZero) {
  hakam::testing::TempDir dir;
  dir.Write("p.yaml", R"(pack: p
rules:
  - id: en.idiot
    category: insult
    weight: 5
    words: [idiot]
    tests: {match: ["you idiot"], no_match: ["idiotic plan"]}
)");
  dir.Write("policies.yaml", kPolicies);
  Result r = RunCli(TestCommandOptions(), {dir.path()});
  EXPECT_EQ(r.exit_code, 0) << r.err;
  EXPECT_THAT(r.lines, ElementsAre("3 passed, 0 failed"));
}

TEST(TestCommandTest, FailuresNameFileAndLineAndExitOne) {
  hakam::testing::TempDir dir;
  dir.Write("p.yaml", R"(pack: p
rules:
  - id: en.idiot
    category: insult
    weight: 5
    words: [idiot]
    tests:
      match: ["you idiot", "you fool"]
      no_match: ["idiot box"]
)");
  dir.Write("policies.yaml", kPolicies);
  TestCommandOptions options;
  options.rules_dir = dir.path();  // --rules instead of a positional DIR
  Result r = RunCli(options, {});
  EXPECT_EQ(r.exit_code, 1);
  ASSERT_EQ(r.lines.size(), 3u);
  EXPECT_EQ(r.lines[0], dir.path() +
                            "/p.yaml:8:28: test failed: expected [en.idiot] "
                            "to match \"you fool\": it did not match");
  EXPECT_EQ(r.lines[1], dir.path() +
                            "/p.yaml:9:18: test failed: expected [en.idiot] "
                            "not to match \"idiot box\": it matched "
                            "\"idiot\"");
  EXPECT_EQ(r.lines[2], "2 passed, 2 failed");
}

TEST(TestCommandTest, UsageAndLoadErrorsExitTwo) {
  EXPECT_EQ(RunCli(TestCommandOptions(), {"a", "b"}).exit_code, 2);
  hakam::testing::TempDir dir;
  dir.Write("p.yaml", "pack: p\nrules:\n  - {id: x, category: c}\n");
  Result r = RunCli(TestCommandOptions(), {dir.path()});
  EXPECT_EQ(r.exit_code, 2);
  EXPECT_THAT(r.lines, ::testing::IsEmpty());
  EXPECT_THAT(r.err, HasSubstr("/p.yaml:3:5: error:"));
  EXPECT_THAT(r.err, HasSubstr("hakam test: cannot load rules"));
}

}  // namespace
}  // namespace hakam::cli
