// `hakam test`: runs every example embedded in a rules directory (each
// rule's `tests: match/no_match`, each policy's `examples:`) through the
// engine the server runs, prints each failure with its file:line, and ends
// with the line "N passed, M failed".
//
//   hakam test              # ./rules
//   hakam test rules/       # CI runs this on the shipped rules
//
// Thread safety: thread-compatible (one command per thread).
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace hakam::cli {

struct TestCommandOptions {
  // Rules directory. Default "./rules"; a positional DIR replaces it.
  std::string rules_dir = "./rules";
};

// `args`: the positional arguments after "test": none, or DIR. Prints one
// line per failed example on `out`, then "N passed, M failed" as the last
// line. Returns 0 when every example passed, 1 when some failed, 2 for
// usage errors or rules that do not load (diagnostics on `err`).
int RunTest(const TestCommandOptions& options,
            const std::vector<std::string>& args, std::ostream& out,
            std::ostream& err);

}  // namespace hakam::cli
