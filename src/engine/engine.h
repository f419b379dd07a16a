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
// A later reload builds a new snapshot off the request path and swaps the
// pointer.
//
// Thread safety: thread-safe.
#pragma once

#include <atomic>
#include <memory>

#include "absl/status/statusor.h"
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

  const Normalizer& normalizer() const { return *normalizer_; }

 private:
  Engine(std::unique_ptr<const RuleSource> source, EngineOptions options,
         std::unique_ptr<const Normalizer> normalizer);
  absl::StatusOr<hakam::v1::Decision> Run(Evaluation& e) const;

  const std::unique_ptr<const RuleSource> source_;
  const EngineOptions options_;
  const std::unique_ptr<const Normalizer> normalizer_;
  std::atomic<std::shared_ptr<const Snapshot>> snapshot_;
};

}  // namespace hakam
