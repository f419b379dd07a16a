#include "cli/explain_command.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <sstream>

namespace hakam::cli {
namespace {

using ::testing::HasSubstr;

class ExplainCommandTest : public ::testing::Test {
 protected:
  void SetUp() override {
    dir_ = std::filesystem::temp_directory_path() /
           ("hakam_explain_test_" + std::to_string(::getpid()));
    std::filesystem::create_directories(dir_);
    std::ofstream(dir_ / "p.yaml") << R"(pack: p
rules:
  - {id: ar.kalb, category: insult, weight: 10, words: [كلب], clitics: true}
  - {id: en.fuck, category: profanity, weight: 10, words: [fuck]}
policies:
  - {id: default, review_at: 5, reject_at: 10}
)";
    options_.rules_dir = dir_.string();
    options_.color = "never";
  }
  void TearDown() override { std::filesystem::remove_all(dir_); }

  int Run(const std::vector<std::string>& args, bool terminal = false) {
    out_.str("");
    err_.str("");
    return RunExplain(options_, args, out_, err_, terminal);
  }

  std::filesystem::path dir_;
  ExplainOptions options_;
  std::ostringstream out_, err_;
};

TEST_F(ExplainCommandTest, ShowsEveryViewAndBracketsTheHitInTheOriginal) {
  ASSERT_EQ(Run({"اسكت يا ك ل ب"}), 0) << err_.str();
  const std::string out = out_.str();
  for (const char* view :
       {"original", "raw", "folded", "arabic", "skeleton", "compact",
        "translit", "signals", "hits", "decision"}) {
    EXPECT_THAT(out, HasSubstr(view));
  }
  EXPECT_THAT(out, HasSubstr("compact   اسكت يا كلب"));
  EXPECT_THAT(out, HasSubstr("ar.kalb (insult, +10) on compact"));
  EXPECT_THAT(out, HasSubstr("اسكت يا [ك ل ب]"));
  EXPECT_THAT(out, HasSubstr("decision  REJECT"));
}

TEST_F(ExplainCommandTest, MarkersAreVisibleAndColourIsOptional) {
  options_.color = "always";
  ASSERT_EQ(Run({"what the f*ck"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("f✱ck"));
  EXPECT_THAT(out_.str(), HasSubstr("\x1b[1;31mf*ck\x1b[0m"));
  options_.color = "auto";
  ASSERT_EQ(Run({"what the f*ck"}, /*terminal=*/false), 0);
  EXPECT_THAT(out_.str(), HasSubstr("[f*ck]"));
}

TEST_F(ExplainCommandTest, CleanTextHasNoHits) {
  ASSERT_EQ(Run({"good morning"}), 0);
  EXPECT_THAT(out_.str(), HasSubstr("(none)"));
  EXPECT_THAT(out_.str(), HasSubstr("(same as folded)"));
  EXPECT_THAT(out_.str(), HasSubstr("decision  ALLOW"));
}

TEST_F(ExplainCommandTest, ErrorsHaveExitCodes) {
  EXPECT_EQ(Run({}), 2);
  EXPECT_EQ(Run({"\xff"}), 1);
  EXPECT_THAT(err_.str(), HasSubstr("invalid UTF-8 at byte offset 0"));
  options_.rules_dir = (dir_ / "missing").string();
  EXPECT_EQ(Run({"x"}), 2);
}

}  // namespace
}  // namespace hakam::cli
