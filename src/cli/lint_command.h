// `hakam lint`: checks a rules directory the way the server loads it and
// prints every problem as `file:line:col: error|warning: message [rule-id]`,
// then a summary line. Errors are what would stop hakamd from loading the
// rules; warnings are rules that load but are probably wrong (see
// engine/linter.h and docs/cli.md).
//
//   hakam lint                   # ./rules
//   hakam lint --werror rules/   # warnings fail too
//
// Thread safety: thread-compatible (one command per thread).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

#include "engine/linter.h"

namespace hakam::cli {

struct LintCommandOptions {
  // Rules directory. Default "./rules"; a positional DIR replaces it.
  std::string rules_dir = "./rules";
  // Exit 1 when there are warnings, not only errors. Default false.
  bool werror = false;
  // The linter's options. An empty `lint.corpus_dir` (the default) means
  // DIR/corpus when that directory exists, else no corpus.
  LintOptions lint;
};

// `args`: the positional arguments after "lint": none, or DIR. Prints the
// diagnostics and a summary line ("N errors, M warnings ...") on `out`.
// Returns 0 when the rules have no error (warnings allowed unless
// `werror`), 1 when they have errors (or warnings with `werror`), 2 for
// usage errors or a directory that holds no rules (message on `err`).
int RunLint(const LintCommandOptions& options,
            const std::vector<std::string>& args, std::ostream& out,
            std::ostream& err);

}  // namespace hakam::cli
