#include "rules/ruleset_loader.h"

#include "absl/strings/str_cat.h"
#include "rules/rule_parser.h"
#include "util/sha256.h"

namespace hakam {

absl::StatusOr<std::shared_ptr<const Ruleset>> LoadRuleset(
    const RuleSource& source, const Normalizer& normalizer,
    const RuleSetOptions& options, DiagnosticSink& sink) {
  absl::StatusOr<std::vector<RuleFile>> files = source.ReadAll();
  if (!files.ok()) return files.status();

  auto ruleset = std::make_shared<Ruleset>();
  Sha256 hash;
  std::vector<RuleSpec> rules;
  std::vector<PolicySpec> policies;
  for (const RuleFile& file : *files) {
    // Length-prefix each piece so distinct file sets never hash alike.
    // Names are relative to the rules directory: the same rules give the
    // same version wherever they are installed.
    hash.Update(absl::StrCat(file.name.size(), ":", file.name,
                             file.content.size(), ":"));
    hash.Update(file.content);
    ruleset->files.push_back(file.path);
    RuleFileSpec spec = ParseRuleFile(file.path, file.content, sink);
    if (spec.pack) {
      for (RuleSpec& r : spec.pack->rules) rules.push_back(std::move(r));
    }
    for (PolicySpec& p : spec.policies) policies.push_back(std::move(p));
    for (const CategoryCapSpec& cap : spec.category_caps) {
      auto [it, fresh] =
          ruleset->category_caps.emplace(cap.category, cap.max_score);
      if (!fresh) {
        sink.Error(cap.where, absl::StrCat("category \"", cap.category,
                                           "\" is capped twice"));
      }
    }
  }
  ruleset->version = absl::StrCat("sha256:", hash.HexDigest().substr(0, 16));

  absl::StatusOr<std::unique_ptr<const RuleSet>> compiled =
      RuleSet::Compile(rules, normalizer, options, sink);
  absl::StatusOr<std::unique_ptr<const PolicySet>> policy_set =
      PolicySet::Create(policies, sink);
  if (sink.has_errors()) {
    std::string first;
    for (const Diagnostic& d : sink.diagnostics()) {
      if (d.severity == Severity::kError) {
        first = d.ToString();
        break;
      }
    }
    return absl::InvalidArgumentError(
        absl::StrCat(source.Describe(), ": ", sink.error_count(),
                     " error(s); first: ", first));
  }
  if (!compiled.ok()) return compiled.status();
  if (!policy_set.ok()) return policy_set.status();
  ruleset->rules = *std::move(compiled);
  ruleset->policies = *std::move(policy_set);
  ruleset->loaded_at = absl::Now();
  return std::shared_ptr<const Ruleset>(std::move(ruleset));
}

}  // namespace hakam
