// Loads the rules shipped in rules/ exactly as hakamd does and runs every
// example embedded in them.
#include <gtest/gtest.h>

#include "engine/engine.h"
#include "engine/rule_tests.h"

namespace hakam {
namespace {

TEST(ShippedRulesTest, LoadCleanAndPassTheirEmbeddedTests) {
  DiagnosticSink sink;
  auto engine = Engine::Create(
      std::make_unique<DirectoryRuleSource>(HAKAM_SOURCE_DIR "/rules"),
      EngineOptions(), sink);
  ASSERT_TRUE(engine.ok()) << sink.ToString() << engine.status();
  EXPECT_FALSE(sink.has_errors()) << sink.ToString();
  const RuleTestReport report = RunRuleTests(**engine);
  for (const RuleTestFailure& f : report.failures) {
    ADD_FAILURE() << f.ToString();
  }
  EXPECT_GT(report.passed, 20);
}

TEST(ShippedRulesTest, EveryRuleHasAMatchingAndANonMatchingExample) {
  DiagnosticSink sink;
  auto engine = Engine::Create(
      std::make_unique<DirectoryRuleSource>(HAKAM_SOURCE_DIR "/rules"),
      EngineOptions(), sink);
  ASSERT_TRUE(engine.ok()) << sink.ToString();
  for (const Rule& rule : (*engine)->snapshot()->ruleset->rules->rules()) {
    bool positive = false, negative = false;
    for (const RuleTestCase& t : rule.tests) {
      (t.should_match ? positive : negative) = true;
    }
    EXPECT_TRUE(positive && negative) << rule.id << " at " << rule.where.file
                                      << ":" << rule.where.line;
  }
}

}  // namespace
}  // namespace hakam
