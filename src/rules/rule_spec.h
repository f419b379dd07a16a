// Rule and policy specifications as written in YAML files, before
// compilation. Plain values: the parser fills them, the compiler reads them.
#pragma once

#include <optional>
#include <string>
#include <vector>

#include "rules/diagnostic.h"
#include "text/view.h"

namespace hakam {

// One example comment embedded in a rule file.
struct RuleTestCase {
  std::string text;
  bool should_match = true;  // from `match:` (true) or `no_match:` (false)
  SourceLocation where;
};

struct RuleSpec {
  std::string id;
  std::string category;
  double weight = 0;
  // Exactly one of `pattern` (an RE2 regular expression) and `words` (whole
  // words or phrases, matched between word boundaries) is set.
  std::optional<std::string> pattern;
  std::vector<std::string> words;
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
  std::vector<RuleSpec> rules;
  SourceLocation where;
};

// Score thresholds mapping a score to an action.
struct PolicySpec {
  std::string id;
  double review_at = 0;  // score >= review_at -> at least REVIEW
  double reject_at = 0;  // score >= reject_at -> REJECT
  SourceLocation where;
};

// What one YAML file declares: a pack, policies, or both.
struct RuleFileSpec {
  std::optional<PackSpec> pack;
  std::vector<PolicySpec> policies;
};

}  // namespace hakam
