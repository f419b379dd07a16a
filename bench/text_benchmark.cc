// UTF-8 validation and normalization per comment, and the bare ICU floor
// they are compared with (the "engine limit": a UTF-8 scan plus
// NFKC_Casefold of the same text, with no offset maps and no views).
#include <string>

#include <benchmark/benchmark.h>

#include "bench_fixtures.h"
#include "engine_limit.h"
#include "text/normalizer.h"
#include "text/utf8.h"

namespace hakam::bench {
namespace {

// Baseline: the bare UTF-8 scan alone.
void BM_Utf8ScanBare(benchmark::State& state) {
  const Corpus& corpus = BenchCorpus();
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& text = corpus.texts[i];
    benchmark::DoNotOptimize(BareUtf8Scan(text));
    bytes += static_cast<int64_t>(text.size());
    if (++i == corpus.texts.size()) i = 0;
  }
  ReportThroughput(state, bytes);
}
BENCHMARK(BM_Utf8ScanBare);

// Baseline (the engine limit): bare UTF-8 scan + ICU NFKC_Casefold into a
// reused buffer.
void BM_NfkcCasefoldBare(benchmark::State& state) {
  absl::StatusOr<EngineLimit> limit = EngineLimit::Create();
  if (!limit.ok()) {
    state.SkipWithError(limit.status().ToString().c_str());
    return;
  }
  const Corpus& corpus = BenchCorpus();
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& text = corpus.texts[i];
    if (!limit->Run(text)) {
      state.SkipWithError("corpus holds invalid UTF-8, or ICU failed");
      break;
    }
    benchmark::DoNotOptimize(limit->output().data());
    bytes += static_cast<int64_t>(text.size());
    if (++i == corpus.texts.size()) i = 0;
  }
  ReportThroughput(state, bytes);
}
BENCHMARK(BM_NfkcCasefoldBare);

// Hakam's validator alone.
void BM_ValidateUtf8(benchmark::State& state) {
  const Corpus& corpus = BenchCorpus();
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& text = corpus.texts[i];
    absl::Status s = ValidateUtf8(text, "comment.text");
    benchmark::DoNotOptimize(s);
    bytes += static_cast<int64_t>(text.size());
    if (++i == corpus.texts.size()) i = 0;
  }
  ReportThroughput(state, bytes);
}
BENCHMARK(BM_ValidateUtf8);

// Validation + every view the Normalizer offers (kAllViews), with offset
// maps and tokens: what the pipeline does before matching, for a ruleset
// that uses every view.
void BM_ValidateAndNormalize(benchmark::State& state) {
  const Corpus& corpus = BenchCorpus();
  const Normalizer& normalizer = BenchNormalizer();
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& text = corpus.texts[i];
    if (!ValidateUtf8(text, "comment.text").ok()) {
      state.SkipWithError("corpus holds invalid UTF-8");
      break;
    }
    absl::StatusOr<NormalizedText> n = normalizer.Normalize(text, kAllViews);
    if (!n.ok()) {
      state.SkipWithError(n.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(n);
    bytes += static_cast<int64_t>(text.size());
    if (++i == corpus.texts.size()) i = 0;
  }
  ReportThroughput(state, bytes);
}
BENCHMARK(BM_ValidateAndNormalize);

// One view at a time (with the views it derives from, as Normalize builds
// them): where the normalization time goes. Arg: the ViewId; the label is
// its name.
void BM_NormalizeView(benchmark::State& state) {
  const auto view = static_cast<ViewId>(state.range(0));
  const Corpus& corpus = BenchCorpus();
  const Normalizer& normalizer = BenchNormalizer();
  size_t i = 0;
  int64_t bytes = 0;
  for (auto _ : state) {
    const std::string& text = corpus.texts[i];
    absl::StatusOr<NormalizedText> n = normalizer.Normalize(text, ViewBit(view));
    if (!n.ok()) {
      state.SkipWithError(n.status().ToString().c_str());
      break;
    }
    benchmark::DoNotOptimize(n);
    bytes += static_cast<int64_t>(text.size());
    if (++i == corpus.texts.size()) i = 0;
  }
  state.SetLabel(std::string(ViewName(view)));
  ReportThroughput(state, bytes);
}
BENCHMARK(BM_NormalizeView)->ArgName("view")->DenseRange(0, kViewCount - 1);

}  // namespace
}  // namespace hakam::bench
