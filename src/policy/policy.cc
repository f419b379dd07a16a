#include "policy/policy.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace hakam {

hakam::v1::Action Policy::Decide(
    double score,
    const std::map<std::string, double>& max_weight_by_category) const {
  hakam::v1::Action action = hakam::v1::ALLOW;
  if (score > 0 && score >= spec_.reject_at) {
    action = hakam::v1::REJECT;
  } else if (score > 0 && score >= spec_.review_at) {
    action = hakam::v1::REVIEW;
  }
  for (const CategoryOverrideSpec& o : spec_.overrides) {
    auto it = max_weight_by_category.find(o.category);
    if (it != max_weight_by_category.end() && it->second >= o.min_weight) {
      // ALLOW < REVIEW < REJECT as enum values.
      action = std::max(action, o.action);
    }
  }
  return action;
}

absl::StatusOr<std::unique_ptr<const PolicySet>> PolicySet::Create(
    const std::vector<PolicySpec>& specs, DiagnosticSink& sink) {
  std::unique_ptr<PolicySet> set(new PolicySet());
  const int errors_before = sink.error_count();
  absl::flat_hash_map<std::string, SourceLocation> seen;
  bool has_default = false;
  for (const PolicySpec& spec : specs) {
    auto [it, inserted] = seen.emplace(spec.id, spec.where);
    if (!inserted) {
      sink.Error(spec.where,
                 absl::StrCat("duplicate policy id \"", spec.id,
                              "\" (first defined at ", it->second.file, ":",
                              it->second.line, ")"));
      continue;
    }
    const size_t index = set->policies_.size();
    if (spec.id == "default") {
      if (!spec.site.empty() || !spec.section.empty()) {
        sink.Error(spec.where,
                   "the \"default\" policy applies everywhere: it takes no "
                   "`site` or `section`");
      }
      has_default = true;
      set->default_index_ = index;
    } else if (spec.site.empty() && spec.section.empty()) {
      sink.Error(spec.where,
                 absl::StrCat("policy \"", spec.id,
                              "\" needs a `site` and/or a `section` (only "
                              "\"default\" applies everywhere)"));
    } else {
      auto [scope, fresh] =
          set->by_scope_.emplace(std::make_pair(spec.site, spec.section), index);
      if (!fresh) {
        sink.Error(spec.where,
                   absl::StrCat("policy \"", spec.id, "\" has the same site "
                                "and section as \"",
                                set->policies_[scope->second].id(), "\""));
      }
    }
    set->policies_.emplace_back(spec);
  }
  if (!has_default) {
    sink.Error({}, "no policy with id \"default\": add one under `policies:` "
                   "in a YAML file of the rules directory");
  }
  if (sink.error_count() > errors_before) {
    return absl::InvalidArgumentError("invalid policies");
  }
  return std::unique_ptr<const PolicySet>(std::move(set));
}

const Policy& PolicySet::Select(absl::string_view site,
                                absl::string_view section) const {
  if (!by_scope_.empty()) {
    const std::string s(site), c(section);
    for (const auto& key : {std::make_pair(s, c), std::make_pair(s, std::string()),
                            std::make_pair(std::string(), c)}) {
      if (key.first.empty() && key.second.empty()) continue;
      auto it = by_scope_.find(key);
      if (it != by_scope_.end()) return policies_[it->second];
    }
  }
  return policies_[default_index_];
}

}  // namespace hakam
