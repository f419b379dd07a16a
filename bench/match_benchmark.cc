// Rule matching alone (RuleSet::Match on pre-normalized text) with
// synthetic rulesets (see synthetic_rules.h):
//
//   BM_Match/rules:N            100, 1k, 10k, 50k rules on their default
//                               views, as a real pack would be written;
//   BM_MatchView/view:V/rules:N the same rules pinned to one view V (every
//                               view, by its ViewId; the label names it),
//                               to show which views scale;
//   BM_MatchInterleaved/rules:N N rules and 1k rules on their default
//                               views, taking turns on the same 1,024-comment
//                               batches: counter `ratio` is N's cost per
//                               byte over 1k's, both measured under the
//                               same noise (N = 1000 checks the method:
//                               about 1).
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

#include <benchmark/benchmark.h>

#include <cstdio>
#include <cstdlib>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/time/clock.h"
#include "bench_fixtures.h"
#include "engine/engine.h"
#include "synthetic_rules.h"

namespace hakam::bench {
namespace {

// The ruleset BM_MatchInterleaved compares every size with.
constexpr int kInterleavedBaselineRules = 1000;

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

// Compiles `rules` synthetic rules on `views`, then warms them.
CompiledRules Compile(int rules, const std::string& views) {
  CompiledRules compiled;
  compiled.rules = rules;
  compiled.views = views;
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
      compiled.error = engine.status();
      continue;
    }
    compiled.compile_seconds = absl::ToDoubleSeconds(absl::Now() - start);
    compiled.max_mem_mib = static_cast<int>(budget >> 20);
    compiled.engine = *std::move(engine);
    break;
  }
  if (compiled.engine == nullptr) return compiled;
  // One untimed pass over the corpus (at most 20 s), so the timed loop sees
  // RE2's lazily built DFA states in their steady state, as a running
  // server does.
  const std::shared_ptr<const Snapshot> snapshot = compiled.engine->snapshot();
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
  compiled.cold_us_per_comment =
      absl::ToDoubleMicroseconds(absl::Now() - warm_start) / comments;
  return compiled;
}

// The compiled ruleset for (rules, views). Only the last one is kept (a
// 50k-rule set holds hundreds of MB); benchmark repetitions of one row run
// back to back, so each row compiles once.
const CompiledRules& RulesFor(int rules, const std::string& views) {
  static auto* last = new CompiledRules();
  if (last->rules == rules && last->views == views) return *last;
  *last = CompiledRules();  // free the previous set first
  *last = Compile(rules, views);
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
    // The clock is read after a batch of comments, not after each: reading
    // a thread's CPU clock is a system call, 0.8 us on the development VM,
    // a fifth to a quarter of matching a comment with 1k rules, which made
    // every ruleset look closer to the others than it is. The batch grows from
    // one comment while a batch takes under 100 us.
    int batch = 1;
    do {
      for (int k = 0; k < batch; ++k) {
        hits.clear();
        set.Match(texts[i], &hits);
        total_hits += static_cast<int64_t>(hits.size());
        bytes += static_cast<int64_t>(texts[i].original().size());
        ++comments;
        if (++i == texts.size()) i = 0;
      }
      const double now = ThreadCpuSeconds() - start;
      if (now - used < 100e-6 && batch < 256) batch *= 2;
      used = now;
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

// The 1k-rule baseline of BM_MatchInterleaved, compiled and warmed once
// and kept beside RulesFor's ruleset.
const CompiledRules& BaselineRules() {
  static const CompiledRules* baseline =
      new CompiledRules(Compile(kInterleavedBaselineRules, ""));
  return *baseline;
}

// Arg: rules. Each iteration takes the next 1,024 comments (or the whole
// corpus, if smaller) through both rulesets in turns, the order
// alternating from batch to batch, timing each with this thread's CPU
// clock, until both together have used twice --match_seconds. A 50k-rule
// set spreads its DFA states over far more memory than 1k rules; matched
// in turns, each meets the other's cache footprint on every batch, as the
// pipeline and its limit do in BM_PipelineVsLimit. Against 1k rules that
// costs nothing measurable (rules:1000 reads 1.01-1.04); against 50k it
// may cost the larger set more than the smaller.
void BM_MatchInterleaved(benchmark::State& state) {
  const CompiledRules& small = BaselineRules();
  const CompiledRules& big = RulesFor(static_cast<int>(state.range(0)), "");
  for (const CompiledRules* c : {&small, &big}) {
    if (c->engine == nullptr) {
      state.SkipWithError(
          ("does not compile: " + FirstProblem(c->error)).c_str());
      return;
    }
  }
  const std::shared_ptr<const Snapshot> small_snapshot =
      small.engine->snapshot();
  const std::shared_ptr<const Snapshot> big_snapshot = big.engine->snapshot();
  const RuleSet& small_set = *small_snapshot->ruleset->rules;
  const RuleSet& big_set = *big_snapshot->ruleset->rules;
  const std::vector<NormalizedText>& texts = NormalizedCorpus();
  const size_t batch = std::min<size_t>(1024, texts.size());
  std::vector<RuleHit> hits;
  double small_seconds = 0, big_seconds = 0;
  int64_t bytes = 0;  // matched by each set
  size_t next = 0;
  int64_t batches = 0;
  auto run = [&](const RuleSet& set, size_t from) {
    const double start = ThreadCpuSeconds();
    for (size_t k = 0; k < batch; ++k) {
      hits.clear();
      set.Match(texts[(from + k) % texts.size()], &hits);
    }
    return ThreadCpuSeconds() - start;
  };
  for (auto _ : state) {
    do {
      for (size_t k = 0; k < batch; ++k) {
        bytes += static_cast<int64_t>(
            texts[(next + k) % texts.size()].original().size());
      }
      if (batches % 2 == 0) {
        small_seconds += run(small_set, next);
        big_seconds += run(big_set, next);
      } else {
        big_seconds += run(big_set, next);
        small_seconds += run(small_set, next);
      }
      next = (next + batch) % texts.size();
      ++batches;
    } while (small_seconds + big_seconds < 2 * Config().match_seconds);
    state.SetIterationTime(big_seconds);
  }
  state.SetBytesProcessed(bytes);
  state.counters["ratio"] = big_seconds / small_seconds;
  state.counters["bytes_per_second_big"] =
      static_cast<double>(bytes) / big_seconds;
  state.counters["bytes_per_second_1k"] =
      static_cast<double>(bytes) / small_seconds;
  state.counters["max_mem_mib"] = big.max_mem_mib;
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
  for (int rules : config.match_sizes) {
    if (rules < kInterleavedBaselineRules || rules > config.max_rules) continue;
    if (b == nullptr) {
      b = benchmark::RegisterBenchmark("BM_MatchInterleaved",
                                       BM_MatchInterleaved)
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
