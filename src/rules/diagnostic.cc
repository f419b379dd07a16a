#include "rules/diagnostic.h"

#include "absl/strings/str_cat.h"

namespace hakam {

std::string Diagnostic::ToString() const {
  std::string out = absl::StrCat(where.file, ":", where.line, ":",
                                 where.column, ": ",
                                 severity == Severity::kError ? "error"
                                                              : "warning",
                                 ": ", message);
  if (!rule_id.empty()) absl::StrAppend(&out, " [", rule_id, "]");
  return out;
}

void DiagnosticSink::Error(const SourceLocation& where, std::string message,
                           std::string rule_id) {
  diagnostics_.push_back(
      {Severity::kError, where, std::move(message), std::move(rule_id)});
  ++errors_;
}

void DiagnosticSink::Warning(const SourceLocation& where, std::string message,
                             std::string rule_id) {
  diagnostics_.push_back(
      {Severity::kWarning, where, std::move(message), std::move(rule_id)});
}

std::string DiagnosticSink::ToString() const {
  std::string out;
  for (const Diagnostic& d : diagnostics_) absl::StrAppend(&out, d.ToString(), "\n");
  return out;
}

}  // namespace hakam
