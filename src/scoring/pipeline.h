// The evaluation pipeline: a fixed sequence of small stages, assembled once
// per ruleset snapshot, through which every comment passes:
//
//   validate -> normalize -> match -> score -> decide
//
//   std::unique_ptr<const Pipeline> p = Pipeline::Create(ruleset, normalizer);
//   Evaluation e(comment);
//   absl::Status s = p->Run(e);   // non-OK: no decision could be made
//
// Per-request state lives in the Evaluation; stages are immutable and hold
// only pointers to immutable, snapshot-owned objects.
//
// Thread safety: Pipeline and Stage are immutable; Run() may be called
// concurrently with distinct Evaluations. Evaluation is thread-compatible.
#pragma once

#include <map>
#include <memory>
#include <string>
#include "absl/strings/string_view.h"
#include <vector>

#include "absl/status/status.h"
#include "hakam/v1/moderation.pb.h"
#include "policy/policy.h"
#include "rules/rule_set.h"
#include "rules/ruleset_loader.h"
#include "text/normalizer.h"

namespace hakam {

// Everything known about one comment while it is evaluated.
struct Evaluation {
  explicit Evaluation(const hakam::v1::Comment& c) : comment(c) {}

  const hakam::v1::Comment& comment;  // not owned; outlives the evaluation
  // Views to build beyond those the rules need (for explanations).
  ViewMask extra_views = 0;
  NormalizedText normalized;
  std::vector<RuleHit> hits;
  // Enforced score per category (after caps), ordered by category name.
  std::map<std::string, double> category_scores;
  // Largest weight of an enforced hit, per category (for policy overrides).
  std::map<std::string, double> max_weight_by_category;
  double score = 0;
  // What shadow rules would have added, had they been enforced.
  double shadow_score = 0;
  const Policy* policy = nullptr;  // owned by the snapshot
  hakam::v1::Action action = hakam::v1::ACTION_UNSPECIFIED;
  // Set by a stage that returns kError: the operational failure.
  absl::Status error;
};

enum class StageResult {
  kContinue,  // run the next stage
  kDecided,   // the action is final; skip the remaining stages
  kError,     // no decision can be made; see Evaluation::error
};

class Stage {
 public:
  virtual ~Stage() = default;
  virtual absl::string_view name() const = 0;
  virtual StageResult Run(Evaluation& e) const = 0;
};

struct PipelineOptions {
  // Longest comment text evaluated, in bytes; longer ones are
  // INVALID_ARGUMENT, never silently truncated. Default 64 KiB.
  size_t max_text_bytes = 64 * 1024;
};

class Pipeline {
 public:
  // The default pipeline over `ruleset`, which must outlive it (the
  // snapshot owns both): validate, normalize, match, composites, score,
  // decide.
  static std::unique_ptr<const Pipeline> Create(
      const Ruleset& ruleset, const Normalizer& normalizer,
      const PipelineOptions& options = PipelineOptions());

  // Runs the stages in order. OK means `e.action` is set.
  absl::Status Run(Evaluation& e) const;

  const std::vector<std::unique_ptr<const Stage>>& stages() const {
    return stages_;
  }

 private:
  Pipeline() = default;
  std::vector<std::unique_ptr<const Stage>> stages_;
};

}  // namespace hakam
