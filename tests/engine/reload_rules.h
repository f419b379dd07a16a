// Rule files for reload tests, chosen so a decision's reasons prove which
// ruleset made it: the rules from RulesFlagging("a", "alpha") flag "alpha"
// and not "bravo", those from RulesFlagging("b", "bravo") the reverse; a
// comment holding both words gets exactly one reason either way.
//
//   dir.Write("words.yaml", WordRuleFile("a", "alpha"));
//   dir.Write("policies.yaml", kPolicyFile);
//   dir.Write("bad.yaml", kBrokenRuleFile);   // refused: bad.yaml:3:5
#pragma once

#include <map>
#include <string>

namespace hakam::testing {

// One rule, id `id`, category "insult", weight 10, flagging `word`.
inline std::string WordRuleFile(const std::string& id,
                                const std::string& word) {
  return "pack: reload\nrules:\n  - id: " + id +
         "\n    category: insult\n    weight: 10\n    words: [" + word + "]\n";
}

inline constexpr char kPolicyFile[] =
    "policies:\n  - {id: default, review_at: 5, reject_at: 10}\n";

// Fails to load with "bad.yaml:3:5: error: bad RE2 pattern ...".
inline constexpr char kBrokenRuleFile[] =
    "pack: bad\nrules:\n  - id: x\n    category: c\n    weight: 1\n"
    "    pattern: '(unclosed'\n";

// A whole ruleset (under "r/") flagging `word` with rule `id`.
inline std::map<std::string, std::string> RulesFlagging(
    const std::string& id, const std::string& word) {
  return {{"r/words.yaml", WordRuleFile(id, word)},
          {"r/policies.yaml", kPolicyFile}};
}

// `files` plus r/bad.yaml, which fails to load.
inline std::map<std::string, std::string> WithBrokenFile(
    std::map<std::string, std::string> files) {
  files["r/bad.yaml"] = kBrokenRuleFile;
  return files;
}

}  // namespace hakam::testing
