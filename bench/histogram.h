// A latency histogram with bounded relative error, for the load generator:
// log-linear buckets (128 per power of two above 256 ns, exact below), so
// every recorded value is known to within 1/128 (0.8%) from 0 ns to about
// 18 minutes, in a fixed 35 KiB of counters.
//
//   Histogram h;
//   h.Record(absl::ToInt64Nanoseconds(latency));   // from any thread
//   int64_t p99 = h.ValueAtQuantile(0.99);         // nanoseconds
//
// Thread safety: thread-safe. Record() is lock-free (one relaxed atomic
// increment per bucket, plus min/max); the readers may run concurrently with
// it and see a recent state.
#pragma once

#include <array>
#include <atomic>
#include <cstdint>

namespace hakam::bench {

class Histogram {
 public:
  Histogram();
  Histogram(const Histogram&) = delete;
  Histogram& operator=(const Histogram&) = delete;

  // Records one value in nanoseconds. Negative values count as 0; values
  // above the range count in the last bucket (max() stays exact).
  void Record(int64_t nanos);

  int64_t count() const { return count_.load(std::memory_order_relaxed); }
  // Smallest and largest recorded values; 0 when empty.
  int64_t min() const;
  int64_t max() const;

  // The value at quantile q (0 <= q <= 1) in nanoseconds: the upper bound
  // of the bucket holding the ceil(q * count())-th smallest value, capped at
  // max(); so the true quantile is at most this and at least 1/128 below
  // it. 0 when empty.
  int64_t ValueAtQuantile(double q) const;

  // Bucket index and bucket bounds [lower, upper] (inclusive), exposed for
  // tests.
  static int BucketOf(int64_t nanos);
  static int64_t BucketLower(int bucket);
  static int64_t BucketUpper(int bucket);

  static constexpr int kSubBits = 7;                     // 128 per octave
  static constexpr int kLinear = 2 << kSubBits;          // [0, 256) exact
  static constexpr int kMaxExponent = 40;                // 2^40 ns ~ 18 min
  static constexpr int kBuckets =
      kLinear + (kMaxExponent - kSubBits - 1) * (1 << kSubBits);

 private:
  std::array<std::atomic<uint64_t>, kBuckets> buckets_;
  std::atomic<int64_t> count_{0};
  std::atomic<int64_t> min_;
  std::atomic<int64_t> max_{0};
};

}  // namespace hakam::bench
