// libFuzzer target over the rule-file parser and compiler: arbitrary bytes
// as a YAML rule file must yield diagnostics or a ruleset, never a crash,
// a hang or an exception escaping yaml-cpp.
#include <cstdint>
#include <map>
#include <string>

#include "rules/rule_parser.h"
#include "rules/ruleset_loader.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static const hakam::Normalizer* normalizer =
      hakam::Normalizer::Create()->release();
  const std::string content(reinterpret_cast<const char*>(data), size);
  hakam::DiagnosticSink sink;
  hakam::InMemoryRuleSource source(
      std::map<std::string, std::string>{{"fuzz.yaml", content}});
  hakam::RuleSetOptions options;
  options.max_rules = 1000;
  // Half the inputs split their patterns into sets by first byte (see
  // RuleSetOptions::split_patterns_above), so both ways are fuzzed.
  if (size % 2 == 1) options.split_patterns_above = 0;
  (void)hakam::LoadRuleset(source, *normalizer, options, sink);
  for (const hakam::Diagnostic& d : sink.diagnostics()) (void)d.ToString();
  return 0;
}
