// Policies map a comment's score to an action. Each site may have its own;
// the policy with id "default" applies when nothing more specific does.
//
//   absl::StatusOr<std::unique_ptr<const PolicySet>> p =
//       PolicySet::Create(specs, sink);
//   const Policy& policy = (*p)->Select(comment.site(), comment.section());
//   hakam::v1::Action action = policy.Decide(score);
//
// Thread safety: immutable after Create().
#pragma once

#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/statusor.h"
#include "hakam/v1/moderation.pb.h"
#include "rules/diagnostic.h"
#include "rules/rule_spec.h"

namespace hakam {

class Policy {
 public:
  explicit Policy(const PolicySpec& spec)
      : id_(spec.id), review_at_(spec.review_at), reject_at_(spec.reject_at) {}

  const std::string& id() const { return id_; }
  double review_at() const { return review_at_; }
  double reject_at() const { return reject_at_; }

  // REJECT if score >= reject_at, REVIEW if score >= review_at, else ALLOW.
  // A score of 0 is always ALLOW, whatever the thresholds.
  hakam::v1::Action Decide(double score) const;

 private:
  std::string id_;
  double review_at_;
  double reject_at_;
};

class PolicySet {
 public:
  // Requires exactly one policy with id "default"; duplicate ids are errors.
  // Problems go to `sink`; INVALID_ARGUMENT if any was an error.
  static absl::StatusOr<std::unique_ptr<const PolicySet>> Create(
      const std::vector<PolicySpec>& specs, DiagnosticSink& sink);

  // The policy for a site and section. Today every comment gets the
  // default policy; site and section selection is the seam for per-site
  // policies.
  const Policy& Select(absl::string_view site, absl::string_view section) const;

  const std::vector<Policy>& policies() const { return policies_; }

 private:
  PolicySet() = default;
  std::vector<Policy> policies_;
  size_t default_index_ = 0;
};

}  // namespace hakam
