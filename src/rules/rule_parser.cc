#include "rules/rule_parser.h"

#include <yaml-cpp/yaml.h>

#include <cmath>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace hakam {
namespace {

// Everything yaml-cpp can throw is caught inside this file: no exception
// leaves the parser.
class Parser {
 public:
  Parser(absl::string_view file, DiagnosticSink& sink)
      : file_(file), sink_(sink) {}

  RuleFileSpec Parse(absl::string_view content) {
    RuleFileSpec spec;
    YAML::Node root;
    try {
      root = YAML::Load(std::string(content));
    } catch (const YAML::Exception& e) {
      sink_.Error(At(e.mark), absl::StrCat("YAML syntax: ", e.msg));
      return spec;
    }
    if (!root.IsDefined() || root.IsNull()) {
      sink_.Error({std::string(file_), 1, 1}, "empty file");
      return spec;
    }
    if (!root.IsMap()) {
      sink_.Error(At(root), "top level must be a mapping with `pack:` and "
                            "`rules:`, or `policies:`");
      return spec;
    }
    CheckKeys(root, {"pack", "description", "owner", "language", "rules",
                     "policies"},
              "");
    if (root["rules"] || root["pack"]) {
      PackSpec pack;
      pack.where = At(root);
      RequireString(root, "pack", &pack.id, "");
      OptionalString(root, "description", &pack.description, "");
      OptionalString(root, "owner", &pack.owner, "");
      OptionalString(root, "language", &pack.language, "");
      const YAML::Node rules = root["rules"];
      if (!rules) {
        sink_.Error(At(root), "pack has no `rules:` list");
      } else if (!rules.IsSequence()) {
        sink_.Error(At(rules), "`rules:` must be a list");
      } else {
        for (const YAML::Node& r : rules) {
          ParseRule(r, pack.id, &pack.rules);
        }
      }
      spec.pack = std::move(pack);
    }
    if (const YAML::Node policies = root["policies"]) {
      if (!policies.IsSequence()) {
        sink_.Error(At(policies), "`policies:` must be a list");
      } else {
        for (const YAML::Node& p : policies) ParsePolicy(p, &spec.policies);
      }
    }
    return spec;
  }

 private:
  SourceLocation At(const YAML::Mark& m) const {
    if (m.is_null()) return {std::string(file_), 0, 0};
    return {std::string(file_), m.line + 1, m.column + 1};
  }
  SourceLocation At(const YAML::Node& n) const { return At(n.Mark()); }

  // Reports keys outside `allowed` and duplicate keys.
  void CheckKeys(const YAML::Node& map,
                 std::initializer_list<absl::string_view> allowed,
                 const std::string& rule_id) {
    absl::flat_hash_set<std::string> seen;
    for (const auto& kv : map) {
      if (!kv.first.IsScalar()) {
        sink_.Error(At(kv.first), "keys must be plain strings", rule_id);
        continue;
      }
      const std::string key = kv.first.Scalar();
      bool ok = false;
      for (absl::string_view a : allowed) ok = ok || a == key;
      if (!ok) {
        sink_.Error(At(kv.first),
                    absl::StrCat("unknown key \"", key, "\" (expected one of: ",
                                 absl::StrJoin(allowed, ", "), ")"),
                    rule_id);
      }
      if (!seen.insert(key).second) {
        sink_.Error(At(kv.first), absl::StrCat("duplicate key \"", key, "\""),
                    rule_id);
      }
    }
  }

  bool ScalarString(const YAML::Node& n, absl::string_view key,
                    std::string* out, const std::string& rule_id) {
    if (!n.IsScalar()) {
      sink_.Error(At(n), absl::StrCat("`", key, "` must be a string"), rule_id);
      return false;
    }
    *out = n.Scalar();
    return true;
  }

  void RequireString(const YAML::Node& map, absl::string_view key,
                     std::string* out, const std::string& rule_id) {
    const YAML::Node n = map[std::string(key)];
    if (!n) {
      sink_.Error(At(map), absl::StrCat("missing required key `", key, "`"),
                  rule_id);
      return;
    }
    if (ScalarString(n, key, out, rule_id) && out->empty()) {
      sink_.Error(At(n), absl::StrCat("`", key, "` must not be empty"),
                  rule_id);
    }
  }

  void OptionalString(const YAML::Node& map, absl::string_view key,
                      std::string* out, const std::string& rule_id) {
    if (const YAML::Node n = map[std::string(key)]) {
      ScalarString(n, key, out, rule_id);
    }
  }

  bool Number(const YAML::Node& n, absl::string_view key, double* out,
              const std::string& rule_id) {
    double value = 0;
    bool ok = n.IsScalar();
    if (ok) {
      try {
        value = n.as<double>();
      } catch (const YAML::Exception&) {
        ok = false;
      }
    }
    if (!ok || !std::isfinite(value)) {
      sink_.Error(At(n), absl::StrCat("`", key, "` must be a finite number"),
                  rule_id);
      return false;
    }
    *out = value;
    return true;
  }

  bool Bool(const YAML::Node& n, absl::string_view key, bool* out,
            const std::string& rule_id) {
    bool value = false;
    bool ok = n.IsScalar();
    if (ok) {
      try {
        value = n.as<bool>();
      } catch (const YAML::Exception&) {
        ok = false;
      }
    }
    if (!ok) {
      sink_.Error(At(n), absl::StrCat("`", key, "` must be true or false"),
                  rule_id);
      return false;
    }
    *out = value;
    return true;
  }

