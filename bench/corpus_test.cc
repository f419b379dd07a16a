#include "corpus.h"

#include <gtest/gtest.h>

#include "synthetic_rules.h"
#include "text/utf8.h"

namespace hakam::bench {
namespace {

TEST(CorpusTest, IsDeterministicFromTheSeed) {
  CorpusOptions o;
  o.count = 300;
  EXPECT_EQ(GenerateCorpus(o).texts, GenerateCorpus(o).texts);
  CorpusOptions other = o;
  other.seed = 2;
  EXPECT_NE(GenerateCorpus(o).texts, GenerateCorpus(other).texts);
}

TEST(CorpusTest, CommentsAreValidUtf8WithinBounds) {
  CorpusOptions o;
  o.count = 2000;
  const Corpus c = GenerateCorpus(o);
  ASSERT_EQ(c.texts.size(), 2000u);
  size_t total = 0;
  int abusive = 0;
  for (size_t i = 0; i < c.texts.size(); ++i) {
    EXPECT_TRUE(ValidateUtf8(c.texts[i], "text").ok()) << i;
    EXPECT_GE(c.texts[i].size(), 20u);
    EXPECT_LE(c.texts[i].size(), 2000u);
    total += c.texts[i].size();
    abusive += c.abusive[i] ? 1 : 0;
  }
  EXPECT_EQ(total, c.total_bytes);
  // About 200 bytes on average, a few percent abusive.
  EXPECT_GT(c.mean_bytes(), 170);
  EXPECT_LT(c.mean_bytes(), 230);
  EXPECT_GT(abusive, 20);
  EXPECT_LT(abusive, 120);
}

TEST(SyntheticRulesTest, GeneratesTheRequestedNumberOfRules) {
  SyntheticRulesOptions o;
  o.rules = 2500;
  const auto files = GenerateRulePacks(o);
  EXPECT_EQ(files.size(), 3u);  // 1000 per file
  int rules = 0;
  for (const auto& [path, content] : files) {
    EXPECT_EQ(path.rfind("synthetic/pack-", 0), 0u) << path;
    for (size_t p = content.find("  - id: "); p != std::string::npos;
         p = content.find("  - id: ", p + 1)) {
      ++rules;
    }
  }
  EXPECT_EQ(rules, 2500);
  EXPECT_EQ(GenerateRulePacks(o), files);  // deterministic
}

}  // namespace
}  // namespace hakam::bench
