// The whole pipeline in-process, one thread: Engine::Evaluate (validate,
// normalize, match, score, decide, build the Decision) per comment, with
// the shipped rules and with the shipped rules plus a 10k synthetic pack.
#include <map>
#include <memory>
#include <string>

#include <benchmark/benchmark.h>

#include "bench_fixtures.h"
#include "engine/engine.h"
#include "synthetic_rules.h"

namespace hakam::bench {
namespace {

// The engine over the shipped rules plus `synthetic_rules` synthetic ones
// (0 = shipped only), built once; or why it could not be built.
const absl::StatusOr<std::unique_ptr<Engine>>& EngineWith(int synthetic_rules) {
  static auto* cache =
      new std::map<int, absl::StatusOr<std::unique_ptr<Engine>>>();
  auto it = cache->find(synthetic_rules);
  if (it != cache->end()) return it->second;
  std::map<std::string, std::string> files = ShippedRuleFiles();
  if (synthetic_rules > 0) {
    SyntheticRulesOptions o;
    o.rules = synthetic_rules;
    for (auto& [path, content] : GenerateRulePacks(o)) {
      files[path] = std::move(content);
    }
  }
  absl::StatusOr<std::unique_ptr<Engine>> engine =
      MakeEngine(std::move(files), EngineOptions());
  if (engine.ok()) {
    // One untimed pass: RE2 builds its DFA states lazily (see
    // match_benchmark.cc).
    for (const hakam::v1::Comment& c : BenchComments()) {
      (void)(*engine)->Evaluate(c);
    }
  }
  return cache->emplace(synthetic_rules, std::move(engine)).first->second;
}

void BM_Pipeline(benchmark::State& state) {
  const absl::StatusOr<std::unique_ptr<Engine>>& loaded =
      EngineWith(static_cast<int>(state.range(0)));
  if (!loaded.ok()) {
    state.SkipWithError(
        ("does not load: " + FirstProblem(loaded.status())).c_str());
    return;
  }
  const Engine& engine = **loaded;
  const std::vector<hakam::v1::Comment>& comments = BenchComments();
  size_t i = 0;
  int64_t bytes = 0;
  int64_t rejected = 0;
  for (auto _ : state) {
    absl::StatusOr<hakam::v1::Decision> d = engine.Evaluate(comments[i]);
    if (!d.ok()) {
      state.SkipWithError(d.status().ToString().c_str());
      break;
    }
    rejected += d->action() == hakam::v1::REJECT ? 1 : 0;
    bytes += static_cast<int64_t>(comments[i].text().size());
    if (++i == comments.size()) i = 0;
  }
  ReportThroughput(state, bytes);
  state.counters["rules"] = static_cast<double>(
      engine.snapshot()->ruleset->rules->rules().size());
  state.counters["reject_pct"] =
      100.0 * rejected / std::max<int64_t>(1, state.iterations());
}

}  // namespace

void RegisterPipelineBenchmarks(const BenchConfig& config) {
  benchmark::internal::Benchmark* b =
      benchmark::RegisterBenchmark("BM_Pipeline", BM_Pipeline);
  b->ArgName("synthetic_rules")->Arg(0);
  if (config.max_rules >= 10000) b->Arg(10000);
}

}  // namespace hakam::bench
