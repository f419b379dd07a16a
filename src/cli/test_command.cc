#include "cli/test_command.h"

#include <memory>
#include <ostream>

#include "engine/engine.h"
#include "engine/rule_tests.h"

namespace hakam::cli {

int RunTest(const TestCommandOptions& options,
            const std::vector<std::string>& args, std::ostream& out,
            std::ostream& err) {
  if (args.size() > 1) {
    err << "usage: hakam test [--rules=DIR | DIR]\n";
    return 2;
  }
  const std::string dir = args.empty() ? options.rules_dir : args[0];
  DiagnosticSink sink;
  absl::StatusOr<std::unique_ptr<Engine>> engine = Engine::Create(
      std::make_unique<DirectoryRuleSource>(dir), EngineOptions(), sink);
  if (!engine.ok()) {
    err << sink.ToString()
        << "hakam test: cannot load rules: " << engine.status().message()
        << "\n";
    return 2;
  }
  const RuleTestReport report = RunRuleTests(**engine);
  for (const RuleTestFailure& f : report.failures) out << f.ToString() << "\n";
  out << report.passed << " passed, " << report.failures.size() << " failed\n";
  out.flush();
  return report.failures.empty() ? 0 : 1;
}

}  // namespace hakam::cli
