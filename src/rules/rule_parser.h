// Parses one YAML rule or policy file into specs, reporting every problem
// (unknown keys, wrong types, missing fields, YAML syntax) with its line and
// column. See docs/rules.md for the language.
//
//   DiagnosticSink sink;
//   RuleFileSpec spec = ParseRuleFile("rules/ar.yaml", content, sink);
//   if (sink.has_errors()) std::cerr << sink.ToString();
//
// Thread safety: stateless; safe from any thread.
#pragma once

#include "absl/strings/string_view.h"
#include "rules/diagnostic.h"
#include "rules/rule_spec.h"

namespace hakam {

// `file` is used only in diagnostics. Never throws: yaml-cpp's exceptions
// become diagnostics. On errors the returned spec holds whatever parsed.
RuleFileSpec ParseRuleFile(absl::string_view file, absl::string_view content,
                           DiagnosticSink& sink);

}  // namespace hakam
