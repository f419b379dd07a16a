// The whole pipeline in-process, one thread: Engine::Evaluate (validate,
// normalize, match, score, decide, build the Decision) per comment, with
// the shipped rules and with the shipped rules plus a 10k synthetic pack;
// and the same interleaved with the engine limit, for the target's ratio.
#include <benchmark/benchmark.h>

#include <map>
#include <memory>
#include <string>

#include "bench_fixtures.h"
#include "engine/engine.h"
#include "engine_limit.h"
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
  // Reused, as a batch job does (and the engine limit its output buffer).
  hakam::v1::Decision d;
  for (auto _ : state) {
    if (absl::Status s = engine.Evaluate(comments[i], &d); !s.ok()) {
      state.SkipWithError(s.ToString().c_str());
      break;
    }
    rejected += d.action() == hakam::v1::REJECT ? 1 : 0;
    bytes += static_cast<int64_t>(comments[i].text().size());
    if (++i == comments.size()) i = 0;
  }
  ReportThroughput(state, bytes);
  state.counters["rules"] =
      static_cast<double>(engine.snapshot()->ruleset->rules->rules().size());
  state.counters["reject_pct"] =
      100.0 * rejected / std::max<int64_t>(1, state.iterations());
}

// The pipeline against the engine limit, interleaved: each iteration takes
// the next kBatch comments through the limit, then through
// Engine::Evaluate, timing each half with the thread's CPU clock. Run
// separately, BM_Pipeline and BM_NfkcCasefoldBare are seconds apart, and on
// a shared machine their ratio moved from 0.075 to 0.17 between runs of the
// same code; here both halves see the same text within a millisecond of
// each other, so whatever slows one slows the other. Counters: `ratio`
// (limit time / pipeline time over the same bytes, i.e. pipeline
// throughput / limit throughput, the target's figure),
// `pipeline_bytes_per_second`, `limit_bytes_per_second`.
void BM_PipelineVsLimit(benchmark::State& state) {
  // About 0.3 ms of the limit: reading the thread's CPU clock is a system
  // call (0.8 us on the development VM), which a smaller batch would count
  // as a visible share of the limit's time.
  constexpr size_t kBatch = 256;
  const absl::StatusOr<std::unique_ptr<Engine>>& loaded = EngineWith(0);
  if (!loaded.ok()) {
    state.SkipWithError(
        ("does not load: " + FirstProblem(loaded.status())).c_str());
    return;
  }
  absl::StatusOr<EngineLimit> limit = EngineLimit::Create();
  if (!limit.ok()) {
    state.SkipWithError(limit.status().ToString().c_str());
    return;
  }
  const Engine& engine = **loaded;
  const std::vector<hakam::v1::Comment>& comments = BenchComments();
  size_t next = 0;
  int64_t limit_ns = 0, pipeline_ns = 0, bytes = 0;
  // Reused, as the limit reuses its output buffer.
  hakam::v1::Decision d;
  // One batch through the limit (`through_pipeline` false) or the
  // pipeline; false (and the benchmark skipped) on a failure.
  auto run_batch = [&](bool through_pipeline) {
    for (size_t k = 0; k < kBatch; ++k) {
      const hakam::v1::Comment& c = comments[(next + k) % comments.size()];
      if (through_pipeline) {
        if (absl::Status s = engine.Evaluate(c, &d); !s.ok()) {
          state.SkipWithError(s.ToString().c_str());
          return false;
        }
        benchmark::DoNotOptimize(d.action());
      } else {
        if (!limit->Run(c.text())) {
          state.SkipWithError("corpus holds invalid UTF-8, or ICU failed");
          return false;
        }
        benchmark::DoNotOptimize(limit->output().data());
        bytes += static_cast<int64_t>(c.text().size());
      }
    }
    return true;
  };
  for (auto _ : state) {
    const int64_t start = ThreadCpuNanos();
    if (!run_batch(/*through_pipeline=*/false)) break;
    const int64_t middle = ThreadCpuNanos();
    if (!run_batch(/*through_pipeline=*/true)) break;
    const int64_t end = ThreadCpuNanos();
    limit_ns += middle - start;
    pipeline_ns += end - middle;
    next = (next + kBatch) % comments.size();
  }
  if (limit_ns <= 0 || pipeline_ns <= 0) return;
  state.SetItemsProcessed(state.iterations() * static_cast<int64_t>(kBatch));
  state.counters["ratio"] = static_cast<double>(limit_ns) / pipeline_ns;
  state.counters["pipeline_bytes_per_second"] = 1e9 * bytes / pipeline_ns;
  state.counters["limit_bytes_per_second"] = 1e9 * bytes / limit_ns;
}

}  // namespace

void RegisterPipelineBenchmarks(const BenchConfig& config) {
  benchmark::internal::Benchmark* b =
      benchmark::RegisterBenchmark("BM_Pipeline", BM_Pipeline);
  b->ArgName("synthetic_rules")->Arg(0);
  if (config.max_rules >= 10000) b->Arg(10000);
  benchmark::RegisterBenchmark("BM_PipelineVsLimit", BM_PipelineVsLimit);
}

}  // namespace hakam::bench
