// Rule matching alone (RuleSet::Match on pre-normalized text) with
// synthetic rulesets (see synthetic_rules.h):
//
//   BM_Match/rules:N            100, 1k, 10k, 50k rules on their default
//                               views, as a real pack would be written;
//   BM_MatchView/view:V/rules:N the same rules pinned to one view V (every
//                               view, by its ViewId; the label names it),
//                               to show which views scale.
//
// Before timing, each ruleset makes one pass over the corpus (at most
// 20 s): RE2 builds its DFA states lazily, and counter cold_us_per_comment
// is what that first pass cost per comment, the cold start a freshly loaded
// server pays.
//
// Each row measures for --match_seconds of CPU time (default 1; see
// RunMatch), whatever --benchmark_min_time says.
//
// Each ruleset is compiled with RuleSetOptions' default RE2::Set budget
// and, if it does not fit, once more at 1 GiB; the counter max_mem_mib says
// which budget it took (0: the default). A ruleset that compiles with
// neither is reported as the row's error.

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "absl/time/clock.h"
#include "bench_fixtures.h"
#include "engine/engine.h"
#include "synthetic_rules.h"

namespace hakam::bench {
namespace {

// RE2::Set budgets tried in turn: RuleSetOptions' default, then 1 GiB.
const int64_t kBudgets[] = {RuleSetOptions().set_max_mem, int64_t{1} << 30};

double ThreadCpuSeconds() { return ThreadCpuNanos() * 1e-9; }

// Every corpus comment with every view built, in corpus order.
const std::vector<NormalizedText>& NormalizedCorpus() {
  static const std::vector<NormalizedText>* texts = [] {
    auto* v = new std::vector<NormalizedText>();
    for (const std::string& t : BenchCorpus().texts) {
      absl::StatusOr<NormalizedText> n =
          BenchNormalizer().Normalize(t, kAllViews);
      if (!n.ok()) {
        std::fprintf(stderr, "hakam-bench: %s\n",
                     n.status().ToString().c_str());
        std::exit(1);
      }
      v->push_back(*std::move(n));
    }
    return v;
  }();
  return *texts;
}

struct CompiledRules {
  int rules = 0;
  std::string views;               // SyntheticRulesOptions::views
  std::unique_ptr<Engine> engine;  // owns the ruleset; null if it failed
  absl::Status error;              // why it failed (at the last budget)
  int max_mem_mib = 0;             // the budget it compiled at; 0: default
  double compile_seconds = 0;      // of the successful attempt
  double cold_us_per_comment = 0;  // the first, untimed pass over the corpus
};

// The compiled ruleset for (rules, views). Only the last one is kept (a
// 50k-rule set holds hundreds of MB); benchmark repetitions of one row run
// back to back, so each row compiles once.
const CompiledRules& RulesFor(int rules, const std::string& views) {
  static auto* last = new CompiledRules();
  if (last->rules == rules && last->views == views) return *last;
  *last = CompiledRules();  // free the previous set first
  last->rules = rules;
  last->views = views;
  SyntheticRulesOptions o;
  o.rules = rules;
  o.views = views;
  const std::map<std::string, std::string> files =
      WithDefaultPolicy(GenerateRulePacks(o));
  for (int64_t budget : kBudgets) {
    EngineOptions options;
    options.ruleset.set_max_mem = budget;
    const absl::Time start = absl::Now();
    absl::StatusOr<std::unique_ptr<Engine>> engine = MakeEngine(files, options);
    if (!engine.ok()) {
      last->error = engine.status();
      continue;
    }
    last->compile_seconds = absl::ToDoubleSeconds(absl::Now() - start);
    last->max_mem_mib = static_cast<int>(budget >> 20);
    last->engine = *std::move(engine);
    break;
  }
  if (last->engine == nullptr) return *last;
  // One untimed pass over the corpus (at most 20 s), so the timed loop sees
  // RE2's lazily built DFA states in their steady state, as a running
  // server does.
  const std::shared_ptr<const Snapshot> snapshot = last->engine->snapshot();
  const absl::Time warm_start = absl::Now();
  const absl::Time warm_until = warm_start + absl::Seconds(20);
  std::vector<RuleHit> hits;
  int comments = 0;
  for (const NormalizedText& t : NormalizedCorpus()) {
    hits.clear();
    snapshot->ruleset->rules->Match(t, &hits);
    ++comments;
    if (absl::Now() > warm_until) break;
  }
  last->cold_us_per_comment =
      absl::ToDoubleMicroseconds(absl::Now() - warm_start) / comments;
  return *last;
}

void RunMatch(benchmark::State& state, int rules, const std::string& views) {
  const CompiledRules& compiled = RulesFor(rules, views);
  if (compiled.engine == nullptr) {
    // Typically a view's RE2::Set over its budget or over RE2's size limit.
    state.SkipWithError(
        ("does not compile: " + FirstProblem(compiled.error)).c_str());
    return;
  }
  const std::shared_ptr<const Snapshot> snapshot = compiled.engine->snapshot();
  const RuleSet& set = *snapshot->ruleset->rules;
  const std::vector<NormalizedText>& texts = NormalizedCorpus();
  std::vector<RuleHit> hits;
  int64_t bytes = 0;
  int64_t comments = 0;
  int64_t total_hits = 0;
  // One benchmark iteration = as many comments as fit in match_seconds of
  // this thread's CPU time (at least one), so a pathological ruleset (one
  // that falls back to running every rule alone) still finishes promptly.
  for (auto _ : state) {
    const double start = ThreadCpuSeconds();
    double used = 0;
    size_t i = 0;
    do {
      hits.clear();
      set.Match(texts[i], &hits);
      total_hits += static_cast<int64_t>(hits.size());
      bytes += static_cast<int64_t>(texts[i].original().size());
      ++comments;
      if (++i == texts.size()) i = 0;
      used = ThreadCpuSeconds() - start;
    } while (used < Config().match_seconds);
    state.SetIterationTime(used);
  }
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(comments);
  state.counters["rules"] = static_cast<double>(set.rules().size());
  state.counters["max_mem_mib"] = compiled.max_mem_mib;
  state.counters["compile_s"] = compiled.compile_seconds;
  state.counters["cold_us_per_comment"] = compiled.cold_us_per_comment;
  state.counters["hits_per_comment"] =
      static_cast<double>(total_hits) /
      static_cast<double>(std::max<int64_t>(1, comments));
}

// Arg: rules.
void BM_Match(benchmark::State& state) {
  RunMatch(state, static_cast<int>(state.range(0)), "");
}

// Args: view, rules.
void BM_MatchView(benchmark::State& state) {
  const auto view = static_cast<ViewId>(state.range(0));
  state.SetLabel(std::string(ViewName(view)));
  RunMatch(state, static_cast<int>(state.range(1)),
           std::string(ViewName(view)));
}

}  // namespace

void RegisterMatchBenchmarks(const BenchConfig& config) {
  benchmark::internal::Benchmark* b = nullptr;
  for (int rules : config.match_sizes) {
    if (rules > config.max_rules) continue;
    if (b == nullptr) {
      b = benchmark::RegisterBenchmark("BM_Match", BM_Match)
              ->ArgName("rules")
              ->Iterations(1)
              ->UseManualTime();
    }
    b->Arg(rules);
  }
  b = nullptr;
  for (int v = 0; v < kViewCount; ++v) {
    for (int rules : config.view_sizes) {
      if (rules > config.max_rules) continue;
      if (b == nullptr) {
        b = benchmark::RegisterBenchmark("BM_MatchView", BM_MatchView)
                ->ArgNames({"view", "rules"})
                ->Iterations(1)
                ->UseManualTime();
      }
      b->Args({v, rules});
    }
  }
}

}  // namespace hakam::bench
