#include "histogram.h"

#include <gtest/gtest.h>

namespace hakam::bench {
namespace {

TEST(HistogramTest, EmptyReportsZero) {
  Histogram h;
  EXPECT_EQ(h.count(), 0);
  EXPECT_EQ(h.ValueAtQuantile(0.99), 0);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), 0);
}

TEST(HistogramTest, SmallValuesAreExact) {
  Histogram h;
  for (int v = 1; v <= 100; ++v) h.Record(v);
  EXPECT_EQ(h.count(), 100);
  EXPECT_EQ(h.ValueAtQuantile(0.5), 50);
  EXPECT_EQ(h.ValueAtQuantile(0.99), 99);
  EXPECT_EQ(h.ValueAtQuantile(1.0), 100);
  EXPECT_EQ(h.min(), 1);
  EXPECT_EQ(h.max(), 100);
}

TEST(HistogramTest, BucketsCoverEveryValueWithBoundedError) {
  for (int64_t v : {int64_t{255}, int64_t{256}, int64_t{257}, int64_t{1000},
                    int64_t{123456}, int64_t{987654321},
                    int64_t{1} << 39}) {
    const int b = Histogram::BucketOf(v);
    ASSERT_GE(b, 0);
    ASSERT_LT(b, Histogram::kBuckets);
    EXPECT_LE(Histogram::BucketLower(b), v) << v;
    EXPECT_GE(Histogram::BucketUpper(b), v) << v;
    EXPECT_LE(Histogram::BucketUpper(b) - Histogram::BucketLower(b),
              v / 128 + 1)
        << v;
  }
  // Buckets are contiguous.
  for (int b = 1; b + 1 < Histogram::kBuckets; ++b) {
    ASSERT_EQ(Histogram::BucketLower(b), Histogram::BucketUpper(b - 1) + 1)
        << b;
  }
}

TEST(HistogramTest, QuantilesOfMillisecondLatencies) {
  Histogram h;
  // 990 calls at 1 ms, 10 at 50 ms: p99 is 1 ms, p99.9 is 50 ms.
  for (int i = 0; i < 990; ++i) h.Record(1'000'000);
  for (int i = 0; i < 10; ++i) h.Record(50'000'000);
  EXPECT_NEAR(h.ValueAtQuantile(0.5), 1'000'000, 1'000'000 / 128);
  EXPECT_NEAR(h.ValueAtQuantile(0.99), 1'000'000, 1'000'000 / 128);
  EXPECT_EQ(h.ValueAtQuantile(0.999), 50'000'000);  // capped at max
  EXPECT_EQ(h.max(), 50'000'000);
}

TEST(HistogramTest, HugeAndNegativeValuesAreKept) {
  Histogram h;
  h.Record(-5);
  h.Record(int64_t{1} << 50);
  EXPECT_EQ(h.count(), 2);
  EXPECT_EQ(h.min(), 0);
  EXPECT_EQ(h.max(), int64_t{1} << 50);
  EXPECT_EQ(h.ValueAtQuantile(1.0), int64_t{1} << 50);
}

}  // namespace
}  // namespace hakam::bench
