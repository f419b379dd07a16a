// Loads a whole ruleset (every rule pack and policy file of a RuleSource),
// compiles it, and identifies it by a content hash. The server, `hakam
// check` and (later) `hakam lint` all load rules through this one function,
// so "it loads here" means "it loads in the server".
//
//   DiagnosticSink sink;
//   absl::StatusOr<std::shared_ptr<const Ruleset>> rs =
//       LoadRuleset(DirectoryRuleSource("rules"), *normalizer, {}, sink);
//   if (!rs.ok()) std::cerr << sink.ToString();
//
// Thread safety: LoadRuleset is thread-safe; a Ruleset is immutable.
#pragma once

#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/time/time.h"
#include "policy/policy.h"
#include "rules/diagnostic.h"
#include "rules/rule_set.h"
#include "rules/rule_source.h"
#include "text/normalizer.h"

namespace hakam {

struct Ruleset {
  // "sha256:" + 16 hex digits of the hash over every file's name (relative
  // to the rules directory) and content, in path order.
  std::string version;
  std::unique_ptr<const RuleSet> rules;
  std::unique_ptr<const PolicySet> policies;
  // The most each category may add to the score; absent: no cap.
  absl::flat_hash_map<std::string, double> category_caps;
  std::vector<std::string> files;
  absl::Time loaded_at;
};

// Reads, parses and compiles everything in `source`. Every problem goes to
// `sink` with file:line:col. Returns INVALID_ARGUMENT if any is an error
// (the message counts them and quotes the first), or the source's error.
absl::StatusOr<std::shared_ptr<const Ruleset>> LoadRuleset(
    const RuleSource& source, const Normalizer& normalizer,
    const RuleSetOptions& options, DiagnosticSink& sink);

}  // namespace hakam
