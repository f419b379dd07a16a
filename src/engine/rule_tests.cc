#include "engine/rule_tests.h"

#include "absl/strings/str_cat.h"

namespace hakam {

std::string RuleTestFailure::ToString() const {
  if (expected_action != hakam::v1::ACTION_UNSPECIFIED) {
    return absl::StrCat(where.file, ":", where.line, ":", where.column,
                        ": test failed: policy [", rule_id, "] expected ",
                        hakam::v1::Action_Name(expected_action), " for \"",
                        text, "\": ", detail);
  }
  return absl::StrCat(where.file, ":", where.line, ":", where.column,
                      ": test failed: expected [", rule_id, "] ",
                      expected_match ? "to match" : "not to match", " \"",
                      text, "\": ", detail);
}

RuleTestReport RunRuleTests(const Engine& engine) {
  RuleTestReport report;
  const std::shared_ptr<const Snapshot> snap = engine.snapshot();
  for (const Rule& rule : snap->ruleset->rules->rules()) {
    for (const RuleTestCase& test : rule.tests) {
      hakam::v1::Comment comment;
      comment.set_text(test.text);
      absl::StatusOr<hakam::v1::Decision> d = engine.Evaluate(comment);
      RuleTestFailure failure{test.where, rule.id, test.text,
                              test.should_match, ""};
      if (!d.ok()) {
        failure.detail = absl::StrCat("no decision: ", d.status().ToString());
        report.failures.push_back(std::move(failure));
        continue;
      }
      std::string hit_excerpt;
      bool matched = false;
      for (const auto& reason : d->reasons()) {
        if (reason.rule_id() == rule.id) {
          matched = true;
          hit_excerpt = reason.excerpt();
          break;
        }
      }
      if (matched == test.should_match) {
        ++report.passed;
        continue;
      }
      failure.detail = matched ? absl::StrCat("it matched \"", hit_excerpt, "\"")
                               : "it did not match";
      report.failures.push_back(std::move(failure));
    }
  }
  for (const Policy& policy : snap->ruleset->policies->policies()) {
    for (const PolicyExampleSpec& example : policy.examples()) {
      hakam::v1::Comment comment;
      comment.set_text(example.text);
      comment.set_site(example.site);
      comment.set_section(example.section);
      absl::StatusOr<hakam::v1::Decision> d = engine.Evaluate(comment);
      RuleTestFailure failure{example.where, policy.id(), example.text, true,
                              "", example.expect};
      if (!d.ok()) {
        failure.detail = absl::StrCat("no decision: ", d.status().ToString());
      } else if (d->action() != example.expect) {
        failure.detail = absl::StrCat(
            "got ", hakam::v1::Action_Name(d->action()), " (score ",
            d->score(), ", policy ", d->policy_id(), ")");
      } else {
        ++report.passed;
        continue;
      }
      report.failures.push_back(std::move(failure));
    }
  }
  return report;
}

}  // namespace hakam
