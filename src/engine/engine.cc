#include "engine/engine.h"

#include <google/protobuf/duration.pb.h>
#include <google/protobuf/timestamp.pb.h>

#include <chrono>
#include <cstdint>
#include <memory>

#include "absl/time/clock.h"
#include "absl/time/time.h"
#include "engine/decision_builder.h"
#include "engine/ids.h"
#include "text/utf8.h"

namespace hakam {

namespace {

constexpr int64_t kNanosPerSecond = 1000000000;

// Set field by field: TimeUtil's conversions build a temporary message and
// copy it (about 50 ns each, docs/performance-log.md 2026-11-30 14:40).
void SetTimestamp(absl::Time t, google::protobuf::Timestamp* out) {
  const int64_t ns = absl::ToUnixNanos(t);
  // Timestamp's nanos are never negative: floor division.
  int64_t seconds = ns / kNanosPerSecond;
  int64_t nanos = ns % kNanosPerSecond;
  if (nanos < 0) {
    --seconds;
    nanos += kNanosPerSecond;
  }
  out->set_seconds(seconds);
  out->set_nanos(static_cast<int32_t>(nanos));
}

// `ns` >= 0 (a steady clock's difference).
void SetDuration(int64_t ns, google::protobuf::Duration* out) {
  out->set_seconds(ns / kNanosPerSecond);
  out->set_nanos(static_cast<int32_t>(ns % kNanosPerSecond));
}

// The sub-messages every decision sets. Clear() frees them, only for them
// to be allocated again a few lines on: a reused Decision (batch callers,
// the benchmarks) keeps them across it instead. Off an arena only, where
// release_*() would copy.
class KeptSubmessages {
 public:
  // Takes them out of `d`, before d.Clear().
  explicit KeptSubmessages(hakam::v1::Decision& d) {
    if (d.GetArena() != nullptr) return;
    duration_.reset(d.release_processing_time());
    timestamp_.reset(d.release_decided_at());
    signals_.reset(d.release_signals());
  }
  // Puts them back into `d`, cleared, for the decision to fill. What is not
  // put back is freed with this object (a failed evaluation).
  void GiveBack(hakam::v1::Decision& d) {
    using D = hakam::v1::Decision;
    Reattach(duration_, d, &D::set_allocated_processing_time);
    Reattach(timestamp_, d, &D::set_allocated_decided_at);
    Reattach(signals_, d, &D::set_allocated_signals);
  }

 private:
  template <typename M>
  static void Reattach(std::unique_ptr<M>& kept, hakam::v1::Decision& d,
                       void (hakam::v1::Decision::*set_allocated)(M*)) {
    if (kept == nullptr) return;
    kept->Clear();
    (d.*set_allocated)(kept.release());
  }

