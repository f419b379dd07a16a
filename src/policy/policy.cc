#include "policy/policy.h"

#include "absl/container/flat_hash_map.h"
#include "absl/strings/str_cat.h"

namespace hakam {

hakam::v1::Action Policy::Decide(double score) const {
  if (score > 0 && score >= reject_at_) return hakam::v1::REJECT;
  if (score > 0 && score >= review_at_) return hakam::v1::REVIEW;
  return hakam::v1::ALLOW;
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
    if (spec.id == "default") {
      has_default = true;
      set->default_index_ = set->policies_.size();
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

const Policy& PolicySet::Select(absl::string_view /*site*/,
                                absl::string_view /*section*/) const {
  return policies_[default_index_];
}

}  // namespace hakam
