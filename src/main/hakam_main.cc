// hakam: the command-line tool. See docs/cli.md.
#include <unistd.h>

#include <cstdio>
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/flags/usage.h"
#include "cli/check_command.h"
#include "cli/explain_command.h"
#include "cli/lint_command.h"
#include "cli/test_command.h"

ABSL_FLAG(std::string, server, "",
          "host:port of a hakamd to evaluate through (default: evaluate "
          "locally)");
ABSL_FLAG(std::string, rules, "./rules",
          "Rules directory (check and explain in local mode, lint, test)");
ABSL_FLAG(std::string, site, "", "Site of the comment given as TEXT");
ABSL_FLAG(std::string, section, "", "Section of the comment given as TEXT");
ABSL_FLAG(std::string, color, "auto",
          "explain: highlight hits in colour: auto, always or never");
ABSL_FLAG(bool, werror, false, "lint: fail (exit 1) on warnings too");
ABSL_FLAG(int, examples, 3, "lint: at most this many examples per warning");

namespace {
constexpr char kUsage[] =
    "Hakam command-line tool.\n"
    "Usage:\n"
    "  hakam check [--server=HOST:PORT] [--rules=DIR] TEXT   one comment\n"
    "  hakam check [--server=HOST:PORT] [--rules=DIR] -      JSON Lines on "
    "stdin\n"
    "  hakam explain [--rules=DIR] [--color=auto|always|never] TEXT\n"
    "                                     views, signals and hits of TEXT\n"
    "  hakam lint [--werror] [--examples=N] [DIR]\n"
    "                                     check rule files as hakamd loads\n"
    "                                     them (default DIR: --rules)\n"
    "  hakam test [DIR]                   run the examples embedded in the\n"
    "                                     rule files\n";
}  // namespace

int main(int argc, char** argv) {
  // std::cin and std::cout with buffers of their own, not stdio's: getline
  // on a stdio-synced std::cin reads a character at a time, 11% of `hakam
  // check -` on 10,000 lines. (std::cin stays tied to std::cout, so a line
  // typed at a terminal still gets its answer before the next is read.)
  std::ios::sync_with_stdio(false);
  absl::SetProgramUsageMessage(kUsage);
  std::vector<char*> positional = absl::ParseCommandLine(argc, argv);
  std::vector<std::string> args(positional.begin() + 1, positional.end());
  if (args.empty()) {
    std::fputs(kUsage, stderr);
    return 2;
  }
  const std::string command = args.front();
  args.erase(args.begin());
  if (command == "check") {
    hakam::cli::CheckOptions options;
    options.server = absl::GetFlag(FLAGS_server);
    options.rules_dir = absl::GetFlag(FLAGS_rules);
    options.site = absl::GetFlag(FLAGS_site);
    options.section = absl::GetFlag(FLAGS_section);
    return hakam::cli::RunCheck(options, args, std::cin, std::cout, std::cerr);
  }
  if (command == "explain") {
    hakam::cli::ExplainOptions options;
    options.rules_dir = absl::GetFlag(FLAGS_rules);
    options.site = absl::GetFlag(FLAGS_site);
    options.section = absl::GetFlag(FLAGS_section);
    options.color = absl::GetFlag(FLAGS_color);
    return hakam::cli::RunExplain(options, args, std::cout, std::cerr,
                                  isatty(STDOUT_FILENO) != 0);
  }
  if (command == "lint") {
    hakam::cli::LintCommandOptions options;
    options.rules_dir = absl::GetFlag(FLAGS_rules);
    options.werror = absl::GetFlag(FLAGS_werror);
    options.lint.max_examples = absl::GetFlag(FLAGS_examples);
    return hakam::cli::RunLint(options, args, std::cout, std::cerr);
  }
  if (command == "test") {
    hakam::cli::TestCommandOptions options;
    options.rules_dir = absl::GetFlag(FLAGS_rules);
    return hakam::cli::RunTest(options, args, std::cout, std::cerr);
  }
  std::fprintf(stderr, "hakam: unknown command \"%s\"\n%s", command.c_str(),
               kUsage);
  return 2;
}
