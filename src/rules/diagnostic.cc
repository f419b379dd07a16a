#include "rules/diagnostic.h"

#include "absl/strings/str_cat.h"

namespace hakam {

std::string Diagnostic::ToString() const {
  // Unknown parts of the location are left out, as compilers do
  // ("file: error: ..." or just "error: ...").
  std::string out;
  if (!where.file.empty()) {
    out = where.file;
    if (where.line > 0) {
      absl::StrAppend(&out, ":", where.line);
      if (where.column > 0) absl::StrAppend(&out, ":", where.column);
    }
    out += ": ";
  }
  absl::StrAppend(&out, severity == Severity::kError ? "error" : "warning",
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
  for (const Diagnostic& d : diagnostics_)
    absl::StrAppend(&out, d.ToString(), "\n");
  return out;
}

}  // namespace hakam
