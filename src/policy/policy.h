// Policies map a comment's score (and the categories that hit) to an
// action. Each site, or section of a site, may have its own policy; the
// policy with id "default" applies when nothing more specific does.
//
//   absl::StatusOr<std::unique_ptr<const PolicySet>> p =
//       PolicySet::Create(specs, sink);
//   const Policy& policy = (*p)->Select(comment.site(), comment.section());
//   hakam::v1::Action action = policy.Decide(score, max_weight_by_category);
//
// Thread safety: immutable after Create().
#pragma once

#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "hakam/v1/moderation.pb.h"
#include "rules/diagnostic.h"
#include "rules/rule_spec.h"

namespace hakam {

class Policy {
 public:
  explicit Policy(const PolicySpec& spec) : spec_(spec) {}

  const std::string& id() const { return spec_.id; }
  const std::string& site() const { return spec_.site; }
  const std::string& section() const { return spec_.section; }
  double review_at() const { return spec_.review_at; }
  double reject_at() const { return spec_.reject_at; }
  const std::vector<PolicyExampleSpec>& examples() const {
    return spec_.examples;
  }
  const SourceLocation& where() const { return spec_.where; }

  // The action for `score`: REJECT if score >= reject_at, REVIEW if score
  // >= review_at, else ALLOW (a score of 0 is always ALLOW). Then each
  // category override raises the action to its own when a rule of its
  // category with weight >= min_weight hit: `max_weight_by_category` maps
  // each category that hit to the largest weight of its enforced hits.
  hakam::v1::Action Decide(
      double score,
      const std::map<std::string, double>& max_weight_by_category) const;

 private:
  PolicySpec spec_;
};

class PolicySet {
 public:
  // Requires exactly one policy with id "default" and no site or section;
  // duplicate ids and two policies for the same site and section are
  // errors. Problems go to `sink`; INVALID_ARGUMENT if any was an error.
  static absl::StatusOr<std::unique_ptr<const PolicySet>> Create(
      const std::vector<PolicySpec>& specs, DiagnosticSink& sink);

  // The most specific policy: site and section, then site alone, then
  // section alone, then the default.
  const Policy& Select(absl::string_view site, absl::string_view section) const;

  const std::vector<Policy>& policies() const { return policies_; }

 private:
  PolicySet() = default;
  std::vector<Policy> policies_;
  // (site, section) -> index; "" for "any".
  absl::flat_hash_map<std::pair<std::string, std::string>, size_t> by_scope_;
  size_t default_index_ = 0;
};

}  // namespace hakam
