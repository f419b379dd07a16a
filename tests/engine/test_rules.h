// A small in-memory ruleset shared by engine-level tests.
#pragma once

#include <map>
#include <memory>
#include <string>

#include "engine/engine.h"

namespace hakam::testing {

inline std::map<std::string, std::string> TestRuleFiles() {
  return {
      {"rules/p.yaml", R"(pack: test
rules:
  - id: ar.kalb
    category: insult
    weight: 10
    words: [يا كلب]
  - id: en.idiot
    category: insult
    weight: 5
    words: [idiot]
  - id: link
    category: link
    weight: 5
    pattern: 'https?://\S+'
)"},
      {"rules/policies.yaml", R"(policies:
  - {id: default, review_at: 5, reject_at: 10}
)"},
  };
}

inline std::unique_ptr<Engine> TestEngine() {
  DiagnosticSink sink;
  auto engine = Engine::Create(
      std::make_unique<InMemoryRuleSource>(TestRuleFiles()), EngineOptions(),
      sink);
  if (!engine.ok()) return nullptr;
  return *std::move(engine);
}

}  // namespace hakam::testing
