// Rule and policy specifications as written in YAML files, before
// compilation. Plain values: the parser fills them, the compiler reads them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "hakam/v1/moderation.pb.h"
#include "rules/diagnostic.h"
#include "text/view.h"

namespace hakam {

// One example comment embedded in a rule file.
struct RuleTestCase {
  std::string text;
  bool should_match = true;  // from `match:` (true) or `no_match:` (false)
  SourceLocation where;
};

// Whether a rule's hits count.
enum class RuleMode {
  kEnforce,  // adds its weight to the score (default)
  kShadow,   // reported as a shadow hit; adds nothing to score or action
};

// A composite rule fires when enough of its operands fired: `all`, `any`,
// or `at_least` N of them. An operand is a rule id or "category:NAME" (any
// rule of that category). Composites refer to plain rules only.
struct CompositeSpec {
  enum class Kind { kAll, kAny, kAtLeast };
  Kind kind = Kind::kAll;
  int at_least = 0;  // for kAtLeast
  std::vector<std::string> operands;
  SourceLocation where;
};

struct RuleSpec {
  std::string id;
  std::string category;
  double weight = 0;
  // Exactly one of `pattern` (an RE2 regular expression), `words` (whole
  // words or phrases, matched between word boundaries) and `composite` is
  // set.
  std::optional<std::string> pattern;
  std::vector<std::string> words;
  std::optional<CompositeSpec> composite;
  RuleMode mode = RuleMode::kEnforce;
  // Views to match on; empty means the default for the rule kind.
  std::vector<ViewId> views;
  // Word rules: also match Arabic words with attached clitics (prefixes
  // و ف ب ك ل ال and their combinations, pronoun suffixes ك ه ها هم كم ني
  // نا ي ...).
  bool clitics = false;
  // Words or phrases inside which a hit does not count ("dick cheney" for
  // a rule on "dick"). Matched on the same view as the hit.
  std::vector<std::string> exceptions;
  std::string description;
  std::vector<RuleTestCase> tests;
  std::string pack;  // the enclosing pack's id
  SourceLocation where;
};

// A rule file: a pack of rules.
struct PackSpec {
  std::string id;
  std::string description;
  std::string owner;
  std::string language;
  // Phrases inside which no rule of the pack counts; added to every rule's
  // own `exceptions`.
  std::vector<std::string> exceptions;
  std::vector<RuleSpec> rules;
  SourceLocation where;
};

// "Any hit of `category` whose rule weighs at least `min_weight` makes the
// action at least `action`."
struct CategoryOverrideSpec {
  std::string category;
  double min_weight = 0;
  hakam::v1::Action action = hakam::v1::REVIEW;
  SourceLocation where;
};

// An example comment a policy must decide a certain way; run by the tests.
struct PolicyExampleSpec {
  std::string text;
  // Default to the policy's own site and section.
  std::string site;
  std::string section;
  hakam::v1::Action expect = hakam::v1::ALLOW;
  SourceLocation where;
};

// Score thresholds mapping a score to an action, for a site and/or section
// (both empty: the default policy, which must have id "default").
struct PolicySpec {
  std::string id;
  std::string site;
  std::string section;
  double review_at = 0;  // score >= review_at -> at least REVIEW
  double reject_at = 0;  // score >= reject_at -> REJECT
  std::vector<CategoryOverrideSpec> overrides;
  std::vector<PolicyExampleSpec> examples;
  SourceLocation where;
};

// The most a category can add to the score (Rspamd's group max_score).
struct CategoryCapSpec {
  std::string category;
  double max_score = 0;
  SourceLocation where;
};

// What one YAML file declares: a pack, policies, category caps, or several.
struct RuleFileSpec {
  std::optional<PackSpec> pack;
  std::vector<PolicySpec> policies;
  std::vector<CategoryCapSpec> category_caps;
};

}  // namespace hakam
