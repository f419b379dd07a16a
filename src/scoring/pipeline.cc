#include "scoring/pipeline.h"

#include "absl/container/flat_hash_set.h"
#include "text/utf8.h"

namespace hakam {
namespace {

class ValidateStage : public Stage {
 public:
  absl::string_view name() const override { return "validate"; }
  StageResult Run(Evaluation& e) const override {
    e.error = ValidateUtf8(e.comment.text(), "comment.text");
    return e.error.ok() ? StageResult::kContinue : StageResult::kError;
  }
};

class NormalizeStage : public Stage {
 public:
  NormalizeStage(const Normalizer& normalizer, ViewMask views)
      : normalizer_(normalizer), views_(views) {}
  absl::string_view name() const override { return "normalize"; }
  StageResult Run(Evaluation& e) const override {
    absl::StatusOr<NormalizedText> n =
        normalizer_.Normalize(e.comment.text(), views_ | e.extra_views);
    if (!n.ok()) {
      e.error = n.status();
      return StageResult::kError;
    }
    e.normalized = *std::move(n);
    return StageResult::kContinue;
  }

 private:
  const Normalizer& normalizer_;
  const ViewMask views_;
};

class MatchStage : public Stage {
 public:
  explicit MatchStage(const RuleSet& rules) : rules_(rules) {}
  absl::string_view name() const override { return "match"; }
  StageResult Run(Evaluation& e) const override {
    rules_.Match(e.normalized, &e.hits);
    return StageResult::kContinue;
  }

 private:
  const RuleSet& rules_;
};

// Each rule adds its weight once, however often it matched.
class ScoreStage : public Stage {
 public:
  explicit ScoreStage(const RuleSet& rules) : rules_(rules) {}
  absl::string_view name() const override { return "score"; }
  StageResult Run(Evaluation& e) const override {
    absl::flat_hash_set<int> counted;
    for (const RuleHit& hit : e.hits) {
      if (!counted.insert(hit.rule).second) continue;
      const Rule& rule = rules_.rules()[hit.rule];
      e.category_scores[rule.category] += rule.weight;
      e.score += rule.weight;
    }
    return StageResult::kContinue;
  }

 private:
  const RuleSet& rules_;
};

class DecideStage : public Stage {
 public:
  explicit DecideStage(const PolicySet& policies) : policies_(policies) {}
  absl::string_view name() const override { return "decide"; }
  StageResult Run(Evaluation& e) const override {
    e.policy = &policies_.Select(e.comment.site(), e.comment.section());
    e.action = e.policy->Decide(e.score);
    return StageResult::kDecided;
  }

 private:
  const PolicySet& policies_;
};

}  // namespace

std::unique_ptr<const Pipeline> Pipeline::Create(const Ruleset& ruleset,
                                                 const Normalizer& normalizer) {
  std::unique_ptr<Pipeline> p(new Pipeline());
  p->stages_.push_back(std::make_unique<ValidateStage>());
  p->stages_.push_back(std::make_unique<NormalizeStage>(
      normalizer, ruleset.rules->views_used()));
  p->stages_.push_back(std::make_unique<MatchStage>(*ruleset.rules));
  p->stages_.push_back(std::make_unique<ScoreStage>(*ruleset.rules));
  p->stages_.push_back(std::make_unique<DecideStage>(*ruleset.policies));
  return p;
}

absl::Status Pipeline::Run(Evaluation& e) const {
  for (const auto& stage : stages_) {
    switch (stage->Run(e)) {
      case StageResult::kContinue:
        break;
      case StageResult::kDecided:
        return absl::OkStatus();
      case StageResult::kError:
        return e.error;
    }
  }
  return absl::InternalError("pipeline ended without a decision");
}

}  // namespace hakam
