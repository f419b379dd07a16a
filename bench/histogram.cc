#include "histogram.h"

#include <algorithm>
#include <bit>
#include <cmath>
#include <limits>

namespace hakam::bench {

Histogram::Histogram() : min_(std::numeric_limits<int64_t>::max()) {
  for (auto& b : buckets_) b.store(0, std::memory_order_relaxed);
}

int Histogram::BucketOf(int64_t nanos) {
  if (nanos < kLinear) return nanos < 0 ? 0 : static_cast<int>(nanos);
  const auto v = static_cast<uint64_t>(nanos);
  const int e = std::bit_width(v) - 1;  // >= kSubBits + 1
  if (e >= kMaxExponent) return kBuckets - 1;
  const int sub = static_cast<int>((v >> (e - kSubBits)) & ((1 << kSubBits) - 1));
  return kLinear + (e - kSubBits - 1) * (1 << kSubBits) + sub;
}

int64_t Histogram::BucketLower(int bucket) {
  if (bucket < kLinear) return bucket;
  const int octave = (bucket - kLinear) >> kSubBits;
  const int sub = (bucket - kLinear) & ((1 << kSubBits) - 1);
  const int e = octave + kSubBits + 1;
  return (int64_t{(1 << kSubBits) + sub}) << (e - kSubBits);
}

int64_t Histogram::BucketUpper(int bucket) {
  if (bucket < kLinear) return bucket;
  if (bucket == kBuckets - 1) return std::numeric_limits<int64_t>::max();
  const int octave = (bucket - kLinear) >> kSubBits;
  const int e = octave + kSubBits + 1;
  return BucketLower(bucket) + (int64_t{1} << (e - kSubBits)) - 1;
}

void Histogram::Record(int64_t nanos) {
  if (nanos < 0) nanos = 0;
  buckets_[BucketOf(nanos)].fetch_add(1, std::memory_order_relaxed);
  count_.fetch_add(1, std::memory_order_relaxed);
  int64_t seen = min_.load(std::memory_order_relaxed);
  while (nanos < seen &&
         !min_.compare_exchange_weak(seen, nanos, std::memory_order_relaxed)) {
  }
  seen = max_.load(std::memory_order_relaxed);
  while (nanos > seen &&
         !max_.compare_exchange_weak(seen, nanos, std::memory_order_relaxed)) {
  }
}

int64_t Histogram::min() const {
  return count() == 0 ? 0 : min_.load(std::memory_order_relaxed);
}

int64_t Histogram::max() const { return max_.load(std::memory_order_relaxed); }

int64_t Histogram::ValueAtQuantile(double q) const {
  uint64_t total = 0;
  for (const auto& b : buckets_) total += b.load(std::memory_order_relaxed);
  if (total == 0) return 0;
  q = std::clamp(q, 0.0, 1.0);
  const uint64_t rank =
      std::max<uint64_t>(1, static_cast<uint64_t>(std::ceil(q * total)));
  uint64_t seen = 0;
  for (int i = 0; i < kBuckets; ++i) {
    seen += buckets_[i].load(std::memory_order_relaxed);
    if (seen >= rank) return std::min(BucketUpper(i), max());
  }
  return max();
}

}  // namespace hakam::bench
