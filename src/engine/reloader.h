// Reloads an engine's rules on behalf of a trigger (SIGHUP, the rules
// watcher, the RulesAdmin.ReloadRules RPC) and reports every outcome the
// same way, whatever caused it.
//
//   Reloader reloader(engine, [](absl::string_view text) {
//     std::fprintf(stderr, "hakamd: %.*s", int(text.size()), text.data());
//   });
//   ReloadOutcome o = reloader.Reload("SIGHUP");
//   // logged: "reloaded rules: sha256:… (42 rules) [SIGHUP; was sha256:…]"
//   //     or: "refused reload, still serving sha256:…: 1 error(s) [SIGHUP]"
//   //         followed by one "file:line:col: error: …" line per diagnostic
//
// Thread safety: thread-safe (Engine::Reload serializes the reloads
// themselves); the engine must outlive the reloader.
#pragma once

#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "engine/engine.h"
#include "rules/diagnostic.h"

namespace hakam {

// What one reload did.
struct ReloadOutcome {
  bool accepted = false;
  // OK iff accepted; otherwise why the rules were refused.
  absl::Status status;
  // The version serving when the reload's turn came (reloads run one at a
  // time): the one it replaced, or the one a refusal left serving.
  std::string previous_version;
  // The snapshot serving when it finished: the new one if accepted, else
  // the one that kept serving.
  std::shared_ptr<const Snapshot> serving;
  // Every diagnostic of the load, in the loader's order: the errors of a
  // refused reload, and any warnings (of an accepted one too).
  std::vector<Diagnostic> diagnostics;

  // The log text: one summary line naming `trigger`, then one line per
  // diagnostic; every line ends in '\n'.
  std::string ToLogText(absl::string_view trigger) const;
};

class Reloader {
 public:
  // Receives a reload's log text (see ReloadOutcome::ToLogText), one call
  // per reload, from the thread that triggered it.
  using LogFn = std::function<void(absl::string_view text)>;

  // `log` may be empty: nothing is logged.
  explicit Reloader(Engine& engine, LogFn log = nullptr)
      : engine_(engine), log_(std::move(log)) {}

  // Runs Engine::Reload and logs the outcome. `trigger` names the cause
  // in the log ("SIGHUP", "RPC", "rules changed: en/insults.yaml").
  ReloadOutcome Reload(absl::string_view trigger) const;

 private:
  Engine& engine_;
  const LogFn log_;
};

}  // namespace hakam
