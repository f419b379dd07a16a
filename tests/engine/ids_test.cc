#include "engine/ids.h"

#include <gtest/gtest.h>

#include <set>
#include <string>
#include <thread>
#include <vector>

#include "absl/strings/numbers.h"

namespace hakam {
namespace {

bool IsLowerHex(const std::string& s) {
  for (char c : s) {
    if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f'))) return false;
  }
  return true;
}

TEST(NewDecisionIdTest, IsThirtyTwoHexDigitsLedByTheMilliseconds) {
  const absl::Time now = absl::FromUnixMillis(0x18C2F4A5B6DLL);
  const std::string id = NewDecisionId(now);
  ASSERT_EQ(id.size(), 32u);
  EXPECT_TRUE(IsLowerHex(id)) << id;
  EXPECT_EQ(id.substr(0, 12), "018c2f4a5b6d");
  uint64_t millis = 0;
  ASSERT_TRUE(absl::SimpleHexAtoi(id.substr(0, 12), &millis));
  EXPECT_EQ(millis, 0x18C2F4A5B6DULL);
}

TEST(NewDecisionIdTest, WritesOverWhatTheStringHeld) {
  const absl::Time now = absl::FromUnixMillis(0x18C2F4A5B6DLL);
  for (std::string id : {std::string(), std::string(100, 'x'),
                         std::string("0123456789abcdef0123456789abcdef")}) {
    NewDecisionId(now, &id);
    ASSERT_EQ(id.size(), 32u);
    EXPECT_TRUE(IsLowerHex(id)) << id;
    EXPECT_EQ(id.substr(0, 12), "018c2f4a5b6d");
  }
}

TEST(NewDecisionIdTest, SortsByTime) {
  const absl::Time t = absl::FromUnixMillis(1764400000000);
  for (int i = 0; i < 100; ++i) {
    EXPECT_LT(NewDecisionId(t), NewDecisionId(t + absl::Milliseconds(1)));
    EXPECT_LT(NewDecisionId(t + absl::Milliseconds(255)),
              NewDecisionId(t + absl::Milliseconds(256)));
  }
}

TEST(NewDecisionIdTest, RandomPartDiffersAndUsesEveryDigit) {
  const absl::Time t = absl::FromUnixMillis(1764400000000);
  std::set<std::string> ids;
  std::set<char> tail_digits;
  for (int i = 0; i < 10000; ++i) {
    const std::string id = NewDecisionId(t);
    ids.insert(id);
    tail_digits.insert(id.begin() + 12, id.end());
  }
  EXPECT_EQ(ids.size(), 10000u);
  EXPECT_EQ(tail_digits.size(), 16u);
}

TEST(NewDecisionIdTest, ThreadsMakeDistinctIds) {
  const absl::Time t = absl::FromUnixMillis(1764400000000);
  constexpr int kThreads = 4, kEach = 2000;
  std::vector<std::vector<std::string>> made(kThreads);
  std::vector<std::thread> threads;
  for (int i = 0; i < kThreads; ++i) {
    threads.emplace_back([&, i] {
      for (int k = 0; k < kEach; ++k) made[i].push_back(NewDecisionId(t));
    });
  }
  for (std::thread& th : threads) th.join();
  std::set<std::string> all;
  for (const auto& v : made) all.insert(v.begin(), v.end());
  EXPECT_EQ(all.size(), static_cast<size_t>(kThreads * kEach));
}

}  // namespace
}  // namespace hakam
