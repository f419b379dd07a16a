// Runs the examples embedded in rule files (`tests: match/no_match` of
// each rule, `examples:` of each policy) through the whole engine,
// normalization included, and reports each failure with its file:line.
// Used by the shipped-rules test and `hakam test`.
//
//   RuleTestReport report = RunRuleTests(engine);
//   for (const auto& f : report.failures) std::cerr << f.ToString() << "\n";
//
// Thread safety: thread-safe (reads the engine's current snapshot).
#pragma once

#include <string>
#include <vector>

#include "engine/engine.h"

namespace hakam {

struct RuleTestFailure {
  SourceLocation where;
  std::string rule_id;  // or the policy id, for policy examples
  std::string text;
  bool expected_match = true;
  std::string detail;  // what happened instead
  // Policy examples: the expected action (ACTION_UNSPECIFIED for rules).
  hakam::v1::Action expected_action = hakam::v1::ACTION_UNSPECIFIED;

  // "file:line:col: test failed: expected [rule] to match "text": detail"
  std::string ToString() const;
};

struct RuleTestReport {
  int passed = 0;
  std::vector<RuleTestFailure> failures;
};

RuleTestReport RunRuleTests(const Engine& engine);

}  // namespace hakam