  // A string or a list of strings.
  std::vector<std::pair<std::string, SourceLocation>> StringList(
      const YAML::Node& n, absl::string_view key, const std::string& rule_id) {
    std::vector<std::pair<std::string, SourceLocation>> out;
    if (n.IsScalar()) {
      out.emplace_back(n.Scalar(), At(n));
    } else if (n.IsSequence()) {
      for (const YAML::Node& item : n) {
        if (!item.IsScalar()) {
          sink_.Error(At(item),
                      absl::StrCat("items of `", key, "` must be strings"),
                      rule_id);
          continue;
        }
        out.emplace_back(item.Scalar(), At(item));
      }
    } else {
      sink_.Error(At(n),
                  absl::StrCat("`", key, "` must be a string or a list"),
                  rule_id);
    }
    return out;
  }

  void ParseRule(const YAML::Node& r, const std::string& pack_id,
                 std::vector<RuleSpec>* rules) {
    if (!r.IsMap()) {
      sink_.Error(At(r), "each rule must be a mapping with `id:`");
      return;
    }
    RuleSpec rule;
    rule.pack = pack_id;
    rule.where = At(r);
    RequireString(r, "id", &rule.id, "");
    CheckKeys(r, {"id", "category", "weight", "pattern", "words", "views",
                  "clitics", "exceptions", "description", "tests"},
              rule.id);
    RequireString(r, "category", &rule.category, rule.id);
    if (const YAML::Node w = r["weight"]) {
      Number(w, "weight", &rule.weight, rule.id);
    } else {
      sink_.Error(At(r), "missing required key `weight`", rule.id);
    }
    OptionalString(r, "description", &rule.description, rule.id);
    const YAML::Node pattern = r["pattern"];
    const YAML::Node words = r["words"];
    if (pattern && words) {
      sink_.Error(At(words), "a rule has either `pattern` or `words`, not both",
                  rule.id);
    } else if (pattern) {
      std::string p;
      if (ScalarString(pattern, "pattern", &p, rule.id)) {
        if (p.empty()) {
          sink_.Error(At(pattern), "`pattern` must not be empty", rule.id);
        }
        rule.pattern = std::move(p);
      }
    } else if (words) {
      for (auto& [word, where] : StringList(words, "words", rule.id)) {
        if (word.empty()) {
          sink_.Error(where, "empty word in `words`", rule.id);
          continue;
        }
        rule.words.push_back(std::move(word));
      }
      if (rule.words.empty()) {
        sink_.Error(At(words), "`words` is empty", rule.id);
      }
    } else {
      sink_.Error(At(r), "a rule needs `pattern` or `words`", rule.id);
    }
    if (const YAML::Node views = r["views"]) {
      for (auto& [name, where] : StringList(views, "views", rule.id)) {
        absl::StatusOr<ViewId> id = ParseViewName(name);
        if (!id.ok()) {
          sink_.Error(where, std::string(id.status().message()), rule.id);
          continue;
        }
        rule.views.push_back(*id);
      }
    }
    if (const YAML::Node clitics = r["clitics"]) {
      Bool(clitics, "clitics", &rule.clitics, rule.id);
      if (!words) {
        sink_.Error(At(clitics), "`clitics` applies to `words` rules only",
                    rule.id);
      }
    }
    if (const YAML::Node exceptions = r["exceptions"]) {
      for (auto& [text, where] : StringList(exceptions, "exceptions", rule.id)) {
        if (text.empty()) {
          sink_.Error(where, "empty entry in `exceptions`", rule.id);
          continue;
        }
        rule.exceptions.push_back(std::move(text));
      }
    }
    if (const YAML::Node tests = r["tests"]) {
      ParseTests(tests, &rule);
    }
    rules->push_back(std::move(rule));
  }

  void ParseTests(const YAML::Node& tests, RuleSpec* rule) {
    if (!tests.IsMap()) {
      sink_.Error(At(tests), "`tests:` must map `match:` and/or `no_match:` "
                             "to example comments",
                  rule->id);
      return;
    }
    CheckKeys(tests, {"match", "no_match"}, rule->id);
    for (const auto& [key, expect] :
         {std::pair<const char*, bool>{"match", true}, {"no_match", false}}) {
      if (const YAML::Node list = tests[key]) {
        for (auto& [text, where] : StringList(list, key, rule->id)) {
          rule->tests.push_back({std::move(text), expect, where});
        }
      }
    }
  }

  void ParsePolicy(const YAML::Node& p, std::vector<PolicySpec>* out) {
    if (!p.IsMap()) {
      sink_.Error(At(p), "each policy must be a mapping with `id:`");
      return;
    }
    PolicySpec policy;
    policy.where = At(p);
    RequireString(p, "id", &policy.id, "");
    CheckKeys(p, {"id", "review_at", "reject_at"}, "");
    bool ok = true;
    for (const auto& [key, field] :
         {std::pair<const char*, double*>{"review_at", &policy.review_at},
          {"reject_at", &policy.reject_at}}) {
      if (const YAML::Node n = p[key]) {
        ok = Number(n, key, field, "") && ok;
      } else {
        sink_.Error(At(p), absl::StrCat("policy needs `", key, "`"));
        ok = false;
      }
    }
    if (ok && policy.review_at > policy.reject_at) {
      sink_.Error(At(p), "`review_at` must not exceed `reject_at`");
    }
    out->push_back(std::move(policy));
  }

  absl::string_view file_;
  DiagnosticSink& sink_;
};

}  // namespace

RuleFileSpec ParseRuleFile(absl::string_view file, absl::string_view content,
                           DiagnosticSink& sink) {
  try {
    return Parser(file, sink).Parse(content);
  } catch (const YAML::Exception& e) {
    // Defensive: yaml-cpp may throw from accessors on malformed trees.
    sink.Error({std::string(file), e.mark.line + 1, e.mark.column + 1},
               absl::StrCat("YAML: ", e.msg));
    return {};
  }
}

}  // namespace hakam
