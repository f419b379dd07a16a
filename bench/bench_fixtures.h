// Shared inputs of the micro-benchmarks (hakam-bench): the configuration
// from the command line, the corpus, and engines built from the shipped or
// synthetic rules. Everything is built once, on first use, and lives until
// the process exits.
//
//   const Corpus& corpus = BenchCorpus();
//   for (auto _ : state) { ... corpus.texts[i] ... }
//   ReportThroughput(state, bytes);   // bytes/s and items/s
//
// Setup failures (missing rules, rules that do not compile) abort with a
// message: a benchmark cannot measure a system that does not start.
//
// Thread safety: the accessors are thread-safe (function-local statics);
// what they return is immutable. MutableBenchConfig() only before the
// benchmarks run.
#pragma once

#include <time.h>

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include <benchmark/benchmark.h>

#include "corpus.h"
#include "engine/engine.h"
#include "hakam/v1/moderation.pb.h"
#include "text/normalizer.h"

namespace hakam::bench {

struct BenchConfig {
  // The shipped rules directory. Default: the source tree's rules/.
  std::string rules_dir;
  // Corpus seed and size. Defaults 1 and 2000.
  uint64_t corpus_seed = 1;
  int corpus_size = 2000;
  // Largest synthetic ruleset registered for matching. Default 50000.
  int max_rules = 50000;
  // Ruleset sizes of BM_Match (default views). Default 100, 1k, 10k, 50k.
  std::vector<int> match_sizes = {100, 1000, 10000, 50000};
  // Ruleset sizes of BM_MatchView (one row per view and size). Default 1k
  // and 50k: the two ends of the scaling target.
  std::vector<int> view_sizes = {1000, 50000};
  // CPU seconds each matching row measures for. Default 1.
  double match_seconds = 1.0;
};

BenchConfig& MutableBenchConfig();
const BenchConfig& Config();

const Corpus& BenchCorpus();
const Normalizer& BenchNormalizer();
// The corpus as Comment messages (comment_id "bench-<i>", site "bench").
const std::vector<hakam::v1::Comment>& BenchComments();

// Every file of Config().rules_dir, path -> content.
std::map<std::string, std::string> ShippedRuleFiles();

// An engine over `files` with `options`. On failure, the status message
// also holds every diagnostic, one per line.
absl::StatusOr<std::unique_ptr<Engine>> MakeEngine(
    std::map<std::string, std::string> files, const EngineOptions& options);

// The first diagnostic's message in a MakeEngine error (without its
// location), else the status message's first line; for one-line reports.
std::string FirstProblem(const absl::Status& status);

// MakeEngine, or abort with its message.
std::unique_ptr<Engine> MakeEngineOrDie(std::map<std::string, std::string> files,
                                        const EngineOptions& options);

// CPU time of the calling thread, in nanoseconds.
inline int64_t ThreadCpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// CPU time of the whole process (every thread), in nanoseconds.
inline int64_t ProcessCpuNanos() {
  timespec ts;
  clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
  return int64_t{ts.tv_sec} * 1000000000 + ts.tv_nsec;
}

// Sets bytes/s from `bytes` and items/s from the iteration count.
inline void ReportThroughput(benchmark::State& state, int64_t bytes) {
  state.SetBytesProcessed(bytes);
  state.SetItemsProcessed(state.iterations());
}

// Registration of the benchmarks whose set depends on the configuration.
void RegisterMatchBenchmarks(const BenchConfig& config);
void RegisterPipelineBenchmarks(const BenchConfig& config);

}  // namespace hakam::bench
