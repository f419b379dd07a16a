// A synthetic corpus of reader comments for benchmarks and load tests:
// Arabic (MSA and Gulf, Egyptian, Levantine and Iraqi dialect words) and
// English, alone or mixed in one comment, with the noise real comments
// carry (punctuation, emoji, digits, diacritics, tatweel, the odd link) and
// a small fraction of abusive comments built from the same words the
// shipped rules catch, some of them obfuscated.
//
//   CorpusOptions o;
//   o.seed = 42;
//   Corpus corpus = GenerateCorpus(o);
//   for (const std::string& text : corpus.texts) Evaluate(text);
//   std::printf("%s\n", corpus.Describe().c_str());
//
// The corpus is a pure function of its options: the same seed gives the
// same bytes on every machine (the generator uses its own PRNG, not the
// standard library's implementation-defined distributions).
//
// Thread safety: GenerateCorpus is stateless; a Corpus is a plain value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace hakam::bench {

// Most comments a corpus holds (about 200 MB of text): the bound the
// command-line tools check their --corpus_size against.
inline constexpr int kMaxCorpusSize = 1000000;

struct CorpusOptions {
  // Seed of the generator. Default 1.
  uint64_t seed = 1;
  // Number of comments, 0 to kMaxCorpusSize (callers check; a negative
  // count gives an empty corpus). Default 2000 (about 400 KB).
  int count = 2000;
  // Shortest and longest comment, in bytes. Defaults 20 and 2000.
  int min_bytes = 20;
  int max_bytes = 2000;
  // Median length in bytes of the log-normal length distribution before
  // clamping; with the default sigma the mean is close to 200 bytes.
  // Default 132.
  double median_bytes = 132;
  // Log-normal sigma of the length distribution. Default 0.9.
  double length_sigma = 0.9;
  // Fraction of comments that contain an insult. Default 0.03.
  double abusive_fraction = 0.03;
  // Fraction of comments that contain a link. Default 0.01.
  double link_fraction = 0.01;
};

struct Corpus {
  // Every comment, valid UTF-8.
  std::vector<std::string> texts;
  // Parallel to `texts`: true if an insult was inserted.
  std::vector<bool> abusive;
  // Sum of texts[i].size().
  size_t total_bytes = 0;
  // Number of comments with a link.
  int links = 0;

  double mean_bytes() const {
    return texts.empty() ? 0 : static_cast<double>(total_bytes) / texts.size();
  }
  // One line: count, bytes, mean/min/max length, abusive and link counts.
  std::string Describe() const;
};

Corpus GenerateCorpus(const CorpusOptions& options);

// A small deterministic PRNG (SplitMix64), shared by the generators so their
// output does not depend on the standard library.
class Rng {
 public:
  explicit Rng(uint64_t seed) : state_(seed) {}
  uint64_t Next();
  // Uniform in [0, n). Precondition: n > 0.
  uint64_t Below(uint64_t n);
  // Uniform in [0, 1).
  double Unit();
  // True with probability p.
  bool Chance(double p) { return Unit() < p; }
  // Standard normal (Box-Muller).
  double Normal();
  template <typename T>
  const T& Pick(const std::vector<T>& v) {
    return v[Below(v.size())];
  }

 private:
  uint64_t state_;
};

}  // namespace hakam::bench
