// The engine: Hakam's one entry point for evaluating comments, used by the
// gRPC server and the CLI alike, so both decide with the very same code.
//
//   DiagnosticSink sink;
//   absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(
//       std::make_unique<DirectoryRuleSource>("rules"), EngineOptions(), sink);
//   absl::StatusOr<hakam::v1::Decision> d = (*engine)->Evaluate(comment);
//
// The engine owns the current Snapshot (ruleset + pipeline). Each
// evaluation pins one snapshot with a single atomic load and evaluates with
// no lock held; a decision records the version of the snapshot that made it.
// Reload() re-reads the rule source, builds a new snapshot off the request
// path and swaps the pointer; a ruleset that fails to load is refused and
// the old one keeps serving:
//
//   DiagnosticSink sink;
//   absl::StatusOr<std::shared_ptr<const Snapshot>> s = engine->Reload(sink);
//   if (!s.ok()) std::cerr << sink.ToString();  // still serving the old one
//
// Thread safety: thread-safe. Evaluate() and Explain() never take a lock;
// Reload() calls are serialized among themselves and never block them.
#pragma once

#include <atomic>
#include <cstdint>
#include <memory>
#include <optional>
#include <vector>

#include "absl/base/thread_annotations.h"
#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "absl/time/time.h"
#include "hakam/v1/moderation.pb.h"
#include "rules/diagnostic.h"
#include "rules/rule_source.h"
#include "rules/ruleset_loader.h"
#include "scoring/pipeline.h"
#include "text/normalizer.h"

namespace hakam {

struct EngineOptions {
  RuleSetOptions ruleset;
};

// An immutable ruleset and the pipeline assembled over it.
struct Snapshot {
  std::shared_ptr<const Ruleset> ruleset;
  std::unique_ptr<const Pipeline> pipeline;
};

// A reload that was refused: the rules it read failed to load.
struct RefusedReload {
  absl::Time at;
  // Why: INVALID_ARGUMENT for lint errors, or the rule source's own error
  // (NOT_FOUND when the directory is gone, ...).
  absl::Status status;
  // Every diagnostic of the refused load (errors and warnings), in the
  // order the loader reported them; empty when the source itself failed.
  std::vector<Diagnostic> diagnostics;
};

// What Reload() has done since the engine was created.
struct ReloadHistory {
  // The snapshot serving when the history was read; consistent with the
  // counters below (both are updated together).
  std::shared_ptr<const Snapshot> serving;
  int64_t accepted = 0;  // successful Reload() calls (Create not counted)
  int64_t refused = 0;   // refused Reload() calls
  // The most recent refusal, if any; kept after later successful reloads
  // (compare its `at` with serving->ruleset->loaded_at).
  std::optional<RefusedReload> last_refused;
};

class Engine {
 public:
  // Loads the rules from `source`. On failure, `sink` holds every problem
  // with its file:line:col and the status is INVALID_ARGUMENT (or the
  // source's own error, e.g. NOT_FOUND).
  static absl::StatusOr<std::unique_ptr<Engine>> Create(
      std::unique_ptr<const RuleSource> source, const EngineOptions& options,
      DiagnosticSink& sink);

  Engine(const Engine&) = delete;
  Engine& operator=(const Engine&) = delete;

  // Evaluates `comment` under the current snapshot. Non-OK means no decision
  // could be made: INVALID_ARGUMENT for a malformed comment (naming the
  // field and byte offset), INTERNAL for an operational failure.
  absl::StatusOr<hakam::v1::Decision> Evaluate(
      const hakam::v1::Comment& comment) const;
  // The same, written to `*decision` (not null): its previous contents are
  // discarded, and on failure it is left cleared. A caller evaluating many
  // comments (hakam check on JSON Lines) can pass the same Decision each
  // time: cleared, it keeps its strings' and repeated fields' storage,
  // which spares most of the allocations of building one.
  absl::Status Evaluate(const hakam::v1::Comment& comment,
                        hakam::v1::Decision* decision) const;

  // A decision together with the views and signals it was made on, for
  // `hakam explain`. `text` refers to the comment's text.
  struct Explanation {
    hakam::v1::Decision decision;
    NormalizedText text;
  };
  // Like Evaluate, but also returns every view (all are built, not only
  // those the rules use).
  absl::StatusOr<Explanation> Explain(const hakam::v1::Comment& comment) const;

  // The current snapshot; stays valid for as long as the caller holds it.
  std::shared_ptr<const Snapshot> snapshot() const {
    return snapshot_.load(std::memory_order_acquire);
  }

  // Re-reads the rule source and loads it exactly as Create() does (same
  // normalizer and options). On success the new snapshot replaces the
  // current one atomically and is returned: evaluations that already
  // pinned the old snapshot finish on it, later ones use the new one. The
  // snapshot is replaced even if its content (and so its version) is
  // unchanged. On failure nothing changes, the old snapshot keeps serving,
  // the refusal is recorded in reload_history(), `sink` holds every problem
  // with its file:line:col, and the status is the loader's
  // (INVALID_ARGUMENT for lint errors, or the source's own error).
  // Concurrent calls are serialized; Evaluate() is never blocked. If
  // `before` is set, it receives the snapshot serving when this call's
  // turn came: the one it replaced, or the one a refusal left serving
  // (read before the call, it could be another reload's).
  absl::StatusOr<std::shared_ptr<const Snapshot>> Reload(
      DiagnosticSink& sink, std::shared_ptr<const Snapshot>* before = nullptr)
      ABSL_LOCKS_EXCLUDED(reload_mu_, history_mu_);

  // A copy of the reload history. Never blocked by a reload in progress
  // for longer than a pointer swap.
  ReloadHistory reload_history() const ABSL_LOCKS_EXCLUDED(history_mu_);

  // The rule source, for display ("directory ./rules").
  const RuleSource& source() const { return *source_; }

  const Normalizer& normalizer() const { return *normalizer_; }

 private:
  Engine(std::unique_ptr<const RuleSource> source, EngineOptions options,
         std::unique_ptr<const Normalizer> normalizer);
  // Loads `source_` into a new snapshot; touches no engine state.
  absl::StatusOr<std::shared_ptr<const Snapshot>> BuildSnapshot(
      DiagnosticSink& sink) const;
  // Matches the rules' own examples once, so a new snapshot does not pay
  // its cold start on live comments.
  void WarmUp(const RuleSet& rules) const;
  // Runs the pipeline on `e` and fills `d` (cleared first).
  absl::Status Run(Evaluation& e, hakam::v1::Decision& d) const;

  const std::unique_ptr<const RuleSource> source_;
  const EngineOptions options_;
  const std::unique_ptr<const Normalizer> normalizer_;
  // The request path's only shared state: one atomic load per evaluation.
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;

  // Serializes Reload(); held while a new snapshot is built. Never taken
  // by the request path.
  absl::Mutex reload_mu_;
  // Guards the history; also held across the swap of `snapshot_` in
  // Reload() so that a history copy is consistent with `serving`.
  mutable absl::Mutex history_mu_ ABSL_ACQUIRED_AFTER(reload_mu_);
  int64_t accepted_ ABSL_GUARDED_BY(history_mu_) = 0;
  int64_t refused_ ABSL_GUARDED_BY(history_mu_) = 0;
  std::optional<RefusedReload> last_refused_ ABSL_GUARDED_BY(history_mu_);
};

}  // namespace hakam
