#include "cli/lint_command.h"

#include <filesystem>
#include <memory>
#include <ostream>

#include "rules/rule_source.h"

namespace hakam::cli {

int RunLint(const LintCommandOptions& options,
            const std::vector<std::string>& args, std::ostream& out,
            std::ostream& err) {
  if (args.size() > 1) {
    err << "usage: hakam lint [--werror] [--examples=N] [--rules=DIR | DIR]\n";
    return 2;
  }
  const std::string dir = args.empty() ? options.rules_dir : args[0];
  LintOptions lint = options.lint;
  if (lint.corpus_dir.empty()) {
    const std::string corpus = (std::filesystem::path(dir) / "corpus").string();
    std::error_code ec;
    if (std::filesystem::is_directory(corpus, ec)) lint.corpus_dir = corpus;
  }
  absl::StatusOr<LintReport> report =
      Lint(std::make_unique<DirectoryRuleSource>(dir), lint);
  if (!report.ok()) {
    err << "hakam lint: " << report.status().message() << "\n";
    return 2;
  }
  for (const Diagnostic& d : report->diagnostics) out << d.ToString() << "\n";
  out << report->errors << (report->errors == 1 ? " error, " : " errors, ")
      << report->warnings << (report->warnings == 1 ? " warning" : " warnings");
  if (report->loaded) {
    out << " (" << report->rules << " rules, checked against "
        << report->dictionary_words << " dictionary words and "
        << report->corpus_comments << " ordinary comments)";
  } else {
    out << " (the rules do not load; fix the errors to run the other checks)";
  }
  if (options.werror && report->warnings > 0) out << "; --werror: failing";
  out << "\n";
  out.flush();
  if (report->errors > 0) return 1;
  if (options.werror && report->warnings > 0) return 1;
  return 0;
}

}  // namespace hakam::cli
