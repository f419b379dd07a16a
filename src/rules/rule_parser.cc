#include "rules/rule_parser.h"

#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <cmath>
#include <string>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "text/utf8.h"

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
      sink_.Error(At(root),
                  "top level must be a mapping with `pack:` and "
                  "`rules:`, or `policies:`");
      return spec;
    }
    CheckKeys(root,
              {"pack", "description", "owner", "language", "exceptions",
               "rules", "policies", "categories"},
              "");
    if (root["rules"] || root["pack"]) {
      PackSpec pack;
      pack.where = At(root);
      RequireString(root, "pack", &pack.id, "");
      OptionalString(root, "description", &pack.description, "");
      OptionalString(root, "owner", &pack.owner, "");
      OptionalString(root, "language", &pack.language, "");
      if (const YAML::Node exceptions = root["exceptions"]) {
        for (auto& [text, where] : StringList(exceptions, "exceptions", "")) {
          if (text.empty()) {
            sink_.Error(where, "empty entry in `exceptions`");
            continue;
          }
          pack.exceptions.push_back(std::move(text));
        }
      }
      const YAML::Node rules = root["rules"];
      if (!rules) {
        sink_.Error(At(root), "pack has no `rules:` list");
      } else if (!rules.IsSequence()) {
        sink_.Error(At(rules), "`rules:` must be a list");
      } else {
        for (const YAML::Node& r : rules) {
          ParseRule(r, pack.id, &pack.rules);
        }
        for (RuleSpec& rule : pack.rules) {
          if (rule.composite) continue;
          rule.exceptions.insert(rule.exceptions.end(), pack.exceptions.begin(),
                                 pack.exceptions.end());
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
    if (const YAML::Node categories = root["categories"]) {
      ParseCategories(categories, &spec.category_caps);
    }
    if (root["exceptions"] && !spec.pack) {
      sink_.Error(At(root["exceptions"]), "`exceptions` needs a pack");
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
      sink_.Error(At(n), absl::StrCat("`", key, "` must be a string or a list"),
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
    CheckKeys(
        r,
        {"id", "category", "weight", "pattern", "words", "composite", "views",
         "clitics", "exceptions", "mode", "description", "tests"},
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
    const YAML::Node composite = r["composite"];
    if ((pattern ? 1 : 0) + (words ? 1 : 0) + (composite ? 1 : 0) > 1) {
      sink_.Error(At(r),
                  "a rule has exactly one of `pattern`, `words` or "
                  "`composite`",
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
    } else if (composite) {
      rule.composite = ParseComposite(composite, rule.id);
    } else {
      sink_.Error(At(r), "a rule needs `pattern`, `words` or `composite`",
                  rule.id);
    }
    if (const YAML::Node mode = r["mode"]) {
      std::string m;
      if (ScalarString(mode, "mode", &m, rule.id)) {
        if (m == "enforce") {
          rule.mode = RuleMode::kEnforce;
        } else if (m == "shadow") {
          rule.mode = RuleMode::kShadow;
        } else {
          sink_.Error(
              At(mode),
              absl::StrCat("`mode` must be enforce or shadow, not \"", m, "\""),
              rule.id);
        }
      }
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
    if (composite && (r["views"] || r["clitics"] || r["exceptions"])) {
      sink_.Error(At(composite),
                  "a composite rule takes no `views`, `clitics` or "
                  "`exceptions`: its operands have their own",
                  rule.id);
    }
    if (const YAML::Node clitics = r["clitics"]) {
      Bool(clitics, "clitics", &rule.clitics, rule.id);
      if (!words) {
        sink_.Error(At(clitics), "`clitics` applies to `words` rules only",
                    rule.id);
      }
    }
    if (const YAML::Node exceptions = r["exceptions"]) {
      for (auto& [text, where] :
           StringList(exceptions, "exceptions", rule.id)) {
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
      sink_.Error(At(tests),
                  "`tests:` must map `match:` and/or `no_match:` "
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

  std::optional<CompositeSpec> ParseComposite(const YAML::Node& n,
                                              const std::string& rule_id) {
    if (!n.IsMap()) {
      sink_.Error(At(n),
                  "`composite` must be a mapping: `all: [...]`, `any: [...]` "
                  "or `at_least: N` with `of: [...]`",
                  rule_id);
      return std::nullopt;
    }
    CheckKeys(n, {"all", "any", "at_least", "of"}, rule_id);
    CompositeSpec c;
    c.where = At(n);
    YAML::Node list;
    const int kinds =
        (n["all"] ? 1 : 0) + (n["any"] ? 1 : 0) + (n["at_least"] ? 1 : 0);
    if (kinds != 1) {
      sink_.Error(At(n),
                  "`composite` needs exactly one of `all`, `any`, "
                  "`at_least`",
                  rule_id);
      return std::nullopt;
    }
    if (n["all"]) {
      c.kind = CompositeSpec::Kind::kAll;
      list = n["all"];
    } else if (n["any"]) {
      c.kind = CompositeSpec::Kind::kAny;
      list = n["any"];
    } else {
      c.kind = CompositeSpec::Kind::kAtLeast;
      double k = 0;
      if (!Number(n["at_least"], "at_least", &k, rule_id)) return std::nullopt;
      if (k < 1 || k != static_cast<int>(k)) {
        sink_.Error(At(n["at_least"]), "`at_least` must be a whole number >= 1",
                    rule_id);
        return std::nullopt;
      }
      c.at_least = static_cast<int>(k);
      list = n["of"];
      if (!list) {
        sink_.Error(At(n), "`at_least` needs `of: [...]`", rule_id);
        return std::nullopt;
      }
    }
    for (auto& [operand, where] : StringList(list, "composite", rule_id)) {
      if (operand.empty()) {
        sink_.Error(where, "empty composite operand", rule_id);
        continue;
      }
      c.operands.push_back(std::move(operand));
    }
    if (c.operands.empty()) {
      sink_.Error(At(list), "a composite needs operands", rule_id);
      return std::nullopt;
    }
    if (c.kind == CompositeSpec::Kind::kAtLeast &&
        c.at_least > static_cast<int>(c.operands.size())) {
      sink_.Error(At(n),
                  absl::StrCat("`at_least: ", c.at_least, "` of only ",
                               c.operands.size(), " operands"),
                  rule_id);
    }
    return c;
  }

  bool ParseAction(const YAML::Node& n, hakam::v1::Action* out) {
    std::string name;
    if (!ScalarString(n, "action", &name, "")) return false;
    if (name == "ALLOW" || name == "allow") {
      *out = hakam::v1::ALLOW;
    } else if (name == "REVIEW" || name == "review") {
      *out = hakam::v1::REVIEW;
    } else if (name == "REJECT" || name == "reject") {
      *out = hakam::v1::REJECT;
    } else {
      sink_.Error(At(n), absl::StrCat("unknown action \"", name,
                                      "\" (expected ALLOW, REVIEW or REJECT)"));
      return false;
    }
    return true;
  }

  void ParsePolicy(const YAML::Node& p, std::vector<PolicySpec>* out) {
    if (!p.IsMap()) {
      sink_.Error(At(p), "each policy must be a mapping with `id:`");
      return;
    }
    PolicySpec policy;
    policy.where = At(p);
    RequireString(p, "id", &policy.id, "");
    CheckKeys(p,
              {"id", "site", "section", "review_at", "reject_at", "overrides",
               "examples"},
              "");
    OptionalString(p, "site", &policy.site, "");
    OptionalString(p, "section", &policy.section, "");
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
    if (const YAML::Node overrides = p["overrides"]) {
      if (!overrides.IsSequence()) {
        sink_.Error(At(overrides), "`overrides` must be a list");
      } else {
        for (const YAML::Node& o : overrides) {
          if (!o.IsMap()) {
            sink_.Error(At(o),
                        "each override is a mapping: {category, "
                        "min_weight, action}");
            continue;
          }
          CheckKeys(o, {"category", "min_weight", "action"}, "");
          CategoryOverrideSpec spec;
          spec.where = At(o);
          RequireString(o, "category", &spec.category, "");
          if (o["min_weight"])
            Number(o["min_weight"], "min_weight", &spec.min_weight, "");
          if (o["action"]) {
            ParseAction(o["action"], &spec.action);
          } else {
            sink_.Error(At(o), "override needs `action`");
          }
          policy.overrides.push_back(std::move(spec));
        }
      }
    }
    if (const YAML::Node examples = p["examples"]) {
      if (!examples.IsSequence()) {
        sink_.Error(At(examples), "`examples` must be a list");
      } else {
        for (const YAML::Node& e : examples) {
          if (!e.IsMap()) {
            sink_.Error(At(e),
                        "each example is a mapping: {text, expect, "
                        "site?, section?}");
            continue;
          }
          CheckKeys(e, {"text", "expect", "site", "section"}, "");
          PolicyExampleSpec ex;
          ex.where = At(e);
          ex.site = policy.site;
          ex.section = policy.section;
          if (e["text"]) {
            ScalarString(e["text"], "text", &ex.text, "");
          } else {
            sink_.Error(At(e), "example needs `text`");
          }
          OptionalString(e, "site", &ex.site, "");
          OptionalString(e, "section", &ex.section, "");
          if (e["expect"]) {
            ParseAction(e["expect"], &ex.expect);
          } else {
            sink_.Error(At(e), "example needs `expect`");
          }
          policy.examples.push_back(std::move(ex));
        }
      }
    }
    out->push_back(std::move(policy));
  }

  void ParseCategories(const YAML::Node& n, std::vector<CategoryCapSpec>* out) {
    if (!n.IsMap()) {
      sink_.Error(At(n), "`categories` maps a category to `{max_score: N}`");
      return;
    }
    for (const auto& kv : n) {
      CategoryCapSpec cap;
      cap.where = At(kv.first);
      cap.category = kv.first.Scalar();
      if (!kv.second.IsMap()) {
        sink_.Error(At(kv.second), "a category takes `{max_score: N}`");
        continue;
      }
      CheckKeys(kv.second, {"max_score"}, "");
      if (!kv.second["max_score"]) {
        sink_.Error(At(kv.second), "missing `max_score`");
        continue;
      }
      if (Number(kv.second["max_score"], "max_score", &cap.max_score, "")) {
        if (cap.max_score < 0) {
          sink_.Error(At(kv.second["max_score"]),
                      "`max_score` must not be negative");
        }
        out->push_back(std::move(cap));
      }
    }
  }

  absl::string_view file_;
  DiagnosticSink& sink_;
};

}  // namespace

RuleFileSpec ParseRuleFile(absl::string_view file, absl::string_view content,
                           DiagnosticSink& sink) {
  // Rule files are UTF-8; every later stage (the normalizer first) relies
  // on it.
  const size_t bad = FindInvalidUtf8(content);
  if (bad != content.size()) {
    const absl::string_view before = content.substr(0, bad);
    const size_t line_start = before.rfind('\n');
    const int line =
        1 + static_cast<int>(std::count(before.begin(), before.end(), '\n'));
    const int column = static_cast<int>(
        bad - (line_start == absl::string_view::npos ? 0 : line_start + 1) + 1);
    sink.Error({std::string(file), line, column},
               absl::StrCat("invalid UTF-8 at byte offset ", bad,
                            ": rule files must be UTF-8"));
    return {};
  }
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
