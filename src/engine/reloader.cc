#include "engine/reloader.h"

#include <algorithm>

#include "absl/strings/str_cat.h"

namespace hakam {

std::string ReloadOutcome::ToLogText(absl::string_view trigger) const {
  const std::string& version =
      serving != nullptr ? serving->ruleset->version : previous_version;
  std::string text;
  if (accepted) {
    absl::StrAppend(
        &text, "reloaded rules: ", version, " (",
        serving->ruleset->rules->rules().size(), " rules) [", trigger, "; ",
        version == previous_version ? std::string("unchanged")
                                    : absl::StrCat("was ", previous_version),
        "]\n");
  } else {
    const auto errors = std::count_if(
        diagnostics.begin(), diagnostics.end(),
        [](const Diagnostic& d) { return d.severity == Severity::kError; });
    absl::StrAppend(
        &text, "refused reload, still serving ", version, ": ",
        errors > 0 ? absl::StrCat(errors, " error(s)") : status.ToString(),
        " [", trigger, "]\n");
  }
  for (const Diagnostic& d : diagnostics) {
    absl::StrAppend(&text, d.ToString(), "\n");
  }
  return text;
}

ReloadOutcome Reloader::Reload(absl::string_view trigger) const {
  ReloadOutcome outcome;
  DiagnosticSink sink;
  // Read inside Reload()'s turn: another reload (the watcher's, a SIGHUP,
  // an RPC) may run between a read here and it.
  std::shared_ptr<const Snapshot> before;
  absl::StatusOr<std::shared_ptr<const Snapshot>> next =
      engine_.Reload(sink, &before);
  outcome.previous_version = before->ruleset->version;
  outcome.accepted = next.ok();
  outcome.status = next.status();
  outcome.serving = next.ok() ? *std::move(next) : std::move(before);
  outcome.diagnostics = sink.diagnostics();
  if (log_) log_(outcome.ToLogText(trigger));
  return outcome;
}

}  // namespace hakam
