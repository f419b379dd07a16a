// Synthetic rule packs of any size, for the matching benchmarks and for
// loading hakamd with a large ruleset. Rules come in realistic proportions:
// most are word lists (Arabic and English words and short phrases, as real
// blocklists are), a minority are RE2 patterns of the shapes moderators
// write (obfuscated spellings, inflections, spam domains, contact handles).
//
//   SyntheticRulesOptions o;
//   o.rules = 10000;
//   std::map<std::string, std::string> files = GenerateRulePacks(o);
//   // files["synthetic/pack-000.yaml"] = "pack: synthetic.000\nrules: ...";
//   auto source = std::make_unique<InMemoryRuleSource>(
//       WithDefaultPolicy(std::move(files)));
//
// Synthetic words are random letter strings long enough (5+ letters) that
// they almost never occur in real text, so the hit rate does not grow with
// the number of rules: every pack also holds the same small set of "live"
// rules over real insults, so each size does the same span-extraction work
// and only the cost of finding candidates (the RE2::Set pass) scales.
//
// Thread safety: stateless functions returning plain values.
#pragma once

#include <cstdint>
#include <map>
#include <string>

namespace hakam::bench {

// Most synthetic rules the tools generate: as many as a ruleset may hold
// (RuleSetOptions::max_rules' default), so that a larger request is refused
// at once rather than after generating it.
inline constexpr int kMaxSyntheticRules = 200000;

struct SyntheticRulesOptions {
  // Total number of rules, live rules included. Default 1000.
  int rules = 1000;
  // Seed of the generator. Default 7.
  uint64_t seed = 7;
  // Fraction of rules that are RE2 `pattern:` rules (the rest are `words:`
  // lists). Default 0.10.
  double pattern_fraction = 0.10;
  // Fraction of word-list rules that are Arabic (the rest English).
  // Default 0.65.
  double arabic_fraction = 0.65;
  // Rules per generated file. Default 1000.
  int rules_per_file = 1000;
  // Directory prefix of the generated paths. Default "synthetic".
  std::string prefix = "synthetic";
  // If set, every rule (live ones included) gets `views: [<views>]`, e.g.
  // "folded" or "folded, arabic"; empty (default): each rule kind's
  // default views.
  std::string views;
};

// Rule pack files (path -> YAML content), ordered by path. Rule ids are
// unique ("syn.<n>"), and no file declares policies.
std::map<std::string, std::string> GenerateRulePacks(
    const SyntheticRulesOptions& options);

// A policies file declaring the "default" policy a ruleset needs (the same
// thresholds as the shipped rules/policies.yaml).
inline constexpr char kDefaultPoliciesYaml[] =
    "policies:\n  - id: default\n    review_at: 5\n    reject_at: 10\n";

// `files` plus "policies.yaml" holding kDefaultPoliciesYaml.
std::map<std::string, std::string> WithDefaultPolicy(
    std::map<std::string, std::string> files);

}  // namespace hakam::bench
