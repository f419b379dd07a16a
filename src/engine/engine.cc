#include "engine/engine.h"

#include <google/protobuf/util/time_util.h>

#include "absl/time/clock.h"
#include "engine/ids.h"
#include "text/utf8.h"

namespace hakam {

namespace {

using google::protobuf::util::TimeUtil;

void FillDecision(const Evaluation& e, const Ruleset& ruleset,
                  hakam::v1::Decision& d) {
  d.set_comment_id(e.comment.comment_id());
  d.set_action(e.action);
  d.set_score(e.score);
  for (const auto& [category, score] : e.category_scores) {
    hakam::v1::CategoryScore* cs = d.add_category_scores();
    cs->set_category(category);
    cs->set_score(score);
  }
  const absl::string_view text = e.comment.text();
  for (const RuleHit& hit : e.hits) {
    const Rule& rule = ruleset.rules->rules()[hit.rule];
    hakam::v1::Reason* r = d.add_reasons();
    r->set_rule_id(rule.id);
    r->set_category(rule.category);
    r->set_weight(rule.weight);
    r->set_pack(rule.pack);
    r->set_view(std::string(ViewName(hit.view)));
    hakam::v1::Span* span = r->mutable_span();
    span->set_byte_start(hit.original.begin);
    span->set_byte_end(hit.original.end);
    span->set_codepoint_start(CodePointOffset(text, hit.original.begin));
    span->set_codepoint_end(CodePointOffset(text, hit.original.end));
    r->set_excerpt(
        std::string(text.substr(hit.original.begin,
                                hit.original.end - hit.original.begin)));
  }
  d.set_ruleset_version(ruleset.version);
  const TextSignals& signals = e.normalized.signals();
  hakam::v1::TextSignals* out = d.mutable_signals();
  out->set_invisible_chars(signals.invisible_chars);
  out->set_bidi_controls(signals.bidi_controls);
  out->set_mixed_script_words(signals.mixed_script_words);
  out->set_digits_in_arabic_words(signals.digits_in_arabic_words);
  out->set_letters(signals.letters);
  out->set_letters_changed(signals.letters_changed);
  if (e.policy != nullptr) d.set_policy_id(e.policy->id());
}

}  // namespace

Engine::Engine(std::unique_ptr<const RuleSource> source, EngineOptions options,
               std::unique_ptr<const Normalizer> normalizer)
    : source_(std::move(source)),
      options_(std::move(options)),
      normalizer_(std::move(normalizer)) {}

absl::StatusOr<std::unique_ptr<Engine>> Engine::Create(
    std::unique_ptr<const RuleSource> source, const EngineOptions& options,
    DiagnosticSink& sink) {
  absl::StatusOr<std::unique_ptr<const Normalizer>> normalizer =
      Normalizer::Create();
  if (!normalizer.ok()) return normalizer.status();
  absl::StatusOr<std::shared_ptr<const Ruleset>> ruleset =
      LoadRuleset(*source, **normalizer, options.ruleset, sink);
  if (!ruleset.ok()) return ruleset.status();

  std::unique_ptr<Engine> engine(
      new Engine(std::move(source), options, *std::move(normalizer)));
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->ruleset = *std::move(ruleset);
  snapshot->pipeline =
      Pipeline::Create(*snapshot->ruleset, *engine->normalizer_);
  engine->snapshot_.store(std::move(snapshot), std::memory_order_release);
  return engine;
}

absl::StatusOr<hakam::v1::Decision> Engine::Run(Evaluation& e) const {
  const absl::Time start = absl::Now();
  const std::shared_ptr<const Snapshot> snap = snapshot();
  if (absl::Status s = snap->pipeline->Run(e); !s.ok()) return s;

  hakam::v1::Decision d;
  const absl::Time end = absl::Now();
  d.set_decision_id(NewDecisionId(end));
  FillDecision(e, *snap->ruleset, d);
  *d.mutable_processing_time() = TimeUtil::NanosecondsToDuration(
      absl::ToInt64Nanoseconds(end - start));
  *d.mutable_decided_at() =
      TimeUtil::NanosecondsToTimestamp(absl::ToUnixNanos(end));
  return d;
}

absl::StatusOr<hakam::v1::Decision> Engine::Evaluate(
    const hakam::v1::Comment& comment) const {
  Evaluation e(comment);
  return Run(e);
}

absl::StatusOr<Engine::Explanation> Engine::Explain(
    const hakam::v1::Comment& comment) const {
  Evaluation e(comment);
  e.extra_views = kAllViews;
  absl::StatusOr<hakam::v1::Decision> d = Run(e);
  if (!d.ok()) return d.status();
  return Explanation{*std::move(d), std::move(e.normalized)};
}

}  // namespace hakam
