// Diagnostics: problems found while loading rule and policy files, each with
// the file, line and column it concerns, printed the way compilers do:
//
//   rules/ar.yaml:12:7: error: unknown key "wieght" [ar.insult.animal]
//
// Thread safety: plain values.
#pragma once

#include <string>
#include <vector>

namespace hakam {

// A position in a rule or policy file; line and column are 1-based, 0 when
// unknown.
struct SourceLocation {
  std::string file;
  int line = 0;
  int column = 0;
};

enum class Severity { kError, kWarning };

struct Diagnostic {
  Severity severity = Severity::kError;
  SourceLocation where;
  std::string message;
  std::string rule_id;  // empty when the problem is not about one rule

  // "file:line:col: error: message [rule-id]"; an unknown line or column
  // (0) is left out ("file: warning: ..."), and so is an unknown file.
  std::string ToString() const;
};

// Appends diagnostics; the loader collects every problem instead of
// stopping at the first.
class DiagnosticSink {
 public:
  void Error(const SourceLocation& where, std::string message,
             std::string rule_id = "");
  void Warning(const SourceLocation& where, std::string message,
               std::string rule_id = "");

  bool has_errors() const { return errors_ > 0; }
  int error_count() const { return errors_; }
  const std::vector<Diagnostic>& diagnostics() const { return diagnostics_; }
  // All diagnostics, one per line.
  std::string ToString() const;

 private:
  std::vector<Diagnostic> diagnostics_;
  int errors_ = 0;
};

}  // namespace hakam
