// `hakam explain`: shows how Hakam sees a comment. Prints every view of the
// text under the original, the signals, and each rule hit with its span
// highlighted in the original text (colour on a terminal, [brackets]
// otherwise), then the decision.
//
//   hakam explain "ي‌ا ك ل ب"
//
// Thread safety: thread-compatible.
#pragma once

#include <iosfwd>
#include <string>
#include <vector>

namespace hakam::cli {

struct ExplainOptions {
  std::string rules_dir = "./rules";
  std::string site;
  std::string section;
  // "auto" (colour when stdout is a terminal), "always" or "never".
  std::string color = "auto";
};

// `args`: the text (one argument). Returns 0 on success, 1 if the text got
// no decision (e.g. invalid UTF-8), 2 for usage or rule-loading errors.
int RunExplain(const ExplainOptions& options,
               const std::vector<std::string>& args, std::ostream& out,
               std::ostream& err, bool stdout_is_terminal);

}  // namespace hakam::cli
