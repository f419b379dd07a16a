// The rule linter behind `hakam lint`: loads a ruleset exactly as the server
// does (Engine::Create over the given RuleSource, so "lint passes" means
// "the server will load it"), returns every load error the loader reports,
// and, when the ruleset loads, adds warnings about rules that load but are
// probably wrong:
//
//   - a rule without a `match:` or a `no_match:` example;
//   - a pattern that matches the empty string;
//   - a rule that matches none of its own `match:` examples;
//   - a word rule that fires on a legitimate dictionary word other than its
//     own list words (the Scunthorpe check: "بنيك" read as ب + نيك), run
//     with the rule's real matcher, so clitics and the compact and translit
//     views count;
//   - a rule that fires on an ordinary comment of the corpus;
//   - a list word listed twice, in one rule or in two (compared after
//     normalization: the rendered skeleton text);
//   - a dictionary or corpus that cannot be read (so the check did not run).
//
//   LintOptions options;                      // Debian dictionaries
//   options.corpus_dir = "rules/corpus";
//   absl::StatusOr<LintReport> report =
//       Lint(std::make_unique<DirectoryRuleSource>("rules"), options);
//   if (!report.ok()) return report.status();  // no rules to lint
//   for (const Diagnostic& d : report->diagnostics) puts(d.ToString().c_str());
//
// Cost: each dictionary is read once and matched in batches of many words
// (about 300k words in a few seconds); corpus comments are evaluated one by
// one through the engine.
//
// Thread safety: Lint() is thread-safe (it shares no state between calls).
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "rules/diagnostic.h"
#include "rules/rule_source.h"

namespace hakam {

// A list of legitimate words, one per line. Hunspell's format is accepted:
// a "/FLAGS" suffix and anything after a tab or space is stripped; blank
// lines, "#" comments, numbers (the word count on a .dic's first line) and
// lines without a letter are skipped, as are lines that are not UTF-8.
struct Dictionary {
  std::string name;     // shown in warnings, e.g. "hunspell-ar"
  std::string path;     // e.g. "/usr/share/hunspell/ar.dic"
  std::string package;  // the Debian package that installs `path`
};

// hunspell-ar's /usr/share/hunspell/ar.dic and wamerican's
// /usr/share/dict/american-english.
std::vector<Dictionary> DebianDictionaries();

struct LintOptions {
  // Dictionaries for the Scunthorpe check. Default: DebianDictionaries().
  // A missing one is a warning naming its package, not an error.
  std::vector<Dictionary> dictionaries = DebianDictionaries();
  // Directory of ordinary comments, `*.txt` files of one comment per line
  // (blank lines and lines starting with "# " skipped); no rule should fire
  // on any of them. Default: empty, no corpus. `hakam lint DIR` uses
  // DIR/corpus when it exists.
  std::string corpus_dir;
  // At most this many examples are quoted per warning. Default 3.
  int max_examples = 3;
};

struct LintReport {
  // The loader's diagnostics in its order, then the lint warnings ordered
  // by file, line and column. Lint warnings are only computed when the
  // ruleset loads (no errors).
  std::vector<Diagnostic> diagnostics;
  int errors = 0;
  int warnings = 0;
  // Whether the ruleset loaded (no errors), so the lint checks ran.
  bool loaded = false;
  // What was checked, for a summary line.
  int rules = 0;                 // rules loaded
  int64_t dictionary_words = 0;  // words read from the dictionaries
  int corpus_comments = 0;       // comments read from the corpus
};

// Lints the ruleset in `source`. Returns the source's own error when no
// rules could be read at all (NOT_FOUND for a missing directory,
// INVALID_ARGUMENT for one without *.yaml files), or INTERNAL if ICU's data
// is missing. Errors in the rules are not a failed status: they are in the
// report, with their file:line:col.
absl::StatusOr<LintReport> Lint(std::unique_ptr<const RuleSource> source,
                                const LintOptions& options = LintOptions());

}  // namespace hakam
