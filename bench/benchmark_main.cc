// hakam-bench: Hakam's micro-benchmarks (Google Benchmark). Besides the
// --benchmark_* flags it takes:
//   --rules_dir=DIR     the shipped rules (default: the source tree's rules/)
//   --max_rules=N       largest synthetic ruleset to match (default 50000;
//                       the CI smoke run uses 1000); ruleset sizes are at
//                       most kMaxSyntheticRules (200000)
//   --match_sizes=N,..  BM_Match ruleset sizes (default 100,1000,10000,50000)
//   --view_sizes=N,..   BM_MatchView ruleset sizes (default 1000,50000;
//                       empty: no BM_MatchView rows)
//   --match_seconds=S   CPU seconds measured per matching row (default 1)
//   --corpus_seed=N     corpus seed (default 1)
//   --corpus_size=N     comments in the corpus (default 2000, at most
//                       kMaxCorpusSize)
//   --tsv_out=FILE      also write every result to FILE as tab-separated
//                       lines, for bench/run (see TsvTeeReporter)
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <string>
#include <vector>

#include <benchmark/benchmark.h>

#include "absl/strings/match.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_split.h"
#include "bench_fixtures.h"
#include "corpus.h"
#include "synthetic_rules.h"

namespace {

// The console report, plus one line per run in a file, tab-separated:
//   name  aggregate  error  error_message  cpu_ns  label  counters
// where aggregate is "" for a plain run or "mean", "median", ... for a
// repetitions aggregate, cpu_ns the CPU time per iteration, and counters
// "key=value;..." (bytes_per_second and items_per_second among them).
class TsvTeeReporter : public benchmark::ConsoleReporter {
 public:
  explicit TsvTeeReporter(const std::string& path)
      : ConsoleReporter(isatty(STDOUT_FILENO) ? OO_ColorTabular : OO_Tabular),
        out_(path) {}
  bool ok() const { return out_.good(); }

  void ReportRuns(const std::vector<Run>& runs) override {
    ConsoleReporter::ReportRuns(runs);
    for (const Run& run : runs) {
      const double cpu_ns =
          run.iterations > 0
              ? run.cpu_accumulated_time * 1e9 / static_cast<double>(run.iterations)
              : 0;
      out_ << run.benchmark_name() << '\t' << run.aggregate_name << '\t'
           << (run.error_occurred ? 1 : 0) << '\t' << Clean(run.error_message)
           << '\t' << cpu_ns << '\t' << Clean(run.report_label) << '\t';
      bool first = true;
      for (const auto& [key, counter] : run.counters) {
        out_ << (first ? "" : ";") << key << '=' << counter.value;
        first = false;
      }
      out_ << '\n';
    }
    out_.flush();
  }

 private:
  static std::string Clean(std::string s) {
    for (char& c : s) {
      if (c == '\t' || c == '\n') c = ' ';
    }
    return s;
  }
  std::ofstream out_;
};

// "100,1000" -> {100, 1000}; false unless every item is a positive int.
bool ParseSizes(absl::string_view value, std::vector<int>& sizes) {
  sizes.clear();
  for (absl::string_view item : absl::StrSplit(value, ',', absl::SkipEmpty())) {
    int n = 0;
    if (!absl::SimpleAtoi(item, &n) || n < 1 ||
        n > hakam::bench::kMaxSyntheticRules) {
      return false;
    }
    sizes.push_back(n);
  }
  return true;
}

// Consumes our own flags from argv; false on a malformed value.
bool ParseOwnFlags(int* argc, char** argv, hakam::bench::BenchConfig& config,
                   std::string& tsv_out) {
  int out = 1;
  for (int i = 1; i < *argc; ++i) {
    const absl::string_view arg = argv[i];
    bool ok = true;
    if (absl::StartsWith(arg, "--rules_dir=")) {
      config.rules_dir = std::string(arg.substr(12));
    } else if (absl::StartsWith(arg, "--max_rules=")) {
      ok = absl::SimpleAtoi(arg.substr(12), &config.max_rules) &&
           config.max_rules >= 1 &&
           config.max_rules <= hakam::bench::kMaxSyntheticRules;
    } else if (absl::StartsWith(arg, "--match_sizes=")) {
      ok = ParseSizes(arg.substr(14), config.match_sizes);
    } else if (absl::StartsWith(arg, "--view_sizes=")) {
      ok = ParseSizes(arg.substr(13), config.view_sizes);
    } else if (absl::StartsWith(arg, "--match_seconds=")) {
      ok = absl::SimpleAtod(arg.substr(16), &config.match_seconds) &&
           config.match_seconds > 0 && std::isfinite(config.match_seconds);
    } else if (absl::StartsWith(arg, "--tsv_out=")) {
      tsv_out = std::string(arg.substr(10));
    } else if (absl::StartsWith(arg, "--corpus_seed=")) {
      ok = absl::SimpleAtoi(arg.substr(14), &config.corpus_seed);
    } else if (absl::StartsWith(arg, "--corpus_size=")) {
      ok = absl::SimpleAtoi(arg.substr(14), &config.corpus_size) &&
           config.corpus_size > 0 &&
           config.corpus_size <= hakam::bench::kMaxCorpusSize;
    } else {
      argv[out++] = argv[i];
      continue;
    }
    if (!ok) {
      std::fprintf(stderr, "hakam-bench: bad value in %s\n", argv[i]);
      return false;
    }
  }
  *argc = out;
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  hakam::bench::BenchConfig& config = hakam::bench::MutableBenchConfig();
  config.rules_dir = HAKAM_SOURCE_DIR "/rules";
  std::string tsv_out;
  if (!ParseOwnFlags(&argc, argv, config, tsv_out)) return 1;
  benchmark::Initialize(&argc, argv);
  if (benchmark::ReportUnrecognizedArguments(argc, argv)) return 1;

  hakam::bench::RegisterMatchBenchmarks(config);
  hakam::bench::RegisterPipelineBenchmarks(config);
  benchmark::AddCustomContext("corpus",
                              hakam::bench::BenchCorpus().Describe());
  benchmark::AddCustomContext("rules_dir", config.rules_dir);
  if (tsv_out.empty()) {
    benchmark::RunSpecifiedBenchmarks();
  } else {
    TsvTeeReporter reporter(tsv_out);
    if (!reporter.ok()) {
      std::fprintf(stderr, "hakam-bench: cannot write %s\n", tsv_out.c_str());
      return 1;
    }
    benchmark::RunSpecifiedBenchmarks(&reporter);
  }
  benchmark::Shutdown();
  return 0;
}