  std::unique_ptr<google::protobuf::Duration> duration_;
  std::unique_ptr<google::protobuf::Timestamp> timestamp_;
  std::unique_ptr<hakam::v1::TextSignals> signals_;
};

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
  std::unique_ptr<Engine> engine(
      new Engine(std::move(source), options, *std::move(normalizer)));
  absl::StatusOr<std::shared_ptr<const Snapshot>> snapshot =
      engine->BuildSnapshot(sink);
  if (!snapshot.ok()) return snapshot.status();
  engine->snapshot_.store(*std::move(snapshot), std::memory_order_release);
  return engine;
}

void Engine::WarmUp(const RuleSet& rules) const {
  // RE2 builds DFA states as text needs them, and word rules compile their
  // regex the first time they are candidates: a fresh ruleset is slow for
  // its first comments. Matching the rules' own examples before the
  // snapshot serves pays part of that here, off the request path. Bounded:
  // at most 2,000 examples (a few ms).
  constexpr int kMaxExamples = 2000;
  int examples = 0;
  std::vector<RuleHit> hits;
  for (const Rule& rule : rules.rules()) {
    for (const RuleTestCase& test : rule.tests) {
      if (++examples > kMaxExamples) return;
      if (FindInvalidUtf8(test.text) != test.text.size()) continue;
      absl::StatusOr<NormalizedText> text =
          normalizer_->Normalize(test.text, rules.views_used());
      if (!text.ok()) continue;  // lint reports bad examples
      hits.clear();
      rules.Match(*text, &hits);
    }
  }
}

absl::StatusOr<std::shared_ptr<const Snapshot>> Engine::BuildSnapshot(
    DiagnosticSink& sink) const {
  absl::StatusOr<std::shared_ptr<const Ruleset>> ruleset =
      LoadRuleset(*source_, *normalizer_, options_.ruleset, sink);
  if (!ruleset.ok()) return ruleset.status();
  auto snapshot = std::make_shared<Snapshot>();
  snapshot->ruleset = *std::move(ruleset);
  snapshot->pipeline = Pipeline::Create(*snapshot->ruleset, *normalizer_);
  WarmUp(*snapshot->ruleset->rules);
  return std::shared_ptr<const Snapshot>(std::move(snapshot));
}

absl::StatusOr<std::shared_ptr<const Snapshot>> Engine::Reload(
    DiagnosticSink& sink, std::shared_ptr<const Snapshot>* before) {
  absl::MutexLock reload_lock(&reload_mu_);
  // Only Reload() replaces the snapshot, and it holds reload_mu_.
  if (before != nullptr) *before = snapshot();
  const size_t first_diagnostic = sink.diagnostics().size();
  // The expensive part (read, parse, compile) runs before any lock that a
  // reader of the history could wait on.
  absl::StatusOr<std::shared_ptr<const Snapshot>> next = BuildSnapshot(sink);

  absl::MutexLock history_lock(&history_mu_);
  if (!next.ok()) {
    ++refused_;
    RefusedReload refusal;
    refusal.at = absl::Now();
    refusal.status = next.status();
    refusal.diagnostics.assign(sink.diagnostics().begin() + first_diagnostic,
                               sink.diagnostics().end());
    last_refused_ = std::move(refusal);
    return next.status();
  }
  snapshot_.store(*next, std::memory_order_release);
  ++accepted_;
  return next;
}

ReloadHistory Engine::reload_history() const {
  absl::MutexLock lock(&history_mu_);
  ReloadHistory history;
  history.serving = snapshot();
  history.accepted = accepted_;
  history.refused = refused_;
  history.last_refused = last_refused_;
  return history;
}

absl::Status Engine::Run(Evaluation& e, hakam::v1::Decision& d) const {
  // processing_time is read on the steady clock, so that a step of the
  // wall clock cannot make it negative or huge; decided_at on the wall
  // clock. std::chrono's clocks, not absl::Now(): on the development VM
  // each read costs 32 ns against 75 (docs/performance-log.md,
  // 2026-11-30 14:40), and a decision reads three.
  const auto start = std::chrono::steady_clock::now();
  KeptSubmessages kept(d);
  d.Clear();
  const std::shared_ptr<const Snapshot> snap = snapshot();
  if (absl::Status s = snap->pipeline->Run(e); !s.ok()) return s;

  const auto end = std::chrono::steady_clock::now();
  const absl::Time decided_at =
      absl::FromChrono(std::chrono::system_clock::now());
  kept.GiveBack(d);
  NewDecisionId(decided_at, d.mutable_decision_id());
  FillDecision(e, *snap->ruleset, d);
  SetDuration(
      std::chrono::duration_cast<std::chrono::nanoseconds>(end - start).count(),
      d.mutable_processing_time());
  SetTimestamp(decided_at, d.mutable_decided_at());
  return absl::OkStatus();
}

absl::StatusOr<hakam::v1::Decision> Engine::Evaluate(
    const hakam::v1::Comment& comment) const {
  hakam::v1::Decision d;
  if (absl::Status s = Evaluate(comment, &d); !s.ok()) return s;
  return d;
}

absl::Status Engine::Evaluate(const hakam::v1::Comment& comment,
                              hakam::v1::Decision* decision) const {
  Evaluation e(comment);
  return Run(e, *decision);
}

absl::StatusOr<Engine::Explanation> Engine::Explain(
    const hakam::v1::Comment& comment) const {
  Evaluation e(comment);
  e.extra_views = kAllViews;
  hakam::v1::Decision d;
  if (absl::Status s = Run(e, d); !s.ok()) return s;
  return Explanation{std::move(d), std::move(e.normalized)};
}

}  // namespace hakam
