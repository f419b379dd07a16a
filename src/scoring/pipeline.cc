#include "scoring/pipeline.h"

#include <algorithm>
#include <climits>

#include "absl/container/flat_hash_set.h"
#include "absl/strings/str_cat.h"
#include "text/utf8.h"

namespace hakam {
namespace {

class ValidateStage : public Stage {
 public:
  explicit ValidateStage(size_t max_bytes) : max_bytes_(max_bytes) {}
  absl::string_view name() const override { return "validate"; }
  StageResult Run(Evaluation& e) const override {
    if (e.comment.text().size() > max_bytes_) {
      e.error = absl::InvalidArgumentError(absl::StrCat(
          "comment.text: ", e.comment.text().size(),
          " bytes exceeds the limit of ", max_bytes_, " bytes"));
      return StageResult::kError;
    }
    e.error = ValidateUtf8(e.comment.text(), "comment.text");
    return e.error.ok() ? StageResult::kContinue : StageResult::kError;
  }

 private:
  const size_t max_bytes_;
};

class NormalizeStage : public Stage {
 public:
  NormalizeStage(const Normalizer& normalizer, ViewMask views)
      : normalizer_(normalizer), views_(views) {}
  absl::string_view name() const override { return "normalize"; }
  StageResult Run(Evaluation& e) const override {
    absl::Status s = normalizer_.NormalizeInto(
        e.comment.text(), views_ | e.extra_views, &e.normalized);
    if (!s.ok()) {
      e.error = std::move(s);
      return StageResult::kError;
    }
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

// Composite rules fire when enough of their operands fired; their span
// covers the operands' hits. Enforced composites count enforced hits only;
// shadow composites count every hit.
class CompositeStage : public Stage {
 public:
  explicit CompositeStage(const RuleSet& rules) : rules_(rules) {}
  absl::string_view name() const override { return "composite"; }
  StageResult Run(Evaluation& e) const override {
    if (e.hits.empty()) return StageResult::kContinue;
    const std::vector<Rule>& rules = rules_.rules();
    const size_t plain_hits = e.hits.size();
    for (int index : rules_.composites()) {
      const Rule& rule = rules[index];
      const Composite& c = *rule.composite;
      int satisfied = 0;
      OriginalRange span{UINT32_MAX, 0};
      for (const Composite::Operand& o : c.operands) {
        bool fired = false;
        for (size_t h = 0; h < plain_hits; ++h) {
          const RuleHit& hit = e.hits[h];
          const Rule& r = rules[hit.rule];
          if (r.shadow() && !rule.shadow()) continue;
          if (o.rule >= 0 ? hit.rule == o.rule : r.category == o.category) {
            fired = true;
            span.begin = std::min(span.begin, hit.original.begin);
            span.end = std::max(span.end, hit.original.end);
          }
        }
        satisfied += fired;
      }
      const int needed = c.kind == CompositeSpec::Kind::kAll
                             ? static_cast<int>(c.operands.size())
                         : c.kind == CompositeSpec::Kind::kAny ? 1
                                                               : c.at_least;
      if (satisfied >= needed && satisfied > 0) {
        e.hits.push_back({index, ViewId::kRaw, span});
      }
    }
    if (e.hits.size() > plain_hits) {
      std::stable_sort(e.hits.begin(), e.hits.end(),
                       [](const RuleHit& a, const RuleHit& b) {
                         return a.original.begin < b.original.begin;
                       });
    }
    return StageResult::kContinue;
  }

 private:
  const RuleSet& rules_;
};

// Each rule adds its weight once, however often it matched; shadow rules
// add nothing; each category adds at most its cap.
class ScoreStage : public Stage {
 public:
  ScoreStage(const RuleSet& rules,
             const absl::flat_hash_map<std::string, double>& caps)
      : rules_(rules), caps_(caps) {}
  absl::string_view name() const override { return "score"; }
  StageResult Run(Evaluation& e) const override {
    absl::flat_hash_set<int> counted;
    for (const RuleHit& hit : e.hits) {
      if (!counted.insert(hit.rule).second) continue;
      const Rule& rule = rules_.rules()[hit.rule];
      if (rule.shadow()) {
        e.shadow_score += rule.weight;
        continue;
      }
      e.category_scores[rule.category] += rule.weight;
      double& max_weight = e.max_weight_by_category[rule.category];
      max_weight = std::max(max_weight, rule.weight);
    }
    for (auto& [category, score] : e.category_scores) {
      auto cap = caps_.find(category);
      if (cap != caps_.end()) score = std::min(score, cap->second);
      e.score += score;
    }
    return StageResult::kContinue;
  }

 private:
  const RuleSet& rules_;
  const absl::flat_hash_map<std::string, double>& caps_;
};

class DecideStage : public Stage {
 public:
  explicit DecideStage(const PolicySet& policies) : policies_(policies) {}
  absl::string_view name() const override { return "decide"; }
  StageResult Run(Evaluation& e) const override {
    e.policy = &policies_.Select(e.comment.site(), e.comment.section());
    e.action = e.policy->Decide(e.score, e.max_weight_by_category);
    return StageResult::kDecided;
  }

 private:
  const PolicySet& policies_;
};

}  // namespace

std::unique_ptr<const Pipeline> Pipeline::Create(
    const Ruleset& ruleset, const Normalizer& normalizer,
    const PipelineOptions& options) {
  std::unique_ptr<Pipeline> p(new Pipeline());
  p->stages_.push_back(std::make_unique<ValidateStage>(options.max_text_bytes));
  p->stages_.push_back(std::make_unique<NormalizeStage>(
      normalizer, ruleset.rules->views_used()));
  p->stages_.push_back(std::make_unique<MatchStage>(*ruleset.rules));
  if (!ruleset.rules->composites().empty()) {
    p->stages_.push_back(std::make_unique<CompositeStage>(*ruleset.rules));
  }
  p->stages_.push_back(
      std::make_unique<ScoreStage>(*ruleset.rules, ruleset.category_caps));
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
