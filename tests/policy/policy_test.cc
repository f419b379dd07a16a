#include "policy/policy.h"

#include <gmock/gmock.h>
#include <gtest/gtest.h>

namespace hakam {
namespace {

PolicySpec Spec(std::string id, double review, double reject) {
  PolicySpec p;
  p.id = std::move(id);
  p.review_at = review;
  p.reject_at = reject;
  return p;
}

TEST(PolicyTest, ThresholdsMapScoresToActions) {
  Policy p(Spec("default", 5, 10));
  EXPECT_EQ(p.Decide(0), hakam::v1::ALLOW);
  EXPECT_EQ(p.Decide(4.9), hakam::v1::ALLOW);
  EXPECT_EQ(p.Decide(5), hakam::v1::REVIEW);
  EXPECT_EQ(p.Decide(9.99), hakam::v1::REVIEW);
  EXPECT_EQ(p.Decide(10), hakam::v1::REJECT);
  EXPECT_EQ(p.Decide(100), hakam::v1::REJECT);
}

TEST(PolicyTest, ZeroScoreIsAllowedEvenWithZeroThresholds) {
  Policy p(Spec("default", 0, 0));
  EXPECT_EQ(p.Decide(0), hakam::v1::ALLOW);
  EXPECT_EQ(p.Decide(0.1), hakam::v1::REJECT);
}

TEST(PolicySetTest, RequiresADefaultPolicy) {
  DiagnosticSink sink;
  auto set = PolicySet::Create({Spec("strict", 1, 2)}, sink);
  EXPECT_FALSE(set.ok());
  EXPECT_THAT(sink.ToString(), ::testing::HasSubstr("no policy with id "
                                                    "\"default\""));
}

TEST(PolicySetTest, RejectsDuplicateIdsAndSelectsDefault) {
  DiagnosticSink sink;
  auto dup = PolicySet::Create({Spec("default", 1, 2), Spec("default", 3, 4)},
                               sink);
  EXPECT_FALSE(dup.ok());
  DiagnosticSink ok_sink;
  auto set = PolicySet::Create({Spec("other", 1, 2), Spec("default", 3, 4)},
                               ok_sink);
  ASSERT_TRUE(set.ok());
  EXPECT_EQ((*set)->Select("site", "politics").id(), "default");
}

}  // namespace
}  // namespace hakam
